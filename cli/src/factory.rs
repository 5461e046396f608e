//! The deterministic factory: where it lives on every chain, and deploying it through the
//! standard CREATE2 deployer when it is not there yet.

use crate::{
    chain::{Chain, node_down},
    contracts::TREASURY_SAFE_FACTORY_BYTECODE,
    exit::{ExitKind, Failure},
    output::Out,
    tx,
};
use alloy::{
    network::TransactionBuilder,
    primitives::{Address, B256, Bytes, address, keccak256},
    providers::Provider,
    rpc::types::TransactionRequest,
};
use eyre::Result;

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
    let pending =
        chain.provider.send_transaction(request).await.map_err(|e| {
            Failure::new(ExitKind::Reverted, format!("factory deployment failed: {e}"))
        })?;
    let mined = tx::wait(out, chain, "factory deployment", pending).await?;
    let code =
        chain.provider.get_code_at(factory).await.map_err(|e| node_down(&chain.rpc_url, &e))?;
    if code.is_empty() {
        return Err(Failure::new(
            ExitKind::Reverted,
            format!("factory deployment {} left no code at {factory}", mined.hash),
        )
        .into());
    }
    Ok((factory, Some(mined)))
}
