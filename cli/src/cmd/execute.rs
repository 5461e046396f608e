//! `tsafe execute FILE|ID`: simulates, then executes a queued proposal once its ETA has passed.
//! `--wait` counts down to the ETA first. A fast-tracked batch (only tightening self-calls, an
//! unfreeze, a cancel) that is not queued yet is queued first, then executed.

use crate::{
    context::Ctx,
    exit::{ExitKind, Failure},
    flow::{self, Source},
    opts::SendOpts,
    output::Outcome,
    state::ProposalState,
    tx, units,
};
use alloy::primitives::B256;
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::time::Duration;

/// Arguments of `tsafe execute`.
#[derive(Debug, Args)]
pub struct ExecuteArgs {
    /// The proposal file (several copies of one proposal are merged), or the id of a proposal
    /// proposed or queued on chain.
    #[arg(required = true, value_name = "FILE|ID")]
    pub proposal: Vec<Source>,
    /// Wait for the ETA (counting down on stderr) instead of refusing to execute early.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecuteReport {
    id: B256,
    queued_first: Option<tx::Mined>,
    transaction: Option<tx::Mined>,
    outflows: Vec<crate::decode::Outflow>,
}

impl ExecuteArgs {
    /// Checks the state, waits if asked, simulates, executes.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        let r = flow::resolve(ctx, &self.send.safe, &self.send.rpc, &self.proposal).await?;
        let report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
        flow::warn_all(out, &report);
        let id = r.loaded.id();
        let (signing, from) = ctx.connect_signer_to(&r.chain, &self.send.wallet).await?;
        let safe =
            crate::contracts::ITreasurySafe::new(r.safe_ref.address, signing.provider.clone());
        let mut queued_first = None;
        let mut eta = report.onchain.eta;
        let source = &self.proposal[0];
        let state = report.onchain.state;
        match state {
            ProposalState::Queued | ProposalState::Ready => {}
            ProposalState::Unknown | ProposalState::Proposed | ProposalState::Stale
                if report.decoded.fast_track =>
            {
                flow::check_queueable(&report, source, &r.safe_ref)?;
                // Queue and execute simulated together first: queue is never sent for a batch
                // whose execute would revert.
                flow::check_runs(
                    out,
                    &r.chain,
                    r.safe_ref.address,
                    &r.loaded,
                    Some(from),
                    "execute",
                    true,
                )
                .await?;
                out.status(format!("{id} is fast-tracked and not queued yet: queueing it first"));
                let call = safe
                    .queue(
                        r.loaded.calls.clone(),
                        r.loaded.salt,
                        flow::owner_signatures(&r.loaded, &report),
                    )
                    .from(from);
                queued_first =
                    tx::transact_with(out, &signing, "queue", &call, &self.send.tx).await?;
                if queued_first.is_none() {
                    return dry_run_outcome(id, from, true);
                }
                eta = r.safe.getProposal(id).call().await?.eta;
            }
            ProposalState::Unknown | ProposalState::Proposed | ProposalState::Stale => {
                return Err(Failure::new(
                    ExitKind::NotReady,
                    format!("{id} is not queued yet (state {state})"),
                )
                .fix(format!(
                    "queue it first: {}",
                    flow::next_command("queue", source, &r.safe_ref, "")
                ))
                .into());
            }
            ProposalState::Executed => {
                return Err(Failure::bad_input(format!("{id} was already executed"))
                    .fix("nothing to do: a proposal executes at most once")
                    .into());
            }
            ProposalState::Cancelled => {
                return Err(Failure::bad_input(format!("{id} was cancelled"))
                    .fix("propose the batch again with a new salt if it is still wanted")
                    .into());
            }
            ProposalState::Voided => {
                return Err(Failure::bad_input(format!(
                    "{id} was voided: it was queued before the safe was evacuated, and only guardian-protected batches survive an evacuation"
                ))
                .fix("once the safe is reopened, propose the batch again with a new salt if it is still wanted")
                .into());
            }
            ProposalState::Expired => {
                return Err(Failure::bad_input(format!(
                    "{id} expired: its grace period ended at {} unexecuted",
                    units::format_utc(report.onchain.expires_at)
                ))
                .fix("propose the batch again with a new salt, and execute it within the grace period")
                .into());
            }
        }
        // What the owners approved may mean something else against the configuration now (an
        // owner addition that resets a threshold raised since): say so and ask.
        confirm_changed_warnings(ctx, &r, &report).await?;
        let now = crate::chain::chain_now(&r.chain).await?;
        if now < eta {
            if !self.wait {
                return Err(Failure::new(
                    ExitKind::NotReady,
                    format!(
                        "{id} is not ready: executable at {}, in {}",
                        units::format_utc(eta),
                        units::format_duration(eta - now)
                    ),
                )
                .fix(format!(
                    "run it again then, or pass --wait to count down: {}",
                    flow::next_command("execute", source, &r.safe_ref, "--wait")
                ))
                .into());
            }
            wait_for_eta(ctx, &r.chain, eta).await?;
        }
        let call = safe.execute(r.loaded.calls.clone(), r.loaded.salt, r.loaded.epoch).from(from);
        let mined = tx::transact_with(out, &signing, "execute", &call, &self.send.tx).await?;
        let Some(m) = mined else { return dry_run_outcome(id, from, false) };
        let mut text = format!("executed {id} in {}", m.hash);
        for o in &report.decoded.outflows {
            text.push_str(&format!("\nmoved     {}", o.display));
        }
        Outcome::new(
            &ExecuteReport {
                id,
                queued_first,
                transaction: Some(m),
                outflows: report.decoded.outflows.clone(),
            },
            text,
        )
    }
}

fn dry_run_outcome(id: B256, from: alloy::primitives::Address, queue: bool) -> Result<Outcome> {
    let what = if queue { "queue (then execute)" } else { "execute" };
    Outcome::new(
        &ExecuteReport { id, queued_first: None, transaction: None, outflows: Vec::new() },
        format!("dry run: {from} can {what} {id}; nothing was sent"),
    )
}

/// Shows the warnings that are new since the proposal was queued (recomputed against the
/// configuration now) and asks before executing, unless `--yes`.
async fn confirm_changed_warnings(
    ctx: &Ctx,
    r: &flow::Resolved,
    report: &flow::ProposalReport,
) -> Result<()> {
    let out = &ctx.out;
    let (warnings, why) =
        match flow::warnings_since_queued(&r.chain, &r.safe, r.safe_ref.from_block(), &r.loaded)
            .await
        {
            Ok(w) => (w, None),
            Err(why) => (report.decoded.all_warnings().cloned().collect(), Some(why)),
        };
    if warnings.is_empty() {
        return Ok(());
    }
    match &why {
        None => out.warn("the safe's configuration changed since this proposal was queued; against the configuration now:"),
        Some(why) => out.warn(format!("{why}; every warning against the configuration now:")),
    }
    for w in &warnings {
        out.warn(format!("  {}", w.message));
    }
    let question = format!(
        "execute {} despite {} warning(s) that changed since it was queued?",
        r.loaded.id(),
        warnings.len()
    );
    if !out.confirm(ctx.yes, &question)? {
        return Err(Failure::bad_input("not executed: declined at the prompt").into());
    }
    Ok(())
}

/// Counts down on stderr until the chain's latest block is at or past `eta`.
async fn wait_for_eta(ctx: &Ctx, chain: &crate::context::Chain, eta: u64) -> Result<()> {
    let out = &ctx.out;
    let spinner = out.spinner("waiting for the eta");
    let mut last_print = None;
    loop {
        let now = crate::chain::chain_now(chain).await?;
        if now >= eta {
            break;
        }
        let left = eta - now;
        let message = format!(
            "waiting for the eta ({}): {} left",
            units::format_utc(eta),
            units::format_duration(left)
        );
        if spinner.is_drawn() {
            spinner.set_message(message);
        } else if last_print.is_none_or(|l: u64| l >= left + 60 || left <= 5 && l != left) {
            out.status(message);
            last_print = Some(left);
        }
        tokio::time::sleep(Duration::from_secs(left.clamp(1, 5))).await;
    }
    drop(spinner);
    out.status("eta reached");
    Ok(())
}
