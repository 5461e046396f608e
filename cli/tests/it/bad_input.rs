//! Bad input of each kind: the message names the problem and the fix, the exit code says what
//! kind it was, and nothing is lost (files are byte-for-byte unchanged, nothing is sent).

use crate::harness::{Devnet, KEYS, RECIPIENT, bytes};
use alloy::{node_bindings::Anvil, signers::local::PrivateKeySigner};
use serde_json::Value;

fn proposal_files(d: &Devnet) -> Vec<String> {
    std::fs::read_dir(d.dir.path())
        .unwrap()
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "json"))
        .collect()
}

#[test]
fn malformed_address_and_amounts_are_refused_before_anything_is_written() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let token = d.token.to_string();
    let cases: [(&[&str], &str); 5] = [
        (&["--to", "0x1234", "--value", "1ether"], "4 hex digits instead of 40"),
        (&["--to", RECIPIENT, "--value", "1.5"], "`1.5` has no unit: write `1.5ether`"),
        (&["--to", RECIPIENT, "--value=-1ether"], "`-1ether` is negative"),
        (&["--token", &token, "--to", RECIPIENT, "--amount", "12abc"], "unknown unit `abc`"),
        (
            &["--to", RECIPIENT, "--call", "transfer(address,uint256)", "0xnope", "1"],
            "argument \"0xnope\" is not a address",
        ),
    ];
    for (args, needle) in cases {
        let mut full = vec!["--json", "propose", "--safe", &safe, "--private-key", KEYS[0]];
        full.extend_from_slice(args);
        let run = d.fails(&full, 2);
        let e = run.json();
        assert_eq!(e["error"]["kind"], "bad_input", "{args:?}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{args:?}: {message}");
        assert!(e["error"]["fix"].is_string(), "{args:?} names a fix: {}", run.stdout);
    }
    // 7 decimals are too precise for a 6-decimal token.
    let run = d.fails(
        &[
            "propose",
            "--safe",
            &safe,
            "--token",
            &token,
            "--to",
            RECIPIENT,
            "--amount",
            "1.0000001",
        ],
        2,
    );
    assert!(
        run.stderr.contains("more decimals than a token with 6 decimals allows"),
        "{}",
        run.stderr
    );
    // Nothing to propose at all.
    let run = d.fails(&["propose", "--safe", &safe], 2);
    assert!(run.stderr.contains("nothing to propose"), "{}", run.stderr);
    // A mixed-case address with a wrong checksum is a typo until proven otherwise.
    let run = d.fails(
        &[
            "propose",
            "--safe",
            &safe,
            "--to",
            "0x00000000000000000000000000000000000DeAd1",
            "--value",
            "1",
        ],
        2,
    );
    assert!(run.stderr.contains("checksum"), "{}", run.stderr);
    assert!(proposal_files(&d).is_empty(), "no file was written: {:?}", proposal_files(&d));
}

#[test]
fn malformed_signature_and_corrupted_file_are_reported_never_overwritten() {
    let d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    let path = d.path("p.json");

    // A signature altered in transit.
    let mut file: Value = serde_json::from_slice(&bytes(&path)).unwrap();
    let sig = file["signatures"][0]["signature"].as_str().unwrap().to_string();
    let flipped =
        format!("{}{}", &sig[..10], if &sig[10..11] == "0" { "1" } else { "0" }) + &sig[11..];
    file["signatures"][0]["signature"] = Value::String(flipped);
    let tampered = serde_json::to_vec_pretty(&file).unwrap();
    std::fs::write(&path, &tampered).unwrap();
    for args in [
        vec!["-y", "sign", "p.json", "--private-key", KEYS[2]],
        vec!["queue", "p.json", "--private-key", KEYS[4]],
    ] {
        let run = d.fails(&args, 2);
        assert!(run.stderr.contains("does not verify"), "{args:?}: {}", run.stderr);
        assert_eq!(bytes(&path), tampered, "{args:?} left the file alone");
    }

    // A value changed after signing: the recorded digest no longer matches.
    let mut file: Value = serde_json::from_slice(&tampered).unwrap();
    file["signatures"] = Value::Array(vec![]);
    file["calls"][0]["value"] = Value::String("99000000000000000000".into());
    let edited = serde_json::to_vec_pretty(&file).unwrap();
    std::fs::write(&path, &edited).unwrap();
    let run = d.fails(&["show", "p.json"], 2);
    assert!(run.stderr.contains("tampered"), "{}", run.stderr);
    assert_eq!(bytes(&path), edited);

    // A truncated file.
    let truncated = &edited[..edited.len() / 2];
    std::fs::write(&path, truncated).unwrap();
    let run = d.fails(&["-y", "sign", "p.json", "--private-key", KEYS[2]], 2);
    assert!(run.stderr.contains("corrupted proposal file"), "{}", run.stderr);
    assert!(run.stderr.contains("was not changed"), "{}", run.stderr);
    assert_eq!(bytes(&path), truncated);

    // A file that does not exist.
    let run = d.fails(&["show", "missing.json"], 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
}

#[test]
fn a_file_for_another_chain_or_safe_is_refused() {
    let d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    let before = bytes(&d.path("p.json"));

    // Another safe.
    let other = "0x000000000000000000000000000000000000bEEF".to_lowercase();
    let run = d.fails(&["-y", "sign", "p.json", "--safe", &other, "--private-key", KEYS[2]], 2);
    assert!(run.stderr.contains("proposal is for chain 31337"), "{}", run.stderr);

    // Another chain: a node reporting chain id 5.
    let anvil5 =
        Anvil::at(tsafe::toolchain::anvil_path().unwrap()).chain_id(5).try_spawn().unwrap();
    let url5 = anvil5.endpoint();
    for args in [
        vec!["-y", "sign", "p.json", "--rpc-url", &url5, "--private-key", KEYS[2]],
        vec!["queue", "p.json", "--rpc-url", &url5, "--private-key", KEYS[4]],
    ] {
        let run = d.fails(&args, 2);
        assert!(run.stderr.contains("is chain 5"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(bytes(&d.path("p.json")), before);

    // A signer who is not an owner is refused before signing.
    let run = d.fails(&["-y", "sign", "p.json", "--private-key", KEYS[5]], 2);
    assert!(run.stderr.contains("is not an owner"), "{}", run.stderr);
    assert_eq!(bytes(&d.path("p.json")), before);
}

#[test]
fn node_down_mid_flow_loses_nothing() {
    let mut d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    let before = bytes(&d.path("p.json"));
    d.stop_node();
    for args in [
        vec!["--json", "queue", "p.json", "--private-key", KEYS[4]],
        vec!["--json", "-y", "sign", "p.json", "--private-key", KEYS[2]],
        vec!["--json", "execute", "p.json", "--private-key", KEYS[4]],
    ] {
        let run = d.fails(&args, 7);
        let e = run.json();
        assert_eq!(e["error"]["kind"], "node", "{args:?}");
        assert!(e["error"]["message"].as_str().unwrap().contains("cannot reach the node"));
        assert_eq!(bytes(&d.path("p.json")), before, "{args:?} kept the signatures");
    }
}

/// The node goes away while `execute --wait` counts down: exit 7 with the fix, file untouched,
/// nothing sent.
#[test]
fn node_lost_while_execute_waits() {
    let mut d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
    let before = bytes(&d.path("p.json"));
    // No blocks come, so the countdown keeps polling the node until it is gone.
    let child = d
        .std_cmd()
        .args(["--json", "execute", "p.json", "--wait", "--private-key", KEYS[4]])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(3));
    d.stop_node();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(7),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let e: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(e["error"]["kind"], "node");
    assert!(e["error"]["fix"].as_str().unwrap().contains("node is up"), "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("waiting for the eta"));
    assert_eq!(bytes(&d.path("p.json")), before);
}

#[test]
fn dry_run_writes_and_sends_nothing() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let p = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--to",
        RECIPIENT,
        "--value",
        "1ether",
        "--dry-run",
        "--private-key",
        KEYS[0],
    ]);
    assert_eq!(p["data"]["dryRun"], true);
    assert!(p["data"]["file"].is_null());
    assert!(proposal_files(&d).is_empty());

    let id = d.signed_transfer("p.json", "1ether");
    let before = bytes(&d.path("p.json"));
    d.ok(&["--json", "-y", "sign", "p.json", "--private-key", KEYS[2], "--dry-run"]);
    assert_eq!(bytes(&d.path("p.json")), before, "sign --dry-run leaves the file");
    let q = d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4], "--dry-run"]);
    assert!(q["data"]["transaction"].is_null());
    assert_eq!(d.state(&id), "Unknown", "queue --dry-run sent nothing");
    let f = d.ok(&["--json", "freeze", "--safe", &safe, "--private-key", KEYS[3], "--dry-run"]);
    assert!(f["data"]["transaction"].is_null());
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["frozen"], false);
}

#[test]
fn signers_from_mnemonic_keystore_and_merge_of_copies() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    d.ok(&[
        "--json", "propose", "--safe", &safe, "--to", RECIPIENT, "--value", "1ether", "-o",
        "a.json",
    ]);
    std::fs::copy(d.path("a.json"), d.path("b.json")).unwrap();

    // Owner 1 from anvil's mnemonic (index 1), on copy a.
    let mnemonic = "test test test test test test test test test test test junk";
    let s =
        d.ok(&["--json", "-y", "sign", "a.json", "--mnemonic", mnemonic, "--mnemonic-index", "1"]);
    assert_eq!(s["data"]["signer"], "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    // Owner 2 from an encrypted keystore with a password file, on copy b.
    let key: PrivateKeySigner = KEYS[2].parse().unwrap();
    let mut rng = rand::thread_rng();
    PrivateKeySigner::encrypt_keystore(
        d.dir.path(),
        &mut rng,
        key.to_bytes(),
        "hunter2",
        Some("owner2"),
    )
    .unwrap();
    std::fs::write(d.path("pw"), "hunter2\n").unwrap();
    let ks = d.path("owner2").to_string_lossy().into_owned();
    let pw = d.path("pw").to_string_lossy().into_owned();
    let s = d.ok(&["--json", "-y", "sign", "b.json", "--keystore", &ks, "--password-file", &pw]);
    assert_eq!(s["data"]["signer"], "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
    let printed = format!("{s}");
    assert!(!printed.contains(&KEYS[2][2..]), "the key is never printed");

    // A wrong password is refused and the file is unchanged.
    std::fs::write(d.path("bad-pw"), "wrong\n").unwrap();
    let bad = d.path("bad-pw").to_string_lossy().into_owned();
    let before = bytes(&d.path("a.json"));
    d.fails(&["-y", "sign", "a.json", "--keystore", &ks, "--password-file", &bad], 2);
    assert_eq!(bytes(&d.path("a.json")), before);

    // Merging copy b into a collects both signatures; a different proposal cannot be merged.
    let m = d.ok(&["--json", "sign", "a.json", "--merge", "b.json"]);
    assert_eq!(m["data"]["written"], true);
    let file: Value = serde_json::from_slice(&bytes(&d.path("a.json"))).unwrap();
    assert_eq!(file["signatures"].as_array().unwrap().len(), 2);
    d.ok(&[
        "--json", "propose", "--safe", &safe, "--to", RECIPIENT, "--value", "2ether", "-o",
        "c.json",
    ]);
    let before = bytes(&d.path("a.json"));
    let run = d.fails(&["sign", "a.json", "--merge", "c.json"], 2);
    assert!(run.stderr.contains("cannot merge proposals with different digest"), "{}", run.stderr);
    assert_eq!(bytes(&d.path("a.json")), before);
    d.ok(&["--json", "queue", "a.json", "--private-key", KEYS[4]]);

    // A Ledger that is not there: a clear failure, nothing written.
    // (Without a device, or without USB access, opening it fails; it never panics.)
    let before = bytes(&d.path("c.json"));
    let run = d.fails(&["-y", "sign", "c.json", "--ledger"], 1);
    assert!(run.stderr.contains("cannot use the Ledger"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(bytes(&d.path("c.json")), before);
}
