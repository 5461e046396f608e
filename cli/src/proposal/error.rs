//! Why a proposal file could not be read, written, signed or merged.

use super::SCHEMA;
use alloy::primitives::{Address, B256};
use std::{io, path::PathBuf};

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
