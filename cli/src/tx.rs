//! Sending transactions the same way everywhere: simulate first (decoding any revert), print the
//! hash the moment it is sent, show a spinner while waiting, and on a receipt timeout say that the
//! transaction is still pending and must not be resubmitted.

use crate::{
    chain::Chain,
    exit::{ExitKind, Failure},
    opts::TxOpts,
    output::Out,
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
    P: Provider<Ethereum> + Clone,
    D: CallDecoder + Clone,
{
    transact_with(out, chain, what, call, &TxOpts { dry_run, ..TxOpts::default() }).await
}

/// [`transact`] with the transaction flags: `--gas-limit`, `--gas-price`, `--priority-gas-price`,
/// `--nonce`, `--confirmations`, `--dry-run`.
pub async fn transact_with<P, D>(
    out: &Out,
    chain: &Chain,
    what: &str,
    call: &CallBuilder<P, D, Ethereum>,
    opts: &TxOpts,
) -> Result<Option<Mined>>
where
    P: Provider<Ethereum> + Clone,
    D: CallDecoder + Clone,
{
    // Simulation: a revert is decoded into the contract's error, with its fix, before anything is signed.
    if let Err(e) = call.call_raw().await {
        let failure = crate::exit::contract_failure(what, &e);
        return Err(crate::explain::explain(chain, failure).await.into());
    }
    if opts.dry_run {
        out.status(format!("dry run: {what} simulated successfully; nothing was sent"));
        return Ok(None);
    }
    let call = apply(chain, call.clone(), opts).await?;
    let pending = call.send().await.map_err(|e| crate::exit::contract_failure(what, &e))?;
    wait_for(out, chain, what, pending, opts.confirmations.max(1)).await.map(Some)
}

/// A fee flag's value in wei (`30gwei`, `0.1ether` or wei).
fn fee(flag: &str, text: &str) -> Result<u128> {
    crate::units::parse_native_amount(text).ok().and_then(|v| u128::try_from(v).ok()).ok_or_else(
        || {
            Failure::bad_input(format!("{flag} {text}: not a fee"))
                .fix("write a price such as 30gwei, or wei")
                .into()
        },
    )
}

async fn apply<P, D>(
    chain: &Chain,
    mut call: CallBuilder<P, D, Ethereum>,
    opts: &TxOpts,
) -> Result<CallBuilder<P, D, Ethereum>>
where
    P: Provider<Ethereum>,
    D: CallDecoder,
{
    if let Some(gas) = opts.gas_limit {
        call = call.gas(gas);
    }
    if let Some(nonce) = opts.nonce {
        call = call.nonce(nonce);
    }
    let price = opts.gas_price.as_deref().map(|p| fee("--gas-price", p)).transpose()?;
    let tip =
        opts.priority_gas_price.as_deref().map(|p| fee("--priority-gas-price", p)).transpose()?;
    match (price, tip) {
        (Some(price), None) => call = call.gas_price(price),
        (price, Some(tip)) => {
            let max = match price {
                Some(p) => p,
                None => {
                    let estimate = chain.provider.estimate_eip1559_fees().await?;
                    estimate.max_fee_per_gas - estimate.max_priority_fee_per_gas + tip
                }
            };
            call = call.max_fee_per_gas(max.max(tip)).max_priority_fee_per_gas(tip);
        }
        (None, None) => {}
    }
    Ok(call)
}

/// Prints the hash of a sent transaction at once, then waits for its receipt with a spinner; a
/// timeout is reported as still pending (never resubmit), a reverted receipt as a failure.
pub async fn wait(
    out: &Out,
    chain: &Chain,
    what: &str,
    pending: PendingTransactionBuilder<Ethereum>,
) -> Result<Mined> {
    wait_for(out, chain, what, pending, 1).await
}

/// [`wait`] for `confirmations` blocks. A timeout names the nonce and fee of the pending
/// transaction and how to replace it with a higher fee.
pub async fn wait_for(
    out: &Out,
    chain: &Chain,
    what: &str,
    pending: PendingTransactionBuilder<Ethereum>,
    confirmations: u64,
) -> Result<Mined> {
    let hash = *pending.tx_hash();
    out.sent(what, hash);
    let spinner = out.spinner(format!("waiting for {what} to be mined"));
    let receipt = match pending
        .with_required_confirmations(confirmations)
        .with_timeout(Some(chain.timeout))
        .get_receipt()
        .await
    {
        Ok(receipt) => receipt,
        Err(e) => {
            let sent = chain.provider.get_transaction_by_hash(hash).await.ok().flatten();
            let replace = match sent {
                Some(t) => {
                    use alloy::consensus::Transaction as _;
                    let price = t.inner.max_fee_per_gas();
                    format!(
                        "wait, then check it with `cast receipt {hash}`; to replace it (stuck at nonce {}, max fee {} gwei), run the same command again with --nonce {} and a higher fee, e.g. --gas-price {}gwei --priority-gas-price {}gwei: the same nonce can only be mined once, so nothing runs twice",
                        t.inner.nonce(),
                        price / 1_000_000_000,
                        t.inner.nonce(),
                        (price + price / 5) / 1_000_000_000 + 1,
                        (t.inner.max_priority_fee_per_gas().unwrap_or(price) + price / 10)
                            / 1_000_000_000
                            + 1,
                    )
                }
                None => format!(
                    "wait, then check it with `cast receipt {hash}`; to replace it, run the same command with the same --nonce and a higher --gas-price"
                ),
            };
            return Err(Failure::new(
                ExitKind::Pending,
                format!("still pending: {hash}, do not resubmit ({e})"),
            )
            .fix(replace)
            .into());
        }
    };
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
