//! The node adapter: a connection whose chain id was read ([`Chain`]), the chain's time, logs in
//! bounded ranges, ERC-20 metadata and the deterministic factory.

use crate::{
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
};
use alloy::{
    primitives::{Address, B256},
    providers::{DynProvider, Provider},
    rpc::types::BlockNumberOrTag,
    sol,
};
use eyre::Result;
use std::time::Duration;

/// A connection to a node whose chain id was read.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The provider (with a wallet when the command signs transactions).
    pub provider: DynProvider,
    /// The URL it talks to.
    pub rpc_url: String,
    /// The chain id the node reported.
    pub chain_id: u64,
    /// How long to wait for receipts.
    pub timeout: Duration,
}

impl Chain {
    /// The safe's binding at `address` on this chain, after checking that a tsafe safe is there.
    pub async fn safe_at(
        &self,
        address: Address,
    ) -> Result<ITreasurySafe::ITreasurySafeInstance<DynProvider>> {
        // Both at once: the code, and the answer a tsafe safe gives to `domainSeparator()`.
        let bound = ITreasurySafe::new(address, self.provider.clone());
        let domain = bound.domainSeparator();
        let (code, domain) = tokio::join!(self.provider.get_code_at(address), domain.call());
        let code = code.map_err(|e| node_down(&self.rpc_url, &e))?;
        if code.is_empty() {
            return Err(Failure::bad_input(format!(
                "no contract at {} on chain {} ({})",
                address, self.chain_id, self.rpc_url
            ))
            .fix("check --safe and --rpc-url/--network: the safe lives on another chain, or was never deployed")
            .into());
        }
        // A contract is there; it is a tsafe safe if it answers `domainSeparator()` with the
        // EIP-712 domain of a tsafe at this address on this chain.
        let expected = crate::proposal::hash_proposal(self.chain_id, address, &[], B256::ZERO, 0)
            .domain_separator;
        match domain {
            Ok(domain) if domain == expected => Ok(bound),
            Err(e) if crate::exit::is_unreachable(&e) => Err(node_down(&self.rpc_url, &e)),
            _ => Err(Failure::bad_input(format!(
                "{} on chain {} is a contract, but not a tsafe safe (it does not answer the safe's domainSeparator())",
                address, self.chain_id
            ))
            .fix("check --safe: it names another contract (a token, perhaps); `tsafe status --safe ADDRESS` works on the safe's own address")
            .into()),
        }
    }
}

/// The chain's latest block timestamp (what the contract compares against).
pub async fn chain_now(chain: &Chain) -> Result<u64> {
    let block = chain
        .provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await?
        .ok_or_else(|| eyre::eyre!("the node returned no latest block"))?;
    Ok(block.header.timestamp)
}

/// Most reads one fan-out keeps in flight: enough for a full safe (32 owners, 32 candidate
/// recipients) in one round trip, few enough for a hosted RPC's rate limit.
pub const CONCURRENCY: usize = 32;

/// Runs `read` on every item with at most [`CONCURRENCY`] in flight; results in item order.
pub async fn fan_out<T, F, Fut>(items: Vec<T>, read: F) -> Vec<Fut::Output>
where
    F: FnMut(T) -> Fut,
    Fut: std::future::Future,
{
    use futures::stream::StreamExt as _;
    futures::stream::iter(items).map(read).buffered(CONCURRENCY).collect().await
}

/// A node that cannot be reached.
pub fn node_down(url: &str, error: &dyn std::fmt::Display) -> eyre::Report {
    Failure::new(ExitKind::Node, format!("cannot reach the node at {url}: {error}"))
        .fix("start it (`tsafe devnet` for a local one) or pass the right --rpc-url / --network")
        .into()
}

sol! {
    /// The ERC-20 surface the CLI reads and proposes.
    #[sol(rpc)]
    interface IERC20 {
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
        function balanceOf(address owner) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
    }
}

/// Blocks per `eth_getLogs` request: hosted RPCs refuse larger ranges.
pub const LOG_RANGE: u64 = 10_000;

/// The logs matching `filter` from block `from` to the latest, read in ranges of [`LOG_RANGE`]
/// blocks (start at the safe's deployment block: the config keeps it).
pub async fn logs(
    chain: &Chain,
    filter: &alloy::rpc::types::Filter,
    from: u64,
) -> Result<Vec<alloy::rpc::types::Log>> {
    let latest = chain.provider.get_block_number().await?;
    let mut out = Vec::new();
    let mut start = from;
    while start <= latest {
        let end = latest.min(start.saturating_add(LOG_RANGE - 1));
        let range = filter.clone().from_block(start).to_block(end);
        out.extend(chain.provider.get_logs(&range).await?);
        start = end + 1;
    }
    Ok(out)
}

/// Symbol and decimals of a token, with an error that names it when it is not an ERC-20.
pub async fn token_info(chain: &Chain, token: Address) -> Result<(String, u8)> {
    let erc20 = IERC20::new(token, chain.provider.clone());
    let (decimals, symbol) = (erc20.decimals(), erc20.symbol());
    let (decimals, symbol) = tokio::join!(decimals.call(), symbol.call());
    let decimals = decimals.map_err(|_| {
        Failure::bad_input(format!(
            "{token} does not answer decimals(): not an ERC-20 on chain {}",
            chain.chain_id
        ))
        .fix("check the token address and the network")
    })?;
    let symbol = symbol.unwrap_or_else(|_| format!("{token}"));
    Ok((symbol, decimals))
}

/// Refuses `candidate` as `safe`'s recovery address when it is itself a tsafe whose recovery
/// address (in force, backup or scheduled) is `safe`: two safes recovering into each other lose the
/// fixed destination that evacuation relies on (docs/SECURITY.md §3.14). Anything else passes: an
/// account without code, or a contract that is not a tsafe. Longer cycles are not followed.
pub async fn check_recovery_cycle(
    chain: &Chain,
    flag: &str,
    candidate: Address,
    safe: Address,
) -> eyre::Result<()> {
    let code = chain.provider.get_code_at(candidate).await?;
    if code.is_empty() {
        return Ok(());
    }
    let other = ITreasurySafe::new(candidate, chain.provider.clone());
    let Ok(r) = other.getRecovery().call().await else { return Ok(()) };
    if [r.recovery, r.backup, r.pending].contains(&safe) {
        return Err(Failure::bad_input(format!(
            "{flag} {candidate} is a tsafe whose own recovery address is {safe}, this safe: two safes recovering into each other are a cycle, and an evacuation would no longer reach a destination out of the thieves' reach"
        ))
        .fix("name a recovery address outside this pair: a deep-vault tsafe that recovers elsewhere, or a cold wallet")
        .into());
    }
    Ok(())
}
