//! Typed failures: what went wrong, in a form a caller (and the process exit status) can match.
//!
//! Commands return `eyre::Result`; a [`Failure`] anywhere in the error chain decides the exit code
//! and the `kind` of the `--json` error envelope. Anything else is a plain error (exit 1).

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
    pub revert: Option<crate::revert::DecodedRevert>,
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

    #[test]
    fn kind_is_found_through_context() {
        let report = eyre::Report::new(Failure::new(ExitKind::Frozen, "frozen"))
            .wrap_err("failed to queue the proposal");
        assert_eq!(kind_of(&report), ExitKind::Frozen);
        assert_eq!(kind_of(&eyre::eyre!("plain")), ExitKind::Error);
    }
}
