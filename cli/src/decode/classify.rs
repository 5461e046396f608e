//! The contract's batch classification (`TreasurySafe._classify`, then `TreasurySafeLens.classify`),
//! mirrored for the decoder: which special paths a batch may take.

use super::SafeConfig;
use crate::contracts::ITreasurySafe;
use alloy::{
    primitives::{Address, U256},
    sol_types::SolCall,
};
use serde::Serialize;

/// What the contract's `_classify` returns for a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// See [`DecodedBatch::fast_track`].
    pub fast_track: bool,
    /// See [`DecodedBatch::freeze_exempt`].
    pub freeze_exempt: bool,
    /// See [`DecodedBatch::guardian_protected`].
    pub guardian_protected: bool,
}

fn is_fast_track_selector(s: [u8; 4]) -> bool {
    [
        ITreasurySafe::removeOwnerCall::SELECTOR,
        ITreasurySafe::changeThresholdCall::SELECTOR,
        ITreasurySafe::addGuardianCall::SELECTOR,
        ITreasurySafe::setCapCall::SELECTOR,
        ITreasurySafe::setDelayCall::SELECTOR,
        ITreasurySafe::setGraceCall::SELECTOR,
        ITreasurySafe::setFreezeDurationCall::SELECTOR,
        ITreasurySafe::freezeCall::SELECTOR,
        ITreasurySafe::rearmGuardiansCall::SELECTOR,
        ITreasurySafe::unfreezeCall::SELECTOR,
        ITreasurySafe::cancelCall::SELECTOR,
        ITreasurySafe::useBackupRecoveryCall::SELECTOR,
        ITreasurySafe::cancelRecoveryChangeCall::SELECTOR,
        ITreasurySafe::addEvacuationAssetCall::SELECTOR,
        ITreasurySafe::quarantineCall::SELECTOR,
        ITreasurySafe::disallowSelectorCall::SELECTOR,
    ]
    .contains(&s)
}

/// Whether a fast-track self-call tightens the safe as configured now: the contract's
/// `_tightensNow`, word for word. Without a configuration, value-dependent setters are assumed
/// to tighten (an upper bound: the contract may then refuse to fast-track).
fn tightens_now(selector: [u8; 4], data: &[u8], config: Option<&SafeConfig>) -> bool {
    if !is_fast_track_selector(selector) {
        return false;
    }
    let word = |range: std::ops::Range<usize>| U256::from_be_slice(&data[range]);
    if selector == ITreasurySafe::changeThresholdCall::SELECTOR
        || selector == ITreasurySafe::removeOwnerCall::SELECTOR
    {
        // The threshold is the last word of both argument lists.
        if data.len() < 36 {
            return false;
        }
        return config.is_none_or(|c| word(data.len() - 32..data.len()) >= c.threshold);
    }
    if selector == ITreasurySafe::setDelayCall::SELECTOR
        || selector == ITreasurySafe::setGraceCall::SELECTOR
        || selector == ITreasurySafe::setFreezeDurationCall::SELECTOR
    {
        if data.len() < 36 {
            return false;
        }
        let value = word(4..36);
        return config.is_none_or(|c| {
            if selector == ITreasurySafe::setDelayCall::SELECTOR {
                value >= U256::from(c.delay)
            } else if selector == ITreasurySafe::setGraceCall::SELECTOR {
                value <= U256::from(c.grace)
            } else {
                value >= U256::from(c.freeze_duration)
            }
        });
    }
    if selector == ITreasurySafe::setCapCall::SELECTOR {
        if data.len() < 100 {
            return false;
        }
        // `abi.decode(data[4:100], (address, uint256, uint256))`: a dirty address word reverts
        // the whole `queue`, so it is never fast-tracked.
        let asset_word = word(4..36);
        if asset_word >> 160 != U256::ZERO {
            return false;
        }
        let asset = Address::from_slice(&data[16..36]);
        let (limit, period) = (word(36..68), word(68..100));
        return config.is_none_or(|c| match c.caps.iter().find(|cap| cap.asset == asset) {
            None => true,
            // Any new period is a loosening (F-9): only a lower-or-equal limit over the same period tightens.
            Some(cap) => limit <= cap.limit && period == U256::from(cap.period),
        });
    }
    true
}

/// The contract's `_classify`, exactly: every flag needs every call to be a value-less self-call
/// with at least 4 bytes of data; fast track also needs every call to tighten the safe as
/// configured now (`config`; see [`DecodeContext::config`]).
pub fn classify(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> Classification {
    let none =
        Classification { fast_track: false, freeze_exempt: false, guardian_protected: false };
    let mut fast_track = true;
    let mut freeze_exempt = true;
    let mut only_remedy = true;
    let mut remedy = false;
    for c in calls {
        if c.target != safe || !c.value.is_zero() || c.data.len() < 4 {
            return none;
        }
        let selector = [c.data[0], c.data[1], c.data[2], c.data[3]];
        fast_track = fast_track && tightens_now(selector, &c.data, config);
        freeze_exempt = freeze_exempt
            && (selector == ITreasurySafe::unfreezeCall::SELECTOR
                || selector == ITreasurySafe::cancelCall::SELECTOR);
        if selector == ITreasurySafe::removeGuardianCall::SELECTOR
            || selector == ITreasurySafe::reopenCall::SELECTOR
            || selector == ITreasurySafe::unfreezeCall::SELECTOR
            || selector == ITreasurySafe::cancelCall::SELECTOR
        {
            remedy = true;
        } else if selector != ITreasurySafe::addGuardianCall::SELECTOR {
            only_remedy = false;
        }
    }
    Classification {
        fast_track,
        freeze_exempt,
        // Guardians can neither cancel nor void (by evacuating) their own removal, the owners'
        // unfreeze, cancels or reopen (F-5, SPEC §3.7).
        guardian_protected: only_remedy && remedy,
    }
}

/// Whether an evacuated safe lets this batch be queued (mirrors TreasurySafeLens.classify's
/// `allowedWhileEvacuated`): value-less self-calls that each tighten now, or reopen, removeGuardian
/// or setRecovery.
pub fn allowed_while_evacuated(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> bool {
    calls.iter().all(|c| {
        if c.target != safe || !c.value.is_zero() || c.data.len() < 4 {
            return false;
        }
        let selector = [c.data[0], c.data[1], c.data[2], c.data[3]];
        tightens_now(selector, &c.data, config)
            || selector == ITreasurySafe::reopenCall::SELECTOR
            || selector == ITreasurySafe::removeGuardianCall::SELECTOR
            || selector == ITreasurySafe::setRecoveryCall::SELECTOR
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::decode::{
        decode_batch,
        tests::{BOB, DAI, OWNER, SAFE, USDC, call, ctx, me},
    };
    use alloy::primitives::B256;

    #[test]
    fn classification_mirrors_the_contract() {
        let add = me(ITreasurySafe::addGuardianCall { guardian: BOB });
        let remove = me(ITreasurySafe::removeGuardianCall { guardian: OWNER });
        let unfreeze = me(ITreasurySafe::unfreezeCall {});
        let cancel = me(ITreasurySafe::cancelCall { id: B256::ZERO });
        let cfg = ctx().config.unwrap();
        let c = |calls: &[ITreasurySafe::Call]| classify(SAFE, calls, Some(&cfg));

        assert_eq!(
            c(&[remove.clone(), add.clone()]),
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: true }
        );
        assert_eq!(
            c(std::slice::from_ref(&add)),
            Classification { fast_track: true, freeze_exempt: false, guardian_protected: false }
        );
        assert_eq!(
            c(&[unfreeze.clone(), cancel.clone()]),
            Classification { fast_track: true, freeze_exempt: true, guardian_protected: true }
        );
        let none =
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: false };
        let mut valued = unfreeze.clone();
        valued.value = U256::from(1);
        assert_eq!(c(&[cancel.clone(), valued]), none);
        assert_eq!(c(&[remove.clone(), call(SAFE, 0, vec![1, 2, 3])]), none);
        assert_eq!(c(&[cancel.clone(), call(BOB, 0, vec![])]), none);
        let b = decode_batch(&[remove.clone(), add], &ctx());
        assert!(b.guardian_protected && !b.fast_track);

        // Fast track needs every setter to tighten the configuration as it is now (`_tightensNow`).
        let fast = |x: ITreasurySafe::Call| c(&[x]).fast_track;
        assert!(fast(me(ITreasurySafe::setDelayCall { delay: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setDelayCall { delay: 86_399 })));
        assert!(fast(me(ITreasurySafe::setGraceCall { grace: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setGraceCall { grace: 15 * 86_400 })));
        assert!(!fast(me(ITreasurySafe::setFreezeDurationCall { freezeDuration: 1 })));
        assert!(fast(me(ITreasurySafe::changeThresholdCall { threshold: U256::from(2) })));
        assert!(!fast(me(ITreasurySafe::changeThresholdCall { threshold: U256::from(1) })));
        assert!(!fast(me(ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::from(1) })));
        assert!(fast(me(ITreasurySafe::setCapCall { asset: DAI, limit: u128::MAX, period: 1 })));
        assert!(fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 7 * 86_400 })));
        assert!(!fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 8 * 86_400 })));
        assert!(fast(me(ITreasurySafe::unfreezeCall {})));
        assert!(!fast(me(ITreasurySafe::addOwnerCall { owner: BOB, threshold: U256::from(3) })));
        // Quarantine and withdrawing an extra function tighten; allowing one loosens.
        assert!(fast(me(ITreasurySafe::quarantineCall { asset: USDC })));
        assert!(fast(me(ITreasurySafe::disallowSelectorCall { asset: USDC })));
        assert!(!fast(me(ITreasurySafe::allowSelectorCall {
            asset: USDC,
            selector: [0; 4].into()
        })));
        let mut dirty = ITreasurySafe::setCapCall { asset: DAI, limit: 1, period: 1 }.abi_encode();
        dirty[4] = 1;
        assert!(!fast(call(SAFE, 0, dirty)));
        // Short calldata for a value-dependent setter is never fast-tracked.
        assert!(!fast(call(SAFE, 0, ITreasurySafe::setDelayCall::SELECTOR.to_vec())));
        // Without a configuration, value-dependent setters are assumed to tighten.
        let shorter = [me(ITreasurySafe::setDelayCall { delay: 1 })];
        assert!(classify(SAFE, &shorter, None).fast_track);
        // The contract loops over nothing for an empty batch (which `queue` refuses anyway); it has
        // no remedy call, so it is not guardian-protected.
        assert_eq!(
            c(&[]),
            Classification { fast_track: true, freeze_exempt: true, guardian_protected: false }
        );
        // Reopen, alone or with a guardian removal, is guardian-protected and never fast-tracked.
        let reopen = me(ITreasurySafe::reopenCall {});
        assert_eq!(
            c(&[remove, reopen]),
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: true }
        );
    }
}
