//! The recovery sweep end to end against a real anvil: `tsafe evacuate` (direct, re-sweep,
//! `--extra`, `--revoke`, `--sign-only`, `--relay`), `tsafe accept-recovery` (direct,
//! `--sign-only`, `--relay`), hostile tokens in the sweep, a guardian without power yet, and the
//! watcher's `evacuate` action. Balances are read back from the chain.

use crate::harness::{Devnet, KEYS, RECIPIENT, bytes};
use alloy::{
    primitives::{Address, Bytes, U256, utils::parse_ether},
    providers::{Provider, ProviderBuilder, ext::AnvilApi},
};
use serde_json::Value;

const DAY: u64 = 86_400;
/// anvil account 6: the devnet safe's recovery address (accepted by `tsafe devnet`).
const RECOVERY: &str = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
/// anvil account 5 and 4 (keys `KEYS[5]`, `KEYS[4]`).
const ACCOUNT_5: &str = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const ACCOUNT_4: &str = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const GUARDIAN: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

fn addr(a: &str) -> Address {
    a.parse().unwrap()
}

/// Sets `code` at `at` (a hostile token needs no constructor).
fn set_code(d: &Devnet, at: Address, code: &[u8]) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let p = ProviderBuilder::new().connect(&d.url).await.unwrap();
        p.anvil_set_code(at, Bytes::copy_from_slice(code)).await.unwrap();
    });
}

fn block_time(d: &Devnet) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let p = ProviderBuilder::new().connect(&d.url).await.unwrap();
        let b = p.get_block_by_number(alloy::eips::BlockNumberOrTag::Latest).await.unwrap();
        b.unwrap().header.timestamp
    })
}

/// Queues (owners 0 and 1, sender 4) the removal of `guardian`; returns the id.
fn queue_removal(d: &Devnet, guardian: &str, file: &str) -> String {
    let id = d.signed_proposal(file, &["--remove-guardian", guardian]);
    d.ok(&["--json", "queue", file, "--private-key", KEYS[4]]);
    id
}

/// `watch.toml` for the devnet safe: evacuate on a guardian removal (`safe_extra`: more lines of
/// the `[[safe]]` table).
fn write_file(d: &Devnet, safe_extra: &str) {
    write_file_with(d, "", safe_extra, EVACUATE_ON_REMOVAL);
}

/// The rule of [`write_file`].
const EVACUATE_ON_REMOVAL: &str = "[[rule]]\nname = \"evacuate-on-removal\"\nkind = \"guardian-removal\"\nseverity = \"critical\"\naction = \"evacuate\"\n";

/// [`write_file`] with `settings` (the `[settings]` table's lines) first and `rules` instead.
fn write_file_with(d: &Devnet, settings: &str, safe_extra: &str, rules: &str) {
    let text = format!(
        "[settings]\n{settings}\n[[safe]]\nname = \"devnet\"\naddress = \"{}\"\nrpc_urls = [\"{}\"]\n{safe_extra}\n[sinks]\nheartbeat_secs = 0\n\n{rules}",
        d.safe, d.url
    );
    std::fs::write(d.path("watch.toml"), text).unwrap();
}

/// The response record of `rule` among the JSON lines of a watch run.
fn response(stdout: &str, rule: &str) -> Value {
    responses(stdout)
        .into_iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no response of rule {rule} in:\n{stdout}"))
}

fn results(v: &Value) -> Vec<(String, String)> {
    v["data"]["outcome"]["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (a["asset"].as_str().unwrap().to_lowercase(), a["result"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// A guardian evacuates: a dry run moves nothing; the sweep moves the whole native balance, the
/// capped token and an `--extra` token outside the caps, revokes an allowance, voids the batch
/// queued before; a stranger cannot evacuate but may re-sweep once evacuated.
#[test]
fn evacuate_sweeps_everything_to_the_accepted_recovery_address() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let recovery = addr(RECOVERY);
    // `tsafe devnet` names the recovery address it made accept.
    let url = d.url.clone();
    let dev = d.ok(&["--json", "devnet", "--rpc-url", &url, "--no-wait"]);
    assert_eq!(dev["data"]["recovery"].as_str().unwrap().to_lowercase(), RECOVERY.to_lowercase());
    let extra = d.uncapped_token();
    let extra_arg = extra.to_string();
    let queued = d.signed_transfer("p.json", "1ether");
    d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]);
    let eth_before = d.balance(recovery);

    // A stranger cannot evacuate a safe that is not evacuated: bad input, nothing sent.
    let stranger =
        d.fails(&["--json", "-y", "evacuate", "--safe", &safe, "--private-key", KEYS[4]], 2);
    assert!(stranger.json()["error"]["message"].as_str().unwrap().contains("not a guardian"));

    // A dry run simulates and moves nothing.
    let dry = d.ok(&["--json", "evacuate", "--safe", &safe, "--dry-run", "--private-key", KEYS[3]]);
    assert_eq!(dry["data"]["outcome"], Value::Null);
    assert_eq!(dry["data"]["plan"]["recovery"]["accepted"], true);
    assert_eq!(d.balance(recovery), eth_before);

    // The human plan names the amounts in units and the destination.
    let revoke = format!("{}:{}", d.token, ACCOUNT_5);
    let run = d.run(&[
        "-y",
        "evacuate",
        "--safe",
        &safe,
        "--extra",
        &extra_arg,
        "--revoke",
        &revoke,
        "--private-key",
        KEYS[3],
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("100 ETH"), "{}", run.stderr);
    assert!(run.stderr.contains("1,000,000 dUSD"), "{}", run.stderr);
    assert!(run.stderr.contains(RECOVERY), "{}", run.stderr);
    assert!(run.stdout.contains("swept 100 ETH"), "{}", run.stdout);
    assert!(run.stdout.contains("revoked the allowance"), "{}", run.stdout);

    assert_eq!(d.balance(recovery) - eth_before, parse_ether("100").unwrap());
    assert_eq!(d.token_balance(recovery), U256::from(1_000_000u64) * U256::from(1_000_000u64));
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.token_balance(d.safe), U256::ZERO);
    // The batch queued before the evacuation can never run.
    assert_eq!(d.state(&queued), "Voided");

    // Anyone re-sweeps an evacuated safe: no guardian key, said to be a re-sweep.
    d.fund(d.safe, 3);
    let again = d.ok(&["--json", "-y", "evacuate", "--safe", &safe, "--private-key", KEYS[4]]);
    assert_eq!(again["data"]["mode"], "re-sweep");
    assert_eq!(again["data"]["guardian"], Value::Null);
    assert_eq!(again["data"]["outcome"]["enteredEvacuated"], false);
    assert_eq!(
        results(&again),
        vec![("0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee".to_owned(), "swept".to_owned())]
    );
    assert_eq!(d.balance(d.safe), U256::ZERO);
}

/// A hostile token in the sweep (one that burns all gas, one that reverts) is reported as failed
/// and does not stop the others; the plan shows it without crashing on its missing metadata.
#[test]
fn evacuate_reports_hostile_tokens_and_sweeps_the_rest() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let burner = Address::with_last_byte(0xb1).create(0);
    let reverter = Address::with_last_byte(0xb2).create(0);
    // 0xfe: INVALID, burns every unit of gas it is given. 60006000fd: revert(0, 0).
    set_code(&d, burner, &[0xfe]);
    set_code(&d, reverter, &[0x60, 0x00, 0x60, 0x00, 0xfd]);
    // A liar: answers 1 to everything (balanceOf 1, transfer "true") and never moves anything.
    let liar = Address::with_last_byte(0xb3).create(0);
    set_code(&d, liar, &[0x60, 0x01, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3]);
    let l = liar.to_string();
    let (b, r) = (burner.to_string(), reverter.to_string());
    let v = d.ok(&[
        "--json",
        "-y",
        "evacuate",
        "--safe",
        &safe,
        "--extra",
        &b,
        "--extra",
        &r,
        "--extra",
        &l,
        "--private-key",
        KEYS[3],
    ]);
    let res = results(&v);
    let of = |a: Address| {
        res.iter().find(|(x, _)| *x == a.to_string().to_lowercase()).map(|(_, r)| r.clone())
    };
    assert_eq!(of(burner).as_deref(), Some("failed"), "{res:?}");
    assert_eq!(of(reverter).as_deref(), Some("failed"), "{res:?}");
    assert_eq!(of(liar).as_deref(), Some("failed"), "{res:?}");
    assert_eq!(of(d.token).as_deref(), Some("swept"), "{res:?}");
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.token_balance(d.safe), U256::ZERO);
    // The plan showed the hostile tokens with no balance it could read.
    let plan = v["data"]["plan"]["assets"].as_array().unwrap();
    let hostile =
        plan.iter().find(|a| a["asset"].as_str().unwrap().eq_ignore_ascii_case(&b)).unwrap();
    assert_eq!(hostile["balance"], Value::Null);
    assert_eq!(hostile["source"], "extra");
}

/// A guardian signs an evacuation off line; anyone relays it. Deadlines beyond 30 days and
/// non-guardians are refused; a failed relay leaves the file untouched; an expired one is refused.
#[test]
fn evacuate_signature_is_relayed_by_anyone() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let recovery = addr(RECOVERY);
    let far = d.fails(
        &[
            "--json",
            "-y",
            "evacuate",
            "--safe",
            &safe,
            "--sign-only",
            "-o",
            "far.json",
            "--deadline",
            "31d",
            "--private-key",
            KEYS[3],
        ],
        2,
    );
    assert!(far.json()["error"]["message"].as_str().unwrap().contains("at most 30 days"));
    assert!(!d.path("far.json").exists());
    let stranger = d.fails(
        &[
            "--json",
            "-y",
            "evacuate",
            "--safe",
            &safe,
            "--sign-only",
            "-o",
            "s.json",
            "--private-key",
            KEYS[4],
        ],
        2,
    );
    assert!(stranger.stdout.contains("not a guardian"), "{}", stranger.stdout);
    assert!(!d.path("s.json").exists());

    // A short-lived signature expires: refused at relay, the file untouched.
    let short = d.ok(&[
        "--json",
        "-y",
        "evacuate",
        "--safe",
        &safe,
        "--sign-only",
        "-o",
        "short.json",
        "--deadline",
        "1h",
        "--nonce",
        "7",
        "--private-key",
        KEYS[3],
    ]);
    assert_eq!(short["data"]["mode"], "sign-only");
    assert_eq!(short["data"]["signature"]["nonce"], "7");

    let token = d.token.to_string();
    let signed = d.ok(&[
        "--json",
        "-y",
        "evacuate",
        "--safe",
        &safe,
        "--sign-only",
        "-o",
        "ev.json",
        "--deadline",
        "7d",
        "--extra",
        &token,
        "--private-key",
        KEYS[3],
    ]);
    let file: Value = serde_json::from_slice(&bytes(&d.path("ev.json"))).unwrap();
    assert_eq!(file["schema"], "tsafe.evacuation/1");
    assert_eq!(file["guardian"].as_str().unwrap().to_lowercase(), GUARDIAN.to_lowercase());
    assert_eq!(file["chainId"], 31337);
    // The default nonce is random 256-bit: a number far beyond 64 bits.
    assert!(file["nonce"].as_str().unwrap().len() > 30, "{file}");
    assert_eq!(file["hashes"], signed["data"]["signature"]["hashes"]);
    let deadline = file["deadline"].as_u64().unwrap();
    let now = block_time(&d);
    assert!(deadline > now + 7 * DAY - 60 && deadline <= now + 7 * DAY + 60, "{deadline} {now}");
    // Never overwritten.
    d.fails(
        &[
            "--json",
            "-y",
            "evacuate",
            "--safe",
            &safe,
            "--sign-only",
            "-o",
            "ev.json",
            "--private-key",
            KEYS[3],
        ],
        2,
    );

    d.warp(2 * 3600);
    let before = bytes(&d.path("short.json"));
    let expired = d
        .fails(&["--json", "-y", "evacuate", "--relay", "short.json", "--private-key", KEYS[4]], 2);
    assert!(expired.stdout.contains("expired"), "{}", expired.stdout);
    assert_eq!(bytes(&d.path("short.json")), before);

    // A tampered file is refused before anything is sent.
    let mut tampered = file.clone();
    tampered["deadline"] = Value::from(deadline + 1);
    std::fs::write(d.path("t.json"), serde_json::to_string(&tampered).unwrap()).unwrap();
    d.fails(&["--json", "-y", "evacuate", "--relay", "t.json", "--private-key", KEYS[4]], 2);

    let original = bytes(&d.path("ev.json"));
    let eth_before = d.balance(recovery);
    let relayed =
        d.ok(&["--json", "-y", "evacuate", "--relay", "ev.json", "--private-key", KEYS[4]]);
    assert_eq!(relayed["data"]["mode"], "relay");
    assert_eq!(
        relayed["data"]["sender"].as_str().unwrap().to_lowercase(),
        ACCOUNT_4.to_lowercase()
    );
    assert_eq!(
        relayed["data"]["outcome"]["guardian"].as_str().unwrap().to_lowercase(),
        GUARDIAN.to_lowercase()
    );
    assert_eq!(d.balance(recovery) - eth_before, parse_ether("100").unwrap());
    assert_eq!(d.token_balance(d.safe), U256::ZERO);
    // A file for another safe than --safe is refused before anything is sent.
    let token = d.token.to_string();
    let wrong = d.fails(
        &[
            "--json",
            "-y",
            "evacuate",
            "--relay",
            "ev.json",
            "--safe",
            &token,
            "--private-key",
            KEYS[4],
        ],
        2,
    );
    assert!(wrong.stdout.contains("is for safe"), "{}", wrong.stdout);
    // A second relay is refused (the generation moved on); the file is never modified.
    d.fails(&["--json", "-y", "evacuate", "--relay", "ev.json", "--private-key", KEYS[4]], 2);
    assert_eq!(bytes(&d.path("ev.json")), original);
}

/// Adds account 5 as a guardian (fast track: it holds no evacuation power for the delay), then
/// queues the removal of the deployment's guardian; returns the removal's id.
fn late_guardian_and_a_removal(d: &Devnet) -> String {
    d.signed_proposal("g.json", &["--add-guardian", ACCOUNT_5]);
    d.ok(&["--json", "queue", "g.json", "--private-key", KEYS[4]]);
    d.ok(&["--json", "execute", "g.json", "--private-key", KEYS[4]]);
    queue_removal(d, GUARDIAN, "r.json")
}

/// The JSON lines of a watch run that are response records.
fn responses(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["type"] == "response")
        .collect()
}

/// A guardian added later holds evacuation power only after the delay: the command refuses it
/// with exit 3 and says when the power starts. The watcher with that key, facing a queued
/// guardian removal, neither fails for good nor loops: its evacuate response waits (said once, no
/// response record yet) and, once the power has started and the removal is still queued, the
/// next pass evacuates.
#[test]
fn evacuate_refuses_a_guardian_without_power_yet_and_the_watcher_waits_for_it() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let removal = late_guardian_and_a_removal(&d);

    let early =
        d.fails(&["--json", "-y", "evacuate", "--safe", &safe, "--private-key", KEYS[5]], 3);
    let e = early.json();
    assert_eq!(e["error"]["kind"], "not_ready");
    assert!(e["error"]["message"].as_str().unwrap().contains("no evacuation power yet"), "{e}");
    assert!(d.balance(d.safe) > U256::ZERO);

    write_file(&d, "");
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("evacuation power only from"), "{}", run.stderr);
    assert!(run.stderr.contains("waits: cannot evacuate yet"), "{}", run.stderr);
    assert!(run.stderr.contains("no evacuation power yet"), "{}", run.stderr);
    assert!(responses(&run.stdout).is_empty(), "no response before the power: {}", run.stdout);
    assert_eq!(d.state(&removal), "Queued");
    assert!(d.balance(d.safe) > U256::ZERO);

    // Still too early: waits again, sends nothing.
    d.warp(DAY);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(responses(&run.stdout).is_empty(), "{}", run.stdout);
    assert!(d.balance(d.safe) > U256::ZERO);

    // The power has started and the removal is still queued (ready, not executed): evacuated.
    let recovery = addr(RECOVERY);
    let before = d.balance(recovery);
    d.warp(DAY);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let response = response(&run.stdout, "evacuate-on-removal");
    assert_eq!(response["ok"], true, "{response}");
    assert!(response["summary"].as_str().unwrap().contains("evacuated the safe"), "{response}");
    assert!(response["transaction"].is_string(), "{response}");
    assert_eq!(d.balance(recovery) - before, parse_ether("100").unwrap());
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.token_balance(d.safe), U256::ZERO);
    // A guardian change is one of the batches an evacuated safe still runs (SPEC §3.7): not voided.
    assert_eq!(d.state(&removal), "Ready");

    // Exactly once: a further pass sends nothing more.
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert!(responses(&run.stdout).is_empty(), "{}", run.stdout);
}

/// A guardian evacuates by hand before the watcher catches up with a drain it was told to cancel:
/// the evacuation voided the drain, so the watcher's cancel counts as done (nothing to cancel)
/// and sends nothing.
#[test]
fn watch_cancel_of_a_drain_voided_by_an_evacuation_is_done_without_a_transaction() {
    let d = Devnet::start();
    let drain = d.signed_transfer("drain.json", "90ether");
    d.ok(&["--json", "queue", "drain.json", "--private-key", KEYS[4]]);
    d.ok(&["--json", "-y", "evacuate", "--safe", &d.safe_arg(), "--private-key", KEYS[3]]);
    assert_eq!(d.state(&drain), "Voided");
    let deny = "[[rule]]\nname = \"deny\"\nkind = \"expect\"\nseverity = \"critical\"\naction = \"cancel\"\n";
    write_file_with(&d, "", "", deny);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let response = response(&run.stdout, "deny");
    assert_eq!(response["ok"], true, "{response}");
    assert!(response["summary"].as_str().unwrap().contains("voided"), "{response}");
    assert!(response["transaction"].is_null(), "{response}");
    assert_eq!(d.state(&drain), "Voided");
}

/// The same wait in a watcher that keeps running: the wait is said once however many passes go
/// by, nothing is sent before the power starts, and the pass after the chain's time reaches it
/// evacuates, once.
#[test]
fn a_running_watcher_waits_for_the_power_and_then_evacuates_once() {
    use std::io::{BufRead, BufReader};
    let d = Devnet::start();
    let removal = late_guardian_and_a_removal(&d);
    write_file_with(&d, "poll_ms = 100\n", "", EVACUATE_ON_REMOVAL);
    let stderr = std::fs::File::create(d.path("stderr.txt")).unwrap();
    let mut child = d
        .std_cmd()
        .args(["watch", "watch.toml", "--private-key", KEYS[5]])
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel::<Value>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Ok(record) = serde_json::from_str(&line)
                && tx.send(record).is_err()
            {
                break;
            }
        }
    });
    let next_response = |within: std::time::Duration| loop {
        match lines.recv_timeout(within) {
            Ok(r) if r["type"] == "response" => return Some(r),
            Ok(_) => {}
            Err(_) => return None,
        }
    };
    // The alert comes at once; for the next 3 s (some 30 passes) no response, one warning.
    assert!(next_response(std::time::Duration::from_secs(3)).is_none());
    let said = std::fs::read_to_string(d.path("stderr.txt")).unwrap();
    assert_eq!(said.matches("waits: cannot evacuate yet").count(), 1, "{said}");
    assert!(d.balance(d.safe) > U256::ZERO);

    d.warp(2 * DAY);
    let response = next_response(std::time::Duration::from_mins(2)).expect("a response");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(response["ok"], true, "{response}");
    assert!(response["summary"].as_str().unwrap().contains("evacuated the safe"), "{response}");
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.state(&removal), "Ready");
    let said = std::fs::read_to_string(d.path("stderr.txt")).unwrap();
    assert_eq!(said.matches("waits: cannot evacuate yet").count(), 1, "{said}");
}

/// A waiting evacuation answers a queued threat: when the removal that triggered it is gone
/// (here: expired unexecuted) by the time the guardian's power starts, the watcher stands down,
/// says so in its response, and moves nothing.
#[test]
fn watch_stands_down_when_the_threat_is_gone_before_the_power_starts() {
    let d = Devnet::start();
    let removal = late_guardian_and_a_removal(&d);
    write_file(&d, "");
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(responses(&run.stdout).is_empty(), "{}", run.stdout);

    // delay 2 days + grace 14 days: the removal expires unexecuted.
    d.warp(17 * DAY);
    assert_eq!(d.state(&removal), "Expired");
    let eth = d.balance(d.safe);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[5]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let response = response(&run.stdout, "evacuate-on-removal");
    assert_eq!(response["ok"], true, "{response}");
    let summary = response["summary"].as_str().unwrap();
    assert!(summary.contains("stood down") && summary.contains("expired"), "{response}");
    assert!(response["transaction"].is_null(), "{response}");
    assert_eq!(d.balance(d.safe), eth, "nothing moved");
}

/// A safe whose recovery address never accepted: the evacuation enters the Evacuated state and
/// moves nothing (said clearly); the recovery address signs its acceptance, anyone relays it;
/// then anyone re-sweeps. A stranger cannot accept; accepting twice is "already done" (exit 0).
#[test]
fn evacuate_before_acceptance_moves_nothing_until_accepted() {
    let d = Devnet::start();
    let url = d.url.clone();
    let owner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let deployed = d.ok(&[
        "--json",
        "deploy",
        "--rpc-url",
        &url,
        "--owner",
        owner,
        "--threshold",
        "1",
        "--guardian",
        GUARDIAN,
        "--recovery",
        ACCOUNT_5,
        "--backup-recovery",
        ACCOUNT_4,
        "--cap",
        "ETH:1ether/1d",
        "--salt",
        "unaccepted",
        "--private-key",
        KEYS[0],
    ]);
    let safe_addr: Address = deployed["data"]["safe"].as_str().unwrap().parse().unwrap();
    let safe = safe_addr.to_string();
    d.fund(safe_addr, 5);
    let recovery = addr(ACCOUNT_5);
    let before = d.balance(recovery);

    let held =
        d.run(&["-y", "evacuate", "--safe", &safe, "--rpc-url", &url, "--private-key", KEYS[3]]);
    assert_eq!(held.code, 0, "{}\n{}", held.stdout, held.stderr);
    assert!(held.stderr.contains("move NOTHING until it accepts"), "{}", held.stderr);
    assert!(held.stdout.contains("NOTHING moved"), "{}", held.stdout);
    assert_eq!(d.balance(recovery), before);
    assert_eq!(d.balance(safe_addr), parse_ether("5").unwrap());

    // A stranger is not a recovery candidate.
    let stranger = d.fails(
        &[
            "--json",
            "accept-recovery",
            "--safe",
            &safe,
            "--rpc-url",
            &url,
            "--private-key",
            KEYS[2],
        ],
        2,
    );
    assert!(stranger.stdout.contains("NotRecoveryCandidate"), "{}", stranger.stdout);

    // The backup accepts directly; a second time is already done.
    let direct = d.ok(&[
        "--json",
        "accept-recovery",
        "--safe",
        &safe,
        "--rpc-url",
        &url,
        "--private-key",
        KEYS[4],
    ]);
    assert_eq!(direct["data"]["roles"][0], "backup");
    assert!(direct["data"]["transaction"]["hash"].is_string());
    let twice = d.ok(&[
        "--json",
        "accept-recovery",
        "--safe",
        &safe,
        "--rpc-url",
        &url,
        "--private-key",
        KEYS[4],
    ]);
    assert_eq!(twice["data"]["alreadyAccepted"], true);
    assert_eq!(twice["data"]["transaction"], Value::Null);

    // The recovery address signs; account 2 (a stranger to the safe) relays.
    let signed = d.ok(&[
        "--json",
        "-y",
        "accept-recovery",
        "--safe",
        &safe,
        "--rpc-url",
        &url,
        "--sign-only",
        "-o",
        "accept.json",
        "--private-key",
        KEYS[5],
    ]);
    assert_eq!(signed["data"]["mode"], "sign-only");
    let file_before = bytes(&d.path("accept.json"));
    let relayed = d.ok(&[
        "--json",
        "accept-recovery",
        "--relay",
        "accept.json",
        "--rpc-url",
        &url,
        "--private-key",
        KEYS[2],
    ]);
    assert_eq!(relayed["data"]["mode"], "relay");
    assert_eq!(relayed["data"]["roles"][0], "recovery");
    assert_eq!(bytes(&d.path("accept.json")), file_before);
    // Relaying again: already done, exit 0.
    let again = d.ok(&[
        "--json",
        "accept-recovery",
        "--relay",
        "accept.json",
        "--rpc-url",
        &url,
        "--private-key",
        KEYS[2],
    ]);
    assert_eq!(again["data"]["alreadyAccepted"], true);

    // Now anyone re-sweeps and the funds arrive.
    let swept = d.ok(&[
        "--json",
        "-y",
        "evacuate",
        "--safe",
        &safe,
        "--rpc-url",
        &url,
        "--private-key",
        KEYS[2],
    ]);
    assert_eq!(swept["data"]["mode"], "re-sweep");
    assert_eq!(swept["data"]["outcome"]["held"], false);
    assert_eq!(d.balance(recovery) - before, parse_ether("5").unwrap());
}

/// The watcher evacuates when a guardian removal is queued (guardians cannot cancel it); the
/// removal survives (guardian-protected) but the funds are with the recovery address; a second
/// pass sends nothing again.
#[test]
fn watch_evacuates_on_a_queued_guardian_removal() {
    let d = Devnet::start();
    let extra = d.uncapped_token();
    let removal = queue_removal(&d, GUARDIAN, "r.json");
    write_file(&d, &format!("evacuate_extras = [\"{extra}\"]\n"));
    let recovery = addr(RECOVERY);
    let before = d.balance(recovery);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let response = response(&run.stdout, "evacuate-on-removal");
    assert_eq!(response["ok"], true, "{response}");
    assert!(response["summary"].as_str().unwrap().contains("evacuated the safe"), "{response}");
    assert_eq!(d.balance(recovery) - before, parse_ether("100").unwrap());
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.token_balance(d.safe), U256::ZERO);
    let extra_balance = {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let p = ProviderBuilder::new().connect(&d.url).await.unwrap().erased();
            tsafe::contracts::DevToken::new(extra, p).balanceOf(recovery).call().await.unwrap()
        })
    };
    assert_eq!(extra_balance, U256::from(1_000_000_000_000u64));
    assert_eq!(d.state(&removal), "Queued");
    // Exactly once: the next pass has no new response.
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("\"type\":\"response\""), "{}", run.stdout);
    let _ = RECIPIENT;
}

/// `tsafe demo` tells the evacuation: stolen keys queue a drain of everything, the guardian
/// evacuates, the attacker gets nothing and the drain is voided.
#[test]
fn demo_evacuates_before_a_stolen_keys_drain() {
    let output = assert_cmd::Command::cargo_bin("tsafe")
        .unwrap()
        .args(["--json", "demo"])
        .env("NO_COLOR", "1")
        .env("TSAFE_CONFIG", std::env::temp_dir().join("tsafe-demo-evacuate-unused.toml"))
        .timeout(std::time::Duration::from_mins(5))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let step = |name: &str| -> String {
        report["data"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["outcome"].as_str())
            .unwrap_or_else(|| panic!("no step {name} in {stdout}"))
            .to_owned()
    };
    assert!(step("stolen-keys").contains("queued"), "{stdout}");
    assert!(step("evacuate").contains("swept 1,000,000 dUSD"), "{stdout}");
    let voided = step("drain-voided");
    assert!(voided.contains("InvalidProposalState: the drain is Voided"), "{voided}");
    assert!(voided.contains("the attacker got nothing"), "{voided}");
}

/// A value's shape: keys kept, leaves replaced by their JSON type, arrays by their first item
/// (as `json_docs.rs` compares them).
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
    }
}

/// The fenced json example under the `### heading` (in backticks) in docs/json.md.
fn documented(heading: &str) -> Value {
    let doc = std::fs::read_to_string(tsafe::toolchain::repo_root().join("docs/json.md")).unwrap();
    let start = doc
        .find(&format!("### `{heading}`\n"))
        .unwrap_or_else(|| panic!("docs/json.md has no section `{heading}`"));
    let rest = &doc[start..];
    let open = rest.find("```json\n").unwrap() + "```json\n".len();
    let close = rest[open..].find("\n```").unwrap();
    serde_json::from_str(&rest[open..open + close]).unwrap()
}

/// docs/json.md documents the envelopes of `evacuate` and `accept-recovery` (each mode) with
/// examples whose shape equals a real run's. `TSAFE_UPDATE_JSON_DOCS=1` prints the real ones.
#[test]
fn evacuate_json_envelopes_match_the_docs() {
    let mut real: Vec<(&str, Value)> = Vec::new();
    // A guardian evacuates directly, with a revocation.
    let a = Devnet::start();
    let safe = a.safe_arg();
    let revoke = format!("{}:{}", a.token, ACCOUNT_5);
    real.push((
        "tsafe evacuate",
        a.ok(&[
            "--json",
            "-y",
            "evacuate",
            "--safe",
            &safe,
            "--revoke",
            &revoke,
            "--private-key",
            KEYS[3],
        ]),
    ));
    // Signed, then relayed.
    let b = Devnet::start();
    let safe = b.safe_arg();
    real.push((
        "tsafe evacuate --sign-only",
        b.ok(&[
            "--json",
            "-y",
            "evacuate",
            "--safe",
            &safe,
            "--sign-only",
            "-o",
            "ev.json",
            "--private-key",
            KEYS[3],
        ]),
    ));
    real.push((
        "tsafe evacuate --relay",
        b.ok(&["--json", "-y", "evacuate", "--relay", "ev.json", "--private-key", KEYS[4]]),
    ));
    // Acceptance of a safe deployed with a backup: direct by the backup, signed and relayed for
    // the recovery address.
    let url = b.url.clone();
    let deployed = b.ok(&[
        "--json",
        "deploy",
        "--rpc-url",
        &url,
        "--owner",
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "--threshold",
        "1",
        "--guardian",
        GUARDIAN,
        "--recovery",
        ACCOUNT_5,
        "--backup-recovery",
        ACCOUNT_4,
        "--salt",
        "json-docs",
        "--private-key",
        KEYS[0],
    ]);
    let other = deployed["data"]["safe"].as_str().unwrap().to_owned();
    real.push((
        "tsafe accept-recovery",
        b.ok(&[
            "--json",
            "accept-recovery",
            "--safe",
            &other,
            "--rpc-url",
            &url,
            "--private-key",
            KEYS[4],
        ]),
    ));
    real.push((
        "tsafe accept-recovery --sign-only",
        b.ok(&[
            "--json",
            "-y",
            "accept-recovery",
            "--safe",
            &other,
            "--rpc-url",
            &url,
            "--sign-only",
            "-o",
            "acc.json",
            "--private-key",
            KEYS[5],
        ]),
    ));
    real.push((
        "tsafe accept-recovery --relay",
        b.ok(&[
            "--json",
            "accept-recovery",
            "--relay",
            "acc.json",
            "--rpc-url",
            &url,
            "--private-key",
            KEYS[2],
        ]),
    ));
    if std::env::var_os("TSAFE_UPDATE_JSON_DOCS").is_some() {
        for (name, value) in &real {
            println!(
                "### `{name}`\n\n```json\n{}\n```\n",
                serde_json::to_string_pretty(value).unwrap()
            );
        }
    }
    for (name, value) in &real {
        assert_eq!(
            shape(&documented(name)),
            shape(value),
            "docs/json.md's example for `{name}` differs in shape from the output:\n{}",
            serde_json::to_string_pretty(value).unwrap()
        );
    }
}

/// The `recovery-change` rule: a queued `setRecovery` makes the watcher evacuate to the address in
/// force; later, with the safe already evacuated, a queued guardian removal makes it re-sweep with
/// its own extras instead of standing down.
#[test]
fn watch_evacuates_on_a_recovery_change_and_re_sweeps_when_already_evacuated() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let p = d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--to",
        &safe,
        "--call",
        "setRecovery(address)",
        RECIPIENT,
        "-o",
        "rc.json",
        "--private-key",
        KEYS[0],
    ]);
    let change = p["data"]["proposal"]["id"].as_str().unwrap().to_string();
    d.ok(&["--json", "-y", "sign", "rc.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "rc.json", "--private-key", KEYS[4]]);
    let text = format!(
        "[[safe]]\nname = \"devnet\"\naddress = \"{}\"\nrpc_urls = [\"{}\"]\n\n[sinks]\nheartbeat_secs = 0\n\n[[rule]]\nname = \"recovery-change\"\nkind = \"recovery-change\"\nseverity = \"critical\"\naction = \"evacuate\"\n\n[[rule]]\nname = \"evacuate-on-removal\"\nkind = \"guardian-removal\"\nseverity = \"critical\"\naction = \"evacuate\"\n",
        d.safe, d.url
    );
    std::fs::write(d.path("watch.toml"), text).unwrap();
    let recovery = addr(RECOVERY);
    let before = d.balance(recovery);
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let first = response(&run.stdout, "recovery-change");
    assert_eq!(first["ok"], true, "{first}");
    assert_eq!(d.balance(recovery) - before, parse_ether("100").unwrap());
    // The recovery change was queued before the evacuation and is not guardian-protected.
    assert_eq!(d.state(&change), "Voided");

    // Funds arrive after the evacuation; a guardian removal is queued while evacuated.
    d.fund(d.safe, 7);
    let _removal = queue_removal(&d, GUARDIAN, "r.json");
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let second = response(&run.stdout, "evacuate-on-removal");
    assert_eq!(second["ok"], true, "{second}");
    assert!(
        second["summary"].as_str().unwrap().contains("already evacuated: re-swept"),
        "{second}"
    );
    assert_eq!(d.balance(d.safe), U256::ZERO);
    assert_eq!(d.balance(recovery) - before, parse_ether("107").unwrap());
}

/// Malformed flags are bad input (exit 2) with the --json error envelope, before any node is asked.
#[test]
fn evacuate_bad_flags_are_bad_input() {
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("tsafe")
            .unwrap()
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("ETH_RPC_URL")
            .env_remove("TSAFE_SAFE")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    for args in [
        &["--json", "evacuate", "--extra", "0xnope"][..],
        &["--json", "evacuate", "--revoke", "0x00000000000000000000000000000000000000aa"],
        &["--json", "evacuate", "--sign-only"],
        &[
            "--json",
            "evacuate",
            "--relay",
            "x.json",
            "--extra",
            "0x00000000000000000000000000000000000000aa",
        ],
        &["--json", "accept-recovery", "--sign-only"],
    ] {
        let (code, stdout) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {stdout}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["error"]["kind"], "bad_input", "{args:?}");
    }
    // A missing relay file names the path.
    let (code, stdout) = run(&["--json", "evacuate", "--relay", "/nonexistent/ev.json"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(stdout.contains("/nonexistent/ev.json"), "{stdout}");
}

/// Both signing commands share one check of the file to write and the deadline: an existing file
/// is never overwritten (and keeps its bytes), a zero deadline is refused, and so is one more than
/// 30 days ahead (the contract's limit for both).
#[test]
fn signature_files_are_never_overwritten_and_deadlines_are_checked() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    std::fs::write(d.path("taken.json"), "keep me").unwrap();
    let guardian = ["evacuate", "--safe", &safe, "--sign-only", "--private-key", KEYS[3]];
    let vault = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
    let accept = ["accept-recovery", "--safe", &safe, "--sign-only", "--private-key", vault];
    for base in [&guardian[..], &accept[..]] {
        let mut taken = vec!["--json", "-y"];
        taken.extend_from_slice(base);
        taken.extend_from_slice(&["-o", "taken.json"]);
        let run = d.fails(&taken, 2);
        assert!(run.json()["error"]["message"].as_str().unwrap().contains("already exists"));
        assert_eq!(std::fs::read_to_string(d.path("taken.json")).unwrap(), "keep me");

        let mut zero = vec!["--json", "-y"];
        zero.extend_from_slice(base);
        zero.extend_from_slice(&["-o", "zero.json", "--deadline", "0"]);
        let run = d.fails(&zero, 2);
        assert!(run.json()["error"]["message"].as_str().unwrap().contains("expire at once"));
        assert!(!d.path("zero.json").exists());

        // Both signatures are bounded to 30 days by the contract (DeadlineTooFar): refused here
        // before anything is signed or written.
        let mut far = vec!["--json", "-y"];
        far.extend_from_slice(base);
        far.extend_from_slice(&["-o", "far.json", "--deadline", "31d"]);
        let run = d.fails(&far, 2);
        let message = run.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("--deadline 31d") && message.contains("30 days"), "{message}");
        assert!(!d.path("far.json").exists());
    }
}
