//! One module per command. Each command is a clap `Args` struct with a `run()`.

pub mod demo;

use clap::Subcommand;

/// The `tsafe` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// PLACEHOLDER demo: spawn anvil, deploy the placeholder contract, read it back.
    Demo(demo::DemoArgs),
}

impl Command {
    /// Runs the chosen command.
    pub async fn run(self) -> eyre::Result<()> {
        match self {
            Self::Demo(args) => args.run().await,
        }
    }
}
