//! The CLI's layers, kept: imports run one way (down), commands never import commands, and no
//! source file grows past 600 lines. Reads `cli/src/**/*.rs` as text (`crate::x` paths, the
//! names inside `use crate::{…}` groups, and `super::x` in `cmd/`), outside comments and
//! `#[cfg(test)]` code.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

/// The layer of each top-level module (lib.rs's doc draws the same table). A module imports only
/// its own layer or lower ones.
const LAYERS: &[(&str, u8)] = &[
    // L0 pure: generated bindings, units, the typed proposal state, revert decoding, proposal
    // files, call decoding, salts, and the flag groups (plain clap data: what the user typed).
    ("contracts", 0),
    ("opts", 0),
    ("units", 0),
    ("state", 0),
    ("revert", 0),
    ("proposal", 0),
    ("decode", 0),
    ("salt", 0),
    // L1 errors and output.
    ("exit", 1),
    ("output", 1),
    // L2 adapters: the node, the config file, signers, transactions, the toolchain, and what
    // reads the node to explain or simulate.
    ("chain", 2),
    ("config", 2),
    ("wallet", 2),
    ("tx", 2),
    ("toolchain", 2),
    ("factory", 2),
    ("explain", 2),
    ("simulate", 2),
    // L3 resolution of flags, env and config.
    ("context", 3),
    // L4 workflows.
    ("flow", 4),
    ("sweep", 4),
    ("relay", 4),
    ("watch", 4),
    ("devnet", 4),
    // L5 commands.
    ("cmd", 5),
];

/// Files still over [`MAX_LINES`], with the reason. Shrinks: an entry whose file is gone or back
/// under the limit fails the test until it is removed.
const TOO_LONG: &[(&str, &str)] = &[];

/// Imports that still run up or round, with the reason; removed as they are fixed (a stale entry
/// fails the test).
const ALLOWED: &[(&str, &str, &str)] = &[];

/// The longest a source file may be.
const MAX_LINES: usize = 600;

/// The text of every `.rs` file under `dir`, by path relative to it (`/`-separated).
fn sources(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// The top-level module a file belongs to (`flow/report.rs` → `flow`); `None` for the crate
/// roots.
fn module_of(path: &str) -> Option<&str> {
    let first = path.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then_some(name)
}

/// The code of a file without comments and without its `#[cfg(test)]` part (tests may reach
/// anywhere).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// Every top-level crate module `code` names: `crate::x…`, and each name in `use crate::{x, y::…}`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut name = String::new();
            let mut expecting = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => expecting = true,
                    c if depth == 1 && expecting && (c.is_alphanumeric() || c == '_') => {
                        name.push(c);
                    }
                    _ if depth == 1 && expecting && !name.is_empty() => {
                        refs.insert(std::mem::take(&mut name));
                        expecting = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                refs.insert(name);
            }
        } else {
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                refs.insert(name);
            }
        }
    }
    refs
}

/// What `super::x` names in `code` (a command file's sibling commands).
fn super_refs(code: &str) -> BTreeSet<String> {
    code.match_indices("super::")
        .map(|(at, _)| {
            code[at + "super::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Every broken rule in `files` (relative path → text), one line each.
fn violations(files: &BTreeMap<String, String>) -> Vec<String> {
    let layer = |m: &str| LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l);
    let allowed = |from: &str, to: &str| ALLOWED.iter().any(|(f, t, _)| *f == from && *t == to);
    let mut out = Vec::new();
    let mut edges: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, text) in files {
        let lines = text.lines().count();
        let long_ok = TOO_LONG.iter().any(|(p, _)| p == path);
        if lines > MAX_LINES && !long_ok {
            out.push(format!("{path}: {lines} lines (over {MAX_LINES}): split it along its seams"));
        }
        let Some(module) = module_of(path) else { continue };
        let Some(own) = layer(module) else {
            out.push(format!("{path}: module {module} has no layer in LAYERS"));
            continue;
        };
        let code = code(text);
        let is_command = module == "cmd" && path != "cmd/mod.rs";
        for name in crate_refs(&code) {
            if name == module {
                continue;
            }
            if module != "cmd" && name == "cmd" && !allowed(module, "cmd") {
                out.push(format!("{path}: a library module imports crate::cmd"));
                continue;
            }
            let Some(theirs) = layer(&name) else { continue };
            edges.insert((module.to_owned(), name.clone()));
            if theirs > own && !allowed(module, &name) {
                out.push(format!(
                    "{path}: {module} (layer {own}) imports {name} (layer {theirs}), a higher layer"
                ));
            }
        }
        if is_command {
            for name in crate_refs(&code).into_iter().filter(|n| n == "cmd") {
                out.push(format!("{path}: a command imports crate::{name}:: (another command)"));
            }
            let own_name = path.trim_start_matches("cmd/").trim_end_matches(".rs");
            for name in super_refs(&code) {
                if name != own_name && files.contains_key(&format!("cmd/{name}.rs")) {
                    out.push(format!("{path}: command {own_name} imports command {name}"));
                }
            }
        }
    }
    for (from, to) in &edges {
        if edges.contains(&(to.clone(), from.clone())) && !allowed(from, to) {
            out.push(format!("cycle: {from} imports {to} and {to} imports {from}"));
        }
    }
    out
}

/// Entries of the allow-lists that no longer apply (so the lists only shrink).
fn stale_entries(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, why) in TOO_LONG {
        match files.get(*path) {
            Some(text) if text.lines().count() > MAX_LINES => {}
            _ => out.push(format!(
                "TOO_LONG lists {path} ({why}), which is gone or short now: remove it"
            )),
        }
    }
    let layer = |m: &str| LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l);
    let imports = |from: &str, to: &str| {
        files.iter().any(|(path, text)| {
            module_of(path) == Some(from) && crate_refs(&code(text)).contains(to)
        })
    };
    for (from, to, why) in ALLOWED {
        // Needed only while the import exists and breaks a rule: it runs up, reaches a command,
        // or closes a cycle.
        let breaks = *to == "cmd" || layer(to) > layer(from) || imports(to, from);
        if !imports(from, to) || !breaks {
            out.push(format!(
                "ALLOWED lists {from} → {to} ({why}), which is gone or breaks no rule: remove it"
            ));
        }
    }
    out
}

fn tree() -> BTreeMap<String, String> {
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn layers_hold_and_commands_do_not_import_commands() {
    let found = violations(&tree());
    assert!(found.is_empty(), "layer violations:\n  {}", found.join("\n  "));
}

#[test]
fn allow_lists_only_shrink() {
    let stale = stale_entries(&tree());
    assert!(stale.is_empty(), "stale allow-list entries:\n  {}", stale.join("\n  "));
}

#[test]
fn planted_violations_are_caught() {
    let mut files = tree();
    let plant = |files: &mut BTreeMap<String, String>, path: &str, line: &str| {
        let text = files.get(path).cloned().unwrap_or_default();
        files.insert(path.to_owned(), format!("{line}\n{text}"));
    };
    plant(&mut files, "cmd/queue.rs", "use super::propose::CallSpec;");
    plant(&mut files, "cmd/show.rs", "fn f() { crate::cmd::status::chain_now; }");
    plant(&mut files, "chain.rs", "use crate::{\n    exit::Failure,\n    flow::Loaded,\n};");
    plant(&mut files, "state.rs", "use crate::cmd::Command;");
    plant(&mut files, "salt.rs", &"// filler\n".repeat(MAX_LINES));
    plant(&mut files, "output.rs", "use crate::tx::Mined;");
    plant(&mut files, "tx.rs", "use crate::output::Out;");
    plant(&mut files, "units.rs", "use crate::salt::parse_salt;");
    plant(&mut files, "salt.rs", "use crate::units::NATIVE_ASSET;");
    let found = violations(&files).join("\n");
    for expected in [
        "cmd/queue.rs: command queue imports command propose",
        "cmd/show.rs: a command imports crate::cmd:: (another command)",
        "chain.rs: chain (layer 2) imports flow (layer 4), a higher layer",
        "state.rs: a library module imports crate::cmd",
        "salt.rs: 6",
        "output.rs: output (layer 1) imports tx (layer 2)",
        "cycle: salt imports units and units imports salt",
    ] {
        assert!(found.contains(expected), "not caught: {expected}\nfound:\n{found}");
    }
    // Comments and tests are not imports.
    let mut clean = BTreeMap::new();
    clean.insert(
        "state.rs".to_owned(),
        "// crate::cmd::status\n#[cfg(test)]\nmod t { use crate::cmd::Command; }".to_owned(),
    );
    assert!(violations(&clean).is_empty(), "{:?}", violations(&clean));
}
