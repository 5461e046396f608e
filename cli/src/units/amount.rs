//! Amounts of the native coin and of tokens: strict parsing (no silent truncation) and formatting.

use super::{MAX_POW10, NATIVE_DECIMALS, UnitError};
use alloy::primitives::{U256, utils::Unit};

/// Native units accepted by [`parse_native_amount`] (alloy's [`Unit`]s under the names cast
/// takes, and `eth`), longest names first so `gwei` wins over `wei`.
const NATIVE_UNITS: &[(&str, Unit)] = &[
    ("ether", Unit::ETHER),
    ("finney", Unit::PWEI),
    ("szabo", Unit::TWEI),
    ("gwei", Unit::GWEI),
    ("mwei", Unit::MWEI),
    ("kwei", Unit::KWEI),
    ("eth", Unit::ETHER),
    ("wei", Unit::WEI),
];

const NATIVE_UNITS_HINT: &str = "ether (eth), gwei or wei, e.g. `1.5ether`, `10gwei`, `1000wei`";
const TOKEN_UNITS_HINT: &str =
    "a number in token units (`1.5`, `250000`) or base units with `units` (`1500000units`)";

/// Parses a native-coin amount into wei: `1.5ether`, `10gwei`, `1000wei`, `1e18`, `0x3e8`, or a
/// plain integer (wei). See the [module docs](self).
pub fn parse_native_amount(input: &str) -> Result<U256, UnitError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(UnitError::Empty {
            what: "amount",
            hint: "give a number with a unit, e.g. `1.5ether`, `10gwei` or `1000wei`",
        });
    }
    reject_sign(input, s)?;
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return parse_hex(input, hex);
    }
    let lower = s.to_ascii_lowercase();
    let (number, unit) = match NATIVE_UNITS.iter().find(|(name, _)| lower.ends_with(name)) {
        Some((name, unit)) => {
            (s[..s.len() - name.len()].trim_end(), Some((*name, u32::from(unit.get()))))
        }
        None => {
            check_trailing_unit(input, s, NATIVE_UNITS_HINT)?;
            (s, None)
        }
    };
    match unit {
        Some((name, decimals)) => {
            let unit = match name {
                "eth" => "ether".to_owned(),
                other => other.to_owned(),
            };
            parse_decimal(input, number, decimals, &unit, "`1.5ether`")
        }
        None => parse_decimal(input, number, 0, "wei", "`1.5ether`").map_err(|e| match e {
            // A fraction without a unit is almost always meant as ether: say so.
            UnitError::TooManyDecimals { .. } => UnitError::MissingUnit { input: s.to_owned() },
            other => other,
        }),
    }
}

/// Parses a token amount into base units, given the token's `decimals()`: `250000`, `1.5`,
/// `0.000001`, `2.5e5` in token units, or `1500000units` (alias `1500000wei`) in base units.
pub fn parse_token_amount(input: &str, decimals: u8) -> Result<U256, UnitError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(UnitError::Empty {
            what: "amount",
            hint: "give a number in token units, e.g. `250000` or `1.5`",
        });
    }
    reject_sign(input, s)?;
    let lower = s.to_ascii_lowercase();
    for suffix in ["units", "wei"] {
        if lower.ends_with(suffix) {
            let number = s[..s.len() - suffix.len()].trim_end();
            return parse_decimal(input, number, 0, "base units", "`1500000units`");
        }
    }
    check_trailing_unit(input, s, TOKEN_UNITS_HINT)?;
    let unit = format!("a token with {decimals} decimals");
    parse_decimal(input, s, u32::from(decimals), &unit, "`250000` or `1.5`")
}

fn reject_sign(input: &str, s: &str) -> Result<(), UnitError> {
    if s.starts_with('-') {
        return Err(UnitError::Negative { input: input.to_owned() });
    }
    if s.starts_with('+') {
        return Err(UnitError::NotANumber {
            input: input.to_owned(),
            reason: "leading `+`".to_owned(),
            example: "`1.5ether`",
        });
    }
    Ok(())
}

/// Refuses a trailing alphabetic word that is not a known unit (the exponent `e` is handled by
/// the number parser).
fn check_trailing_unit(input: &str, s: &str, expected: &'static str) -> Result<(), UnitError> {
    let letters = s.len() - s.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
    if letters == 0 {
        return Ok(());
    }
    let unit = &s[s.len() - letters..];
    Err(UnitError::UnknownUnit { input: input.to_owned(), unit: unit.to_owned(), expected })
}

fn parse_hex(input: &str, hex: &str) -> Result<U256, UnitError> {
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(UnitError::NotANumber {
            input: input.to_owned(),
            reason: "not hexadecimal".to_owned(),
            example: "`0x3e8` (wei) or `1.5ether`",
        });
    }
    U256::from_str_radix(hex, 16)
        .map_err(|_| UnitError::Overflow { input: input.to_owned(), bound: u256_bound() })
}

fn u256_bound() -> String {
    "it does not fit 256 bits".to_owned()
}

/// Parses `int[.frac][e[+]exp]` (underscores allowed between digits) scaled by `10^decimals`.
fn parse_decimal(
    input: &str,
    number: &str,
    decimals: u32,
    unit: &str,
    example: &'static str,
) -> Result<U256, UnitError> {
    let not_a_number = |reason: &str| UnitError::NotANumber {
        input: input.to_owned(),
        reason: reason.to_owned(),
        example,
    };
    if number.is_empty() {
        return Err(not_a_number("no digits before the unit"));
    }
    if number.contains(',') {
        return Err(not_a_number("commas are not accepted; use `_` to group digits"));
    }
    let cleaned: String = number.chars().filter(|c| *c != '_').collect();
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(i) => {
            let exp = &cleaned[i + 1..];
            let exp = exp.strip_prefix('+').unwrap_or(exp);
            if exp.is_empty() || !exp.chars().all(|c| c.is_ascii_digit()) {
                return Err(not_a_number("the exponent after `e` must be a whole number"));
            }
            let exp: u32 =
                exp.parse().map_err(|_| not_a_number("the exponent after `e` is too large"))?;
            (&cleaned[..i], exp)
        }
        None => (cleaned.as_str(), 0),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (mantissa, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return Err(not_a_number("no digits"));
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(not_a_number("only digits, one `.` and an optional exponent are accepted"));
    }
    // value = digits × 10^(decimals + exponent − len(frac)); trailing zeros of the fraction do
    // not count as precision.
    let frac = frac.trim_end_matches('0');
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let scale =
        i64::from(decimals) + i64::from(exponent) - i64::try_from(frac.len()).unwrap_or(i64::MAX);
    if scale < 0 {
        return Err(UnitError::TooManyDecimals {
            input: input.to_owned(),
            unit: unit.to_owned(),
            decimals,
        });
    }
    if digits.is_empty() {
        return Ok(U256::ZERO);
    }
    let overflow = || UnitError::Overflow { input: input.to_owned(), bound: u256_bound() };
    let base = U256::from_str_radix(digits, 10).map_err(|_| overflow())?;
    let scale = u32::try_from(scale).map_err(|_| overflow())?;
    if scale > MAX_POW10 {
        return Err(overflow());
    }
    base.checked_mul(U256::from(10u8).pow(U256::from(scale))).ok_or_else(overflow)
}

/// Formats base units as a decimal number of whole units: `format_units(1500000, 6) == "1.5"`.
/// Trailing zeros are trimmed; at least one digit is kept (`"0"`). No grouping, so the result
/// parses back with [`parse_token_amount`].
pub fn format_units(amount: U256, decimals: u8) -> String {
    let digits = amount.to_string();
    let decimals = usize::from(decimals);
    if decimals == 0 {
        return digits;
    }
    let padded = if digits.len() <= decimals {
        format!("{}{digits}", "0".repeat(decimals + 1 - digits.len()))
    } else {
        digits
    };
    let (int, frac) = padded.split_at(padded.len() - decimals);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { int.to_owned() } else { format!("{int}.{frac}") }
}

/// Groups the integer part of a decimal number by thousands: `"250000.5"` → `"250,000.5"`.
pub fn group_thousands(number: &str) -> String {
    let (int, frac) = match number.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (number, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 1);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{grouped}.{frac}"),
        None => grouped,
    }
}

/// Formats a token amount for people: `format_token(250000000000, 6, "USDC") == "250,000 USDC"`.
/// An amount with more than [`SHOWN_DECIMALS`] decimals is rounded for people first and the
/// exact value follows: `"≈3.5 ETH (3.499999999999999999 ETH)"`.
pub fn format_token(amount: U256, decimals: u8, symbol: &str) -> String {
    let exact = group_thousands(&format_units(amount, decimals));
    match round_for_people(&exact) {
        Some(rounded) if rounded != exact => format!("≈{rounded} {symbol} ({exact} {symbol})"),
        _ => format!("{exact} {symbol}"),
    }
}

/// Decimals shown in a rounded amount.
pub const SHOWN_DECIMALS: usize = 4;

/// `exact` (grouped, as [`group_thousands`] writes it) rounded half up to [`SHOWN_DECIMALS`]
/// decimals, trailing zeros dropped; `None` when it has no more decimals than that.
fn round_for_people(exact: &str) -> Option<String> {
    let (int, frac) = exact.split_once('.')?;
    // Below 1, the digits after the leading zeros are the ones that count.
    let shown = if int == "0" {
        frac.len() - frac.trim_start_matches('0').len() + SHOWN_DECIMALS
    } else {
        SHOWN_DECIMALS
    };
    if frac.len() <= shown {
        return None;
    }
    let plain: String = int.chars().filter(|c| *c != ',').collect();
    let scaled = format!("{plain}{}", &frac[..shown]);
    let mut value: U256 = scaled.parse().ok()?;
    if frac.as_bytes()[shown] >= b'5' {
        value += U256::from(1);
    }
    let text = format_units(value, u8::try_from(shown).ok()?);
    Some(group_thousands(&text))
}

/// Formats wei for people: `format_native(1.5e18) == "1.5 ETH"`.
pub fn format_native(wei: U256) -> String {
    format_native_with(wei, "ETH")
}

/// Formats wei for people with the chain's coin symbol: `"1.5 MATIC"`.
pub fn format_native_with(wei: U256, symbol: &str) -> String {
    format_token(wei, NATIVE_DECIMALS, symbol)
}
