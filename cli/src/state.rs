//! The proposal lifecycle as the contract's `ProposalState` enum: one typed value instead of
//! comparing state names as text.

use serde::Serialize;

/// Where a proposal stands, as `proposalState(id)` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProposalState {
    /// Never proposed on chain nor queued.
    Unknown,
    /// Proposed on chain, collecting approvals under the current epoch.
    Proposed,
    /// Proposed on chain under an older epoch: can no longer be queued.
    Stale,
    /// Queued, waiting for its eta.
    Queued,
    /// Eta reached, grace not over: anyone may execute.
    Ready,
    /// Grace over without execution.
    Expired,
    /// Executed (terminal).
    Executed,
    /// Cancelled (terminal).
    Cancelled,
    /// Queued before the current evacuation generation began and not guardian-protected: it can
    /// never execute (terminal).
    Voided,
}

impl ProposalState {
    /// The state the contract's `uint8` stands for; `None` for a value the enum does not have.
    pub const fn from_u8(value: u8) -> Option<Self> {
        Some(match value {
            0 => Self::Unknown,
            1 => Self::Proposed,
            2 => Self::Stale,
            3 => Self::Queued,
            4 => Self::Ready,
            5 => Self::Expired,
            6 => Self::Executed,
            7 => Self::Cancelled,
            8 => Self::Voided,
            _ => return None,
        })
    }

    /// Its name, as the contract's enum spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Unknown => "Unknown",
            Self::Proposed => "Proposed",
            Self::Stale => "Stale",
            Self::Queued => "Queued",
            Self::Ready => "Ready",
            Self::Expired => "Expired",
            Self::Executed => "Executed",
            Self::Cancelled => "Cancelled",
            Self::Voided => "Voided",
        }
    }

    /// Queued, whether or not its eta has passed.
    pub const fn is_queued(self) -> bool {
        matches!(self, Self::Queued | Self::Ready)
    }

    /// Not queued yet: approvals still matter.
    pub const fn is_pending(self) -> bool {
        matches!(self, Self::Unknown | Self::Proposed | Self::Stale)
    }

    /// Executed, cancelled, expired or voided: nothing can happen to it any more.
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Expired | Self::Executed | Self::Cancelled | Self::Voided)
    }
}

impl std::fmt::Display for ProposalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads the contract's state value, failing on a value the enum does not have.
pub fn from_contract(value: u8) -> eyre::Result<ProposalState> {
    ProposalState::from_u8(value)
        .ok_or_else(|| eyre::eyre!("the safe returned an unknown proposal state {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_name() {
        for v in 0..9u8 {
            let s = ProposalState::from_u8(v).expect("a state");
            assert_eq!(serde_json::to_value(s).expect("serialises"), s.name());
        }
        assert_eq!(ProposalState::from_u8(9), None);
    }
}
