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
//!
//! Modules: `eip712` (domain, hashes, signature checks), `file` (the proposal file), `error`.

mod eip712;
mod error;
mod file;
#[cfg(test)]
mod tests;

pub use eip712::{
    DOMAIN_NAME, DOMAIN_VERSION, Hashes, PROPOSAL_TYPE, domain, encode_ecdsa, hash_proposal,
    proposal_typehash, typed, typed_data, verify_ecdsa,
};
pub use error::ProposalError;
pub use file::{
    CallEntry, MergeReport, ProposalFile, SCHEMA, SignatureEntry, SignatureKind, SignatureUpdate,
};
