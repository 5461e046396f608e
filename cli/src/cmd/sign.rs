//! `tsafe sign FILE`: shows the proposal decoded (every call, warnings, the EIP-712 domain hash,
//! message hash and digest, recomputed locally and checked against the safe's `hashProposal`),
//! asks for confirmation, signs, and adds the signature to the file atomically. `--merge` first
//! adds the signatures of other copies of the same proposal.

use crate::{
    context::Ctx,
    exit::Failure,
    flow::{self, Source},
    opts::SendOpts,
    output::Outcome,
    proposal::SignatureUpdate,
};
use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `tsafe sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The proposal file; the signature is added to it (write-then-rename: never half-written).
    pub file: PathBuf,
    /// Copies of the same proposal signed by other owners: their signatures are added first.
    #[arg(long, value_name = "FILE")]
    pub merge: Vec<PathBuf>,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SignReport {
    proposal: flow::ProposalReport,
    file: PathBuf,
    signer: Option<Address>,
    /// `added`, `unchanged` (already signed), or null when only merging.
    signature: Option<String>,
    merged_from: Vec<PathBuf>,
    written: bool,
}

impl SignArgs {
    /// Shows, confirms, signs, saves.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        let mut sources = vec![Source::File(self.file.clone())];
        sources.extend(self.merge.iter().cloned().map(Source::File));
        let r = flow::resolve(ctx, &self.send.safe, &self.send.rpc, &sources).await?;
        let Some((_, mut file)) = r.loaded.file.clone() else {
            return Err(Failure::bad_input("sign takes a proposal file").into());
        };
        if !self.send.wallet.is_set() && self.merge.is_empty() {
            return Err(Failure::bad_input("no signer given")
                .fix("pass --account NAME, --keystore PATH, --ledger, --mnemonic or -i (or --merge FILE to only merge)")
                .into());
        }
        let mut report = flow::report(&r.chain, &r.safe, &r.loaded).await?;
        let warnings = report.decoded.all_warnings().count();
        // What is about to be signed, on stderr before the prompt; skipped only when the caller
        // both answered yes in advance and asked for no narration (`-y` with `-q` or `--json`).
        if !(ctx.yes && (out.quiet || out.json)) {
            out.show(&flow::render(&report));
        }
        flow::warn_all(out, &report);
        let mut signer = None;
        let mut update = None;
        if self.send.wallet.is_set() {
            let question = if warnings == 0 {
                format!("sign proposal {}?", report.id)
            } else {
                format!("sign proposal {} despite {warnings} warning(s)?", report.id)
            };
            if !out.confirm(ctx.yes, &question)? {
                return Err(Failure::bad_input(
                    "not signed: declined at the prompt; the file is unchanged",
                )
                .into());
            }
            let (who, u) = flow::sign_into(&r.chain, &r.safe, &self.send.wallet, &mut file).await?;
            signer = Some(who);
            update = Some(u);
        }
        let on_disk = flow::load_file(&self.file)?;
        let changed = file != on_disk;
        let written = changed && !self.send.tx.dry_run;
        if written {
            file.save_atomic(&self.file).map_err(flow::proposal_failure)?;
        }
        // The report lists the approvals as they now stand in the file.
        let signed = flow::Loaded::from_file(self.file.clone(), file);
        flow::refresh(&r.chain, &r.safe, &signed, &mut report).await?;
        let have = flow::counted(&report);
        let need = report.threshold.clone();
        let mut text = String::new();
        match (signer, update) {
            (Some(who), Some(SignatureUpdate::Unchanged)) => {
                text.push_str(&format!("{who} had already signed {}\n", report.id));
            }
            (Some(who), Some(_)) => text.push_str(&format!("signed {} as {who}\n", report.id)),
            _ => {}
        }
        if !self.merge.is_empty() {
            text.push_str(&format!("merged signatures from {} file(s)\n", self.merge.len()));
        }
        text.push_str(&format!("approvals {have} of {need}"));
        let enough = need.parse::<usize>().is_ok_and(|n| have >= n);
        if enough {
            text.push_str(&format!(": ready, run `tsafe queue {}`\n", self.file.display()));
        } else {
            text.push_str(": pass the file to the next owner (`tsafe sign FILE`)\n");
        }
        if self.send.tx.dry_run {
            text.push_str("dry run: the file was not changed\n");
        } else if written {
            text.push_str(&format!("saved     {}\n", self.file.display()));
        }
        Outcome::new(
            &SignReport {
                proposal: report,
                file: self.file,
                signer,
                signature: update.map(|u| format!("{u:?}").to_lowercase()),
                merged_from: self.merge,
                written,
            },
            text,
        )
    }
}
