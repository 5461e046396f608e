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
    eips::eip2930::{AccessList, AccessListItem},
    network::{Ethereum, ReceiptResponse},
    primitives::{Address, TxHash},
    providers::{PendingTransactionBuilder, Provider},
    rpc::types::TransactionRequest,
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
    // The watcher's responses (and the demo's and devnet's set-up) go through here: no extra
    // round trip for an access list.
    let opts = TxOpts { dry_run, no_access_list: true, ..TxOpts::default() };
    transact_with(out, chain, what, call, &opts).await
}

/// [`transact`] with the transaction flags: `--gas-limit`, `--gas-price`, `--priority-gas-price`,
/// `--nonce`, `--confirmations`, `--dry-run`, `--no-access-list`. Unless `--no-access-list`, the
/// transaction carries the EIP-2930 access list of [`access_list`].
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
    let mut call = apply(chain, call.clone(), opts).await?;
    if !opts.no_access_list
        && let Some(list) = access_list(chain, call.as_ref()).await
    {
        call = call.access_list(list);
    }
    let pending = call.send().await.map_err(|e| crate::exit::contract_failure(what, &e))?;
    wait_for(out, chain, what, pending, opts.confirmations.max(1)).await.map(Some)
}

/// What an access-list entry costs up front (EIP-2930): per address, per storage key.
const LIST_ADDRESS: u64 = 2_400;
const LIST_KEY: u64 = 1_900;
/// What each listed address or key saves when the transaction touches it: a cold access (2,600
/// for an account, 2,100 for a slot) becomes a warm one (100).
const SAVED_ADDRESS: u64 = 2_500;
const SAVED_KEY: u64 = 2_000;

/// The access list to send with `request`: what the node's `eth_createAccessList` returns, less
/// what cannot pay for itself ([`prune`]). `None` when the node does not answer (an older node, a
/// provider without the method), when the simulation inside it fails, when the request names no
/// sender (the list would be another sender's) or when nothing is left: the transaction is then
/// sent as it would have been without one. A list only warms accounts and slots; it changes no
/// effect of the transaction, so a stale one costs gas, never funds.
async fn access_list(chain: &Chain, request: &TransactionRequest) -> Option<AccessList> {
    let from = request.from?;
    let to = request.to.and_then(|to| to.to().copied())?;
    let result = chain.provider.create_access_list(request).await.ok()?;
    if result.error.is_some() {
        return None;
    }
    let list = prune(result.access_list, from, to);
    (!list.0.is_empty()).then_some(list)
}

/// Keeps the entries of `list` that save more than they cost. An address already warm when the
/// transaction starts (the sender, the transaction's `to`, the precompiles `0x01`..`0xff`, a margin
/// over the ones that exist) saves nothing by being listed, so its entry pays only through its keys
/// (100 net each) and stays only when it has more than 24. Any other address saves 100 net
/// (2,500 − 2,400), and each of its keys 100 more.
pub fn prune(list: AccessList, from: Address, to: Address) -> AccessList {
    let warm = |a: &Address| *a == from || *a == to || a.0[..19].iter().all(|b| *b == 0);
    let pays = |item: &AccessListItem| {
        let keys = item.storage_keys.len() as u64;
        let saved = if warm(&item.address) { 0 } else { SAVED_ADDRESS } + SAVED_KEY * keys;
        saved > LIST_ADDRESS + LIST_KEY * keys
    };
    AccessList(list.0.into_iter().filter(pays).collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{B256, address};

    fn item(address: Address, keys: u8) -> AccessListItem {
        AccessListItem { address, storage_keys: (0..keys).map(B256::with_last_byte).collect() }
    }

    const FROM: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    const SAFE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const IMPLEMENTATION: Address = address!("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    const TOKEN: Address = address!("0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0");

    #[test]
    fn keeps_cold_accounts_and_their_keys_and_drops_what_is_warm_anyway() {
        let list = AccessList(vec![
            item(FROM, 0),
            item(SAFE, 5), // configuration, record, cap slots: 5 × 100 saved < 2,400
            item(address!("0x0000000000000000000000000000000000000001"), 0), // ecrecover
            item(IMPLEMENTATION, 0),
            item(TOKEN, 2), // two balance slots
        ]);
        let kept = prune(list, FROM, SAFE);
        assert_eq!(kept, AccessList(vec![item(IMPLEMENTATION, 0), item(TOKEN, 2)]));
    }

    #[test]
    fn the_transactions_own_entry_stays_only_when_its_keys_outweigh_the_address() {
        // 24 keys save 24 × 100 = 2,400: no more than the address costs, so not listed.
        assert_eq!(prune(AccessList(vec![item(SAFE, 24)]), FROM, SAFE), AccessList(vec![]));
        // 25 save 2,500: listed.
        assert_eq!(
            prune(AccessList(vec![item(SAFE, 25)]), FROM, SAFE),
            AccessList(vec![item(SAFE, 25)])
        );
    }

    #[test]
    fn every_byte_below_the_precompile_margin_counts_as_warm() {
        let ff = address!("0x00000000000000000000000000000000000000ff");
        let above = address!("0x0000000000000000000000000000000000000100");
        let kept = prune(AccessList(vec![item(ff, 0), item(above, 0)]), FROM, SAFE);
        assert_eq!(kept, AccessList(vec![item(above, 0)]));
    }
}
