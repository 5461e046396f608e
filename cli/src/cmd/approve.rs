//! `tsafe approve ID`: an owner's on-chain approval of a proposal proposed on chain.

use crate::{
    context::Ctx,
    exit::Failure,
    flow::{self, Source},
    opts::SendOpts,
    output::Outcome,
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
    transaction: Option<tx::Mined>,
}

impl ApproveArgs {
    /// Simulates, then sends `approve(id)` from the signer.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        // An on-chain approval is a signature too: show what the id stands for, rebuilt from
        // the chain, and ask before approving it.
        let r = flow::resolve(ctx, &self.send.safe, &self.send.rpc, &[Source::Id(self.id)]).await?;
        let report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
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
        let (chain, from) = ctx.connect_signer_to(&r.chain, &self.send.wallet).await?;
        let safe = crate::contracts::ITreasurySafe::new(r.safe_ref.address, chain.provider.clone());
        let call = safe.approve(self.id).from(from);
        let mined = tx::transact(out, &chain, "approve", &call, self.send.tx.dry_run).await?;
        let text = match &mined {
            Some(m) => format!("approved {} as {from} in {}", self.id, m.hash),
            None => format!("dry run: {from} can approve {}", self.id),
        };
        Outcome::new(&ApproveReport { id: self.id, owner: from, transaction: mined }, text)
    }
}
