//! The creation bytecode `tsafe` deploys (compiled by cli/build.rs through foundry-compilers)
//! must equal what `forge build` produces, byte for byte: otherwise the CLI would deploy code the
//! Solidity test-suite never tested. Reads forge's artifacts from `out/`; `make test` runs
//! `forge build` first.

use std::path::{Path, PathBuf};
use tsafe::contracts::COMPILED;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("cli/ has a parent").to_path_buf()
}

/// Forge's creation bytecode and the compiler settings it recorded.
fn forge_creation_bytecode(artifact: &Path) -> (Vec<u8>, String) {
    let text = std::fs::read_to_string(artifact).unwrap_or_else(|e| {
        panic!(
            "cannot read forge's artifact {}: {e}.\nout/ is stale or incomplete: run `forge build` \
             (or `make test`, which runs it before cargo test) and try again",
            artifact.display()
        )
    });
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", artifact.display()));
    let object = json["bytecode"]["object"]
        .as_str()
        .unwrap_or_else(|| panic!("{} has no bytecode.object", artifact.display()));
    let bytes = decode_hex(object.trim_start_matches("0x")).unwrap_or_else(|| {
        panic!("{}: bytecode.object is not plain hex (unlinked?)", artifact.display())
    });
    let settings = &json["metadata"]["settings"];
    let settings = format!(
        "optimizer {}, evmVersion {}, metadata {}, viaIR {}",
        settings["optimizer"], settings["evmVersion"], settings["metadata"], settings["viaIR"]
    );
    (bytes, settings)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[test]
fn cli_bytecode_equals_forge_build() {
    let out = repo_root().join("out");
    assert!(
        out.is_dir(),
        "{} is missing: this test compares the CLI's bytecode with `forge build`'s artifacts. Run \
         `forge build` in the repository root first (`make test` does it before `cargo test`).",
        out.display()
    );

    let mut compared = Vec::new();
    for contract in COMPILED.iter().filter(|c| !c.bytecode.is_empty()) {
        let file_name = Path::new(contract.source).file_name().expect("source has a file name");
        let artifact = out.join(file_name).join(format!("{}.json", contract.name));
        let (forge, forge_settings) = forge_creation_bytecode(&artifact);
        if forge != contract.bytecode {
            let first_diff = forge
                .iter()
                .zip(contract.bytecode)
                .position(|(a, b)| a != b)
                .unwrap_or(forge.len().min(contract.bytecode.len()));
            panic!(
                "{}: the CLI's creation bytecode ({} bytes) differs from forge's {} ({} bytes) from \
                 byte {first_diff}.\nforge built it with: {forge_settings}.\nEither out/ is stale \
                 or was built with other settings (`forge coverage` and `--optimize false` turn the \
                 optimizer off): run `forge build` and retry. Otherwise cli/build.rs and forge use \
                 different settings or compilers: check foundry.toml and that FOUNDRY_SOLC and \
                 TSAFE_SOLC name the same solc (`make test` sets both).",
                contract.name,
                contract.bytecode.len(),
                artifact.display(),
                forge.len()
            );
        }
        compared.push(contract.name);
    }
    // Not vacuous: every deployable contract with bindings was compared, and there is one.
    assert!(!compared.is_empty(), "no contract with creation bytecode was compared");
    if COMPILED.iter().any(|c| c.name == "TreasurySafe") {
        assert!(compared.contains(&"TreasurySafe"), "TreasurySafe was not compared: {compared:?}");
    }
}

#[test]
fn decode_hex_rejects_odd_and_non_hex() {
    assert_eq!(decode_hex("00ff"), Some(vec![0, 255]));
    assert_eq!(decode_hex("0"), None);
    assert_eq!(decode_hex("zz"), None);
}
