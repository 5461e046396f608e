//! `tsafe`: command-line tool for the tsafe treasury safe: propose, co-sign, queue, execute and
//! freeze, with every call shown decoded and every hash recomputed locally before signing.
//!
//! Layers (imports run down or within a layer, never up, and never round in a cycle;
//! `cli/tests/it/layers.rs` keeps them, with the table of module → layer):
//!
//! ```text
//! L0 pure        contracts (generated bindings) · units/ · state (typed ProposalState) · revert
//!                (typed decoding) · proposal/ · decode/ · salt · opts (flag groups: plain clap data)
//! L1 errors/out  exit (Failure, ExitKind) · output (the only printer)
//! L2 adapters    chain (node handle, chain_now, logs, tokens) · factory · config · wallet · tx
//!                · toolchain · explain · simulate
//! L3 resolve     context (flags + env + config → what to act on)
//! L4 workflows   flow/ (source, read, report, render, sign, check, create) · sweep/ · relay
//!                · watch/ · devnet
//! L5 commands    cmd/* (one file per command, each returning an [`output::Outcome`]; commands
//!                import library modules only, never each other)
//! ```

pub mod chain;
pub mod cmd;
pub mod config;
pub mod context;
pub mod contracts;
pub mod decode;
pub mod devnet;
pub mod exit;
pub mod explain;
pub mod factory;
pub mod flow;
pub mod opts;
pub mod output;
pub mod proposal;
pub mod relay;
pub mod revert;
pub mod salt;
pub mod simulate;
pub mod state;
pub mod sweep;
pub mod toolchain;
pub mod tx;
pub mod units;
pub mod wallet;
pub mod watch;

use clap::Parser;

/// Command-line arguments of `tsafe`.
#[derive(Debug, Parser)]
#[command(name = "tsafe", version, about, propagate_version = true)]
pub struct Cli {
    /// Output and interaction flags.
    #[command(flatten)]
    pub global: opts::GlobalOpts,
    /// The command.
    #[command(subcommand)]
    pub command: cmd::Command,
}
