//! Serde for amounts in `--json`: base units as a decimal string (`"1500000000000000000"`), the
//! one encoding of every amount (`U256` alone would print `0x…`).

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
