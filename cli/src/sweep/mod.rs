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
//!
//! Modules: `eip712` (the signed messages and their hashes), `report` (the outcome from the
//! receipt's events, and both for people).

mod eip712;
mod report;

pub use eip712::{acceptance_hashes, check_digest, evacuation_hashes, evacuation_message, typed};
pub use report::{
    AssetResult, SweepOutcome, SweepResult, outcome_from_logs, render_outcome, render_plan,
};

use crate::{
    chain::{Chain, chain_now},
    contracts::ITreasurySafe,
    exit::Failure,
    opts::TxOpts,
    output::Out,
    tx,
    units::{self, NATIVE_ASSET},
};
use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::Ethereum,
    primitives::{Address, U256},
    providers::{DynProvider, Provider},
};
use eyre::Result;
use serde::Serialize;

/// The safe's binding.
pub type Safe = ITreasurySafe::ITreasurySafeInstance<DynProvider>;

/// Most extras one sweep takes (the contract's `MAX_EXTRAS`).
pub const MAX_EXTRAS: usize = 16;

/// Longest deadline of a relayed evacuation or acceptance signature (the contract's
/// `MAX_SIGNATURE_WINDOW`).
pub const MAX_SIGNATURE_WINDOW: u64 = 30 * 86_400;

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
    let view = view.map_err(|e| crate::exit::contract_failure("getRecovery", &e))?;
    let config = config.map_err(|e| crate::exit::contract_failure("getConfig", &e))?;
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

/// Why a signer cannot evacuate now ([`power_problem`]); its `Display` says so for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Powerless {
    /// Not a guardian of the safe: no power will come.
    NotGuardian(String),
    /// A guardian whose power starts at `at` (the delay after it was added).
    NotYet {
        /// When the power starts (chain time).
        at: u64,
        /// The same, for people.
        why: String,
    },
}

impl std::fmt::Display for Powerless {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotGuardian(why) | Self::NotYet { why, .. } => f.write_str(why),
        }
    }
}

/// The signer's evacuation power: `Ok(None)` when it holds it now, otherwise why not (not a
/// guardian, or not yet, with when).
pub async fn power_problem(safe: &Safe, who: Address, now: u64) -> Result<Option<Powerless>> {
    let (g, p) = (safe.isGuardian(who), safe.evacuationPowerAt(who));
    let (guardian, power_at) = tokio::join!(g.call(), p.call());
    let guardian = guardian.map_err(|e| crate::exit::contract_failure("isGuardian", &e))?;
    let power_at = power_at.map_err(|e| crate::exit::contract_failure("evacuationPowerAt", &e))?;
    if !guardian {
        return Ok(Some(Powerless::NotGuardian(format!(
            "{who} is not a guardian of {}",
            safe.address()
        ))));
    }
    if now < power_at {
        return Ok(Some(Powerless::NotYet {
            at: power_at,
            why: format!(
                "guardian {who} has no evacuation power yet: it starts at {} (in {}), the delay after it was added",
                units::format_utc(power_at),
                units::format_duration(power_at - now)
            ),
        }));
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
