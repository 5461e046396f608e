//! `tsafe show FILE|ID`: everything about one proposal: every call decoded, warnings, outflow
//! against the caps, the EIP-712 hashes recomputed locally and checked against the safe,
//! approvals collected, and where it stands on chain. `--offline` reads a file with no node and
//! says what it could not check; `--typed-data` writes the standard EIP-712 JSON for a second tool.

use crate::{
    context::Ctx,
    exit::Failure,
    flow::{self, Source},
    opts::{RpcOpts, SafeOpts},
    output::Outcome,
};
use clap::Args;
use eyre::Result;
use std::path::PathBuf;

/// Arguments of `tsafe show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A proposal file, or the id of a proposal proposed or queued on chain.
    pub proposal: Source,
    /// Read the file alone, with no node (an air-gapped review): the hashes are recomputed and
    /// the signatures recovered; what needs the chain is listed as not checked.
    #[arg(long)]
    pub offline: bool,
    /// Also write the proposal as standard EIP-712 typed data JSON (for `cast wallet sign --data
    /// --from-file`, hardware wallets and other EIP-712 tools) to this path (`-`: stdout, alone).
    #[arg(long, value_name = "PATH")]
    pub typed_data: Option<PathBuf>,
    #[command(flatten)]
    pub safe: SafeOpts,
    #[command(flatten)]
    pub rpc: RpcOpts,
}

impl ShowArgs {
    /// Reads and renders the proposal.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let (report, loaded) = if self.offline {
            let Source::File(path) = &self.proposal else {
                return Err(Failure::bad_input("--offline reads a proposal file, not an id")
                    .fix("pass the proposal file, or drop --offline to rebuild the id from the chain")
                    .into());
            };
            let loaded = flow::Loaded::from_file(path.clone(), flow::load_file(path)?);
            (flow::offline_report(&loaded)?, loaded)
        } else {
            let r = flow::resolve(ctx, &self.safe, &self.rpc, std::slice::from_ref(&self.proposal))
                .await?;
            (flow::report(&r.chain, &r.safe, &r.loaded).await?, r.loaded)
        };
        flow::warn_all(&ctx.out, &report);
        if let Some(path) = &self.typed_data {
            let message = crate::proposal::typed::Proposal {
                calls: loaded
                    .calls
                    .iter()
                    .map(|c| crate::proposal::typed::Call {
                        target: c.target,
                        value: c.value,
                        data: c.data.clone(),
                    })
                    .collect(),
                salt: loaded.salt,
                epoch: loaded.epoch,
            };
            let json = crate::proposal::typed_data(report.chain_id, report.safe, &message);
            let text = serde_json::to_string_pretty(&json)?;
            if path.as_os_str() == "-" {
                return Ok(Outcome { data: json, text, printed: false });
            }
            std::fs::write(path, format!("{text}\n")).map_err(|e| {
                Failure::bad_input(format!("cannot write --typed-data {}: {e}", path.display()))
                    .fix("pass a writable path")
            })?;
            ctx.out.status(format!(
                "EIP-712 typed data written to {}: `cast wallet sign --data --from-file {}` signs digest {}",
                path.display(),
                path.display(),
                report.hashes.digest
            ));
        }
        let text = flow::render(&report);
        Outcome::new(&report, text)
    }
}
