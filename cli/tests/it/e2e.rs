//! Every proposal command end to end against a real anvil: the real binary, chain state read
//! back, `--json` envelopes checked.

use crate::harness::{Devnet, KEYS, RECIPIENT, bytes};
use alloy::primitives::{Address, U256, utils::parse_ether};
use serde_json::Value;

const DAY: u64 = 86_400;

fn recipient() -> Address {
    RECIPIENT.parse().unwrap()
}

#[test]
fn propose_sign_queue_execute_an_eth_transfer() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    // propose: a file signed by owner 0, decoded with a fresh-address warning.
    let p = d.ok(&[
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
        "-m",
        "grant",
    ]);
    let proposal = &p["data"]["proposal"];
    let id = proposal["id"].as_str().unwrap().to_string();
    assert_eq!(proposal["digestMatchesSafe"], true);
    assert_eq!(proposal["decoded"]["calls"][0]["value"], "1500000000000000000");
    let warnings = proposal["decoded"]["calls"][0]["warnings"].to_string();
    assert!(warnings.contains("fresh-address"), "{warnings}");
    let file: Value = serde_json::from_slice(&bytes(&d.path("p.json"))).unwrap();
    assert_eq!(file["signatures"].as_array().unwrap().len(), 1);
    assert_eq!(file["description"], "grant");
    assert_eq!(file["hashes"]["digest"], id.as_str());

    // sign: owner 1 adds the second signature.
    let s = d.ok(&["--json", "-y", "sign", "p.json", "--private-key", KEYS[1]]);
    assert_eq!(s["data"]["signature"], "added");
    let file: Value = serde_json::from_slice(&bytes(&d.path("p.json"))).unwrap();
    assert_eq!(file["signatures"].as_array().unwrap().len(), 2);
    // Signing again changes nothing.
    let again = d.ok(&["--json", "-y", "sign", "p.json", "--private-key", KEYS[1]]);
    assert_eq!(again["data"]["signature"], "unchanged");

    // queue: anyone (account 4) submits; the eta is the delay away.
    let q = d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
    assert_eq!(q["data"]["fastTrack"], false);
    assert_eq!(d.state(&id), "Queued");
    // status lists it with its countdown and what it does.
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    let listed = &status["data"]["proposals"][0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(listed["state"], "Queued");
    assert_eq!(listed["secondsToEta"], 2 * DAY);
    assert!(listed["summary"].as_str().unwrap().starts_with("send 1.5 ETH"), "{listed}");

    // execute too early: exit 3 and the proposal stays queued.
    let early = d.fails(&["--json", "execute", "p.json", "--private-key", KEYS[4]], 3);
    let e = early.json();
    assert_eq!(e["ok"], false);
    assert_eq!(e["error"]["kind"], "not_ready");
    assert!(e["error"]["message"].as_str().unwrap().contains("not ready"), "{}", early.stdout);
    assert!(e["error"]["fix"].as_str().unwrap().contains("--wait"));
    assert_eq!(d.state(&id), "Queued");

    d.warp(2 * DAY);
    let before = d.balance(recipient());
    let x = d.ok(&["--json", "execute", "p.json", "--private-key", KEYS[4]]);
    assert!(x["data"]["transaction"]["hash"].is_string());
    assert_eq!(d.balance(recipient()) - before, parse_ether("1.5").unwrap());
    assert_eq!(d.state(&id), "Executed");

    // show: the same proposal, read back from the file, executed.
    let shown = d.ok(&["--json", "show", "p.json"]);
    assert_eq!(shown["data"]["onchain"]["state"], "Executed");
    assert_eq!(shown["data"]["approvals"].as_array().unwrap().len(), 2);
    // and once more: a second execute is refused as bad input.
    let twice = d.fails(&["execute", "p.json", "--private-key", KEYS[4]], 2);
    assert!(twice.stderr.contains("already executed"), "{}", twice.stderr);
}

#[test]
fn token_transfer_in_token_units_and_cap_refusal() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let token = d.token.to_string();
    // 1,500.25 dUSD (6 decimals) is 1,500,250,000 base units.
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
        "1500.25",
        "-o",
        "t.json",
        "--private-key",
        KEYS[0],
    ]);
    let call = &p["data"]["proposal"]["decoded"]["calls"][0];
    assert_eq!(call["function"], "transfer(address,uint256)");
    assert!(call["summary"].as_str().unwrap().contains("1,500.25 dUSD"), "{call}");
    d.ok(&["--json", "-y", "sign", "t.json", "--private-key", KEYS[2]]);
    d.ok(&["--json", "queue", "t.json", "--private-key", KEYS[2]]);

    // 300,000 dUSD against a 250,000 cap: warned at propose, refused at execute with exit 4.
    let big = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--token",
        &token,
        "--to",
        RECIPIENT,
        "--amount",
        "300000",
        "-o",
        "big.json",
        "--private-key",
        KEYS[0],
    ]);
    let warnings = big["data"]["proposal"]["decoded"]["warnings"].to_string();
    assert!(warnings.contains("exceeds-cap-remaining"), "{warnings}");
    d.ok(&["--json", "-y", "sign", "big.json", "--private-key", KEYS[1]]);
    let q = d.ok(&["--json", "queue", "big.json", "--private-key", KEYS[1]]);
    let big_id = q["data"]["id"].as_str().unwrap().to_string();

    d.warp(2 * DAY);
    d.ok(&["--json", "execute", "t.json", "--private-key", KEYS[2]]);
    assert_eq!(d.token_balance(recipient()), U256::from(1_500_250_000u64));

    let file_before = bytes(&d.path("big.json"));
    let refused = d.fails(&["--json", "execute", "big.json", "--private-key", KEYS[2]], 4);
    let e = refused.json();
    assert_eq!(e["error"]["kind"], "cap_exceeded");
    assert_eq!(e["error"]["revert"]["name"], "CapExceeded");
    assert!(e["error"]["fix"].as_str().unwrap().contains("tsafe status"), "{}", refused.stdout);
    assert_eq!(d.state(&big_id), "Ready", "a refused execute leaves the proposal queued");
    assert_eq!(bytes(&d.path("big.json")), file_before, "the file is untouched");
}

#[test]
fn onchain_propose_approve_queue_and_execute_by_id() {
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
        "2ether",
        "--onchain",
        "--private-key",
        KEYS[0],
    ]);
    let id = p["data"]["proposal"]["id"].as_str().unwrap().to_string();
    assert!(p["data"]["transaction"]["hash"].is_string());
    assert!(p["data"]["file"].is_null(), "no file without --out");
    assert_eq!(d.state(&id), "Proposed");

    // Queueing with one approval is refused before anything is sent.
    let short = d.fails(&["queue", &id, "--safe", &safe, "--private-key", KEYS[4]], 3);
    assert!(short.stderr.contains("too few owner approvals: have 1, need 2"), "{}", short.stderr);

    // approve shows what the id stands for and asks first: without --yes and without a terminal
    // it refuses and sends nothing.
    let asked = d.fails(&["approve", &id, "--safe", &safe, "--private-key", KEYS[1]], 2);
    assert!(asked.stderr.contains("send 2 ETH"), "the proposal is shown: {}", asked.stderr);
    assert!(asked.stderr.contains("confirmation needed (approve proposal"), "{}", asked.stderr);
    let unknown = format!("0x{}", "ab".repeat(32));
    let none = d.fails(&["approve", &unknown, "--safe", &safe, "--private-key", KEYS[1], "-y"], 2);
    assert!(none.stderr.contains("neither proposed nor queued"), "{}", none.stderr);
    d.ok(&["--json", "-y", "approve", &id, "--safe", &safe, "--private-key", KEYS[1]]);
    // show by id: rebuilt from the ProposalCreated event, two on-chain approvals.
    let shown = d.ok(&["--json", "show", &id, "--safe", &safe]);
    assert_eq!(shown["data"]["approvals"].as_array().unwrap().len(), 2, "{shown}");
    assert_eq!(shown["data"]["decoded"]["calls"][0]["value"], "2000000000000000000");

    d.ok(&["--json", "queue", &id, "--safe", &safe, "--private-key", KEYS[4]]);
    d.warp(2 * DAY);
    let before = d.balance(recipient());
    d.ok(&["--json", "execute", &id, "--safe", &safe, "--private-key", KEYS[4]]);
    assert_eq!(d.balance(recipient()) - before, parse_ether("2").unwrap());
}

#[test]
fn guardian_freeze_blocks_then_owners_unfreeze_and_rearm() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    d.signed_transfer("p.json", "1ether");

    let f = d.ok(&["--json", "freeze", "--safe", &safe, "--private-key", KEYS[3]]);
    assert!(f["data"]["frozenUntil"].as_u64().unwrap() > 0);
    // Frozen: queueing is refused with exit 5, the file is kept.
    let before = bytes(&d.path("p.json"));
    let frozen = d.fails(&["--json", "queue", "p.json", "--private-key", KEYS[4]], 5);
    assert_eq!(frozen.json()["error"]["revert"]["name"], "Frozen");
    assert_eq!(bytes(&d.path("p.json")), before);
    // The guardians' shot is spent.
    let again = d.fails(&["freeze", "--safe", &safe, "--private-key", KEYS[3]], 6);
    assert!(again.stderr.contains("GuardiansDisarmed"), "{}", again.stderr);

    // Two owners write the same unfreeze proposal independently; executing both files merges them.
    let u0 =
        d.ok(&["--json", "unfreeze", "--safe", &safe, "-o", "u0.json", "--private-key", KEYS[0]]);
    let u2 =
        d.ok(&["--json", "unfreeze", "--safe", &safe, "-o", "u2.json", "--private-key", KEYS[2]]);
    assert_eq!(u0["data"]["proposal"]["id"], u2["data"]["proposal"]["id"]);
    assert_eq!(u0["data"]["proposal"]["decoded"]["fastTrack"], true);
    let x = d.ok(&["--json", "execute", "u0.json", "u2.json", "--private-key", KEYS[4]]);
    assert!(x["data"]["queuedFirst"]["hash"].is_string(), "fast track: queued then executed");
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["frozen"], false);
    assert_eq!(status["data"]["guardiansArmed"], false);

    // rearm: one owner writes it, another signs it, anyone executes.
    d.ok(&["--json", "rearm", "--safe", &safe, "-o", "r.json", "--private-key", KEYS[0]]);
    d.ok(&["--json", "-y", "sign", "r.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "execute", "r.json", "--private-key", KEYS[4]]);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["guardiansArmed"], true);
    // and queueing works again.
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
}

#[test]
fn cancel_by_guardian_and_by_owners() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let a = d.signed_transfer("a.json", "1ether");
    let b = d.signed_transfer("b.json", "2ether");
    d.ok(&["--json", "queue", "a.json", "--private-key", KEYS[4]]);
    d.ok(&["--json", "queue", "b.json", "--private-key", KEYS[4]]);

    // A guardian cancels directly.
    let c = d.ok(&["--json", "cancel", &a, "--safe", &safe, "--private-key", KEYS[3]]);
    assert_eq!(c["data"]["guardian"], "0x90f79bf6eb2c4f870365e785982e1f101e93b906");
    assert_eq!(d.state(&a), "Cancelled");

    // Owners cancel through a fast-tracked proposal; the same id for every owner.
    let c0 = d.ok(&["--json", "cancel", "b.json", "-o", "c0.json", "--private-key", KEYS[0]]);
    let c1 =
        d.ok(&["--json", "cancel", &b, "--safe", &safe, "-o", "c1.json", "--private-key", KEYS[1]]);
    assert_eq!(c0["data"]["proposal"]["id"], c1["data"]["proposal"]["id"]);
    d.ok(&["--json", "execute", "c0.json", "c1.json", "--private-key", KEYS[4]]);
    assert_eq!(d.state(&b), "Cancelled");

    // A stranger can do neither.
    let s = d.fails(&["cancel", &b, "--safe", &safe, "--private-key", KEYS[5]], 2);
    assert!(s.stderr.contains("neither a guardian nor an owner"), "{}", s.stderr);
}

#[test]
fn config_changes_tighten_at_once_and_loosen_after_the_delay() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    // Lowering the ETH cap and lengthening the delay tighten: fast track.
    let t = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--set-cap",
        "ETH:5ether/1d",
        "--set-delay",
        "3d",
        "-o",
        "t.json",
        "--private-key",
        KEYS[0],
    ]);
    assert_eq!(t["data"]["proposal"]["decoded"]["fastTrack"], true);
    d.ok(&["--json", "-y", "sign", "t.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "execute", "t.json", "--private-key", KEYS[4]]);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["delaySeconds"], 3 * DAY);
    assert_eq!(status["data"]["caps"][0]["limit"], "5000000000000000000");

    // Adding an owner with a higher threshold loosens (a new key): delayed, and flagged.
    let l = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--add-owner",
        RECIPIENT,
        "--threshold",
        "3",
        "-o",
        "l.json",
        "--private-key",
        KEYS[0],
    ]);
    let decoded = &l["data"]["proposal"]["decoded"];
    assert_eq!(decoded["fastTrack"], false);
    assert!(decoded.to_string().contains("loosens"), "{decoded}");
    d.ok(&["--json", "-y", "sign", "l.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "l.json", "--private-key", KEYS[4]]);
    d.fails(&["execute", "l.json", "--private-key", KEYS[4]], 3);
    // Approved under epoch 0, before the owner set changes.
    d.signed_transfer("old.json", "1ether");
    d.warp(3 * DAY);
    d.ok(&["--json", "execute", "l.json", "--private-key", KEYS[4]]);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    assert_eq!(status["data"]["owners"].as_array().unwrap().len(), 4);
    assert_eq!(status["data"]["threshold"], 3);
    assert_eq!(status["data"]["epoch"], 1);

    // The epoch moved: the old file's approvals no longer count, and queue says so.
    let stale = d.fails(&["queue", "old.json", "--private-key", KEYS[4]], 2);
    assert!(stale.stderr.contains("no longer count"), "{}", stale.stderr);
}

#[test]
fn arbitrary_call_batch_file_and_append() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let token = d.token.to_string();
    // --call as cast takes it: approve 100 dUSD (base units given with units).
    let p = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--to",
        &token,
        "--call",
        "approve(address,uint256)",
        RECIPIENT,
        "100000000",
        "-o",
        "b.json",
    ]);
    let call = &p["data"]["proposal"]["decoded"]["calls"][0];
    assert_eq!(call["function"], "approve(address,uint256)");
    assert!(call["summary"].as_str().unwrap().contains("100 dUSD"), "{call}");
    assert!(p["data"]["signer"].is_null(), "no wallet: an unsigned file");

    // --append adds a call to the unsigned file; --batch adds calls from a TOML file.
    std::fs::write(
        d.path("calls.toml"),
        format!(
            "[[call]]\nto = \"{RECIPIENT}\"\nvalue = \"0.25ether\"\n\n[[call]]\ntoken = \"{token}\"\nto = \"{RECIPIENT}\"\namount = \"7\"\n"
        ),
    )
    .unwrap();
    let a = d.ok(&["--json", "propose", "--append", "b.json", "--batch", "calls.toml"]);
    let calls = a["data"]["proposal"]["decoded"]["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 3);
    let file: Value = serde_json::from_slice(&bytes(&d.path("b.json"))).unwrap();
    assert_eq!(file["calls"].as_array().unwrap().len(), 3);
    assert_eq!(file["hashes"]["digest"], a["data"]["proposal"]["id"]);

    // Signed, the file can no longer be appended to.
    d.ok(&["--json", "-y", "sign", "b.json", "--private-key", KEYS[0]]);
    let before = bytes(&d.path("b.json"));
    let refused = d.fails(&["propose", "--append", "b.json", "--to", RECIPIENT, "--value", "1"], 2);
    assert!(
        refused.stderr.contains("appending would change what they signed"),
        "{}",
        refused.stderr
    );
    assert_eq!(bytes(&d.path("b.json")), before);

    // The whole batch executes atomically.
    d.ok(&["--json", "-y", "sign", "b.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "b.json", "--private-key", KEYS[4]]);
    d.warp(2 * DAY);
    let before = d.balance(recipient());
    d.ok(&["--json", "execute", "b.json", "--private-key", KEYS[4]]);
    assert_eq!(d.balance(recipient()) - before, parse_ether("0.25").unwrap());
    assert_eq!(d.token_balance(recipient()), U256::from(7_000_000u64));
}

#[test]
fn execute_wait_counts_down_to_the_eta() {
    let d = Devnet::start();
    d.signed_transfer("p.json", "1ether");
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
    d.warp(2 * DAY - 4);
    // Blocks keep coming (as on a live chain) while execute --wait counts down.
    let url = d.url.clone();
    let miner = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use alloy::providers::{ProviderBuilder, ext::AnvilApi};
            let p = ProviderBuilder::new().connect(&url).await.unwrap();
            for _ in 0..40 {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                if p.anvil_increase_time(1).await.is_err() || p.evm_mine(None).await.is_err() {
                    break;
                }
            }
        });
    });
    let run = d.run(&["execute", "p.json", "--wait", "--private-key", KEYS[4]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("waiting for the eta"), "{}", run.stderr);
    assert!(run.stderr.contains("eta reached"), "{}", run.stderr);
    assert!(run.stdout.starts_with("executed 0x"), "{}", run.stdout);
    miner.join().unwrap();
}

#[test]
fn deploy_a_new_safe_and_read_its_status() {
    let d = Devnet::start();
    let url = d.url.clone();
    let token = d.token.to_string();
    let owners = [
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    ];
    let cap = format!("{token}:1000/7d");
    let mut args = vec!["--json", "deploy", "--rpc-url", &url, "--threshold", "2"];
    for o in &owners {
        args.extend_from_slice(&["--owner", o]);
    }
    args.extend_from_slice(&[
        "--guardian",
        "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
        "--delay",
        "1d",
        "--grace",
        "7d",
        "--freeze",
        "2d",
        "--cap",
        "ETH:3ether/1d",
        "--cap",
        &cap,
        "--recovery",
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
        "--salt",
        "treasury-1",
        "--name",
        "treasury",
        "--private-key",
        KEYS[0],
    ]);
    let dep = d.ok(&args);
    let safe = dep["data"]["safe"].as_str().unwrap().to_string();
    assert!(dep["data"]["transaction"]["hash"].is_string());

    // The config now names it; status reads it back from the chain.
    let status = d.ok(&["--json", "status", "--safe", "treasury", "--rpc-url", &url]);
    let s = &status["data"];
    assert_eq!(s["safe"].as_str().unwrap().to_lowercase(), safe.to_lowercase());
    assert_eq!(s["threshold"], 2);
    assert_eq!(s["owners"].as_array().unwrap().len(), 3);
    assert_eq!(s["delaySeconds"], DAY);
    assert_eq!(s["graceSeconds"], 7 * DAY);
    assert_eq!(s["freezeDurationSeconds"], 2 * DAY);
    assert_eq!(s["caps"][0]["limit"], "3000000000000000000");
    assert_eq!(s["caps"][1]["limit"], "1000000000", "1000 dUSD at 6 decimals");
    let text = d.run(&["status", "--safe", "treasury", "--rpc-url", &url]);
    assert!(text.stdout.contains("dUSD: 1,000 dUSD left of 1,000 dUSD per 7d"), "{}", text.stdout);

    // The same configuration and salt again is refused before anything is sent.
    let again = d.fails(&args[1..], 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    // A threshold above the owner count is bad input.
    let bad = d.fails(
        &[
            "deploy",
            "--rpc-url",
            &url,
            "--owner",
            owners[0],
            "--threshold",
            "2",
            "--recovery",
            "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
            "--private-key",
            KEYS[0],
        ],
        2,
    );
    assert!(bad.stderr.contains("M must be between 1 and N"), "{}", bad.stderr);
}

#[test]
fn completions_for_every_shell() {
    // No chain needed.
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = assert_cmd::Command::cargo_bin("tsafe")
            .unwrap()
            .args(["completions", shell])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("propose"), "{shell} completes subcommands");
        assert!(stdout.contains("execute"), "{shell} completes subcommands");
    }
}

/// `tsafe devnet` with no --rpc-url starts its own anvil, prints its report (here the JSON
/// envelope) at once, keeps the chain up, and stops it cleanly on Ctrl-C (SIGINT).
#[test]
fn devnet_starts_its_own_anvil_and_stops_on_ctrl_c() {
    devnet_stops_on("-INT");
}

/// The same on SIGTERM (`kill`, systemd, containers): anvil is stopped, not orphaned.
#[test]
fn devnet_stops_its_anvil_on_sigterm() {
    devnet_stops_on("-TERM");
}

fn devnet_stops_on(signal: &str) {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("tsafe");
    let mut child = std::process::Command::new(bin)
        .args(["--json", "devnet", "--port", "0"])
        .env("TSAFE_CONFIG", dir.path().join("config.toml"))
        .env_remove("ETH_RPC_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut text = String::new();
    let mut buf = [0u8; 4096];
    let envelope: Value = loop {
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "devnet exited before reporting:\n{text}");
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            break v;
        }
    };
    assert_eq!(envelope["ok"], true);
    let url = envelope["data"]["rpcUrl"].as_str().unwrap().to_string();
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(config.contains(&url), "the profile names the node:\n{config}");
    assert!(config.contains("[safes.devnet]"), "{config}");

    // The chain answers while devnet runs.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let safe: Address = envelope["data"]["safe"].as_str().unwrap().parse().unwrap();
    let balance = rt.block_on(async {
        use alloy::providers::{Provider, ProviderBuilder};
        ProviderBuilder::new().connect(&url).await.unwrap().get_balance(safe).await.unwrap()
    });
    assert_eq!(balance, parse_ether("100").unwrap());

    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "devnet exits 0 on Ctrl-C: {exit}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.trim().is_empty(), "one envelope only, not two: {rest}");
    // Its anvil went down with it.
    let gone = rt.block_on(async {
        use alloy::providers::{Provider, ProviderBuilder};
        match ProviderBuilder::new().connect(&url).await {
            Ok(p) => p.get_block_number().await.is_err(),
            Err(_) => true,
        }
    });
    assert!(gone, "anvil at {url} still answers after {signal}");
}

/// Raising a cap waits the delay, then is only scheduled: the old cap binds for one more period,
/// and `status` shows the change coming.
#[test]
fn a_raised_cap_is_scheduled_and_shown_until_it_takes_effect() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let p = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--set-cap",
        "ETH:20ether/1d",
        "-o",
        "raise.json",
        "--private-key",
        KEYS[0],
    ]);
    let decoded = &p["data"]["proposal"]["decoded"];
    assert_eq!(decoded["fastTrack"], false);
    assert!(decoded.to_string().contains("takes effect 1d later"), "{decoded}");
    d.ok(&["--json", "-y", "sign", "raise.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "raise.json", "--private-key", KEYS[4]]);
    d.warp(2 * DAY);
    d.ok(&["--json", "execute", "raise.json", "--private-key", KEYS[4]]);

    let status = d.ok(&["--json", "status", "--safe", &safe]);
    let cap = &status["data"]["caps"][0];
    assert_eq!(cap["limit"], "10000000000000000000", "the old cap is still in force");
    assert_eq!(cap["scheduled"]["limit"], "20000000000000000000");
    let text = d.run(&["status", "--safe", &safe]);
    assert!(text.stdout.contains("scheduled: 20 ETH per 1d from "), "{}", text.stdout);

    d.warp(DAY);
    let status = d.ok(&["--json", "status", "--safe", &safe]);
    let cap = &status["data"]["caps"][0];
    assert_eq!(cap["limit"], "20000000000000000000", "in force one period later");
    assert!(cap["scheduled"].is_null(), "{cap}");
}

#[test]
fn status_shows_uncapped_tokens_named_or_used_by_proposals() {
    let d = Devnet::start();
    let url = d.url.clone();
    let token = d.token.to_string();
    // A safe with only an ETH cap: the devnet's dUSD is uncapped for it.
    let dep = d.ok(&[
        "--json",
        "deploy",
        "--rpc-url",
        &url,
        "--threshold",
        "2",
        "--owner",
        "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
        "--owner",
        "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "--owner",
        "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        "--recovery",
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
        "--delay",
        "1d",
        "--cap",
        "ETH:3ether/1d",
        "--salt",
        "uncapped-tokens",
        "--private-key",
        KEYS[0],
    ]);
    let safe = dep["data"]["safe"].as_str().unwrap().to_string();

    // Nothing names dUSD yet: no token line.
    let plain = d.ok(&["--json", "status", "--safe", &safe, "--rpc-url", &url]);
    assert_eq!(plain["data"]["tokens"].as_array().unwrap().len(), 0, "{plain}");

    // --token names it.
    let named = d.ok(&["--json", "status", "--safe", &safe, "--rpc-url", &url, "--token", &token]);
    let held = &named["data"]["tokens"][0];
    assert_eq!(held["symbol"], "dUSD");
    assert_eq!(held["balance"], "0");
    // A --token that is not a token is bad input.
    let not_token = d.fails(&["status", "--safe", &safe, "--rpc-url", &url, "--token", &safe], 2);
    assert!(not_token.stderr.contains("not an ERC-20"), "{}", not_token.stderr);

    // A proposal that moves dUSD makes it known without the flag.
    d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--rpc-url",
        &url,
        "--token",
        &token,
        "--to",
        RECIPIENT,
        "--amount",
        "5",
        "--onchain",
        "--private-key",
        KEYS[0],
    ]);
    let seen = d.ok(&["--json", "status", "--safe", &safe, "--rpc-url", &url]);
    let held = &seen["data"]["tokens"][0];
    assert_eq!(held["asset"].as_str().unwrap().to_lowercase(), token.to_lowercase());
    assert_eq!(held["balanceDisplay"], "0 dUSD");
    let text = d.run(&["status", "--safe", &safe, "--rpc-url", &url]);
    assert!(text.stdout.contains("token      dUSD"), "{}", text.stdout);
    assert!(text.stdout.contains("(uncapped)"), "{}", text.stdout);
}

/// Two executes that differ only in their salt (both without zero bytes, so their calldata costs
/// the same): the one sent with the access list the CLI attaches by default pays 100 less per
/// listed account and key than the one sent with `--no-access-list`, and its list leaves out the
/// safe (the transaction's `to`, warm anyway).
#[test]
fn execute_sends_an_access_list_that_lowers_the_fee() {
    let d = Devnet::start();
    let mut ids = Vec::new();
    for (file, byte) in [("a.json", "11"), ("b.json", "22"), ("c.json", "33")] {
        let salt = format!("0x{}", byte.repeat(32));
        ids.push(
            d.signed_proposal(file, &["--to", RECIPIENT, "--value", "1ether", "--salt", &salt]),
        );
        d.ok(&["--json", "queue", file, "--private-key", KEYS[4]]);
    }
    d.warp(2 * DAY);
    let execute = |file: &str, flags: &[&str]| {
        let mut args = vec!["--json", "execute", file, "--private-key", KEYS[4]];
        args.extend_from_slice(flags);
        let x = d.ok(&args);
        d.sent(x["data"]["transaction"]["hash"].as_str().unwrap())
    };
    // The first creates the recipient's account, so that the two compared pay alike for it.
    execute("a.json", &["--no-access-list"]);
    let (plain_list, plain_gas) = execute("b.json", &["--no-access-list"]);
    let (list, gas) = execute("c.json", &[]);
    assert!(ids.iter().all(|id| d.state(id) == "Executed"));

    assert!(plain_list.0.is_empty(), "--no-access-list sent {plain_list:?}");
    let listed: Vec<Address> = list.0.iter().map(|item| item.address).collect();
    assert!(listed.contains(&recipient()), "the value call's recipient is listed: {listed:?}");
    assert!(!listed.contains(&d.safe), "the safe itself is not listed: {listed:?}");
    let entries = list.0.iter().map(|item| 1 + item.storage_keys.len() as u64).sum::<u64>();
    assert_eq!(plain_gas - gas, 100 * entries, "{plain_gas} without, {gas} with {list:?}");
}
