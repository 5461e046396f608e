//! The README's "Running a treasury with tsafe" commands run as written against a devnet: keystore
//! accounts become the matching anvil keys, `$NAME` placeholders anvil addresses, and `-y` answers
//! the prompts a person would answer.

use crate::harness::{Devnet, KEYS, RECIPIENT};

#[test]
fn the_treasury_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string(tsafe::toolchain::repo_root().join("README.md")).unwrap();
    let start = readme.find("## Running a treasury with tsafe").expect("the section exists");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let commands: Vec<&str> =
        section.lines().filter(|l| l.starts_with("tsafe ")).collect::<Vec<_>>();
    assert!(commands.len() >= 15, "{commands:?}");

    let d = Devnet::start();
    let vars = [
        ("$ALICE", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
        ("$BOB", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        ("$CAROL", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
        ("$GUARD", "0x90F79bf6EB2c4f870365E785982E1f101E93b906"),
        ("$VENDOR", RECIPIENT),
        ("$VAULT", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"),
    ];
    let accounts = [
        ("alice", KEYS[0]),
        ("bob", KEYS[1]),
        ("carol", KEYS[2]),
        ("guard", KEYS[3]),
        ("keeper", KEYS[4]),
        // Anvil account 9, $VAULT.
        ("vault", "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"),
    ];
    for line in commands {
        let mut words: Vec<String> = shell_words(line);
        words.remove(0);
        for w in &mut words {
            if let Some((_, v)) = vars.iter().find(|(k, _)| w == k) {
                *w = (*v).to_owned();
            }
        }
        if let Some(i) = words.iter().position(|w| w == "--account") {
            let name = words[i + 1].clone();
            let key = accounts.iter().find(|(n, _)| *n == name).expect("a known account").1;
            words[i] = "--private-key".into();
            words[i + 1] = key.into();
        }
        if words.iter().any(|w| w == "--wait") {
            d.warp(2 * 86_400);
        }
        words.insert(0, "-y".into());
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let run = d.run(&args);
        assert_eq!(run.code, 0, "README: {line}\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
        if words.iter().any(|w| w == "deploy") {
            let status = d.ok(&["--json", "status", "--safe", "treasury"]);
            d.fund(status["data"]["safe"].as_str().unwrap().parse().unwrap(), 20);
        }
    }
}

/// Splits a command line on spaces, keeping "double-quoted words" together.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}
