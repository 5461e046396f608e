//! `tsafe freeze`: a guardian freezes the safe. Nothing queues or executes until the freeze ends
//! (by itself after the freeze duration, or early by M owners through `tsafe unfreeze`); the
//! guardians' freeze is one shot until the owners re-arm it.

use crate::{context::Ctx, exit::Failure, opts::SendOpts, output::Outcome, tx};
use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use serde::Serialize;

/// Arguments of `tsafe freeze`.
#[derive(Debug, Args)]
pub struct FreezeArgs {
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FreezeReport {
    safe: Address,
    guardian: Address,
    frozen_until: Option<u64>,
    transaction: Option<tx::Mined>,
}

impl FreezeArgs {
    /// Checks the signer is an armed guardian, simulates, sends `freeze()`.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let safe_ref = ctx.safe(&self.send.safe)?;
        let (chain, from) =
            ctx.connect_signer(&self.send.rpc, &self.send.wallet, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        if !safe.isGuardian(from).call().await? {
            return Err(Failure::bad_input(format!(
                "{from} is not a guardian of {}",
                safe_ref.address
            ))
            .fix("sign with a guardian key; owners freeze through a proposal of freeze()")
            .into());
        }
        let call = safe.freeze().from(from);
        let mined = tx::transact_with(&ctx.out, &chain, "freeze", &call, &self.send.tx).await?;
        let frozen_until =
            if mined.is_some() { Some(safe.frozenUntil().call().await?) } else { None };
        let text = match (&mined, frozen_until) {
            (Some(m), Some(until)) => format!(
                "frozen until {} by guardian {from} in {}\n\
                 guardians are now disarmed until the owners re-arm them (`tsafe rearm`)",
                crate::units::format_utc(until),
                m.hash
            ),
            _ => format!("dry run: guardian {from} can freeze {}", safe_ref.address),
        };
        Outcome::new(
            &FreezeReport {
                safe: safe_ref.address,
                guardian: from,
                frozen_until,
                transaction: mined,
            },
            text,
        )
    }
}
