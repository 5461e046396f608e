//! Unit tests of parsing and formatting.

#![allow(clippy::unwrap_used)]

use super::*;
use alloy::primitives::U256;

#[test]
fn long_amounts_are_rounded_for_people_next_to_the_exact_value() {
    let almost = U256::from(3_499_999_999_999_999_999u128);
    assert_eq!(format_native(almost), "≈3.5 ETH (3.499999999999999999 ETH)");
    assert_eq!(format_native(U256::from(1_500_000_000_000_000_000u128)), "1.5 ETH");
    assert_eq!(format_native(U256::from(1)), "0.000000000000000001 ETH");
    assert_eq!(
        format_native(U256::from(123_456_789u64)),
        "≈0.0000000001235 ETH (0.000000000123456789 ETH)"
    );
    assert_eq!(format_token(U256::from(1_500_250_000u64), 6, "dUSD"), "1,500.25 dUSD");
    assert_eq!(
        format_token(U256::from(1_234_567_891_234u64), 9, "T"),
        "≈1,234.5679 T (1,234.567891234 T)"
    );
}

fn u(n: u128) -> U256 {
    U256::from(n)
}

const ETHER: u128 = 1_000_000_000_000_000_000;

#[test]
fn native_amounts_like_cast() {
    assert_eq!(parse_native_amount("1.5ether").unwrap(), u(3 * ETHER / 2));
    assert_eq!(parse_native_amount("1.5 ether").unwrap(), u(3 * ETHER / 2));
    assert_eq!(parse_native_amount("1.5ETH").unwrap(), u(3 * ETHER / 2));
    assert_eq!(parse_native_amount("10gwei").unwrap(), u(10_000_000_000));
    assert_eq!(parse_native_amount("1000wei").unwrap(), u(1000));
    assert_eq!(parse_native_amount("1000").unwrap(), u(1000));
    assert_eq!(parse_native_amount("1e18").unwrap(), u(ETHER));
    assert_eq!(parse_native_amount("1.5e3gwei").unwrap(), u(1_500_000_000_000));
    assert_eq!(parse_native_amount("0x3e8").unwrap(), u(1000));
    assert_eq!(parse_native_amount("1_000wei").unwrap(), u(1000));
    assert_eq!(parse_native_amount(".5ether").unwrap(), u(ETHER / 2));
    assert_eq!(parse_native_amount("0ether").unwrap(), U256::ZERO);
    assert_eq!(parse_native_amount("1.000wei").unwrap(), u(1));
    assert_eq!(parse_native_amount("2finney").unwrap(), u(2_000_000_000_000_000));
}

#[test]
fn native_amount_errors_name_input_and_fix() {
    let e = parse_native_amount("1.5").unwrap_err();
    assert_eq!(e, UnitError::MissingUnit { input: "1.5".into() });
    assert!(e.to_string().contains("1.5ether"), "{e}");
    let e = parse_native_amount("-1ether").unwrap_err();
    assert!(matches!(e, UnitError::Negative { .. }));
    assert!(e.to_string().contains("-1ether"));
    assert!(matches!(parse_native_amount("  ").unwrap_err(), UnitError::Empty { .. }));
    let e = parse_native_amount("1.5wei").unwrap_err();
    assert!(matches!(e, UnitError::TooManyDecimals { decimals: 0, .. }), "{e}");
    let e = parse_native_amount("0.0000000000000000001ether").unwrap_err();
    assert!(e.to_string().contains("18"), "{e}");
    let e = parse_native_amount("1btc").unwrap_err();
    assert!(matches!(&e, UnitError::UnknownUnit { unit, .. } if unit == "btc"), "{e}");
    assert!(e.to_string().contains("gwei"));
    let e = parse_native_amount("1e78ether").unwrap_err();
    assert!(matches!(e, UnitError::Overflow { .. }), "{e}");
    let e = parse_native_amount(&format!("{}0", U256::MAX)).unwrap_err();
    assert!(matches!(e, UnitError::Overflow { .. }), "{e}");
    assert_eq!(parse_native_amount(&U256::MAX.to_string()).unwrap(), U256::MAX);
    assert!(matches!(parse_native_amount("1,000wei").unwrap_err(), UnitError::NotANumber { .. }));
    assert!(matches!(parse_native_amount("ether").unwrap_err(), UnitError::NotANumber { .. }));
    assert!(matches!(parse_native_amount("1.2.3ether").unwrap_err(), UnitError::NotANumber { .. }));
    assert!(matches!(parse_native_amount("1e").unwrap_err(), UnitError::UnknownUnit { .. }));
    assert!(matches!(parse_native_amount("1e+ether").unwrap_err(), UnitError::NotANumber { .. }));
    assert!(matches!(parse_native_amount("0xzz").unwrap_err(), UnitError::NotANumber { .. }));
}

#[test]
fn token_amounts() {
    assert_eq!(parse_token_amount("250000", 6).unwrap(), u(250_000_000_000));
    assert_eq!(parse_token_amount("1.5", 6).unwrap(), u(1_500_000));
    assert_eq!(parse_token_amount("0.000001", 6).unwrap(), u(1));
    assert_eq!(parse_token_amount("2.5e5", 6).unwrap(), u(250_000_000_000));
    assert_eq!(parse_token_amount("1500000units", 6).unwrap(), u(1_500_000));
    assert_eq!(parse_token_amount("1500000 wei", 6).unwrap(), u(1_500_000));
    assert_eq!(parse_token_amount("7", 0).unwrap(), u(7));
    let e = parse_token_amount("0.0000001", 6).unwrap_err();
    assert!(matches!(e, UnitError::TooManyDecimals { decimals: 6, .. }));
    assert!(e.to_string().contains("6 decimals"), "{e}");
    let e = parse_token_amount("1.5units", 6).unwrap_err();
    assert!(matches!(e, UnitError::TooManyDecimals { decimals: 0, .. }));
    let e = parse_token_amount("10usdc", 6).unwrap_err();
    assert!(e.to_string().contains("units"), "{e}");
    assert!(matches!(parse_token_amount("-1", 6).unwrap_err(), UnitError::Negative { .. }));
    assert!(matches!(parse_token_amount("1", 78).unwrap_err(), UnitError::Overflow { .. }));
}

#[test]
fn formatting() {
    assert_eq!(format_units(u(1_500_000), 6), "1.5");
    assert_eq!(format_units(u(1), 6), "0.000001");
    assert_eq!(format_units(U256::ZERO, 6), "0");
    assert_eq!(format_units(u(250_000_000_000), 6), "250000");
    assert_eq!(format_units(u(42), 0), "42");
    assert_eq!(format_token(u(250_000_000_000), 6, "USDC"), "250,000 USDC");
    assert_eq!(format_native(u(3 * ETHER / 2)), "1.5 ETH");
    assert_eq!(format_native(u(1234 * ETHER)), "1,234 ETH");
    assert_eq!(group_thousands("100"), "100");
    assert_eq!(group_thousands("1000000.25"), "1,000,000.25");
    // Round trip.
    for (text, d) in [("1.5", 6u8), ("0.000001", 6), ("123456789.987654321", 18)] {
        assert_eq!(format_units(parse_token_amount(text, d).unwrap(), d), text);
    }
}

#[test]
fn durations() {
    assert_eq!(parse_duration("2d").unwrap(), 172_800);
    assert_eq!(parse_duration("14d").unwrap(), 1_209_600);
    assert_eq!(parse_duration("12h").unwrap(), 43_200);
    assert_eq!(parse_duration("30m").unwrap(), 1_800);
    assert_eq!(parse_duration("45s").unwrap(), 45);
    assert_eq!(parse_duration("1w").unwrap(), 604_800);
    assert_eq!(parse_duration("1d12h").unwrap(), 129_600);
    assert_eq!(parse_duration("1d 12h").unwrap(), 129_600);
    assert_eq!(parse_duration("3600").unwrap(), 3_600);
    assert_eq!(parse_duration("0").unwrap(), 0);
    for bad in ["2x", "1d1d", "d", "1.5d", "-1d", "5000000000", "1d12"] {
        let e = parse_duration(bad).unwrap_err();
        assert!(e.to_string().contains(bad.trim()), "{bad}: {e}");
    }
    assert!(matches!(parse_duration(" ").unwrap_err(), UnitError::Empty { .. }));
    assert!(parse_duration("1d12").unwrap_err().to_string().contains("no unit"));
    assert!(parse_duration("100000w").is_err());
    assert_eq!(format_duration(0), "0s");
    assert_eq!(format_duration(45), "45s");
    assert_eq!(format_duration(2 * 86_400 + 3 * 3_600 + 4 * 60), "2d 3h 4m");
    assert_eq!(format_duration(14 * 86_400), "14d");
}

#[test]
fn addresses() {
    let a = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
    assert_eq!(parse_address(a).unwrap(), NATIVE_ASSET);
    assert_eq!(parse_address(&a.to_lowercase()).unwrap(), NATIVE_ASSET);
    let e = parse_address("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEee").unwrap_err();
    assert!(e.to_string().contains("checksum"), "{e}");
    assert!(parse_address("0x1234").unwrap_err().to_string().contains("4 hex digits"));
    assert!(parse_address("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee").is_err());
}

#[test]
fn cap_specs() {
    let c = parse_cap_spec("ETH:10ether/1d").unwrap();
    assert_eq!(c, CapSpec { asset: AssetRef::Native, amount: "10ether".into(), period: 86_400 });
    assert_eq!(c.limit(0).unwrap(), u(10 * ETHER));
    let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let c = parse_cap_spec(&format!("{token}:250000/7d")).unwrap();
    assert_eq!(c.asset, AssetRef::Token(parse_address(token).unwrap()));
    assert_eq!(c.period, 7 * 86_400);
    assert_eq!(c.limit(6).unwrap(), u(250_000_000_000));
    let c = parse_cap_spec(&format!("{NATIVE_ASSET}:1ether/1h")).unwrap();
    assert_eq!(c.asset, AssetRef::Native);
    assert_eq!(c.asset.address(), NATIVE_ASSET);
    for bad in
        ["ETH10ether/1d", "ETH:10ether", "USDC:1/1d", "ETH:/1d", "ETH:1ether/0", "ETH:1ether/1x"]
    {
        let e = parse_cap_spec(bad).unwrap_err();
        assert!(e.to_string().contains(bad), "{bad}: {e}");
    }
    let huge = parse_cap_spec("ETH:1e30ether/1d").unwrap();
    assert!(huge.limit(0).unwrap_err().to_string().contains("uint128"));
}

#[test]
fn utc_dates() {
    assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(format_utc(1_795_457_074), "2026-11-23 18:04:34 UTC");
    assert_eq!(format_utc(4_102_444_799), "2099-12-31 23:59:59 UTC");
}
