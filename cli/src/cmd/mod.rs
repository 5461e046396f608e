//! One module per command. Each command is a clap `Args` struct whose `run` returns an
//! [`Outcome`]: the report as data plus its human rendering.

pub mod approve;
pub mod completions;
pub mod demo;
pub mod deploy;
pub mod devnet;
pub mod freeze;
pub mod status;

use crate::{context::Ctx, output::Outcome};
use clap::Subcommand;

/// The `tsafe` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Approve a proposal on chain (the path for wallets that cannot sign EIP-712).
    Approve(approve::ApproveArgs),
    /// Start a local chain with a demo safe and save it as the `devnet` profile.
    Devnet(devnet::DevnetArgs),
    /// Deploy a new safe (and the deterministic factory if the chain lacks it).
    Deploy(deploy::DeployArgs),
    /// Freeze the safe with a guardian key (one shot until the owners re-arm).
    Freeze(freeze::FreezeArgs),
    /// Configuration, freeze state, caps left and proposals with countdowns.
    Status(status::StatusArgs),
    /// Run the narrated end-to-end story on a throwaway local chain.
    Demo(demo::DemoArgs),
    /// Print shell completions.
    Completions(completions::CompletionsArgs),
}

impl Command {
    /// The command's name, as used in the `--json` envelope.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Approve(_) => "approve",
            Self::Devnet(_) => "devnet",
            Self::Deploy(_) => "deploy",
            Self::Freeze(_) => "freeze",
            Self::Status(_) => "status",
            Self::Demo(_) => "demo",
            Self::Completions(_) => "completions",
        }
    }

    /// Runs the chosen command.
    pub async fn run(self, ctx: &Ctx) -> eyre::Result<Outcome> {
        match self {
            Self::Approve(args) => args.run(ctx).await,
            Self::Devnet(args) => args.run(ctx).await,
            Self::Deploy(args) => args.run(ctx).await,
            Self::Freeze(args) => args.run(ctx).await,
            Self::Status(args) => args.run(ctx).await,
            Self::Demo(args) => args.run(ctx).await,
            Self::Completions(args) => args.run(),
        }
    }
}
