//! Values for people: selectors, durations, asset names, ABI values.

use super::DecodeContext;
use crate::units::{NATIVE_ASSET, format_duration};
use alloy::primitives::Address;

pub(super) fn selector_hex(data: &[u8]) -> String {
    if data.len() < 4 {
        return format!("0x{} (shorter than a selector)", alloy::hex::encode(data));
    }
    format!("0x{}", alloy::hex::encode(&data[..4]))
}

pub(super) fn duration(seconds: u32) -> String {
    format!("{} ({seconds} s)", format_duration(u64::from(seconds)))
}

pub(super) fn change_summary(what: &str, old: Option<u32>, new: u32) -> String {
    match old {
        Some(old) => {
            format!("set {what} to {}, now {}", duration(new), format_duration(u64::from(old)))
        }
        None => format!("set {what} to {}", duration(new)),
    }
}

pub(super) fn asset_name(ctx: &DecodeContext, asset: Address) -> String {
    if asset == NATIVE_ASSET {
        return ctx.native_symbol.clone();
    }
    match ctx.tokens.get(&asset) {
        Some(t) => format!("{} ({asset})", t.symbol),
        None => format!("token {asset}"),
    }
}

/// A decoded ABI value for people: addresses checksummed, numbers in decimal.
pub(super) fn render_value(value: &alloy::dyn_abi::DynSolValue) -> String {
    use alloy::dyn_abi::DynSolValue as V;
    match value {
        V::Address(a) => a.to_checksum(None),
        V::Uint(v, _) => v.to_string(),
        V::Int(v, _) => v.to_string(),
        V::Bool(b) => b.to_string(),
        V::String(s) => format!("{s:?}"),
        V::Bytes(b) => alloy::primitives::hex::encode_prefixed(b),
        V::FixedBytes(w, size) => alloy::primitives::hex::encode_prefixed(&w[..*size]),
        V::Array(items) | V::FixedArray(items) | V::Tuple(items) => {
            format!("[{}]", items.iter().map(render_value).collect::<Vec<_>>().join(", "))
        }
        other => format!("{other:?}"),
    }
}
