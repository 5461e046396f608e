//! Where the external tools `tsafe` drives live: resolved in one place, with errors that say how
//! to get them.

use eyre::{Result, eyre};
use std::{
    env,
    path::{Path, PathBuf},
};

/// The repository root this binary was built from (`cli/..`). Used only to find the pinned
/// toolchain in `node_modules/` for development runs; a relocated binary falls back to `PATH`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The `anvil` binary: `$ANVIL` if set, else the pinned one in
/// `<repo>/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil`, else `anvil` on `PATH`.
pub fn anvil_path() -> Result<PathBuf> {
    resolve_tool("anvil", "ANVIL", env::var_os("ANVIL").map(PathBuf::from))
}

fn resolve_tool(name: &str, env_var: &str, from_env: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = from_env.filter(|p| !p.as_os_str().is_empty()) {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(eyre!(
                "${env_var} points at {}, which is not a file; unset it or set it to the path of the {name} binary",
                path.display()
            ))
        };
    }
    let pinned = pinned_tool_path(name);
    if pinned.is_file() {
        return Ok(pinned);
    }
    if let Some(on_path) = find_on_path(name) {
        return Ok(on_path);
    }
    Err(eyre!(
        "cannot find {name}: it is not at {} and not on PATH. Run `make deps` (or `npm ci`) in the \
         repository root, or set {env_var}=/path/to/{name}",
        pinned.display()
    ))
}

/// Where `npm ci` puts a pinned Foundry tool.
pub fn pinned_tool_path(name: &str) -> PathBuf {
    repo_root()
        .join("node_modules/@foundry-rs")
        .join(format!("{name}-linux-amd64"))
        .join("bin")
        .join(name)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?).map(|dir| dir.join(name)).find(|p| p.is_file())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_must_exist() {
        let missing = PathBuf::from("/nonexistent/anvil");
        let err = resolve_tool("anvil", "ANVIL", Some(missing)).unwrap_err().to_string();
        assert!(err.contains("$ANVIL points at /nonexistent/anvil"), "{err}");
    }

    #[test]
    fn explicit_path_wins() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let path = resolve_tool("anvil", "ANVIL", Some(file.path().to_path_buf())).unwrap();
        assert_eq!(path, file.path());
    }

    #[test]
    fn missing_tool_names_the_fix() {
        let err = resolve_tool("no-such-tool-xyz", "NO_SUCH_TOOL", None).unwrap_err().to_string();
        assert!(err.contains("make deps") && err.contains("NO_SUCH_TOOL="), "{err}");
    }
}
