//! docs/json.md documents the `--json` envelope of every command with an example taken from a
//! real run; this test runs the same commands and checks each example's shape (every key, every
//! value's JSON type) against the output, so the documented contract cannot drift.
//! `TSAFE_UPDATE_JSON_DOCS=1` prints the outputs to paste into the docs.

use crate::harness::{Devnet, KEYS, RECIPIENT};
use serde_json::{Map, Value};

/// A value's shape: keys kept, leaves replaced by their JSON type, arrays by their first item.
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect::<Map<_, _>>())
        }
    }
}

/// The fenced json examples of docs/json.md, by the command named in the heading above each.
fn documented() -> Vec<(String, Value)> {
    let doc = std::fs::read_to_string(tsafe::toolchain::repo_root().join("docs/json.md"))
        .expect("docs/json.md exists");
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix("### ") {
            heading = h.trim_matches('`').to_owned();
        } else if line.trim() == "```json" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            let value: Value = serde_json::from_str(&block.join("\n"))
                .unwrap_or_else(|e| panic!("docs/json.md example under {heading:?}: {e}"));
            out.push((heading.clone(), value));
        }
    }
    out
}

#[test]
fn every_documented_envelope_matches_a_real_run() {
    let d = Devnet::start();
    let safe = d.safe_arg();
    let mut real: Vec<(String, Value)> = Vec::new();
    let mut record = |name: &str, v: Value| real.push((name.to_owned(), v));

    let url = d.url.clone();
    record(
        "tsafe deploy",
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
            "--delay",
            "1d",
            "--grace",
            "7d",
            "--private-key",
            KEYS[0],
        ]),
    );
    record(
        "tsafe propose",
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
            "-m",
            "grant",
        ]),
    );
    record("tsafe sign", d.ok(&["--json", "-y", "sign", "p.json", "--private-key", KEYS[1]]));
    record("tsafe show", d.ok(&["--json", "show", "p.json"]));
    record("tsafe queue", d.ok(&["--json", "queue", "p.json", "--private-key", KEYS[4]]));
    record("tsafe status", d.ok(&["--json", "status", "--safe", &safe]));
    d.warp(2 * 86_400);
    record("tsafe execute", d.ok(&["--json", "execute", "p.json", "--private-key", KEYS[4]]));
    let onchain = d.ok(&[
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
    let id = onchain["data"]["proposal"]["id"].as_str().unwrap().to_string();
    record(
        "tsafe approve",
        d.ok(&["--json", "-y", "approve", &id, "--safe", &safe, "--private-key", KEYS[1]]),
    );
    record(
        "tsafe cancel",
        d.ok(&["--json", "cancel", &id, "--safe", &safe, "--private-key", KEYS[3]]),
    );
    record("tsafe freeze", d.ok(&["--json", "freeze", "--safe", &safe, "--private-key", KEYS[3]]));
    record(
        "tsafe unfreeze",
        d.ok(&["--json", "unfreeze", "--safe", &safe, "-o", "u.json", "--private-key", KEYS[0]]),
    );
    let failed = d.fails(&["--json", "execute", "p.json", "--private-key", KEYS[4]], 2);
    record("a failure", failed.json());
    let usage = d.fails(&["--json", "propose", "--no-such-flag"], 2);
    record("a usage error", usage.json());

    if std::env::var_os("TSAFE_UPDATE_JSON_DOCS").is_some() {
        for (name, value) in &real {
            println!(
                "### `{name}`\n\n```json\n{}\n```\n",
                serde_json::to_string_pretty(value).unwrap()
            );
        }
    }
    let docs = documented();
    for (name, value) in &real {
        let (_, example) = docs
            .iter()
            .find(|(heading, _)| heading == name)
            .unwrap_or_else(|| panic!("docs/json.md has no example for `{name}`"));
        assert_eq!(
            shape(example),
            shape(value),
            "docs/json.md's example for `{name}` differs in shape from the output:\n{}",
            serde_json::to_string_pretty(value).unwrap()
        );
    }
}
