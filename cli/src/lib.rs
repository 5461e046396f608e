//! `tsafe`: command-line tool for the tsafe treasury safe.
//!
//! Work in progress: today only a placeholder `demo` exists, proving the pipeline from
//! `contracts/` through the pinned compiler to typed bindings and a local chain.

pub mod cmd;
pub mod contracts;
pub mod decode;
pub mod output;
pub mod proposal;
pub mod toolchain;
pub mod units;

use clap::Parser;

/// Command-line arguments of `tsafe`.
#[derive(Debug, Parser)]
#[command(name = "tsafe", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: cmd::Command,
}
