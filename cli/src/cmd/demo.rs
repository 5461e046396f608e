//! `tsafe demo`: PLACEHOLDER demo for the foundation issue.
//!
//! It proves the pipeline end to end (contracts/ -> pinned solc -> bindings -> a local chain)
//! with `contracts/Placeholder.sol` only: spawn anvil, deploy `Placeholder(42)`, read
//! `answer()` back. The real treasury-safe walk-through replaces it with the CLI issue.

use crate::{
    contracts::{PLACEHOLDER_BYTECODE, Placeholder},
    output, toolchain,
};
use alloy::{
    node_bindings::Anvil, primitives::Address, primitives::U256, providers::ProviderBuilder,
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use serde::Serialize;

/// The value the demo deploys and expects back.
const ANSWER: u64 = 42;

/// Arguments of `tsafe demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the result as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What the demo did: the data it prints on stdout.
#[derive(Debug, Serialize)]
pub struct DemoReport {
    /// Always true: this demo is a placeholder for the real one.
    pub placeholder: bool,
    pub contract: &'static str,
    pub address: Address,
    pub chain_id: u64,
    /// Creation bytecode size in bytes (as compiled by cli/build.rs).
    pub bytecode_len: usize,
    /// `answer()` as read back from the chain, in decimal.
    pub answer: String,
}

impl DemoArgs {
    /// Runs the placeholder demo and prints its report.
    pub async fn run(self) -> Result<()> {
        let report = placeholder_demo().await?;
        if self.json {
            output::data(&serde_json::to_string(&report).wrap_err("failed to encode the report")?)
        } else {
            output::data(&format!(
                "placeholder demo ok: Placeholder at {} on chain {} answered {}",
                report.address, report.chain_id, report.answer
            ))
        }
        .wrap_err("failed to write to stdout")
    }
}

async fn placeholder_demo() -> Result<DemoReport> {
    output::status(
        "tsafe demo: PLACEHOLDER. This only proves the toolchain pipeline (contracts/ -> pinned \
         solc -> Rust bindings -> local chain) with contracts/Placeholder.sol. The treasury-safe \
         demo arrives with the CLI issue.",
    );

    let anvil_bin = toolchain::anvil_path()?;
    output::status(&format!("  1/3 starting a local anvil ({})", anvil_bin.display()));
    let anvil = Anvil::at(&anvil_bin).try_spawn().wrap_err_with(|| {
        format!("failed to start anvil from {}; run `make deps` or set ANVIL", anvil_bin.display())
    })?;
    let wallet = anvil.wallet().ok_or_else(|| eyre!("anvil reported no dev accounts"))?;
    let provider = ProviderBuilder::new().wallet(wallet).connect_http(anvil.endpoint_url());

    output::status(&format!(
        "  2/3 deploying Placeholder({ANSWER}) from anvil's first dev account ({} bytes of creation code)",
        PLACEHOLDER_BYTECODE.len()
    ));
    let contract = Placeholder::deploy(&provider, U256::from(ANSWER))
        .await
        .wrap_err("failed to deploy Placeholder on the local anvil")?;

    output::status(&format!("  3/3 reading answer() from {}", contract.address()));
    let answer =
        contract.answer().call().await.wrap_err("failed to call answer() on Placeholder")?;
    if answer != U256::from(ANSWER) {
        bail!(
            "Placeholder.answer() returned {answer}, expected {ANSWER}: the deployed code is wrong"
        );
    }

    Ok(DemoReport {
        placeholder: true,
        contract: "Placeholder",
        address: *contract.address(),
        chain_id: anvil.chain_id(),
        bytecode_len: PLACEHOLDER_BYTECODE.len(),
        answer: answer.to_string(),
    })
}
