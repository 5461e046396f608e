//! `tsafe deploy`: a new safe at its CREATE2 address, derived from its whole configuration and a
//! salt, initialised in the same transaction. Deploys the deterministic factory first if the chain
//! lacks it. `--name` saves the safe in the config file.

use crate::{
    chain::token_info,
    config::SafeEntry,
    context::Ctx,
    contracts::TreasurySafeFactory,
    exit::Failure,
    factory::ensure_factory,
    opts::{RpcOpts, TxOpts, WalletOpts},
    output::Outcome,
    tx,
    units::{self, AssetRef, CapSpec},
};
use alloy::primitives::{Address, B256};
use clap::Args;
use eyre::Result;
use serde::Serialize;

/// Arguments of `tsafe deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// An owner (repeat for each, 1 to 32).
    #[arg(long = "owner", value_name = "ADDRESS", required = true)]
    pub owners: Vec<String>,
    /// Approvals needed to queue (M of N).
    #[arg(long)]
    pub threshold: u8,
    /// A guardian (repeat, 0 to 8): may freeze once and cancel, never move funds.
    #[arg(long = "guardian", value_name = "ADDRESS")]
    pub guardians: Vec<String>,
    /// Time between queueing and execution, e.g. 2d.
    #[arg(long, default_value = "2d", value_name = "DURATION")]
    pub delay: String,
    /// How long a ready proposal stays executable, e.g. 14d.
    #[arg(long, default_value = "14d", value_name = "DURATION")]
    pub grace: String,
    /// How long a guardian freeze lasts, e.g. 3d.
    #[arg(long = "freeze", default_value = "3d", value_name = "DURATION")]
    pub freeze_duration: String,
    /// Where an evacuation sends everything (never an owner or guardian); it must then accept on
    /// this chain before any sweep moves funds. A second tsafe with disjoint owners, a longer delay
    /// and its own guardian (a "deep vault") is recommended; a cold wallet is allowed.
    #[arg(long, value_name = "ADDRESS")]
    pub recovery: Option<String>,
    /// An optional backup recovery address the owners may switch to at once.
    #[arg(long = "backup-recovery", value_name = "ADDRESS")]
    pub backup_recovery: Option<String>,
    /// A withdrawal cap, e.g. ETH:10ether/1d or 0xToken:250000/7d (repeat per asset).
    #[arg(long = "cap", value_name = "ASSET:AMOUNT/PERIOD")]
    pub caps: Vec<String>,
    /// Any text or 0x-hex: deploying the same configuration again needs another salt.
    #[arg(long, default_value = "")]
    pub salt: String,
    /// Save the safe under this name in the config file.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub rpc: RpcOpts,
    #[command(flatten)]
    pub wallet: WalletOpts,
    #[command(flatten)]
    pub tx: TxOpts,
}

/// What `deploy` reports.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployReport {
    /// The safe's address.
    pub safe: Address,
    /// The factory used.
    pub factory: Address,
    /// The chain.
    pub chain_id: u64,
    /// The CREATE2 salt given to the factory.
    pub salt: B256,
    /// The factory deployment, if this command made it.
    pub factory_transaction: Option<tx::Mined>,
    /// The safe deployment (none on a dry run).
    pub transaction: Option<tx::Mined>,
    /// The name saved in the config, if any.
    pub name: Option<String>,
}

fn addresses(flag: &str, values: &[String]) -> Result<Vec<Address>> {
    values
        .iter()
        .map(|v| {
            units::parse_address(v).map_err(|e| {
                Failure::bad_input(format!("--{flag} {v}: {e}"))
                    .fix(format!("pass a 0x… address to --{flag}"))
                    .into()
            })
        })
        .collect()
}

fn duration(flag: &str, value: &str) -> Result<u32> {
    units::parse_duration(value).map_err(|e| {
        Failure::bad_input(format!("--{flag} {value}: {e}"))
            .fix("write a duration such as 2d, 12h or 90m")
            .into()
    })
}

impl DeployArgs {
    /// Validates everything locally, deploys the factory if needed, then the safe.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let owners = addresses("owner", &self.owners)?;
        let guardians = addresses("guardian", &self.guardians)?;
        let Some(recovery_text) = &self.recovery else {
            return Err(Failure::bad_input(
                "no --recovery: every safe has a recovery address fixed at deployment, the only place an evacuation can send funds (SPEC §3.7), so stolen owner keys can be outrun by a guardian",
            )
            .fix("pass --recovery ADDRESS: best a second tsafe (a deep vault) with disjoint owners, a longer delay and its own guardian; else a cold wallet no owner or guardian controls")
            .into());
        };
        let recovery = addresses("recovery", std::slice::from_ref(recovery_text))?[0];
        let backup_recovery = match &self.backup_recovery {
            Some(b) => addresses("backup-recovery", std::slice::from_ref(b))?[0],
            None => Address::ZERO,
        };
        for (flag, account) in [("--recovery", recovery), ("--backup-recovery", backup_recovery)] {
            if account.is_zero() {
                continue;
            }
            if owners.contains(&account) || guardians.contains(&account) {
                return Err(Failure::bad_input(format!(
                    "{flag} {account} is also an owner or a guardian: a recovery address must be out of reach of the keys it protects against"
                ))
                .fix("use an address no owner or guardian controls, e.g. a second tsafe with disjoint owners")
                .into());
            }
        }
        if backup_recovery == recovery {
            return Err(Failure::bad_input(format!(
                "--backup-recovery {backup_recovery} is the same as --recovery: a backup must be another address"
            ))
            .fix("drop --backup-recovery, or give a second, independent address")
            .into());
        }
        if self.threshold == 0 || usize::from(self.threshold) > owners.len() {
            return Err(Failure::bad_input(format!(
                "--threshold {} with {} owner(s): M must be between 1 and N",
                self.threshold,
                owners.len()
            ))
            .fix("lower --threshold or add --owner")
            .into());
        }
        let delay = duration("delay", &self.delay)?;
        let grace = duration("grace", &self.grace)?;
        let freeze = duration("freeze", &self.freeze_duration)?;
        let specs: Vec<CapSpec> = self
            .caps
            .iter()
            .map(|c| {
                units::parse_cap_spec(c).map_err(|e| {
                    Failure::bad_input(format!("--cap {c}: {e}"))
                        .fix("write e.g. ETH:10ether/1d")
                        .into()
                })
            })
            .collect::<Result<_>>()?;
        if specs.is_empty() {
            ctx.out.warn("no --cap given: every asset can leave without a rolling limit once a proposal passes its delay");
        }
        let salt = crate::salt::parse_salt(&self.salt);

        let (chain, from) = ctx.connect_signer(&self.rpc, &self.wallet, None).await?;
        let mut caps = Vec::with_capacity(specs.len());
        for spec in &specs {
            let decimals = match spec.asset {
                AssetRef::Native => units::NATIVE_DECIMALS,
                AssetRef::Token(token) => token_info(&chain, token).await?.1,
            };
            let limit =
                spec.limit(decimals).map_err(|e| Failure::bad_input(format!("--cap: {e}")))?;
            caps.push(TreasurySafeFactory::CapConfig {
                asset: spec.asset.address(),
                limit: limit.to::<u128>(),
                period: spec.period,
            });
        }
        let config = TreasurySafeFactory::InitConfig {
            owners,
            threshold: alloy::primitives::U256::from(self.threshold),
            guardians,
            delay,
            grace,
            freezeDuration: freeze,
            caps,
            recovery,
            backupRecovery: backup_recovery,
        };

        let (factory_address, factory_tx) =
            ensure_factory(&ctx.out, &chain, from, self.tx.dry_run).await?;
        let factory = TreasurySafeFactory::new(factory_address, chain.provider.clone());
        let call = factory.createSafe(config.clone(), salt).from(from);
        let (recovery, backup_recovery) = (config.recovery, config.backupRecovery);
        let (safe, mined) = if factory_tx.is_none()
            && self.tx.dry_run
            && chain_has_no_code(&chain, factory_address).await?
        {
            // The factory itself is not deployed yet, so nothing more can be simulated.
            (Address::ZERO, None)
        } else {
            let predicted =
                factory.predictSafeAddress(config, salt).call().await.map_err(|e| {
                    crate::exit::contract_failure("predicting the safe address", &e)
                })?;
            let code = alloy::providers::Provider::get_code_at(&chain.provider, predicted).await?;
            if !code.is_empty() {
                return Err(Failure::bad_input(format!(
                    "a safe with this exact configuration and salt already exists at {predicted}"
                ))
                .fix("use it, or pass another --salt to deploy a second one")
                .into());
            }
            crate::chain::check_recovery_cycle(&chain, "--recovery", recovery, predicted).await?;
            if !backup_recovery.is_zero() {
                crate::chain::check_recovery_cycle(
                    &chain,
                    "--backup-recovery",
                    backup_recovery,
                    predicted,
                )
                .await?;
            }
            ctx.out.status(format!("deploying the safe at {predicted} (chain {})", chain.chain_id));
            (predicted, tx::transact_with(&ctx.out, &chain, "createSafe", &call, &self.tx).await?)
        };

        if let (Some(name), Some(m)) = (&self.name, &mined) {
            let mut config = ctx.config.clone();
            // The network: the one named, else one of the config's with this node's URL (a URL
            // given on the command line is not written to the file: it may hold an API key).
            let network = self.rpc.network.clone().or_else(|| {
                config
                    .networks
                    .iter()
                    .find(|(_, n)| n.rpc_url == chain.rpc_url)
                    .map(|(name, _)| name.clone())
            });
            config.safes.insert(
                name.clone(),
                SafeEntry {
                    address: safe,
                    network,
                    chain_id: Some(chain.chain_id),
                    deployed_block: m.block,
                },
            );
            config.save(&ctx.config_path)?;
            ctx.out.status(format!(
                "saved as {name:?} in {} (chain {}, deployed in block {})",
                ctx.config_path.display(),
                chain.chain_id,
                m.block.map_or_else(|| "?".to_owned(), |b| b.to_string())
            ));
        }
        let text = match &mined {
            Some(m) => {
                let mut t =
                    format!("safe deployed at {safe} on chain {} (tx {})", chain.chain_id, m.hash);
                let mut pending = vec![recovery];
                if !backup_recovery.is_zero() {
                    pending.push(backup_recovery);
                }
                for account in pending {
                    t.push_str(&format!(
                        "\nrecovery address {account} has NOT accepted yet: until it does, an evacuation moves nothing. From its key: tsafe accept-recovery --safe {safe} (or --sign-only -o FILE for anyone to relay)"
                    ));
                }
                t
            }
            None => format!("dry run: the safe would be deployed at {safe}"),
        };
        Outcome::new(
            &DeployReport {
                safe,
                factory: factory_address,
                chain_id: chain.chain_id,
                salt,
                factory_transaction: factory_tx,
                transaction: mined,
                name: self.name,
            },
            text,
        )
    }
}

async fn chain_has_no_code(chain: &crate::context::Chain, address: Address) -> Result<bool> {
    Ok(alloy::providers::Provider::get_code_at(&chain.provider, address).await?.is_empty())
}
