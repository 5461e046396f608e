//! End-to-end tests of the real `tsafe` binary.

use assert_cmd::Command;
use predicates::prelude::*;

fn tsafe() -> Command {
    Command::cargo_bin("tsafe").expect("the tsafe binary is built for integration tests")
}

#[test]
fn version_prints_the_crate_version() {
    tsafe()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("tsafe {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    tsafe().arg("no-such-command").assert().code(2).stderr(predicate::str::contains("Usage"));
}

/// Spawns anvil (pinned one from node_modules, or $ANVIL), deploys the placeholder, reads it back.
#[test]
fn demo_deploys_placeholder_and_reads_it_back() {
    let assert =
        tsafe().args(["demo", "--json"]).timeout(std::time::Duration::from_secs(120)).assert();
    let output = assert.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tsafe demo failed ({}):\n{stderr}", output.status);
    assert!(stderr.contains("PLACEHOLDER"), "the demo must say it is a placeholder:\n{stderr}");

    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    assert_eq!(stdout.lines().count(), 1, "stdout is exactly one JSON line:\n{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(report["placeholder"], true);
    assert_eq!(report["contract"], "Placeholder");
    assert_eq!(report["answer"], "42");
    assert_eq!(report["chain_id"], 31337);
    assert_eq!(
        report["bytecode_len"],
        tsafe::contracts::PLACEHOLDER_BYTECODE.len(),
        "the demo deployed the build-time bytecode"
    );
}

#[test]
fn demo_text_output_is_one_line_of_data() {
    tsafe().arg("demo").timeout(std::time::Duration::from_secs(120)).assert().success().stdout(
        predicate::str::is_match(
            r"^placeholder demo ok: Placeholder at 0x[0-9a-fA-F]{40} on chain 31337 answered 42\n$",
        )
        .expect("valid regex"),
    );
}

#[test]
fn demo_with_a_bad_anvil_names_the_fix() {
    tsafe()
        .arg("demo")
        .env("ANVIL", "/nonexistent/anvil")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("error: $ANVIL points at /nonexistent/anvil"));
}
