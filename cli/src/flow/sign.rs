//! Signing a proposal file: online (the signer checked against the safe's owners) or offline
//! (under the file's own domain, for an air-gapped machine).

use super::{Safe, proposal_failure};
use crate::{
    chain::Chain,
    exit::Failure,
    opts::WalletOpts,
    proposal::{self, ProposalError, ProposalFile, SignatureKind, SignatureUpdate},
    wallet::Wallet,
};
use alloy::primitives::Address;
use eyre::Result;

/// Opens the signer (after the chain id was read from the node), checks it is an owner of the
/// safe, signs the proposal's EIP-712 message and adds the signature to `file` (in memory; the
/// caller saves). Returns the signer and whether the file changed.
pub async fn sign_into(
    chain: &Chain,
    safe: &Safe,
    wallet: &WalletOpts,
    file: &mut ProposalFile,
) -> Result<(Address, SignatureUpdate)> {
    if file.chain_id() != chain.chain_id {
        return Err(proposal_failure(ProposalError::WrongTarget {
            file_chain: file.chain_id(),
            file_safe: file.safe(),
            chain: chain.chain_id,
            safe: *safe.address(),
        }));
    }
    let signer = Wallet::from_opts(wallet, chain.chain_id).await?;
    let who = signer.address();
    if !safe.isOwner(who).call().await? {
        return Err(Failure::bad_input(format!(
            "{who} is not an owner of {}: its signature would not count",
            safe.address()
        ))
        .fix("sign with an owner's key (check --account/--keystore/--ledger-index)")
        .into());
    }
    sign_with(&signer, file).await
}

/// Signs the proposal's EIP-712 message under the file's own domain (chain id and safe from the
/// file) and adds the signature to `file` in memory: the air-gapped path, with no node to ask
/// whether the signer is an owner (`queue` leaves out a stranger's signature later).
pub async fn sign_offline_into(
    wallet: &WalletOpts,
    file: &mut ProposalFile,
) -> Result<(Address, SignatureUpdate)> {
    let signer = Wallet::from_opts(wallet, file.chain_id()).await?;
    sign_with(&signer, file).await
}

async fn sign_with(signer: &Wallet, file: &mut ProposalFile) -> Result<(Address, SignatureUpdate)> {
    let who = signer.address();
    let domain = proposal::domain(file.chain_id(), file.safe());
    let signature = signer.sign_typed(&file.typed(), &domain).await?;
    let encoded = proposal::encode_ecdsa(&signature);
    let update =
        file.add_signature(who, encoded, SignatureKind::Eip712).map_err(proposal_failure)?;
    Ok((who, update))
}
