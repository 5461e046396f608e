//! Making a proposal: the batch shown decoded and simulated, then written to a file (signed when
//! a wallet is given) and/or proposed on chain. `propose`, `unfreeze`, `rearm`, an owner's
//! `cancel` and the owner-change commands end here.

use super::{Loaded, Safe, Source};
use crate::{
    chain::Chain,
    context::{Ctx, SafeRef},
    contracts::ITreasurySafe,
    exit::Failure,
    opts::{MakeOpts, TxOpts, WalletOpts},
    output::Outcome,
    proposal::ProposalFile,
    tx,
};
use alloy::primitives::{Address, B256};
use eyre::Result;
use serde::Serialize;
use std::path::PathBuf;

/// What `propose` (and `unfreeze`, `rearm`, an owner's `cancel`) reports.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposeReport {
    /// The proposal, decoded.
    pub proposal: super::ProposalReport,
    /// The file written, if any.
    pub file: Option<PathBuf>,
    /// The signer who signed or proposed, if any.
    pub signer: Option<Address>,
    /// The on-chain propose transaction.
    pub transaction: Option<tx::Mined>,
    /// Nothing was written or sent (`--dry-run`).
    pub dry_run: bool,
}

/// Shows the batch decoded, then writes the proposal file (signed when a wallet is given) and/or
/// proposes it on chain.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    ctx: &Ctx,
    chain: &Chain,
    safe: &Safe,
    wallet: &WalletOpts,
    txo: &TxOpts,
    calls: Vec<ITreasurySafe::Call>,
    salt: B256,
    make: &MakeOpts,
) -> Result<Outcome> {
    let out = &ctx.out;
    let epoch = safe.epoch().call().await?;
    let mut file = ProposalFile::new(
        chain.chain_id,
        *safe.address(),
        epoch,
        salt,
        calls.clone(),
        make.description.clone(),
    )
    .map_err(super::proposal_failure)?;
    for text in &make.functions {
        file.add_function(text).map_err(|e| {
            Failure::bad_input(format!("--call {text:?}: {e}"))
                .fix("write the function exactly as the data encodes it")
        })?;
    }
    let id = file.id();
    // The path only names the file in messages; it is written below.
    let path = make
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("proposal-{}.json", hex_prefix(id))));
    let mut report =
        super::report(chain, safe, &Loaded::from_file(path.clone(), file.clone())).await?;
    super::warn_all(out, &report);
    // The whole life simulated (propose, approvals, queue, execute at the eta) before anything is
    // signed, written or sent: owners must not wait out a delay to meet a revert.
    report.simulation = Some(
        super::check_runs(
            out,
            chain,
            *safe.address(),
            &Loaded::from_file(path.clone(), file.clone()),
            None,
            "propose",
            false,
        )
        .await?,
    );

    let mut signer = None;
    let mut transaction = None;
    let mut written = None;
    if make.onchain {
        let (signing, from) = ctx.connect_signer_to(chain, wallet).await?;
        if !safe.isOwner(from).call().await? {
            return Err(Failure::bad_input(format!("{from} is not an owner of {}", safe.address()))
                .fix("propose on chain with an owner's key, or drop --onchain to write a file anyone can pass around")
                .into());
        }
        let bound = ITreasurySafe::new(*safe.address(), signing.provider.clone());
        let call = bound.propose(calls, salt).from(from);
        transaction = tx::transact_with(out, &signing, "propose", &call, txo).await?;
        signer = Some(from);
    } else if wallet.is_set() {
        let (who, _) = super::sign_into(chain, safe, wallet, &mut file).await?;
        signer = Some(who);
    }
    let want_file = !make.onchain || make.out.is_some();
    if want_file && !txo.dry_run {
        file.save_new(&path, make.force).map_err(super::proposal_failure)?;
        written = Some(path.clone());
    }
    // Approvals and state as they now stand: the proposer's signature, or its on-chain proposal.
    if signer.is_some() {
        super::refresh(chain, safe, &Loaded::from_file(path, file), &mut report).await?;
    }
    let mut text = super::render(&report);
    match (&written, &transaction) {
        (Some(path), _) => {
            let p = path.display();
            let then = if report.decoded.fast_track {
                format!("tsafe execute {p} (fast track: queues and executes at once)")
            } else {
                format!("tsafe queue {p}")
            };
            text.push_str(&format!("\nwritten   {p}\n"));
            text.push_str(&format!(
                "next      other owners: tsafe sign {p}; then anyone: {then}\n"
            ));
        }
        (None, Some(m)) => {
            text.push_str(&format!("\nproposed on chain in {}\n", m.hash));
            let safe_ref =
                SafeRef { name: make.safe_name.clone(), ..SafeRef::address(*safe.address()) };
            let source = Source::Id(id);
            text.push_str(&format!(
                "next      other owners: {}; then: {}\n",
                super::next_command("approve", &source, &safe_ref, ""),
                super::next_command("queue", &source, &safe_ref, "")
            ));
        }
        (None, None) => text.push_str("\ndry run: nothing written, nothing sent\n"),
    }
    Outcome::new(
        &ProposeReport {
            proposal: report,
            file: written,
            signer,
            transaction,
            dry_run: txo.dry_run,
        },
        text,
    )
}

/// The first 12 hex digits of an id, for file names.
pub fn hex_prefix(id: B256) -> String {
    let full = format!("{id:x}");
    full.chars().take(12).collect()
}
