//! `tsafe approve ID`: an owner's on-chain approval of a proposal proposed on chain.

use crate::{context::Ctx, opts::SendOpts, output::Outcome, tx};
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
        let safe_ref = ctx.safe(&self.send.safe)?;
        let (chain, from) =
            ctx.connect_signer(&self.send.rpc, &self.send.wallet, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        let call = safe.approve(self.id).from(from);
        let mined = tx::transact(&ctx.out, &chain, "approve", &call, self.send.tx.dry_run).await?;
        let text = match &mined {
            Some(m) => format!("approved {} as {from} in {}", self.id, m.hash),
            None => format!("dry run: {from} can approve {}", self.id),
        };
        Outcome::new(&ApproveReport { id: self.id, owner: from, transaction: mined }, text)
    }
}
