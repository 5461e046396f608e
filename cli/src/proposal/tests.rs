//! Unit tests of proposals: hashes against the contract's vectors, the file, signatures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{eip712::SECP256K1_HALF_ORDER, *};
use crate::contracts::ITreasurySafe;
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    sol_types::SolStruct,
};
use alloy::{
    primitives::{address, b256, bytes},
    signers::{SignerSync as _, local::PrivateKeySigner},
};
use std::{fs, path::Path};

const SAFE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");

/// Anvil's well-known dev keys 1 and 2 (public test keys, never funded outside devnets).
fn key(i: usize) -> PrivateKeySigner {
    [
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
        "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    ][i]
        .parse()
        .unwrap()
}

fn vector_calls() -> Vec<ITreasurySafe::Call> {
    vec![
        ITreasurySafe::Call {
            target: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
            value: U256::from(1_500_000_000_000_000_000u128),
            data: Bytes::new(),
        },
        ITreasurySafe::Call {
            target: SAFE,
            value: U256::ZERO,
            // setDelay(172800)
            data: bytes!(
                "0x10348665000000000000000000000000000000000000000000000000000000000002a300"
            ),
        },
        ITreasurySafe::Call {
            target: address!("0x1111111111111111111111111111111111111111"),
            value: U256::ZERO,
            // transfer(0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC, 250000000000)
            data: bytes!(
                "0xa9059cbb0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc0000000000000000000000000000000000000000000000000000003a35294400"
            ),
        },
    ]
}

fn sample() -> ProposalFile {
    ProposalFile::new(31337, SAFE, 3, B256::with_last_byte(42), vector_calls(), Some("test".into()))
        .unwrap()
}

#[test]
fn typed_data_json_hashes_to_the_digest() {
    let calls = vec![ITreasurySafe::Call {
        target: Address::repeat_byte(0x11),
        value: U256::from(1_500_000_000_000_000_000u128),
        data: Bytes::from(vec![0xab, 0xcd]),
    }];
    let safe = Address::repeat_byte(0x22);
    let hashes = hash_proposal(31337, safe, &calls, B256::repeat_byte(3), 7);
    let file = ProposalFile::new(31337, safe, 7, B256::repeat_byte(3), calls, None).unwrap();
    let json = file.typed_data();
    assert_eq!(json["primaryType"], "Proposal");
    assert_eq!(json["message"]["calls"][0]["value"], "1500000000000000000");
    let parsed: alloy::dyn_abi::TypedData = serde_json::from_value(json).unwrap();
    assert_eq!(parsed.eip712_signing_hash().unwrap(), hashes.digest);
}

#[test]
fn type_string_matches_contract() {
    assert_eq!(typed::Proposal::eip712_encode_type(), PROPOSAL_TYPE);
    let p = typed::Proposal { calls: vec![], salt: B256::ZERO, epoch: 0 };
    assert_eq!(p.eip712_type_hash(), proposal_typehash());
    // PROPOSAL_TYPEHASH() read from the deployed TreasurySafe with cast (see below).
    assert_eq!(
        proposal_typehash(),
        b256!("0xaff26ee0d7b9e1f2ba77c01cde945d45affd160b03431c364e4084ed90b937fc")
    );
}

/// Vectors obtained from the real contract: anvil (chain 31337), `TreasurySafe` creation
/// bytecode from cli/build.rs deployed by anvil's account 0 at nonce 0 (so at
/// 0x5FbDB2315678afecb367f032d93F642f64180aa3), then
/// `cast call $SAFE "hashProposal((address,uint256,bytes)[],bytes32,uint32)(bytes32)" \
///   "[(0x7099…79C8,1500000000000000000,0x),($SAFE,0,<setDelay(172800)>),(0x1111…1111,0,<transfer(0x3C44…93BC,250000000000)>)]" \
///   0x…2a 3`
/// and `cast call $SAFE "domainSeparator()(bytes32)"`.
#[test]
fn digest_matches_contract_vector() {
    let h = hash_proposal(31337, SAFE, &vector_calls(), B256::with_last_byte(42), 3);
    assert_eq!(
        h.domain_separator,
        b256!("0xfde16f00734ebc67a0e2a0746fcdc1dea79c38cec4a7f0c48970c0c59de9c074")
    );
    assert_eq!(
        h.digest,
        b256!("0x7fa8ec1edaf62f6a7cdba1ff7373b119306e95f5b4faa1cad4d4d39bcbc660c2")
    );
    // Same contract: one call (0x7099…79C8, 1 wei, 0x), salt 0, epoch 0.
    let one = [ITreasurySafe::Call {
        target: address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
        value: U256::from(1),
        data: Bytes::new(),
    }];
    assert_eq!(
        hash_proposal(31337, SAFE, &one, B256::ZERO, 0).digest,
        b256!("0x9299b8d9db25bd1f433adbfa59335e7659521aa9838e045a52c71fc863658296")
    );
    // Every input is committed to.
    assert_ne!(
        hash_proposal(1, SAFE, &vector_calls(), B256::with_last_byte(42), 3).digest,
        h.digest
    );
    assert_ne!(
        hash_proposal(31337, SAFE, &vector_calls(), B256::with_last_byte(42), 4).digest,
        h.digest
    );
}

fn sign(file: &ProposalFile, i: usize) -> (Address, Bytes) {
    let k = key(i);
    let sig = k.sign_hash_sync(&file.id()).unwrap();
    (k.address(), encode_ecdsa(&sig))
}

fn tmpdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn json_round_trip_and_shape() {
    let mut f = sample();
    let (signer, sig) = sign(&f, 0);
    assert_eq!(
        f.add_signature(signer, sig, SignatureKind::Eip712).unwrap(),
        SignatureUpdate::Added
    );
    let json = f.to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    // serde_json without preserve_order sorts keys; check membership, then the text order.
    assert_eq!(keys.len(), 9);
    let order = [
        "\"schema\"",
        "\"chainId\"",
        "\"safe\"",
        "\"epoch\"",
        "\"salt\"",
        "\"calls\"",
        "\"description\"",
        "\"hashes\"",
        "\"signatures\"",
    ];
    let positions: Vec<_> = order.iter().map(|k| json.find(k).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert_eq!(v["calls"][0]["value"], "1500000000000000000");
    assert_eq!(v["calls"][0]["data"], "0x");
    assert_eq!(v["safe"], "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assert_eq!(v["signatures"][0]["kind"], "eip712");
    assert_eq!(
        v["hashes"]["digest"],
        "0x7fa8ec1edaf62f6a7cdba1ff7373b119306e95f5b4faa1cad4d4d39bcbc660c2"
    );
    let back = ProposalFile::parse(&json, Path::new("p.json")).unwrap();
    assert_eq!(back, f);
}

#[test]
fn load_refuses_bad_files() {
    let p = Path::new("p.json");
    let good = sample().to_json();
    let e = ProposalFile::parse("{not json", p).unwrap_err();
    assert!(e.to_string().contains("corrupted proposal file p.json"), "{e}");
    assert!(e.to_string().contains("the file was not changed"), "{e}");
    let e = ProposalFile::parse(&good.replace(SCHEMA, "tsafe.proposal/9"), p).unwrap_err();
    assert!(matches!(e, ProposalError::UnknownSchema { .. }), "{e}");
    // Tamper with a call value.
    let e = ProposalFile::parse(&good.replace("1500000000000000000", "2500000000000000000"), p)
        .unwrap_err();
    assert!(matches!(e, ProposalError::Tampered { field: "digest", .. }), "{e}");
    assert!(e.to_string().contains("recorded digest 0x7fa8ec1e"), "{e}");
    // Tamper with the chain id.
    let e = ProposalFile::parse(&good.replace("31337", "31338"), p).unwrap_err();
    assert!(matches!(e, ProposalError::Tampered { .. }), "{e}");
    let e = ProposalFile::parse(&good.replace("\"salt\"", "\"sallt\""), p).unwrap_err();
    assert!(matches!(e, ProposalError::Corrupted { .. }), "{e}");
    let e = ProposalFile::load(Path::new("/nonexistent/p.json")).unwrap_err();
    assert!(matches!(e, ProposalError::Read { .. }), "{e}");
}

#[test]
fn signatures_are_checked_like_the_contract() {
    let mut f = sample();
    let (signer, sig) = sign(&f, 0);
    let other = key(1).address();
    // Wrong signer.
    let e = f.add_signature(other, sig.clone(), SignatureKind::Eip712).unwrap_err();
    assert!(e.to_string().contains(&other.to_string()), "{e}");
    // Not 65 bytes.
    let e = f
        .add_signature(signer, Bytes::from(sig[..64].to_vec()), SignatureKind::Eip712)
        .unwrap_err();
    assert!(e.to_string().contains("64 bytes"), "{e}");
    // v = 0/1 is refused, as by the contract.
    let mut v01 = sig.to_vec();
    v01[64] -= 27;
    assert!(f.add_signature(signer, v01.into(), SignatureKind::Eip712).is_err());
    // High s: the malleable twin recovers to the same signer but is refused.
    let parsed = alloy::primitives::Signature::from_raw(&sig).unwrap();
    let n = U256::from_str_radix(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        16,
    )
    .unwrap();
    assert_eq!(n >> 1, SECP256K1_HALF_ORDER);
    let high = alloy::primitives::Signature::new(parsed.r(), n - parsed.s(), !parsed.v());
    let mut high_bytes = high.as_bytes().to_vec();
    high_bytes[64] = if high.v() { 28 } else { 27 };
    let e = f.add_signature(signer, high_bytes.into(), SignatureKind::Eip712).unwrap_err();
    assert!(e.to_string().contains("high s"), "{e}");
    // ... and encode_ecdsa normalises it back.
    assert_eq!(encode_ecdsa(&high), sig);

    assert_eq!(
        f.add_signature(signer, sig.clone(), SignatureKind::Eip712).unwrap(),
        SignatureUpdate::Added
    );
    assert_eq!(
        f.add_signature(signer, sig.clone(), SignatureKind::Eip712).unwrap(),
        SignatureUpdate::Unchanged
    );
    assert_eq!(f.signatures().len(), 1);
    // EIP-1271 for a contract owner: unchecked offline; a different one later is refused.
    let wallet = address!("0x0000000000000000000000000000000000001271");
    assert_eq!(
        f.add_signature(wallet, bytes!("0x01"), SignatureKind::Eip1271).unwrap(),
        SignatureUpdate::Added
    );
    let e = f.add_signature(wallet, bytes!("0x02"), SignatureKind::Eip1271).unwrap_err();
    assert!(matches!(e, ProposalError::ConflictingSignature { .. }));
    let sigs = f.signatures_for_contract();
    assert_eq!(sigs.len(), 2);
    assert!(sigs.windows(2).all(|w| w[0].signer < w[1].signer));

    // A file with a forged signature does not load.
    let mut json: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
    let i = f.signatures().iter().position(|s| s.signer == signer).unwrap();
    json["signatures"][i]["signer"] = serde_json::Value::String(other.to_string());
    let e = ProposalFile::parse(&json.to_string(), Path::new("p.json")).unwrap_err();
    assert!(matches!(e, ProposalError::BadSignature { signer: s, .. } if s == other), "{e}");
}

#[test]
fn replaces_a_different_valid_signature() {
    let mut f = sample();
    let k = key(0);
    let (signer, sig) = sign(&f, 0);
    // A signature by the right key over another digest is different and does not verify.
    let other_file = ProposalFile::new(31337, SAFE, 4, B256::ZERO, vector_calls(), None).unwrap();
    let foreign = encode_ecdsa(&k.sign_hash_sync(&other_file.id()).unwrap());
    assert!(f.add_signature(signer, foreign, SignatureKind::Eip712).is_err());
    f.add_signature(signer, bytes!("0x01"), SignatureKind::Eip1271).unwrap();
    assert_eq!(
        f.add_signature(signer, sig, SignatureKind::Eip712).unwrap(),
        SignatureUpdate::Replaced
    );
    assert_eq!(f.signatures()[0].kind, SignatureKind::Eip712);
}

#[test]
fn merge_unions_and_refuses_other_proposals() {
    let mut a = sample();
    let mut b = sample();
    let (s0, sig0) = sign(&a, 0);
    let (s1, sig1) = sign(&a, 1);
    a.add_signature(s0, sig0.clone(), SignatureKind::Eip712).unwrap();
    b.add_signature(s0, sig0, SignatureKind::Eip712).unwrap();
    b.add_signature(s1, sig1, SignatureKind::Eip712).unwrap();
    let report = a.merge(&b).unwrap();
    assert_eq!(report.added, vec![s1]);
    assert_eq!(report.unchanged, vec![s0]);
    assert_eq!(a.signatures().len(), 2);

    let c = ProposalFile::new(1, SAFE, 3, B256::with_last_byte(42), vector_calls(), None).unwrap();
    let e = a.merge(&c).unwrap_err();
    assert!(e.to_string().contains("this file has 31337, the other has 1"), "{e}");
    let d = ProposalFile::new(31337, SAFE, 3, B256::ZERO, vector_calls(), None).unwrap();
    let e = a.merge(&d).unwrap_err();
    assert!(matches!(e, ProposalError::Mismatch { what: "digest", .. }), "{e}");
    let other_safe = address!("0x0000000000000000000000000000000000000001");
    let g = ProposalFile::new(31337, other_safe, 3, B256::ZERO, vector_calls(), None).unwrap();
    assert!(a.merge(&g).unwrap_err().to_string().contains("different safe"));
}

#[test]
fn check_target_names_both_sides() {
    let f = sample();
    assert!(f.check_target(31337, SAFE).is_ok());
    let other = address!("0x0000000000000000000000000000000000000001");
    let e = f.check_target(1, other).unwrap_err().to_string();
    assert!(
        e.contains("proposal is for chain 31337 / safe 0x5FbDB2315678afecb367f032d93F642f64180aa3"),
        "{e}"
    );
    assert!(
        e.contains(
            "but the node is chain 1 / --safe is 0x0000000000000000000000000000000000000001"
        ),
        "{e}"
    );
}

#[test]
fn saves_atomically() {
    let dir = tmpdir();
    let path = dir.path().join("p.json");
    let f = sample();
    f.save_new(&path, false).unwrap();
    assert_eq!(ProposalFile::load(&path).unwrap(), f);
    let e = f.save_new(&path, false).unwrap_err();
    assert!(matches!(e, ProposalError::Exists { .. }), "{e}");
    let mut g = f.clone();
    g.set_description(Some("changed".into()));
    g.save_new(&path, true).unwrap();
    assert_eq!(ProposalFile::load(&path).unwrap().description(), Some("changed"));
    g.save_atomic(&path).unwrap();
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("p.json")]);
    let e = f.save_atomic(&dir.path().join("missing/p.json")).unwrap_err();
    assert!(matches!(e, ProposalError::Write { .. }), "{e}");
}

#[test]
fn empty_batch_is_refused() {
    assert!(matches!(
        ProposalFile::new(1, SAFE, 0, B256::ZERO, vec![], None),
        Err(ProposalError::EmptyBatch)
    ));
    let round = ProposalFile::new(1, SAFE, 0, B256::ZERO, vector_calls(), None).unwrap();
    assert_eq!(round.to_contract_calls().len(), 3);
    assert_eq!(round.to_contract_calls()[1].data, vector_calls()[1].data);
}
