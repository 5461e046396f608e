//! `tsafe approve ID`: an owner's on-chain approval of a proposal proposed on chain.

use crate::{
    context::Ctx,
    exit::Failure,
    flow::{self, Source},
    opts::SendOpts,
    output::Outcome,
    state::ProposalState,
    tx,
};
use alloy::primitives::B256;
use clap::Args;
use eyre::Result;
use serde::Serialize;

/// Arguments of `tsafe approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The proposal id (its EIP-712 digest).
    pub id: B256,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApproveReport {
    id: B256,
    owner: alloy::primitives::Address,
    /// The owner had approved before: nothing was sent.
    already: bool,
    transaction: Option<tx::Mined>,
}

impl ApproveArgs {
    /// Simulates, then sends `approve(id)` from the signer.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        // An on-chain approval is a signature too: show what the id stands for, rebuilt from
        // the chain, and ask before approving it.
        let r = flow::resolve(ctx, &self.send.safe, &self.send.rpc, &[Source::Id(self.id)]).await?;
        let (chain, from) = ctx.connect_signer_to(&r.chain, &self.send.wallet).await?;
        if !r.safe.isOwner(from).call().await? {
            return Err(Failure::bad_input(format!(
                "{from} is not an owner of {}: only owners approve",
                r.safe_ref.address
            ))
            .fix("approve with an owner's key (check --account/--keystore/--ledger-index)")
            .into());
        }
        let report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
        let state = report.onchain.state;
        if state != ProposalState::Proposed {
            let why = match state {
                ProposalState::Stale => format!(
                    "it was proposed under epoch {}, and the owners or threshold changed since (epoch {})",
                    report.epoch, report.onchain.safe_epoch
                ),
                ProposalState::Queued | ProposalState::Ready => {
                    "it is already queued: approvals are no longer needed".to_owned()
                }
                other => format!("it is {other}"),
            };
            return Err(Failure::bad_input(format!("{} cannot be approved: {why}", self.id))
                .fix(if state.is_queued() {
                    format!(
                        "execute it once ready: {}",
                        flow::next_command("execute", &Source::Id(self.id), &r.safe_ref, "")
                    )
                } else {
                    "propose the batch again (tsafe propose --onchain) if it is still wanted"
                        .to_owned()
                })
                .into());
        }
        // Approving twice changes nothing: say so and send nothing.
        if r.safe.hasApproved(self.id, from).call().await? {
            let text = format!(
                "{from} had already approved {}; nothing was sent\napprovals have {}, need {}",
                self.id,
                flow::counted(&report),
                report.threshold
            );
            return Outcome::new(
                &ApproveReport { id: self.id, owner: from, already: true, transaction: None },
                text,
            );
        }
        if !(ctx.yes && (out.quiet || out.json)) {
            out.show(&flow::render(&report));
        }
        flow::warn_all(out, &report);
        let warnings = report.decoded.all_warnings().count();
        let question = if warnings == 0 {
            format!("approve proposal {} on chain?", self.id)
        } else {
            format!("approve proposal {} on chain despite {warnings} warning(s)?", self.id)
        };
        if !out.confirm(ctx.yes, &question)? {
            return Err(Failure::bad_input("not approved: declined at the prompt").into());
        }
        let safe = crate::contracts::ITreasurySafe::new(r.safe_ref.address, chain.provider.clone());
        let call = safe.approve(self.id).from(from);
        let mined = tx::transact_with(out, &chain, "approve", &call, &self.send.tx).await?;
        let text = match &mined {
            Some(m) => format!("approved {} as {from} in {}", self.id, m.hash),
            None => format!("dry run: {from} can approve {}", self.id),
        };
        Outcome::new(
            &ApproveReport { id: self.id, owner: from, already: false, transaction: mined },
            text,
        )
    }
}
