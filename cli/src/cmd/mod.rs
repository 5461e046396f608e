//! One module per command. Each command is a clap `Args` struct whose `run` returns an
//! [`Outcome`]: the report as data plus its human rendering.

pub mod accept;
pub mod approve;
pub mod cancel;
pub mod completions;
pub mod demo;
pub mod deploy;
pub mod devnet;
pub mod evacuate;
pub mod execute;
pub mod freeze;
pub mod owners;
pub mod propose;
pub mod queue;
pub mod show;
pub mod sign;
pub mod status;
pub mod watch;

use crate::{context::Ctx, output::Outcome};
use clap::Subcommand;

/// The `tsafe` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Propose a transfer, a call, a batch or a configuration change (file and/or on chain).
    Propose(Box<propose::ProposeArgs>),
    /// Show a proposal decoded, with warnings and hashes, then sign it into the file.
    Sign(sign::SignArgs),
    /// Submit a proposal's approvals; prints its ETA.
    Queue(queue::QueueArgs),
    /// Simulate, then execute a queued proposal (--wait counts down to the ETA).
    Execute(execute::ExecuteArgs),
    /// Everything about one proposal: decoded calls, warnings, hashes, approvals, state.
    Show(show::ShowArgs),
    /// Cancel a queued proposal: directly as a guardian, by proposal as an owner.
    Cancel(cancel::CancelArgs),
    /// Owners end a freeze early (a fast-tracked proposal, allowed while frozen).
    Unfreeze(owners::OwnerCallArgs),
    /// Owners re-arm the guardians' one-shot freeze (a fast-tracked proposal).
    Rearm(owners::OwnerCallArgs),
    /// Approve a proposal on chain (the path for wallets that cannot sign EIP-712).
    Approve(approve::ApproveArgs),
    /// Start a local chain with a demo safe and save it as the `devnet` profile.
    Devnet(devnet::DevnetArgs),
    /// Deploy a new safe (and the deterministic factory if the chain lacks it).
    Deploy(deploy::DeployArgs),
    /// Freeze the safe with a guardian key (one shot until the owners re-arm).
    Freeze(freeze::FreezeArgs),
    /// Sweep the safe to its recovery address as a guardian (or re-sweep an evacuated safe),
    /// sign a relayable evacuation (--sign-only), or relay one (--relay FILE).
    Evacuate(Box<evacuate::EvacuateArgs>),
    /// Accept the recovery role on this chain as the recovery address (or sign / relay it).
    AcceptRecovery(accept::AcceptArgs),
    /// Configuration, freeze state, caps left and proposals with countdowns.
    Status(status::StatusArgs),
    /// Follow safes, alert exactly once on every rule broken, cancel, freeze or evacuate as a
    /// guardian.
    Watch(Box<watch::WatchArgs>),
    /// Run the narrated end-to-end story on a throwaway local chain.
    Demo(demo::DemoArgs),
    /// Print shell completions.
    Completions(completions::CompletionsArgs),
}

impl Command {
    /// The command's name, as used in the `--json` envelope.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Propose(_) => "propose",
            Self::Sign(_) => "sign",
            Self::Queue(_) => "queue",
            Self::Execute(_) => "execute",
            Self::Show(_) => "show",
            Self::Cancel(_) => "cancel",
            Self::Unfreeze(_) => "unfreeze",
            Self::Rearm(_) => "rearm",
            Self::Approve(_) => "approve",
            Self::Devnet(_) => "devnet",
            Self::Deploy(_) => "deploy",
            Self::Freeze(_) => "freeze",
            Self::Evacuate(_) => "evacuate",
            Self::AcceptRecovery(_) => "accept-recovery",
            Self::Status(_) => "status",
            Self::Watch(_) => "watch",
            Self::Demo(_) => "demo",
            Self::Completions(_) => "completions",
        }
    }

    /// Runs the chosen command.
    pub async fn run(self, ctx: &Ctx) -> eyre::Result<Outcome> {
        use crate::contracts::ITreasurySafe::{self as S, ITreasurySafeCalls as C};
        match self {
            Self::Propose(args) => args.run(ctx).await,
            Self::Sign(args) => args.run(ctx).await,
            Self::Queue(args) => args.run(ctx).await,
            Self::Execute(args) => args.run(ctx).await,
            Self::Show(args) => args.run(ctx).await,
            Self::Cancel(args) => args.run(ctx).await,
            Self::Unfreeze(args) => args.run(ctx, C::unfreeze(S::unfreezeCall {})).await,
            Self::Rearm(args) => args.run(ctx, C::rearmGuardians(S::rearmGuardiansCall {})).await,
            Self::Approve(args) => args.run(ctx).await,
            Self::Devnet(args) => args.run(ctx).await,
            Self::Deploy(args) => args.run(ctx).await,
            Self::Freeze(args) => args.run(ctx).await,
            Self::Evacuate(args) => args.run(ctx).await,
            Self::AcceptRecovery(args) => args.run(ctx).await,
            Self::Status(args) => args.run(ctx).await,
            Self::Watch(args) => args.run(ctx).await,
            Self::Demo(args) => args.run(ctx).await,
            Self::Completions(args) => args.run(),
        }
    }
}
