//! The CLI's batch classification (`tsafe::decode::judge`: fast track, freeze-exempt,
//! guardian-protected, allowed while evacuated) equals the contract's, on random batches of
//! self-calls against the devnet safe on anvil: every selector of the safe (setters, remedies,
//! views, unknown ones), argument words at and around the configuration's values, and malformed
//! calldata (empty, shorter than a selector, truncated, trailing bytes, dirty address words), other
//! targets and value.
//!
//! The contract's answer is `TreasurySafe._classify`: a batch with another target or with value
//! takes no special path without asking the lens (`_onlySelfCalls`, mirrored below in one line);
//! else the lens's `classify(Call[])`, reached through the safe's fallback (which forwards views
//! to the lens with the safe as caller). A revert of the lens is [`tsafe::decode::Unclassifiable`].
//! Reproducible: seed 12 unless `TSAFE_FUZZ_SEED` says otherwise; 600 batches.

use crate::harness::Devnet;
use alloy::{
    primitives::{Address, Bytes, U256},
    providers::ProviderBuilder,
    sol_types::SolCall,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use tsafe::{
    contracts::ITreasurySafe::{self, ITreasurySafeCalls},
    decode::{Classification, SafeConfig, judge},
    units::NATIVE_ASSET,
};

alloy::sol! {
    /// The lens's classification view, answered through the safe's fallback.
    #[sol(rpc)]
    interface ILensClassify {
        struct Call { address target; uint256 value; bytes data; }
        function classify(Call[] calls) external view returns (bool fastTrack, bool freezeExempt, bool guardianProtected, bool allowedWhileEvacuated);
    }
}

/// What the fuzzer draws argument words from: the configuration's values and their neighbours,
/// the caps' assets, the safe, extremes and random words.
struct Words {
    numbers: Vec<U256>,
    addresses: Vec<Address>,
}

impl Words {
    fn new(cfg: &SafeConfig, safe: Address, token: Address) -> Self {
        let mut numbers = vec![U256::ZERO, U256::from(1), U256::MAX, U256::from(u32::MAX)];
        let mut around = |v: U256| {
            numbers.extend([v, v.saturating_sub(U256::from(1)), v.saturating_add(U256::from(1))]);
        };
        around(cfg.threshold);
        around(U256::from(cfg.delay));
        around(U256::from(cfg.grace));
        around(U256::from(cfg.freeze_duration));
        for cap in &cfg.caps {
            around(cap.limit);
            around(U256::from(cap.period));
        }
        let mut addresses = vec![safe, token, NATIVE_ASSET, Address::ZERO];
        addresses.extend(cfg.caps.iter().map(|c| c.asset));
        addresses.extend(cfg.owners.iter().copied());
        addresses.extend(cfg.guardians.iter().copied());
        Self { numbers, addresses }
    }

    fn word(&self, rng: &mut StdRng) -> [u8; 32] {
        match rng.gen_range(0..10) {
            0..=3 => self.numbers[rng.gen_range(0..self.numbers.len())].to_be_bytes(),
            4..=6 => {
                let a = self.addresses[rng.gen_range(0..self.addresses.len())];
                let mut w = [0u8; 32];
                w[12..].copy_from_slice(a.as_slice());
                // Now and then bits above the address: the lens's abi.decode refuses them.
                if rng.gen_bool(0.1) {
                    w[rng.gen_range(0..12)] = rng.gen_range(1..=255);
                }
                w
            }
            7 => U256::from(rng.r#gen::<u64>()).to_be_bytes(),
            _ => rng.r#gen(),
        }
    }
}

/// The safe's configuration functions and remedies, which the classification judges one by one.
const CONFIGURATION: [[u8; 4]; 24] = [
    ITreasurySafe::addOwnerCall::SELECTOR,
    ITreasurySafe::removeOwnerCall::SELECTOR,
    ITreasurySafe::swapOwnerCall::SELECTOR,
    ITreasurySafe::changeThresholdCall::SELECTOR,
    ITreasurySafe::addGuardianCall::SELECTOR,
    ITreasurySafe::removeGuardianCall::SELECTOR,
    ITreasurySafe::setDelayCall::SELECTOR,
    ITreasurySafe::setGraceCall::SELECTOR,
    ITreasurySafe::setFreezeDurationCall::SELECTOR,
    ITreasurySafe::setCapCall::SELECTOR,
    ITreasurySafe::removeCapCall::SELECTOR,
    ITreasurySafe::quarantineCall::SELECTOR,
    ITreasurySafe::allowSelectorCall::SELECTOR,
    ITreasurySafe::disallowSelectorCall::SELECTOR,
    ITreasurySafe::freezeCall::SELECTOR,
    ITreasurySafe::unfreezeCall::SELECTOR,
    ITreasurySafe::rearmGuardiansCall::SELECTOR,
    ITreasurySafe::cancelCall::SELECTOR,
    ITreasurySafe::setRecoveryCall::SELECTOR,
    ITreasurySafe::useBackupRecoveryCall::SELECTOR,
    ITreasurySafe::cancelRecoveryChangeCall::SELECTOR,
    ITreasurySafe::addEvacuationAssetCall::SELECTOR,
    ITreasurySafe::removeEvacuationAssetCall::SELECTOR,
    ITreasurySafe::reopenCall::SELECTOR,
];

fn random_call(rng: &mut StdRng, words: &Words, safe: Address) -> ITreasurySafe::Call {
    // Mostly the configuration functions; also any other function of the safe and unknown ones.
    let selectors = ITreasurySafeCalls::SELECTORS;
    let selector: [u8; 4] = match rng.gen_range(0..20) {
        0 => rng.r#gen(),
        1..=4 => selectors[rng.gen_range(0..selectors.len())],
        _ => CONFIGURATION[rng.gen_range(0..CONFIGURATION.len())],
    };
    let mut data = selector.to_vec();
    for _ in 0..rng.gen_range(0..4) {
        data.extend_from_slice(&words.word(rng));
    }
    match rng.gen_range(0..12) {
        // Empty, or shorter than a selector.
        0 => data.truncate(rng.gen_range(0..4)),
        // Truncated arguments.
        1 => data.truncate(rng.gen_range(4..data.len().max(5))),
        // Trailing bytes (a partial word, or a whole one the lens may read as the threshold).
        2 => data.extend((0..rng.gen_range(1..40)).map(|_| rng.r#gen::<u8>())),
        3 => data.extend_from_slice(&words.word(rng)),
        _ => {}
    }
    let target =
        if rng.gen_range(0..25) == 0 { Address::from(rng.r#gen::<[u8; 20]>()) } else { safe };
    let value =
        if rng.gen_range(0..25) == 0 { U256::from(rng.gen_range(1..3u8)) } else { U256::ZERO };
    ITreasurySafe::Call { target, value, data: Bytes::from(data) }
}

#[test]
fn classification_equals_the_contracts_on_random_batches() {
    let d = Devnet::start();
    let seed: u64 =
        std::env::var("TSAFE_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let mut rng = StdRng::seed_from_u64(seed);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let provider = ProviderBuilder::new().connect(&d.url).await.unwrap();
        let safe = ITreasurySafe::new(d.safe, &provider);
        let lens = ILensClassify::new(d.safe, &provider);
        let cfg = SafeConfig::from(safe.getConfig().call().await.unwrap());
        assert!(!cfg.caps.is_empty(), "the devnet safe has caps to judge setCap against");
        let words = Words::new(&cfg, d.safe, d.token);
        let (mut reverted, mut fast, mut protected) = (0, 0, 0);
        for i in 0..600 {
            let n = match i {
                0 => 0,
                _ => rng.gen_range(1..5),
            };
            let calls: Vec<_> = (0..n).map(|_| random_call(&mut rng, &words, d.safe)).collect();
            let ours = judge(d.safe, &calls, Some(&cfg));
            let only_self = calls.iter().all(|c| c.target == d.safe && c.value.is_zero());
            let theirs = if only_self {
                let arg: Vec<_> = calls
                    .iter()
                    .map(|c| ILensClassify::Call {
                        target: c.target,
                        value: c.value,
                        data: c.data.clone(),
                    })
                    .collect();
                match lens.classify(arg).call().await {
                    Ok(r) => Some(Classification {
                        fast_track: r.fastTrack,
                        freeze_exempt: r.freezeExempt,
                        guardian_protected: r.guardianProtected,
                        allowed_while_evacuated: r.allowedWhileEvacuated,
                    }),
                    Err(e) => {
                        assert!(!tsafe::exit::is_unreachable(&e), "the node went away: {e}");
                        None
                    }
                }
            } else {
                Some(Classification::NONE)
            };
            let shown: Vec<String> = calls
                .iter()
                .map(|c| {
                    let name = c
                        .data
                        .get(..4)
                        .and_then(|s| ITreasurySafeCalls::name_by_selector(s.try_into().unwrap()))
                        .unwrap_or("?");
                    format!("{name} to {} value {} data {}", c.target, c.value, c.data)
                })
                .collect();
            assert_eq!(
                ours.ok(),
                theirs,
                "seed {seed} (rerun with TSAFE_FUZZ_SEED={seed}), case {i}: {shown:#?}"
            );
            reverted += usize::from(theirs.is_none());
            fast += usize::from(theirs.is_some_and(|c| c.fast_track) && n > 0);
            protected += usize::from(theirs.is_some_and(|c| c.guardian_protected));
        }
        // The default draw reaches every outcome (reverts, fast track, guardian protection), so the
        // comparison means something; another seed may miss one.
        if seed == 12 {
            assert!(reverted > 0 && fast > 10 && protected > 0, "{reverted} {fast} {protected}");
        }
    });
}
