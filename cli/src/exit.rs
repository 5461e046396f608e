//! Typed failures: what went wrong, in a form a caller (and the process exit status) can match.
//!
//! Commands return `eyre::Result`; a [`Failure`] anywhere in the error chain decides the exit code
//! and the `kind` of the `--json` error envelope. Anything else is a plain error (exit 1).
//!
//! A contract revert's exit kind is a `match` over the generated error enums ([`KnownRevert`]),
//! listing every error of the safe: a new or renamed error in Solidity fails to compile here until
//! it is given its exit code.

use crate::{
    contracts::ITreasurySafe::ITreasurySafeErrors,
    revert::{self, DecodedRevert, KnownRevert},
};
use alloy::{primitives::hex, sol_types::ContractError};
use serde::Serialize;
use std::process::ExitCode;

/// Why a command failed, as far as a script needs to know. Each kind has its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitKind {
    /// Anything not listed below.
    Error,
    /// The input was malformed or refers to something that does not exist (exit 2, as clap).
    BadInput,
    /// The proposal's eta has not been reached yet (exit 3).
    NotReady,
    /// The batch would exceed a withdrawal cap (exit 4).
    CapExceeded,
    /// The safe is frozen (exit 5).
    Frozen,
    /// The transaction would revert for another reason (exit 6).
    Reverted,
    /// The node could not be reached or answered with an error (exit 7).
    Node,
    /// The transaction was sent but no receipt came in time (exit 8): do not resubmit.
    Pending,
}

impl ExitKind {
    /// The process exit code for this kind (documented in docs/errors.md, "CLI exit codes").
    pub const fn code(self) -> u8 {
        match self {
            Self::Error => 1,
            Self::BadInput => 2,
            Self::NotReady => 3,
            Self::CapExceeded => 4,
            Self::Frozen => 5,
            Self::Reverted => 6,
            Self::Node => 7,
            Self::Pending => 8,
        }
    }

    /// The exit code as a process status.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self.code())
    }

    /// The exit kind of a known revert: three of the safe's errors have their own, every other
    /// revert is [`ExitKind::Reverted`].
    pub const fn of_revert(revert: &KnownRevert) -> Self {
        match revert {
            KnownRevert::Safe(ContractError::CustomError(error)) => Self::of_safe_error(error),
            KnownRevert::Safe(ContractError::Revert(_) | ContractError::Panic(_))
            | KnownRevert::Factory(_)
            | KnownRevert::Foreign(_) => Self::Reverted,
        }
    }

    /// The exit kind of each of the safe's errors (docs/errors.md, "CLI exit codes"). Every
    /// variant is listed, no wildcard: an error added to `ITreasurySafe` must be placed here.
    pub const fn of_safe_error(error: &ITreasurySafeErrors) -> Self {
        use ITreasurySafeErrors as E;
        match error {
            E::NotReady(_) => Self::NotReady,
            E::CapExceeded(_) => Self::CapExceeded,
            E::Frozen(_) => Self::Frozen,
            E::NotFactory(_)
            | E::AlreadyInitialized(_)
            | E::NotSelf(_)
            | E::NotOwner(_)
            | E::NotGuardian(_)
            | E::Reentrant(_)
            | E::InvalidOwner(_)
            | E::OwnerNotFound(_)
            | E::OwnerCountOutOfBounds(_)
            | E::InvalidThreshold(_)
            | E::InvalidGuardian(_)
            | E::GuardianNotFound(_)
            | E::TooManyGuardians(_)
            | E::DelayOutOfBounds(_)
            | E::GraceOutOfBounds(_)
            | E::FreezeDurationOutOfBounds(_)
            | E::GraceShorterThanFreeze(_)
            | E::InvalidCap(_)
            | E::TooManyCaps(_)
            | E::CapNotFound(_)
            | E::EmptyBatch(_)
            | E::InvalidProposalState(_)
            | E::StaleProposal(_)
            | E::AlreadyApproved(_)
            | E::SignerNotOwner(_)
            | E::InvalidSignature(_)
            | E::InsufficientApprovals(_)
            | E::ProposalExpired(_)
            | E::NotFrozen(_)
            | E::AlreadyFrozen(_)
            | E::GuardiansDisarmed(_)
            | E::GuardianCannotCancel(_)
            // A failed inner call: its own revert (DecodedRevert::innermost) decides.
            | E::CallFailed(_)
            | E::UnmeasurableCall(_)
            | E::AssetQuarantined(_)
            | E::BalanceUnreadable(_)
            | E::LooseningNeedsDelay(_)
            | E::InvalidRecovery(_)
            | E::NotRecoveryCandidate(_)
            | E::NoEvacuationPower(_)
            | E::TooManyExtras(_)
            | E::InvalidEvacuationAsset(_)
            | E::EvacuationAssetNotFound(_)
            | E::InsufficientSweepGas(_)
            | E::SignatureExpired(_)
            | E::DeadlineTooFar(_)
            | E::SignatureAlreadyUsed(_)
            | E::NotEvacuated(_)
            | E::NotAllowedWhileEvacuated(_)
            | E::NoRecoveryChange(_) => Self::Reverted,
        }
    }
}

impl DecodedRevert {
    /// The exit kind a script should see for this revert: its innermost error's (following
    /// `CallFailed`), [`ExitKind::Reverted`] for one the bindings do not know.
    pub fn exit_kind(&self) -> ExitKind {
        self.innermost().known().map_or(ExitKind::Reverted, |k| ExitKind::of_revert(&k))
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

/// Turns a failed call or send into a [`Failure`]: a decoded revert when there is one, else a
/// node error (unreachable, refused) with the underlying message.
pub fn contract_failure(action: &str, error: &alloy::contract::Error) -> Failure {
    if let Some(data) = error.as_revert_data() {
        if let Some(decoded) = revert::decode(&data) {
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

/// A failure with a kind, a message that names the problem, and the fix.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    /// What kind of failure this is.
    pub kind: ExitKind,
    /// What went wrong, naming the offending value.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub fix: Option<String>,
    /// The decoded contract revert, when the failure is one.
    pub revert: Option<DecodedRevert>,
}

impl Failure {
    /// A failure of `kind` with a message.
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), fix: None, revert: None }
    }

    /// Bad input: names the problem; add the fix with [`Failure::fix`].
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new(ExitKind::BadInput, message)
    }

    /// Adds how to fix it.
    #[must_use]
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The kind of the first [`Failure`] in an error chain; else [`ExitKind::Node`] if the chain holds
/// a transport error (the node went away in the middle of a command, wherever that happened);
/// else [`ExitKind::Error`].
pub fn kind_of(report: &eyre::Report) -> ExitKind {
    match failure_of(report) {
        Some(f) => f.kind,
        None if report.chain().any(is_unreachable_node) => ExitKind::Node,
        None => ExitKind::Error,
    }
}

/// Whether an error is a failure to reach the node (not an answer from it, such as a revert).
fn is_unreachable_node(error: &(dyn std::error::Error + 'static)) -> bool {
    use alloy::transports::{RpcError, TransportError};
    let transport = error.downcast_ref::<TransportError>().or_else(|| match error
        .downcast_ref::<alloy::contract::Error>(
    ) {
        Some(alloy::contract::Error::TransportError(e)) => Some(e),
        _ => None,
    });
    matches!(transport, Some(RpcError::Transport(_)))
}

/// Whether a failed contract call is a failure to reach the node (not an answer from it).
pub fn is_unreachable(error: &alloy::contract::Error) -> bool {
    is_unreachable_node(error)
}

/// The first [`Failure`] in an error chain.
pub fn failure_of(report: &eyre::Report) -> Option<&Failure> {
    report.chain().find_map(|e| e.downcast_ref::<Failure>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct() {
        let kinds = [
            ExitKind::Error,
            ExitKind::BadInput,
            ExitKind::NotReady,
            ExitKind::CapExceeded,
            ExitKind::Frozen,
            ExitKind::Reverted,
            ExitKind::Node,
            ExitKind::Pending,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        assert!(!codes.contains(&0));
    }

    /// docs/errors.md documents every exit code with its kind, as the code defines them.
    #[test]
    fn exit_code_table_in_the_docs_matches() {
        let doc = include_str!("../../docs/errors.md");
        let table = &doc[doc.find("## CLI exit codes").expect("the docs have the table")..];
        for kind in [
            ExitKind::Error,
            ExitKind::BadInput,
            ExitKind::NotReady,
            ExitKind::CapExceeded,
            ExitKind::Frozen,
            ExitKind::Reverted,
            ExitKind::Node,
            ExitKind::Pending,
        ] {
            let name = serde_json::to_value(kind).expect("serialises");
            let row = format!("| {} | `{}` |", kind.code(), name.as_str().expect("a string"));
            assert!(table.contains(&row), "docs/errors.md lacks the row {row}");
        }
    }

    /// The exit code docs/errors.md gives a contract error: the row that names it in backticks
    /// (`NotReady`, `CapExceeded`, `Frozen`), else the `reverted` row.
    fn documented_code(name: &str) -> u8 {
        let doc = include_str!("../../docs/errors.md");
        let table = &doc[doc.find("## CLI exit codes").expect("the docs have the table")..];
        let named = format!("(`{name}`)");
        let row = table.lines().find(|l| l.starts_with("| ") && l.contains(&named));
        let kind = row.map_or("reverted", |r| r.split('`').nth(1).expect("a kind column"));
        let kind: ExitKind = match kind {
            "not_ready" => ExitKind::NotReady,
            "cap_exceeded" => ExitKind::CapExceeded,
            "frozen" => ExitKind::Frozen,
            "reverted" => ExitKind::Reverted,
            other => panic!("docs/errors.md maps {name} to {other}"),
        };
        kind.code()
    }

    /// The zero value of an ABI type, to encode any error with some arguments.
    fn zero(ty: &alloy::dyn_abi::DynSolType) -> alloy::dyn_abi::DynSolValue {
        use alloy::dyn_abi::{DynSolType as T, DynSolValue as V};
        use alloy::primitives::{Address, B256, U256};
        match ty {
            T::Address => V::Address(Address::ZERO),
            T::Bool => V::Bool(false),
            T::Uint(n) => V::Uint(U256::ZERO, *n),
            T::Int(n) => V::Int(alloy::primitives::I256::ZERO, *n),
            T::FixedBytes(n) => V::FixedBytes(B256::ZERO, *n),
            T::Bytes => V::Bytes(vec![]),
            T::String => V::String(String::new()),
            T::Array(_) => V::Array(vec![]),
            T::FixedArray(t, n) => V::FixedArray(vec![zero(t); *n]),
            T::Tuple(ts) => V::Tuple(ts.iter().map(zero).collect()),
            other => panic!("no zero value for {other:?}"),
        }
    }

    /// Every error of the safe, decoded from its revert data, exits with the code docs/errors.md
    /// documents for it, alone and as the inner reason of a `CallFailed`.
    #[test]
    fn every_safe_error_exits_with_its_documented_code() {
        use crate::contracts::ITreasurySafe;
        use alloy::{
            dyn_abi::{JsonAbiExt, Specifier},
            primitives::U256,
            sol_types::SolError,
        };
        let mut seen = 0;
        for error in ITreasurySafe::abi::contract().errors() {
            let values: Vec<_> =
                error.inputs.iter().map(|p| zero(&p.resolve().expect("a known type"))).collect();
            let mut data = error.selector().to_vec();
            data.extend(error.abi_encode_input_raw(&values).expect("encodes"));
            let decoded = revert::decode(&data).expect("decodes");
            let known = decoded.known().expect("a variant of ITreasurySafeErrors");
            assert!(known.safe_error().is_some(), "{} decodes as the safe's", error.name);
            let code = documented_code(&error.name);
            assert_eq!(decoded.exit_kind().code(), code, "{}", error.name);
            let failure = decoded.into_failure("execute");
            assert_eq!(failure.kind.code(), code, "{}", error.name);
            // Inside a failed inner call, the inner error decides.
            let wrapped = ITreasurySafe::CallFailed {
                index: U256::ZERO,
                target: alloy::primitives::Address::ZERO,
                reason: data.into(),
            }
            .abi_encode();
            let decoded = revert::decode(&wrapped).expect("decodes");
            assert_eq!(decoded.exit_kind().code(), code, "CallFailed({})", error.name);
            seen += 1;
        }
        assert!(seen >= 50, "only {seen} errors in ITreasurySafe");
        // The three with their own code are the ones the docs name.
        assert_eq!(documented_code("NotReady"), 3);
        assert_eq!(documented_code("CapExceeded"), 4);
        assert_eq!(documented_code("Frozen"), 5);
    }

    /// String reverts, panics, token errors and unknown data are all `reverted`.
    #[test]
    fn other_reverts_exit_as_reverted() {
        use alloy::sol_types::{Panic, Revert, SolError};
        let string = Revert::from("no").abi_encode();
        let panic = Panic::from(0x11).abi_encode();
        let token =
            revert::ForeignError::ERC20InvalidSender(revert::IForeignErrors::ERC20InvalidSender {
                sender: alloy::primitives::Address::ZERO,
            });
        let token = alloy::sol_types::SolInterface::abi_encode(&token);
        for data in [string, panic, token] {
            let decoded = revert::decode(&data).expect("decodes");
            assert_eq!(decoded.exit_kind(), ExitKind::Reverted, "{}", decoded.name);
        }
    }

    #[test]
    fn kind_is_found_through_context() {
        let report = eyre::Report::new(Failure::new(ExitKind::Frozen, "frozen"))
            .wrap_err("failed to queue the proposal");
        assert_eq!(kind_of(&report), ExitKind::Frozen);
        assert_eq!(kind_of(&eyre::eyre!("plain")), ExitKind::Error);
    }
}
