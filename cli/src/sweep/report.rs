//! A sweep's outcome, read from the receipt's events, and the plan and outcome for people.

use super::{AssetLine, AssetSource, SweepPlan};
use crate::{contracts::ITreasurySafe, tx, units};
use alloy::{
    primitives::{Address, U256},
    sol_types::SolEvent,
};
use serde::Serialize;
use std::fmt::Write as _;

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
