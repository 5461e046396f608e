//! `tsafe evacuate`: a guardian sweeps the safe to its recovery address (SPEC §3.7); once the safe
//! is evacuated anyone may re-sweep. `--sign-only -o FILE` writes a guardian's relayable EIP-712
//! evacuation signature instead; `--relay FILE` sends one with any funded key.
//!
//! Every path shows first what will be swept (in units) and where, whether the recovery address
//! has accepted (if not, the sweep enters the Evacuated state and moves nothing), and the
//! signer's evacuation power; then asks (unless `--yes`), simulates, sends, and reports each asset
//! from the receipt's events.

use crate::{
    context::Ctx,
    exit::{ExitKind, Failure},
    opts::SendOpts,
    output::Outcome,
    proposal::Hashes,
    relay::{self, EvacuationFile, Extra},
    sweep::{self, SweepOutcome, SweepPlan},
    units,
};
use alloy::primitives::{Address, U256};
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `tsafe evacuate`.
#[derive(Debug, Args)]
pub struct EvacuateArgs {
    /// Also sweep this token's whole balance (repeatable; the safe's caps and evacuation list are
    /// always swept).
    #[arg(long = "extra", value_name = "TOKEN", value_parser = parse_token)]
    pub extras: Vec<Address>,
    /// Also revoke the safe's allowance on TOKEN to SPENDER (repeatable).
    #[arg(long = "revoke", value_name = "TOKEN:SPENDER", value_parser = sweep::parse_revoke)]
    pub revokes: Vec<(Address, Address)>,
    /// Write a guardian's EIP-712 evacuation signature to --out instead of sending; anyone can
    /// relay it with `tsafe evacuate --relay FILE`.
    #[arg(long, requires = "out", conflicts_with = "relay")]
    pub sign_only: bool,
    /// The signature file to write (with --sign-only; never overwritten).
    #[arg(short, long, value_name = "FILE", requires = "sign_only")]
    pub out: Option<PathBuf>,
    /// How long the signature may be relayed (with --sign-only; at most 30d).
    #[arg(long, value_name = "DURATION", default_value = "7d", requires = "sign_only")]
    pub deadline: String,
    /// The signature's nonce, any 256-bit number (with --sign-only; `--nonce N` works too for
    /// one that fits 64 bits) [default: a random 256-bit number].
    #[arg(long = "sig-nonce", value_name = "N", requires = "sign_only")]
    pub sig_nonce: Option<U256>,
    /// Send a guardian's evacuation signature file (any funded key may send it).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["extras", "revokes"])]
    pub relay: Option<PathBuf>,
    #[command(flatten)]
    pub send: SendOpts,
}

fn parse_token(text: &str) -> Result<Address, String> {
    units::parse_address(text).map_err(|e| e.to_string())
}

/// Which way `tsafe evacuate` ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    /// A guardian entered the Evacuated state and swept.
    Evacuate,
    /// Anyone swept an already evacuated safe.
    ReSweep,
    /// A guardian's signature was written to a file.
    SignOnly,
    /// A guardian's signature file was sent.
    Relay,
}

/// What `tsafe evacuate` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EvacuateReport {
    /// `evacuate`, `re-sweep`, `sign-only` or `relay`.
    mode: Mode,
    /// Who sent (or would send) the transaction; the signer with --sign-only.
    sender: Address,
    /// The guardian whose power is used (`null` for a re-sweep by anyone).
    guardian: Option<Address>,
    /// What the sweep moves, read before sending.
    plan: SweepPlan,
    /// The mined sweep (`null` on a dry run and with --sign-only).
    outcome: Option<SweepOutcome>,
    /// The signature written or relayed (`null` otherwise).
    signature: Option<SignatureInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureInfo {
    file: PathBuf,
    nonce: String,
    deadline: u64,
    hashes: Hashes,
}

impl EvacuateArgs {
    /// Shows, confirms, simulates, sends (or signs, or relays).
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        if let Some(path) = self.relay.clone() {
            return self.relay(ctx, &path).await;
        }
        let safe_ref = ctx.safe(&self.send.safe)?;
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        if !self.send.wallet.is_set() {
            return Err(Failure::bad_input("no signer given")
                .fix("a guardian evacuates with its key (anyone re-sweeps an evacuated safe): pass --account, --keystore, --ledger, --mnemonic or -i")
                .into());
        }
        let plan = sweep::plan(&chain, &safe, &self.extras, &self.revokes).await?;
        if self.sign_only {
            return self.sign_only(ctx, &chain, &safe, plan).await;
        }
        let (signing, from) = ctx.connect_signer_to(&chain, &self.send.wallet).await?;
        let guardian = if plan.already_evacuated {
            None
        } else {
            power_gate(&safe, from, plan.now).await?;
            Some(from)
        };
        let mode = if plan.already_evacuated { Mode::ReSweep } else { Mode::Evacuate };
        confirm(ctx, &plan, guardian, self.send.tx.dry_run)?;
        let bound = crate::contracts::ITreasurySafe::new(plan.safe, signing.provider.clone());
        let call = bound.evacuate(plan.extras()).from(from);
        let outcome =
            sweep::send(&ctx.out, &signing, "evacuate", &call, &self.send.tx, &plan).await?;
        finish(mode, from, guardian, plan, outcome, None)
    }

    async fn sign_only(
        &self,
        ctx: &Ctx,
        chain: &crate::context::Chain,
        safe: &sweep::Safe,
        plan: SweepPlan,
    ) -> Result<Outcome> {
        let (path, window) = relay::new_signature(
            self.out.as_deref(),
            &self.deadline,
            Some((
                sweep::MAX_SIGNATURE_WINDOW,
                "a relayed evacuation may be at most 30 days ahead (the contract refuses it with DeadlineTooFar)",
            )),
        )?;
        let deadline = plan.now + window;
        // No transaction is sent with --sign-only, so its --nonce names the signature's nonce.
        let nonce = self
            .sig_nonce
            .or(self.send.tx.nonce.map(U256::from))
            .unwrap_or_else(relay::random_nonce);
        let signer = crate::wallet::Wallet::from_opts(&self.send.wallet, chain.chain_id).await?;
        let who = signer.address();
        let power_at = safe
            .evacuationPowerAt(who)
            .call()
            .await
            .map_err(|e| crate::exit::contract_failure("evacuationPowerAt", &e))?;
        if !safe.isGuardian(who).call().await? {
            return Err(not_guardian(who, plan.safe));
        }
        if power_at > deadline {
            return Err(Failure::new(
                ExitKind::NotReady,
                format!(
                    "guardian {who} gains evacuation power only at {}, after the signature's deadline {}: nobody could ever relay it",
                    units::format_utc(power_at),
                    units::format_utc(deadline)
                ),
            )
            .fix("sign once the power has started, or ask a guardian who holds it")
            .into());
        }
        let extras = plan.extras();
        let message = sweep::evacuation_message(
            plan.recovery.address,
            plan.generation,
            &extras,
            nonce,
            deadline,
        );
        let hashes = sweep::evacuation_hashes(chain.chain_id, plan.safe, &message);
        let onchain = safe
            .evacuationDigest(extras.clone(), nonce, deadline)
            .call()
            .await
            .map_err(|e| crate::exit::contract_failure("evacuationDigest", &e))?;
        sweep::check_digest("the evacuation", onchain, hashes.digest)?;
        let out = &ctx.out;
        if !(ctx.yes && (out.quiet || out.json)) {
            let mut text = sweep::render_plan(&plan);
            if power_at > plan.now {
                text.push_str(&format!(
                    "power     guardian {who} holds evacuation power only from {} (in {}); a relay before then is refused\n",
                    units::format_utc(power_at),
                    units::format_duration(power_at - plan.now)
                ));
            }
            text.push_str(&format!(
                "\nsigned evacuation, relayable by anyone until {} (nonce {nonce})\nEIP-712 (what a hardware wallet shows)\n  domain hash   {}\n  message hash  {}\n  digest        {} (the safe's evacuationDigest agrees)\n",
                units::format_utc(deadline),
                hashes.domain_separator,
                hashes.message_hash,
                hashes.digest
            ));
            out.show(&text);
        }
        if !out.confirm(ctx.yes, &format!("sign this evacuation of {}?", plan.safe))? {
            return Err(Failure::bad_input(
                "not signed: declined at the prompt; nothing was written",
            )
            .into());
        }
        let domain = crate::proposal::domain(chain.chain_id, plan.safe);
        let signature = signer.sign_typed(&message, &domain).await?;
        let file = EvacuationFile {
            schema: relay::EVACUATION_SCHEMA.to_owned(),
            chain_id: chain.chain_id,
            safe: plan.safe,
            guardian: who,
            recovery: plan.recovery.address,
            generation: plan.generation,
            extras: extras.iter().map(|e| Extra { asset: e.asset, spender: e.spender }).collect(),
            nonce: nonce.to_string(),
            deadline,
            hashes,
            signature: crate::proposal::encode_ecdsa(&signature),
        };
        file.verify(&path)?;
        relay::save_new(&file, &path)?;
        let text = format!(
            "wrote {} (evacuation signed by guardian {who}, valid until {})\nanyone relays it: tsafe evacuate --relay {} --private-key <any funded key>",
            path.display(),
            units::format_utc(deadline),
            path.display()
        );
        let info = SignatureInfo { file: path, nonce: nonce.to_string(), deadline, hashes };
        Outcome::new(
            &EvacuateReport {
                mode: Mode::SignOnly,
                sender: who,
                guardian: Some(who),
                plan,
                outcome: None,
                signature: Some(info),
            },
            text,
        )
    }

    async fn relay(&self, ctx: &Ctx, path: &std::path::Path) -> Result<Outcome> {
        let file: EvacuationFile = relay::load(path)?;
        file.verify(path)?;
        let safe_ref = if self.send.safe.safe.is_some() {
            ctx.safe(&self.send.safe)?
        } else {
            ctx.known_safe(file.safe)
        };
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        relay::check_target(path, file.chain_id, file.safe, chain.chain_id, safe_ref.address)?;
        let safe = chain.safe(&safe_ref).await?;
        let extras = file.contract_extras();
        let assets: Vec<Address> =
            extras.iter().filter(|e| e.spender == Address::ZERO).map(|e| e.asset).collect();
        let revokes: Vec<(Address, Address)> = extras
            .iter()
            .filter(|e| e.spender != Address::ZERO)
            .map(|e| (e.asset, e.spender))
            .collect();
        let plan = sweep::plan(&chain, &safe, &assets, &revokes).await?;
        if plan.now > file.deadline {
            return Err(Failure::bad_input(format!(
                "{} expired at {}: the contract refuses it (SignatureExpired)",
                path.display(),
                units::format_utc(file.deadline)
            ))
            .fix("ask a guardian for a new signature (`tsafe evacuate --sign-only`), or have it evacuate directly")
            .into());
        }
        if plan.recovery.address != file.recovery || plan.generation != file.generation {
            return Err(Failure::bad_input(format!(
                "{} was signed for recovery address {} in generation {}, but the safe now has {} in generation {}: the signature no longer verifies",
                path.display(),
                file.recovery,
                file.generation,
                plan.recovery.address,
                plan.generation
            ))
            .fix("ask a guardian for a new signature; if the safe is already evacuated, anyone re-sweeps with `tsafe evacuate` and no signature")
            .into());
        }
        power_gate(&safe, file.guardian, plan.now).await?;
        let nonce = file.nonce()?;
        let onchain = safe
            .evacuationDigest(extras.clone(), nonce, file.deadline)
            .call()
            .await
            .map_err(|e| crate::exit::contract_failure("evacuationDigest", &e))?;
        sweep::check_digest("the evacuation", onchain, file.hashes.digest)?;
        if !self.send.wallet.is_set() {
            return Err(Failure::bad_input("no signer given to send the relayed evacuation")
                .fix("any funded key sends it: pass --account, --keystore, --ledger, --mnemonic or -i")
                .into());
        }
        let (signing, from) = ctx.connect_signer_to(&chain, &self.send.wallet).await?;
        confirm(ctx, &plan, Some(file.guardian), self.send.tx.dry_run)?;
        let bound = crate::contracts::ITreasurySafe::new(plan.safe, signing.provider.clone());
        let call = bound
            .evacuateBySig(file.guardian, extras, nonce, file.deadline, file.signature.clone())
            .from(from);
        let outcome =
            sweep::send(&ctx.out, &signing, "evacuateBySig", &call, &self.send.tx, &plan).await?;
        let info = SignatureInfo {
            file: path.to_owned(),
            nonce: file.nonce.clone(),
            deadline: file.deadline,
            hashes: file.hashes,
        };
        finish(Mode::Relay, from, Some(file.guardian), plan, outcome, Some(info))
    }
}

fn not_guardian(who: Address, safe: Address) -> eyre::Report {
    Failure::bad_input(format!("{who} is not a guardian of {safe}: only a guardian evacuates"))
        .fix("sign with a guardian key; once the safe is evacuated anyone may re-sweep")
        .into()
}

/// Refuses a signer that is not a guardian (bad input) or has no evacuation power yet (not
/// ready, with when it starts).
async fn power_gate(safe: &sweep::Safe, who: Address, now: u64) -> Result<()> {
    match sweep::power_problem(safe, who, now).await? {
        None => Ok(()),
        Some(sweep::Powerless::NotGuardian(_)) => Err(not_guardian(who, *safe.address())),
        Some(not_yet) => Err(Failure::new(ExitKind::NotReady, not_yet.to_string())
            .fix("wait until then (a guardian added later holds evacuation power only after the delay), or ask a guardian of the deployment; freeze and cancel work at once")
            .into()),
    }
}

/// Shows the plan on stderr and asks, unless `--yes` (or a dry run, which sends nothing).
fn confirm(ctx: &Ctx, plan: &SweepPlan, guardian: Option<Address>, dry_run: bool) -> Result<()> {
    let out = &ctx.out;
    let yes = ctx.yes || dry_run;
    if !(yes && (out.quiet || out.json)) {
        let mut text = sweep::render_plan(plan);
        if let Some(g) = guardian {
            text.push_str(&format!("power     guardian {g} holds evacuation power now\n"));
        }
        out.show(&text);
    }
    if !plan.recovery.accepted && out.json {
        out.warn(format!(
            "the recovery address {} has not accepted on this chain: the sweep moves nothing until it does",
            plan.recovery.address
        ));
    }
    let question = if plan.already_evacuated {
        format!("re-sweep {} to {}?", plan.safe, plan.recovery.address)
    } else {
        format!(
            "evacuate {} to {}? This cannot be undone but by the owners' reopen",
            plan.safe, plan.recovery.address
        )
    };
    if !out.confirm(yes, &question)? {
        return Err(Failure::bad_input("not sent: declined at the prompt").into());
    }
    Ok(())
}

fn finish(
    mode: Mode,
    sender: Address,
    guardian: Option<Address>,
    plan: SweepPlan,
    outcome: Option<SweepOutcome>,
    signature: Option<SignatureInfo>,
) -> Result<Outcome> {
    let text = match &outcome {
        Some(o) => sweep::render_outcome(&plan, o),
        None => format!(
            "dry run: the {} of {} simulates; nothing was sent",
            if mode == Mode::ReSweep { "re-sweep" } else { "evacuation" },
            plan.safe
        ),
    };
    Outcome::new(&EvacuateReport { mode, sender, guardian, plan, outcome, signature }, text)
}
