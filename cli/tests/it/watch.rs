//! `tsafe watch` against a real anvil: the real binary follows the devnet safe, rules fire,
//! the guardian key (anvil account 3) cancels and freezes, records are delivered exactly once
//! across restarts, reorgs retract, a flaky webhook gets every record with one idempotency key.

use crate::harness::{Devnet, KEYS, RECIPIENT, Run};
use serde_json::Value;
use std::{
    collections::{BTreeMap, BTreeSet},
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    process::Stdio,
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

const OWNER_2: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const GUARDIAN: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/// Writes `watch.toml` for the devnet safe with `rules` and extra `sinks` lines.
fn watch_file(d: &Devnet, rules: &str, sinks: &str) {
    let text = format!(
        "[settings]\npoll_ms = 100\n\n[[safe]]\nname = \"devnet\"\naddress = \"{}\"\nrpc_urls = [\"{}\"]\n\n[sinks]\nheartbeat_secs = 0\n{sinks}\n\n{rules}\n",
        d.safe, d.url
    );
    std::fs::write(d.path("watch.toml"), text).unwrap();
}

fn rule(name: &str, kind: &str, action: &str, extra: &str) -> String {
    format!(
        "[[rule]]\nname = \"{name}\"\nkind = \"{kind}\"\nseverity = \"high\"\naction = \"{action}\"\n{extra}\n"
    )
}

/// `tsafe watch watch.toml --once` with the guardian key.
fn once(d: &Devnet) -> (Run, Vec<Value>) {
    let run = d.run(&["watch", "watch.toml", "--once", "--private-key", KEYS[3]]);
    assert_eq!(
        run.code, 0,
        "watch --once failed:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let records = records(&run.stdout);
    (run, records)
}

fn records(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

/// Proposes with owner 0, signs with owner 1, queues with account 4; returns the id.
fn queue(d: &Devnet, file: &str, args: &[&str]) -> String {
    let safe = d.safe_arg();
    let mut full = vec!["--json", "propose", "--safe", &safe, "-o", file, "--private-key", KEYS[0]];
    full.extend_from_slice(args);
    let p = d.ok(&full);
    d.ok(&["--json", "-y", "sign", file, "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", file, "--private-key", KEYS[4]]);
    p["data"]["proposal"]["id"].as_str().unwrap().to_string()
}

fn transfer(d: &Devnet, file: &str) -> String {
    queue(d, file, &["--to", RECIPIENT, "--value", "1ether"])
}

#[test]
fn watch_check_validates_with_line_numbers() {
    let d = Devnet::start();
    // evacuate is an action now (the recovery sweep landed); an unknown one names the line.
    watch_file(&d, &rule("x", "outflow", "evacuate", "above = \"1ether\""), "");
    d.ok(&["--json", "watch", "watch.toml", "--check"]);
    watch_file(&d, &rule("x", "outflow", "explode", "above = \"1ether\""), "");
    let run = d.fails(&["watch", "watch.toml", "--check"], 2);
    assert!(run.stderr.contains("watch.toml:line 17"), "{}", run.stderr);
    assert!(run.stderr.contains("not one of alert, cancel, freeze, evacuate"), "{}", run.stderr);
    watch_file(&d, &rule("x", "outflow", "alert", "above = \"lots\""), "");
    let run = d.fails(&["watch", "watch.toml", "--check"], 2);
    assert!(run.stderr.contains("line 18") && run.stderr.contains("above"), "{}", run.stderr);
    // The shipped example is valid.
    let example = tsafe::toolchain::repo_root().join("examples/watch.toml");
    let ok = d.ok(&["--json", "watch", example.to_str().unwrap(), "--check"]);
    assert_eq!(ok["data"]["needsGuardian"], true);
    assert!(ok["data"]["rules"].as_array().unwrap().len() >= 10);
}

#[test]
fn watch_refuses_a_key_that_is_not_a_guardian() {
    let d = Devnet::start();
    watch_file(&d, &rule("deny", "expect", "cancel", ""), "");
    let run = d.fails(&["watch", "watch.toml", "--once", "--private-key", KEYS[4]], 2);
    assert!(run.stderr.contains("is not a guardian"), "{}", run.stderr);
    let run = d.fails(&["watch", "watch.toml", "--once"], 2);
    assert!(run.stderr.contains("no guardian signer"), "{}", run.stderr);
}

/// A first run after a malicious queue backfills from the deployment block and cancels it before
/// its eta; a second run has nothing new to say.
#[test]
fn watch_cold_start_cancels_a_malicious_queue_before_its_eta() {
    let d = Devnet::start();
    let id = transfer(&d, "p.json");
    watch_file(&d, &rule("destinations", "destination", "cancel", "allow = []"), "");
    let (_, recs) = once(&d);
    let alerts = of_type(&recs, "alert");
    assert_eq!(alerts.len(), 1, "{recs:?}");
    assert_eq!(alerts[0]["rule"], "destinations");
    assert_eq!(alerts[0]["proposal"], id.as_str());
    let responses = of_type(&recs, "response");
    assert_eq!(responses.len(), 1, "{recs:?}");
    assert_eq!(responses[0]["ok"], true, "{:?}", responses[0]);
    assert_eq!(responses[0]["alert"], alerts[0]["key"]);
    assert_eq!(d.state(&id), "Cancelled");
    // The deployment was read too: the safe's own initialisation is the first event.
    assert!(recs.iter().any(|r| r["event"] == "SafeInitialized"), "{recs:?}");
    // Once more: only the cancel's own event is new; nothing repeats.
    let (_, again) = once(&d);
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["event"], "ProposalCancelled");
    let (_, third) = once(&d);
    assert!(third.is_empty(), "{third:?}");
}

/// Every rule kind fires on the proposal that breaks it and only there.
#[test]
fn watch_every_rule_fires_where_it_should() {
    let d = Devnet::start();
    let token = d.token.to_string();
    let eth = transfer(&d, "eth.json");
    let approve = queue(
        &d,
        "approve.json",
        &["--to", &token, "--call", "approve(address,uint256)", RECIPIENT, "1000"],
    );
    let removal = queue(&d, "guardian.json", &["--remove-guardian", GUARDIAN]);
    let hour =
        (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
            / 3600)
            % 24;
    let rules = [
        rule("expect", "expect", "alert", &format!("ids = [\"{removal}\"]")),
        rule("destination", "destination", "alert", "allow = []"),
        rule("outflow", "outflow", "alert", "asset = \"ETH\"\nabove = \"0.5ether\""),
        rule("share", "outflow", "alert", "asset = \"ETH\"\nshare = 0.001"),
        rule("loosening", "loosening", "alert", ""),
        rule("guardian-removal", "guardian-removal", "alert", ""),
        rule("allowance", "allowance", "alert", ""),
        rule("fresh", "fresh-target", "alert", "within_blocks = 1000"),
        rule("proposer", "proposer", "alert", &format!("allow = [\"{OWNER_2}\"]")),
        rule(
            "hours",
            "hours",
            "alert",
            &format!("utc_hours = [{}, {}]", (hour + 2) % 24, (hour + 3) % 24),
        ),
    ]
    .join("\n");
    watch_file(&d, &rules, "");
    let (_, recs) = once(&d);
    let mut fired: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in of_type(&recs, "alert") {
        fired
            .entry(a["rule"].as_str().unwrap().to_owned())
            .or_default()
            .insert(a["proposal"].as_str().unwrap().to_owned());
    }
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<_>>();
    assert_eq!(fired["expect"], set(&[&eth, &approve]));
    assert_eq!(fired["destination"], set(&[&eth, &approve]));
    assert_eq!(fired["outflow"], set(&[&eth]));
    assert_eq!(fired["share"], set(&[&eth]));
    assert_eq!(fired["loosening"], set(&[&removal]));
    assert_eq!(fired["guardian-removal"], set(&[&removal]));
    assert_eq!(fired["allowance"], set(&[&approve]));
    assert_eq!(fired["fresh"], set(&[&approve]));
    assert_eq!(fired["proposer"], set(&[&eth, &approve, &removal]));
    assert_eq!(fired["hours"], set(&[&eth, &approve, &removal]));
    // Alert-only rules send nothing.
    assert!(of_type(&recs, "response").is_empty());
    assert_eq!(d.state(&eth), "Queued");
}

/// Freeze on a guardian removal (which guardians may not cancel: that response fails clearly),
/// then the owners lift the freeze at once: the unfreeze rule alerts, and a second freeze is
/// refused clearly (the guardians' shot is spent), never a crash loop.
#[test]
fn watch_freezes_and_reports_what_it_cannot_do() {
    let d = Devnet::start();
    let removal = queue(&d, "guardian.json", &["--remove-guardian", GUARDIAN]);
    let rules = [
        rule("freeze-on-removal", "guardian-removal", "freeze", ""),
        rule("cancel-loosening", "loosening", "cancel", ""),
        rule("unfreeze", "unfreeze", "freeze", ""),
    ]
    .join("\n");
    watch_file(&d, &rules, "");
    let (_, recs) = once(&d);
    let responses: BTreeMap<String, Value> = of_type(&recs, "response")
        .into_iter()
        .map(|r| (r["rule"].as_str().unwrap().to_owned(), r.clone()))
        .collect();
    assert_eq!(responses["freeze-on-removal"]["ok"], true, "{responses:?}");
    assert_eq!(responses["cancel-loosening"]["ok"], false);
    assert!(
        responses["cancel-loosening"]["summary"]
            .as_str()
            .unwrap()
            .contains("guardians cannot cancel"),
        "{responses:?}"
    );
    assert_eq!(d.state(&removal), "Queued");

    // Owners 0 and 1 end the freeze at once (fast track).
    let safe = d.safe_arg();
    d.ok(&[
        "--json",
        "propose",
        "--safe",
        &safe,
        "--unfreeze",
        "-o",
        "u.json",
        "--private-key",
        KEYS[0],
    ]);
    d.ok(&["--json", "-y", "sign", "u.json", "--private-key", KEYS[1]]);
    d.ok(&["--json", "queue", "u.json", "--private-key", KEYS[4]]);
    d.ok(&["--json", "execute", "u.json", "--private-key", KEYS[4]]);
    let (run, recs) = once(&d);
    let frozen: Vec<&Value> = recs.iter().filter(|r| r["event"] == "SafeFrozen").collect();
    assert_eq!(frozen.len(), 1, "{recs:?}");
    let alert = of_type(&recs, "alert");
    assert!(alert.iter().any(|a| a["rule"] == "unfreeze"), "{recs:?}");
    let refused = of_type(&recs, "response");
    let refused = refused.iter().find(|r| r["rule"] == "unfreeze").unwrap();
    assert_eq!(refused["ok"], false);
    assert!(
        refused["summary"].as_str().unwrap().contains("disarmed"),
        "{refused:?}\n{}",
        run.stderr
    );
}

/// A reorg that drops the block of a queued proposal retracts the alert delivered for it.
#[test]
fn watch_retracts_an_alert_whose_log_left_the_chain() {
    let d = Devnet::start();
    watch_file(&d, &rule("deny", "expect", "alert", ""), "");
    once(&d);
    let id = transfer(&d, "p.json");
    d.mine(2);
    let (_, recs) = once(&d);
    let alert = of_type(&recs, "alert")[0].clone();
    assert_eq!(alert["proposal"], id.as_str());
    // A reorg of depth 3 drops the queue's block and the two above it; the chain moves on
    // without them (and grows past the old head).
    d.rollback(3);
    d.mine(5);
    assert_eq!(d.state(&id), "Unknown");
    let (_, recs) = once(&d);
    let retractions = of_type(&recs, "retraction");
    assert_eq!(retractions.len(), 2, "the event and the alert: {recs:?}");
    assert!(retractions.iter().any(|r| r["retracts"] == alert["key"]), "{recs:?}");
    assert!(of_type(&recs, "alert").is_empty());
    let (_, recs) = once(&d);
    assert!(recs.is_empty(), "{recs:?}");
}

/// A webhook that fails its first 3 deliveries gets every record, each under one idempotency key
/// on every attempt, signed with HMAC-SHA256.
#[test]
fn watch_webhook_retries_with_one_idempotency_key() {
    let d = Devnet::start();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let (key, signature, body) = read_request(&mut stream);
            let status = if n < 3 { 500 } else { 200 };
            log.lock().unwrap().push((key, signature, body, status));
            let reply =
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            stream.write_all(reply.as_bytes()).unwrap();
        }
    });
    let id = transfer(&d, "p.json");
    watch_file(
        &d,
        &rule("deny", "expect", "alert", ""),
        &format!(
            "webhook = \"http://127.0.0.1:{port}/hook\"\nwebhook_secret_env = \"HOOK_SECRET\"\nwebhook_attempts = 5"
        ),
    );
    let out = d
        .cmd()
        .args(["watch", "watch.toml", "--once"])
        .env("HOOK_SECRET", "s3cret")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = records(&String::from_utf8_lossy(&out.stdout));
    let seen = seen.lock().unwrap();
    // The first record was tried 4 times (3 failures, then accepted) with the same key and body.
    let first = &recs[0]["key"];
    let tries: Vec<_> = seen.iter().filter(|(k, ..)| k == first.as_str().unwrap()).collect();
    assert_eq!(tries.len(), 4, "{seen:?}");
    assert_eq!(tries.iter().map(|t| t.3).collect::<Vec<_>>(), vec![500, 500, 500, 200]);
    assert!(tries.iter().all(|t| t.2 == tries[0].2));
    // Every record reached the hook, accepted once, in order, signed.
    let accepted: Vec<&str> = seen.iter().filter(|t| t.3 == 200).map(|t| t.0.as_str()).collect();
    let keys: Vec<&str> = recs.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(accepted, keys);
    assert!(recs.iter().any(|r| r["type"] == "alert" && r["proposal"] == id.as_str()));
    for (_, signature, body, _) in seen.iter() {
        assert_eq!(signature, &tsafe::watch::sinks::sign(b"s3cret", body.as_bytes()));
    }
}

/// What the hook saw: idempotency key, signature, body, and the status it answered.
type Delivery = (String, String, String, u16);

fn read_request(stream: &mut std::net::TcpStream) -> (String, String, String) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let (mut key, mut signature, mut length) = (String::new(), String::new(), 0usize);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("idempotency-key:") {
            key = v.trim().to_owned();
        } else if lower.starts_with("x-tsafe-signature:") {
            signature = line["x-tsafe-signature:".len()..].trim().to_owned();
        } else if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (key, signature, String::from_utf8(body).unwrap())
}

/// The watcher killed with SIGKILL while it streams, then restarted: every record of the chain is
/// delivered; the ledger holds each once (a fresh ledger yields the very same keys), and the only
/// possible repeat is the record in flight at the kill, under its same key.
#[test]
fn watch_killed_mid_stream_loses_and_repeats_nothing() {
    let d = Devnet::start();
    watch_file(&d, &rule("deny", "expect", "alert", ""), "");
    let first = transfer(&d, "a.json");
    let mut watcher = Running::start(&d);
    // Proposals keep coming while it runs; kill it as soon as it reports the first alert.
    let second = transfer(&d, "b.json");
    let mut lines = Vec::new();
    watcher.until_alert(&first, &mut lines);
    watcher.child.kill().unwrap();
    watcher.child.wait().unwrap();
    while let Ok(line) = watcher.lines.recv_timeout(Duration::from_millis(200)) {
        lines.push(serde_json::from_str(&line).unwrap());
    }
    let third = transfer(&d, "c.json");
    let (_, rest) = once(&d);
    let mut all = lines;
    all.extend(rest);
    // A record repeats only if the kill fell between stdout taking it and the ledger noting it:
    // then at most that one record, byte for byte, under the same idempotency key.
    let mut by_key: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for r in &all {
        by_key.entry(r["key"].as_str().unwrap()).or_default().push(r);
    }
    let repeated: Vec<_> = by_key.values().filter(|v| v.len() > 1).collect();
    assert!(repeated.len() <= 1, "more than the in-flight record repeated: {repeated:?}");
    assert!(repeated.iter().all(|v| v.len() == 2 && v[0] == v[1]), "{repeated:?}");
    let unique: BTreeSet<&str> = by_key.keys().copied().collect();
    let alerted: BTreeSet<&str> =
        of_type(&all, "alert").iter().map(|a| a["proposal"].as_str().unwrap()).collect();
    assert_eq!(alerted, BTreeSet::from([first.as_str(), second.as_str(), third.as_str()]));
    // And a run from a fresh ledger produces exactly the same records.
    std::fs::rename(d.path("watch.db"), d.path("old.db")).unwrap();
    let _ = std::fs::remove_file(d.path("watch.db-wal"));
    let _ = std::fs::remove_file(d.path("watch.db-shm"));
    let (_, fresh) = once(&d);
    let fresh_keys: BTreeSet<&str> = fresh.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(fresh_keys, unique);
}

/// A watcher running in the background, its stdout lines on a channel.
struct Running {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(d: &Devnet) -> Self {
        let mut child = d
            .std_cmd()
            .args(["watch", "watch.toml"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Lines until one for an alert on `proposal` (generous bound: a hung watcher fails the test).
    fn until_alert(&self, proposal: &str, seen: &mut Vec<Value>) {
        loop {
            let line =
                self.lines.recv_timeout(Duration::from_mins(2)).expect("the watcher reports");
            let record: Value = serde_json::from_str(&line).unwrap();
            let done = record["type"] == "alert" && record["proposal"] == proposal;
            seen.push(record);
            if done {
                return;
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// anvil on a fixed port with its state in a file (written on a graceful stop, read at start).
fn anvil_with_state(port: u16, state: &std::path::Path) -> std::process::Child {
    let mut child = std::process::Command::new(tsafe::toolchain::anvil_path().unwrap())
        .args(["--port", &port.to_string(), "--state", state.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("anvil did not start on port {port}");
}

/// The node goes down and comes back with its state while proposals keep coming: the watcher
/// rides it out (no crash, no retraction), and reports every proposal once.
#[test]
fn watch_rides_out_a_node_restart_with_its_state() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut node = anvil_with_state(port, &state);
    let d = Devnet::on(&format!("http://127.0.0.1:{port}"));
    watch_file(&d, &rule("deny", "expect", "alert", ""), "");
    let watcher = Running::start(&d);
    let mut seen = Vec::new();
    let first = transfer(&d, "a.json");
    watcher.until_alert(&first, &mut seen);
    // A graceful stop writes the state; the watcher keeps polling a dead node meanwhile.
    let status = std::process::Command::new("kill")
        .args(["-TERM", &node.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    node.wait().unwrap();
    let mut node = anvil_with_state(port, &state);
    let second = transfer(&d, "b.json");
    watcher.until_alert(&second, &mut seen);
    drop(watcher);
    let _ = node.kill();
    let _ = node.wait();
    let alerts: Vec<&str> =
        of_type(&seen, "alert").iter().map(|a| a["proposal"].as_str().unwrap()).collect();
    assert_eq!(alerts, vec![first.as_str(), second.as_str()], "{seen:?}");
    assert!(of_type(&seen, "retraction").is_empty(), "{seen:?}");
    let keys: BTreeSet<&str> = seen.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), seen.len(), "a record was repeated: {seen:?}");
}

/// A batch that moves an asset without a cap fires `uncapped-asset` (here a `transfer` on a
/// contract the safe does not cap).
#[test]
fn watch_uncapped_asset_alerts() {
    let d = Devnet::start();
    let other = d.uncapped_token().to_string();
    let capped = transfer(&d, "eth.json");
    let uncapped = queue(
        &d,
        "u.json",
        &["--to", &other, "--call", "transfer(address,uint256)", RECIPIENT, "5"],
    );
    watch_file(&d, &rule("uncapped", "uncapped-asset", "alert", ""), "");
    let (_, recs) = once(&d);
    let fired: Vec<&str> =
        of_type(&recs, "alert").iter().map(|a| a["proposal"].as_str().unwrap()).collect();
    assert_eq!(fired, vec![uncapped.as_str()], "not {capped}: {recs:?}");
}

/// The command hook gets every record on stdin with its key; the loopback metrics endpoint
/// reports the last block, the lag and the alerts.
#[test]
fn watch_command_hook_and_metrics() {
    let d = Devnet::start();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let hook = d.path("hook.log");
    watch_file(
        &d,
        &rule("deny", "expect", "alert", ""),
        &format!(
            "command = \"cat >> '{}' && echo \\\"key $TSAFE_WATCH_KEY\\\" >> '{}'\"\nmetrics = \"127.0.0.1:{port}\"",
            hook.display(),
            hook.display()
        ),
    );
    let id = transfer(&d, "p.json");
    let watcher = Running::start(&d);
    let mut seen = Vec::new();
    watcher.until_alert(&id, &mut seen);
    // The command sink runs after the console in each pass: poll the file, bounded.
    let mut log = String::new();
    for _ in 0..600 {
        log = std::fs::read_to_string(&hook).unwrap_or_default();
        if seen.iter().all(|r| log.contains(&format!("key {}", r["key"].as_str().unwrap()))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for r in &seen {
        assert!(log.contains(&r.to_string()), "the hook lacks {r}:\n{log}");
        assert!(log.contains(&format!("key {}", r["key"].as_str().unwrap())), "{log}");
    }
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("tsafe_watch_alerts_total 1"), "{text}");
    assert!(text.contains("tsafe_watch_lag_blocks{chain=\"31337\",safe=\"devnet\"} 0"), "{text}");
    assert!(text.contains("tsafe_watch_last_block{chain=\"31337\""), "{text}");
    assert!(text.contains("tsafe_watch_rpc_errors_total 0"), "{text}");
}

/// High availability: two watchers of one safe, each with its own ledger (one of them reaching the
/// node through a dead URL first), run at once. Both report the alert under the same key, the
/// proposal is cancelled once, and both responses end as done.
#[test]
fn watch_two_watchers_share_keys_and_never_conflict() {
    let d = Devnet::start();
    let id = transfer(&d, "p.json");
    watch_file(&d, &rule("deny", "expect", "cancel", ""), "");
    let text = std::fs::read_to_string(d.path("watch.toml")).unwrap();
    let fallback = text.replace(
        &format!("rpc_urls = [\"{}\"]", d.url),
        &format!("rpc_urls = [\"http://127.0.0.1:9\", \"{}\"]", d.url),
    );
    assert_ne!(text, fallback);
    std::fs::write(d.path("b.toml"), fallback).unwrap();
    let spawn = |file: &str, db: &str| {
        d.std_cmd()
            .args(["watch", file, "--once", "--db", db, "--private-key", KEYS[3]])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("watch.toml", "a.db"), spawn("b.toml", "b.db"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for out in [&a, &b] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let (ra, rb) = (
        records(&String::from_utf8_lossy(&a.stdout)),
        records(&String::from_utf8_lossy(&b.stdout)),
    );
    let key = |recs: &[Value]| of_type(recs, "alert")[0]["key"].clone();
    assert_eq!(key(&ra), key(&rb));
    for recs in [&ra, &rb] {
        let response = of_type(recs, "response");
        assert_eq!(response.len(), 1, "{recs:?}");
        assert_eq!(response[0]["ok"], true, "{recs:?}");
    }
    assert_eq!(d.state(&id), "Cancelled");
    // The chain saw one cancellation, whichever watcher won.
    let (_, after) = once(&d);
    let cancelled: Vec<&Value> =
        after.iter().filter(|r| r["event"] == "ProposalCancelled").collect();
    assert_eq!(cancelled.len(), 1, "{after:?}");
}
