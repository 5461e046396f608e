//! `tsafe cancel ID`: a guardian cancels a queued proposal directly; an owner writes (and signs)
//! the owners' fast-tracked `cancel(id)` proposal, which M owners queue and execute at once, even
//! while the safe is frozen.

use crate::{
    context::Ctx,
    contracts::ITreasurySafe,
    exit::Failure,
    flow::{self, Source},
    opts::{MakeOpts, SendOpts},
    output::Outcome,
    state::ProposalState,
    tx,
};
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    sol_types::SolCall,
};
use clap::Args;
use eyre::Result;
use serde::Serialize;

/// Arguments of `tsafe cancel`.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The proposal id, or a proposal file (its id is used).
    #[arg(value_name = "ID|FILE")]
    pub proposal: Source,
    #[command(flatten)]
    pub make: MakeOpts,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelReport {
    id: B256,
    guardian: Address,
    transaction: Option<tx::Mined>,
}

impl CancelArgs {
    /// Cancels as a guardian, or proposes the cancel as an owner.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let file = match &self.proposal {
            Source::File(path) => Some(crate::flow::load_file(path)?),
            Source::Id(_) => None,
        };
        let id = match (&self.proposal, &file) {
            (Source::Id(id), _) => *id,
            (_, Some(f)) => f.id(),
            _ => B256::ZERO,
        };
        let safe_ref = crate::flow::resolve_safe(ctx, &self.send.safe, file.as_ref())?;
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        if !self.send.wallet.is_set() {
            return Err(Failure::bad_input("no signer given")
                .fix("a guardian cancels with its key; an owner signs the owners' cancel proposal: pass --account, --keystore, --ledger, --mnemonic or -i")
                .into());
        }
        let (signing, from) = ctx.connect_signer_to(&chain, &self.send.wallet).await?;
        let guardian = safe.isGuardian(from).call().await?;
        if !guardian && !safe.isOwner(from).call().await? {
            return Err(Failure::bad_input(format!(
                "{from} is neither a guardian nor an owner of {}",
                safe_ref.address
            ))
            .fix("cancel with a guardian's key, or sign the owners' cancel proposal with an owner's key")
            .into());
        }
        let state = crate::state::from_contract(safe.proposalState(id).call().await?)?;
        if state.is_final() {
            return Err(Failure::bad_input(format!("{id} cannot be cancelled: it is {state}"))
                .fix("nothing to cancel: it can no longer execute")
                .into());
        }
        if guardian && state == ProposalState::Unknown {
            return Err(Failure::bad_input(format!(
                "{id} is neither proposed nor queued on {}: a guardian cancels only what is on chain",
                safe_ref.address
            ))
            .fix("check the id (tsafe status lists the proposals); owners can void an id never seen on chain with `tsafe cancel ID` signed by M owners")
            .into());
        }
        if guardian {
            let bound = ITreasurySafe::new(safe_ref.address, signing.provider.clone());
            let call = bound.cancel(id).from(from);
            let mined =
                tx::transact_with(&ctx.out, &signing, "cancel", &call, &self.send.tx).await?;
            let text = match &mined {
                Some(m) => format!("cancelled {id} as guardian {from} in {}", m.hash),
                None => format!("dry run: guardian {from} can cancel {id}"),
            };
            return Outcome::new(&CancelReport { id, guardian: from, transaction: mined }, text);
        }
        ctx.out.status(format!(
            "{from} is an owner: writing the owners' cancel proposal (fast track: M owners queue and execute it at once)"
        ));
        let calls = vec![ITreasurySafe::Call {
            target: safe_ref.address,
            value: U256::ZERO,
            data: Bytes::from(ITreasurySafe::cancelCall { id }.abi_encode()),
        }];
        let salt = self.make.salt.as_deref().map_or(id, crate::salt::parse_salt);
        flow::create(ctx, &chain, &safe, &self.send.wallet, &self.send.tx, calls, salt, &self.make)
            .await
    }
}
