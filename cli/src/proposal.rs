//! Proposals off chain: the EIP-712 hashes computed in Rust, independently of the contract, and
//! the proposal file owners pass around to collect signatures.
//!
//! # Hashing
//!
//! A proposal's id is the EIP-712 digest of
//! `Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)`
//! under the domain `{name: "TreasurySafe", version: "1", chainId, verifyingContract: safe}`
//! ([`domain`], [`hash_proposal`]). The contract computes the same in `_hashProposal`; a unit test
//! pins a vector taken from the deployed contract.
//!
//! # The proposal file (`tsafe.proposal/1`)
//!
//! ```json
//! {
//!   "schema": "tsafe.proposal/1",
//!   "chainId": 31337,
//!   "safe": "0x…",
//!   "epoch": 0,
//!   "salt": "0x…",
//!   "calls": [{ "target": "0x…", "value": "1500000000000000000", "data": "0x" }],
//!   "description": "optional, not hashed",
//!   "hashes": { "domainSeparator": "0x…", "messageHash": "0x…", "digest": "0x…" },
//!   "signatures": [{ "signer": "0x…", "signature": "0x…65 bytes…", "kind": "eip712" }]
//! }
//! ```
//!
//! [`ProposalFile::load`] refuses a file whose recorded hashes differ from the recomputed ones or
//! whose ECDSA signatures do not recover to their signers (or are high-s, or not 65 bytes with
//! v ∈ {27, 28}, exactly as the contract checks them). EIP-1271 signatures cannot be checked
//! offline; the contract checks them at `queue`. Saving is atomic: a temporary file in the same
//! directory, fsync, rename.

use crate::contracts::ITreasurySafe;
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};
use std::{
    borrow::Cow,
    fmt, fs,
    io::{self, Write as _},
    path::{Path, PathBuf},
};

/// The schema tag of proposal files this version reads and writes.
pub const SCHEMA: &str = "tsafe.proposal/1";

/// EIP-712 domain name of the safe.
pub const DOMAIN_NAME: &str = "TreasurySafe";

/// EIP-712 domain version of the safe.
pub const DOMAIN_VERSION: &str = "1";

/// The EIP-712 type string of a proposal; `keccak256` of it is the contract's `PROPOSAL_TYPEHASH`.
pub const PROPOSAL_TYPE: &str =
    "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)";

/// Half the secp256k1 group order: the largest `s` the contract accepts (low-s rule).
const SECP256K1_HALF_ORDER: U256 = U256::from_limbs([
    0xdfe9_2f46_681b_20a0,
    0x5d57_6e73_57a4_501d,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
]);

/// The EIP-712 structs, kept apart so they never clash with the contract bindings' `Call`.
pub mod typed {
    alloy::sol! {
        #[derive(Debug, serde::Serialize)]
        struct Call {
            address target;
            uint256 value;
            bytes data;
        }

        #[derive(Debug, serde::Serialize)]
        struct Proposal {
            Call[] calls;
            bytes32 salt;
            uint32 epoch;
        }
    }
}

/// The EIP-712 domain of the safe at `safe` on chain `chain_id`.
pub fn domain(chain_id: u64, safe: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(Cow::Borrowed(DOMAIN_NAME)),
        Some(Cow::Borrowed(DOMAIN_VERSION)),
        Some(U256::from(chain_id)),
        Some(safe),
        None,
    )
}

/// The three hashes a signer should see: what a hardware wallet shows for EIP-712.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hashes {
    /// The EIP-712 domain separator (`domainSeparator()` on the safe).
    pub domain_separator: B256,
    /// The EIP-712 struct hash of the proposal.
    pub message_hash: B256,
    /// The digest `keccak256(0x1901 ‖ domainSeparator ‖ messageHash)`: the proposal id.
    pub digest: B256,
}

/// Computes a proposal's hashes locally (the contract's `hashProposal` and `domainSeparator`).
pub fn hash_proposal(
    chain_id: u64,
    safe: Address,
    calls: &[ITreasurySafe::Call],
    salt: B256,
    epoch: u32,
) -> Hashes {
    let proposal = typed::Proposal {
        calls: calls
            .iter()
            .map(|c| typed::Call { target: c.target, value: c.value, data: c.data.clone() })
            .collect(),
        salt,
        epoch,
    };
    let domain = domain(chain_id, safe);
    Hashes {
        domain_separator: domain.separator(),
        message_hash: proposal.eip712_hash_struct(),
        digest: proposal.eip712_signing_hash(&domain),
    }
}

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

/// Why a proposal file could not be read, written, signed or merged.
#[derive(Debug, thiserror::Error)]
pub enum ProposalError {
    /// The file could not be read.
    #[error("cannot read proposal file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The file is not valid JSON of the expected shape.
    #[error("corrupted proposal file {}: {detail}; the file was not changed", path.display())]
    Corrupted {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The file has another schema tag.
    #[error(
        "proposal file {} has schema `{found}`, but this tsafe reads `{SCHEMA}`: use the tsafe version that wrote it",
        path.display()
    )]
    UnknownSchema {
        /// The file.
        path: PathBuf,
        /// The schema found.
        found: String,
    },
    /// Recorded hashes differ from the ones recomputed from the file's contents.
    #[error(
        "proposal file {} is tampered or corrupted: recorded {field} {recorded}, calls hash to {computed}; the file was not changed",
        path.display()
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// Which hash differs ("digest", "messageHash", "domainSeparator").
        field: &'static str,
        /// The value in the file.
        recorded: B256,
        /// The value recomputed from chain id, safe, calls, salt and epoch.
        computed: B256,
    },
    /// A signature does not verify for its signer.
    #[error("the signature of {signer} does not verify: {reason}")]
    BadSignature {
        /// The claimed signer.
        signer: Address,
        /// Why it fails.
        reason: String,
    },
    /// The file lists one signer twice.
    #[error(
        "proposal file {} lists signer {signer} twice: keep one entry per signer",
        path.display()
    )]
    DuplicateSigner {
        /// The file.
        path: PathBuf,
        /// The repeated signer.
        signer: Address,
    },
    /// A different EIP-1271 signature for a signer that already has one: it cannot be checked offline.
    #[error(
        "{signer} already has a different signature in the file, and the new EIP-1271 signature cannot be checked offline: the existing one was kept"
    )]
    ConflictingSignature {
        /// The signer.
        signer: Address,
    },
    /// A proposal needs at least one call.
    #[error("a proposal needs at least one call (the contract refuses an empty batch)")]
    EmptyBatch,
    /// Two files describe different proposals.
    #[error(
        "cannot merge proposals with different {what}: this file has {ours}, the other has {theirs}"
    )]
    Mismatch {
        /// What differs ("chain id", "safe", "digest").
        what: &'static str,
        /// Our value.
        ours: String,
        /// Their value.
        theirs: String,
    },
    /// The file is for another chain or safe than the one in use.
    #[error(
        "proposal is for chain {file_chain} / safe {file_safe}, but the node is chain {chain} / --safe is {safe}: use the matching --rpc-url and --safe, or the right file"
    )]
    WrongTarget {
        /// Chain id in the file.
        file_chain: u64,
        /// Safe in the file.
        file_safe: Address,
        /// Chain id of the node.
        chain: u64,
        /// Safe in use.
        safe: Address,
    },
    /// The target file exists and overwriting was not asked for.
    #[error("{} already exists: choose another path, or overwrite it on purpose (--force)", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The file could not be written.
    #[error("cannot write proposal file {}: {source}; any previous file there is unchanged", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
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

/// The proposal as standard EIP-712 typed data (`types`, `primaryType`, `domain`, `message`): the
/// JSON that `cast wallet sign --data --from-file`, hardware wallets and other EIP-712 tools take,
/// so a second tool shows and signs the same digest.
pub fn typed_data(chain_id: u64, safe: Address, message: &typed::Proposal) -> serde_json::Value {
    let data = alloy::dyn_abi::TypedData::from_struct(message, Some(domain(chain_id, safe)));
    let mut value = serde_json::to_value(&data).unwrap_or_default();
    // Amounts as decimal strings, as everywhere else in tsafe (EIP-712 tools accept both).
    if let Some(calls) = value.pointer_mut("/message/calls").and_then(|c| c.as_array_mut()) {
        for (call, source) in calls.iter_mut().zip(&message.calls) {
            call["value"] = serde_json::Value::String(source.value.to_string());
        }
    }
    value
}

/// Checks a 65-byte ECDSA signature of `digest` by `signer` as the contract does (OpenZeppelin
/// `ECDSA.tryRecover`): exactly 65 bytes `r ‖ s ‖ v`, `v` 27 or 28, `s` in the lower half of the
/// curve order, recovering to `signer`.
pub fn verify_ecdsa(digest: B256, signer: Address, signature: &[u8]) -> Result<(), ProposalError> {
    let bad = |reason: String| ProposalError::BadSignature { signer, reason };
    let Ok(raw) = <&[u8; 65]>::try_from(signature) else {
        return Err(bad(format!("{} bytes instead of 65 (r ‖ s ‖ v)", signature.len())));
    };
    let v = raw[64];
    if v != 27 && v != 28 {
        return Err(bad(format!("v is {v}, the contract accepts only 27 or 28")));
    }
    let sig = alloy::primitives::Signature::from_raw_array(raw)
        .map_err(|e| bad(format!("malformed ({e})")))?;
    if sig.s() > SECP256K1_HALF_ORDER {
        return Err(bad("high s (malleable form): the contract accepts only low-s signatures; re-sign, or normalise it with tsafe".to_owned()));
    }
    let recovered = sig
        .recover_address_from_prehash(&digest)
        .map_err(|e| bad(format!("cannot recover a signer ({e})")))?;
    if recovered != signer {
        return Err(bad(format!(
            "it was made by {recovered} (or over another digest than {digest})"
        )));
    }
    Ok(())
}

/// Encodes a signature the way the contract takes it: `r ‖ s ‖ v` with low `s` (a high-s
/// signature is flipped to its equivalent low-s form) and `v` 27 or 28.
pub fn encode_ecdsa(signature: &alloy::primitives::Signature) -> Bytes {
    let low = signature.normalized_s();
    Bytes::from(low.as_bytes().to_vec())
}

/// `keccak256` of [`PROPOSAL_TYPE`]: the contract's `PROPOSAL_TYPEHASH`.
pub fn proposal_typehash() -> B256 {
    keccak256(PROPOSAL_TYPE)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use alloy::{
        primitives::{address, b256, bytes},
        signers::{SignerSync as _, local::PrivateKeySigner},
    };

    const SAFE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    /// Anvil's well-known dev keys 1 and 2 (public test keys, never funded outside devnets).
    fn key(i: usize) -> PrivateKeySigner {
        [
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        ][i]
            .parse()
            .unwrap()
    }

    fn vector_calls() -> Vec<ITreasurySafe::Call> {
        vec![
            ITreasurySafe::Call {
                target: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                value: U256::from(1_500_000_000_000_000_000u128),
                data: Bytes::new(),
            },
            ITreasurySafe::Call {
                target: SAFE,
                value: U256::ZERO,
                // setDelay(172800)
                data: bytes!(
                    "0x10348665000000000000000000000000000000000000000000000000000000000002a300"
                ),
            },
            ITreasurySafe::Call {
                target: address!("0x1111111111111111111111111111111111111111"),
                value: U256::ZERO,
                // transfer(0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC, 250000000000)
                data: bytes!(
                    "0xa9059cbb0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc0000000000000000000000000000000000000000000000000000003a35294400"
                ),
            },
        ]
    }

    fn sample() -> ProposalFile {
        ProposalFile::new(
            31337,
            SAFE,
            3,
            B256::with_last_byte(42),
            vector_calls(),
            Some("test".into()),
        )
        .unwrap()
    }

    #[test]
    fn typed_data_json_hashes_to_the_digest() {
        let calls = vec![ITreasurySafe::Call {
            target: Address::repeat_byte(0x11),
            value: U256::from(1_500_000_000_000_000_000u128),
            data: Bytes::from(vec![0xab, 0xcd]),
        }];
        let safe = Address::repeat_byte(0x22);
        let hashes = hash_proposal(31337, safe, &calls, B256::repeat_byte(3), 7);
        let file = ProposalFile::new(31337, safe, 7, B256::repeat_byte(3), calls, None).unwrap();
        let json = file.typed_data();
        assert_eq!(json["primaryType"], "Proposal");
        assert_eq!(json["message"]["calls"][0]["value"], "1500000000000000000");
        let parsed: alloy::dyn_abi::TypedData = serde_json::from_value(json).unwrap();
        assert_eq!(parsed.eip712_signing_hash().unwrap(), hashes.digest);
    }

    #[test]
    fn type_string_matches_contract() {
        assert_eq!(typed::Proposal::eip712_encode_type(), PROPOSAL_TYPE);
        let p = typed::Proposal { calls: vec![], salt: B256::ZERO, epoch: 0 };
        assert_eq!(p.eip712_type_hash(), proposal_typehash());
        // PROPOSAL_TYPEHASH() read from the deployed TreasurySafe with cast (see below).
        assert_eq!(
            proposal_typehash(),
            b256!("0xaff26ee0d7b9e1f2ba77c01cde945d45affd160b03431c364e4084ed90b937fc")
        );
    }

    /// Vectors obtained from the real contract: anvil (chain 31337), `TreasurySafe` creation
    /// bytecode from cli/build.rs deployed by anvil's account 0 at nonce 0 (so at
    /// 0x5FbDB2315678afecb367f032d93F642f64180aa3), then
    /// `cast call $SAFE "hashProposal((address,uint256,bytes)[],bytes32,uint32)(bytes32)" \
    ///   "[(0x7099…79C8,1500000000000000000,0x),($SAFE,0,<setDelay(172800)>),(0x1111…1111,0,<transfer(0x3C44…93BC,250000000000)>)]" \
    ///   0x…2a 3`
    /// and `cast call $SAFE "domainSeparator()(bytes32)"`.
    #[test]
    fn digest_matches_contract_vector() {
        let h = hash_proposal(31337, SAFE, &vector_calls(), B256::with_last_byte(42), 3);
        assert_eq!(
            h.domain_separator,
            b256!("0xfde16f00734ebc67a0e2a0746fcdc1dea79c38cec4a7f0c48970c0c59de9c074")
        );
        assert_eq!(
            h.digest,
            b256!("0x7fa8ec1edaf62f6a7cdba1ff7373b119306e95f5b4faa1cad4d4d39bcbc660c2")
        );
        // Same contract: one call (0x7099…79C8, 1 wei, 0x), salt 0, epoch 0.
        let one = [ITreasurySafe::Call {
            target: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            value: U256::from(1),
            data: Bytes::new(),
        }];
        assert_eq!(
            hash_proposal(31337, SAFE, &one, B256::ZERO, 0).digest,
            b256!("0x9299b8d9db25bd1f433adbfa59335e7659521aa9838e045a52c71fc863658296")
        );
        // Every input is committed to.
        assert_ne!(
            hash_proposal(1, SAFE, &vector_calls(), B256::with_last_byte(42), 3).digest,
            h.digest
        );
        assert_ne!(
            hash_proposal(31337, SAFE, &vector_calls(), B256::with_last_byte(42), 4).digest,
            h.digest
        );
    }

    fn sign(file: &ProposalFile, i: usize) -> (Address, Bytes) {
        let k = key(i);
        let sig = k.sign_hash_sync(&file.id()).unwrap();
        (k.address(), encode_ecdsa(&sig))
    }

    fn tmpdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn json_round_trip_and_shape() {
        let mut f = sample();
        let (signer, sig) = sign(&f, 0);
        assert_eq!(
            f.add_signature(signer, sig, SignatureKind::Eip712).unwrap(),
            SignatureUpdate::Added
        );
        let json = f.to_json();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        // serde_json without preserve_order sorts keys; check membership, then the text order.
        assert_eq!(keys.len(), 9);
        let order = [
            "\"schema\"",
            "\"chainId\"",
            "\"safe\"",
            "\"epoch\"",
            "\"salt\"",
            "\"calls\"",
            "\"description\"",
            "\"hashes\"",
            "\"signatures\"",
        ];
        let positions: Vec<_> = order.iter().map(|k| json.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert_eq!(v["calls"][0]["value"], "1500000000000000000");
        assert_eq!(v["calls"][0]["data"], "0x");
        assert_eq!(v["safe"], "0x5FbDB2315678afecb367f032d93F642f64180aa3");
        assert_eq!(v["signatures"][0]["kind"], "eip712");
        assert_eq!(
            v["hashes"]["digest"],
            "0x7fa8ec1edaf62f6a7cdba1ff7373b119306e95f5b4faa1cad4d4d39bcbc660c2"
        );
        let back = ProposalFile::parse(&json, Path::new("p.json")).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn load_refuses_bad_files() {
        let p = Path::new("p.json");
        let good = sample().to_json();
        let e = ProposalFile::parse("{not json", p).unwrap_err();
        assert!(e.to_string().contains("corrupted proposal file p.json"), "{e}");
        assert!(e.to_string().contains("the file was not changed"), "{e}");
        let e = ProposalFile::parse(&good.replace(SCHEMA, "tsafe.proposal/9"), p).unwrap_err();
        assert!(matches!(e, ProposalError::UnknownSchema { .. }), "{e}");
        // Tamper with a call value.
        let e = ProposalFile::parse(&good.replace("1500000000000000000", "2500000000000000000"), p)
            .unwrap_err();
        assert!(matches!(e, ProposalError::Tampered { field: "digest", .. }), "{e}");
        assert!(e.to_string().contains("recorded digest 0x7fa8ec1e"), "{e}");
        // Tamper with the chain id.
        let e = ProposalFile::parse(&good.replace("31337", "31338"), p).unwrap_err();
        assert!(matches!(e, ProposalError::Tampered { .. }), "{e}");
        let e = ProposalFile::parse(&good.replace("\"salt\"", "\"sallt\""), p).unwrap_err();
        assert!(matches!(e, ProposalError::Corrupted { .. }), "{e}");
        let e = ProposalFile::load(Path::new("/nonexistent/p.json")).unwrap_err();
        assert!(matches!(e, ProposalError::Read { .. }), "{e}");
    }

    #[test]
    fn signatures_are_checked_like_the_contract() {
        let mut f = sample();
        let (signer, sig) = sign(&f, 0);
        let other = key(1).address();
        // Wrong signer.
        let e = f.add_signature(other, sig.clone(), SignatureKind::Eip712).unwrap_err();
        assert!(e.to_string().contains(&other.to_string()), "{e}");
        // Not 65 bytes.
        let e = f
            .add_signature(signer, Bytes::from(sig[..64].to_vec()), SignatureKind::Eip712)
            .unwrap_err();
        assert!(e.to_string().contains("64 bytes"), "{e}");
        // v = 0/1 is refused, as by the contract.
        let mut v01 = sig.to_vec();
        v01[64] -= 27;
        assert!(f.add_signature(signer, v01.into(), SignatureKind::Eip712).is_err());
        // High s: the malleable twin recovers to the same signer but is refused.
        let parsed = alloy::primitives::Signature::from_raw(&sig).unwrap();
        let n = U256::from_str_radix(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            16,
        )
        .unwrap();
        assert_eq!(n >> 1, SECP256K1_HALF_ORDER);
        let high = alloy::primitives::Signature::new(parsed.r(), n - parsed.s(), !parsed.v());
        let mut high_bytes = high.as_bytes().to_vec();
        high_bytes[64] = if high.v() { 28 } else { 27 };
        let e = f.add_signature(signer, high_bytes.into(), SignatureKind::Eip712).unwrap_err();
        assert!(e.to_string().contains("high s"), "{e}");
        // ... and encode_ecdsa normalises it back.
        assert_eq!(encode_ecdsa(&high), sig);

        assert_eq!(
            f.add_signature(signer, sig.clone(), SignatureKind::Eip712).unwrap(),
            SignatureUpdate::Added
        );
        assert_eq!(
            f.add_signature(signer, sig.clone(), SignatureKind::Eip712).unwrap(),
            SignatureUpdate::Unchanged
        );
        assert_eq!(f.signatures().len(), 1);
        // EIP-1271 for a contract owner: unchecked offline; a different one later is refused.
        let wallet = address!("0x0000000000000000000000000000000000001271");
        assert_eq!(
            f.add_signature(wallet, bytes!("0x01"), SignatureKind::Eip1271).unwrap(),
            SignatureUpdate::Added
        );
        let e = f.add_signature(wallet, bytes!("0x02"), SignatureKind::Eip1271).unwrap_err();
        assert!(matches!(e, ProposalError::ConflictingSignature { .. }));
        let sigs = f.signatures_for_contract();
        assert_eq!(sigs.len(), 2);
        assert!(sigs.windows(2).all(|w| w[0].signer < w[1].signer));

        // A file with a forged signature does not load.
        let mut json: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
        let i = f.signatures().iter().position(|s| s.signer == signer).unwrap();
        json["signatures"][i]["signer"] = serde_json::Value::String(other.to_string());
        let e = ProposalFile::parse(&json.to_string(), Path::new("p.json")).unwrap_err();
        assert!(matches!(e, ProposalError::BadSignature { signer: s, .. } if s == other), "{e}");
    }

    #[test]
    fn replaces_a_different_valid_signature() {
        let mut f = sample();
        let k = key(0);
        let (signer, sig) = sign(&f, 0);
        // A signature by the right key over another digest is different and does not verify.
        let other_file =
            ProposalFile::new(31337, SAFE, 4, B256::ZERO, vector_calls(), None).unwrap();
        let foreign = encode_ecdsa(&k.sign_hash_sync(&other_file.id()).unwrap());
        assert!(f.add_signature(signer, foreign, SignatureKind::Eip712).is_err());
        f.add_signature(signer, bytes!("0x01"), SignatureKind::Eip1271).unwrap();
        assert_eq!(
            f.add_signature(signer, sig, SignatureKind::Eip712).unwrap(),
            SignatureUpdate::Replaced
        );
        assert_eq!(f.signatures()[0].kind, SignatureKind::Eip712);
    }

    #[test]
    fn merge_unions_and_refuses_other_proposals() {
        let mut a = sample();
        let mut b = sample();
        let (s0, sig0) = sign(&a, 0);
        let (s1, sig1) = sign(&a, 1);
        a.add_signature(s0, sig0.clone(), SignatureKind::Eip712).unwrap();
        b.add_signature(s0, sig0, SignatureKind::Eip712).unwrap();
        b.add_signature(s1, sig1, SignatureKind::Eip712).unwrap();
        let report = a.merge(&b).unwrap();
        assert_eq!(report.added, vec![s1]);
        assert_eq!(report.unchanged, vec![s0]);
        assert_eq!(a.signatures().len(), 2);

        let c =
            ProposalFile::new(1, SAFE, 3, B256::with_last_byte(42), vector_calls(), None).unwrap();
        let e = a.merge(&c).unwrap_err();
        assert!(e.to_string().contains("this file has 31337, the other has 1"), "{e}");
        let d = ProposalFile::new(31337, SAFE, 3, B256::ZERO, vector_calls(), None).unwrap();
        let e = a.merge(&d).unwrap_err();
        assert!(matches!(e, ProposalError::Mismatch { what: "digest", .. }), "{e}");
        let other_safe = address!("0x0000000000000000000000000000000000000001");
        let g = ProposalFile::new(31337, other_safe, 3, B256::ZERO, vector_calls(), None).unwrap();
        assert!(a.merge(&g).unwrap_err().to_string().contains("different safe"));
    }

    #[test]
    fn check_target_names_both_sides() {
        let f = sample();
        assert!(f.check_target(31337, SAFE).is_ok());
        let other = address!("0x0000000000000000000000000000000000000001");
        let e = f.check_target(1, other).unwrap_err().to_string();
        assert!(
            e.contains(
                "proposal is for chain 31337 / safe 0x5FbDB2315678afecb367f032d93F642f64180aa3"
            ),
            "{e}"
        );
        assert!(
            e.contains(
                "but the node is chain 1 / --safe is 0x0000000000000000000000000000000000000001"
            ),
            "{e}"
        );
    }

    #[test]
    fn saves_atomically() {
        let dir = tmpdir();
        let path = dir.path().join("p.json");
        let f = sample();
        f.save_new(&path, false).unwrap();
        assert_eq!(ProposalFile::load(&path).unwrap(), f);
        let e = f.save_new(&path, false).unwrap_err();
        assert!(matches!(e, ProposalError::Exists { .. }), "{e}");
        let mut g = f.clone();
        g.set_description(Some("changed".into()));
        g.save_new(&path, true).unwrap();
        assert_eq!(ProposalFile::load(&path).unwrap().description(), Some("changed"));
        g.save_atomic(&path).unwrap();
        // No temporary file is left behind.
        let names: Vec<_> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("p.json")]);
        let e = f.save_atomic(&dir.path().join("missing/p.json")).unwrap_err();
        assert!(matches!(e, ProposalError::Write { .. }), "{e}");
    }

    #[test]
    fn empty_batch_is_refused() {
        assert!(matches!(
            ProposalFile::new(1, SAFE, 0, B256::ZERO, vec![], None),
            Err(ProposalError::EmptyBatch)
        ));
        let round = ProposalFile::new(1, SAFE, 0, B256::ZERO, vector_calls(), None).unwrap();
        assert_eq!(round.to_contract_calls().len(), 3);
        assert_eq!(round.to_contract_calls()[1].data, vector_calls()[1].data);
    }
}
