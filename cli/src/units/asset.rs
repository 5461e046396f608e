//! Addresses and cap specifications.

use super::{NATIVE_ASSET, UnitError, parse_duration, parse_native_amount, parse_token_amount};
use alloy::primitives::{Address, U256};
use std::str::FromStr;

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
