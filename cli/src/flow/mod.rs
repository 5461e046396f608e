//! What the proposal commands (`propose`, `sign`, `queue`, `execute`, `show`, `cancel`,
//! `unfreeze`, `rearm`) share: naming a proposal by file or id, rebuilding it from the chain,
//! gathering the chain facts the decoder needs, and rendering a proposal the way a signer must see
//! it (every call decoded, warnings, hashes recomputed locally and checked against the safe).

mod check;
mod create;
mod read;
mod render;
mod report;
mod sign;
mod source;

pub use check::{SimulationReport, check_runs};
pub use create::{ProposeReport, create, hex_prefix};
pub use read::{check_digest, config, decode_context, warnings_since_queued};
pub use render::{render, warn_all};
pub use report::{
    ApprovalStatus, NOT_CHECKED_OFFLINE, OnchainState, ProposalReport, check_queueable, counted,
    offline_report, owner_signatures, refresh, report,
};
pub use sign::{sign_into, sign_offline_into};
pub use source::{
    Loaded, Resolved, Source, load_file, next_command, proposal_events, proposal_failure,
    proposal_in_log, resolve, resolve_safe,
};

use crate::contracts::ITreasurySafe;
use alloy::providers::DynProvider;

/// The safe's binding.
pub type Safe = ITreasurySafe::ITreasurySafeInstance<DynProvider>;
