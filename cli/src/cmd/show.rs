//! `tsafe show FILE|ID`: everything about one proposal: every call decoded, warnings, outflow
//! against the caps, the EIP-712 hashes recomputed locally and checked against the safe,
//! approvals collected, and where it stands on chain.

use crate::{
    context::Ctx,
    flow::{self, Source},
    opts::{RpcOpts, SafeOpts},
    output::Outcome,
};
use clap::Args;
use eyre::Result;

/// Arguments of `tsafe show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A proposal file, or the id of a proposal proposed or queued on chain.
    pub proposal: Source,
    #[command(flatten)]
    pub safe: SafeOpts,
    #[command(flatten)]
    pub rpc: RpcOpts,
}

impl ShowArgs {
    /// Reads and renders the proposal.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let r = flow::resolve(ctx, &self.safe, &self.rpc, &[self.proposal]).await?;
        let report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
        flow::warn_all(&ctx.out, &report);
        let text = flow::render(&report);
        Outcome::new(&report, text)
    }
}
