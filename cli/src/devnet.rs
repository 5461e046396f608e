//! The local development chain: anvil's public test keys, starting the pinned anvil, a chain
//! handle holding every dev key, and the demo safe (`tsafe devnet` and `tsafe demo` share it).

use crate::{
    chain::Chain,
    contracts::{DevToken, ITreasurySafe, TreasurySafeFactory},
    factory::ensure_factory,
    output::Out,
    toolchain, tx,
    units::NATIVE_ASSET,
};
use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    node_bindings::{Anvil, AnvilInstance},
    primitives::{Address, B256, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use eyre::{Result, WrapErr, eyre};
use serde::Serialize;
use std::time::Duration;

/// anvil's default mnemonic-derived keys: accounts 0-6 (public test keys, never for real funds).
/// Account 6 is the devnet safe's recovery address ([`DEV_RECOVERY_INDEX`]).
pub const DEV_KEYS: [&str; 7] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

/// The dev key that is the devnet safe's recovery address (accepted on the devnet chain).
pub const DEV_RECOVERY_INDEX: usize = 6;

/// Whole dUSD minted on the devnet.
const DEV_TOKEN_SUPPLY: u64 = 1_000_000_000;

/// Whole dUSD the devnet safe is funded with.
const DEV_TOKEN_FUNDING: u64 = 1_000_000;

/// The demo safe's setup.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevSafe {
    /// Its address.
    pub safe: Address,
    /// The factory.
    pub factory: Address,
    /// Owners (anvil accounts 0-2).
    pub owners: Vec<Address>,
    /// The guardian (anvil account 3).
    pub guardian: Address,
    /// The recovery address (anvil account 6), accepted on this chain.
    pub recovery: Address,
    /// The devnet token dUSD (6 decimals, capped at 250,000 per 7 days).
    pub token: Address,
    /// The chain id.
    pub chain_id: u64,
    /// The RPC URL.
    pub rpc_url: String,
}

/// Dev signers for anvil accounts 0-5.
pub fn dev_signers() -> Result<Vec<PrivateKeySigner>> {
    DEV_KEYS
        .iter()
        .map(|k| k.parse::<PrivateKeySigner>().wrap_err("bad built-in dev key"))
        .collect()
}

/// Starts the pinned anvil on `port` (0: any free port).
pub fn spawn_anvil(out: &Out, port: u16) -> Result<AnvilInstance> {
    let bin = toolchain::anvil_path()?;
    out.status(format!("starting anvil ({})", bin.display()));
    let mut anvil = Anvil::at(&bin);
    if port != 0 {
        anvil = anvil.port(port);
    }
    anvil.try_spawn().wrap_err_with(|| {
        format!("failed to start anvil from {} (port {port} busy? try --port)", bin.display())
    })
}

/// A chain handle whose wallet holds all dev keys (pick the sender with `.from(addr)`).
pub async fn dev_chain(url: &str) -> Result<Chain> {
    let mut signers = dev_signers()?.into_iter();
    let first = signers.next().ok_or_else(|| eyre!("no dev keys"))?;
    let mut wallet = EthereumWallet::from(first);
    for signer in signers {
        wallet.register_signer(signer);
    }
    let provider = ProviderBuilder::new().wallet(wallet).connect(url).await?.erased();
    let chain_id = provider.get_chain_id().await?;
    Ok(Chain { provider, rpc_url: url.to_string(), chain_id, timeout: Duration::from_mins(1) })
}

/// Deploys the factory and the demo safe (2-of-3, guardian, 10 ETH/day cap, 2-day delay) and
/// funds it with `funding` wei.
pub async fn setup_dev_safe(
    out: &Out,
    chain: &Chain,
    salt: B256,
    funding: U256,
) -> Result<DevSafe> {
    let signers = dev_signers()?;
    let owners: Vec<Address> = signers[..3].iter().map(alloy::signers::Signer::address).collect();
    let guardian = signers[3].address();
    let deployer = owners[0];
    let (factory_address, _) = ensure_factory(out, chain, deployer, false).await?;
    let factory = TreasurySafeFactory::new(factory_address, chain.provider.clone());
    // A 6-decimal dUSD token, its supply held by the deployer until the safe is funded.
    let token = DevToken::deploy_builder(
        chain.provider.clone(),
        deployer,
        U256::from(DEV_TOKEN_SUPPLY) * U256::from(1_000_000u64),
    )
    .from(deployer)
    .deploy()
    .await
    .wrap_err("deploying the devnet token dUSD")?;
    let config = TreasurySafeFactory::InitConfig {
        owners: owners.clone(),
        threshold: U256::from(2),
        guardians: vec![guardian],
        delay: 2 * 86_400,
        grace: 14 * 86_400,
        freezeDuration: 3 * 86_400,
        recovery: signers[DEV_RECOVERY_INDEX].address(),
        backupRecovery: Address::ZERO,
        caps: vec![
            TreasurySafeFactory::CapConfig {
                asset: NATIVE_ASSET,
                limit: 10u128 * 10u128.pow(18),
                period: 86_400,
            },
            TreasurySafeFactory::CapConfig {
                asset: token,
                limit: 250_000u128 * 10u128.pow(6),
                period: 7 * 86_400,
            },
        ],
    };
    let safe = factory.predictSafeAddress(config.clone(), salt).call().await?;
    if chain.provider.get_code_at(safe).await?.is_empty() {
        let call = factory.createSafe(config, salt).from(deployer);
        tx::transact(out, chain, "createSafe", &call, false).await?;
        // The recovery address accepts on this chain, so an evacuation can sweep to it.
        let recovery = signers[DEV_RECOVERY_INDEX].address();
        let contract = ITreasurySafe::new(safe, chain.provider.clone());
        let accept = contract.acceptRecovery().from(recovery);
        tx::transact(out, chain, "acceptRecovery", &accept, false).await?;
    }
    let fund = TransactionRequest::default().with_from(owners[0]).with_to(safe).with_value(funding);
    tx::wait(out, chain, "funding", chain.provider.send_transaction(fund).await?).await?;
    let dusd = DevToken::new(token, chain.provider.clone());
    let call = dusd.transfer(safe, U256::from(DEV_TOKEN_FUNDING) * U256::from(1_000_000u64));
    tx::transact(out, chain, "dUSD funding", &call.from(deployer), false).await?;
    Ok(DevSafe {
        token,
        safe,
        factory: factory_address,
        owners,
        guardian,
        recovery: signers[DEV_RECOVERY_INDEX].address(),
        chain_id: chain.chain_id,
        rpc_url: chain.rpc_url.clone(),
    })
}
