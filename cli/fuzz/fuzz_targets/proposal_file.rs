//! Fuzzes proposal-file parsing (`ProposalFile::parse`), the one input tsafe takes from other
//! people's machines. For any bytes:
//! - parsing never panics (an error names what is wrong);
//! - a file that parses is consistent: its recorded hashes are the ones recomputed from its
//!   fields, it verifies again, it survives its own JSON unchanged, and merging it into itself
//!   changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use tsafe::proposal::{ProposalFile, hash_proposal};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("fuzz.json");
    let Ok(file) = ProposalFile::parse(text, path) else { return };

    let hashes = hash_proposal(
        file.chain_id(),
        file.safe(),
        &file.to_contract_calls(),
        file.salt(),
        file.epoch(),
    );
    assert_eq!(hashes, file.hashes(), "recorded hashes differ from recomputed ones");
    assert_eq!(file.id(), hashes.digest);
    file.verify(path).expect("a parsed file verifies again");

    let json = file.to_json();
    let again = ProposalFile::parse(&json, path).expect("a parsed file's own JSON parses");
    assert_eq!(again, file, "JSON round trip changed the file");
    assert_eq!(again.to_json(), json, "JSON is not stable");

    let mut merged = file.clone();
    let report = merged.merge(&file).expect("a file merges with itself");
    assert!(report.added.is_empty() && report.replaced.is_empty(), "{report:?}");
    assert_eq!(merged, file);
});
