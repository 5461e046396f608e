//! End-to-end tests of the real `tsafe` binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::time::Duration;

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

/// `tsafe --json demo` spawns anvil itself (the pinned one from `node_modules`, or $ANVIL), runs
/// the story against contracts compiled by cli/build.rs, and reports on stdout: one JSON
/// envelope, with the contract's own refusals decoded.
#[test]
fn demo_runs_the_story_and_reports_json_on_stdout() {
    let assert = tsafe().args(["--json", "demo"]).timeout(Duration::from_mins(5)).assert();
    let output = assert.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "tsafe demo failed ({}):\n{stderr}", output.status);

    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON document ({e}):\n{stdout}"));
    assert_eq!(report["ok"], true, "{stdout}");
    assert_eq!(report["command"], "demo", "{stdout}");
    assert_eq!(report["data"]["chainId"], 31337, "{stdout}");

    let steps = report["data"]["steps"].as_array().expect("data.steps is an array");
    let outcome = |name: &str| -> String {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["outcome"].as_str())
            .unwrap_or_else(|| panic!("no step {name:?} in {stdout}"))
            .to_string()
    };
    // The refusals come from the deployed contract and are decoded by name.
    assert!(outcome("early-execute").contains("NotReady("), "{stdout}");
    assert!(outcome("cap-refusal").contains("CapExceeded("), "{stdout}");
    assert!(outcome("freeze").contains("Frozen("), "{stdout}");
    assert!(outcome("watch").contains("cancelled by the watcher"), "{stdout}");
}

#[test]
fn demo_text_output_is_one_line_of_data() {
    let assert = tsafe().arg("demo").timeout(Duration::from_mins(5)).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).expect("stdout is UTF-8");
    assert_eq!(
        stdout.lines().count(),
        1,
        "stdout is data only, narration goes to stderr:\n{stdout}"
    );
    assert!(stdout.starts_with("demo ok: "), "{stdout}");
}

#[test]
fn demo_with_a_bad_anvil_names_the_fix() {
    tsafe()
        .arg("demo")
        .env("ANVIL", "/nonexistent/anvil")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("$ANVIL points at /nonexistent/anvil"));
}
