//! The report of one proposal: what it does (decoded), who approved, where it stands on chain;
//! built online or from the file alone, and the checks that read it (queueable, counted).

use super::{
    Loaded, Safe, SimulationReport, Source,
    read::{check_digest, decode_context},
};
use crate::{
    chain::{Chain, chain_now, fan_out},
    context::SafeRef,
    contracts::ITreasurySafe,
    decode::{self, DecodeContext, DecodedBatch},
    exit::{ExitKind, Failure},
    proposal::Hashes,
    state::ProposalState,
};
use alloy::primitives::{Address, B256};
use eyre::Result;
use serde::Serialize;

/// One collected approval, as shown to people.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalStatus {
    /// Who approved.
    pub signer: Address,
    /// `eip712`, `eip1271` or `onchain`.
    pub kind: String,
    /// Whether the signer is an owner now.
    pub owner: bool,
}

/// Where a proposal stands on chain.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnchainState {
    /// The contract's state (`Unknown`, `Proposed`, `Queued`, `Ready`, …).
    pub state: ProposalState,
    /// Executable from (unix time), 0 if not queued.
    pub eta: u64,
    /// Executable until (unix time), 0 if not queued.
    pub expires_at: u64,
    /// The chain's time now.
    pub now: u64,
    /// The safe's epoch now.
    pub safe_epoch: u32,
}

/// Everything about one proposal: what `show`, `sign` and `propose` print.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalReport {
    /// The id (EIP-712 digest).
    pub id: B256,
    /// The chain id.
    pub chain_id: u64,
    /// The safe.
    pub safe: Address,
    /// The epoch the approvals are made under.
    pub epoch: u32,
    /// The salt.
    pub salt: B256,
    /// The file's free-text description (not signed).
    pub description: Option<String>,
    /// Domain separator, message hash and digest, computed locally.
    pub hashes: Hashes,
    /// The safe's `hashProposal` returned the same digest. True in an online report ([`report`]
    /// fails on a mismatch); false offline, where it was not asked.
    pub digest_matches_safe: bool,
    /// Every call decoded, warnings, outflows, classification.
    pub decoded: DecodedBatch,
    /// Approvals collected (file signatures and on-chain approvals).
    pub approvals: Vec<ApprovalStatus>,
    /// Approvals needed (the threshold now).
    pub threshold: u64,
    /// The on-chain record.
    pub onchain: OnchainState,
    /// The whole remaining life simulated (propose, approvals, queue, execute at the eta), when
    /// the command simulated it.
    pub simulation: Option<SimulationReport>,
    /// Read from the file alone, with no node (`--offline`): what could not be checked. Empty
    /// when everything was checked against the chain.
    pub not_checked: Vec<String>,
    /// The owners now (to tell which approvals count).
    #[serde(skip)]
    pub owners: Vec<Address>,
}

/// What an offline review cannot check; the online commands (`show`, `queue`, `execute`) check
/// each of these later against the chain.
pub const NOT_CHECKED_OFFLINE: [&str; 6] = [
    "that a safe with this domain exists at this address on this chain (the digest is recomputed from the file, not compared with the safe's hashProposal)",
    "which signers are owners, and the threshold",
    "the epoch: whether the owners or threshold changed since the file was made",
    "the proposal's state on chain (queued, executed, cancelled)",
    "token symbols and decimals (amounts of tokens are shown in base units), caps left and fresh recipients",
    "whether the batch runs (no simulation)",
];

/// The report of a proposal file read with no node: decoded from the file alone, its hashes
/// recomputed (and its signatures recovered) by [`ProposalFile::load`].
pub fn offline_report(loaded: &Loaded) -> Result<ProposalReport> {
    let Some((_, file)) = &loaded.file else {
        return Err(Failure::bad_input(
            "an id cannot be read offline: only a proposal file carries the calls",
        )
        .fix("pass the proposal file, or drop --offline")
        .into());
    };
    let mut dctx = DecodeContext::new(file.safe(), file.chain_id());
    dctx.add_functions(file.functions());
    let decoded = decode::decode_batch(&loaded.calls, &dctx);
    let approvals = file
        .signatures()
        .iter()
        .map(|s| ApprovalStatus { signer: s.signer, kind: s.kind.to_string(), owner: false })
        .collect();
    Ok(ProposalReport {
        id: loaded.id(),
        chain_id: file.chain_id(),
        safe: file.safe(),
        epoch: loaded.epoch,
        salt: loaded.salt,
        description: file.description().map(str::to_owned),
        hashes: loaded.hashes,
        digest_matches_safe: false,
        decoded,
        approvals,
        threshold: 0,
        onchain: OnchainState {
            state: ProposalState::Unknown,
            eta: 0,
            expires_at: 0,
            now: 0,
            safe_epoch: loaded.epoch,
        },
        simulation: None,
        not_checked: NOT_CHECKED_OFFLINE.iter().map(|s| (*s).to_owned()).collect(),
        owners: Vec::new(),
    })
}

/// Builds the full report of a loaded proposal: checks the digest with the safe, decodes against
/// the chain, lists approvals from the file and the chain, and where it stands.
pub async fn report(chain: &Chain, safe: &Safe, loaded: &Loaded) -> Result<ProposalReport> {
    let (digest, dctx) =
        tokio::join!(check_digest(safe, loaded), decode_context(chain, safe, &loaded.calls));
    digest?;
    let mut dctx = dctx?;
    dctx.add_functions(loaded.functions());
    let decoded = decode::decode_batch(&loaded.calls, &dctx);
    let Some(config) = dctx.config else {
        eyre::bail!("the safe's configuration could not be read")
    };
    let mut report = ProposalReport {
        id: loaded.id(),
        chain_id: chain.chain_id,
        safe: *safe.address(),
        epoch: loaded.epoch,
        salt: loaded.salt,
        description: None,
        hashes: loaded.hashes,
        digest_matches_safe: true,
        decoded,
        approvals: Vec::new(),
        threshold: config.threshold.saturating_to(),
        onchain: OnchainState {
            state: ProposalState::Unknown,
            eta: 0,
            expires_at: 0,
            now: 0,
            safe_epoch: 0,
        },
        simulation: None,
        not_checked: Vec::new(),
        owners: config.owners,
    };
    refresh(chain, safe, loaded, &mut report).await?;
    Ok(report)
}

/// Recomputes what changes as owners sign and the chain moves: the description and approvals of
/// `loaded` (file signatures, then on-chain approvals) and the on-chain state. The decoding, which
/// costs the most calls, is kept.
pub async fn refresh(
    chain: &Chain,
    safe: &Safe,
    loaded: &Loaded,
    report: &mut ProposalReport,
) -> Result<()> {
    let id = loaded.id();
    let mut approvals = Vec::new();
    if let Some((_, file)) = &loaded.file {
        for s in file.signatures() {
            approvals.push(ApprovalStatus {
                signer: s.signer,
                kind: s.kind.to_string(),
                owner: report.owners.contains(&s.signer),
            });
        }
    }
    // One round trip: every owner's on-chain approval, the record, the state, the time, the
    // epoch.
    let unsigned: Vec<Address> = report
        .owners
        .iter()
        .copied()
        .filter(|o| !approvals.iter().any(|a| a.signer == *o))
        .collect();
    let approved = fan_out(unsigned, |owner| async move {
        let call = safe.hasApproved(id, owner);
        (owner, call.call().await)
    });
    let (view, state, epoch) = (safe.getProposal(id), safe.proposalState(id), safe.epoch());
    let (approved, view, state, now, epoch) =
        tokio::join!(approved, view.call(), state.call(), chain_now(chain), epoch.call());
    for (owner, approved) in approved {
        if approved? {
            approvals.push(ApprovalStatus { signer: owner, kind: "onchain".into(), owner: true });
        }
    }
    let (view, state) = (view?, state?);
    report.description = loaded.file.as_ref().and_then(|(_, f)| f.description().map(str::to_owned));
    report.approvals = approvals;
    report.onchain = OnchainState {
        state: crate::state::from_contract(state)?,
        eta: view.eta,
        expires_at: view.expiresAt,
        now: now?,
        safe_epoch: epoch?,
    };
    Ok(())
}

/// How many of the collected approvals count (owners, de-duplicated).
pub fn counted(report: &ProposalReport) -> usize {
    report.approvals.iter().filter(|a| a.owner).count()
}

/// The file's signatures by current owners only (a stranger's signature would make the safe
/// refuse the whole `queue`; it is reported by `show` and `sign`, and left out here).
pub fn owner_signatures(loaded: &Loaded, report: &ProposalReport) -> Vec<ITreasurySafe::Signature> {
    loaded
        .signatures()
        .into_iter()
        .filter(|s| report.approvals.iter().any(|a| a.signer == s.signer && a.owner))
        .collect()
}

/// Refuses a proposal that cannot be queued, with the reason and what to do (commands printed as
/// they can be run: `--safe` follows an id).
pub fn check_queueable(report: &ProposalReport, source: &Source, safe: &SafeRef) -> Result<()> {
    let state = report.onchain.state;
    let id = report.id;
    match state {
        ProposalState::Unknown | ProposalState::Proposed | ProposalState::Stale => {}
        ProposalState::Queued | ProposalState::Ready => {
            return Err(Failure::bad_input(format!("{id} is already queued (state {state})"))
                .fix(format!(
                    "execute it once ready: {}",
                    super::next_command("execute", source, safe, "")
                ))
                .into());
        }
        ProposalState::Expired
        | ProposalState::Executed
        | ProposalState::Cancelled
        | ProposalState::Voided => {
            return Err(Failure::bad_input(format!("{id} cannot be queued: it is {state}"))
                .fix("propose the batch again with a new salt if it is still wanted")
                .into());
        }
    }
    if report.epoch != report.onchain.safe_epoch {
        return Err(Failure::bad_input(format!(
            "{id} was made under epoch {}, but the owners or threshold changed since (epoch {}): its approvals no longer count",
            report.epoch, report.onchain.safe_epoch
        ))
        .fix("propose the same calls again (tsafe propose) and collect new signatures")
        .into());
    }
    let have = counted(report);
    let need = usize::try_from(report.threshold).unwrap_or(usize::MAX);
    if have < need {
        let approve = match source {
            Source::Id(_) => super::next_command("approve", source, safe, ""),
            Source::File(_) => "tsafe sign FILE".to_owned(),
        };
        return Err(Failure::new(
            ExitKind::NotReady,
            format!("{id} has too few owner approvals: have {have}, need {need}"),
        )
        .fix(format!("have more owners sign the file (tsafe sign FILE) or approve on chain ({approve}), then queue again"))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::ProposalFile;
    use alloy::primitives::{Bytes, U256};
    use std::path::PathBuf;

    fn report() -> ProposalReport {
        let safe = Address::repeat_byte(0x5a);
        let calls = vec![ITreasurySafe::Call {
            target: Address::repeat_byte(0xaa),
            value: U256::from(10u64).pow(U256::from(18u64)),
            data: Bytes::new(),
        }];
        let file = ProposalFile::new(1, safe, 3, B256::repeat_byte(7), calls, Some("rent".into()))
            .unwrap();
        offline_report(&Loaded::from_file(PathBuf::from("p.json"), file)).unwrap()
    }

    fn approval(byte: u8, owner: bool) -> ApprovalStatus {
        ApprovalStatus { signer: Address::repeat_byte(byte), kind: "eip712".into(), owner }
    }

    #[test]
    fn an_offline_report_says_what_it_did_not_check() {
        let r = report();
        assert_eq!(r.onchain.state, ProposalState::Unknown);
        assert_eq!(r.not_checked.len(), NOT_CHECKED_OFFLINE.len());
        assert!(!r.digest_matches_safe);
        assert_eq!(r.description.as_deref(), Some("rent"));
    }

    #[test]
    fn only_owners_count() {
        let mut r = report();
        r.approvals = vec![approval(1, true), approval(2, false), approval(3, true)];
        assert_eq!(counted(&r), 2);
    }

    #[test]
    fn queueable_checks_state_epoch_and_approvals() {
        let safe = SafeRef::address(Address::repeat_byte(0x5a));
        let source = Source::File(PathBuf::from("p.json"));
        let mut r = report();
        r.threshold = 2;
        r.onchain.safe_epoch = r.epoch;
        r.approvals = vec![approval(1, true), approval(2, false)];
        let err = check_queueable(&r, &source, &safe).unwrap_err();
        assert_eq!(crate::exit::kind_of(&err), ExitKind::NotReady);
        r.approvals.push(approval(3, true));
        check_queueable(&r, &source, &safe).unwrap();
        r.onchain.safe_epoch = r.epoch + 1;
        let err = check_queueable(&r, &source, &safe).unwrap_err();
        assert!(err.to_string().contains("epoch"), "{err}");
        r.onchain.safe_epoch = r.epoch;
        for state in [ProposalState::Queued, ProposalState::Executed, ProposalState::Voided] {
            r.onchain.state = state;
            let err = check_queueable(&r, &source, &safe).unwrap_err();
            assert_eq!(crate::exit::kind_of(&err), ExitKind::BadInput, "{state}");
        }
    }
}
