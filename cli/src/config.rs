//! The config file: named networks and named safes.
//!
//! ```toml
//! default_network = "devnet"
//!
//! [networks.devnet]
//! rpc_url = "http://127.0.0.1:8545"
//! chain_id = 31337
//!
//! [safes.treasury]
//! address = "0x…"
//! network = "devnet"
//! ```
//!
//! Written atomically (temp file + rename) so an interrupted save never loses the file.

use crate::exit::Failure;
use alloy::primitives::Address;
use eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
};

/// The devnet every command falls back to when nothing else names a node.
pub const DEVNET_RPC_URL: &str = "http://127.0.0.1:8545";

/// A named network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// RPC URL of a node on this network.
    pub rpc_url: String,
    /// The chain id the node must report (checked before signing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
}

/// A named safe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeEntry {
    /// The safe's address.
    pub address: Address,
    /// The network it lives on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// The chain id it lives on (checked against the node before anything is signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The block it was deployed in: every log query starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_block: Option<u64>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Network used when no `--rpc-url`/`--network` is given and the safe names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_network: Option<String>,
    /// Named networks.
    #[serde(default)]
    pub networks: BTreeMap<String, Network>,
    /// Named safes.
    #[serde(default)]
    pub safes: BTreeMap<String, SafeEntry>,
}

impl Config {
    /// The default location: `$XDG_CONFIG_HOME/tsafe/config.toml` (usually `~/.config/tsafe`).
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("tsafe").join("config.toml"))
    }

    /// Loads the file; a missing file is an empty config, a malformed one an error naming it.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(e)
                    .wrap_err_with(|| format!("failed to read config {}", path.display()));
            }
        };
        toml::from_str(&text).map_err(|e| {
            Failure::bad_input(format!("config file {} is not valid: {e}", path.display()))
                .fix("fix the TOML by hand, or move the file away to start afresh")
                .into()
        })
    }

    /// Saves the file atomically, creating its folder.
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).wrap_err_with(|| format!("failed to create {}", dir.display()))?;
        let fresh = toml::to_string_pretty(self).wrap_err("failed to encode the config")?;
        // Merged into the file as it is, so the user's comments and layout survive.
        let text = match fs::read_to_string(path) {
            Ok(old) => merge_keeping_comments(&old, &fresh).unwrap_or(fresh),
            Err(_) => fresh,
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .wrap_err_with(|| format!("failed to write in {}", dir.display()))?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).wrap_err_with(|| format!("failed to save {}", path.display()))?;
        Ok(())
    }
}

/// `old` (the file as the user left it) updated to the content of `fresh`: tables present in both
/// are updated in place (their comments kept), keys and tables missing from `fresh` removed.
/// `None` if `old` does not parse (then the file is written afresh).
fn merge_keeping_comments(old: &str, fresh: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = old.parse().ok()?;
    let new: toml_edit::DocumentMut = fresh.parse().ok()?;
    merge_table(doc.as_table_mut(), new.as_table());
    Some(doc.to_string())
}

fn merge_table(old: &mut toml_edit::Table, new: &toml_edit::Table) {
    let stale: Vec<String> =
        old.iter().map(|(k, _)| k.to_owned()).filter(|k| !new.contains_key(k)).collect();
    for key in stale {
        old.remove(&key);
    }
    for (key, item) in new {
        match (old.get_mut(key).and_then(|i| i.as_table_mut()), item.as_table()) {
            (Some(old_table), Some(new_table)) => merge_table(old_table, new_table),
            _ => match old.get_mut(key) {
                // Replaced in place: the key, and the comments before it, stay.
                Some(slot) => {
                    let decor = slot.as_value().map(|v| v.decor().clone());
                    *slot = item.clone();
                    if let (Some(decor), Some(value)) = (decor, slot.as_value_mut()) {
                        *value.decor_mut() = decor;
                    }
                }
                None => {
                    old.insert(key, item.clone());
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_and_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("config.toml");
        assert_eq!(Config::load(&path).unwrap(), Config::default());
        let mut config = Config { default_network: Some("devnet".into()), ..Config::default() };
        config.networks.insert(
            "devnet".into(),
            Network { rpc_url: DEVNET_RPC_URL.into(), chain_id: Some(31337) },
        );
        config.safes.insert(
            "treasury".into(),
            SafeEntry {
                address: Address::repeat_byte(7),
                network: None,
                chain_id: Some(1),
                deployed_block: Some(5),
            },
        );
        config.save(&path).unwrap();
        assert_eq!(Config::load(&path).unwrap(), config);
    }

    #[test]
    fn saving_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "# my networks\ndefault_network = \"main\" # the usual one\n\n# mainnet, key in env\n[networks.main]\nrpc_url = \"https://node/${KEY}\"\n";
        std::fs::write(&path, text).unwrap();
        let mut config = Config::load(&path).unwrap();
        config.safes.insert(
            "t".into(),
            SafeEntry {
                address: Address::ZERO,
                network: None,
                chain_id: None,
                deployed_block: None,
            },
        );
        config.save(&path).unwrap();
        let saved = std::fs::read_to_string(&path).unwrap();
        for kept in ["# my networks", "# the usual one", "# mainnet, key in env", "[safes.t]"] {
            assert!(saved.contains(kept), "{kept:?} in:\n{saved}");
        }
        assert_eq!(Config::load(&path).unwrap(), config);
    }

    #[test]
    fn malformed_file_is_bad_input_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, "networks = 3").unwrap();
        let err = Config::load(&path).unwrap_err();
        assert_eq!(crate::exit::kind_of(&err), crate::exit::ExitKind::BadInput);
        assert_eq!(fs::read_to_string(&path).unwrap(), "networks = 3");
    }
}
