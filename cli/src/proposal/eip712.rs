//! The EIP-712 side of a proposal: domain, type string, hashes, ECDSA checks as the contract's.

use super::ProposalError;
use crate::contracts::ITreasurySafe;
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    sol_types::{Eip712Domain, SolStruct},
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// EIP-712 domain name of the safe.
pub const DOMAIN_NAME: &str = "TreasurySafe";

/// EIP-712 domain version of the safe.
pub const DOMAIN_VERSION: &str = "1";

/// The EIP-712 type string of a proposal; `keccak256` of it is the contract's `PROPOSAL_TYPEHASH`.
pub const PROPOSAL_TYPE: &str =
    "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)";

/// Half the secp256k1 group order: the largest `s` the contract accepts (low-s rule).
pub(super) const SECP256K1_HALF_ORDER: U256 = U256::from_limbs([
    0xdfe9_2f46_681b_20a0,
    0x5d57_6e73_57a4_501d,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
]);

/// The EIP-712 structs, kept apart so they never clash with the contract bindings' `Call`.
pub mod typed {
    alloy::sol! {
        #[derive(Debug, serde::Serialize)]
        struct Call {
            address target;
            uint256 value;
            bytes data;
        }

        #[derive(Debug, serde::Serialize)]
        struct Proposal {
            Call[] calls;
            bytes32 salt;
            uint32 epoch;
        }
    }
}

/// The EIP-712 domain of the safe at `safe` on chain `chain_id`.
pub fn domain(chain_id: u64, safe: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(Cow::Borrowed(DOMAIN_NAME)),
        Some(Cow::Borrowed(DOMAIN_VERSION)),
        Some(U256::from(chain_id)),
        Some(safe),
        None,
    )
}

/// The three hashes a signer should see: what a hardware wallet shows for EIP-712.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hashes {
    /// The EIP-712 domain separator (`domainSeparator()` on the safe).
    pub domain_separator: B256,
    /// The EIP-712 struct hash of the proposal.
    pub message_hash: B256,
    /// The digest `keccak256(0x1901 ‖ domainSeparator ‖ messageHash)`: the proposal id.
    pub digest: B256,
}

/// Computes a proposal's hashes locally (the contract's `hashProposal` and `domainSeparator`).
pub fn hash_proposal(
    chain_id: u64,
    safe: Address,
    calls: &[ITreasurySafe::Call],
    salt: B256,
    epoch: u32,
) -> Hashes {
    let proposal = typed::Proposal {
        calls: calls
            .iter()
            .map(|c| typed::Call { target: c.target, value: c.value, data: c.data.clone() })
            .collect(),
        salt,
        epoch,
    };
    let domain = domain(chain_id, safe);
    Hashes {
        domain_separator: domain.separator(),
        message_hash: proposal.eip712_hash_struct(),
        digest: proposal.eip712_signing_hash(&domain),
    }
}

/// The proposal as standard EIP-712 typed data (`types`, `primaryType`, `domain`, `message`): the
/// JSON that `cast wallet sign --data --from-file`, hardware wallets and other EIP-712 tools take,
/// so a second tool shows and signs the same digest.
pub fn typed_data(chain_id: u64, safe: Address, message: &typed::Proposal) -> serde_json::Value {
    let data = alloy::dyn_abi::TypedData::from_struct(message, Some(domain(chain_id, safe)));
    let mut value = serde_json::to_value(&data).unwrap_or_default();
    // Amounts as decimal strings, as everywhere else in tsafe (EIP-712 tools accept both).
    if let Some(calls) = value.pointer_mut("/message/calls").and_then(|c| c.as_array_mut()) {
        for (call, source) in calls.iter_mut().zip(&message.calls) {
            call["value"] = serde_json::Value::String(source.value.to_string());
        }
    }
    value
}

/// Checks a 65-byte ECDSA signature of `digest` by `signer` as the contract does (`OpenZeppelin`
/// `ECDSA.tryRecover`): exactly 65 bytes `r ‖ s ‖ v`, `v` 27 or 28, `s` in the lower half of the
/// curve order, recovering to `signer`.
pub fn verify_ecdsa(digest: B256, signer: Address, signature: &[u8]) -> Result<(), ProposalError> {
    let bad = |reason: String| ProposalError::BadSignature { signer, reason };
    let Ok(raw) = <&[u8; 65]>::try_from(signature) else {
        return Err(bad(format!("{} bytes instead of 65 (r ‖ s ‖ v)", signature.len())));
    };
    let v = raw[64];
    if v != 27 && v != 28 {
        return Err(bad(format!("v is {v}, the contract accepts only 27 or 28")));
    }
    let sig = alloy::primitives::Signature::from_raw_array(raw)
        .map_err(|e| bad(format!("malformed ({e})")))?;
    if sig.s() > SECP256K1_HALF_ORDER {
        return Err(bad("high s (malleable form): the contract accepts only low-s signatures; re-sign, or normalise it with tsafe".to_owned()));
    }
    let recovered = sig
        .recover_address_from_prehash(&digest)
        .map_err(|e| bad(format!("cannot recover a signer ({e})")))?;
    if recovered != signer {
        return Err(bad(format!(
            "it was made by {recovered} (or over another digest than {digest})"
        )));
    }
    Ok(())
}

/// Encodes a signature the way the contract takes it: `r ‖ s ‖ v` with low `s` (a high-s
/// signature is flipped to its equivalent low-s form) and `v` 27 or 28.
pub fn encode_ecdsa(signature: &alloy::primitives::Signature) -> Bytes {
    let low = signature.normalized_s();
    Bytes::from(low.as_bytes().to_vec())
}

/// `keccak256` of [`PROPOSAL_TYPE`]: the contract's `PROPOSAL_TYPEHASH`.
pub fn proposal_typehash() -> B256 {
    keccak256(PROPOSAL_TYPE)
}
