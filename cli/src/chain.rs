//! Chain-side helpers shared by commands: the deterministic factory and ERC-20 metadata.

use crate::{
    context::{Chain, node_down},
    contracts::TREASURY_SAFE_FACTORY_BYTECODE,
    exit::Failure,
    output::Out,
    tx,
};
use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, address, keccak256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
};
use eyre::Result;

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

/// The standard deterministic CREATE2 deployer (present on anvil and most chains).
pub const CREATE2_DEPLOYER: Address = address!("0x4e59b44847b379578588920ca78fbf26c0b4956c");

/// The factory's CREATE2 salt: `keccak256("tsafe.TreasurySafeFactory.v1")`, as in script/Deploy.s.sol.
pub fn factory_salt() -> B256 {
    keccak256("tsafe.TreasurySafeFactory.v1")
}

/// Where the factory lives on every chain (same creation code and salt as script/Deploy.s.sol).
pub fn factory_address() -> Address {
    CREATE2_DEPLOYER.create2_from_code(factory_salt(), TREASURY_SAFE_FACTORY_BYTECODE)
}

/// Deploys the factory through the deterministic deployer unless it is already there.
/// Returns the factory address and the transaction, if one was sent.
pub async fn ensure_factory(
    out: &Out,
    chain: &Chain,
    from: Address,
    dry_run: bool,
) -> Result<(Address, Option<tx::Mined>)> {
    let factory = factory_address();
    let code =
        chain.provider.get_code_at(factory).await.map_err(|e| node_down(&chain.rpc_url, &e))?;
    if !code.is_empty() {
        return Ok((factory, None));
    }
    let deployer = chain
        .provider
        .get_code_at(CREATE2_DEPLOYER)
        .await
        .map_err(|e| node_down(&chain.rpc_url, &e))?;
    if deployer.is_empty() {
        return Err(Failure::bad_input(format!(
            "chain {} has no deterministic deployer at {CREATE2_DEPLOYER}, so the factory cannot be placed at its fixed address",
            chain.chain_id
        ))
        .fix("deploy the deployer first (see its repository), or use a chain that has it")
        .into());
    }
    if dry_run {
        out.status(format!("dry run: would deploy the factory at {factory}"));
        return Ok((factory, None));
    }
    let mut input = factory_salt().to_vec();
    input.extend_from_slice(TREASURY_SAFE_FACTORY_BYTECODE);
    let request = TransactionRequest::default()
        .with_from(from)
        .with_to(CREATE2_DEPLOYER)
        .with_input(Bytes::from(input));
    let pending = chain.provider.send_transaction(request).await.map_err(|e| {
        Failure::new(crate::exit::ExitKind::Reverted, format!("factory deployment failed: {e}"))
    })?;
    let mined = tx::wait(out, chain, "factory deployment", pending).await?;
    let code =
        chain.provider.get_code_at(factory).await.map_err(|e| node_down(&chain.rpc_url, &e))?;
    if code.is_empty() {
        return Err(Failure::new(
            crate::exit::ExitKind::Reverted,
            format!("factory deployment {} left no code at {factory}", mined.hash),
        )
        .into());
    }
    Ok((factory, Some(mined)))
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
    let decimals = erc20.decimals().call().await.map_err(|_| {
        Failure::bad_input(format!(
            "{token} does not answer decimals(): not an ERC-20 on chain {}",
            chain.chain_id
        ))
        .fix("check the token address and the network")
    })?;
    let symbol = erc20.symbol().call().await.unwrap_or_else(|_| format!("{token}"));
    Ok((symbol, decimals))
}

/// Refuses `candidate` as `safe`'s recovery address when it is itself a tsafe whose recovery
/// address (in force, backup or scheduled) is `safe`: two safes recovering into each other lose the
/// fixed destination that evacuation relies on (docs/SECURITY.md §3.14). Anything else passes: an
/// account without code, or a contract that is not a tsafe. Longer cycles are not followed.
pub async fn check_recovery_cycle(
    chain: &crate::context::Chain,
    flag: &str,
    candidate: Address,
    safe: Address,
) -> eyre::Result<()> {
    let code = chain.provider.get_code_at(candidate).await?;
    if code.is_empty() {
        return Ok(());
    }
    let other = crate::contracts::ITreasurySafe::new(candidate, chain.provider.clone());
    let Ok(r) = other.getRecovery().call().await else { return Ok(()) };
    if [r.recovery, r.backup, r.pending].contains(&safe) {
        return Err(crate::exit::Failure::bad_input(format!(
            "{flag} {candidate} is a tsafe whose own recovery address is {safe}, this safe: two safes recovering into each other are a cycle, and an evacuation would no longer reach a destination out of the thieves' reach"
        ))
        .fix("name a recovery address outside this pair: a deep-vault tsafe that recovers elsewhere, or a cold wallet")
        .into());
    }
    Ok(())
}
