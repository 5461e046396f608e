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
//!
//! Modules: `amount` (native and token amounts, parsing and formatting), `time` (durations and
//! dates), `asset` (addresses and cap specifications), [`decimal`] (serde of amounts).

mod amount;
mod asset;
pub mod decimal;
#[cfg(test)]
mod tests;
mod time;

pub use amount::{
    SHOWN_DECIMALS, format_native, format_native_with, format_token, format_units, group_thousands,
    parse_native_amount, parse_token_amount,
};
pub use asset::{AssetRef, CapSpec, parse_address, parse_cap_spec};
pub use time::{format_duration, format_utc, parse_duration};

use alloy::primitives::{Address, address, utils::Unit};

/// The address that stands for the chain's native coin in caps (`NATIVE_ASSET` in the contract).
pub const NATIVE_ASSET: Address = address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

/// Decimals of the native coin.
pub const NATIVE_DECIMALS: u8 = Unit::ETHER.get();

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
