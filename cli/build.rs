//! Compiles `contracts/` with the repository's pinned solc and generates the CLI's contract
//! bindings, so the CLI and the contracts cannot drift.
//!
//! - Compiler: `TSAFE_SOLC`, else `SOLC`, else `<repo>/toolchain/solc` (the shim over the npm
//!   wasm compiler). The Makefile exports `TSAFE_SOLC` and `FOUNDRY_SOLC` to the same path, so
//!   `forge build` and this script always use one compiler.
//! - Settings: read from `[profile.default]` of `foundry.toml` (optimizer, runs, EVM version,
//!   via-IR, metadata hash, CBOR metadata, remappings). foundry-compilers does not read
//!   `foundry.toml` itself; reading it here keeps one source of truth, and
//!   `cli/tests/it/bytecode.rs` proves the result equals `forge build`'s bytecode.
//! - Output, all in `OUT_DIR`: the full Foundry-style artifacts (`artifacts/`), for each
//!   contract in [`BINDINGS`] a trimmed artifact (`bindings/<Name>.json`, ABI plus non-empty
//!   bytecode, read by `alloy::sol!`) and its creation bytecode (`bindings/<Name>.bin`), and
//!   `contracts.rs`, which `cli/src/contracts.rs` includes.

// Build scripts talk to cargo on stdout and to the developer on stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use foundry_compilers::{
    ConfigurableArtifacts, Project, ProjectBuilder, ProjectPathsConfig,
    artifacts::{
        BytecodeHash, EvmVersion, Optimizer, Remapping, Settings, SettingsMetadata,
        output_selection::OutputSelection,
    },
    solc::{CliSettings, Solc, SolcCompiler, SolcLanguage, SolcSettings},
};
use std::{
    collections::BTreeMap,
    env, fmt,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
    str::FromStr,
};

/// Contracts that get Rust bindings: one line each. A name whose contract does not exist (yet)
/// in `contracts/` is skipped, so bindings appear as soon as the Solidity lands.
const BINDINGS: &[&str] = &[
    "ITreasurySafe",
    "TreasurySafe",
    "TreasurySafeFactory",
    // A plain ERC-20 that `tsafe devnet` deploys so token flows can be tried locally.
    "DevToken",
];

/// What to run when the pinned toolchain is missing.
const INSTALL_HINT: &str = "run `npm ci` in the repository root (or `make deps`) to install the \
     pinned Solidity toolchain, or point TSAFE_SOLC (or SOLC) at a native solc 0.8.37";

/// The exact compiler version the contracts pin (`pragma solidity 0.8.37`).
const SOLC_VERSION: &str = "0.8.37";

#[derive(Debug)]
struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(message: impl Into<String>) -> BuildError {
    BuildError(message.into())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: tsafe build script: {e}\n");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), BuildError> {
    let manifest_dir = PathBuf::from(
        env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| err("CARGO_MANIFEST_DIR unset"))?,
    );
    let root =
        manifest_dir.parent().ok_or_else(|| err("cli/ has no parent directory"))?.to_path_buf();
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").ok_or_else(|| err("OUT_DIR unset"))?);

    for path in ["contracts", "foundry.toml", "package-lock.json", "toolchain/solc"] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    for var in ["TSAFE_SOLC", "SOLC"] {
        println!("cargo:rerun-if-env-changed={var}");
    }

    let solc = find_solc(&root)?;
    let settings = settings_from_foundry_toml(&root)?;
    let remappings = settings.remappings.clone();
    let artifacts_dir = out_dir.join("artifacts");
    let bindings_dir = out_dir.join("bindings");
    for dir in [&artifacts_dir, &bindings_dir] {
        // Start clean so a deleted contract does not leave a stale artifact behind.
        if dir.exists() {
            fs::remove_dir_all(dir)
                .map_err(|e| err(format!("cannot clear {}: {e}", dir.display())))?;
        }
    }

    let paths = ProjectPathsConfig::builder()
        .root(&root)
        .sources(root.join("contracts"))
        .tests(root.join("test"))
        .scripts(root.join("script"))
        .lib(root.join("node_modules"))
        .remappings(remappings)
        .artifacts(&artifacts_dir)
        .cache(out_dir.join("cache").join("solidity-files-cache.json"))
        .build_infos(out_dir.join("build-info"))
        .build::<SolcLanguage>()
        .map_err(|e| err(format!("invalid project paths: {e}")))?;
    let project: Project<SolcCompiler, ConfigurableArtifacts> =
        ProjectBuilder::<SolcCompiler>::new(ConfigurableArtifacts::default())
            .paths(paths)
            .settings(SolcSettings { settings, cli_settings: CliSettings::default() })
            .ephemeral()
            .offline()
            .build(SolcCompiler::Specific(solc))
            .map_err(|e| err(format!("cannot set up the Solidity project: {e}")))?;

    let sources = solidity_files(&root.join("contracts"))?;
    if sources.is_empty() {
        return Err(err("contracts/ holds no .sol files"));
    }
    let output = project.compile_files(sources).map_err(|e| {
        err(format!(
            "compiling contracts/ failed: {e}\nIf the compiler could not run: {INSTALL_HINT}"
        ))
    })?;
    if output.has_compiler_errors() {
        return Err(err(format!("solc reported errors in contracts/:\n{output}")));
    }

    fs::create_dir_all(&bindings_dir)
        .map_err(|e| err(format!("cannot create {}: {e}", bindings_dir.display())))?;
    let contracts_dir = root.join("contracts");
    let mut found: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    let mut generated = String::from(
        "// @generated by cli/build.rs from the artifacts of contracts/. Do not edit.\n\n",
    );
    let mut compiled = String::new();

    for (id, artifact) in output.artifact_ids() {
        let Some(&name) = BINDINGS.iter().find(|n| **n == id.name) else { continue };
        // Only bind contracts from contracts/ itself, never a same-named one from a library.
        let source =
            if id.source.is_absolute() { id.source.clone() } else { root.join(&id.source) };
        if !source.starts_with(&contracts_dir) {
            continue;
        }
        found.entry(name).or_default().push(source.clone());

        let abi =
            artifact.abi.as_ref().ok_or_else(|| err(format!("{name}: artifact has no ABI")))?;
        let creation = bytes_of(name, artifact.bytecode.as_ref().map(|b| &b.object))?;
        let runtime = bytes_of(
            name,
            artifact
                .deployed_bytecode
                .as_ref()
                .and_then(|b| b.bytecode.as_ref())
                .map(|b| &b.object),
        )?;

        // Interfaces and abstract contracts have empty bytecode: leave it out so `sol!`
        // generates no `deploy` for them.
        let mut trimmed = serde_json::Map::new();
        let mut abi_value = serde_json::to_value(abi)
            .map_err(|e| err(format!("{name}: cannot encode ABI: {e}")))?;
        unqualify_struct_types(&mut abi_value);
        trimmed.insert("abi".into(), abi_value);
        if let Some(code) = &creation {
            trimmed.insert("bytecode".into(), serde_json::json!({ "object": hex_of(code) }));
        }
        if let Some(code) = &runtime {
            trimmed
                .insert("deployedBytecode".into(), serde_json::json!({ "object": hex_of(code) }));
        }
        let json_path = bindings_dir.join(format!("{name}.json"));
        write(
            &json_path,
            &serde_json::to_string_pretty(&trimmed).map_err(|e| err(e.to_string()))?,
        )?;

        let rel_source = source.strip_prefix(&root).unwrap_or(&source).display().to_string();
        // One module per contract: `sol!` re-creates the types a contract borrows from another
        // (`struct ITreasurySafe.Call` makes a module `ITreasurySafe`), which would clash at the
        // top level. The contract itself is re-exported.
        let module = screaming_snake(name).to_lowercase();
        let _ = writeln!(
            generated,
            "/// Bindings for `{name}` ({rel_source}), generated from its ABI.\n\
             pub mod {module} {{\n    alloy::sol!(#[sol(rpc, abi)] #[derive(Debug)] {name}, {:?});\n}}\n\
             pub use {module}::{name};\n",
            json_path.display().to_string()
        );
        let bytecode_const = match &creation {
            Some(code) => {
                let bin_path = bindings_dir.join(format!("{name}.bin"));
                fs::write(&bin_path, code)
                    .map_err(|e| err(format!("cannot write {}: {e}", bin_path.display())))?;
                let konst = format!("{}_BYTECODE", screaming_snake(name));
                let _ = writeln!(
                    generated,
                    "/// Creation bytecode of `{name}` as compiled by cli/build.rs; equals `forge \
                     build`'s (checked by cli/tests/it/bytecode.rs).\npub const {konst}: &[u8] = \
                     include_bytes!({:?});\n",
                    bin_path.display().to_string()
                );
                konst
            }
            None => "&[]".to_string(),
        };
        let _ = writeln!(
            compiled,
            "    CompiledContract {{ name: {name:?}, source: {rel_source:?}, bytecode: {bytecode_const} }},"
        );
    }

    for (name, sources) in &found {
        if sources.len() > 1 {
            return Err(err(format!(
                "contract `{name}` is defined more than once in contracts/ ({sources:?}); names must be unique"
            )));
        }
    }
    let _ = writeln!(
        generated,
        "/// The contracts from `BINDINGS` in cli/build.rs that exist in contracts/ and got bindings.\n\
         pub const COMPILED: &[CompiledContract] = &[\n{compiled}];"
    );
    write(&out_dir.join("contracts.rs"), &generated)
}

/// Resolves the compiler: `TSAFE_SOLC`, else `SOLC`, else the repository shim. Runs
/// `solc --version` and insists on the pinned version.
fn find_solc(root: &Path) -> Result<Solc, BuildError> {
    let from_env = ["TSAFE_SOLC", "SOLC"].iter().find_map(|var| {
        env::var_os(var).filter(|v| !v.is_empty()).map(|v| (*var, PathBuf::from(v)))
    });
    let (origin, path) = if let Some((var, path)) = from_env {
        (format!("${var}"), path)
    } else {
        let node_modules = root.join("node_modules");
        if !node_modules.join("solc").is_dir() {
            return Err(err(format!(
                "the pinned Solidity toolchain is not installed ({} is missing): {INSTALL_HINT}",
                node_modules.join("solc").display()
            )));
        }
        ("the repository shim".to_string(), root.join("toolchain").join("solc"))
    };
    let solc = Solc::new(&path).map_err(|e| {
        err(format!("cannot run solc from {origin} ({}): {e}\n{INSTALL_HINT}", path.display()))
    })?;
    let version = format!("{}.{}.{}", solc.version.major, solc.version.minor, solc.version.patch);
    if version != SOLC_VERSION {
        return Err(err(format!(
            "solc from {origin} ({}) is {version}, but the contracts pin {SOLC_VERSION}: unset it or \
             point it at solc {SOLC_VERSION}",
            path.display()
        )));
    }
    Ok(solc)
}

/// The compiler settings `forge build` uses, from `[profile.default]` of `foundry.toml`.
fn settings_from_foundry_toml(root: &Path) -> Result<Settings, BuildError> {
    let path = root.join("foundry.toml");
    let text = fs::read_to_string(&path)
        .map_err(|e| err(format!("cannot read {}: {e}", path.display())))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| err(format!("cannot parse {}: {e}", path.display())))?;
    let profile = doc
        .get("profile")
        .and_then(|p| p.get("default"))
        .and_then(|p| p.as_table())
        .ok_or_else(|| err("foundry.toml has no [profile.default]"))?;
    let key = |name: &str| {
        profile.get(name).ok_or_else(|| {
            err(format!(
                "foundry.toml [profile.default] must set `{name}` explicitly: cli/build.rs reads it \
                 to compile with exactly forge's settings"
            ))
        })
    };
    let boolean = |name: &str| {
        key(name)?.as_bool().ok_or_else(|| err(format!("foundry.toml `{name}` must be a boolean")))
    };
    let string = |name: &str| {
        key(name)?.as_str().ok_or_else(|| err(format!("foundry.toml `{name}` must be a string")))
    };

    let runs = key("optimizer_runs")?
        .as_integer()
        .and_then(|r| usize::try_from(r).ok())
        .ok_or_else(|| err("foundry.toml `optimizer_runs` must be a non-negative integer"))?;
    let evm_version = EvmVersion::from_str(string("evm_version")?)
        .map_err(|e| err(format!("foundry.toml `evm_version`: {e}")))?;
    let bytecode_hash = BytecodeHash::from_str(string("bytecode_hash")?)
        .map_err(|e| err(format!("foundry.toml `bytecode_hash`: {e}")))?;
    let remappings = key("remappings")?
        .as_array()
        .ok_or_else(|| err("foundry.toml `remappings` must be an array"))?
        .iter()
        .map(|r| {
            let s = r.as_str().ok_or_else(|| err("foundry.toml `remappings` must hold strings"))?;
            Remapping::from_str(s).map_err(|e| err(format!("foundry.toml remapping {s:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut settings = Settings::new(OutputSelection::default_output_selection());
    settings.optimizer =
        Optimizer { enabled: Some(boolean("optimizer")?), runs: Some(runs), details: None };
    settings.evm_version = Some(evm_version);
    settings.via_ir = Some(boolean("via_ir")?);
    settings.metadata = Some(SettingsMetadata::new(bytecode_hash, boolean("cbor_metadata")?));
    settings.remappings = remappings;
    Ok(settings)
}

/// Every `.sol` file under `dir`, sorted.
fn solidity_files(dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| err(format!("cannot list {}: {e}", dir.display())))?;
        for entry in entries {
            let path =
                entry.map_err(|e| err(format!("cannot list {}: {e}", dir.display())))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "sol") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The bytes of a bytecode object; `None` when empty (interfaces, abstract contracts).
fn bytes_of(
    name: &str,
    object: Option<&foundry_compilers::artifacts::BytecodeObject>,
) -> Result<Option<Vec<u8>>, BuildError> {
    match object {
        None => Ok(None),
        Some(object) => match object.as_bytes() {
            Some(bytes) if bytes.is_empty() => Ok(None),
            Some(bytes) => Ok(Some(bytes.to_vec())),
            None => Err(err(format!(
                "`{name}` has unlinked library references; link libraries into it (internal \
                 library functions only) so it deploys as one piece"
            ))),
        },
    }
}

fn hex_of(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// `TreasurySafeFactory` -> `TREASURY_SAFE_FACTORY`, `ITreasurySafe` -> `I_TREASURY_SAFE`.
fn screaming_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev = i.checked_sub(1).and_then(|j| chars.get(j));
        if i > 0
            && c.is_uppercase()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit()) || next_is_lower)
        {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn write(path: &Path, contents: &str) -> Result<(), BuildError> {
    fs::write(path, contents).map_err(|e| err(format!("cannot write {}: {e}", path.display())))
}

/// `sol!` cannot resolve structs declared in another contract (`struct ITreasurySafe.Call` in
/// `TreasurySafe`'s or the factory's ABI): drop the qualifier, so each binding declares the
/// structs it uses itself. Struct names are unique across the contracts, so nothing is merged
/// that differs.
fn unqualify_struct_types(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "internalType" {
                    if let serde_json::Value::String(s) = v
                        && let Some((_, bare)) =
                            s.strip_prefix("struct ").and_then(|rest| rest.split_once('.'))
                    {
                        *s = format!("struct {bare}");
                    }
                } else {
                    unqualify_struct_types(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unqualify_struct_types),
        _ => {}
    }
}
