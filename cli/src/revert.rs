//! Decodes revert data into the contracts' custom errors, with the "why / how to fix" text of
//! `docs/errors.md`, so every failure a user meets names its cause and its fix.

use crate::exit::{ExitKind, Failure};
use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt},
    json_abi::Error as AbiError,
    primitives::{Address, Bytes, hex},
};
use serde::Serialize;
use std::{collections::HashMap, sync::OnceLock};

/// The error catalogue the CLI prints from, compiled in from the repository's docs.
const ERRORS_MD: &str = include_str!("../../docs/errors.md");

/// A revert, decoded.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DecodedRevert {
    /// Error name, e.g. `CapExceeded`.
    pub name: String,
    /// Arguments by name, rendered (addresses checksummed, numbers in decimal).
    pub args: Vec<(String, String)>,
    /// Why this happens (from docs/errors.md).
    pub why: Option<String>,
    /// How to fix it (from docs/errors.md).
    pub fix: Option<String>,
    /// For `CallFailed`: the inner call's revert, decoded when possible.
    pub inner: Option<Box<DecodedRevert>>,
    /// The raw revert data.
    pub raw: Bytes,
}

impl DecodedRevert {
    /// `Name(arg=value, …)`.
    pub fn signature_line(&self) -> String {
        let args: Vec<String> = self.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}({})", self.name, args.join(", "))
    }

    /// The innermost decoded error (following `CallFailed`), which decides the exit kind.
    pub fn innermost(&self) -> &Self {
        self.inner.as_deref().map_or(self, Self::innermost)
    }

    /// The exit kind a script should see for this revert.
    pub fn exit_kind(&self) -> ExitKind {
        match self.innermost().name.as_str() {
            "NotReady" => ExitKind::NotReady,
            "CapExceeded" => ExitKind::CapExceeded,
            "Frozen" => ExitKind::Frozen,
            _ => ExitKind::Reverted,
        }
    }

    /// A [`Failure`] carrying this revert, its message and its fix.
    pub fn into_failure(self, action: &str) -> Failure {
        let mut message = format!("{action} would revert: {}", self.signature_line());
        let mut node = &self;
        while let Some(inner) = node.inner.as_deref() {
            message.push_str(&format!("\n  inner call reverted: {}", inner.signature_line()));
            node = inner;
        }
        let deepest = self.innermost();
        if let Some(why) = &deepest.why {
            message.push_str(&format!("\n  why: {why}"));
        }
        let fix = deepest.fix.clone();
        let mut failure = Failure::new(self.exit_kind(), message);
        failure.fix = fix;
        failure.revert = Some(self);
        failure
    }
}

/// Errors the CLI can decode, by selector: the safe's and factory's, plus Solidity's built-ins.
fn catalogue() -> &'static HashMap<[u8; 4], AbiError> {
    static CATALOGUE: OnceLock<HashMap<[u8; 4], AbiError>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut map = HashMap::new();
        let abis = [
            crate::contracts::ITreasurySafe::abi::contract(),
            crate::contracts::TreasurySafeFactory::abi::contract(),
        ];
        for abi in abis {
            for error in abi.errors() {
                map.insert(error.selector().0, error.clone());
            }
        }
        // Solidity's built-ins and the errors of OpenZeppelin's ERC-20 (IERC20Errors, ERC-6093),
        // which a token call inside a batch reverts with.
        for sig in [
            "Error(string)",
            "Panic(uint256 code)",
            "FailedDeployment()",
            "FailedCall()",
            "ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
            "ERC20InvalidSender(address sender)",
            "ERC20InvalidReceiver(address receiver)",
            "ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
            "ERC20InvalidApprover(address approver)",
            "ERC20InvalidSpender(address spender)",
        ] {
            if let Ok(error) = AbiError::parse(sig) {
                map.insert(error.selector().0, error);
            }
        }
        map
    })
}

/// Why and Fix text of one error, as documented.
type ErrorDocs = HashMap<String, (Option<String>, Option<String>)>;

/// "why / fix" text per error name, parsed from docs/errors.md (`## Name(...)`, `**Why:**`, `**Fix:**`).
fn docs() -> &'static ErrorDocs {
    static DOCS: OnceLock<ErrorDocs> = OnceLock::new();
    DOCS.get_or_init(|| parse_errors_md(ERRORS_MD))
}

fn parse_errors_md(text: &str) -> ErrorDocs {
    let mut map = ErrorDocs::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(heading) = line.strip_prefix("## ") {
            let name: String = heading
                .trim_matches('`')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            current = (!name.is_empty()).then_some(name);
            continue;
        }
        let Some(name) = &current else { continue };
        let entry = map.entry(name.clone()).or_default();
        if let Some(why) = strip_label(line, "Why") {
            entry.0 = Some(why);
        } else if let Some(fix) = strip_label(line, "Fix") {
            entry.1 = Some(fix);
        }
    }
    map
}

fn strip_label(line: &str, label: &str) -> Option<String> {
    let line = line.trim_start_matches(['-', '*', ' ']);
    let rest = line.strip_prefix(label)?.trim_start_matches(['*', ':', ' ']);
    let rest = rest.trim_start_matches(['*', ':', ' ']).trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Decodes revert data; `None` when it matches no known error (empty data included).
pub fn decode(data: &[u8]) -> Option<DecodedRevert> {
    let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
    let error = catalogue().get(&selector)?;
    let values = error.abi_decode_input(&data[4..]).ok()?;
    let mut args = Vec::with_capacity(values.len());
    let mut inner = None;
    for (i, (param, value)) in error.inputs.iter().zip(values.iter()).enumerate() {
        let name = if param.name.is_empty() { format!("arg{i}") } else { param.name.clone() };
        if error.name == "CallFailed"
            && name == "reason"
            && let DynSolValue::Bytes(reason) = value
        {
            inner = decode(reason).map(Box::new);
        }
        args.push((name, render(value)));
    }
    if error.name == "Panic"
        && let Some(DynSolValue::Uint(code, _)) = values.first()
    {
        args.push(("meaning".to_owned(), panic_meaning(code.saturating_to()).to_owned()));
    }
    let (why, fix) = docs().get(&error.name).cloned().unwrap_or_default();
    Some(DecodedRevert {
        name: error.name.clone(),
        args,
        why,
        fix,
        inner,
        raw: Bytes::copy_from_slice(data),
    })
}

/// Turns a failed call or send into a [`Failure`]: a decoded revert when there is one, else a
/// node error (unreachable, refused) with the underlying message.
pub fn contract_failure(action: &str, error: &alloy::contract::Error) -> Failure {
    if let Some(data) = error.as_revert_data() {
        if let Some(decoded) = decode(&data) {
            return decoded.into_failure(action);
        }
        return Failure::new(
            ExitKind::Reverted,
            format!("{action} would revert with unknown data 0x{}", hex::encode(&data)),
        );
    }
    let text = error.to_string();
    let lowered = text.to_ascii_lowercase();
    if lowered.contains("execution reverted") || lowered.contains("revert") {
        return Failure::new(ExitKind::Reverted, format!("{action} would revert: {text}"));
    }
    Failure::new(ExitKind::Node, format!("{action} failed: {text}"))
        .fix("check that the node at --rpc-url is running and reachable")
}

/// What a Solidity `Panic(uint256)` code means, in words.
pub fn panic_meaning(code: u64) -> &'static str {
    match code {
        0x00 => "generic compiler panic",
        0x01 => "assertion failed (assert)",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion to an enum out of range",
        0x22 => "corrupted storage byte array",
        0x31 => "pop() on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory (too large an allocation)",
        0x51 => "call to an uninitialised function pointer",
        _ => "unknown panic code",
    }
}

fn render(value: &DynSolValue) -> String {
    match value {
        DynSolValue::Address(a) => Address::to_checksum(a, None),
        DynSolValue::Uint(v, _) => v.to_string(),
        DynSolValue::Int(v, _) => v.to_string(),
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Bytes(b) => format!("0x{}", hex::encode(b)),
        DynSolValue::FixedBytes(w, size) => format!("0x{}", hex::encode(&w[..*size])),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", parts.join(", "))
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::ITreasurySafe;
    use alloy::{
        primitives::{U256, address},
        sol_types::SolError,
    };

    #[test]
    fn decodes_cap_exceeded_with_named_args_and_kind() {
        let asset = address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");
        let data = ITreasurySafe::CapExceeded {
            asset,
            wanted: U256::from(11u64),
            left: U256::from(10u64),
        }
        .abi_encode();
        let decoded = decode(&data).expect("decodes");
        assert_eq!(decoded.name, "CapExceeded");
        assert_eq!(decoded.args[1], ("wanted".to_string(), "11".to_string()));
        assert_eq!(decoded.exit_kind(), ExitKind::CapExceeded);
    }

    #[test]
    fn call_failed_decodes_its_inner_reason() {
        let inner =
            ITreasurySafe::LooseningNeedsDelay { selector: [0x12, 0x34, 0x56, 0x78].into() }
                .abi_encode();
        let data = ITreasurySafe::CallFailed {
            index: U256::ZERO,
            target: Address::ZERO,
            reason: inner.into(),
        }
        .abi_encode();
        let decoded = decode(&data).expect("decodes");
        assert_eq!(decoded.innermost().name, "LooseningNeedsDelay");
        assert_eq!(decoded.exit_kind(), ExitKind::Reverted);
    }

    /// Calls refused on capped tokens (fail closed) decode with their docs and exit as `reverted`.
    #[test]
    fn fail_closed_cap_errors_decode_with_docs() {
        let asset = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
        let index = U256::from(2u64);
        let errors = [
            ITreasurySafe::AssetQuarantined { index, asset }.abi_encode(),
            ITreasurySafe::UnmeasurableCall {
                index,
                asset,
                selector: [0xac, 0x96, 0x50, 0xd8].into(),
            }
            .abi_encode(),
        ];
        for data in errors {
            let decoded = decode(&data).expect("decodes");
            assert!(decoded.why.is_some() && decoded.fix.is_some(), "{}", decoded.name);
            assert_eq!(decoded.args[0], ("index".to_string(), "2".to_string()));
            assert_eq!(decoded.exit_kind(), ExitKind::Reverted);
        }
    }

    #[test]
    fn token_errors_and_panics_are_decoded_in_words() {
        let err = AbiError::parse("ERC20InsufficientBalance(address,uint256,uint256)").unwrap();
        let mut data = err.selector().to_vec();
        data.extend_from_slice(&[0u8; 96]);
        let decoded = decode(&data).expect("decodes");
        assert_eq!(decoded.name, "ERC20InsufficientBalance");
        assert!(decoded.why.is_some() && decoded.fix.is_some(), "documented");
        let mut panic = AbiError::parse("Panic(uint256)").unwrap().selector().to_vec();
        panic.extend_from_slice(&U256::from(0x11).to_be_bytes::<32>());
        let decoded = decode(&panic).expect("decodes");
        assert!(decoded.signature_line().contains("arithmetic overflow"), "{decoded:?}");
    }

    #[test]
    fn unknown_data_is_not_decoded() {
        assert!(decode(&[0xde, 0xad, 0xbe, 0xef]).is_none());
        assert!(decode(&[]).is_none());
    }

    #[test]
    fn errors_md_parser_reads_why_and_fix() {
        let md = "# Errors\n\n## `NotReady(bytes32 id, uint64 eta)`\n\n**Why:** too early.\n**Fix:** wait.\n";
        let parsed = parse_errors_md(md);
        assert_eq!(parsed["NotReady"], (Some("too early.".into()), Some("wait.".into())));
    }

    #[test]
    fn every_contract_error_has_docs() {
        let missing: Vec<String> = ITreasurySafe::abi::contract()
            .errors()
            .map(|e| e.name.clone())
            .filter(|name| !docs().get(name).is_some_and(|(w, f)| w.is_some() && f.is_some()))
            .collect();
        assert!(missing.is_empty(), "docs/errors.md lacks Why/Fix for: {missing:?}");
    }
}
