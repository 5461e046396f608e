//! Proposal and deployment salts: from text, or fresh. Pure (no I/O beyond the clock).

use alloy::primitives::{B256, keccak256};

/// The salt from text: 0x-prefixed 32-byte hex as is, anything else hashed (empty: zero).
pub fn parse_salt(salt: &str) -> B256 {
    salt.parse::<B256>()
        .unwrap_or_else(|_| if salt.is_empty() { B256::ZERO } else { keccak256(salt) })
}

/// A fresh salt: unique per invocation (it only tells identical batches apart; not a secret).
pub fn fresh_salt() -> B256 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut seed = nanos.to_be_bytes().to_vec();
    seed.extend_from_slice(&std::process::id().to_be_bytes());
    keccak256(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_kept_text_is_hashed_empty_is_zero() {
        let hex = format!("0x{}", "ab".repeat(32));
        assert_eq!(parse_salt(&hex), hex.parse::<B256>().unwrap());
        assert_eq!(parse_salt("payroll"), keccak256("payroll"));
        assert_eq!(parse_salt(""), B256::ZERO);
    }

    #[test]
    fn fresh_salts_differ() {
        let a = fresh_salt();
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert_ne!(a, fresh_salt());
    }
}
