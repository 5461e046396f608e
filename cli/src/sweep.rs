//! The recovery sweep (SPEC §3.7) as the CLI shows and reports it, shared by `tsafe evacuate`,
//! `tsafe demo` and the watcher's `evacuate` action, so all three read, send and report a sweep
//! the same way:
//!
//! - [`plan`] reads the safe (recovery view, caps, evacuation list, balances, the signer's
//!   evacuation power) into a [`SweepPlan`]: what will be swept, in units, and where;
//! - [`send`] simulates and sends an `evacuate`/`evacuateBySig` call and turns its receipt's
//!   events (`SafeEvacuated`, `AssetSwept`, `SweepFailed`, `SweepHeld`, `AllowanceRevoked`) into
//!   one [`AssetResult`] per asset;
//! - the EIP-712 messages a guardian (`Evacuation`) and a recovery address (`RecoveryAcceptance`)
//!   sign are hashed locally ([`evacuation_hashes`], [`acceptance_hashes`]) and checked against
//!   the safe's own `evacuationDigest`/`acceptanceDigest` before anything is signed.

use crate::{
    context::Chain,
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
    opts::TxOpts,
    output::Out,
    proposal::Hashes,
    revert, tx,
    units::{self, NATIVE_ASSET},
};
use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::Ethereum,
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::BlockNumberOrTag,
    sol_types::{SolEvent, SolStruct},
};
use eyre::Result;
use serde::Serialize;
use std::fmt::Write as _;

/// The safe's binding.
pub type Safe = ITreasurySafe::ITreasurySafeInstance<DynProvider>;

/// Most extras one sweep takes (the contract's `MAX_EXTRAS`).
pub const MAX_EXTRAS: usize = 16;

/// Longest deadline of a relayed evacuation signature (the contract's `MAX_SIGNATURE_WINDOW`).
pub const MAX_SIGNATURE_WINDOW: u64 = 30 * 86_400;

/// The EIP-712 structs the guardians and recovery addresses sign, apart from the bindings.
pub mod typed {
    alloy::sol! {
        #[derive(Debug)]
        struct EvacuationExtra {
            address asset;
            address spender;
        }

        #[derive(Debug)]
        struct Evacuation {
            address recovery;
            uint32 generation;
            EvacuationExtra[] extras;
            uint256 nonce;
            uint64 deadline;
        }

        #[derive(Debug)]
        struct RecoveryAcceptance {
            address account;
            uint64 deadline;
        }
    }
}

/// The typed `Evacuation` message.
pub fn evacuation_message(
    recovery: Address,
    generation: u32,
    extras: &[ITreasurySafe::EvacuationExtra],
    nonce: U256,
    deadline: u64,
) -> typed::Evacuation {
    typed::Evacuation {
        recovery,
        generation,
        extras: extras
            .iter()
            .map(|e| typed::EvacuationExtra { asset: e.asset, spender: e.spender })
            .collect(),
        nonce,
        deadline,
    }
}

fn hashes_of<T: SolStruct>(message: &T, chain_id: u64, safe: Address) -> Hashes {
    let domain = crate::proposal::domain(chain_id, safe);
    Hashes {
        domain_separator: domain.separator(),
        message_hash: message.eip712_hash_struct(),
        digest: message.eip712_signing_hash(&domain),
    }
}

/// The hashes of a guardian's evacuation signature, computed locally (the safe's
/// `evacuationDigest` must agree).
pub fn evacuation_hashes(chain_id: u64, safe: Address, message: &typed::Evacuation) -> Hashes {
    hashes_of(message, chain_id, safe)
}

/// The hashes of a recovery address's acceptance, computed locally (the safe's
/// `acceptanceDigest` must agree).
pub fn acceptance_hashes(chain_id: u64, safe: Address, account: Address, deadline: u64) -> Hashes {
    hashes_of(&typed::RecoveryAcceptance { account, deadline }, chain_id, safe)
}

/// Refuses to go on when the safe computes another digest than tsafe: then the CLI and the
/// contract disagree on what is signed.
pub fn check_digest(what: &str, onchain: B256, local: B256) -> Result<()> {
    if onchain != local {
        return Err(Failure::new(
            ExitKind::Error,
            format!(
                "the safe computes {what} digest {onchain}, tsafe computed {local}: refusing to sign"
            ),
        )
        .fix("check --safe and the network; if they are right, report this as a bug")
        .into());
    }
    Ok(())
}

/// Where an asset of the sweep comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssetSource {
    /// The native coin (always swept).
    Native,
    /// A capped asset (always swept).
    Cap,
    /// The safe's evacuation list (always swept).
    List,
    /// Added by this caller (`--extra`).
    Extra,
}

/// One asset a sweep moves.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetLine {
    /// The asset (the native coin is `0xEeee…EEeE`).
    pub asset: Address,
    /// Its symbol, when it answers one.
    pub symbol: Option<String>,
    /// Its decimals, when it answers them.
    pub decimals: Option<u8>,
    /// The safe's balance now, in base units (`null`: the token does not answer `balanceOf`).
    #[serde(with = "units::decimal::option")]
    pub balance: Option<U256>,
    /// Why it is swept.
    pub source: AssetSource,
}

impl AssetLine {
    /// Its name for people: the symbol, else the address.
    pub fn name(&self) -> String {
        self.symbol.clone().unwrap_or_else(|| self.asset.to_string())
    }

    /// An amount of it for people.
    pub fn amount(&self, amount: U256) -> String {
        match self.decimals {
            Some(d) => units::format_token(amount, d, &self.name()),
            None => format!("{amount} base units of {}", self.name()),
        }
    }
}

/// An allowance of the safe a sweep revokes (`--revoke TOKEN:SPENDER`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    /// The token.
    pub asset: Address,
    /// Its symbol, when it answers one.
    pub symbol: Option<String>,
    /// The spender whose allowance goes to zero.
    pub spender: Address,
}

/// The recovery address and whether a sweep can reach it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryState {
    /// The recovery address in force.
    pub address: Address,
    /// Whether it accepted on this chain (until then a sweep moves nothing).
    pub accepted: bool,
    /// The backup committed at deployment (`null`: none).
    pub backup: Option<Address>,
    /// A scheduled change not yet in force (`null`: none).
    pub pending: Option<Address>,
}

/// Everything a sweep would do now, read from the chain.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepPlan {
    /// The safe.
    pub safe: Address,
    /// The chain id.
    pub chain_id: u64,
    /// Where it goes.
    pub recovery: RecoveryState,
    /// Whether the safe is already evacuated (then this is a re-sweep anyone may send).
    pub already_evacuated: bool,
    /// The evacuation generation now.
    pub generation: u32,
    /// Assets swept, in the contract's order.
    pub assets: Vec<AssetLine>,
    /// Allowances revoked.
    pub revocations: Vec<Revocation>,
    /// The chain's time now.
    pub now: u64,
}

impl SweepPlan {
    /// The extras as the contract takes them.
    pub fn extras(&self) -> Vec<ITreasurySafe::EvacuationExtra> {
        self.assets
            .iter()
            .filter(|a| a.source == AssetSource::Extra)
            .map(|a| ITreasurySafe::EvacuationExtra { asset: a.asset, spender: Address::ZERO })
            .chain(
                self.revocations
                    .iter()
                    .map(|r| ITreasurySafe::EvacuationExtra { asset: r.asset, spender: r.spender }),
            )
            .collect()
    }

    fn line(&self, asset: Address) -> Option<&AssetLine> {
        self.assets.iter().find(|a| a.asset == asset)
    }
}

/// The chain's latest block timestamp.
pub async fn chain_now(chain: &Chain) -> Result<u64> {
    let block = chain
        .provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await?
        .ok_or_else(|| eyre::eyre!("the node returned no latest block"))?;
    Ok(block.header.timestamp)
}

async fn asset_line(
    chain: &Chain,
    safe: Address,
    asset: Address,
    source: AssetSource,
) -> AssetLine {
    if asset == NATIVE_ASSET {
        let balance = chain.provider.get_balance(safe).await.ok();
        return AssetLine {
            asset,
            symbol: Some("ETH".to_owned()),
            decimals: Some(18),
            balance,
            source,
        };
    }
    let erc20 = crate::chain::IERC20::new(asset, chain.provider.clone());
    // A hostile token may revert or lie on any of these: the sweep reports it, the plan shows it.
    let (d, s, b) = (erc20.decimals(), erc20.symbol(), erc20.balanceOf(safe));
    let (decimals, symbol, balance) = tokio::join!(d.call(), s.call(), b.call());
    AssetLine { asset, symbol: symbol.ok(), decimals: decimals.ok(), balance: balance.ok(), source }
}

/// Reads what a sweep of `safe` with `extras` (assets) and `revokes` (token, spender) moves now.
pub async fn plan(
    chain: &Chain,
    safe: &Safe,
    extras: &[Address],
    revokes: &[(Address, Address)],
) -> Result<SweepPlan> {
    if extras.len() + revokes.len() > MAX_EXTRAS {
        return Err(Failure::bad_input(format!(
            "{} extras and revocations given; one sweep takes at most {MAX_EXTRAS}",
            extras.len() + revokes.len()
        ))
        .fix("split them over several sweeps: once the safe is evacuated anyone may re-sweep")
        .into());
    }
    let address = *safe.address();
    let (v, c) = (safe.getRecovery(), safe.getConfig());
    let (view, config, now) = tokio::join!(v.call(), c.call(), chain_now(chain));
    let view = view.map_err(|e| revert::contract_failure("getRecovery", &e))?;
    let config = config.map_err(|e| revert::contract_failure("getConfig", &e))?;
    let now = now?;
    let mut wanted: Vec<(Address, AssetSource)> = vec![(NATIVE_ASSET, AssetSource::Native)];
    let mut push = |asset: Address, source: AssetSource| {
        if !wanted.iter().any(|(a, _)| *a == asset) {
            wanted.push((asset, source));
        }
    };
    for cap in &config.caps {
        push(cap.asset, AssetSource::Cap);
    }
    for asset in &view.evacuationList {
        push(*asset, AssetSource::List);
    }
    for asset in extras {
        push(*asset, AssetSource::Extra);
    }
    let lines = futures_join(chain, address, &wanted).await;
    let mut revocations = Vec::new();
    for (asset, spender) in revokes {
        let erc20 = crate::chain::IERC20::new(*asset, chain.provider.clone());
        revocations.push(Revocation {
            asset: *asset,
            symbol: erc20.symbol().call().await.ok(),
            spender: *spender,
        });
    }
    Ok(SweepPlan {
        safe: address,
        chain_id: chain.chain_id,
        recovery: RecoveryState {
            address: view.recovery,
            accepted: view.accepted,
            backup: (view.backup != Address::ZERO).then_some(view.backup),
            pending: (view.pending != Address::ZERO).then_some(view.pending),
        },
        already_evacuated: view.evacuated,
        generation: view.generation,
        assets: lines,
        revocations,
        now,
    })
}

/// Reads every asset line concurrently (hosted nodes answer at ~100 ms a round trip).
async fn futures_join(
    chain: &Chain,
    safe: Address,
    wanted: &[(Address, AssetSource)],
) -> Vec<AssetLine> {
    let mut handles = Vec::new();
    for (asset, source) in wanted {
        let chain = chain.clone();
        let (asset, source) = (*asset, *source);
        handles.push(tokio::spawn(async move { asset_line(&chain, safe, asset, source).await }));
    }
    let mut out = Vec::new();
    for (h, (asset, source)) in handles.into_iter().zip(wanted) {
        out.push(h.await.unwrap_or(AssetLine {
            asset: *asset,
            symbol: None,
            decimals: None,
            balance: None,
            source: *source,
        }));
    }
    out
}

/// The plan for people: what moves, in units, and where; what happens when the recovery address
/// has not accepted.
pub fn render_plan(p: &SweepPlan) -> String {
    let mut t = String::new();
    let verb = if p.already_evacuated { "re-sweep" } else { "evacuate" };
    let _ = writeln!(t, "{verb} safe {} (chain {})", p.safe, p.chain_id);
    let _ = writeln!(
        t,
        "to        {} (recovery address{})",
        p.recovery.address,
        if p.recovery.accepted { ", accepted on this chain" } else { "" }
    );
    if !p.recovery.accepted {
        let _ = writeln!(
            t,
            "WARNING   the recovery address has NOT accepted on this chain: the safe will enter the Evacuated state and move NOTHING until it accepts (`tsafe accept-recovery`); then anyone re-sweeps"
        );
    }
    if p.already_evacuated {
        let _ = writeln!(
            t,
            "state     already evacuated (generation {}): this is a re-sweep, which anyone may send; no new generation",
            p.generation
        );
    } else {
        let _ = writeln!(
            t,
            "state     not evacuated: this enters the Evacuated state (generation {}), bumps the epoch and voids every batch queued before it except guardian-protected ones",
            p.generation + 1
        );
    }
    let _ = writeln!(t, "sweeps    (whole balances, outside the caps)");
    for a in &p.assets {
        let amount = match a.balance {
            Some(b) => a.amount(b),
            None => format!("{} (balanceOf does not answer: the sweep will report it)", a.name()),
        };
        let source = match a.source {
            AssetSource::Native => "native coin",
            AssetSource::Cap => "capped",
            AssetSource::List => "evacuation list",
            AssetSource::Extra => "--extra",
        };
        let _ = writeln!(t, "  {amount}  [{source}] {}", a.asset);
    }
    for r in &p.revocations {
        let _ = writeln!(
            t,
            "revokes   the safe's allowance on {} to {}",
            r.symbol.clone().unwrap_or_else(|| r.asset.to_string()),
            r.spender
        );
    }
    t
}

/// What a sweep did with one asset or allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SweepResult {
    /// The safe's balance fell (`AssetSwept`).
    Swept,
    /// The asset reverted, returned false, lied or burned its gas budget (`SweepFailed`).
    Failed,
    /// The allowance reads zero now (`AllowanceRevoked`).
    Revoked,
    /// The allowance could not be revoked (`SweepFailed` with a spender).
    RevokeFailed,
}

/// What happened to one asset in the sweep, from the receipt's events.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetResult {
    /// The asset.
    pub asset: Address,
    /// `swept`, `failed`, `revoked` or `revoke-failed`.
    pub result: SweepResult,
    /// Moved, in base units (swept only).
    #[serde(with = "units::decimal::option")]
    pub amount: Option<U256>,
    /// What the safe still holds after it (swept only): fees, rebasing dust.
    #[serde(with = "units::decimal::option")]
    pub leftover: Option<U256>,
    /// The spender (revocations only).
    pub spender: Option<Address>,
    /// The line for people.
    pub text: String,
}

/// A sweep as mined.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepOutcome {
    /// The transaction.
    pub transaction: tx::Mined,
    /// This transaction entered the Evacuated state (false: a re-sweep).
    pub entered_evacuated: bool,
    /// The guardian whose power was used (when it entered the state).
    pub guardian: Option<Address>,
    /// Nothing moved: the recovery address has not accepted (`SweepHeld`).
    pub held: bool,
    /// Per asset, in the order of the events.
    pub assets: Vec<AssetResult>,
}

/// Reads a mined sweep's events into per-asset results.
pub fn outcome_from_logs(
    plan: &SweepPlan,
    mined: tx::Mined,
    logs: &[alloy::rpc::types::Log],
) -> SweepOutcome {
    let mut out = SweepOutcome {
        transaction: mined,
        entered_evacuated: false,
        guardian: None,
        held: false,
        assets: Vec::new(),
    };
    let name = |asset: Address| {
        plan.line(asset)
            .map(AssetLine::name)
            .or_else(|| {
                plan.revocations.iter().find(|r| r.asset == asset).and_then(|r| r.symbol.clone())
            })
            .unwrap_or_else(|| asset.to_string())
    };
    for log in logs.iter().filter(|l| l.address() == plan.safe) {
        let data = log.data();
        if let Ok(e) = ITreasurySafe::SafeEvacuated::decode_log_data(data) {
            out.entered_evacuated = true;
            out.guardian = Some(e.guardian);
        } else if ITreasurySafe::SweepHeld::decode_log_data(data).is_ok() {
            out.held = true;
        } else if let Ok(e) = ITreasurySafe::AssetSwept::decode_log_data(data) {
            let (moved, left) = match plan.line(e.asset) {
                Some(l) => (l.amount(e.amount), l.amount(e.leftover)),
                None => (format!("{} base units", e.amount), format!("{}", e.leftover)),
            };
            let rest = if e.leftover.is_zero() { String::new() } else { format!(" ({left} left)") };
            out.assets.push(AssetResult {
                asset: e.asset,
                result: SweepResult::Swept,
                amount: Some(e.amount),
                leftover: Some(e.leftover),
                spender: None,
                text: format!("swept {moved}{rest}"),
            });
        } else if let Ok(e) = ITreasurySafe::SweepFailed::decode_log_data(data) {
            let revoke = e.spender != Address::ZERO;
            out.assets.push(AssetResult {
                asset: e.asset,
                result: if revoke { SweepResult::RevokeFailed } else { SweepResult::Failed },
                amount: None,
                leftover: None,
                spender: revoke.then_some(e.spender),
                text: if revoke {
                    format!(
                        "FAILED to revoke the allowance on {} to {}: the token reverted, returned false or lied",
                        name(e.asset),
                        e.spender
                    )
                } else {
                    format!(
                        "FAILED to sweep {} ({}): it reverted, returned false, lied or ran out of its gas budget; the other assets were swept",
                        name(e.asset),
                        e.asset
                    )
                },
            });
        } else if let Ok(e) = ITreasurySafe::AllowanceRevoked::decode_log_data(data) {
            out.assets.push(AssetResult {
                asset: e.asset,
                result: SweepResult::Revoked,
                amount: None,
                leftover: None,
                spender: Some(e.spender),
                text: format!("revoked the allowance on {} to {}", name(e.asset), e.spender),
            });
        }
    }
    out
}

/// The outcome for people.
pub fn render_outcome(plan: &SweepPlan, o: &SweepOutcome) -> String {
    let mut t = String::new();
    let what = if o.entered_evacuated { "evacuated" } else { "re-swept" };
    let _ = writeln!(t, "{what} safe {} in {}", plan.safe, o.transaction.hash);
    if let Some(g) = o.guardian {
        let _ = writeln!(
            t,
            "the safe is now in the Evacuated state (power of guardian {g}); batches queued before are voided"
        );
    }
    if o.held {
        let _ = writeln!(
            t,
            "NOTHING moved: the recovery address {} has not accepted on this chain; once it runs `tsafe accept-recovery`, anyone re-sweeps with `tsafe evacuate`",
            plan.recovery.address
        );
    } else {
        let _ = writeln!(t, "to {}:", plan.recovery.address);
        if o.assets.is_empty() {
            let _ = writeln!(t, "  nothing to move (every balance was zero)");
        }
        for a in &o.assets {
            let _ = writeln!(t, "  {}", a.text);
        }
    }
    t
}

/// Simulates `call` (an `evacuate` or `evacuateBySig`), sends it unless a dry run, and reads the
/// receipt's events into the outcome. `None` on a dry run.
pub async fn send<P, D>(
    out: &Out,
    chain: &Chain,
    what: &str,
    call: &CallBuilder<P, D, Ethereum>,
    opts: &TxOpts,
    plan: &SweepPlan,
) -> Result<Option<SweepOutcome>>
where
    P: Provider<Ethereum> + Clone,
    D: CallDecoder + Clone,
{
    let Some(mined) = tx::transact_with(out, chain, what, call, opts).await? else {
        return Ok(None);
    };
    let receipt = chain.provider.get_transaction_receipt(mined.hash).await?.ok_or_else(|| {
        eyre::eyre!("the node has no receipt for {} although it was mined", mined.hash)
    })?;
    Ok(Some(outcome_from_logs(plan, mined, receipt.inner.logs())))
}

/// The signer's evacuation power: `Ok(None)` when it holds it now, `Ok(Some(text))` when it does
/// not (not a guardian, or not yet, with when).
pub async fn power_problem(safe: &Safe, who: Address, now: u64) -> Result<Option<String>> {
    let (g, p) = (safe.isGuardian(who), safe.evacuationPowerAt(who));
    let (guardian, power_at) = tokio::join!(g.call(), p.call());
    let guardian = guardian.map_err(|e| revert::contract_failure("isGuardian", &e))?;
    let power_at = power_at.map_err(|e| revert::contract_failure("evacuationPowerAt", &e))?;
    if !guardian {
        return Ok(Some(format!("{who} is not a guardian of {}", safe.address())));
    }
    if now < power_at {
        return Ok(Some(format!(
            "guardian {who} has no evacuation power yet: it starts at {} (in {}), the delay after it was added",
            units::format_utc(power_at),
            units::format_duration(power_at - now)
        )));
    }
    Ok(None)
}

/// Parses `--revoke TOKEN:SPENDER`.
pub fn parse_revoke(text: &str) -> Result<(Address, Address), String> {
    let (token, spender) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not TOKEN:SPENDER (two addresses)"))?;
    let token = units::parse_address(token.trim()).map_err(|e| e.to_string())?;
    let spender = units::parse_address(spender.trim()).map_err(|e| e.to_string())?;
    if spender == Address::ZERO {
        return Err("the spender is zero: nothing to revoke".to_owned());
    }
    Ok((token, spender))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::keccak256;

    #[test]
    fn type_strings_match_the_contract() {
        assert_eq!(
            typed::Evacuation::eip712_encode_type(),
            "Evacuation(address recovery,uint32 generation,EvacuationExtra[] extras,uint256 nonce,uint64 deadline)EvacuationExtra(address asset,address spender)"
        );
        assert_eq!(
            typed::RecoveryAcceptance::eip712_encode_type(),
            "RecoveryAcceptance(address account,uint64 deadline)"
        );
        assert_eq!(
            typed::EvacuationExtra::eip712_encode_type(),
            "EvacuationExtra(address asset,address spender)"
        );
        let _ = keccak256("");
    }

    #[test]
    fn revoke_flag() {
        let (t, s) = parse_revoke(
            "0x00000000000000000000000000000000000000aa:0x00000000000000000000000000000000000000bb",
        )
        .unwrap();
        assert_eq!(t, Address::with_last_byte(0xaa));
        assert_eq!(s, Address::with_last_byte(0xbb));
        assert!(parse_revoke("0xaa").is_err());
    }
}
