//! Property tests (proptest) of the pure parts the CLI trusts: amounts and durations, proposal
//! files (JSON round trips, tampering, merges) and the EIP-712 digest, against an independent
//! re-implementation of the contract's `_hashProposal`.
//!
//! `PROPTEST_CASES=N` changes the number of cases (default 256 per property); a failure prints the
//! shrunk input and proptest keeps it in `proptest-regressions/` for the next run.

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync as _, local::PrivateKeySigner},
    sol_types::SolValue as _,
};
use proptest::{collection::vec, prelude::*, sample::subsequence};
use std::path::Path;
use tsafe::{
    contracts::ITreasurySafe,
    proposal::{ProposalError, ProposalFile, SignatureKind, encode_ecdsa, hash_proposal},
    units::{
        format_duration, format_units, parse_duration, parse_native_amount, parse_token_amount,
    },
};

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        Just(U256::MAX),
        any::<u64>().prop_map(U256::from),
        any::<u128>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    any::<[u8; 20]>().prop_map(Address::from)
}

fn call() -> impl Strategy<Value = ITreasurySafe::Call> {
    (address(), u256(), vec(any::<u8>(), 0..80)).prop_map(|(target, value, data)| {
        ITreasurySafe::Call { target, value, data: Bytes::from(data) }
    })
}

/// Inputs of a proposal: chain id, safe, epoch, salt, 1 to 4 calls, an optional description.
type Inputs = (u64, Address, u32, B256, Vec<ITreasurySafe::Call>, Option<String>);

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        any::<u64>(),
        address(),
        any::<u32>(),
        any::<[u8; 32]>().prop_map(B256::from),
        vec(call(), 1..5),
        proptest::option::of("\\PC{0,40}"),
    )
}

/// Anvil's well-known dev keys 0 to 3 (public test keys).
fn keys() -> Vec<PrivateKeySigner> {
    [
        "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    ]
    .iter()
    .map(|k| k.parse().unwrap())
    .collect()
}

fn file(i: &Inputs) -> ProposalFile {
    let (chain, safe, epoch, salt, calls, description) = i.clone();
    ProposalFile::new(chain, safe, epoch, salt, calls, description).unwrap()
}

fn sign_with(f: &mut ProposalFile, which: &[usize]) {
    let keys = keys();
    for &k in which {
        let sig = encode_ecdsa(&keys[k].sign_hash_sync(&f.id()).unwrap());
        f.add_signature(keys[k].address(), sig, SignatureKind::Eip712).unwrap();
    }
}

fn signers(f: &ProposalFile) -> Vec<Address> {
    f.signatures().iter().map(|s| s.signer).collect()
}

/// The contract's `_hashProposal` and `OpenZeppelin`'s `EIP712`, written out from the EIP-712
/// specification with `abi.encode` and `keccak256` only (no alloy `SolStruct`).
fn reference_digest(
    chain: u64,
    safe: Address,
    calls: &[ITreasurySafe::Call],
    salt: B256,
    epoch: u32,
) -> (B256, B256, B256) {
    let call_typehash = keccak256("Call(address target,uint256 value,bytes data)");
    let proposal_typehash = keccak256(
        "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)",
    );
    let mut packed = Vec::with_capacity(32 * calls.len());
    for c in calls {
        let h = keccak256((call_typehash, c.target, c.value, keccak256(&c.data)).abi_encode());
        packed.extend_from_slice(h.as_slice());
    }
    let message =
        keccak256((proposal_typehash, keccak256(&packed), salt, U256::from(epoch)).abi_encode());
    let domain_typehash = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    );
    let domain = keccak256(
        (domain_typehash, keccak256("TreasurySafe"), keccak256("1"), U256::from(chain), safe)
            .abi_encode(),
    );
    let mut preimage = vec![0x19, 0x01];
    preimage.extend_from_slice(domain.as_slice());
    preimage.extend_from_slice(message.as_slice());
    (domain, message, keccak256(&preimage))
}

// ---------------------------------------------------------------------------------------------
// Amounts and durations
// ---------------------------------------------------------------------------------------------

proptest! {
    /// What `format_units` prints (the CLI's display and `--json` formatted fields) parses back to
    /// the same base units, for every amount and every `decimals()` a token may report.
    #[test]
    fn token_amounts_round_trip_through_format_units(amount in u256(), decimals in any::<u8>()) {
        let text = format_units(amount, decimals);
        prop_assert_eq!(parse_token_amount(&text, decimals), Ok(amount), "{}", text);
    }

    /// Native amounts: a plain integer is wei; the same amount written in ether, gwei or hex is the
    /// same wei; and a leading minus is always refused.
    #[test]
    fn native_amounts_in_every_unit_agree(wei in u256()) {
        prop_assert_eq!(parse_native_amount(&wei.to_string()), Ok(wei));
        prop_assert_eq!(parse_native_amount(&format!("{}ether", format_units(wei, 18))), Ok(wei));
        prop_assert_eq!(parse_native_amount(&format!("{} gwei", format_units(wei, 9))), Ok(wei));
        prop_assert_eq!(parse_native_amount(&format!("{wei:#x}")), Ok(wei));
        let negative = format!("-{wei}");
        prop_assert!(parse_native_amount(&negative).is_err());
    }

    /// Underscores between digits group them and change nothing; commas are refused (not misread).
    #[test]
    fn underscores_group_digits_and_commas_are_refused(amount in any::<u128>(), every in 1usize..5) {
        let digits = amount.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % every == 0 {
                grouped.push('_');
            }
            grouped.push(c);
        }
        prop_assert_eq!(parse_token_amount(&grouped, 6), parse_token_amount(&digits, 6));
        if digits.len() > 3 {
            let commas = grouped.replace('_', ",");
            prop_assert!(parse_token_amount(&commas, 6).is_err(), "{}", commas);
        }
    }

    /// Scientific notation scales exactly: `m e x` is m·10^x base units (or an overflow error).
    #[test]
    fn exponents_scale_exactly(m in any::<u64>(), x in 0u32..90, decimals in 0u8..30) {
        let parsed = parse_token_amount(&format!("{m}e{x}"), decimals);
        let expected = U256::from(10u8)
            .checked_pow(U256::from(x + u32::from(decimals)))
            .and_then(|p| U256::from(m).checked_mul(p));
        match expected {
            Some(v) => prop_assert_eq!(parsed, Ok(v)),
            None => prop_assert!(parsed.is_err()),
        }
    }

    /// No input makes a parser panic: each returns a value or an error that names the input.
    #[test]
    fn parsers_never_panic(s in "\\PC{0,24}|[0-9._eE+-]{0,24}(ether|gwei|wei|units|d|h|m|s|w)?") {
        let _ = parse_native_amount(&s);
        let _ = parse_token_amount(&s, 18);
        let _ = parse_duration(&s);
        let _ = tsafe::units::parse_cap_spec(&format!("ETH:{s}/1d"));
    }

    /// Durations: plain seconds, and what `format_duration` prints (`2d 3h 4m`), parse back.
    #[test]
    fn durations_round_trip(secs in any::<u32>()) {
        prop_assert_eq!(parse_duration(&secs.to_string()), Ok(secs));
        let text = format_duration(u64::from(secs));
        prop_assert_eq!(parse_duration(&text), Ok(secs), "{}", text);
    }

    /// Parts in any order and spacing add up; a repeated unit is refused; beyond u32 is refused.
    #[test]
    fn duration_parts_add_up(
        parts in vec((0u64..1_000, prop::sample::select(vec!['w', 'd', 'h', 'm', 's'])), 1..5),
        spaced in any::<bool>(),
    ) {
        let mut seen = Vec::new();
        let mut text = String::new();
        let mut total = 0u64;
        for (n, unit) in &parts {
            if seen.contains(unit) {
                continue;
            }
            seen.push(*unit);
            if spaced && !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!("{n}{unit}"));
            total += n * match unit {
                'w' => 604_800,
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                _ => 1,
            };
        }
        match u32::try_from(total) {
            Ok(t) => prop_assert_eq!(parse_duration(&text), Ok(t), "{}", text),
            Err(_) => prop_assert!(parse_duration(&text).is_err()),
        }
        let (n, unit) = parts[0];
        let repeated = format!("{text}{n}{unit}");
        prop_assert!(parse_duration(&repeated).is_err(), "repeated unit accepted: {}", repeated);
    }
}

// ---------------------------------------------------------------------------------------------
// Proposal files, merges, digests
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The digest tsafe shows and signs is the contract's: equal to an independent
    /// re-implementation of `_hashProposal` + EIP-712, and it commits to every input.
    #[test]
    fn digest_matches_reference_and_commits_to_every_input(i in inputs(), flip in any::<u8>()) {
        let (chain, safe, epoch, salt, calls, _) = i.clone();
        let h = hash_proposal(chain, safe, &calls, salt, epoch);
        let (domain, message, digest) = reference_digest(chain, safe, &calls, salt, epoch);
        prop_assert_eq!(h.domain_separator, domain);
        prop_assert_eq!(h.message_hash, message);
        prop_assert_eq!(h.digest, digest);
        prop_assert_eq!(file(&i).id(), digest);

        // Change one input: the digest changes.
        let changed = match flip % 6 {
            0 => hash_proposal(chain.wrapping_add(1), safe, &calls, salt, epoch),
            1 => hash_proposal(chain, Address::from(safe.into_array().map(|b| !b)), &calls, salt, epoch),
            2 => hash_proposal(chain, safe, &calls, salt, epoch.wrapping_add(1)),
            3 => hash_proposal(chain, safe, &calls, B256::from(U256::from_be_bytes(salt.0) ^ U256::from(1)), epoch),
            4 => {
                let mut c = calls.clone();
                c[0].value ^= U256::from(1);
                hash_proposal(chain, safe, &c, salt, epoch)
            }
            _ => {
                let mut c = calls.clone();
                let mut data = c[0].data.to_vec();
                data.push(0);
                c[0].data = Bytes::from(data);
                hash_proposal(chain, safe, &c, salt, epoch)
            }
        };
        prop_assert_ne!(changed.digest, h.digest);
    }

    /// A proposal file survives its own JSON (with signatures and any description), and the
    /// signatures it keeps are sorted and unique.
    #[test]
    fn proposal_files_round_trip(i in inputs(), who in subsequence(vec![0usize, 1, 2, 3], 0..=4)) {
        let mut f = file(&i);
        sign_with(&mut f, &who);
        let json = f.to_json();
        let back = ProposalFile::parse(&json, Path::new("p.json")).unwrap();
        prop_assert_eq!(&back, &f);
        prop_assert_eq!(back.to_json(), json);
        let s = signers(&back);
        prop_assert!(s.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(s.len(), who.len());
    }

    /// Changing any hashed field of a file (chain, safe, epoch, salt, a call's target, value or data)
    /// makes it fail to load: recomputed hashes differ (or the value is not valid), never a silent
    /// acceptance of a file whose digest does not match its calls.
    #[test]
    fn tampered_files_are_refused(i in inputs(), field in 0usize..7, who in subsequence(vec![0usize, 1], 0..=2)) {
        let mut f = file(&i);
        sign_with(&mut f, &who);
        let mut v: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
        let (chain, safe, epoch, salt, calls, _) = &i;
        match field {
            0 => v["chainId"] = serde_json::json!(chain.wrapping_add(1)),
            1 => v["safe"] = serde_json::json!(Address::from(safe.into_array().map(|b| !b)).to_string()),
            2 => v["epoch"] = serde_json::json!(epoch.wrapping_add(1)),
            3 => v["salt"] = serde_json::json!(B256::from(U256::from_be_bytes(salt.0) ^ U256::from(1)).to_string()),
            4 => v["calls"][0]["target"] = serde_json::json!(Address::from(calls[0].target.into_array().map(|b| !b)).to_string()),
            5 => v["calls"][0]["value"] = serde_json::json!((calls[0].value ^ U256::from(1)).to_string()),
            _ => {
                let mut data = calls[0].data.to_vec();
                data.push(0x2a);
                v["calls"][0]["data"] = serde_json::json!(Bytes::from(data).to_string());
            }
        }
        let e = ProposalFile::parse(&v.to_string(), Path::new("p.json")).unwrap_err();
        prop_assert!(matches!(e, ProposalError::Tampered { .. }), "{}", e);
    }

    /// Merging copies signed in parallel: the result holds the union of signers, whatever the order
    /// (merge is commutative on signatures), merging again changes nothing, and the report says
    /// which signers were new and which were already there.
    #[test]
    fn merges_are_unions(
        i in inputs(),
        a in subsequence(vec![0usize, 1, 2, 3], 0..=4),
        b in subsequence(vec![0usize, 1, 2, 3], 0..=4),
    ) {
        let base = file(&i);
        let (mut fa, mut fb) = (base.clone(), base.clone());
        sign_with(&mut fa, &a);
        sign_with(&mut fb, &b);
        let keys = keys();
        let addr = |set: &[usize]| -> Vec<Address> {
            let mut v: Vec<_> = set.iter().map(|&k| keys[k].address()).collect();
            v.sort();
            v
        };
        let mut union: Vec<usize> = a.iter().chain(&b).copied().collect();
        union.sort_unstable();
        union.dedup();

        let mut ab = fa.clone();
        let report = ab.merge(&fb).unwrap();
        let mut ba = fb.clone();
        ba.merge(&fa).unwrap();
        prop_assert_eq!(signers(&ab), addr(&union));
        prop_assert_eq!(ab.signatures(), ba.signatures());

        let mut added = report.added.clone();
        added.sort();
        let only_b: Vec<usize> = b.iter().filter(|k| !a.contains(k)).copied().collect();
        prop_assert_eq!(added, addr(&only_b));
        let mut unchanged = report.unchanged.clone();
        unchanged.sort();
        let both: Vec<usize> = b.iter().filter(|k| a.contains(k)).copied().collect();
        prop_assert_eq!(unchanged, addr(&both));

        let mut again = ab.clone();
        let second = again.merge(&fb).unwrap();
        prop_assert!(second.added.is_empty() && second.replaced.is_empty());
        prop_assert_eq!(&again, &ab);
        // The merged file is a valid file.
        prop_assert_eq!(ProposalFile::parse(&ab.to_json(), Path::new("p.json")).unwrap(), ab);
    }

    /// A file for another proposal never merges, and the failed merge leaves the file unchanged.
    #[test]
    fn merging_another_proposal_is_refused(i in inputs(), j in inputs()) {
        let mut fa = file(&i);
        sign_with(&mut fa, &[0]);
        let mut fb = file(&j);
        sign_with(&mut fb, &[1]);
        prop_assume!(fa.id() != fb.id());
        let before = fa.clone();
        prop_assert!(fa.merge(&fb).is_err());
        prop_assert_eq!(fa, before);
    }
}

/// Writes the seed corpus of the `proposal_file` fuzz target (`cli/fuzz/seeds/proposal_file)`:
/// `TSAFE_FUZZ_SEEDS=cli/fuzz/seeds/proposal_file cargo test --test it props::write_fuzz_seeds -- --ignored`.
#[test]
#[ignore = "writes the fuzz seed corpus; run by hand"]
fn write_fuzz_seeds() {
    let dir =
        std::env::var("TSAFE_FUZZ_SEEDS").expect("set TSAFE_FUZZ_SEEDS to the seed directory");
    let safe: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3".parse().unwrap();
    let transfer = ITreasurySafe::Call {
        target: keys()[1].address(),
        value: U256::from(1_500_000_000_000_000_000u128),
        data: Bytes::new(),
    };
    // setDelay(172800), a self-call.
    let set_delay = ITreasurySafe::Call {
        target: safe,
        value: U256::ZERO,
        data: Bytes::from(
            alloy::hex::decode(
                "10348665000000000000000000000000000000000000000000000000000000000002a300",
            )
            .unwrap(),
        ),
    };
    let one = ProposalFile::new(31337, safe, 0, B256::ZERO, vec![transfer.clone()], None).unwrap();
    let mut two = ProposalFile::new(
        31337,
        safe,
        3,
        B256::with_last_byte(42),
        vec![transfer, set_delay],
        Some("Q4 grant".into()),
    )
    .unwrap();
    sign_with(&mut two, &[0, 2]);
    std::fs::write(Path::new(&dir).join("unsigned.json"), one.to_json()).unwrap();
    std::fs::write(Path::new(&dir).join("signed.json"), two.to_json()).unwrap();
}
