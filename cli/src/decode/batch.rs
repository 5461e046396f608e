//! The per-call decoder and the batch view: outflow per asset against caps and balances.

use super::{
    DecodeContext, DecodedArg, DecodedBatch, DecodedCall, Outflow, Warning, WarningKind,
    classify::{Classification, judge},
    config_change::ConfigState,
};
use crate::{
    contracts::ITreasurySafe,
    units::{NATIVE_ASSET, format_duration, format_native_with},
};
use alloy::primitives::{Address, U256};
use std::collections::BTreeMap;

/// Per-call decoding state shared across a batch.
pub(super) struct Decoder<'a> {
    pub(super) ctx: &'a DecodeContext,
    pub(super) state: Option<ConfigState>,
    pub(super) fast_track: bool,
    /// Estimated outflow per asset.
    pub(super) outflow: BTreeMap<Address, U256>,
}

/// Decodes one call on its own (no batch context: outflow totals and fast-track checks are
/// [`decode_batch`]'s).
pub fn decode_call(index: usize, call: &ITreasurySafe::Call, ctx: &DecodeContext) -> DecodedCall {
    let mut d = Decoder {
        ctx,
        state: ConfigState::from_context(ctx),
        fast_track: false,
        outflow: BTreeMap::new(),
    };
    d.decode(index, call)
}

/// Decodes a batch: every call, the estimated outflow per asset against the caps, and the
/// contract's classification.
pub fn decode_batch(calls: &[ITreasurySafe::Call], ctx: &DecodeContext) -> DecodedBatch {
    let judged = judge(ctx.safe, calls, ctx.config.as_ref());
    let class = judged.unwrap_or(Classification::NONE);
    let mut d = Decoder {
        ctx,
        state: ConfigState::from_context(ctx),
        fast_track: class.fast_track,
        outflow: BTreeMap::new(),
    };
    let decoded: Vec<DecodedCall> = calls.iter().enumerate().map(|(i, c)| d.decode(i, c)).collect();

    let mut warnings = Vec::new();
    if let Err(unclassifiable) = judged {
        warnings.push(Warning {
            kind: WarningKind::WillRevert,
            call: Some(unclassifiable.index),
            message: format!("{unclassifiable} (the contract classifies every batch it is proposed or queued with)"),
        });
    }
    if ctx.evacuated == Some(true) && !class.allowed_while_evacuated {
        warnings.push(Warning {
            kind: WarningKind::WillRevert,
            call: None,
            message: "the safe is evacuated: queue refuses this batch (NotAllowedWhileEvacuated) until the owners reopen it; only reopen, cancel, unfreeze, rearm, guardian changes, recovery-address changes and value-less tightenings may be queued now".to_owned(),
        });
    }
    let mut outflows = Vec::new();
    for (&asset, &amount) in &d.outflow {
        let cap_remaining = ctx.cap(asset).map(|c| c.remaining);
        if let Some(cap) = ctx.cap(asset)
            && amount > cap.limit
        {
            warnings.push(Warning {
                kind: WarningKind::ExceedsCapRemaining,
                call: None,
                message: format!(
                    "the batch moves {} but the cap allows only {} per {}: it can never execute as it is; split it over several periods, or raise the cap first (a loosening, which waits the delay)",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, cap.limit),
                    format_duration(u64::from(cap.period))
                ),
            });
        } else if let Some(remaining) = cap_remaining
            && amount > remaining
        {
            warnings.push(Warning {
                kind: WarningKind::ExceedsCapRemaining,
                call: None,
                message: format!(
                    "the batch moves {} but the cap has {} left now: execute will revert with CapExceeded unless the cap refills first",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, remaining)
                ),
            });
        }
        if let Some(&balance) = ctx.balances.get(&asset)
            && amount > balance
        {
            let decimals_hint = match ctx.tokens.get(&asset) {
                Some(t) => format!(
                    " (token amounts are in {} units: `--amount 1` is one {}, `--amount 1e18` is 10^18 of them)",
                    t.symbol, t.symbol
                ),
                None => String::new(),
            };
            warnings.push(Warning {
                kind: WarningKind::ExceedsBalance,
                call: None,
                message: format!(
                    "the batch moves {} but the safe holds {} now: it runs only once the safe is funded{decimals_hint}",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, balance)
                ),
            });
        }
        outflows.push(Outflow {
            asset,
            amount,
            display: ctx.amount_display(asset, amount),
            cap_remaining,
            cap_remaining_display: cap_remaining.map(|r| ctx.amount_display(asset, r)),
        });
    }
    DecodedBatch {
        calls: decoded,
        warnings,
        outflows,
        fast_track: class.fast_track,
        freeze_exempt: class.freeze_exempt,
        guardian_protected: class.guardian_protected,
    }
}

/// Builds a [`DecodedCall`] step by step.
pub(super) struct Out {
    pub(super) function: Option<String>,
    pub(super) args: Vec<DecodedArg>,
    pub(super) summary: String,
    pub(super) warnings: Vec<Warning>,
    pub(super) index: usize,
}

impl Out {
    pub(super) fn arg(&mut self, name: &str, value: impl Into<String>) {
        self.args.push(DecodedArg { name: name.to_owned(), value: value.into() });
    }

    pub(super) fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning { kind, call: Some(self.index), message: message.into() });
    }
}

impl Decoder<'_> {
    fn decode(&mut self, index: usize, call: &ITreasurySafe::Call) -> DecodedCall {
        let ctx = self.ctx;
        let mut out = Out {
            function: None,
            args: Vec::new(),
            summary: String::new(),
            warnings: Vec::new(),
            index,
        };
        let is_self = call.target == ctx.safe;

        if is_self && !call.value.is_zero() {
            let detail = if call.data.is_empty() {
                "it only moves the coin from the safe to itself"
            } else {
                "the safe's functions are not payable, so the call will revert"
            };
            out.warn(
                WarningKind::SelfCallWithValue,
                format!(
                    "call #{index} sends {} from the safe to itself: {detail}",
                    format_native_with(call.value, &ctx.native_symbol)
                ),
            );
        }
        if !is_self && !call.value.is_zero() {
            self.add_outflow(NATIVE_ASSET, call.value);
            self.check_uncapped(&mut out, NATIVE_ASSET, "sends");
            if ctx.fresh_addresses.contains(&call.target) {
                out.warn(
                    WarningKind::FreshAddress,
                    format!(
                        "call #{index} sends {} to {}, which has no code, no transactions and no balance: check it is not a typo",
                        format_native_with(call.value, &ctx.native_symbol),
                        call.target
                    ),
                );
            }
        }

        if is_self {
            self.decode_self(&mut out, call);
        } else {
            self.decode_external(&mut out, call);
        }

        DecodedCall {
            index,
            target: call.target,
            target_label: ctx.label(call.target),
            value: call.value.to_string(),
            value_display: format_native_with(call.value, &ctx.native_symbol),
            function: out.function,
            args: out.args,
            summary: out.summary,
            raw_data: call.data.clone(),
            warnings: out.warnings,
        }
    }

    pub(super) fn add_outflow(&mut self, asset: Address, amount: U256) {
        let total = self.outflow.entry(asset).or_default();
        *total = total.saturating_add(amount);
    }

    pub(super) fn check_uncapped(&self, out: &mut Out, asset: Address, verb: &str) {
        if self.ctx.is_capped(asset) == Some(false) {
            let what = if asset == NATIVE_ASSET {
                self.ctx.native_symbol.clone()
            } else {
                match self.ctx.tokens.get(&asset) {
                    Some(t) => format!("{} ({asset})", t.symbol),
                    None => format!("token {asset}"),
                }
            };
            out.warn(
                WarningKind::UncappedAsset,
                format!(
                    "call #{} {verb} {what}, which has no cap: nothing limits how much of it leaves the safe",
                    out.index
                ),
            );
        }
    }

    pub(super) fn check_fresh(&self, out: &mut Out, who: Address, role: &str) {
        if self.ctx.fresh_addresses.contains(&who) {
            out.warn(
                WarningKind::FreshAddress,
                format!(
                    "the {role} {who} of call #{} has no code, no transactions and no balance: check it is not a typo",
                    out.index
                ),
            );
        }
    }
}
