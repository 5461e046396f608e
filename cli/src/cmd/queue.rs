//! `tsafe queue FILE…|ID`: submits a proposal with its approvals (the file's signatures, merged
//! from every file given, plus on-chain approvals) and prints its ETA. Anyone may send it; the
//! safe checks the approvals.

use crate::{
    context::Ctx,
    flow::{self, Source},
    opts::SendOpts,
    output::Outcome,
    tx, units,
};
use alloy::primitives::B256;
use clap::Args;
use eyre::Result;
use serde::Serialize;

/// Arguments of `tsafe queue`.
#[derive(Debug, Args)]
pub struct QueueArgs {
    /// One or more proposal files of the same proposal (signatures are merged), or the id of a
    /// proposal proposed on chain.
    #[arg(required = true, value_name = "FILE|ID")]
    pub proposal: Vec<Source>,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueReport {
    id: B256,
    eta: u64,
    expires_at: u64,
    fast_track: bool,
    approvals: usize,
    simulation: flow::SimulationReport,
    transaction: Option<tx::Mined>,
}

impl QueueArgs {
    /// Checks, simulates, sends `queue`, reports the ETA.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let r = flow::resolve(ctx, &self.send.safe, &self.send.rpc, &self.proposal).await?;
        let report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
        flow::warn_all(&ctx.out, &report);
        flow::check_queueable(&report, &self.proposal[0], &r.safe_ref)?;
        let (signing, from) = ctx.connect_signer_to(&r.chain, &self.send.wallet).await?;
        // Queue and execute at the eta simulated together: a batch that can never run is not
        // queued (a revert that depends on the moment, such as a cap, is a warning).
        let simulation = flow::check_runs(
            &ctx.out,
            &r.chain,
            r.safe_ref.address,
            &r.loaded,
            Some(from),
            "queue",
            false,
        )
        .await?;
        let safe =
            crate::contracts::ITreasurySafe::new(r.safe_ref.address, signing.provider.clone());
        let call = safe
            .queue(
                r.loaded.calls.clone(),
                r.loaded.salt,
                flow::owner_signatures(&r.loaded, &report),
            )
            .from(from);
        let mined = tx::transact_with(&ctx.out, &signing, "queue", &call, &self.send.tx).await?;
        let id = r.loaded.id();
        let view = r.safe.getProposal(id).call().await?;
        let now = crate::chain::chain_now(&r.chain).await?;
        let text = match &mined {
            None => format!("dry run: {id} can be queued by {from}; nothing was sent"),
            Some(m) if view.fastTrack => format!(
                "queued {id} in {} (fast track): executable now, until {}\nnext      {}",
                m.hash,
                units::format_utc(view.expiresAt),
                flow::next_command("execute", &self.proposal[0], &r.safe_ref, "")
            ),
            Some(m) => format!(
                "queued {id} in {}\neta       {} (in {}); executable until {}\nnext      {}",
                m.hash,
                units::format_utc(view.eta),
                units::format_duration(view.eta.saturating_sub(now)),
                units::format_utc(view.expiresAt),
                flow::next_command("execute", &self.proposal[0], &r.safe_ref, "--wait")
            ),
        };
        Outcome::new(
            &QueueReport {
                id,
                eta: view.eta,
                expires_at: view.expiresAt,
                fast_track: view.fastTrack,
                approvals: flow::counted(&report),
                simulation,
                transaction: mined,
            },
            text,
        )
    }
}
