//! Decodes revert data into the contracts' custom errors, with the "why / how to fix" text of
//! `docs/errors.md`, so every failure a user meets names its cause and its fix.
//!
//! Pure: bytes in, a [`DecodedRevert`] out. What a revert means for the process (its exit code, the
//! failure a command returns) is `crate::exit`'s, one layer up, which matches on [`KnownRevert`]:
//! the generated error enums, never error names as text.

use crate::contracts::{
    ITreasurySafe::ITreasurySafeErrors, TreasurySafeFactory::TreasurySafeFactoryErrors,
};
use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt},
    json_abi::Error as AbiError,
    primitives::{Address, Bytes, hex},
    sol_types::{ContractError, PanicKind, SolInterface},
};
use serde::Serialize;
use std::{collections::HashMap, sync::OnceLock};

/// The error catalogue the CLI prints from, compiled in from the repository's docs.
const ERRORS_MD: &str = include_str!("../../docs/errors.md");

alloy::sol! {
    /// Errors a call inside a batch may revert with that are not the safe's own: `OpenZeppelin`'s
    /// ERC-20 errors (`IERC20Errors`, ERC-6093) and its `Address`/`Create2` helpers.
    #[sol(abi)]
    #[derive(Debug, PartialEq, Eq)]
    interface IForeignErrors {
        error FailedDeployment();
        error FailedCall();
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        error ERC20InvalidSender(address sender);
        error ERC20InvalidReceiver(address receiver);
        error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
        error ERC20InvalidApprover(address approver);
        error ERC20InvalidSpender(address spender);
    }
}

pub use IForeignErrors::IForeignErrorsErrors as ForeignError;

/// A revert the CLI knows, as the generated bindings type it: what `crate::exit` matches on.
#[derive(Debug, Clone)]
pub enum KnownRevert {
    /// One of the safe's errors (`ITreasurySafe`), or Solidity's `Error(string)` / `Panic(uint256)`.
    Safe(ContractError<ITreasurySafeErrors>),
    /// One of the factory's errors that the safe does not share.
    Factory(TreasurySafeFactoryErrors),
    /// A token's or an `OpenZeppelin` helper's error.
    Foreign(ForeignError),
}

impl KnownRevert {
    /// Decodes revert data into a known error; `None` for unknown or malformed data.
    pub fn decode(data: &[u8]) -> Option<Self> {
        if let Ok(e) = ContractError::<ITreasurySafeErrors>::abi_decode(data) {
            return Some(Self::Safe(e));
        }
        if let Ok(e) = TreasurySafeFactoryErrors::abi_decode(data) {
            return Some(Self::Factory(e));
        }
        ForeignError::abi_decode(data).ok().map(Self::Foreign)
    }

    /// The safe's error, if this is one (not a string revert, a panic, or another contract's).
    pub const fn safe_error(&self) -> Option<&ITreasurySafeErrors> {
        match self {
            Self::Safe(ContractError::CustomError(e)) => Some(e),
            _ => None,
        }
    }
}

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

    /// The error as the generated bindings type it (decoded again from [`DecodedRevert::raw`]).
    pub fn known(&self) -> Option<KnownRevert> {
        KnownRevert::decode(&self.raw)
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
            IForeignErrors::abi::contract(),
        ];
        for abi in abis {
            for error in abi.errors() {
                map.insert(error.selector().0, error.clone());
            }
        }
        // Solidity's built-ins, with the parameter names the rendering shows.
        for sig in ["Error(string)", "Panic(uint256 code)"] {
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
    let known = KnownRevert::decode(data);
    let mut args = Vec::with_capacity(values.len() + 1);
    for (i, (param, value)) in error.inputs.iter().zip(values.iter()).enumerate() {
        let name = if param.name.is_empty() { format!("arg{i}") } else { param.name.clone() };
        args.push((name, render(value)));
    }
    let inner = match known.as_ref().and_then(KnownRevert::safe_error) {
        Some(ITreasurySafeErrors::CallFailed(failed)) => decode(&failed.reason).map(Box::new),
        _ => None,
    };
    if let Some(KnownRevert::Safe(ContractError::Panic(panic))) = &known {
        args.push(("meaning".to_owned(), panic_meaning(panic.kind()).to_owned()));
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

/// What a Solidity `Panic(uint256)` means, in words (`None`: a code Solidity does not use).
pub const fn panic_meaning(kind: Option<PanicKind>) -> &'static str {
    match kind {
        Some(PanicKind::Generic) => "generic compiler panic",
        Some(PanicKind::Assert) => "assertion failed (assert)",
        Some(PanicKind::UnderOverflow) => "arithmetic overflow or underflow",
        Some(PanicKind::DivisionByZero) => "division or modulo by zero",
        Some(PanicKind::EnumConversionError) => "conversion to an enum out of range",
        Some(PanicKind::StorageEncodingError) => "corrupted storage byte array",
        Some(PanicKind::EmptyArrayPop) => "pop() on an empty array",
        Some(PanicKind::ArrayOutOfBounds) => "array index out of bounds",
        Some(PanicKind::ResourceError) => "out of memory (too large an allocation)",
        Some(PanicKind::InvalidInternalFunction) => "call to an uninitialised function pointer",
        // A code Solidity does not use (PanicKind is non-exhaustive).
        Some(_) | None => "unknown panic code",
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
        assert!(matches!(
            decoded.known().as_ref().and_then(KnownRevert::safe_error),
            Some(ITreasurySafeErrors::CapExceeded(e)) if e.asset == asset
        ));
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
        assert!(matches!(
            decoded.innermost().known().as_ref().and_then(KnownRevert::safe_error),
            Some(ITreasurySafeErrors::LooseningNeedsDelay(_))
        ));
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
        assert!(matches!(
            decoded.known(),
            Some(KnownRevert::Foreign(ForeignError::ERC20InsufficientBalance(_)))
        ));
        let mut panic = AbiError::parse("Panic(uint256)").unwrap().selector().to_vec();
        panic.extend_from_slice(&U256::from(0x11).to_be_bytes::<32>());
        let decoded = decode(&panic).expect("decodes");
        assert!(decoded.signature_line().contains("arithmetic overflow"), "{decoded:?}");
        panic.truncate(4);
        panic.extend_from_slice(&U256::from(0x99).to_be_bytes::<32>());
        assert!(decode(&panic).expect("decodes").signature_line().contains("unknown panic code"));
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
