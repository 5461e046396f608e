//! `tsafe`: command-line tool for the tsafe treasury safe: propose, co-sign, queue, execute and
//! freeze, with every call shown decoded and every hash recomputed locally before signing.
//!
//! Layout: `opts` (flag groups) → `context` (flags + env + config resolved once) → `cmd/*` (one
//! file per command, each returning an [`output::Outcome`]) → `output` (the only printer).

pub mod chain;
pub mod cmd;
pub mod config;
pub mod context;
pub mod contracts;
pub mod decode;
pub mod devnet;
pub mod exit;
pub mod explain;
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
