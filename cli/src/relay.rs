//! Relayable signatures of the recovery sweep: a guardian's evacuation (`tsafe.evacuation/1`)
//! and a recovery address's acceptance (`tsafe.acceptance/1`), as files anyone can send with
//! `--relay FILE`.
//!
//! ```json
//! {
//!   "schema": "tsafe.evacuation/1",
//!   "chainId": 31337, "safe": "0x…", "guardian": "0x…",
//!   "recovery": "0x…", "generation": 0,
//!   "extras": [{ "asset": "0x…", "spender": "0x0000000000000000000000000000000000000000" }],
//!   "nonce": "123…", "deadline": 1795457074,
//!   "hashes": { "domainSeparator": "0x…", "messageHash": "0x…", "digest": "0x…" },
//!   "signature": "0x…65 bytes…"
//! }
//! ```
//!
//! An acceptance file has `schema: "tsafe.acceptance/1"`, `chainId`, `safe`, `account`,
//! `deadline`, `hashes` and `signature`. Files are written atomically (temporary file in the same
//! directory, fsync, rename) and never replace an existing file; relaying reads them only.

use crate::{
    contracts::ITreasurySafe,
    exit::Failure,
    proposal::Hashes,
    sweep::{acceptance_hashes, evacuation_hashes, evacuation_message},
    units,
};
use alloy::primitives::{Address, Bytes, U256};
use eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};
use std::{
    fs,
    io::{self, Write as _},
    path::{Path, PathBuf},
};

/// Schema tag of evacuation files.
pub const EVACUATION_SCHEMA: &str = "tsafe.evacuation/1";
/// Schema tag of acceptance files.
pub const ACCEPTANCE_SCHEMA: &str = "tsafe.acceptance/1";

/// One extra of a sweep, as the file stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extra {
    /// The asset.
    pub asset: Address,
    /// Zero for a balance sweep; the spender for a revocation.
    pub spender: Address,
}

/// A guardian's signed evacuation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvacuationFile {
    /// [`EVACUATION_SCHEMA`].
    pub schema: String,
    /// The chain it is bound to.
    pub chain_id: u64,
    /// The safe.
    pub safe: Address,
    /// The signer.
    pub guardian: Address,
    /// The recovery address in force when signed (the signature commits to it).
    pub recovery: Address,
    /// The evacuation generation when signed (the signature commits to it).
    pub generation: u32,
    /// Extras: assets to sweep and allowances to revoke.
    pub extras: Vec<Extra>,
    /// The nonce, a decimal string.
    pub nonce: String,
    /// Last second it may be relayed (unix time).
    pub deadline: u64,
    /// Domain separator, message hash and digest.
    pub hashes: Hashes,
    /// 65 bytes r ‖ s ‖ v.
    pub signature: Bytes,
}

impl EvacuationFile {
    /// The extras as the contract takes them.
    pub fn contract_extras(&self) -> Vec<ITreasurySafe::EvacuationExtra> {
        self.extras
            .iter()
            .map(|e| ITreasurySafe::EvacuationExtra { asset: e.asset, spender: e.spender })
            .collect()
    }

    /// The nonce.
    pub fn nonce(&self) -> Result<U256> {
        self.nonce.parse::<U256>().map_err(|_| {
            Failure::bad_input(format!("the file's nonce {:?} is not a number", self.nonce))
                .fix("ask the guardian for the file again")
                .into()
        })
    }

    /// Recomputes the hashes from the content and checks them and the signature, as the
    /// contract will (a tampered file is refused before anything is sent).
    pub fn verify(&self, path: &Path) -> Result<()> {
        if self.schema != EVACUATION_SCHEMA {
            return Err(bad_file(
                path,
                format!("schema {:?}, expected {EVACUATION_SCHEMA:?}", self.schema),
            ));
        }
        let message = evacuation_message(
            self.recovery,
            self.generation,
            &self.contract_extras(),
            self.nonce()?,
            self.deadline,
        );
        let hashes = evacuation_hashes(self.chain_id, self.safe, &message);
        if hashes != self.hashes {
            return Err(bad_file(path, "its hashes do not match its content (edited?)".into()));
        }
        crate::proposal::verify_ecdsa(hashes.digest, self.guardian, &self.signature)
            .map_err(|e| bad_file(path, e.to_string()))
    }
}

/// A recovery address's signed acceptance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceptanceFile {
    /// [`ACCEPTANCE_SCHEMA`].
    pub schema: String,
    /// The chain it is bound to.
    pub chain_id: u64,
    /// The safe.
    pub safe: Address,
    /// The accepting address.
    pub account: Address,
    /// Last second it may be relayed (unix time).
    pub deadline: u64,
    /// Domain separator, message hash and digest.
    pub hashes: Hashes,
    /// 65 bytes r ‖ s ‖ v.
    pub signature: Bytes,
}

impl AcceptanceFile {
    /// Recomputes the hashes and checks the signature.
    pub fn verify(&self, path: &Path) -> Result<()> {
        if self.schema != ACCEPTANCE_SCHEMA {
            return Err(bad_file(
                path,
                format!("schema {:?}, expected {ACCEPTANCE_SCHEMA:?}", self.schema),
            ));
        }
        let hashes = acceptance_hashes(self.chain_id, self.safe, self.account, self.deadline);
        if hashes != self.hashes {
            return Err(bad_file(path, "its hashes do not match its content (edited?)".into()));
        }
        crate::proposal::verify_ecdsa(hashes.digest, self.account, &self.signature)
            .map_err(|e| bad_file(path, e.to_string()))
    }
}

fn bad_file(path: &Path, why: String) -> eyre::Report {
    Failure::bad_input(format!("{} is not a valid signature file: {why}", path.display()))
        .fix("ask the signer for the file again; tsafe never sends a file it cannot verify")
        .into()
}

/// Reads a signature file.
pub fn load<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = fs::read_to_string(path).map_err(|e| {
        Failure::bad_input(format!("cannot read {}: {e}", path.display()))
            .fix("check the path of the signature file")
    })?;
    serde_json::from_str(&text)
        .map_err(|e| bad_file(path, format!("not a tsafe signature file ({e})")))
}

/// Writes `value` as pretty JSON to `path` atomically (temporary file, fsync, rename); refuses to
/// replace an existing file.
pub fn save_new<T: Serialize>(value: &T, path: &Path) -> Result<()> {
    if path.exists() {
        return Err(Failure::bad_input(format!("{} already exists", path.display()))
            .fix("choose another -o path (tsafe never overwrites a signature file)")
            .into());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    let write = || -> io::Result<()> {
        let mut tmp =
            tempfile::Builder::new().prefix(".tsafe-signature-").suffix(".tmp").tempfile_in(dir)?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().wrap_err_with(|| format!("failed to write {}", path.display()))
}

/// Checks a file's chain and safe against the node and `--safe`.
pub fn check_target(
    path: &Path,
    file_chain: u64,
    file_safe: Address,
    chain: u64,
    safe: Address,
) -> Result<()> {
    if file_chain != chain || file_safe != safe {
        return Err(Failure::bad_input(format!(
            "{} is for safe {file_safe} on chain {file_chain}, but the node is chain {chain} and the safe {safe}",
            path.display()
        ))
        .fix("point --rpc-url/--network at the file's chain (and --safe at its safe, or leave --safe out)")
        .into());
    }
    Ok(())
}

/// The `-o` path of a new signature file, refused if it exists (a signature file is never
/// overwritten), and the `--deadline` window in seconds: not zero and, when `max` is given, at most
/// `max` (what the contract accepts).
pub fn new_signature(
    out: Option<&Path>,
    deadline: &str,
    max: Option<(u64, &str)>,
) -> Result<(PathBuf, u64)> {
    let path = out.map(Path::to_path_buf).unwrap_or_default();
    if path.exists() {
        return Err(Failure::bad_input(format!("{} already exists", path.display()))
            .fix("choose another -o path (tsafe never overwrites a signature file)")
            .into());
    }
    let hint = if max.is_some() { " (at most 30d)" } else { "" };
    let window = u64::from(units::parse_duration(deadline).map_err(|e| {
        Failure::bad_input(format!("--deadline {deadline}: {e}"))
            .fix(format!("write a duration such as 7d or 12h{hint}"))
    })?);
    if let Some((limit, why)) = max
        && window > limit
    {
        return Err(Failure::bad_input(format!(
            "--deadline {deadline} is {} away; {why}",
            units::format_duration(window)
        ))
        .fix("pass --deadline 30d or less, and sign again before it runs out")
        .into());
    }
    if window == 0 {
        return Err(Failure::bad_input("--deadline 0: the signature would expire at once")
            .fix("pass a duration such as 7d")
            .into());
    }
    Ok((path, window))
}

/// A random 256-bit nonce (the contract tracks used (guardian, nonce) pairs).
pub fn random_nonce() -> U256 {
    // 32 bytes from the operating system's CSPRNG, drawn through the signer library (the only
    // random source linked in); the throwaway scalar is used as a number, never as a key.
    let scalar = alloy::signers::local::PrivateKeySigner::random().to_bytes();
    U256::from_be_bytes(scalar.0)
}
