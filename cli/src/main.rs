//! `tsafe` binary: parse, run, render the error once, exit.

use clap::Parser;
use std::process::ExitCode;
use tsafe::{Cli, output};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            output::error(&report);
            ExitCode::FAILURE
        }
    }
}
