//! `--value` amounts: every string `cast` accepts for `--value` gives the same wei here, or is
//! refused here on purpose (listed below with the reason).
//!
//! cast parses `--value` with foundry's `parse_ether_value`: `0x…` as hex, anything else with
//! alloy's `DynSolType::coerce_str(uint256)`; `cast abi-encode "f(uint256)" <value>` runs the same
//! coercion, so its word is cast's `--value`. Strings are hand-picked edge cases plus a seeded
//! random draw of numbers, fractions, exponents, units and spacing.

use alloy::primitives::U256;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::process::Command;
use tsafe::units::parse_native_amount;

/// What cast's `--value` makes of `input`: wei, or `None` when it refuses it.
fn cast_value(cast: &std::path::Path, input: &str) -> Option<U256> {
    let out = Command::new(cast).args(["abi-encode", "f(uint256)", input]).output().unwrap();
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let hex = text.trim().strip_prefix("0x").expect("a hex word");
    Some(U256::from_str_radix(hex, 16).unwrap())
}

/// Strings cast accepts that tsafe refuses on purpose, and why.
fn deliberate_refusal(input: &str) -> Option<&'static str> {
    // A negative exponent that leaves a whole number of wei: cast takes `1e-3ether`; we refuse an
    // exponent that is not a whole number rather than scale down (one rule: `e` only multiplies).
    if input.contains("e-") || input.contains("E-") {
        return Some("negative exponent");
    }
    None
}

fn random_amount(rng: &mut StdRng) -> String {
    let int = match rng.gen_range(0..4) {
        0 => "0".to_owned(),
        1 => rng.gen_range(1..1000u32).to_string(),
        2 => rng.r#gen::<u64>().to_string(),
        _ => "1".repeat(rng.gen_range(1..30)),
    };
    let frac = match rng.gen_range(0..3) {
        0 => String::new(),
        1 => format!(".{}", rng.gen_range(0..100_000u32)),
        _ => format!(".{}", "0".repeat(rng.gen_range(1..20)) + "1"),
    };
    let exp = match rng.gen_range(0..4) {
        0 => format!("e{}", rng.gen_range(0..30)),
        _ => String::new(),
    };
    let units = ["", "", "ether", "gwei", "wei", "ETHER", "Gwei", "eth", "kwei", "szabo"];
    let unit = units[rng.gen_range(0..units.len())];
    let space = if !unit.is_empty() && rng.gen_bool(0.3) { " " } else { "" };
    format!("{int}{frac}{exp}{space}{unit}")
}

#[test]
fn what_cast_takes_as_value_means_the_same_here() {
    let cast = tsafe::toolchain::pinned_tool_path("cast");
    assert!(cast.exists(), "the pinned cast is not installed at {}", cast.display());
    let mut inputs: Vec<String> = [
        "0",
        "1",
        "1000",
        "1ether",
        "1.5ether",
        "1.5 ether",
        "10gwei",
        "1e18",
        "1.5e3gwei",
        "0x3e8",
        "0x0",
        "1wei",
        "0.000000001gwei",
        "1.000000000000000001ether",
        "1e77",
        "1e78",
        "2.5e-18ether",
        "1e-3ether",
        "1.5",
        "1_000",
        "-1",
        " 7 ",
        "1eth",
        "1.5ETH",
        "1kwei",
        "1szabo",
        "1finney",
        "1.0000000000000000001ether",
        "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        "115792089237316195423570985008687907853269984665640564039457584007913129639936",
        "1e",
        "ether",
        ".5ether",
        "5.ether",
        "0x",
        "0xgg",
        "1 gwei",
        "1gwei ",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut rng = StdRng::seed_from_u64(7);
    inputs.extend((0..150).map(|_| random_amount(&mut rng)));
    let mut compared = 0;
    for input in &inputs {
        let Some(theirs) = cast_value(&cast, input) else { continue };
        match (parse_native_amount(input), deliberate_refusal(input)) {
            (Ok(ours), _) => {
                assert_eq!(ours, theirs, "`{input}`: cast says {theirs}, tsafe {ours}");
            }
            (Err(e), Some(_)) => assert!(!e.to_string().is_empty()),
            (Err(e), None) => panic!("cast takes `{input}` as {theirs} wei, tsafe refuses it: {e}"),
        }
        compared += 1;
    }
    assert!(compared > 60, "only {compared} strings accepted by cast");
}
