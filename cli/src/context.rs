//! Flags, environment and config file, resolved once into what commands use. Commands never read
//! the environment themselves.

pub use crate::chain::{Chain, node_down};
use crate::{
    config::{Config, DEVNET_RPC_URL},
    contracts::ITreasurySafe,
    exit::Failure,
    opts::{GlobalOpts, RpcOpts, SafeOpts, WalletOpts},
    output::Out,
    wallet::Wallet,
};
use alloy::{
    primitives::Address,
    providers::{DynProvider, Provider, ProviderBuilder},
};
use eyre::Result;
use std::{path::PathBuf, time::Duration};

/// Everything a command needs before it touches a chain.
#[derive(Debug)]
pub struct Ctx {
    /// Output settings.
    pub out: Out,
    /// `--yes`.
    pub yes: bool,
    /// The config file's content.
    pub config: Config,
    /// Where the config file lives (or would).
    pub config_path: PathBuf,
}

/// A safe named on the command line or in the config.
#[derive(Debug, Clone)]
pub struct SafeRef {
    /// Its address.
    pub address: Address,
    /// Its name in the config, if it came from there.
    pub name: Option<String>,
    /// The network the config says it lives on.
    pub network: Option<String>,
    /// The chain id the config says it lives on.
    pub chain_id: Option<u64>,
    /// The block it was deployed in, if the config knows it (log queries start there).
    pub deployed_block: Option<u64>,
}

impl SafeRef {
    /// A safe known only by its address.
    pub fn address(address: Address) -> Self {
        Self { address, name: None, network: None, chain_id: None, deployed_block: None }
    }

    /// The first block to read its logs from.
    pub fn from_block(&self) -> u64 {
        self.deployed_block.unwrap_or(0)
    }
}

impl Ctx {
    /// Resolves the global flags and loads the config file.
    pub fn new(global: &GlobalOpts) -> Result<Self> {
        let config_path = global
            .config
            .clone()
            .or_else(Config::default_path)
            .unwrap_or_else(|| PathBuf::from("tsafe.toml"));
        let config = Config::load(&config_path)?;
        Ok(Self { out: Out::new(global.json, global.quiet), yes: global.yes, config, config_path })
    }

    /// The safe from `--safe` (an address or a config name); required.
    pub fn safe(&self, opts: &SafeOpts) -> Result<SafeRef> {
        let Some(given) = opts.safe.as_deref() else {
            return Err(Failure::bad_input("no safe given")
                .fix("pass --safe ADDRESS or --safe NAME (a name from the config), or set TSAFE_SAFE")
                .into());
        };
        if let Some(entry) = self.config.safes.get(given) {
            return Ok(SafeRef {
                address: entry.address,
                name: Some(given.to_string()),
                network: entry.network.clone(),
                chain_id: entry.chain_id,
                deployed_block: entry.deployed_block,
            });
        }
        match given.parse::<Address>() {
            Ok(address) => Ok(self.known_safe(address)),
            Err(_) => {
                let known: Vec<&str> = self.config.safes.keys().map(String::as_str).collect();
                Err(Failure::bad_input(format!(
                    "--safe {given:?} is neither an address nor a safe named in {}",
                    self.config_path.display()
                ))
                .fix(if known.is_empty() {
                    "pass the 0x… address (no safes are named in the config yet)".to_string()
                } else {
                    format!("use an address or one of: {}", known.join(", "))
                })
                .into())
            }
        }
    }

    /// The safe at `address`, with what the config knows of it (under any name).
    pub fn known_safe(&self, address: Address) -> SafeRef {
        match self.config.safes.iter().find(|(_, s)| s.address == address) {
            Some((name, s)) => SafeRef {
                address,
                name: Some(name.clone()),
                network: s.network.clone(),
                chain_id: s.chain_id,
                deployed_block: s.deployed_block,
            },
            None => SafeRef::address(address),
        }
    }

    /// Which RPC URL and expected chain id to use: `--rpc-url`/`ETH_RPC_URL`, else `--network`,
    /// else the safe's network, else the config's default network, else the local devnet.
    pub fn endpoint(&self, rpc: &RpcOpts, safe: Option<&SafeRef>) -> Result<(String, Option<u64>)> {
        let safe_chain = safe.and_then(|s| s.chain_id);
        if let Some(url) = &rpc.rpc_url {
            return Ok((url.clone(), safe_chain));
        }
        let name = rpc
            .network
            .clone()
            .or_else(|| safe.and_then(|s| s.network.clone()))
            .or_else(|| self.config.default_network.clone());
        match name {
            Some(name) => {
                let network = self.config.networks.get(&name).ok_or_else(|| {
                    Failure::bad_input(format!(
                        "network {name:?} is not in {}",
                        self.config_path.display()
                    ))
                    .fix("add it under [networks], or pass --rpc-url")
                })?;
                let url = expand_env(&network.rpc_url).map_err(|var| {
                    Failure::bad_input(format!(
                        "the RPC URL of network {name:?} uses ${{{var}}}, which is not set"
                    ))
                    .fix(format!("export {var}=… (an API key, for instance), or pass --rpc-url"))
                })?;
                Ok((url, network.chain_id.or(safe_chain)))
            }
            None => Ok((DEVNET_RPC_URL.to_string(), None)),
        }
    }

    /// Connects read-only and checks the chain id against the config's expectation.
    pub async fn connect(&self, rpc: &RpcOpts, safe: Option<&SafeRef>) -> Result<Chain> {
        let (url, expected) = self.endpoint(rpc, safe)?;
        let provider =
            ProviderBuilder::new().connect(&url).await.map_err(|e| node_down(&url, &e))?;
        finish_connect(provider.erased(), url, expected, rpc.timeout).await
    }

    /// Connects with a signer attached; the chain id is checked before the signer is opened.
    pub async fn connect_signer(
        &self,
        rpc: &RpcOpts,
        wallet: &WalletOpts,
        safe: Option<&SafeRef>,
    ) -> Result<(Chain, Address)> {
        let read = self.connect(rpc, safe).await?;
        self.connect_signer_to(&read, wallet).await
    }

    /// Opens the signer for a chain already connected (whose chain id was read) and returns the
    /// same chain with the signer attached, and the signer's address.
    pub async fn connect_signer_to(
        &self,
        read: &Chain,
        wallet: &WalletOpts,
    ) -> Result<(Chain, Address)> {
        let signer = Wallet::from_opts(wallet, read.chain_id).await?;
        let from = signer.address();
        let provider = ProviderBuilder::new()
            .wallet(signer.into_ethereum_wallet())
            .connect(&read.rpc_url)
            .await
            .map_err(|e| node_down(&read.rpc_url, &e))?
            .erased();
        Ok((Chain { provider, ..read.clone() }, from))
    }
}

impl Chain {
    /// The safe's binding on this chain, after checking that a tsafe safe is deployed there.
    pub async fn safe(
        &self,
        safe: &SafeRef,
    ) -> Result<ITreasurySafe::ITreasurySafeInstance<DynProvider>> {
        self.safe_at(safe.address).await
    }
}

async fn finish_connect(
    provider: DynProvider,
    url: String,
    expected: Option<u64>,
    timeout: u64,
) -> Result<Chain> {
    let chain_id = provider.get_chain_id().await.map_err(|e| node_down(&url, &e))?;
    if let Some(expected) = expected.filter(|e| *e != chain_id) {
        return Err(Failure::bad_input(format!(
            "the node at {url} is chain {chain_id}, but the config expects chain {expected}"
        ))
        .fix("point the network at the right node, or fix its chain_id in the config")
        .into());
    }
    Ok(Chain { provider, rpc_url: url, chain_id, timeout: Duration::from_secs(timeout) })
}

/// Replaces every `${NAME}` in `text` by the environment variable `NAME` (an RPC URL keeps its
/// API key out of the config file); `Err` names the first variable that is not set.
pub fn expand_env(text: &str) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else { break };
        let name = &rest[start + 2..start + 2 + len];
        let value = std::env::var(name).map_err(|_| name.to_owned())?;
        out.push_str(&rest[..start]);
        out.push_str(&value);
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    Ok(out)
}
