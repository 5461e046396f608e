//! Parsing and formatting of amounts, durations, addresses and cap specifications.
//!
//! Everything here is pure: no network, no files. Token decimals and symbols are fetched by the
//! caller and passed in.
//!
//! # Amounts
//!
//! - Native coin ([`parse_native_amount`]): like `cast`, a number with a unit (`1.5ether`,
//!   `10gwei`, `1000wei`, also `eth`, `kwei`, `mwei`, `szabo`, `finney`, spaces allowed before
//!   the unit); a plain integer is wei; `0x…` hex is wei; scientific notation works (`1e18` is
//!   10¹⁸ wei, `1.5e3gwei`). A fraction without a unit (`1.5`) is refused: write `1.5ether`.
//! - Tokens ([`parse_token_amount`]): a number in token units, scaled by the token's
//!   `decimals()` (`250000`, `1.5`, `0.000001`, `2.5e5`); or raw base units with the suffix
//!   `units` (alias `wei`), integer only: `1500000units`.
//!
//! Underscores may group digits (`1_000_000`). Commas are refused (they are ambiguous between
//! locales).
//!
//! # Durations
//!
//! [`parse_duration`]: plain seconds (`3600`) or parts with units `w`, `d`, `h`, `m`, `s`, in any
//! combination without repeats (`2d`, `1d12h`, `1w 2d`, `90m`).

use alloy::primitives::{Address, U256, address};
use std::str::FromStr;

/// The address that stands for the chain's native coin in caps (`NATIVE_ASSET` in the contract).
pub const NATIVE_ASSET: Address = address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

/// Decimals of the native coin.
pub const NATIVE_DECIMALS: u8 = 18;

/// The largest power of ten that fits a `U256` (10⁷⁷).
const MAX_POW10: u32 = 77;

/// A malformed amount, duration, address or cap specification. Every message names the input
/// and says how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// Nothing was given.
    #[error("empty {what}: {hint}")]
    Empty {
        /// What was expected ("amount", "duration", …).
        what: &'static str,
        /// How to write one.
        hint: &'static str,
    },
    /// A native amount with a fraction but no unit.
    #[error(
        "amount `{input}` has no unit: write `{input}ether` (or `{input}gwei`); a plain integer is wei"
    )]
    MissingUnit {
        /// The input as given.
        input: String,
    },
    /// An unknown unit suffix.
    #[error("amount `{input}` has an unknown unit `{unit}`: use {expected}")]
    UnknownUnit {
        /// The input as given.
        input: String,
        /// The unit that was not understood.
        unit: String,
        /// The units accepted here.
        expected: &'static str,
    },
    /// A negative amount.
    #[error("amount `{input}` is negative: amounts are zero or more")]
    Negative {
        /// The input as given.
        input: String,
    },
    /// Not a number.
    #[error("amount `{input}` is not a number ({reason}): write e.g. {example}")]
    NotANumber {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
        /// A valid example.
        example: &'static str,
    },
    /// More fractional digits than the unit or token allows.
    #[error(
        "amount `{input}` has more decimals than {unit} allows ({decimals}): round it to at most {decimals} decimals"
    )]
    TooManyDecimals {
        /// The input as given.
        input: String,
        /// The unit or token ("ether", "a token with 6 decimals").
        unit: String,
        /// The decimals allowed.
        decimals: u32,
    },
    /// The amount does not fit 256 bits (or the narrower bound stated).
    #[error("amount `{input}` is too large: {bound}")]
    Overflow {
        /// The input as given.
        input: String,
        /// The bound it exceeds.
        bound: String,
    },
    /// A malformed duration.
    #[error(
        "duration `{input}` is invalid ({reason}): write seconds (`3600`) or parts like `2d`, `12h`, `30m`, `45s`, `1w`, `1d12h`"
    )]
    Duration {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A malformed address.
    #[error("`{input}` is not a valid address ({reason}): write 0x followed by 40 hex digits")]
    Address {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A malformed cap specification.
    #[error(
        "cap `{input}` is invalid ({reason}): write ASSET:AMOUNT/PERIOD, e.g. `ETH:10ether/1d` or `0xToken…:250000/7d`"
    )]
    Cap {
        /// The input as given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Native units accepted by [`parse_native_amount`], longest names first so `gwei` wins over `wei`.
const NATIVE_UNITS: &[(&str, u32)] = &[
    ("ether", 18),
    ("finney", 15),
    ("szabo", 12),
    ("gwei", 9),
    ("mwei", 6),
    ("kwei", 3),
    ("eth", 18),
    ("wei", 0),
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
        Some((name, decimals)) => (s[..s.len() - name.len()].trim_end(), Some((*name, *decimals))),
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
    let scale = i64::from(decimals) + i64::from(exponent) - frac.len() as i64;
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

/// Duration units accepted by [`parse_duration`], in seconds.
const DURATION_UNITS: &[(char, u64)] =
    &[('w', 7 * 86_400), ('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// Parses a duration into seconds: plain seconds (`3600`) or parts `1w`, `2d`, `12h`, `30m`,
/// `45s` combined without repeats (`1d12h`, `1d 12h`). The result must fit `u32` (about 136
/// years); bounds such as `MIN_DELAY` are the caller's to check.
pub fn parse_duration(input: &str) -> Result<u32, UnitError> {
    let s = input.trim();
    let err =
        |reason: &str| UnitError::Duration { input: input.to_owned(), reason: reason.to_owned() };
    if s.is_empty() {
        return Err(UnitError::Empty {
            what: "duration",
            hint: "give seconds (`3600`) or parts like `2d`, `12h`, `30m`",
        });
    }
    if s.starts_with('-') {
        return Err(err("negative"));
    }
    let total: u64 = if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse().map_err(|_| err("too large"))?
    } else {
        let mut total: u64 = 0;
        let mut seen = String::new();
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return Err(err("each part must be a whole number followed by a unit"));
            }
            let n: u64 = rest[..digits].parse().map_err(|_| err("too large"))?;
            rest = &rest[digits..];
            let mut chars = rest.chars();
            let unit = match chars.next() {
                Some(c) => c.to_ascii_lowercase(),
                None => return Err(err("the last number has no unit (w, d, h, m or s)")),
            };
            let Some((_, secs)) = DURATION_UNITS.iter().find(|(u, _)| *u == unit) else {
                return Err(err(&format!("unknown unit `{unit}`: use w, d, h, m or s")));
            };
            if seen.contains(unit) {
                return Err(err(&format!("unit `{unit}` appears twice")));
            }
            seen.push(unit);
            rest = chars.as_str().trim_start();
            total = n
                .checked_mul(*secs)
                .and_then(|part| total.checked_add(part))
                .ok_or_else(|| err("too large"))?;
        }
        total
    };
    u32::try_from(total).map_err(|_| err("longer than 4294967295 seconds (about 136 years)"))
}

/// Formats seconds for people: `"2d 3h 4m"`, `"45s"`, `"0s"`. Zero parts are left out.
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_owned();
    }
    let mut rest = seconds;
    let mut parts = Vec::new();
    for (unit, secs) in [('d', 86_400u64), ('h', 3_600), ('m', 60), ('s', 1)] {
        let n = rest / secs;
        rest %= secs;
        if n > 0 {
            parts.push(format!("{n}{unit}"));
        }
    }
    parts.join(" ")
}

/// A unix time as UTC, `2026-11-23 18:04:10 UTC` (proleptic Gregorian calendar).
pub fn format_utc(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(i64::MAX / 2);
    let secs = unix % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// Parses an address: `0x` and 40 hex digits. A mixed-case address must carry a valid EIP-55
/// checksum (a wrong one usually means a typo).
pub fn parse_address(input: &str) -> Result<Address, UnitError> {
    let s = input.trim();
    let err =
        |reason: &str| UnitError::Address { input: input.to_owned(), reason: reason.to_owned() };
    let Some(hex) = s.strip_prefix("0x") else {
        return Err(err("missing the 0x prefix"));
    };
    if hex.len() != 40 {
        return Err(err(&format!("{} hex digits instead of 40", hex.len())));
    }
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(err("not hexadecimal"));
    }
    let mixed =
        hex.chars().any(|c| c.is_ascii_lowercase()) && hex.chars().any(|c| c.is_ascii_uppercase());
    if mixed {
        Address::parse_checksummed(s, None).map_err(|_| {
            err("bad EIP-55 checksum: check for a typo, or write it all in lower case")
        })
    } else {
        Address::from_str(s).map_err(|e| err(&e.to_string()))
    }
}

/// The asset of a cap: the native coin or an ERC-20 token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetRef {
    /// The chain's native coin ([`NATIVE_ASSET`] on chain).
    Native,
    /// An ERC-20 token at this address.
    Token(Address),
}

impl AssetRef {
    /// The address the contract uses for this asset.
    pub fn address(&self) -> Address {
        match self {
            Self::Native => NATIVE_ASSET,
            Self::Token(token) => *token,
        }
    }

    /// The asset for a contract-side address ([`NATIVE_ASSET`] is the native coin).
    pub fn from_address(asset: Address) -> Self {
        if asset == NATIVE_ASSET { Self::Native } else { Self::Token(asset) }
    }
}

/// A parsed `--cap ASSET:AMOUNT/PERIOD`. The amount stays unparsed until the caller knows the
/// token's decimals; resolve it with [`CapSpec::limit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapSpec {
    /// The capped asset.
    pub asset: AssetRef,
    /// The amount as written (`10ether`, `250000`).
    pub amount: String,
    /// The period in seconds.
    pub period: u32,
}

impl CapSpec {
    /// The limit in base units: a native amount (`10ether`) for the native coin, token units
    /// scaled by `token_decimals` for a token (`token_decimals` is ignored for the native coin).
    /// The contract stores limits as `uint128`, so larger values are refused here.
    pub fn limit(&self, token_decimals: u8) -> Result<U256, UnitError> {
        let amount = match self.asset {
            AssetRef::Native => parse_native_amount(&self.amount)?,
            AssetRef::Token(_) => parse_token_amount(&self.amount, token_decimals)?,
        };
        if amount > U256::from(u128::MAX) {
            return Err(UnitError::Overflow {
                input: self.amount.clone(),
                bound: "a cap limit must fit uint128".to_owned(),
            });
        }
        Ok(amount)
    }
}

/// Parses a cap: `ETH:10ether/1d` (also `native:` or the [`NATIVE_ASSET`] address) or
/// `0xToken…:250000/7d` (amount in token units, or base units with `units`).
pub fn parse_cap_spec(input: &str) -> Result<CapSpec, UnitError> {
    let s = input.trim();
    let err = |reason: String| UnitError::Cap { input: input.to_owned(), reason };
    let Some((asset, rest)) = s.split_once(':') else {
        return Err(err("no `:` between the asset and the amount".to_owned()));
    };
    let Some((amount, period)) = rest.rsplit_once('/') else {
        return Err(err("no `/` between the amount and the period".to_owned()));
    };
    let asset = asset.trim();
    let asset = if asset.eq_ignore_ascii_case("eth") || asset.eq_ignore_ascii_case("native") {
        AssetRef::Native
    } else if asset.starts_with("0x") {
        AssetRef::from_address(parse_address(asset).map_err(|e| err(e.to_string()))?)
    } else {
        return Err(err(format!(
            "asset `{asset}` is neither ETH nor a token address; token symbols are not looked up, give the token's 0x address"
        )));
    };
    let amount = amount.trim();
    if amount.is_empty() {
        return Err(err("the amount is empty".to_owned()));
    }
    let period = parse_duration(period).map_err(|e| err(e.to_string()))?;
    if period == 0 {
        return Err(err("the period is zero".to_owned()));
    }
    Ok(CapSpec { asset, amount: amount.to_owned(), period })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

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
        assert!(matches!(
            parse_native_amount("1,000wei").unwrap_err(),
            UnitError::NotANumber { .. }
        ));
        assert!(matches!(parse_native_amount("ether").unwrap_err(), UnitError::NotANumber { .. }));
        assert!(matches!(
            parse_native_amount("1.2.3ether").unwrap_err(),
            UnitError::NotANumber { .. }
        ));
        assert!(matches!(parse_native_amount("1e").unwrap_err(), UnitError::UnknownUnit { .. }));
        assert!(matches!(
            parse_native_amount("1e+ether").unwrap_err(),
            UnitError::NotANumber { .. }
        ));
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
        assert_eq!(
            c,
            CapSpec { asset: AssetRef::Native, amount: "10ether".into(), period: 86_400 }
        );
        assert_eq!(c.limit(0).unwrap(), u(10 * ETHER));
        let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
        let c = parse_cap_spec(&format!("{token}:250000/7d")).unwrap();
        assert_eq!(c.asset, AssetRef::Token(parse_address(token).unwrap()));
        assert_eq!(c.period, 7 * 86_400);
        assert_eq!(c.limit(6).unwrap(), u(250_000_000_000));
        let c = parse_cap_spec(&format!("{}:1ether/1h", NATIVE_ASSET)).unwrap();
        assert_eq!(c.asset, AssetRef::Native);
        assert_eq!(c.asset.address(), NATIVE_ASSET);
        for bad in [
            "ETH10ether/1d",
            "ETH:10ether",
            "USDC:1/1d",
            "ETH:/1d",
            "ETH:1ether/0",
            "ETH:1ether/1x",
        ] {
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
}

/// Serde for amounts in `--json`: base units as a decimal string (`"1500000000000000000"`), the
/// one encoding of every amount (`U256` alone would print `0x…`).
pub mod decimal {
    use alloy::primitives::U256;
    use serde::Serializer;

    /// Serialises an amount as a decimal string.
    pub fn serialize<S: Serializer>(value: &U256, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    /// The same for an optional amount (`null` when absent).
    pub mod option {
        use alloy::primitives::U256;
        use serde::Serializer;

        /// Serialises an optional amount as a decimal string or `null`.
        pub fn serialize<S: Serializer>(value: &Option<U256>, s: S) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_str(&v.to_string()),
                None => s.serialize_none(),
            }
        }
    }
}
