//! `tsafe unfreeze` and `tsafe rearm`: the owners' fast-tracked self-calls. Each writes a
//! proposal file signed by the caller (or proposes on chain with `--onchain`); once M owners
//! signed, `tsafe execute FILE` queues and executes it in one go. `unfreeze` is allowed while
//! frozen; `rearm` waits for the freeze to end.

use crate::{
    context::Ctx,
    contracts::ITreasurySafe::{self, ITreasurySafeCalls},
    flow,
    opts::{MakeOpts, SendOpts},
    output::Outcome,
};
use alloy::{
    primitives::{Bytes, U256, keccak256},
    sol_types::SolInterface,
};
use clap::Args;
use eyre::Result;

/// Arguments of `tsafe unfreeze` and `tsafe rearm`.
#[derive(Debug, Args)]
pub struct OwnerCallArgs {
    #[command(flatten)]
    pub make: MakeOpts,
    #[command(flatten)]
    pub send: SendOpts,
}

impl OwnerCallArgs {
    /// Writes (and signs) the owners' proposal of `call`.
    pub async fn run(self, ctx: &Ctx, call: ITreasurySafeCalls) -> Result<Outcome> {
        let safe_ref = ctx.safe(&self.send.safe)?;
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        let calls = vec![ITreasurySafe::Call {
            target: safe_ref.address,
            value: U256::ZERO,
            data: Bytes::from(call.abi_encode()),
        }];
        // Every owner running `tsafe unfreeze` for the same freeze gets the same proposal, so
        // their files merge; other calls get a fresh salt.
        let default_salt = if matches!(call, ITreasurySafeCalls::unfreeze(_)) {
            let until = safe.frozenUntil().call().await?;
            keccak256([b"tsafe.unfreeze".as_slice(), &until.to_be_bytes()].concat())
        } else {
            crate::salt::fresh_salt()
        };
        let salt = self.make.salt.as_deref().map_or(default_salt, crate::salt::parse_salt);
        flow::create(ctx, &chain, &safe, &self.send.wallet, &self.send.tx, calls, salt, &self.make)
            .await
    }
}
