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
    /// See [`DecodedBatch::fast_track`](super::DecodedBatch::fast_track).
    pub fast_track: bool,
    /// See [`DecodedBatch::freeze_exempt`](super::DecodedBatch::freeze_exempt).
    pub freeze_exempt: bool,
    /// See [`DecodedBatch::guardian_protected`](super::DecodedBatch::guardian_protected).
    pub guardian_protected: bool,
    /// May be queued while the safe is evacuated: see [`allowed_while_evacuated`].
    pub allowed_while_evacuated: bool,
}

impl Classification {
    /// No special path: what the contract answers for any batch that is not all value-less
    /// self-calls with a selector.
    pub const NONE: Self = Self {
        fast_track: false,
        freeze_exempt: false,
        guardian_protected: false,
        allowed_while_evacuated: false,
    };
}

/// The contract cannot classify the batch: its `classify` reverts (without data), so `propose` and
/// `queue` revert too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "call #{index} is a setCap whose asset word has bits above the address set: the contract's abi.decode reverts, so the batch can never be proposed or queued"
)]
pub struct Unclassifiable {
    /// The call whose arguments the contract refuses to decode.
    pub index: usize,
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

/// Whether a fast-track self-call tightens the safe as configured now: the lens's `_tightensNow`,
/// word for word, including its reading of calldata that is not canonical ABI:
///
/// - `changeThreshold` and `removeOwner` take the threshold from its argument word (the first of
///   `changeThreshold`, the second of `removeOwner`), where the setter's ABI decoding reads it:
///   trailing bytes after the arguments change nothing (the lens once read the last word, so
///   trailing bytes could fast-track a lowering the setter then refused);
/// - the timing setters read the first argument word, whatever follows;
/// - `setCap` `abi.decode`s its first three words: an asset word with bits above the address set
///   makes the contract revert (`Err`).
///
/// Without a configuration, value-dependent setters are assumed to tighten (an upper bound: the
/// contract may then refuse to fast-track).
fn tightens_now(selector: [u8; 4], data: &[u8], config: Option<&SafeConfig>) -> Result<bool, ()> {
    if !is_fast_track_selector(selector) {
        return Ok(false);
    }
    let word = |range: std::ops::Range<usize>| U256::from_be_slice(&data[range]);
    if selector == ITreasurySafe::changeThresholdCall::SELECTOR
        || selector == ITreasurySafe::removeOwnerCall::SELECTOR
    {
        // The threshold argument: the first word of changeThreshold, the second of removeOwner.
        let end = if selector == ITreasurySafe::changeThresholdCall::SELECTOR { 36 } else { 68 };
        if data.len() < end {
            return Ok(false);
        }
        return Ok(config.is_none_or(|c| word(end - 32..end) >= c.threshold));
    }
    if selector == ITreasurySafe::setDelayCall::SELECTOR
        || selector == ITreasurySafe::setGraceCall::SELECTOR
        || selector == ITreasurySafe::setFreezeDurationCall::SELECTOR
    {
        if data.len() < 36 {
            return Ok(false);
        }
        let value = word(4..36);
        return Ok(config.is_none_or(|c| {
            if selector == ITreasurySafe::setDelayCall::SELECTOR {
                value >= U256::from(c.delay)
            } else if selector == ITreasurySafe::setGraceCall::SELECTOR {
                value <= U256::from(c.grace)
            } else {
                value >= U256::from(c.freeze_duration)
            }
        }));
    }
    if selector == ITreasurySafe::setCapCall::SELECTOR {
        if data.len() < 100 {
            return Ok(false);
        }
        // `abi.decode(data[4:100], (address, uint256, uint256))` reverts on a dirty address word.
        if word(4..36) >> 160 != U256::ZERO {
            return Err(());
        }
        let asset = Address::from_slice(&data[16..36]);
        let (limit, period) = (word(36..68), word(68..100));
        // The caps of `getConfig` are those in force (removals left out): no cap in force, and a
        // new one only restricts.
        return Ok(config.is_none_or(|c| match c.caps.iter().find(|cap| cap.asset == asset) {
            None => true,
            // Any new period is a loosening (F-9): only a lower-or-equal limit over the same period tightens.
            Some(cap) => limit <= cap.limit && period == U256::from(cap.period),
        }));
    }
    Ok(true)
}

/// The contract's classification of a batch, exactly (`TreasurySafe._classify`, then
/// `TreasurySafeLens.classify`): a batch with any call to another address or with value takes
/// no special path; else a call with less than 4 bytes of data ends the judgement with none;
/// else each call is judged in order, and a `setCap` the contract cannot decode makes it revert
/// ([`Unclassifiable`]). `config` is the configuration in force (see [`DecodeContext::config`](super::DecodeContext::config)).
pub fn judge(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> Result<Classification, Unclassifiable> {
    // TreasurySafe._onlySelfCalls: answered without the lens.
    if calls.iter().any(|c| c.target != safe || !c.value.is_zero()) {
        return Ok(Classification::NONE);
    }
    let mut fast_track = true;
    let mut freeze_exempt = true;
    let mut allowed_while_evacuated = true;
    let mut only_remedy = true;
    let mut remedy = false;
    for (index, c) in calls.iter().enumerate() {
        if c.data.len() < 4 {
            return Ok(Classification::NONE);
        }
        let selector = [c.data[0], c.data[1], c.data[2], c.data[3]];
        let tightens =
            tightens_now(selector, &c.data, config).map_err(|()| Unclassifiable { index })?;
        fast_track = fast_track && tightens;
        allowed_while_evacuated = allowed_while_evacuated
            && (tightens
                || selector == ITreasurySafe::reopenCall::SELECTOR
                || selector == ITreasurySafe::removeGuardianCall::SELECTOR
                || selector == ITreasurySafe::setRecoveryCall::SELECTOR);
        let exempt = selector == ITreasurySafe::unfreezeCall::SELECTOR
            || selector == ITreasurySafe::cancelCall::SELECTOR;
        freeze_exempt = freeze_exempt && exempt;
        if exempt
            || selector == ITreasurySafe::removeGuardianCall::SELECTOR
            || selector == ITreasurySafe::reopenCall::SELECTOR
        {
            remedy = true;
        } else if selector != ITreasurySafe::addGuardianCall::SELECTOR {
            only_remedy = false;
        }
    }
    Ok(Classification {
        fast_track,
        freeze_exempt,
        // Guardians can neither cancel nor void (by evacuating) their own removal, the owners'
        // unfreeze, cancels or reopen (F-5, SPEC §3.7).
        guardian_protected: only_remedy && remedy,
        allowed_while_evacuated,
    })
}

/// [`judge`], with a batch the contract cannot classify taking no special path (it cannot be
/// proposed at all; the decoder flags its malformed `setCap`).
pub fn classify(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> Classification {
    judge(safe, calls, config).unwrap_or(Classification::NONE)
}

/// Whether an evacuated safe lets this batch be queued (TreasurySafeLens.classify's
/// `allowedWhileEvacuated`): value-less self-calls that each tighten now, or reopen,
/// removeGuardian or setRecovery.
pub fn allowed_while_evacuated(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> bool {
    classify(safe, calls, config).allowed_while_evacuated
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
            Classification {
                fast_track: false,
                freeze_exempt: false,
                guardian_protected: true,
                allowed_while_evacuated: true,
            }
        );
        assert_eq!(
            c(std::slice::from_ref(&add)),
            Classification {
                fast_track: true,
                freeze_exempt: false,
                guardian_protected: false,
                allowed_while_evacuated: true,
            }
        );
        assert_eq!(
            c(&[unfreeze.clone(), cancel.clone()]),
            Classification {
                fast_track: true,
                freeze_exempt: true,
                guardian_protected: true,
                allowed_while_evacuated: true,
            }
        );
        let none = Classification::NONE;
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
        assert!(!fast(call(SAFE, 0, dirty.clone())));
        let b = decode_batch(&[call(SAFE, 0, dirty.clone())], &ctx());
        assert!(
            b.warnings.iter().any(|w| w.kind == crate::decode::WarningKind::WillRevert
                && w.call == Some(0)
                && w.message.contains("never be proposed")),
            "{:?}",
            b.warnings
        );
        let unfreeze = me(ITreasurySafe::unfreezeCall {});
        assert_eq!(
            judge(SAFE, &[unfreeze.clone(), call(SAFE, 0, dirty.clone())], Some(&cfg)),
            Err(Unclassifiable { index: 1 }),
            "the contract's abi.decode reverts"
        );
        // …unless the batch is answered before the lens is asked (another target), or the
        // judgement ends at an earlier call shorter than a selector.
        assert_eq!(c(&[call(SAFE, 0, dirty.clone()), call(BOB, 0, vec![])]), none);
        assert_eq!(
            judge(SAFE, &[call(SAFE, 0, vec![1]), call(SAFE, 0, dirty)], Some(&cfg)),
            Ok(none)
        );
        // changeThreshold's threshold is its argument, as the setter decodes it: trailing bytes
        // decide nothing, either way.
        let mut trailing =
            ITreasurySafe::changeThresholdCall { threshold: U256::from(2) }.abi_encode();
        trailing.extend_from_slice(&[0; 32]);
        assert!(fast(call(SAFE, 0, trailing)));
        let mut trailing =
            ITreasurySafe::changeThresholdCall { threshold: U256::ZERO }.abi_encode();
        trailing.extend_from_slice(&U256::from(5).to_be_bytes::<32>());
        assert!(!fast(call(SAFE, 0, trailing)));
        // removeOwner's threshold is its second argument; a word after it is ignored.
        let mut trailing =
            ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::ZERO }.abi_encode();
        trailing.extend_from_slice(&U256::from(5).to_be_bytes::<32>());
        assert!(!fast(call(SAFE, 0, trailing)));
        // A removeOwner too short to hold its threshold is never fast-tracked.
        let short =
            ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::from(5) }.abi_encode();
        assert!(!fast(call(SAFE, 0, short[..36].to_vec())));
        // Short calldata for a value-dependent setter is never fast-tracked.
        assert!(!fast(call(SAFE, 0, ITreasurySafe::setDelayCall::SELECTOR.to_vec())));
        // Without a configuration, value-dependent setters are assumed to tighten.
        let shorter = [me(ITreasurySafe::setDelayCall { delay: 1 })];
        assert!(classify(SAFE, &shorter, None).fast_track);
        // The contract loops over nothing for an empty batch (which `queue` refuses anyway); it has
        // no remedy call, so it is not guardian-protected.
        assert_eq!(
            c(&[]),
            Classification {
                fast_track: true,
                freeze_exempt: true,
                guardian_protected: false,
                allowed_while_evacuated: true,
            }
        );
        // Reopen, alone or with a guardian removal, is guardian-protected and never fast-tracked.
        let reopen = me(ITreasurySafe::reopenCall {});
        assert_eq!(
            c(&[remove, reopen]),
            Classification {
                fast_track: false,
                freeze_exempt: false,
                guardian_protected: true,
                allowed_while_evacuated: true,
            }
        );
    }
}
