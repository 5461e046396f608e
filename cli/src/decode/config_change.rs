//! Self-calls: the safe's own functions, each setter judged against the configuration as it
//! stands at that point of the batch (a loosening waits the delay).

use super::{
    DecodeContext, WarningKind,
    batch::{Decoder, Out},
    render::{asset_name, change_summary, duration, selector_hex},
};
use crate::{
    contracts::ITreasurySafe::{self, ITreasurySafeCalls},
    units::{NATIVE_ASSET, format_duration},
};
use alloy::{
    primitives::{Address, U256},
    sol_types::SolInterface,
};
use std::collections::BTreeMap;

/// The configuration as it evolves through a batch, to judge each setter as the contract will.
#[derive(Debug, Clone)]
pub(super) struct ConfigState {
    threshold: U256,
    delay: u32,
    grace: u32,
    freeze_duration: u32,
    /// asset → (limit, period)
    caps: BTreeMap<Address, (U256, u32)>,
}

impl ConfigState {
    pub(super) fn from_context(ctx: &DecodeContext) -> Option<Self> {
        let c = ctx.config.as_ref()?;
        Some(Self {
            threshold: c.threshold,
            delay: c.delay,
            grace: c.grace,
            freeze_duration: c.freeze_duration,
            caps: c.caps.iter().map(|cap| (cap.asset, (cap.limit, cap.period))).collect(),
        })
    }
}

/// The name of a function the owners may allow on a capped token (`allowSelector`): one the
/// proposal file names, or a common one (WETH's `withdraw` and `deposit`, `multicall`, `permit`).
fn known_extra_function(selector: [u8; 4], ctx: &DecodeContext) -> Option<String> {
    const COMMON: [([u8; 4], &str); 4] = [
        ([0x2e, 0x1a, 0x7d, 0x4d], "withdraw(uint256)"),
        ([0xd0, 0xe3, 0x0d, 0xb0], "deposit()"),
        (
            [0xac, 0x96, 0x50, 0xd8],
            "multicall(bytes[]): can grant allowances the safe does not count",
        ),
        ([0xd5, 0x05, 0xac, 0xcf], "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
    ];
    if selector == [0; 4] {
        return Some("receive/fallback".to_owned());
    }
    if let Some(f) = ctx.functions.get(&selector) {
        return Some(f.signature());
    }
    COMMON.iter().find(|(s, _)| *s == selector).map(|(_, name)| (*name).to_owned())
}

impl Decoder<'_> {
    /// Flags a loosening change made by a setter that refuses to loosen in a fast-tracked batch.
    fn loosens(&self, out: &mut Out, what: String) {
        out.warn(WarningKind::Loosens, format!("call #{} loosens the safe: {what}", out.index));
        // The batch was fast-tracked because every call tightens the configuration as it is
        // now; an earlier call of the batch made this one loosen by the time it runs.
        if self.fast_track {
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} tightens the safe as it is now, so the batch is fast-tracked (no delay), but an earlier call of the batch makes it loosen when it runs: execute will revert with LooseningNeedsDelay; reorder or split the batch",
                    out.index
                ),
            );
        }
    }

    pub(super) fn decode_self(&mut self, out: &mut Out, call: &ITreasurySafe::Call) {
        let ctx = self.ctx;
        if call.data.is_empty() {
            out.summary = format!(
                "send {} from the safe to itself",
                ctx.amount_display(NATIVE_ASSET, call.value)
            );
            return;
        }
        let Ok(decoded) = ITreasurySafeCalls::abi_decode_validate(&call.data) else {
            let selector = selector_hex(&call.data);
            let known = call.data.len() >= 4
                && ITreasurySafeCalls::valid_selector([
                    call.data[0],
                    call.data[1],
                    call.data[2],
                    call.data[3],
                ]);
            let why = if known {
                "malformed arguments"
            } else {
                "no function of the safe has this selector"
            };
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} calls the safe itself with {selector}: {why}, so execute will revert",
                    out.index
                ),
            );
            out.summary = format!("call this safe with selector {selector} ({why})");
            return;
        };
        out.function =
            ITreasurySafeCalls::signature_by_selector(decoded.selector()).map(str::to_owned);
        let mut state = self.state.take();
        let threshold_change = |state: &Option<ConfigState>, new: U256| -> Option<String> {
            let old = state.as_ref()?.threshold;
            (new < old).then(|| format!("lowers the threshold from {old} to {new}"))
        };
        match decoded {
            ITreasurySafeCalls::addOwner(c) => {
                out.arg("owner", ctx.addr(c.owner));
                out.arg("threshold", c.threshold.to_string());
                out.summary = format!("add owner {}, threshold {}", ctx.addr(c.owner), c.threshold);
                let mut what = format!("adds owner {}", c.owner);
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    what = format!("{what} and {lower}");
                }
                self.loosens(out, what);
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::removeOwner(c) => {
                out.arg("owner", ctx.addr(c.owner));
                out.arg("threshold", c.threshold.to_string());
                out.summary =
                    format!("remove owner {}, threshold {}", ctx.addr(c.owner), c.threshold);
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    self.loosens(out, format!("removes owner {} and {lower}", c.owner));
                }
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::swapOwner(c) => {
                out.arg("oldOwner", ctx.addr(c.oldOwner));
                out.arg("newOwner", ctx.addr(c.newOwner));
                out.summary =
                    format!("replace owner {} with {}", ctx.addr(c.oldOwner), ctx.addr(c.newOwner));
                self.loosens(out, format!("replaces owner {} with {}", c.oldOwner, c.newOwner));
            }
            ITreasurySafeCalls::changeThreshold(c) => {
                out.arg("threshold", c.threshold.to_string());
                out.summary = match state.as_ref() {
                    Some(s) => format!("change threshold from {} to {}", s.threshold, c.threshold),
                    None => format!("change threshold to {}", c.threshold),
                };
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    self.loosens(out, lower);
                }
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::addGuardian(c) => {
                out.arg("guardian", ctx.addr(c.guardian));
                out.summary = format!("add guardian {}", ctx.addr(c.guardian));
                self.check_fresh(out, c.guardian, "new guardian");
            }
            ITreasurySafeCalls::removeGuardian(c) => {
                out.arg("guardian", ctx.addr(c.guardian));
                out.summary = format!("remove guardian {}", ctx.addr(c.guardian));
                self.loosens(out, format!("removes guardian {}", c.guardian));
            }
            ITreasurySafeCalls::setDelay(c) => {
                let new = c.delay;
                out.arg("delay", duration(new));
                out.summary = change_summary("delay", state.as_ref().map(|s| s.delay), new);
                if let Some(s) = state.as_mut() {
                    if new < s.delay {
                        self.loosens(
                            out,
                            format!(
                                "shortens the delay from {} to {}",
                                duration(s.delay),
                                duration(new)
                            ),
                        );
                    }
                    s.delay = new;
                }
            }
            ITreasurySafeCalls::setGrace(c) => {
                let new = c.grace;
                out.arg("grace", duration(new));
                out.summary = change_summary("grace period", state.as_ref().map(|s| s.grace), new);
                if let Some(s) = state.as_mut() {
                    if new > s.grace {
                        self.loosens(
                            out,
                            format!(
                                "lengthens the grace period from {} to {}",
                                duration(s.grace),
                                duration(new)
                            ),
                        );
                    }
                    s.grace = new;
                }
            }
            ITreasurySafeCalls::setFreezeDuration(c) => {
                let new = c.freezeDuration;
                out.arg("freezeDuration", duration(new));
                out.summary = change_summary(
                    "freeze duration",
                    state.as_ref().map(|s| s.freeze_duration),
                    new,
                );
                if let Some(s) = state.as_mut() {
                    if new < s.freeze_duration {
                        self.loosens(
                            out,
                            format!(
                                "shortens the freeze duration from {} to {}",
                                duration(s.freeze_duration),
                                duration(new)
                            ),
                        );
                    }
                    s.freeze_duration = new;
                }
            }
            ITreasurySafeCalls::setCap(c) => {
                let limit = U256::from(c.limit);
                // The contract's `_checkCap`: the native coin, or a contract that is not the safe.
                if c.asset == ctx.safe || ctx.fresh_addresses.contains(&c.asset) {
                    out.warn(
                        WarningKind::WillRevert,
                        format!(
                            "call #{} caps {}, which is the safe itself or an address without code: the contract refuses it (InvalidCap) and execute will revert",
                            out.index, c.asset
                        ),
                    );
                }
                out.arg("asset", ctx.addr(c.asset));
                out.arg("limit", ctx.amount_display(c.asset, limit));
                out.arg("period", duration(c.period));
                let new = format!(
                    "{} per {}",
                    ctx.amount_display(c.asset, limit),
                    format_duration(u64::from(c.period))
                );
                match state.as_mut() {
                    Some(s) => {
                        match s.caps.get(&c.asset).copied() {
                            Some((old_limit, old_period)) => {
                                let old = format!(
                                    "{} per {}",
                                    ctx.amount_display(c.asset, old_limit),
                                    format_duration(u64::from(old_period))
                                );
                                out.summary = format!(
                                    "change cap on {} from {old} to {new}",
                                    asset_name(ctx, c.asset)
                                );
                                let mut why = Vec::new();
                                if limit > old_limit {
                                    why.push("raises the limit");
                                }
                                if c.period < old_period {
                                    why.push("shortens the period");
                                } else if c.period > old_period {
                                    why.push("lengthens the period (the longer window starts counting afresh)");
                                }
                                if why.is_empty() {
                                    s.caps.insert(c.asset, (limit, c.period));
                                } else {
                                    // A loosening is only scheduled: the cap in force binds this
                                    // batch and every other until one more of its periods passes.
                                    self.loosens(
                                        out,
                                        format!(
                                            "{} of the cap on {} ({old} → {new}); once executed it takes effect {} later, the current cap binding until then",
                                            why.join(" and "),
                                            asset_name(ctx, c.asset),
                                            format_duration(u64::from(old_period))
                                        ),
                                    );
                                }
                            }
                            None => {
                                out.summary =
                                    format!("add cap on {}: {new}", asset_name(ctx, c.asset));
                                s.caps.insert(c.asset, (limit, c.period));
                            }
                        }
                    }
                    None => out.summary = format!("set cap on {}: {new}", asset_name(ctx, c.asset)),
                }
            }
            ITreasurySafeCalls::removeCap(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("remove the cap on {}", asset_name(ctx, c.asset));
                let when = match state.as_ref().and_then(|s| s.caps.get(&c.asset)) {
                    Some((_, period)) => format!(
                        "; once executed it takes effect {} later, the current cap binding until then",
                        format_duration(u64::from(*period))
                    ),
                    None => String::new(),
                };
                // Like every loosening of a cap, the removal is only scheduled: the batch state
                // keeps the cap.
                self.loosens(
                    out,
                    format!(
                        "removes the cap on {}: nothing will limit its outflow{when}",
                        asset_name(ctx, c.asset)
                    ),
                );
            }
            ITreasurySafeCalls::quarantine(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!(
                    "quarantine {} at once: its balance is no longer read, and until its cap's removal takes effect no batch may call it or any other contract (self-calls, plain sends and other capped tokens' transfers still run)",
                    asset_name(ctx, c.asset)
                );
            }
            ITreasurySafeCalls::allowSelector(c) => {
                let selector = match known_extra_function(c.selector.0, ctx) {
                    Some(name) => format!("0x{} ({name})", alloy::hex::encode(c.selector)),
                    None => format!("0x{}", alloy::hex::encode(c.selector)),
                };
                out.arg("asset", ctx.addr(c.asset));
                out.arg("selector", selector.clone());
                out.summary = format!(
                    "allow function {selector} on capped {} besides the measured ones",
                    asset_name(ctx, c.asset)
                );
                let when = match state.as_ref().and_then(|s| s.caps.get(&c.asset)) {
                    Some((_, period)) => format!(
                        "; once executed it takes effect {} later",
                        format_duration(u64::from(*period))
                    ),
                    None => String::new(),
                };
                self.loosens(
                    out,
                    format!(
                        "allows function {selector} on {}: the safe measures its balance outflow, not the allowances it may grant{when}",
                        asset_name(ctx, c.asset)
                    ),
                );
            }
            ITreasurySafeCalls::disallowSelector(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary =
                    format!("withdraw the extra function allowed on {}", asset_name(ctx, c.asset));
            }
            ITreasurySafeCalls::freeze(_) => {
                out.summary =
                    "freeze the safe (owners' freeze: does not use the guardians' shot)".to_owned();
            }
            ITreasurySafeCalls::unfreeze(_) => {
                out.summary = "end the freeze now".to_owned();
                // Fast-tracked on purpose (the owners' way out of a rogue freeze): never refused.
                out.warn(
                    WarningKind::Loosens,
                    format!("call #{} loosens the safe: ends the freeze early", out.index),
                );
            }
            ITreasurySafeCalls::rearmGuardians(_) => {
                out.summary = "re-arm the guardians' one-shot freeze".to_owned();
            }
            ITreasurySafeCalls::cancel(c) => {
                out.arg("id", c.id.to_string());
                out.summary = format!("cancel proposal {}", c.id);
            }
            ITreasurySafeCalls::setRecovery(c) => {
                out.arg("recovery", ctx.addr(c.recovery));
                out.summary = format!("schedule a new recovery address {}", ctx.addr(c.recovery));
                self.loosens(
                    out,
                    format!(
                        "changes where evacuations send everything to {}: once executed it is scheduled, in force after max(delay, 7 days, the longest cap period) and only once that address accepts on this chain; any guardian can cancel it until then. Check the address out of band: whoever holds it receives the whole treasury in an evacuation",
                        c.recovery
                    ),
                );
            }
            ITreasurySafeCalls::removeEvacuationAsset(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("remove {} from the evacuation list", ctx.addr(c.asset));
                self.loosens(out, format!("stops sweeping {} in an evacuation", c.asset));
            }
            ITreasurySafeCalls::addEvacuationAsset(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("add {} to the evacuation list", ctx.addr(c.asset));
            }
            ITreasurySafeCalls::useBackupRecovery(_) => {
                out.summary =
                    "switch to the backup recovery address committed at deployment (at once; drops any scheduled change)"
                        .to_owned();
            }
            ITreasurySafeCalls::cancelRecoveryChange(_) => {
                out.summary = "cancel the scheduled recovery-address change".to_owned();
            }
            ITreasurySafeCalls::reopen(_) => {
                out.summary = "reopen the evacuated safe (after one more sweep)".to_owned();
                out.warn(
                    WarningKind::Loosens,
                    format!(
                        "call #{} ends the evacuation: the safe can spend again, and what arrives after the last sweep is no longer swept; guardians cannot cancel it (a rogue guardian must not block the owners' remedy)",
                        out.index
                    ),
                );
            }
            ITreasurySafeCalls::approve(_)
            | ITreasurySafeCalls::propose(_)
            | ITreasurySafeCalls::evacuate(_)
            | ITreasurySafeCalls::evacuateBySig(_)
            | ITreasurySafeCalls::queue(_)
            | ITreasurySafeCalls::execute(_)
            | ITreasurySafeCalls::initialize(_) => {
                let name = out.function.clone().unwrap_or_default();
                out.summary = format!("call this safe's {name}");
                out.warn(
                    WarningKind::WillRevert,
                    format!(
                        "call #{} makes the safe call its own {name}, which it is not allowed to: execute will revert",
                        out.index
                    ),
                );
            }
            other => {
                // Views: harmless, shown by name.
                let name = out.function.clone().unwrap_or_default();
                out.arg("call", format!("{other:?}"));
                out.summary = format!("call this safe's view {name} (changes nothing)");
            }
        }
        self.state = state;
    }
}
