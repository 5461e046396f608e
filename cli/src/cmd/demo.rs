//! `tsafe demo`: the whole story on a throwaway anvil, narrated on stderr.
//!
//! Deploy, propose, co-sign, queue, early execute refused, time passes, execute, cap refusal,
//! guardian freeze blocks, owners unfreeze, a watcher cancels an unannounced drain on its own,
//! then stolen owner keys queue a drain of everything and the guardian evacuates the safe to its
//! recovery address (the same sweep code as `tsafe evacuate`): the attacker gets nothing and the
//! drain is voided. Every refusal is the contract's own revert, decoded.
//! Exits 0 only if every step behaved as the story says.

use crate::devnet::{dev_chain, setup_dev_safe, spawn_anvil};
use crate::{
    context::{Chain, Ctx},
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
    output::{Out, Outcome},
    tx,
    units::{NATIVE_ASSET, format_native},
};
use alloy::{
    primitives::{Address, B256, Bytes, U256, utils::parse_ether},
    providers::{DynProvider, Provider, ext::AnvilApi},
    signers::{SignerSync, local::PrivateKeySigner},
};
use clap::Args;
use eyre::{Result, bail};
use serde::Serialize;

/// Arguments of `tsafe demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Use this node (it must accept anvil's time-travel calls) instead of starting anvil.
    #[arg(short = 'r', long, value_name = "URL")]
    pub rpc_url: Option<String>,
}

/// What happened, step by step.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoReport {
    safe: Address,
    chain_id: u64,
    steps: Vec<Step>,
}

#[derive(Debug, Serialize)]
struct Step {
    name: &'static str,
    outcome: String,
}

type Safe = ITreasurySafe::ITreasurySafeInstance<DynProvider>;

struct Story<'a> {
    out: &'a Out,
    chain: Chain,
    safe: Safe,
    owners: Vec<PrivateKeySigner>,
    guardian: Address,
    steps: Vec<Step>,
    n: usize,
}

impl Story<'_> {
    fn step(&mut self, name: &'static str, headline: &str) {
        self.n += 1;
        self.out.step(format!("\n[{}] {headline}", self.n));
        self.steps.push(Step { name, outcome: String::new() });
    }

    fn record(&mut self, line: impl Into<String>) {
        let line = line.into();
        self.out.status(format!("    {line}"));
        if let Some(step) = self.steps.last_mut() {
            step.outcome = line;
        }
    }

    async fn sign(
        &self,
        calls: &[ITreasurySafe::Call],
        salt: B256,
        signers: &[usize],
    ) -> Result<(B256, Vec<ITreasurySafe::Signature>)> {
        let epoch = self.safe.epoch().call().await?;
        let id = self.safe.hashProposal(calls.to_vec(), salt, epoch).call().await?;
        let sigs = signers
            .iter()
            .map(|&i| {
                let sig = self.owners[i].sign_hash_sync(&id)?;
                Ok(ITreasurySafe::Signature {
                    signer: self.owners[i].address(),
                    data: Bytes::from(sig.as_bytes().to_vec()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((id, sigs))
    }

    /// Expects `call` to be refused with `expected`; returns the decoded revert line.
    async fn expect_refusal<D: alloy::contract::CallDecoder>(
        &self,
        call: &alloy::contract::CallBuilder<&DynProvider, D>,
        expected: &str,
    ) -> Result<String> {
        match call.call_raw().await {
            Ok(_) => bail!("the safe accepted a call it must refuse ({expected})"),
            Err(e) => {
                let failure = crate::exit::contract_failure("call", &e);
                let Some(decoded) = failure.revert.as_ref() else {
                    bail!("refused without a decodable reason: {failure}")
                };
                if decoded.innermost().name != expected {
                    bail!("refused with {}, expected {expected}", decoded.signature_line());
                }
                Ok(decoded.innermost().signature_line())
            }
        }
    }

    async fn warp(&self, seconds: u64) -> Result<()> {
        self.chain.provider.anvil_increase_time(seconds).await?;
        self.chain.provider.evm_mine(None).await?;
        Ok(())
    }
}

fn transfer(to: Address, wei: U256) -> Vec<ITreasurySafe::Call> {
    vec![ITreasurySafe::Call { target: to, value: wei, data: Bytes::new() }]
}

impl DemoArgs {
    /// Runs the story; any step that does not behave as told fails the demo.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        let anvil = match &self.rpc_url {
            Some(_) => None,
            None => Some(spawn_anvil(out, 0)?),
        };
        let url = self
            .rpc_url
            .clone()
            .or_else(|| anvil.as_ref().map(alloy::node_bindings::AnvilInstance::endpoint))
            .unwrap_or_default();
        let chain = dev_chain(&url).await?;
        let mut story = Story {
            out,
            chain: chain.clone(),
            safe: ITreasurySafe::new(Address::ZERO, chain.provider.clone()),
            owners: crate::devnet::dev_signers()?,
            guardian: Address::ZERO,
            steps: Vec::new(),
            n: 0,
        };
        let result = story_run(&mut story).await;
        drop(anvil);
        result?;
        let report = DemoReport {
            safe: *story.safe.address(),
            chain_id: story.chain.chain_id,
            steps: story.steps,
        };
        let text = format!(
            "demo ok: {} steps behaved as told (safe {}, chain {})",
            report.steps.len(),
            report.safe,
            report.chain_id
        );
        Outcome::new(&report, text)
    }
}

async fn story_run(s: &mut Story<'_>) -> Result<()> {
    let recipient = s.owners[5].address();
    s.step("deploy", "Deploy a 2-of-3 safe: 2-day delay, 10 ETH/day cap, one guardian");
    let dev = setup_dev_safe(s.out, &s.chain, B256::ZERO, parse_ether("50")?).await?;
    s.safe = ITreasurySafe::new(dev.safe, s.chain.provider.clone());
    let safe = s.safe.clone();
    s.guardian = dev.guardian;
    s.record(format!(
        "safe {} funded with 50 ETH; owners = anvil accounts 0-2, guardian = account 3",
        dev.safe
    ));

    s.step("propose", "Owner 0 proposes sending 4 ETH to a recipient");
    let calls = transfer(recipient, parse_ether("4")?);
    let salt = B256::with_last_byte(1);
    let (id, sigs) = s.sign(&calls, salt, &[0, 1]).await?;
    s.record(format!("proposal id (EIP-712 digest) {id}"));

    s.step("co-sign", "Owners 0 and 1 sign the digest off chain (2 of 3)");
    s.record(format!("signatures from {} and {}", sigs[0].signer, sigs[1].signer));

    s.step("queue", "Anyone submits the two signatures: the 2-day clock starts");
    let call = safe.queue(calls.clone(), salt, sigs).from(dev.owners[2]);
    tx::transact(s.out, &s.chain, "queue", &call, true).await?;
    let mined = tx::transact(s.out, &s.chain, "queue", &call, false).await?;
    let p = safe.getProposal(id).call().await?;
    s.record(format!(
        "queued in {}; executable from {} (eta)",
        mined.map(|m| m.hash.to_string()).unwrap_or_default(),
        p.eta
    ));
    // A second proposal, 8 ETH, approved and queued the same day by owners 1 and 2.
    let big = transfer(recipient, parse_ether("8")?);
    let salt2 = B256::with_last_byte(2);
    let (_, sigs) = s.sign(&big, salt2, &[1, 2]).await?;
    let q = safe.queue(big.clone(), salt2, sigs).from(dev.owners[0]);
    tx::transact(s.out, &s.chain, "queue", &q, false).await?;
    s.record("a second proposal, 8 ETH to the same recipient, is queued too");

    s.step("early-execute", "Executing before the eta is refused by the contract");
    let exec = safe.execute(calls.clone(), salt, 0).from(dev.owners[2]);
    let refusal = s.expect_refusal(&exec, "NotReady").await?;
    s.record(format!("refused: {refusal}"));

    s.step("time-passes", "Two days pass (anvil time travel)");
    s.warp(2 * 86_400).await?;
    s.record("now past the eta");

    s.step("execute", "Anyone executes: 4 ETH leave, counted against the cap");
    let before = s.chain.provider.get_balance(recipient).await?;
    tx::transact(s.out, &s.chain, "execute", &exec, false).await?;
    let received = s.chain.provider.get_balance(recipient).await? - before;
    if received != parse_ether("4")? {
        bail!("recipient received {received} wei, expected 4 ETH");
    }
    let left = safe.remainingCap(NATIVE_ASSET).call().await?;
    s.record(format!(
        "recipient received {}; cap left today: {}",
        format_native(received),
        format_native(left)
    ));

    s.step(
        "cap-refusal",
        "The queued 8 ETH proposal is ready too, but exceeds what the cap has left today",
    );
    let e2 = safe.execute(big, salt2, 0).from(dev.owners[0]);
    let refusal = s.expect_refusal(&e2, "CapExceeded").await?;
    s.record(format!("refused: {refusal}; it stays queued and can run once the window rolls"));

    s.step("freeze", "The guardian sees something wrong and freezes the safe");
    let freeze = safe.freeze().from(s.guardian);
    tx::transact(s.out, &s.chain, "freeze", &freeze, false).await?;
    let one = transfer(recipient, parse_ether("1")?);
    let salt4 = B256::with_last_byte(4);
    let (_, sigs) = s.sign(&one, salt4, &[0, 1]).await?;
    let q4 = safe.queue(one, salt4, sigs).from(dev.owners[0]);
    let refusal = s.expect_refusal(&q4, "Frozen").await?;
    let again = s.expect_refusal(&safe.freeze().from(s.guardian), "GuardiansDisarmed").await?;
    s.record(format!(
        "queueing is refused: {refusal}; a second guardian freeze is refused: {again}"
    ));

    s.step("unfreeze", "Two owners end the freeze early with a fast-tracked unfreeze() proposal");
    let unfreeze = vec![ITreasurySafe::Call {
        target: *safe.address(),
        value: U256::ZERO,
        data: Bytes::from(alloy::sol_types::SolCall::abi_encode(&ITreasurySafe::unfreezeCall {})),
    }];
    let salt5 = B256::with_last_byte(5);
    let (_, sigs) = s.sign(&unfreeze, salt5, &[0, 1]).await?;
    let q5 = safe.queue(unfreeze.clone(), salt5, sigs).from(dev.owners[0]);
    tx::transact(s.out, &s.chain, "queue", &q5, false).await?;
    let e5 = safe.execute(unfreeze, salt5, 0).from(dev.owners[0]);
    tx::transact(s.out, &s.chain, "execute", &e5, false).await?;
    let until = safe.frozenUntil().call().await?;
    if until != 0 {
        return Err(Failure::new(ExitKind::Error, format!("still frozen until {until}")).into());
    }
    s.record(
        "unfrozen with no delay (unfreeze and cancel are the only batches allowed while frozen)",
    );

    s.step(
        "watch",
        "A watcher with the guardian key sees an unannounced drain queued and cancels it",
    );
    let drain = transfer(recipient, parse_ether("9")?);
    let salt6 = B256::with_last_byte(6);
    let (id, sigs) = s.sign(&drain, salt6, &[0, 1]).await?;
    let q6 = safe.queue(drain, salt6, sigs).from(dev.owners[0]);
    tx::transact(s.out, &s.chain, "queue (the drain)", &q6, false).await?;
    let cancelled = crate::watch::demo_cancel(
        *s.out,
        &s.chain.rpc_url,
        *safe.address(),
        crate::devnet::DEV_KEYS[3],
        id,
    )
    .await?;
    if !cancelled {
        return Err(
            Failure::new(ExitKind::Error, format!("the watcher did not cancel {id}")).into()
        );
    }
    s.record(format!("proposal {id} cancelled by the watcher before its eta, on its own"));
    evacuation(s, &dev).await
}

/// Stolen owner keys (2 of 3) queue a drain of everything; the guardian evacuates through the
/// same plan and sweep code as `tsafe evacuate`; the attacker gets nothing, the recovery address
/// holds the funds, and the drain is voided.
async fn evacuation(s: &mut Story<'_>, dev: &crate::devnet::DevSafe) -> Result<()> {
    use crate::sweep;
    let safe = s.safe.clone();
    let attacker = Address::repeat_byte(0xba);
    let recovery = s.owners[crate::devnet::DEV_RECOVERY_INDEX].address();
    s.step(
        "stolen-keys",
        "Two stolen owner keys queue a drain of everything: remove the dUSD cap, send all ETH and dUSD",
    );
    let eth = s.chain.provider.get_balance(*safe.address()).await?;
    let dusd = crate::chain::IERC20::new(dev.token, s.chain.provider.clone());
    let tokens = dusd.balanceOf(*safe.address()).call().await?;
    let drain = vec![
        ITreasurySafe::Call {
            target: *safe.address(),
            value: U256::ZERO,
            data: Bytes::from(alloy::sol_types::SolCall::abi_encode(
                &ITreasurySafe::removeCapCall { asset: dev.token },
            )),
        },
        ITreasurySafe::Call { target: attacker, value: eth, data: Bytes::new() },
        ITreasurySafe::Call {
            target: dev.token,
            value: U256::ZERO,
            data: Bytes::from(alloy::sol_types::SolCall::abi_encode(
                &crate::chain::IERC20::transferCall { to: attacker, amount: tokens },
            )),
        },
    ];
    let salt7 = B256::with_last_byte(7);
    let (drain_id, sigs) = s.sign(&drain, salt7, &[1, 2]).await?;
    let q7 = safe.queue(drain.clone(), salt7, sigs).from(dev.owners[0]);
    tx::transact(s.out, &s.chain, "queue (the drain)", &q7, false).await?;
    s.record(format!(
        "drain {drain_id} queued: {} and {} to {attacker}, executable in 2 days",
        format_native(eth),
        crate::units::format_token(tokens, 6, "dUSD")
    ));

    s.step(
        "evacuate",
        "The guardian evacuates (`tsafe evacuate`): everything goes to the recovery address fixed at deployment",
    );
    let plan = sweep::plan(&s.chain, &safe, &[], &[]).await?;
    if let Some(why) = sweep::power_problem(&safe, s.guardian, plan.now).await? {
        return Err(Failure::new(ExitKind::Error, why.to_string()).into());
    }
    s.out.status(sweep::render_plan(&plan).trim_end());
    let call = safe.evacuate(plan.extras()).from(s.guardian);
    // The watcher above sent from the guardian through its own connection: ask the node for the
    // nonce rather than trust this connection's cache.
    let nonce = s.chain.provider.get_transaction_count(s.guardian).await?;
    let opts = crate::opts::TxOpts { nonce: Some(nonce), ..Default::default() };
    let outcome = sweep::send(s.out, &s.chain, "evacuate", &call, &opts, &plan)
        .await?
        .ok_or_else(|| eyre::eyre!("the evacuation was not sent"))?;
    if outcome.held || !outcome.entered_evacuated {
        bail!("the evacuation did not sweep as told: {outcome:?}");
    }
    let moved: Vec<&str> = outcome.assets.iter().map(|a| a.text.as_str()).collect();
    s.record(format!("to {recovery}: {}", moved.join("; ")));

    s.step("drain-voided", "Two days later the drain cannot run: it was voided by the evacuation");
    s.warp(2 * 86_400 + 1).await?;
    let exec = safe.execute(drain, salt7, 0).from(dev.owners[0]);
    s.expect_refusal(&exec, "InvalidProposalState").await?;
    let state = safe.proposalState(drain_id).call().await?;
    if crate::state::ProposalState::from_u8(state) != Some(crate::state::ProposalState::Voided) {
        bail!("the drain is in state {state}, expected Voided");
    }
    let stolen = s.chain.provider.get_balance(attacker).await?;
    let stolen_tokens = dusd.balanceOf(attacker).call().await?;
    let held = dusd.balanceOf(recovery).call().await?;
    if !stolen.is_zero() || !stolen_tokens.is_zero() || held < tokens {
        bail!(
            "the attacker holds {stolen} wei and {stolen_tokens} dUSD units; the recovery address {held}"
        );
    }
    s.record(format!(
        "execute refused (InvalidProposalState: the drain is Voided); the attacker got nothing; the recovery address holds {}",
        crate::units::format_token(held, 6, "dUSD")
    ));
    Ok(())
}
