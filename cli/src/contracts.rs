//! Rust bindings for the contracts in `contracts/`, generated at build time by `cli/build.rs`
//! from the artifacts it compiles with the repository's pinned solc.
//!
//! For each contract listed in `BINDINGS` (cli/build.rs) that exists in `contracts/`, this
//! module holds an `alloy::sol!` binding of the same name (with `#[sol(rpc)]`: call, send,
//! event filters, and `deploy` for concrete contracts) and, for concrete contracts,
//! `<NAME>_BYTECODE`, the creation bytecode `tsafe` deploys. `cli/tests/it/bytecode.rs` proves that
//! bytecode equals `forge build`'s, so what the CLI deploys is what the Solidity tests test.

// The generated bindings are expanded from ABIs we do not write by hand.
#![allow(missing_docs, clippy::too_many_arguments)]

/// One contract compiled by `cli/build.rs`.
#[derive(Debug, Clone, Copy)]
pub struct CompiledContract {
    /// Contract name, as in Solidity.
    pub name: &'static str,
    /// Source file relative to the repository root, e.g. `contracts/TreasurySafe.sol`.
    pub source: &'static str,
    /// Creation bytecode; empty for interfaces and abstract contracts.
    pub bytecode: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/contracts.rs"));
