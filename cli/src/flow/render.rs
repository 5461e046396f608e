//! The proposal as a signer must see it: one block of text, and the warnings on stderr under
//! `--json`.

use super::{ProposalReport, counted};
use crate::{decode, output::Out, state::ProposalState, units};
use std::fmt::Write as _;

/// The proposal as a signer must see it, one block of text.
pub fn render(r: &ProposalReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "proposal  {}", r.id);
    let _ = writeln!(t, "safe      {} on chain {} (epoch {})", r.safe, r.chain_id, r.epoch);
    if let Some(d) = &r.description {
        let _ = writeln!(t, "note      {d} (not signed)");
    }
    let _ = writeln!(t, "salt      {}", r.salt);
    let n = r.decoded.calls.len();
    for call in &r.decoded.calls {
        let label = call.target_label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
        let _ = writeln!(t, "\ncall {} of {n}: {}", call.index + 1, call.summary);
        let _ = writeln!(t, "  target  {}{label}", call.target);
        let _ = writeln!(t, "  value   {} ({} wei)", call.value_display, call.value);
        if let Some(f) = &call.function {
            let _ = writeln!(t, "  calls   {f}");
        }
        for arg in &call.args {
            let _ = writeln!(t, "    {:<10} {}", arg.name, arg.value);
        }
        let _ = writeln!(t, "  data    {}", call.raw_data);
    }
    let _ = writeln!(t);
    for o in &r.decoded.outflows {
        let left = o
            .cap_remaining_display
            .as_ref()
            .map_or_else(|| "; uncapped".to_owned(), |left| format!("; cap left now: {left}"));
        let _ = writeln!(t, "outflow   {}{left}", o.display);
    }
    let timing = if r.decoded.fast_track {
        "fast track: executable as soon as it is queued (it only tightens the safe)".to_owned()
    } else {
        "delayed: executable only after the safe's delay once queued".to_owned()
    };
    let _ = writeln!(t, "timing    {timing}");
    if r.decoded.freeze_exempt {
        let _ = writeln!(t, "          may be queued and executed while the safe is frozen");
    }
    if r.decoded.guardian_protected {
        let _ = writeln!(t, "          guardians cannot cancel it");
    }
    let warnings: Vec<_> = r.decoded.all_warnings().collect();
    if warnings.is_empty() {
        let _ = writeln!(t, "warnings  none");
    }
    for w in warnings {
        let _ = writeln!(t, "WARNING   [{}] {}", kind_name(w.kind), w.message);
    }
    let _ = writeln!(t, "\nEIP-712 (what a hardware wallet shows)");
    let _ = writeln!(t, "  domain hash   {}", r.hashes.domain_separator);
    let _ = writeln!(t, "  message hash  {}", r.hashes.message_hash);
    let offline = !r.not_checked.is_empty();
    let checked = if offline {
        "recomputed locally from the file; not compared with the safe offline"
    } else {
        "recomputed locally; equals the safe's hashProposal"
    };
    let _ = writeln!(t, "  digest        {} ({checked})", r.hashes.digest);
    if offline {
        let _ = writeln!(
            t,
            "\napprovals {} signature(s), each recovered to its signer (owners and threshold not checked offline)",
            r.approvals.len()
        );
    } else {
        let _ = writeln!(t, "\napprovals have {}, need {}", counted(r), r.threshold);
    }
    for a in &r.approvals {
        let role = match (offline, a.owner) {
            (true, _) | (false, true) => "",
            (false, false) => " NOT AN OWNER: does not count",
        };
        let _ = writeln!(t, "  {} ({}){role}", a.signer, a.kind);
    }
    if offline {
        let _ = writeln!(t, "\nOFFLINE   read from the file alone; not checked:");
        for item in &r.not_checked {
            let _ = writeln!(t, "          - {item}");
        }
        let _ = writeln!(
            t,
            "          `tsafe show FILE` on a machine with a node checks these; `queue` and `execute` always do"
        );
        return t;
    }
    let o = &r.onchain;
    let state = match o.state {
        ProposalState::Queued => format!(
            "Queued: executable in {} (at {})",
            units::format_duration(o.eta.saturating_sub(o.now)),
            units::format_utc(o.eta)
        ),
        ProposalState::Ready => format!(
            "Ready: executable now, for another {}",
            units::format_duration(o.expires_at.saturating_sub(o.now))
        ),
        ProposalState::Unknown => {
            "Unknown: not on chain yet (queue it with `tsafe queue`)".to_owned()
        }
        other => other.name().to_owned(),
    };
    let _ = writeln!(t, "state     {state}");
    // An epoch change voids approvals not yet used; a queued proposal keeps its place (it was
    // approved when it was queued) and executes under the epoch it was made in.
    if r.epoch != o.safe_epoch && o.state.is_pending() {
        let _ = writeln!(
            t,
            "WARNING   made under epoch {} but the safe is at epoch {}: its approvals no longer count; propose it again",
            r.epoch, o.safe_epoch
        );
    } else if r.epoch != o.safe_epoch && o.state.is_queued() {
        let _ = writeln!(
            t,
            "          queued under epoch {}; the safe is at epoch {} now, which does not affect a queued proposal",
            r.epoch, o.safe_epoch
        );
    }
    t
}

fn kind_name(kind: decode::WarningKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

/// With `--json`, also shows every warning on stderr (the human rendering already has them), so
/// a person running a script still sees them.
pub fn warn_all(out: &Out, report: &ProposalReport) {
    if !out.json {
        return;
    }
    for w in report.decoded.all_warnings() {
        out.warn(&w.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        contracts::ITreasurySafe,
        flow::{ApprovalStatus, Loaded, offline_report},
        proposal::ProposalFile,
    };
    use alloy::primitives::{Address, B256, Bytes, U256};
    use std::path::PathBuf;

    fn report() -> ProposalReport {
        let calls = vec![ITreasurySafe::Call {
            target: Address::repeat_byte(0xaa),
            value: U256::from(10u64).pow(U256::from(18u64)),
            data: Bytes::new(),
        }];
        let file =
            ProposalFile::new(1, Address::repeat_byte(0x5a), 3, B256::ZERO, calls, None).unwrap();
        offline_report(&Loaded::from_file(PathBuf::from("p.json"), file)).unwrap()
    }

    #[test]
    fn offline_rendering_lists_what_was_not_checked() {
        let text = render(&report());
        assert!(text.contains("call 1 of 1"), "{text}");
        assert!(text.contains("OFFLINE"), "{text}");
        assert!(text.contains("not compared with the safe offline"), "{text}");
        assert!(!text.contains("state     "), "{text}");
    }

    #[test]
    fn online_rendering_shows_the_state_and_strangers() {
        let mut r = report();
        r.not_checked.clear();
        r.threshold = 2;
        r.approvals = vec![ApprovalStatus {
            signer: Address::repeat_byte(9),
            kind: "eip712".into(),
            owner: false,
        }];
        r.onchain.state = ProposalState::Queued;
        r.onchain.now = 100;
        r.onchain.eta = 100 + 3_600;
        r.onchain.safe_epoch = r.epoch;
        let text = render(&r);
        assert!(text.contains("approvals have 0, need 2"), "{text}");
        assert!(text.contains("NOT AN OWNER"), "{text}");
        assert!(text.contains("state     Queued: executable in 1h"), "{text}");
        r.onchain.state = ProposalState::Proposed;
        r.onchain.safe_epoch = r.epoch + 1;
        assert!(render(&r).contains("approvals no longer count"));
    }
}
