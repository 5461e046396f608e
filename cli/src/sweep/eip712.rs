//! The EIP-712 messages a guardian (`Evacuation`) and a recovery address (`RecoveryAcceptance`)
//! sign, hashed locally and checked against the safe's own digests.

use crate::{
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
    proposal::Hashes,
};
use alloy::{
    primitives::{Address, B256, U256},
    sol_types::SolStruct,
};
use eyre::Result;

/// The EIP-712 structs the guardians and recovery addresses sign, apart from the bindings.
pub mod typed {
    alloy::sol! {
        #[derive(Debug, serde::Serialize)]
        struct EvacuationExtra {
            address asset;
            address spender;
        }

        #[derive(Debug, serde::Serialize)]
        struct Evacuation {
            address recovery;
            uint32 generation;
            EvacuationExtra[] extras;
            uint256 nonce;
            uint64 deadline;
        }

        #[derive(Debug, serde::Serialize)]
        struct RecoveryAcceptance {
            address account;
            uint64 deadline;
        }
    }
}

/// The typed `Evacuation` message.
pub fn evacuation_message(
    recovery: Address,
    generation: u32,
    extras: &[ITreasurySafe::EvacuationExtra],
    nonce: U256,
    deadline: u64,
) -> typed::Evacuation {
    typed::Evacuation {
        recovery,
        generation,
        extras: extras
            .iter()
            .map(|e| typed::EvacuationExtra { asset: e.asset, spender: e.spender })
            .collect(),
        nonce,
        deadline,
    }
}

fn hashes_of<T: SolStruct>(message: &T, chain_id: u64, safe: Address) -> Hashes {
    let domain = crate::proposal::domain(chain_id, safe);
    Hashes {
        domain_separator: domain.separator(),
        message_hash: message.eip712_hash_struct(),
        digest: message.eip712_signing_hash(&domain),
    }
}

/// The hashes of a guardian's evacuation signature, computed locally (the safe's
/// `evacuationDigest` must agree).
pub fn evacuation_hashes(chain_id: u64, safe: Address, message: &typed::Evacuation) -> Hashes {
    hashes_of(message, chain_id, safe)
}

/// The hashes of a recovery address's acceptance, computed locally (the safe's
/// `acceptanceDigest` must agree).
pub fn acceptance_hashes(chain_id: u64, safe: Address, account: Address, deadline: u64) -> Hashes {
    hashes_of(&typed::RecoveryAcceptance { account, deadline }, chain_id, safe)
}

/// Refuses to go on when the safe computes another digest than tsafe: then the CLI and the
/// contract disagree on what is signed.
pub fn check_digest(what: &str, onchain: B256, local: B256) -> Result<()> {
    if onchain != local {
        return Err(Failure::new(
            ExitKind::Error,
            format!(
                "the safe computes {what} digest {onchain}, tsafe computed {local}: refusing to sign"
            ),
        )
        .fix("check --safe and the network; if they are right, report this as a bug")
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_strings_match_the_contract() {
        assert_eq!(
            typed::Evacuation::eip712_encode_type(),
            "Evacuation(address recovery,uint32 generation,EvacuationExtra[] extras,uint256 nonce,uint64 deadline)EvacuationExtra(address asset,address spender)"
        );
        assert_eq!(
            typed::RecoveryAcceptance::eip712_encode_type(),
            "RecoveryAcceptance(address account,uint64 deadline)"
        );
        assert_eq!(
            typed::EvacuationExtra::eip712_encode_type(),
            "EvacuationExtra(address asset,address spender)"
        );
    }
}
