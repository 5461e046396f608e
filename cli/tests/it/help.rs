//! `--help` snapshots: the help of every command is part of the interface. A change shows up as
//! a diff here; rewrite the snapshots on purpose with `TSAFE_UPDATE_SNAPSHOTS=1 cargo test help`.

use assert_cmd::Command;
use std::path::PathBuf;

const COMMANDS: &[&str] = &[
    "",
    "propose",
    "sign",
    "queue",
    "execute",
    "show",
    "cancel",
    "unfreeze",
    "rearm",
    "approve",
    "devnet",
    "deploy",
    "freeze",
    "evacuate",
    "accept-recovery",
    "status",
    "watch",
    "demo",
    "completions",
];

#[test]
fn help_matches_the_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help");
    let update = std::env::var_os("TSAFE_UPDATE_SNAPSHOTS").is_some();
    let mut stale = Vec::new();
    for command in COMMANDS {
        let mut cmd = Command::cargo_bin("tsafe").unwrap();
        if !command.is_empty() {
            cmd.arg(command);
        }
        // Fixed width and no environment values, so the text is the same on every machine.
        let output = cmd
            .arg("--help")
            .env("COLUMNS", "100")
            .env_remove("ETH_RPC_URL")
            .env_remove("TSAFE_SAFE")
            .env_remove("TSAFE_CONFIG")
            .env_remove("ETH_KEYSTORE")
            .env_remove("ETH_PASSWORD")
            .env_remove("TSAFE_PRIVATE_KEY")
            .output()
            .unwrap();
        assert!(output.status.success(), "tsafe {command} --help failed");
        let text = String::from_utf8(output.stdout).unwrap();
        let name = if command.is_empty() { "tsafe" } else { command };
        let path = dir.join(format!("{name}.txt"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == text => {}
            Ok(expected) => stale
                .push(format!("{name}: --help changed\n--- snapshot\n{expected}\n+++ now\n{text}")),
            Err(_) => stale.push(format!("{name}: no snapshot at {}", path.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n\nIf the change is intended: TSAFE_UPDATE_SNAPSHOTS=1 cargo test -p tsafe help",
        stale.join("\n\n")
    );
}
