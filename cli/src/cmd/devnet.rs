//! `tsafe devnet`: a local chain with a demo safe, ready for the other commands.
//!
//! Starts anvil (the pinned one; or uses `--rpc-url`), deploys the deterministic factory and a
//! 2-of-3 safe whose owners are anvil's accounts 0-2 and whose guardian is account 3, funds it,
//! saves the network and safe as `devnet` in the config, prints the next commands, and keeps
//! anvil running until Ctrl-C.

use crate::{
    config::{Network, SafeEntry},
    context::Ctx,
    devnet::{DEV_KEYS, dev_chain, setup_dev_safe, spawn_anvil},
    output::Outcome,
};
use alloy::primitives::{B256, utils::parse_ether};
use clap::Args;
use eyre::{Result, eyre};

/// Arguments of `tsafe devnet`.
#[derive(Debug, Args)]
pub struct DevnetArgs {
    /// Use this node instead of starting anvil.
    #[arg(short = 'r', long, env = "ETH_RPC_URL", value_name = "URL")]
    pub rpc_url: Option<String>,
    /// Port for the anvil it starts.
    #[arg(long, default_value_t = 8545)]
    pub port: u16,
    /// Set up and exit instead of keeping anvil running (only with --rpc-url).
    #[arg(long, requires = "rpc_url")]
    pub no_wait: bool,
}

impl DevnetArgs {
    /// Sets up the devnet, saves the profile and waits for Ctrl-C.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let anvil = match &self.rpc_url {
            Some(_) => None,
            None => Some(spawn_anvil(&ctx.out, self.port)?),
        };
        let url = match (&self.rpc_url, &anvil) {
            (Some(url), _) => url.clone(),
            (None, Some(anvil)) => anvil.endpoint(),
            (None, None) => return Err(eyre!("no node")),
        };
        let chain = dev_chain(&url).await?;
        let dev = setup_dev_safe(&ctx.out, &chain, B256::ZERO, parse_ether("100")?).await?;

        let mut config = ctx.config.clone();
        config.networks.insert(
            "devnet".into(),
            Network { rpc_url: url.clone(), chain_id: Some(chain.chain_id) },
        );
        config.safes.insert(
            "devnet".into(),
            SafeEntry {
                address: dev.safe,
                network: Some("devnet".into()),
                chain_id: Some(chain.chain_id),
                deployed_block: None,
            },
        );
        if config.default_network.is_none() {
            config.default_network = Some("devnet".into());
        }
        config.save(&ctx.config_path)?;

        let text = format!(
            "devnet ready on {url} (chain {chain})\n\
             safe      {safe} (saved as \"devnet\" in {cfg})\n\
             owners    anvil accounts 0, 1, 2 (threshold 2); guardian: account 3\n\
             recovery  anvil account 6 (accepted on this chain): where an evacuation sweeps everything\n\
             caps      10 ETH per day, 250,000 dUSD per 7 days; delay 2d\n\
             funded    100 ETH and 1,000,000 dUSD (token {token})\n\n\
             next (these are anvil's public test keys; use --account or --ledger for real funds):\n  \
             tsafe status --safe devnet\n  \
             tsafe propose --safe devnet --to 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc --value 1ether --out p.json --private-key {k0}\n  \
             tsafe sign p.json --private-key {k1}\n  \
             tsafe queue p.json --private-key {k1}\n  \
             tsafe execute p.json --wait --private-key {k1}\n  \
             tsafe propose --safe devnet --token {token} --to 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc --amount 1500 --private-key {k0}\n  \
             tsafe freeze --safe devnet --private-key {k3}\n  \
             tsafe evacuate --safe devnet --dry-run --private-key {k3}\n\n\
             watch it (cancels anything queued that is not announced; see docs/watch.md):\n  \
             printf '[[safe]]\\naddress = \"{safe}\"\\nrpc_urls = [\"{url}\"]\\n[[rule]]\\nname = \"deny\"\\nkind = \"expect\"\\nseverity = \"critical\"\\naction = \"cancel\"\\n' > watch.toml\n  \
             tsafe watch watch.toml --private-key {k3}",
            token = dev.token,
            chain = chain.chain_id,
            safe = dev.safe,
            cfg = ctx.config_path.display(),
            k0 = DEV_KEYS[0],
            k1 = DEV_KEYS[1],
            k3 = DEV_KEYS[3],
        );
        let mut outcome = Outcome::new(&dev, text)?;
        if let Some(anvil) = anvil {
            // The report goes out now (text, or the JSON envelope); anvil lives until Ctrl-C.
            ctx.out.success("devnet", &outcome)?;
            outcome.printed = true;
            ctx.out.status("anvil is running; press Ctrl-C (or send SIGTERM) to stop it");
            stop_requested().await?;
            drop(anvil);
        }
        Ok(outcome)
    }
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill`, systemd and container runtimes
/// send), so anvil is stopped either way.
async fn stop_requested() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
