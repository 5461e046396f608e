//! Sending transactions the same way everywhere: simulate first (decoding any revert), print the
//! hash the moment it is sent, show a spinner while waiting, and on a receipt timeout say that the
//! transaction is still pending and must not be resubmitted.

use crate::{
    context::Chain,
    exit::{ExitKind, Failure},
    output::Out,
    revert,
};
use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::{Ethereum, ReceiptResponse},
    primitives::TxHash,
    providers::{PendingTransactionBuilder, Provider},
};
use eyre::Result;
use serde::Serialize;

/// A mined transaction.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mined {
    /// Its hash.
    pub hash: TxHash,
    /// The block it landed in.
    pub block: Option<u64>,
    /// Gas it used.
    pub gas_used: u64,
}

/// Simulates `call` (an `eth_call` from the sender), then, unless `dry_run`, sends it and waits for
/// its receipt. Returns `None` on a dry run.
pub async fn transact<P, D>(
    out: &Out,
    chain: &Chain,
    what: &str,
    call: &CallBuilder<P, D, Ethereum>,
    dry_run: bool,
) -> Result<Option<Mined>>
where
    P: Provider<Ethereum>,
    D: CallDecoder,
{
    // Simulation: a revert is decoded into the contract's error, with its fix, before anything is signed.
    call.call_raw().await.map_err(|e| revert::contract_failure(what, &e))?;
    if dry_run {
        out.status(format!("dry run: {what} simulated successfully; nothing was sent"));
        return Ok(None);
    }
    let pending = call.send().await.map_err(|e| revert::contract_failure(what, &e))?;
    wait(out, chain, what, pending).await.map(Some)
}

/// Prints the hash of a sent transaction at once, then waits for its receipt with a spinner; a
/// timeout is reported as still pending (never resubmit), a reverted receipt as a failure.
pub async fn wait(
    out: &Out,
    chain: &Chain,
    what: &str,
    pending: PendingTransactionBuilder<Ethereum>,
) -> Result<Mined> {
    let hash = *pending.tx_hash();
    out.sent(what, hash);
    let spinner = out.spinner(format!("waiting for {what} to be mined"));
    let receipt = pending.with_timeout(Some(chain.timeout)).get_receipt().await.map_err(|e| {
        Failure::new(ExitKind::Pending, format!("still pending: {hash}, do not resubmit ({e})"))
            .fix("wait, then check it with `cast receipt HASH`; resubmitting could double-spend a nonce")
    })?;
    drop(spinner);
    if !receipt.status() {
        return Err(Failure::new(
            ExitKind::Reverted,
            format!(
                "{what} was mined in {hash} but reverted (the chain changed since the simulation)"
            ),
        )
        .fix("run the command again: it re-simulates and names the reason")
        .into());
    }
    Ok(Mined { hash, block: receipt.block_number(), gas_used: receipt.gas_used() })
}
