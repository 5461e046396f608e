//! The recovery configuration as the owners manage it (issue 9): `deploy --recovery`, the
//! recovery and evacuation-list changes of `propose`, how they are decoded, and what `status`
//! shows at each step, against a real anvil.

use crate::harness::{Devnet, KEYS, RECIPIENT};

/// Anvil account 6, the devnet safe's recovery address (accepted by `tsafe devnet`).
const DEV_RECOVERY: &str = "0x976ea74026e726554db657fa54763abd0c3a0aa9";
/// Anvil account 9, a second recovery address.
const VAULT: &str = "0xa0ee7a142d267c1f36714e4a8f75612f20a79720";
const DAY: u64 = 86_400;

fn lower(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_lowercase()
}

/// Proposes `change` (extra `propose` flags), signs it with owner 1 and executes it, waiting the
/// delay when it is not fast-tracked. Returns the proposal's decoded batch.
fn pass(d: &Devnet, name: &str, change: &[&str]) -> serde_json::Value {
    let safe = d.safe_arg();
    let file = format!("{name}.json");
    let mut args = vec!["--json", "propose", "--safe", &safe];
    args.extend_from_slice(change);
    args.extend_from_slice(&["-o", &file, "--private-key", KEYS[0]]);
    let made = d.ok(&args);
    let decoded = made["data"]["proposal"]["decoded"].clone();
    d.ok(&["--json", "-y", "sign", &file, "--private-key", KEYS[1]]);
    if decoded["fastTrack"] != true {
        d.ok(&["--json", "queue", &file, "--private-key", KEYS[4]]);
        d.warp(2 * DAY + 1);
    }
    d.ok(&["--json", "-y", "execute", &file, "--private-key", KEYS[4]]);
    decoded
}

#[test]
fn recovery_changes_are_decoded_scheduled_cancelled_and_shown() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    let r = &status["data"]["recovery"];
    assert_eq!(lower(&r["recovery"]), DEV_RECOVERY);
    assert_eq!(r["accepted"], true, "tsafe devnet accepts its recovery address");
    assert_eq!(r["pending"], serde_json::Value::Null);
    assert_eq!(r["evacuated"], false);
    assert_eq!(r["guardianPowerAt"][0]["powerAt"].as_u64().map(|t| t > 0), Some(true));

    // A new recovery address is a loosening: delayed, flagged, and only scheduled when it runs.
    let decoded = pass(&d, "set", &["--set-recovery", VAULT]);
    assert_eq!(decoded["fastTrack"], false);
    let warnings = decoded["calls"][0]["warnings"].to_string();
    assert!(warnings.contains("only once that address accepts"), "{warnings}");
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    let pending = &status["data"]["recovery"]["pending"];
    assert_eq!(lower(&pending["account"]), VAULT);
    assert_eq!(pending["accepted"], false);
    assert!(pending["effectiveAt"].as_u64().unwrap() > status["data"]["now"].as_u64().unwrap());
    assert_eq!(lower(&status["data"]["recovery"]["recovery"]), DEV_RECOVERY, "not in force yet");
    let text = d.run(&["status", "--safe", &safe]).stdout;
    assert!(text.contains("CHANGE SCHEDULED"), "{text}");
    assert!(text.contains("NOT accepted"), "{text}");

    // Cancelling the scheduled change tightens: at once.
    let decoded = pass(&d, "cancel-change", &["--cancel-recovery-change"]);
    assert_eq!(decoded["fastTrack"], true);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["recovery"]["pending"], serde_json::Value::Null);

    // Listing a token for evacuation tightens; removing it loosens.
    let extra = d.uncapped_token().to_string();
    let decoded = pass(&d, "list", &["--add-evacuation-asset", &extra]);
    assert_eq!(decoded["fastTrack"], true);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(lower(&status["data"]["recovery"]["evacuationList"][0]), extra.to_lowercase());
    let unlist = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--remove-evacuation-asset",
        &extra,
        "-o",
        "unlist.json",
        "--private-key",
        KEYS[0],
    ]);
    let decoded = &unlist["data"]["proposal"]["decoded"];
    assert_eq!(decoded["fastTrack"], false);
    assert!(decoded["calls"][0]["warnings"].to_string().contains("stops sweeping"), "{decoded}");

    // reopen is refused by simulation on a safe that is not evacuated (NotEvacuated), before any
    // file is written.
    let refused = d.run(&[
        "propose",
        "--safe",
        &safe,
        "--reopen",
        "-o",
        "reopen.json",
        "--private-key",
        KEYS[0],
    ]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(refused.stderr.contains("NotEvacuated"), "{}", refused.stderr);
    assert!(!d.path("reopen.json").exists(), "no half-made proposal file");
}

#[test]
fn deploy_requires_a_recovery_address_out_of_the_keys_reach_and_no_cycle() {
    let d = Devnet::start();
    let url = d.url.clone();
    let base = ["deploy", "--rpc-url", &url, "--owner", RECIPIENT, "--threshold", "1"];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--private-key", KEYS[0]]);
        a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        d.run(&a)
    };

    let missing = run(with(&[]));
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("no --recovery"), "{}", missing.stderr);
    assert!(missing.stderr.contains("deep vault"), "{}", missing.stderr);

    let owner = run(with(&["--recovery", RECIPIENT]));
    assert_eq!(owner.code, 2, "{}", owner.stderr);
    assert!(owner.stderr.contains("also an owner or a guardian"), "{}", owner.stderr);

    let same = run(with(&["--recovery", VAULT, "--backup-recovery", VAULT]));
    assert_eq!(same.code, 2, "{}", same.stderr);
    assert!(same.stderr.contains("same as --recovery"), "{}", same.stderr);

    // A second safe that recovers into the devnet safe; the devnet safe may not then name it.
    let devnet_safe = d.safe_arg();
    let b = d.ok(&[
        "--json",
        "deploy",
        "--rpc-url",
        &url,
        "--owner",
        RECIPIENT,
        "--threshold",
        "1",
        "--recovery",
        &devnet_safe,
        "--salt",
        "vault-b",
        "--private-key",
        KEYS[0],
    ]);
    let b_safe = b["data"]["safe"].as_str().unwrap().to_owned();
    let cycle = d.run(&[
        "propose",
        "--safe",
        &devnet_safe,
        "--set-recovery",
        &b_safe,
        "-o",
        "cycle.json",
        "--private-key",
        KEYS[0],
    ]);
    assert_eq!(cycle.code, 2, "{}", cycle.stderr);
    assert!(cycle.stderr.contains("cycle"), "{}", cycle.stderr);
    assert!(!d.path("cycle.json").exists());
}
