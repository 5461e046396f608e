//! Rules: what a queued proposal (or an unfreeze) must not do, how bad it is, and what to do.
//!
//! Pure: [`evaluate`] judges the facts the follower gathered (the batch decoded by
//! [`crate::decode`], balances, target ages, the block's time) and says which rules it breaks.

use crate::{
    contracts::ITreasurySafe,
    decode::{DecodedBatch, WarningKind},
    units::NATIVE_ASSET,
};
use alloy::primitives::{Address, B256, U256};
use serde::Serialize;
use std::{
    collections::{HashMap, HashSet},
    str::FromStr,
};

/// How bad a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a line in the log.
    Info,
    /// Worth a look.
    Low,
    /// Worth a look today.
    Medium,
    /// Worth a look now.
    High,
    /// Funds at risk.
    Critical,
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "info" => Self::Info,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            _ => return Err(()),
        })
    }
}

/// What the watcher does on a hit. Every action also alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Alert only.
    Alert,
    /// Cancel the queued proposal with the guardian key.
    Cancel,
    /// Freeze the safe with the guardian key (one shot until the owners re-arm).
    Freeze,
    /// Sweep the safe to its recovery address with the guardian key (re-sweep when already
    /// evacuated).
    Evacuate,
}

impl Action {
    /// Whether the action sends a transaction with the guardian key.
    pub fn needs_guardian(self) -> bool {
        !matches!(self, Self::Alert)
    }
}

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Default deny: any queued proposal whose id is not announced in `ids`.
    Expect {
        /// Announced proposal ids.
        ids: HashSet<B256>,
    },
    /// A recipient, spender or called contract not on the allowlist.
    Destination {
        /// Allowed destinations.
        allow: HashSet<Address>,
    },
    /// Outflow of `asset` over an amount, or over a share of the safe's balance.
    Outflow {
        /// The asset ([`NATIVE_ASSET`] for the native coin).
        asset: Address,
        /// Base units.
        above: Option<U256>,
        /// Fraction of the safe's balance of `asset` at the block.
        share: Option<f64>,
    },
    /// Any loosening change: owner added, threshold lowered, delay shortened, cap raised or removed,
    /// guardian removed (as [`crate::decode`] flags them).
    Loosening,
    /// A guardian removal queued.
    GuardianRemoval,
    /// A recovery-address change queued (`setRecovery`: a loosening; it would redirect every
    /// future sweep).
    RecoveryChange,
    /// An allowance or operator grant by the safe.
    Allowance,
    /// A called contract deployed less than `within_blocks` blocks before the queue.
    FreshTarget {
        /// How recent is too recent.
        within_blocks: u64,
    },
    /// Moves or approves an asset that has no cap.
    UncappedAsset,
    /// An approver (the proposer included) not on the list.
    Proposer {
        /// Usual approvers.
        allow: HashSet<Address>,
    },
    /// Queued outside the usual UTC hours `[from, to)`.
    Hours {
        /// First usual hour.
        from: u8,
        /// First unusual hour after the usual ones.
        to: u8,
    },
    /// The owners ended a freeze early (with M stolen keys, the first thing an attacker does).
    Unfreeze,
}

impl RuleKind {
    /// Every kind's name in the watch file.
    pub const NAMES: [&'static str; 12] = [
        "expect",
        "destination",
        "outflow",
        "loosening",
        "guardian-removal",
        "recovery-change",
        "allowance",
        "fresh-target",
        "uncapped-asset",
        "proposer",
        "hours",
        "unfreeze",
    ];
}

/// One rule of the watch file.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique name (part of the alerts' idempotency keys).
    pub name: String,
    /// What it looks for.
    pub kind: RuleKind,
    /// How bad a hit is.
    pub severity: Severity,
    /// What to do on a hit.
    pub action: Action,
    /// Its line in the watch file.
    pub line: usize,
}

/// Everything known about a queued proposal when the rules judge it.
#[derive(Debug, Clone)]
pub struct QueuedFacts {
    /// The proposal id.
    pub id: B256,
    /// The safe.
    pub safe: Address,
    /// Its calls.
    pub calls: Vec<ITreasurySafe::Call>,
    /// The calls decoded by [`crate::decode::decode_batch`].
    pub decoded: DecodedBatch,
    /// Owners whose approval counted.
    pub approvers: Vec<Address>,
    /// The queue block's timestamp.
    pub timestamp: u64,
    /// The safe's balance per asset the batch moves, at the queue block.
    pub balances: HashMap<Address, U256>,
    /// Blocks between each called contract's deployment and the queue (absent: not a contract,
    /// or unknown).
    pub target_ages: HashMap<Address, u64>,
}

/// The destinations of a batch: value recipients, ERC-20 recipients, spenders and operators, and
/// called contracts that are not a token call the decoder understood.
pub fn destinations(facts: &QueuedFacts) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    let mut push = |a: Address| {
        if a != facts.safe && !out.contains(&a) {
            out.push(a);
        }
    };
    for (call, decoded) in facts.calls.iter().zip(&facts.decoded.calls) {
        if call.target == facts.safe {
            continue;
        }
        let named: Vec<Address> = decoded
            .args
            .iter()
            .filter(|a| matches!(a.name.as_str(), "to" | "spender" | "operator"))
            .filter_map(|a| a.value.get(..42).and_then(|s| s.parse().ok()))
            .collect();
        if named.is_empty() || !call.value.is_zero() {
            push(call.target);
        }
        for a in named {
            push(a);
        }
    }
    out
}

fn selectors(facts: &QueuedFacts) -> impl Iterator<Item = [u8; 4]> + '_ {
    facts
        .calls
        .iter()
        .filter(|c| c.target == facts.safe && c.data.len() >= 4)
        .map(|c| [c.data[0], c.data[1], c.data[2], c.data[3]])
}

/// Why `rule` is broken by a queued proposal, or `None`.
pub fn evaluate(rule: &Rule, facts: &QueuedFacts) -> Option<String> {
    use alloy::sol_types::SolCall;
    match &rule.kind {
        RuleKind::Expect { ids } => (!ids.contains(&facts.id))
            .then(|| format!("proposal {} was not announced (not in the expect list)", facts.id)),
        RuleKind::Destination { allow } => {
            let bad: Vec<String> = destinations(facts)
                .into_iter()
                .filter(|a| !allow.contains(a))
                .map(|a| a.to_string())
                .collect();
            (!bad.is_empty())
                .then(|| format!("destination not on the allowlist: {}", bad.join(", ")))
        }
        RuleKind::Outflow { asset, above, share } => {
            let amount = facts
                .decoded
                .outflows
                .iter()
                .find(|o| o.asset == *asset)
                .map(|o| o.amount)
                .unwrap_or_default();
            if amount.is_zero() {
                return None;
            }
            if let Some(limit) = above
                && amount > *limit
            {
                return Some(format!("moves {amount} base units of {asset}, over {limit}"));
            }
            if let Some(share) = share {
                let balance = facts.balances.get(asset).copied().unwrap_or_default();
                // share × balance in parts per million, in integers.
                // `share` is checked to be in (0, 1] when the config is read: ppm is in [0, 10⁶].
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let ppm = U256::from((share * 1_000_000.0).round() as u64);
                if amount.saturating_mul(U256::from(1_000_000u64)) > balance.saturating_mul(ppm) {
                    return Some(format!(
                        "moves {amount} base units of {asset}, over {}% of the safe's balance ({balance})",
                        share * 100.0
                    ));
                }
            }
            None
        }
        RuleKind::Loosening => {
            let what: Vec<&str> = facts
                .decoded
                .all_warnings()
                .filter(|w| w.kind == WarningKind::Loosens)
                .map(|w| w.message.as_str())
                .collect();
            (!what.is_empty()).then(|| what.join("; "))
        }
        RuleKind::GuardianRemoval => selectors(facts)
            .any(|s| s == ITreasurySafe::removeGuardianCall::SELECTOR)
            .then(|| "removes a guardian".to_owned()),
        RuleKind::RecoveryChange => selectors(facts)
            .any(|s| s == ITreasurySafe::setRecoveryCall::SELECTOR)
            .then(|| "changes the recovery address (every future sweep would go there)".to_owned()),
        RuleKind::Allowance => {
            let grants: Vec<&str> = facts
                .decoded
                .calls
                .iter()
                .filter(|c| {
                    c.target != facts.safe
                        && c.function.as_deref().is_some_and(|f| {
                            [
                                "approve",
                                "increaseAllowance",
                                "increaseApproval",
                                "authorizeOperator",
                                "approveAndCall",
                                "increaseApprovalAndCall",
                            ]
                            .iter()
                            .any(|g| f.starts_with(&format!("{g}(")))
                                || (f.starts_with("setApprovalForAll(")
                                    && c.args
                                        .iter()
                                        .any(|a| a.name == "approved" && a.value == "true"))
                        })
                })
                .map(|c| c.summary.as_str())
                .collect();
            (!grants.is_empty()).then(|| format!("grants an allowance: {}", grants.join("; ")))
        }
        RuleKind::FreshTarget { within_blocks } => {
            let fresh: Vec<String> = facts
                .target_ages
                .iter()
                .filter(|(_, age)| **age < *within_blocks)
                .map(|(a, age)| format!("{a} (deployed {age} blocks before)"))
                .collect();
            (!fresh.is_empty())
                .then(|| format!("calls a recently deployed contract: {}", fresh.join(", ")))
        }
        RuleKind::UncappedAsset => {
            let what: Vec<&str> = facts
                .decoded
                .all_warnings()
                .filter(|w| w.kind == WarningKind::UncappedAsset)
                .map(|w| w.message.as_str())
                .collect();
            (!what.is_empty()).then(|| what.join("; "))
        }
        RuleKind::Proposer { allow } => {
            let odd: Vec<String> = facts
                .approvers
                .iter()
                .filter(|a| !allow.contains(*a))
                .map(ToString::to_string)
                .collect();
            (!odd.is_empty()).then(|| format!("approved by unusual owners: {}", odd.join(", ")))
        }
        RuleKind::Hours { from, to } => {
            let hour = ((facts.timestamp / 3600) % 24) as u8;
            let usual =
                if from <= to { hour >= *from && hour < *to } else { hour >= *from || hour < *to };
            (!usual).then(|| {
                format!("queued at {hour:02}h UTC, outside the usual hours {from:02}h-{to:02}h")
            })
        }
        RuleKind::Unfreeze => None,
    }
}

/// Whether an asset is the native coin (for people).
pub fn asset_name(asset: Address) -> String {
    if asset == NATIVE_ASSET { "the native coin".to_owned() } else { asset.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodeContext, SafeConfig, decode_batch};
    use alloy::{primitives::Bytes, sol_types::SolCall};

    const SAFE: Address = Address::repeat_byte(0xAA);
    const OWNER: Address = Address::repeat_byte(0x01);
    const BOB: Address = Address::repeat_byte(0xB0);

    fn facts(calls: Vec<ITreasurySafe::Call>) -> QueuedFacts {
        let mut ctx = DecodeContext::new(SAFE, 1);
        ctx.config = Some(SafeConfig {
            threshold: U256::from(2),
            owners: vec![OWNER],
            guardians: vec![],
            delay: 172_800,
            grace: 1_209_600,
            freeze_duration: 86_400,
            caps: vec![],
        });
        let decoded = decode_batch(&calls, &ctx);
        QueuedFacts {
            id: B256::repeat_byte(7),
            safe: SAFE,
            calls,
            decoded,
            approvers: vec![OWNER],
            timestamp: 3 * 3600,
            balances: HashMap::from([(NATIVE_ASSET, U256::from(100u64))]),
            target_ages: HashMap::new(),
        }
    }

    fn send(to: Address, value: u64) -> ITreasurySafe::Call {
        ITreasurySafe::Call { target: to, value: U256::from(value), data: Bytes::new() }
    }

    fn rule(kind: RuleKind) -> Rule {
        Rule { name: "r".into(), kind, severity: Severity::High, action: Action::Alert, line: 1 }
    }

    #[test]
    fn expect_denies_what_was_not_announced() {
        let f = facts(vec![send(BOB, 1)]);
        assert!(evaluate(&rule(RuleKind::Expect { ids: HashSet::new() }), &f).is_some());
        assert!(evaluate(&rule(RuleKind::Expect { ids: HashSet::from([f.id]) }), &f).is_none());
    }

    #[test]
    fn destination_and_outflow() {
        let f = facts(vec![send(BOB, 30)]);
        assert!(evaluate(&rule(RuleKind::Destination { allow: HashSet::new() }), &f).is_some());
        assert!(
            evaluate(&rule(RuleKind::Destination { allow: HashSet::from([BOB]) }), &f).is_none()
        );
        let over = |above: Option<u64>, share: Option<f64>| {
            evaluate(
                &rule(RuleKind::Outflow {
                    asset: NATIVE_ASSET,
                    above: above.map(U256::from),
                    share,
                }),
                &f,
            )
            .is_some()
        };
        assert!(over(Some(29), None));
        assert!(!over(Some(30), None));
        assert!(over(None, Some(0.25)));
        assert!(!over(None, Some(0.3)));
    }

    #[test]
    fn config_changes() {
        let remove = ITreasurySafe::removeGuardianCall { guardian: BOB }.abi_encode();
        let f = facts(vec![ITreasurySafe::Call {
            target: SAFE,
            value: U256::ZERO,
            data: remove.into(),
        }]);
        assert!(evaluate(&rule(RuleKind::GuardianRemoval), &f).is_some());
        assert!(evaluate(&rule(RuleKind::Loosening), &f).is_some());
        let add = ITreasurySafe::addOwnerCall { owner: BOB, threshold: U256::from(2) }.abi_encode();
        let f =
            facts(vec![ITreasurySafe::Call { target: SAFE, value: U256::ZERO, data: add.into() }]);
        assert!(evaluate(&rule(RuleKind::Loosening), &f).is_some());
        assert!(evaluate(&rule(RuleKind::GuardianRemoval), &f).is_none());
        assert!(evaluate(&rule(RuleKind::RecoveryChange), &f).is_none());
        let set = ITreasurySafe::setRecoveryCall { recovery: BOB }.abi_encode();
        let r =
            facts(vec![ITreasurySafe::Call { target: SAFE, value: U256::ZERO, data: set.into() }]);
        assert!(evaluate(&rule(RuleKind::RecoveryChange), &r).is_some());
        assert!(evaluate(&rule(RuleKind::GuardianRemoval), &r).is_none());
        // A self-call is no destination.
        assert!(evaluate(&rule(RuleKind::Destination { allow: HashSet::new() }), &f).is_none());
    }

    #[test]
    fn proposer_hours_and_fresh_targets() {
        let mut f = facts(vec![send(BOB, 1)]);
        assert!(
            evaluate(&rule(RuleKind::Proposer { allow: HashSet::from([OWNER]) }), &f).is_none()
        );
        assert!(evaluate(&rule(RuleKind::Proposer { allow: HashSet::new() }), &f).is_some());
        assert!(evaluate(&rule(RuleKind::Hours { from: 8, to: 18 }), &f).is_some());
        assert!(evaluate(&rule(RuleKind::Hours { from: 22, to: 6 }), &f).is_none());
        f.target_ages.insert(BOB, 10);
        assert!(evaluate(&rule(RuleKind::FreshTarget { within_blocks: 11 }), &f).is_some());
        assert!(evaluate(&rule(RuleKind::FreshTarget { within_blocks: 10 }), &f).is_none());
        // No caps configured: the native coin is uncapped.
        assert!(evaluate(&rule(RuleKind::UncappedAsset), &f).is_some());
    }
}
