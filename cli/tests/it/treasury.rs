//! Issue 11, "the CLI as a treasury team uses it": each finding of the review, end to end
//! against anvil: simulate before sending and signing, states by name, commands that run as
//! printed, one JSON contract, exit codes as documented.

use crate::harness::{Devnet, KEYS, RECIPIENT, bytes};
use serde_json::Value;

const DAY: u64 = 86_400;

fn propose_to_file(d: &Devnet, file: &str, change: &[&str], key: &str) -> Value {
    let safe = d.safe_arg();
    let mut args = vec!["--json", "propose", "--safe", &safe, "-o", file, "--private-key", key];
    args.extend_from_slice(change);
    d.ok(&args)
}

/// 1. `execute FILE` of a fast-tracked batch simulates queue and execute together and sends
///    nothing when execute would revert (before: queue was mined, then execute reverted).
#[test]
fn execute_never_queues_a_fast_tracked_batch_whose_execute_reverts() {
    let d = Devnet::start();
    // Two proposals add the same guardian (a tightening: fast track); the first one to run
    // makes the other impossible, though it can still be queued.
    let a = propose_to_file(&d, "a.json", &["--add-guardian", RECIPIENT], KEYS[0]);
    let a_id = a["data"]["proposal"]["id"].as_str().unwrap().to_string();
    assert_eq!(a["data"]["proposal"]["decoded"]["fastTrack"], true);
    assert_eq!(a["data"]["proposal"]["simulation"]["result"], "runs", "{a}");
    d.ok(&["--json", "-y", "sign", "a.json", "--private-key", KEYS[1]]);
    propose_to_file(&d, "b.json", &["--add-guardian", RECIPIENT], KEYS[0]);
    d.ok(&["--json", "-y", "sign", "b.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "execute", "b.json", "--private-key", KEYS[4]]);

    let before = bytes(&d.path("a.json"));
    let run = d.fails(&["--json", "execute", "a.json", "--private-key", KEYS[4]], 6);
    let e = run.json();
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("InvalidGuardian"), "the decoded reason: {message}");
    assert!(message.contains("refusing to execute"), "{message}");
    assert_eq!(d.state(&a_id), "Unknown", "queue was not sent");
    assert!(!run.stderr.contains("sent queue"), "{}", run.stderr);
    assert_eq!(bytes(&d.path("a.json")), before, "the signatures are kept");
}

/// 2. `propose` refuses changes that can never run, with the decoded reason, and writes nothing.
#[test]
fn propose_refuses_changes_that_can_never_run() {
    let d = Devnet::start();
    let owner = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let cases: [(&[&str], &str); 4] = [
        (&["--threshold", "9"], "InvalidThreshold"),
        (&["--threshold", "0"], "InvalidThreshold"),
        (&["--set-delay", "1m"], "DelayOutOfBounds"),
        (&["--add-owner", owner], "InvalidOwner"),
    ];
    for (change, reason) in cases {
        let safe = d.safe_arg();
        let mut args = vec!["--json", "propose", "--safe", &safe, "-o", "x.json"];
        args.extend_from_slice(change);
        args.extend_from_slice(&["--private-key", KEYS[0]]);
        let run = d.fails(&args, 6);
        let e = run.json();
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{change:?}: {message}");
        assert!(message.contains("refusing to propose"), "{change:?}: {message}");
        assert!(e["error"]["fix"].is_string(), "{change:?}: {}", run.stdout);
        assert!(!d.path("x.json").exists(), "{change:?}: no file is written");
    }
}

/// 3. An owner addition fixes the threshold when proposed; executed after an emergency raise it
///    would lower it again: `execute` says so, recomputed against the configuration now, and asks.
#[test]
fn execute_warns_and_asks_when_a_queued_change_now_lowers_the_threshold() {
    let d = Devnet::start();
    let add = propose_to_file(&d, "add.json", &["--add-owner", RECIPIENT], KEYS[0]);
    let add_id = add["data"]["proposal"]["id"].as_str().unwrap().to_string();
    d.ok(&["--json", "-y", "sign", "add.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "add.json", "--private-key", KEYS[4]]);
    // The emergency: the threshold goes to 3 at once (a tightening).
    propose_to_file(&d, "raise.json", &["--threshold", "3"], KEYS[0]);
    d.ok(&["--json", "-y", "sign", "raise.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "execute", "raise.json", "--private-key", KEYS[4]]);
    d.warp(2 * DAY);

    let asked = d.fails(&["execute", "add.json", "--private-key", KEYS[4]], 2);
    assert!(asked.stderr.contains("changed since this proposal was queued"), "{}", asked.stderr);
    assert!(asked.stderr.contains("lowers the threshold from 3 to 2"), "{}", asked.stderr);
    assert!(asked.stderr.contains("confirmation needed"), "{}", asked.stderr);
    assert_eq!(d.state(&add_id), "Ready", "nothing was sent");
    // Confirmed, it runs as the owners approved it.
    let run = d.run(&["execute", "add.json", "--private-key", KEYS[4], "--yes"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("lowers the threshold from 3 to 2"), "{}", run.stderr);
    assert_eq!(d.state(&add_id), "Executed");
}

/// 4. `sign` refuses a cancelled, queued or executed proposal, and leaves the file unchanged.
#[test]
fn sign_refuses_proposals_a_signature_cannot_help() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let a = d.signed_transfer("a.json", "1ether");
    let b = d.signed_transfer("b.json", "1ether");
    d.ok(&["--json", "queue", "a.json", "--private-key", KEYS[4]]);
    d.ok(&["--json", "queue", "b.json", "--private-key", KEYS[4]]);
    let queued = d.fails(&["-y", "sign", "b.json", "--private-key", KEYS[2]], 2);
    assert!(queued.stderr.contains("already queued"), "{}", queued.stderr);
    d.ok(&["--json", "cancel", &a, "--safe", &safe, "--private-key", KEYS[3]]);
    d.warp(2 * DAY);
    d.ok(&["--json", "execute", "b.json", "--private-key", KEYS[4]]);
    for (file, id, state) in [("a.json", &a, "Cancelled"), ("b.json", &b, "Executed")] {
        let before = bytes(&d.path(file));
        let run = d.fails(&["-y", "sign", file, "--private-key", KEYS[2]], 2);
        assert!(run.stderr.contains(&format!("{id} is {state}")), "{}", run.stderr);
        assert!(!run.stdout.contains("ready"), "{}", run.stdout);
        assert_eq!(bytes(&d.path(file)), before, "{file} is unchanged");
    }
}

/// 5. A queued proposal from an older epoch is not called stale: it stays queued and executes.
#[test]
fn show_of_a_queued_proposal_from_an_older_epoch_keeps_it_queued() {
    let d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
    propose_to_file(&d, "raise.json", &["--threshold", "3"], KEYS[0]);
    d.ok(&["--json", "-y", "sign", "raise.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "execute", "raise.json", "--private-key", KEYS[4]]);
    let shown = d.run(&["show", "p.json"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(!shown.stdout.contains("no longer count"), "{}", shown.stdout);
    assert!(shown.stdout.contains("does not affect a queued proposal"), "{}", shown.stdout);
    d.warp(2 * DAY);
    d.ok(&["--json", "execute", "p.json", "--private-key", KEYS[4]]);
}

/// The commands after "next" (or in backticks) on a line of text, split into words.
fn printed_commands(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("next")) {
        for part in line.split([';', ':']) {
            if let Some(start) = part.find("tsafe ") {
                let words: Vec<String> = part[start + 6..]
                    .split_whitespace()
                    .take_while(|w| !w.starts_with('('))
                    .map(str::to_owned)
                    .collect();
                found.push(words);
            }
        }
    }
    found
}

/// 6. Printed next commands run as printed (an id is followed by `--safe`).
#[test]
fn printed_next_commands_run_as_printed() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let p = d.run(&[
        "propose",
        "--safe",
        &safe,
        "--to",
        RECIPIENT,
        "--value",
        "1ether",
        "--onchain",
        "--private-key",
        KEYS[0],
    ]);
    assert_eq!(p.code, 0, "{}", p.stderr);
    let next = printed_commands(&p.stdout);
    assert_eq!(next.len(), 2, "approve, then queue: {}", p.stdout);
    let with = |cmd: &[String], extra: &[&str]| {
        let mut args: Vec<&str> = cmd.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        d.run(&args)
    };
    let approve = with(&next[0], &["--private-key", KEYS[1], "-y"]);
    assert_eq!(approve.code, 0, "{:?}: {}", next[0], approve.stderr);
    let queue = with(&next[1], &["--private-key", KEYS[4]]);
    assert_eq!(queue.code, 0, "{:?}: {}", next[1], queue.stderr);
    let execute = printed_commands(&queue.stdout);
    assert_eq!(execute.len(), 1, "{}", queue.stdout);
    assert!(execute[0].contains(&"--safe".to_string()), "{:?}", execute[0]);
    d.warp(2 * DAY);
    let run = with(&execute[0], &["--private-key", KEYS[4]]);
    assert_eq!(run.code, 0, "{:?}: {}", execute[0], run.stderr);
}

/// 7. With `--json`, a usage error prints the error envelope on stdout (exit 2).
#[test]
fn json_usage_errors_print_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--json", "propose", "--no-such-flag"][..],
        &["status", "--json", "--safe"][..],
        &["--json", "approve", "not-an-id"][..],
        &["--json", "no-such-command"][..],
    ] {
        let output = assert_cmd::Command::cargo_bin("tsafe")
            .unwrap()
            .args(args)
            .env("TSAFE_CONFIG", dir.path().join("config.toml"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let e: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{args:?}: not one JSON document ({err}): {stdout}"));
        assert_eq!(e["schema"], "tsafe/1");
        assert_eq!(e["ok"], false);
        assert_eq!(e["error"]["kind"], "bad_input");
        assert_eq!(e["error"]["code"], 2);
        assert!(!e["error"]["message"].as_str().unwrap().is_empty(), "{stdout}");
        assert!(e["error"]["fix"].as_str().unwrap().contains("--help"), "{stdout}");
    }
}

/// Every string in a JSON document that looks like a hex number shorter than an address.
fn short_hex(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.starts_with("0x") && s.len() < 42 && s.len() > 2 => {
            found.push(format!("{path} = {s}"));
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                short_hex(v, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                short_hex(v, &format!("{path}.{k}"), found);
            }
        }
        _ => {}
    }
}

/// 8. One amount encoding in `--json`: base units as decimal strings (never `0x…`).
#[test]
fn json_amounts_are_decimal_strings() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let p = d.ok(&[
        "--json", "propose", "--safe", &safe, "--to", RECIPIENT, "--value", "1ether", "-o",
        "p.json",
    ]);
    let outflow = &p["data"]["proposal"]["decoded"]["outflows"][0];
    assert_eq!(outflow["amount"], "1000000000000000000", "{outflow}");
    assert_eq!(outflow["capRemaining"], "10000000000000000000", "{outflow}");
    assert_eq!(p["data"]["proposal"]["threshold"], 2, "a number where it fits");
    let mut found = Vec::new();
    short_hex(&p, "", &mut found);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    short_hex(&status, "", &mut found);
    assert!(found.is_empty(), "hex-encoded numbers: {found:?}");
}

/// 9. Exit codes as docs/errors.md says: a non-owner's approve and a cancel of an executed id are
///    bad input (2), and a contract that is not a safe is named as such (2, with a fix).
#[test]
fn exit_codes_match_the_docs() {
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
        "--onchain",
        "--private-key",
        KEYS[0],
    ]);
    let id = p["data"]["proposal"]["id"].as_str().unwrap().to_string();
    let stranger = d.fails(&["-y", "approve", &id, "--safe", &safe, "--private-key", KEYS[5]], 2);
    assert!(stranger.stderr.contains("is not an owner"), "{}", stranger.stderr);
    // Approving twice is no error and sends nothing.
    d.ok(&["--json", "-y", "approve", &id, "--safe", &safe, "--private-key", KEYS[1]]);
    let again = d.ok(&["--json", "-y", "approve", &id, "--safe", &safe, "--private-key", KEYS[1]]);
    assert_eq!(again["data"]["already"], true);
    assert!(again["data"]["transaction"].is_null());

    d.ok(&["--json", "queue", &id, "--safe", &safe, "--private-key", KEYS[4]]);
    d.warp(2 * DAY);
    d.ok(&["--json", "execute", &id, "--safe", &safe, "--private-key", KEYS[4]]);
    let cancel = d.fails(&["cancel", &id, "--safe", &safe, "--private-key", KEYS[3]], 2);
    assert!(cancel.stderr.contains("it is Executed"), "{}", cancel.stderr);

    let token = d.token.to_string();
    let run = d.fails(&["--json", "status", "--safe", &token], 2);
    let e = run.json();
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.contains("not a tsafe safe"), "{message}");
    assert!(!message.contains("unknown data"), "{message}");
    assert!(e["error"]["fix"].is_string(), "{}", run.stdout);
}

/// Offline review and signing: `show --offline` and `sign --offline` read the file alone (the
/// node named here does not exist), say what they could not check, and `queue` checks it later.
#[test]
fn an_air_gapped_owner_reviews_and_signs_from_the_file_alone() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--to",
        RECIPIENT,
        "--value",
        "1ether",
        "-o",
        "p.json",
        "--private-key",
        KEYS[0],
    ]);
    let nowhere = "http://127.0.0.1:9";
    let shown = d.run(&["show", "p.json", "--offline", "--rpc-url", nowhere]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("OFFLINE"), "{}", shown.stdout);
    assert!(shown.stdout.contains("which signers are owners"), "{}", shown.stdout);
    assert!(shown.stdout.contains("send 1 ETH"), "decoded: {}", shown.stdout);
    let signed = d.ok(&[
        "--json",
        "-y",
        "sign",
        "p.json",
        "--offline",
        "--rpc-url",
        nowhere,
        "--private-key",
        KEYS[1],
    ]);
    assert_eq!(signed["data"]["signature"], "added");
    assert!(!signed["data"]["proposal"]["notChecked"].as_array().unwrap().is_empty());
    // Online, the owners are checked and the proposal queues.
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
}

/// `show --typed-data` writes standard EIP-712 JSON: cast signs it to the very signature tsafe
/// put in the file, so both tools sign the same digest.
#[test]
fn typed_data_signed_by_cast_matches_the_tsafe_signature() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--to",
        RECIPIENT,
        "--value",
        "1.5ether",
        "-o",
        "p.json",
        "--private-key",
        KEYS[0],
    ]);
    let shown = d.ok(&["--json", "show", "p.json", "--typed-data", "td.json"]);
    let digest = shown["data"]["hashes"]["digest"].as_str().unwrap().to_string();
    let cast = tsafe::toolchain::pinned_tool_path("cast");
    let output = std::process::Command::new(cast)
        .args(["wallet", "sign", "--data", "--from-file"])
        .arg(d.path("td.json"))
        .args(["--private-key", KEYS[0]])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let by_cast = String::from_utf8_lossy(&output.stdout).trim().to_lowercase();
    let file: Value = serde_json::from_slice(&bytes(&d.path("p.json"))).unwrap();
    assert_eq!(file["hashes"]["digest"], digest.as_str());
    let by_tsafe = file["signatures"][0]["signature"].as_str().unwrap().to_lowercase();
    assert_eq!(by_cast, by_tsafe, "cast and tsafe sign the same digest {digest}");
}

/// Reverts in words: a cap refusal names both amounts in ETH; a refused change names its bounds.
#[test]
fn reverts_are_explained_in_units_times_and_names() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    // 11 ETH against a 10 ETH/day cap: proposed with a warning (caps refill), refused at execute.
    let p = d.run(&[
        "propose",
        "--safe",
        &safe,
        "--to",
        RECIPIENT,
        "--value",
        "11ether",
        "-o",
        "big.json",
        "--private-key",
        KEYS[0],
    ]);
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert!(p.stderr.contains("it may still run later"), "{}", p.stderr);
    d.ok(&["--json", "-y", "sign", "big.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "big.json", "--private-key", KEYS[4]]);
    let early = d.fails(&["execute", "big.json", "--private-key", KEYS[4]], 3);
    assert!(early.stderr.contains("UTC, in 2d"), "a time in UTC and relative: {}", early.stderr);
    d.warp(2 * DAY);
    let refused = d.fails(&["--json", "execute", "big.json", "--private-key", KEYS[4]], 4);
    let message = refused.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("in words: wanted 11 ETH, 10 ETH left"), "{message}");

    let delay =
        d.fails(&["propose", "--safe", &safe, "--set-delay", "1m", "--private-key", KEYS[0]], 6);
    assert!(delay.stderr.contains("in words: 1m is outside 1h to 30d"), "{}", delay.stderr);
}

/// Transaction flags reach the transaction: gas limit, gas price and nonce.
#[test]
fn transaction_flags_set_gas_price_and_nonce() {
    let d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    let cast = tsafe::toolchain::pinned_tool_path("cast");
    let keeper = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    let nonce = std::process::Command::new(&cast)
        .args(["nonce", keeper, "--rpc-url", &d.url])
        .output()
        .unwrap();
    let nonce = String::from_utf8_lossy(&nonce.stdout).trim().to_string();
    let q = d.ok(&[
        "--json",
        "queue",
        "p.json",
        "--private-key",
        KEYS[4],
        "--gas-limit",
        "900000",
        "--gas-price",
        "3gwei",
        "--nonce",
        &nonce,
        "--confirmations",
        "1",
    ]);
    let hash = q["data"]["transaction"]["hash"].as_str().unwrap();
    let tx = std::process::Command::new(&cast)
        .args(["tx", hash, "--rpc-url", &d.url, "--json"])
        .output()
        .unwrap();
    let tx: Value = serde_json::from_slice(&tx.stdout).unwrap();
    assert_eq!(tx["gas"], "0xdbba0", "{tx}");
    assert_eq!(tx["gasPrice"], "0xb2d05e00", "3 gwei: {tx}");
    assert_eq!(tx["nonce"], format!("{:#x}", nonce.parse::<u64>().unwrap()), "{tx}");
}

/// `deploy --name` saves the chain id and deployment block (log queries start there), keeps the
/// config's comments, and an RPC URL may name an environment variable.
#[test]
fn deploy_saves_chain_and_block_and_rpc_urls_expand_variables() {
    let d = Devnet::start();
    let config = d.path("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("# the team's networks: keep this comment\n{text}")).unwrap();
    let url = d.url.clone();
    d.ok(&[
        "--json",
        "deploy",
        "--rpc-url",
        &url,
        "--owner",
        RECIPIENT,
        "--threshold",
        "1",
        "--recovery",
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
        "--name",
        "team",
        "--salt",
        "team-1",
        "--private-key",
        KEYS[0],
    ]);
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("# the team's networks: keep this comment"), "{saved}");
    assert!(saved.contains("[safes.team]"), "{saved}");
    assert!(saved.contains("chain_id = 31337"), "{saved}");
    assert!(saved.contains("deployed_block = "), "{saved}");

    std::fs::write(
        &config,
        format!("{saved}\n[networks.hosted]\nrpc_url = \"${{TSAFE_TEST_NODE}}\"\n"),
    )
    .unwrap();
    let run = |env: Option<&str>| {
        let mut cmd = d.cmd();
        cmd.args(["--json", "status", "--safe", "team", "--network", "hosted"]);
        match env {
            Some(v) => cmd.env("TSAFE_TEST_NODE", v),
            None => cmd.env_remove("TSAFE_TEST_NODE"),
        };
        cmd.output().unwrap()
    };
    let ok = run(Some(&url));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));
    let unset = run(None);
    assert_eq!(unset.status.code(), Some(2));
    let e: Value = serde_json::from_slice(&unset.stdout).unwrap();
    assert!(
        e["error"]["message"].as_str().unwrap().contains("${TSAFE_TEST_NODE}, which is not set"),
        "{e}"
    );
}

/// An amount beyond the safe's balance is a warning that says how token amounts are read (and the
/// simulation's failure for it is a warning too: the safe may be funded before the eta).
#[test]
fn amounts_beyond_the_balance_are_warned() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let token = d.token.to_string();
    let p = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--token",
        &token,
        "--to",
        RECIPIENT,
        "--amount",
        "1000000000",
        "-o",
        "t.json",
    ]);
    let warnings = p["data"]["proposal"]["decoded"]["warnings"].to_string();
    assert!(warnings.contains("exceeds-balance"), "{warnings}");
    assert!(warnings.contains("is one dUSD"), "{warnings}");
    let eth = d.ok(&[
        "--json", "propose", "--safe", &safe, "--to", RECIPIENT, "--value", "500ether", "-o",
        "e.json",
    ]);
    let warnings = eth["data"]["proposal"]["decoded"]["warnings"].to_string();
    assert!(warnings.contains("exceeds-balance"), "{warnings}");
    assert_eq!(eth["data"]["proposal"]["simulation"]["result"], "reverts");
}
