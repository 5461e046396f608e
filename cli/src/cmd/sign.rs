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
    /// Remove this signer's signature from the file (nothing is signed; no node needed).
    #[arg(long, value_name = "SIGNER", conflicts_with_all = ["merge", "offline"])]
    pub remove: Option<alloy::primitives::Address>,
    /// Sign with no node (an air-gapped signer): the chain id, safe, epoch and domain come from
    /// the file; what needs the chain (owners, state, simulation) is listed as not checked and is
    /// checked by `queue` later.
    #[arg(long)]
    pub offline: bool,
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

/// Refuses to sign what a signature can no longer help: a proposal executed, cancelled or expired,
/// one already queued, or one made under an older epoch.
fn check_signable(report: &flow::ProposalReport, file: &std::path::Path) -> Result<()> {
    let (id, state) = (report.id, report.onchain.state);
    if state.is_final() {
        return Err(Failure::bad_input(format!(
            "not signed: {id} is {state}, so no signature can ever count; the file is unchanged"
        ))
        .fix("propose the batch again (tsafe propose) if it is still wanted")
        .into());
    }
    if state.is_queued() {
        return Err(Failure::bad_input(format!(
            "not signed: {id} is already queued ({state}), approvals are no longer needed; the file is unchanged"
        ))
        .fix(format!("execute it once ready: tsafe execute {}", file.display()))
        .into());
    }
    if report.epoch != report.onchain.safe_epoch {
        return Err(Failure::bad_input(format!(
            "not signed: {id} was made under epoch {}, but the safe is at epoch {} (owners or threshold changed): no approval of it can count; the file is unchanged",
            report.epoch, report.onchain.safe_epoch
        ))
        .fix("propose the same calls again (tsafe propose) and sign the new file")
        .into());
    }
    Ok(())
}

impl SignArgs {
    /// Shows, confirms, signs, saves.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        if let Some(signer) = self.remove {
            return self.remove(signer);
        }
        if self.offline {
            return self.run_offline(ctx).await;
        }
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
        // The report and, with a signer, the whole remaining life simulated, at once (both only
        // read the chain): a batch that can never run is refused with its decoded reason before
        // anything is signed.
        let simulation = async {
            if self.send.wallet.is_set() {
                let address = r.safe_ref.address;
                flow::check_runs(out, &r.chain, address, &r.loaded, None, "sign", false)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        };
        let (report, simulation) =
            tokio::join!(flow::report(&r.chain, &r.safe, &r.loaded), simulation);
        let mut report = report?;
        if self.send.wallet.is_set() {
            check_signable(&report, &self.file)?;
        }
        report.simulation = simulation?;
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
        let now_signed = flow::Loaded::from_file(self.file.clone(), file);
        flow::refresh(&r.chain, &r.safe, &now_signed, &mut report).await?;
        let have = flow::counted(&report);
        let need = report.threshold;
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
        text.push_str(&format!("approvals have {have}, need {need}"));
        let enough = u64::try_from(have).is_ok_and(|h| h >= need);
        let state = report.onchain.state;
        if state.is_queued() || state.is_final() {
            text.push_str(&format!(" (the proposal is {state})\n"));
        } else if enough && report.decoded.fast_track {
            text.push_str(&format!(
                ": ready, run `tsafe execute {}` (fast track: queues and executes at once)\n",
                self.file.display()
            ));
        } else if enough {
            text.push_str(&format!(": ready, run `tsafe queue {}`\n", self.file.display()));
        } else {
            text.push_str(&format!(
                ": pass the file to the next owner (`tsafe sign {}`)\n",
                self.file.display()
            ));
        }
        if self.send.tx.dry_run {
            text.push_str("dry run: the file was not changed\n");
        } else if written {
            text.push_str(&format!("saved     {}\n", self.file.display()));
        }
        self.outcome(report, signer, update, written, text)
    }

    /// The air-gapped path: the file alone, no node.
    async fn run_offline(self, ctx: &Ctx) -> Result<Outcome> {
        let out = &ctx.out;
        if !self.send.wallet.is_set() && self.merge.is_empty() {
            return Err(Failure::bad_input("no signer given")
                .fix("pass --account NAME, --keystore PATH, --ledger, --mnemonic or -i (or --merge FILE to only merge)")
                .into());
        }
        let mut file = flow::load_file(&self.file)?;
        for other in &self.merge {
            file.merge(&flow::load_file(other)?).map_err(flow::proposal_failure)?;
        }
        let report =
            flow::offline_report(&flow::Loaded::from_file(self.file.clone(), file.clone()))?;
        if !(ctx.yes && (out.quiet || out.json)) {
            out.show(&flow::render(&report));
        }
        flow::warn_all(out, &report);
        let mut signer = None;
        let mut update = None;
        if self.send.wallet.is_set() {
            let question = format!(
                "sign proposal {} offline (chain {}, safe {}, epoch {}), unchecked against the chain?",
                report.id, report.chain_id, report.safe, report.epoch
            );
            if !out.confirm(ctx.yes, &question)? {
                return Err(Failure::bad_input(
                    "not signed: declined at the prompt; the file is unchanged",
                )
                .into());
            }
            let (who, u) = flow::sign_offline_into(&self.send.wallet, &mut file).await?;
            signer = Some(who);
            update = Some(u);
        }
        let changed = file != flow::load_file(&self.file)?;
        let written = changed && !self.send.tx.dry_run;
        if written {
            file.save_atomic(&self.file).map_err(flow::proposal_failure)?;
        }
        let report = flow::offline_report(&flow::Loaded::from_file(self.file.clone(), file))?;
        let mut text = String::new();
        match (signer, update) {
            (Some(who), Some(SignatureUpdate::Unchanged)) => {
                text.push_str(&format!("{who} had already signed {}\n", report.id));
            }
            (Some(who), Some(_)) => {
                text.push_str(&format!("signed {} offline as {who}\n", report.id));
            }
            _ => {}
        }
        text.push_str(&format!(
            "signatures {} in the file; owners and threshold not checked offline\n",
            report.approvals.len()
        ));
        text.push_str(&format!(
            "next      carry the file back; on a machine with a node: tsafe show {} (checks what could not be checked here), then tsafe queue {}\n",
            self.file.display(),
            self.file.display()
        ));
        if written {
            text.push_str(&format!("saved     {}\n", self.file.display()));
        }
        self.outcome(report, signer, update, written, text)
    }

    /// `--remove SIGNER`: drops one signature, atomically.
    /// The report of a signing (online or offline): the proposal as it stands, who signed, and
    /// whether the file was written.
    fn outcome(
        self,
        proposal: flow::ProposalReport,
        signer: Option<Address>,
        update: Option<crate::proposal::SignatureUpdate>,
        written: bool,
        text: String,
    ) -> Result<Outcome> {
        Outcome::new(
            &SignReport {
                proposal,
                file: self.file,
                signer,
                signature: update.map(|u| format!("{u:?}").to_lowercase()),
                merged_from: self.merge,
                written,
            },
            text,
        )
    }

    fn remove(self, signer: Address) -> Result<Outcome> {
        let mut file = flow::load_file(&self.file)?;
        if !file.remove_signature(signer) {
            let present: Vec<String> =
                file.signatures().iter().map(|s| s.signer.to_string()).collect();
            return Err(Failure::bad_input(format!(
                "{} has no signature by {signer}; the file is unchanged",
                self.file.display()
            ))
            .fix(if present.is_empty() {
                "the file carries no signatures".to_owned()
            } else {
                format!("it is signed by: {}", present.join(", "))
            })
            .into());
        }
        let written = !self.send.tx.dry_run;
        if written {
            file.save_atomic(&self.file).map_err(flow::proposal_failure)?;
        }
        let report = flow::offline_report(&flow::Loaded::from_file(self.file.clone(), file))?;
        let text = format!(
            "removed the signature of {signer} from {}\nsignatures {} left{}\n",
            self.file.display(),
            report.approvals.len(),
            if written { "" } else { " (dry run: the file was not changed)" }
        );
        Outcome::new(
            &SignReport {
                proposal: report,
                file: self.file,
                signer: Some(signer),
                signature: Some("removed".to_owned()),
                merged_from: Vec::new(),
                written,
            },
            text,
        )
    }
}
