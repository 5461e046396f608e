//! `tsafe status`: configuration, freeze state, caps left per asset and when they refill, and
//! proposals by state with countdowns, rebuilt from the chain alone (events + views).

use crate::{
    chain::{Chain, chain_now, fan_out, token_info},
    context::Ctx,
    contracts::ITreasurySafe,
    opts::{RpcOpts, SafeOpts},
    output::Outcome,
    state::ProposalState,
    units::{self, NATIVE_ASSET},
};
use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
};
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::{collections::BTreeMap, fmt::Write as _};

/// Arguments of `tsafe status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub safe: SafeOpts,
    #[command(flatten)]
    pub rpc: RpcOpts,
    /// First block to scan for proposal events [default: the safe's deployment block from the
    /// config, else 0].
    #[arg(long, value_name = "BLOCK")]
    pub from_block: Option<u64>,
    /// Also show the safe's balance of this token (repeatable). Capped tokens and the tokens the
    /// safe's proposals call are shown without it.
    #[arg(long = "token", value_name = "TOKEN")]
    pub tokens: Vec<Address>,
}

/// The safe's balance of an uncapped token it is known to hold or use.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenHolding {
    asset: Address,
    symbol: String,
    decimals: u8,
    balance: String,
    balance_display: String,
}

/// One capped asset.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapStatus {
    asset: Address,
    symbol: String,
    decimals: u8,
    limit: String,
    period_seconds: u32,
    remaining: String,
    remaining_display: String,
    next_refill_at: u64,
    balance: String,
    balance_display: String,
    limit_display: String,
    /// A loosening change waiting to take effect (the current cap binds until then).
    scheduled: Option<ScheduledCap>,
}

/// A scheduled loosening of a cap.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledCap {
    /// The new limit (with period 0: the cap is removed).
    limit: String,
    /// The new period in seconds (0: removal).
    period_seconds: u32,
    /// When it takes effect (unix time).
    effective_at: u64,
    /// The same, for people.
    display: String,
}

/// Where an evacuation sends everything, and whether the safe is evacuated (SPEC §3.7).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryStatus {
    /// The recovery address in force.
    recovery: Address,
    /// Whether it accepted on this chain: until it does, an evacuation moves nothing.
    accepted: bool,
    /// The backup committed at deployment (null: none, or already switched to).
    backup: Option<Address>,
    backup_accepted: bool,
    /// A scheduled change not yet in force.
    pending: Option<PendingRecovery>,
    evacuated: bool,
    /// Since when (unix time; 0: not evacuated).
    evacuated_at: u64,
    generation: u32,
    /// Swept besides the native coin and the capped assets.
    evacuation_list: Vec<Address>,
    /// When each guardian gains evacuation power (unix time; freeze and cancel are immediate).
    guardian_power_at: Vec<GuardianPower>,
}

/// A scheduled recovery-address change.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingRecovery {
    account: Address,
    accepted: bool,
    /// In force from then, once accepted.
    effective_at: u64,
    /// Lapses then if still not accepted.
    lapses_at: u64,
}

/// When a guardian can evacuate.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardianPower {
    guardian: Address,
    power_at: u64,
}

/// One proposal seen on chain.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalStatus {
    id: B256,
    state: ProposalState,
    eta: u64,
    expires_at: u64,
    seconds_to_eta: i64,
    fast_track: bool,
    /// The first call decoded, and how many more.
    summary: String,
}

/// What `status` reports.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    safe: Address,
    chain_id: u64,
    now: u64,
    owners: Vec<Address>,
    threshold: u64,
    guardians: Vec<Address>,
    guardians_armed: bool,
    epoch: u32,
    delay_seconds: u32,
    grace_seconds: u32,
    freeze_duration_seconds: u32,
    frozen_until: u64,
    frozen: bool,
    recovery: RecoveryStatus,
    native_balance: String,
    native_balance_display: String,
    caps: Vec<CapStatus>,
    /// Uncapped tokens: named with `--token`, or called by one of the safe's proposals.
    tokens: Vec<TokenHolding>,
    proposals: Vec<ProposalStatus>,
}

/// ERC-20 functions whose target is a token the safe holds or grants: `transfer`, `transferFrom`,
/// `approve`, `increaseAllowance`, `decreaseAllowance`.
const ERC20_SELECTORS: [[u8; 4]; 5] = [
    [0xa9, 0x05, 0x9c, 0xbb],
    [0x23, 0xb8, 0x72, 0xdd],
    [0x09, 0x5e, 0xa7, 0xb3],
    [0x39, 0x50, 0x93, 0x51],
    [0xa4, 0x57, 0xc2, 0xd7],
];

/// Every proposal the safe has seen (created or queued), oldest first, with its calls as the
/// events carry them.
pub async fn proposals_seen(
    chain: &Chain,
    safe: Address,
    from_block: u64,
) -> Result<Vec<(B256, Vec<ITreasurySafe::Call>)>> {
    let filter = crate::flow::proposal_events(safe);
    let mut seen: Vec<(B256, Vec<ITreasurySafe::Call>)> = Vec::new();
    for log in crate::chain::logs(chain, &filter, from_block).await? {
        let Some(id) = log.topics().get(1).copied() else { continue };
        if seen.iter().any(|(known, _)| *known == id) {
            continue;
        }
        let calls = crate::flow::proposal_in_log(&log).map(|(calls, ..)| calls).unwrap_or_default();
        seen.push((id, calls));
    }
    Ok(seen)
}

/// The recovery configuration and evacuation state, with each guardian's evacuation power.
async fn recovery_status<P: Provider>(
    safe: &ITreasurySafe::ITreasurySafeInstance<P>,
    guardians: &[Address],
) -> Result<RecoveryStatus> {
    let get = safe.getRecovery();
    let powers = fan_out(guardians.to_vec(), |g| async move {
        let call = safe.evacuationPowerAt(g);
        (g, call.call().await)
    });
    let (r, powers) = tokio::join!(get.call(), powers);
    let r = r.map_err(|e| crate::exit::contract_failure("getRecovery", &e))?;
    let mut guardian_power_at = Vec::new();
    for (guardian, power_at) in powers {
        let power_at =
            power_at.map_err(|e| crate::exit::contract_failure("evacuationPowerAt", &e))?;
        guardian_power_at.push(GuardianPower { guardian, power_at });
    }
    Ok(RecoveryStatus {
        recovery: r.recovery,
        accepted: r.accepted,
        backup: (!r.backup.is_zero()).then_some(r.backup),
        backup_accepted: r.backupAccepted,
        pending: (!r.pending.is_zero()).then_some(PendingRecovery {
            account: r.pending,
            accepted: r.pendingAccepted,
            effective_at: r.pendingEffectiveAt,
            lapses_at: r.pendingLapsesAt,
        }),
        evacuated: r.evacuated,
        evacuated_at: r.evacuatedAt,
        generation: r.generation,
        evacuation_list: r.evacuationList,
        guardian_power_at,
    })
}

/// The recovery lines of `status`: where a sweep goes, what is not accepted yet, and the state.
fn render_recovery(t: &mut String, r: &RecoveryStatus, now: u64) {
    let accepted = if r.accepted {
        "accepted".to_string()
    } else {
        "NOT ACCEPTED: an evacuation would move nothing until it accepts (tsafe accept-recovery)"
            .to_string()
    };
    let _ = writeln!(t, "recovery   {} ({accepted})", r.recovery);
    if let Some(b) = r.backup {
        let state = if r.backup_accepted { "accepted" } else { "not accepted yet" };
        let _ =
            writeln!(t, "             backup {b} ({state}; the owners may switch to it at once)");
    }
    if let Some(p) = &r.pending {
        let when = if p.accepted {
            format!(
                "accepted; in force from {} (in {})",
                units::format_utc(p.effective_at),
                units::format_duration(p.effective_at.saturating_sub(now))
            )
        } else {
            format!(
                "NOT accepted: never in force unless it accepts before {}; in force from {} at the earliest",
                units::format_utc(p.lapses_at),
                units::format_utc(p.effective_at)
            )
        };
        let _ = writeln!(
            t,
            "             CHANGE SCHEDULED to {} ({when}); any guardian may cancel it",
            p.account
        );
    }
    for g in &r.guardian_power_at {
        if g.power_at > now {
            let _ = writeln!(
                t,
                "             guardian {} can evacuate from {} (in {})",
                g.guardian,
                units::format_utc(g.power_at),
                units::format_duration(g.power_at - now)
            );
        }
    }
    if !r.evacuation_list.is_empty() {
        let list = r.evacuation_list.iter().map(ToString::to_string).collect::<Vec<_>>();
        let _ = writeln!(t, "             also swept: {}", list.join(", "));
    }
    if r.evacuated {
        let _ = writeln!(
            t,
            "EVACUATED  since {} ({} ago, generation {}): anyone may sweep again; only reopen, cancel, unfreeze, guardian and recovery changes and tightenings may be queued",
            units::format_utc(r.evacuated_at),
            units::format_duration(now.saturating_sub(r.evacuated_at)),
            r.generation
        );
    }
}

/// One line for a batch: its first call's summary, and how many more calls it has.
fn batch_summary(calls: &[ITreasurySafe::Call], ctx: &crate::decode::DecodeContext) -> String {
    let Some(first) = calls.first() else { return String::new() };
    let line = crate::decode::decode_call(0, first, ctx).summary;
    match calls.len() {
        1 => line,
        n => format!("{line} (+{} more call{})", n - 1, if n == 2 { "" } else { "s" }),
    }
}

impl StatusArgs {
    /// Reads everything and renders it.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let safe_ref = ctx.safe(&self.safe)?;
        let chain = ctx.connect(&self.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        // First round: what the safe says of itself, the time, its ether, the proposals it saw.
        let from_block = self.from_block.unwrap_or(safe_ref.from_block());
        let get_config = safe.getConfig();
        let (config, now, native_balance, seen) = tokio::join!(
            get_config.call(),
            chain_now(&chain),
            chain.provider.get_balance(safe_ref.address),
            proposals_seen(&chain, safe_ref.address, from_block),
        );
        let config = config.map_err(|e| crate::exit::contract_failure("getConfig", &e))?;
        let (now, native_balance, seen) = (now?, native_balance?, seen?);
        let mut known: Vec<Address> = self.tokens.clone();
        for (_, calls) in &seen {
            for call in calls {
                if call.target != safe_ref.address
                    && call.data.len() >= 4
                    && ERC20_SELECTORS.contains(&[
                        call.data[0],
                        call.data[1],
                        call.data[2],
                        call.data[3],
                    ])
                    && !known.contains(&call.target)
                {
                    known.push(call.target);
                }
            }
        }
        known.retain(|asset| !config.caps.iter().any(|c| c.asset == *asset));
        // Second round, all at once: recovery, each cap's token and scheduled change, each
        // proposal's record, each other token.
        let (chain_ref, safe_ref_address, safe_ref2) = (&chain, safe_ref.address, &safe);
        let cap_reads = fan_out(config.caps.clone(), |cap| async move {
            let erc20 = crate::chain::IERC20::new(cap.asset, chain_ref.provider.clone());
            let (balance, change) =
                (erc20.balanceOf(safe_ref_address), safe_ref2.scheduledCapChange(cap.asset));
            let (info, balance, change) = tokio::join!(
                async {
                    if cap.asset == NATIVE_ASSET {
                        Ok(("ETH".to_string(), units::NATIVE_DECIMALS))
                    } else {
                        token_info(chain_ref, cap.asset).await
                    }
                },
                balance.call(),
                change.call(),
            );
            (cap, info, balance, change)
        });
        let ids: Vec<B256> = seen.iter().map(|(id, _)| *id).collect();
        let proposal_reads = fan_out(ids, |id| async move {
            let call = safe_ref2.getProposal(id);
            call.call().await
        });
        let token_reads = fan_out(known, |asset| async move {
            let erc20 = crate::chain::IERC20::new(asset, chain_ref.provider.clone());
            let balance = erc20.balanceOf(safe_ref_address);
            let (info, balance) = tokio::join!(token_info(chain_ref, asset), balance.call());
            (asset, info, balance)
        });
        let (recovery, cap_reads, proposal_reads, token_reads) = tokio::join!(
            recovery_status(&safe, &config.guardians),
            cap_reads,
            proposal_reads,
            token_reads
        );
        let recovery = recovery?;

        let mut caps = Vec::new();
        for (cap, info, balance, change) in cap_reads {
            let (symbol, decimals) = info?;
            let balance = if cap.asset == NATIVE_ASSET {
                native_balance
            } else {
                balance.unwrap_or(U256::ZERO)
            };
            let change =
                change.map_err(|e| crate::exit::contract_failure("scheduledCapChange", &e))?;
            let scheduled = (change.effectiveAt > 0).then(|| ScheduledCap {
                limit: change.limit.to_string(),
                period_seconds: change.period,
                effective_at: change.effectiveAt,
                display: if change.period == 0 {
                    format!("removed from {}", units::format_utc(change.effectiveAt))
                } else {
                    format!(
                        "{} per {} from {}",
                        units::format_token(U256::from(change.limit), decimals, &symbol),
                        units::format_duration(change.period.into()),
                        units::format_utc(change.effectiveAt)
                    )
                },
            });
            caps.push(CapStatus {
                scheduled,
                asset: cap.asset,
                remaining_display: units::format_token(cap.remaining, decimals, &symbol),
                balance_display: units::format_token(balance, decimals, &symbol),
                limit_display: units::format_token(U256::from(cap.limit), decimals, &symbol),
                symbol,
                decimals,
                limit: cap.limit.to_string(),
                period_seconds: cap.period,
                remaining: cap.remaining.to_string(),
                next_refill_at: cap.nextRefillAt,
                balance: balance.to_string(),
            });
        }

        let mut dctx = crate::decode::DecodeContext::new(safe_ref.address, chain.chain_id);
        for cap in &caps {
            if cap.asset != NATIVE_ASSET {
                dctx.tokens.insert(
                    cap.asset,
                    crate::decode::TokenInfo { symbol: cap.symbol.clone(), decimals: cap.decimals },
                );
            }
        }
        dctx.config = Some(crate::decode::SafeConfig::from(config.clone()));
        let mut proposals = Vec::new();
        for ((id, calls), p) in seen.iter().zip(proposal_reads) {
            let p = p?;
            proposals.push(ProposalStatus {
                summary: batch_summary(calls, &dctx),
                id: *id,
                state: crate::state::from_contract(p.state)?,
                eta: p.eta,
                expires_at: p.expiresAt,
                seconds_to_eta: i64::try_from(p.eta).unwrap_or(i64::MAX)
                    - i64::try_from(now).unwrap_or(0),
                fast_track: p.fastTrack,
            });
        }

        let mut tokens = Vec::new();
        for (asset, info, balance) in token_reads {
            // A target that answers no decimals() is not a token: named with --token it is bad
            // input, seen in a proposal it is just another contract.
            let (symbol, decimals) = match info {
                Ok(info) => info,
                Err(e) if self.tokens.contains(&asset) => return Err(e),
                Err(_) => continue,
            };
            let balance = balance.unwrap_or(U256::ZERO);
            tokens.push(TokenHolding {
                asset,
                balance_display: units::format_token(balance, decimals, &symbol),
                symbol,
                decimals,
                balance: balance.to_string(),
            });
        }

        let report = StatusReport {
            safe: safe_ref.address,
            chain_id: chain.chain_id,
            now,
            owners: config.owners.clone(),
            threshold: config.threshold.saturating_to(),
            guardians: config.guardians.clone(),
            guardians_armed: config.guardiansArmed,
            epoch: config.epoch,
            delay_seconds: config.delay,
            grace_seconds: config.grace,
            freeze_duration_seconds: config.freezeDuration,
            frozen_until: config.frozenUntil,
            frozen: config.frozenUntil > now,
            recovery,
            native_balance: native_balance.to_string(),
            native_balance_display: units::format_native(native_balance),
            caps,
            tokens,
            proposals,
        };
        let text = render(&report);
        Outcome::new(&report, text)
    }
}

fn render(r: &StatusReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "safe       {} (chain {})", r.safe, r.chain_id);
    let _ = writeln!(t, "owners     {} of {} (epoch {})", r.threshold, r.owners.len(), r.epoch);
    for owner in &r.owners {
        let _ = writeln!(t, "             {owner}");
    }
    let armed = if r.guardians_armed { "armed" } else { "DISARMED (owners must re-arm)" };
    let _ = writeln!(t, "guardians  {} ({armed})", r.guardians.len());
    for guardian in &r.guardians {
        let _ = writeln!(t, "             {guardian}");
    }
    let _ = writeln!(
        t,
        "timelock   delay {}, grace {}, freeze {}",
        units::format_duration(r.delay_seconds.into()),
        units::format_duration(r.grace_seconds.into()),
        units::format_duration(r.freeze_duration_seconds.into())
    );
    if r.frozen {
        let _ = writeln!(
            t,
            "FROZEN     for another {} (until {})",
            units::format_duration(r.frozen_until.saturating_sub(r.now)),
            units::format_utc(r.frozen_until)
        );
    } else {
        let _ = writeln!(t, "frozen     no");
    }
    render_recovery(&mut t, &r.recovery, r.now);
    let balance = r.native_balance.parse::<U256>().unwrap_or_default();
    let _ = writeln!(t, "balance    {}", units::format_native(balance));
    if r.caps.is_empty() {
        let _ = writeln!(t, "caps       none: every asset is uncapped");
    }
    for cap in &r.caps {
        let limit = cap.limit.parse::<U256>().unwrap_or_default();
        let refill = if cap.next_refill_at == 0 {
            "full".to_string()
        } else {
            format!(
                "refills in {}",
                units::format_duration(cap.next_refill_at.saturating_sub(r.now))
            )
        };
        let held = cap.balance.parse::<U256>().unwrap_or_default();
        let _ = writeln!(
            t,
            "cap        {}: {} left of {} per {} ({refill}); the safe holds {}",
            cap.symbol,
            cap.remaining_display,
            units::format_token(limit, cap.decimals, &cap.symbol),
            units::format_duration(cap.period_seconds.into()),
            units::format_token(held, cap.decimals, &cap.symbol)
        );
        if let Some(next) = &cap.scheduled {
            let _ = writeln!(
                t,
                "             scheduled: {} (the cap above binds until then)",
                next.display
            );
        }
    }
    for token in &r.tokens {
        let _ = writeln!(
            t,
            "token      {} ({}): the safe holds {} (uncapped)",
            token.symbol, token.asset, token.balance_display
        );
    }
    let mut by_state: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &r.proposals {
        *by_state.entry(p.state.name()).or_default() += 1;
    }
    let _ = writeln!(
        t,
        "proposals  {}",
        if r.proposals.is_empty() {
            "none".to_string()
        } else {
            by_state.iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", ")
        }
    );
    for p in &r.proposals {
        let when = match p.state {
            ProposalState::Queued => format!(
                "executable in {}",
                units::format_duration(p.seconds_to_eta.max(0).unsigned_abs())
            ),
            ProposalState::Ready => format!(
                "executable now, expires in {}",
                units::format_duration(p.expires_at.saturating_sub(r.now))
            ),
            _ => String::new(),
        };
        let _ = writeln!(t, "  {}  {:<9} {when}", p.id, p.state.name());
        if !p.summary.is_empty() {
            let _ = writeln!(t, "      {}", p.summary);
        }
    }
    t
}
