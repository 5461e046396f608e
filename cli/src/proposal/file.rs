//! The proposal file (`tsafe.proposal/1`): load, check, sign, merge, save atomically.

use super::{Hashes, ProposalError, hash_proposal, typed, typed_data, verify_ecdsa};
use crate::contracts::ITreasurySafe;
use alloy::primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};
use std::{
    fmt, fs,
    io::{self, Write as _},
    path::Path,
};

/// The schema tag of proposal files this version reads and writes.
pub const SCHEMA: &str = "tsafe.proposal/1";

/// How an owner's off-chain approval is to be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignatureKind {
    /// A 65-byte ECDSA signature (r ‖ s ‖ v, low s, v ∈ {27, 28}) of the digest by an EOA.
    #[serde(rename = "eip712")]
    Eip712,
    /// Bytes for a contract owner's EIP-1271 `isValidSignature(digest, bytes)`; checked on chain.
    #[serde(rename = "eip1271")]
    Eip1271,
}

impl fmt::Display for SignatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Eip712 => "eip712",
            Self::Eip1271 => "eip1271",
        })
    }
}

/// One call of the batch, as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallEntry {
    /// The called address.
    #[serde(with = "checksummed")]
    pub target: Address,
    /// Wei sent with the call (a decimal string in the file).
    #[serde(with = "decimal")]
    pub value: U256,
    /// Calldata (`0x` hex in the file).
    pub data: Bytes,
}

impl From<&ITreasurySafe::Call> for CallEntry {
    fn from(c: &ITreasurySafe::Call) -> Self {
        Self { target: c.target, value: c.value, data: c.data.clone() }
    }
}

impl From<&CallEntry> for ITreasurySafe::Call {
    fn from(c: &CallEntry) -> Self {
        Self { target: c.target, value: c.value, data: c.data.clone() }
    }
}

/// One owner's off-chain approval, as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignatureEntry {
    /// The owner that signed.
    #[serde(with = "checksummed")]
    pub signer: Address,
    /// The signature bytes (`0x` hex).
    pub signature: Bytes,
    /// How to check it.
    pub kind: SignatureKind,
}

/// What [`ProposalFile::add_signature`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SignatureUpdate {
    /// The signer had no signature; it was added.
    Added,
    /// The same signature was already there; nothing changed.
    Unchanged,
    /// The signer had a different signature; the new one verifies and replaced it.
    Replaced,
}

/// What [`ProposalFile::merge`] did, per signer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    /// Signers whose signature was new.
    pub added: Vec<Address>,
    /// Signers whose signature was replaced by a different, valid one.
    pub replaced: Vec<Address>,
    /// Signers whose identical signature was already there.
    pub unchanged: Vec<Address>,
    /// Signers with a different EIP-1271 signature in the other file that cannot be checked
    /// offline: ours was kept.
    pub kept: Vec<Address>,
}

/// A proposal with its hashes and the signatures collected so far. Fields are private so the
/// recorded hashes always match the calls; read them with the accessors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProposalFile {
    schema: String,
    chain_id: u64,
    #[serde(with = "checksummed")]
    safe: Address,
    epoch: u32,
    salt: B256,
    calls: Vec<CallEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// The `--call` signatures the proposer wrote ("approve(address,uint256)"): unsigned
    /// metadata that decodes calls the CLI does not know for co-signers; each must match the
    /// selector of a call's data, or the file is refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    functions: Vec<String>,
    hashes: Hashes,
    #[serde(default)]
    signatures: Vec<SignatureEntry>,
}

impl ProposalFile {
    /// A new proposal with no signatures; computes its hashes.
    pub fn new(
        chain_id: u64,
        safe: Address,
        epoch: u32,
        salt: B256,
        calls: Vec<ITreasurySafe::Call>,
        description: Option<String>,
    ) -> Result<Self, ProposalError> {
        if calls.is_empty() {
            return Err(ProposalError::EmptyBatch);
        }
        let hashes = hash_proposal(chain_id, safe, &calls, salt, epoch);
        Ok(Self {
            schema: SCHEMA.to_owned(),
            chain_id,
            safe,
            epoch,
            salt,
            calls: calls.iter().map(CallEntry::from).collect(),
            description,
            functions: Vec::new(),
            hashes,
            signatures: Vec::new(),
        })
    }

    /// Reads and checks a proposal file: JSON shape, schema, hashes recomputed locally, and every
    /// ECDSA signature (see the [module docs](self)).
    pub fn load(path: &Path) -> Result<Self, ProposalError> {
        let text = fs::read_to_string(path)
            .map_err(|source| ProposalError::Read { path: path.to_owned(), source })?;
        Self::parse(&text, path)
    }

    /// Parses and checks a proposal from JSON text; `path` only names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ProposalError> {
        let corrupted = |detail: String| ProposalError::Corrupted { path: path.to_owned(), detail };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| corrupted(format!("not JSON ({e})")))?;
        match value.get("schema") {
            Some(serde_json::Value::String(s)) if s == SCHEMA => {}
            Some(serde_json::Value::String(s)) => {
                return Err(ProposalError::UnknownSchema {
                    path: path.to_owned(),
                    found: s.clone(),
                });
            }
            _ => return Err(corrupted("no \"schema\" string".to_owned())),
        }
        let file: Self = serde_json::from_value(value).map_err(|e| corrupted(e.to_string()))?;
        if file.calls.is_empty() {
            return Err(corrupted("\"calls\" is empty".to_owned()));
        }
        file.verify(path)?;
        Ok(file)
    }

    /// Checks the recorded hashes against recomputed ones, signers are unique, and every ECDSA
    /// signature verifies. `path` only names the file in errors.
    pub fn verify(&self, path: &Path) -> Result<(), ProposalError> {
        let computed = self.compute_hashes();
        let recorded = self.hashes;
        for (field, r, c) in [
            ("digest", recorded.digest, computed.digest),
            ("messageHash", recorded.message_hash, computed.message_hash),
            ("domainSeparator", recorded.domain_separator, computed.domain_separator),
        ] {
            if r != c {
                return Err(ProposalError::Tampered {
                    path: path.to_owned(),
                    field,
                    recorded: r,
                    computed: c,
                });
            }
        }
        for text in &self.functions {
            self.check_function(text)
                .map_err(|detail| ProposalError::Corrupted { path: path.to_owned(), detail })?;
        }
        for (i, s) in self.signatures.iter().enumerate() {
            if self.signatures[..i].iter().any(|t| t.signer == s.signer) {
                return Err(ProposalError::DuplicateSigner {
                    path: path.to_owned(),
                    signer: s.signer,
                });
            }
            if s.kind == SignatureKind::Eip712 {
                verify_ecdsa(self.hashes.digest, s.signer, &s.signature)?;
            }
        }
        Ok(())
    }

    fn compute_hashes(&self) -> Hashes {
        hash_proposal(self.chain_id, self.safe, &self.to_contract_calls(), self.salt, self.epoch)
    }

    /// The file as pretty JSON with a trailing newline (field order is fixed).
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the file atomically, replacing any file at `path`: a temporary file in the same
    /// directory, fsync, rename. A crash leaves either the old file or the new one, never half.
    pub fn save_atomic(&self, path: &Path) -> Result<(), ProposalError> {
        self.write(path, true)
    }

    /// Writes the file atomically like [`save_atomic`](Self::save_atomic), but refuses to
    /// replace an existing file unless `overwrite` is set ([`ProposalError::Exists`]).
    pub fn save_new(&self, path: &Path, overwrite: bool) -> Result<(), ProposalError> {
        self.write(path, overwrite)
    }

    fn write(&self, path: &Path, overwrite: bool) -> Result<(), ProposalError> {
        let write_err = |source: io::Error| ProposalError::Write { path: path.to_owned(), source };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !overwrite && path.exists() {
            return Err(ProposalError::Exists { path: path.to_owned() });
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(".tsafe-proposal-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(write_err)?;
        tmp.write_all(self.to_json().as_bytes()).map_err(write_err)?;
        #[cfg(unix)]
        {
            // A proposal holds no secret: readable like any file the user writes.
            use std::os::unix::fs::PermissionsExt as _;
            tmp.as_file().set_permissions(fs::Permissions::from_mode(0o644)).map_err(write_err)?;
        }
        tmp.as_file().sync_all().map_err(write_err)?;
        if overwrite {
            tmp.persist(path).map_err(|e| write_err(e.error))?;
        } else {
            tmp.persist_noclobber(path).map_err(|e| {
                if e.error.kind() == io::ErrorKind::AlreadyExists {
                    ProposalError::Exists { path: path.to_owned() }
                } else {
                    write_err(e.error)
                }
            })?;
        }
        // Make the rename itself durable; not every platform can open a directory, so best effort.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Adds `signer`'s approval. An ECDSA (`eip712`) signature must verify; an EIP-1271 one is
    /// checked by the contract at `queue`. One signature per signer: the same one again is a
    /// no-op; a different one replaces it only if it verifies (so never for EIP-1271).
    pub fn add_signature(
        &mut self,
        signer: Address,
        signature: Bytes,
        kind: SignatureKind,
    ) -> Result<SignatureUpdate, ProposalError> {
        if kind == SignatureKind::Eip712 {
            verify_ecdsa(self.hashes.digest, signer, &signature)?;
        }
        let entry = SignatureEntry { signer, signature, kind };
        match self.signatures.iter_mut().find(|s| s.signer == signer) {
            None => {
                self.signatures.push(entry);
                self.signatures.sort_by_key(|s| s.signer);
                Ok(SignatureUpdate::Added)
            }
            Some(existing) if *existing == entry => Ok(SignatureUpdate::Unchanged),
            Some(existing) => {
                if kind == SignatureKind::Eip1271 {
                    return Err(ProposalError::ConflictingSignature { signer });
                }
                *existing = entry;
                Ok(SignatureUpdate::Replaced)
            }
        }
    }

    /// Removes `signer`'s signature (a signer who changed their mind, or a stranger's signature
    /// that would make the safe refuse the whole `queue`). Returns whether there was one.
    pub fn remove_signature(&mut self, signer: Address) -> bool {
        let before = self.signatures.len();
        self.signatures.retain(|s| s.signer != signer);
        self.signatures.len() != before
    }

    /// Adds every signature of `other`, a file for the same proposal (same chain, safe and
    /// digest). All or nothing: on error this file is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<MergeReport, ProposalError> {
        let mismatch =
            |what, ours: String, theirs: String| ProposalError::Mismatch { what, ours, theirs };
        if self.chain_id != other.chain_id {
            return Err(mismatch(
                "chain id",
                self.chain_id.to_string(),
                other.chain_id.to_string(),
            ));
        }
        if self.safe != other.safe {
            return Err(mismatch("safe", self.safe.to_string(), other.safe.to_string()));
        }
        if self.hashes.digest != other.hashes.digest {
            return Err(mismatch(
                "digest",
                self.hashes.digest.to_string(),
                other.hashes.digest.to_string(),
            ));
        }
        let mut merged = self.clone();
        let mut report = MergeReport::default();
        for s in &other.signatures {
            match merged.add_signature(s.signer, s.signature.clone(), s.kind) {
                Ok(SignatureUpdate::Added) => report.added.push(s.signer),
                Ok(SignatureUpdate::Replaced) => report.replaced.push(s.signer),
                Ok(SignatureUpdate::Unchanged) => report.unchanged.push(s.signer),
                Err(ProposalError::ConflictingSignature { signer }) => report.kept.push(signer),
                Err(e) => return Err(e),
            }
        }
        if merged.description.is_none() {
            merged.description.clone_from(&other.description);
        }
        *self = merged;
        Ok(report)
    }

    /// Refuses a file for another chain or safe than the node's chain and the `--safe` in use.
    pub fn check_target(&self, chain_id: u64, safe: Address) -> Result<(), ProposalError> {
        if self.chain_id == chain_id && self.safe == safe {
            return Ok(());
        }
        Err(ProposalError::WrongTarget {
            file_chain: self.chain_id,
            file_safe: self.safe,
            chain: chain_id,
            safe,
        })
    }

    /// The calls as the contract bindings take them (`propose`, `queue`, `execute`, `hashProposal`).
    pub fn to_contract_calls(&self) -> Vec<ITreasurySafe::Call> {
        self.calls.iter().map(ITreasurySafe::Call::from).collect()
    }

    /// The signatures as `queue` takes them, sorted by signer.
    pub fn signatures_for_contract(&self) -> Vec<ITreasurySafe::Signature> {
        self.signatures
            .iter()
            .map(|s| ITreasurySafe::Signature { signer: s.signer, data: s.signature.clone() })
            .collect()
    }

    /// The proposal id (EIP-712 digest).
    pub fn id(&self) -> B256 {
        self.hashes.digest
    }

    /// The chain id the proposal is for.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The safe the proposal is for.
    pub fn safe(&self) -> Address {
        self.safe
    }

    /// The configuration epoch the proposal is approved under.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The salt.
    pub fn salt(&self) -> B256 {
        self.salt
    }

    /// The batch.
    pub fn calls(&self) -> &[CallEntry] {
        &self.calls
    }

    /// The free-text description (not hashed, not signed).
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Sets the free-text description (not hashed, not signed).
    pub fn set_description(&mut self, description: Option<String>) {
        self.description = description;
    }

    /// The `--call` signatures recorded for co-signers (unsigned; each matches a call's selector).
    pub fn functions(&self) -> &[String] {
        &self.functions
    }

    /// Records a `--call` signature for co-signers, refused unless its selector starts the data
    /// of one of the calls (unsigned metadata must not be able to mislabel a call).
    pub fn add_function(&mut self, text: &str) -> Result<(), String> {
        let normalised = self.check_function(text)?;
        if !self.functions.contains(&normalised) {
            self.functions.push(normalised);
        }
        Ok(())
    }

    /// The signature in canonical form if its selector matches a call's data.
    fn check_function(&self, text: &str) -> Result<String, String> {
        let function = alloy::json_abi::Function::parse(text)
            .map_err(|e| format!("function text {text:?} is not a signature ({e})"))?;
        let selector = function.selector();
        if !self.calls.iter().any(|c| c.data.len() >= 4 && c.data[..4] == selector[..]) {
            return Err(format!(
                "function text {text:?} (selector {selector}) matches no call's data: refused, unsigned metadata must describe the calls"
            ));
        }
        Ok(function.signature())
    }

    /// The domain separator, message hash and digest.
    pub fn hashes(&self) -> Hashes {
        self.hashes
    }

    /// The signatures collected so far, sorted by signer.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// The proposal as standard EIP-712 JSON ([`typed_data`]).
    pub fn typed_data(&self) -> serde_json::Value {
        typed_data(self.chain_id, self.safe, &self.typed())
    }

    /// The EIP-712 message, for signers that take typed data (a Ledger shows its hashes).
    pub fn typed(&self) -> typed::Proposal {
        typed::Proposal {
            calls: self
                .calls
                .iter()
                .map(|c| typed::Call { target: c.target, value: c.value, data: c.data.clone() })
                .collect(),
            salt: self.salt,
            epoch: self.epoch,
        }
    }
}

/// Addresses as EIP-55 checksummed strings; lower case or a valid checksum on input.
mod checksummed {
    use alloy::primitives::Address;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(a: &Address, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_checksum(None))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
        let text = String::deserialize(d)?;
        crate::units::parse_address(&text).map_err(D::Error::custom)
    }
}

/// `U256` as a decimal string.
mod decimal {
    use alloy::primitives::U256;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(D::Error::custom(format!("value `{text}` is not a decimal string of wei")));
        }
        U256::from_str_radix(&text, 10)
            .map_err(|e| D::Error::custom(format!("value `{text}`: {e}")))
    }
}
