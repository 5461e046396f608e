//! The digest `tsafe` computes locally equals the contract's `hashProposal`, on random batches
//! (targets, values up to 2^256-1, calldata of any length, salts, epochs) against a real anvil.

use crate::harness::Devnet;
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    providers::ProviderBuilder,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use tsafe::{contracts::ITreasurySafe, proposal::hash_proposal};

fn random_call(rng: &mut StdRng) -> ITreasurySafe::Call {
    let value = match rng.gen_range(0..4) {
        0 => U256::ZERO,
        1 => U256::MAX,
        2 => U256::from(rng.r#gen::<u64>()),
        _ => U256::from_be_bytes(rng.r#gen::<[u8; 32]>()),
    };
    let len = match rng.gen_range(0..4) {
        0 => 0,
        1 => 4,
        2 => rng.gen_range(1..70),
        _ => rng.gen_range(0..600),
    };
    let data: Vec<u8> = (0..len).map(|_| rng.r#gen()).collect();
    ITreasurySafe::Call {
        target: Address::from(rng.r#gen::<[u8; 20]>()),
        value,
        data: Bytes::from(data),
    }
}

#[test]
fn local_digest_equals_hash_proposal_on_random_batches() {
    let d = Devnet::start();
    let seed: u64 = std::env::var("TSAFE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().r#gen());
    let mut rng = StdRng::seed_from_u64(seed);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let provider = ProviderBuilder::new().connect(&d.url).await.unwrap();
        let safe = ITreasurySafe::new(d.safe, provider);
        let domain = safe.domainSeparator().call().await.unwrap();
        for i in 0..256 {
            let n = if i == 0 { 1 } else { rng.gen_range(1..6) };
            let calls: Vec<_> = (0..n).map(|_| random_call(&mut rng)).collect();
            let salt = B256::from(rng.r#gen::<[u8; 32]>());
            let epoch = if rng.gen_bool(0.5) { 0 } else { rng.r#gen::<u32>() };
            let local = hash_proposal(31337, d.safe, &calls, salt, epoch);
            let onchain = safe.hashProposal(calls.clone(), salt, epoch).call().await.unwrap();
            assert_eq!(local.domain_separator, domain, "seed {seed}");
            assert_eq!(
                local.digest, onchain,
                "seed {seed} (rerun with TSAFE_FUZZ_SEED={seed}), case {i}: {calls:?} salt {salt} epoch {epoch}"
            );
        }
    });
}
