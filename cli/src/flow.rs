//! What the proposal commands (`propose`, `sign`, `queue`, `execute`, `show`, `cancel`,
//! `unfreeze`, `rearm`) share: naming a proposal by file or id, rebuilding it from the chain,
//! gathering the chain facts the decoder needs, and rendering a proposal the way a signer must see
//! it (every call decoded, warnings, hashes recomputed locally and checked against the safe).

use crate::{
    chain::token_info,
    context::{Chain, Ctx, SafeRef},
    contracts::ITreasurySafe,
    decode::{self, CallPolicy, DecodeContext, DecodedBatch, SafeConfig, TokenInfo},
    exit::{ExitKind, Failure},
    opts::SafeOpts,
    proposal::{Hashes, ProposalError, ProposalFile, hash_proposal},
    revert,
    state::ProposalState,
    units::{self, NATIVE_ASSET},
};
use alloy::{
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{BlockNumberOrTag, Filter},
    sol_types::SolEvent,
};
use eyre::Result;
use serde::Serialize;
use std::{
    collections::HashSet,
    fmt::Write as _,
    path::{Path, PathBuf},
    str::FromStr,
};

/// The safe's binding.
pub type Safe = ITreasurySafe::ITreasurySafeInstance<DynProvider>;

/// A proposal named on the command line: a proposal file, or the id of one proposed or queued on
/// chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A proposal file.
    File(PathBuf),
    /// A proposal id (EIP-712 digest) known to the chain.
    Id(B256),
}

impl FromStr for Source {
    type Err = std::convert::Infallible;

    /// `0x` and 64 hex digits is an id, unless a file of that name exists; anything else a path.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let looks_like_id =
            s.len() == 66 && s.starts_with("0x") && s[2..].chars().all(|c| c.is_ascii_hexdigit());
        if looks_like_id
            && !Path::new(s).exists()
            && let Ok(id) = s.parse::<B256>()
        {
            return Ok(Self::Id(id));
        }
        Ok(Self::File(PathBuf::from(s)))
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "{}", p.display()),
            Self::Id(id) => write!(f, "{id}"),
        }
    }
}

/// A proposal error as a bad-input failure (exit 2) that keeps the message, which already says
/// what to do.
pub fn proposal_failure(error: ProposalError) -> eyre::Report {
    let fix = match &error {
        ProposalError::Corrupted { .. } | ProposalError::Tampered { .. } => {
            "ask the proposer for the file again (or rebuild it with `tsafe propose`); tsafe never rewrites a file it cannot verify"
        }
        ProposalError::WrongTarget { .. } => {
            "point --rpc-url/--network at the file's chain and --safe at the file's safe, or use the right file"
        }
        ProposalError::BadSignature { .. } => {
            "drop that signature from the file and have the owner sign again with `tsafe sign`"
        }
        ProposalError::Exists { .. } => "pass --out with another path, or --force to replace it",
        ProposalError::Read { path, .. } if path.to_string_lossy().starts_with("0x") => {
            "a proposal id is 0x and 64 hex digits; otherwise check the path of the proposal file"
        }
        ProposalError::Read { .. } => "check the path of the proposal file",
        _ => "check the file and the command line",
    };
    Failure::bad_input(error.to_string()).fix(fix).into()
}

/// Loads a proposal file, mapping its errors to bad input.
pub fn load_file(path: &Path) -> Result<ProposalFile> {
    ProposalFile::load(path).map_err(proposal_failure)
}

/// The safe to use: `--safe` if given, else the safe a proposal file names (with its network
/// from the config when the config knows the address).
pub fn resolve_safe(ctx: &Ctx, opts: &SafeOpts, file: Option<&ProposalFile>) -> Result<SafeRef> {
    if opts.safe.is_some() || file.is_none() {
        return ctx.safe(opts);
    }
    Ok(ctx.known_safe(file.map(ProposalFile::safe).unwrap_or_default()))
}

/// A proposal's content, from a file or rebuilt from the chain's events.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The batch.
    pub calls: Vec<ITreasurySafe::Call>,
    /// The salt.
    pub salt: B256,
    /// The epoch it was made under.
    pub epoch: u32,
    /// Hashes recomputed locally.
    pub hashes: Hashes,
    /// The file, when it came from one.
    pub file: Option<(PathBuf, ProposalFile)>,
}

impl Loaded {
    /// A proposal read from `file` (at `path`).
    pub fn from_file(path: PathBuf, file: ProposalFile) -> Self {
        Self {
            calls: file.to_contract_calls(),
            salt: file.salt(),
            epoch: file.epoch(),
            hashes: file.hashes(),
            file: Some((path, file)),
        }
    }

    /// The proposal id.
    pub fn id(&self) -> B256 {
        self.hashes.digest
    }

    /// The `--call` signatures the file records (none for an id).
    pub fn functions(&self) -> &[String] {
        self.file.as_ref().map(|(_, f)| f.functions()).unwrap_or_default()
    }

    /// Off-chain signatures from the file (none for an id).
    pub fn signatures(&self) -> Vec<ITreasurySafe::Signature> {
        self.file.as_ref().map(|(_, f)| f.signatures_for_contract()).unwrap_or_default()
    }
}

async fn from_events(chain: &Chain, safe: &SafeRef, id: B256) -> Result<Loaded> {
    let filter = proposal_events(safe.address).topic1(id);
    let logs = crate::chain::logs(chain, &filter, safe.from_block()).await.map_err(|e| {
        Failure::new(
            ExitKind::Node,
            format!(
                "the node at {} did not answer the event query that rebuilds {id} ({e}); some nodes limit the block range of log queries",
                chain.rpc_url
            ),
        )
        .fix("pass the proposal file instead of the id, or use a node (or archive) without log-range limits")
    })?;
    for log in logs {
        let Some((calls, salt, epoch)) = proposal_in_log(&log) else { continue };
        let hashes = hash_proposal(chain.chain_id, safe.address, &calls, salt, epoch);
        if hashes.digest != id {
            return Err(Failure::new(
                ExitKind::Error,
                format!(
                    "the chain's event for {id} rebuilds to a different digest {}: refusing to act on it",
                    hashes.digest
                ),
            )
            .into());
        }
        return Ok(Loaded { calls, salt, epoch, hashes, file: None });
    }
    Err(Failure::bad_input(format!(
        "proposal {id} was neither proposed nor queued on chain {} by safe {}",
        chain.chain_id, safe.address
    ))
    .fix("pass the proposal file instead of the id (an off-chain proposal is only known from its file)")
    .into())
}

/// The filter for the events that carry a proposal's full calls (`ProposalCreated`,
/// `ProposalQueued`) emitted by `safe`.
pub fn proposal_events(safe: Address) -> Filter {
    Filter::new().address(safe).event_signature(vec![
        ITreasurySafe::ProposalCreated::SIGNATURE_HASH,
        ITreasurySafe::ProposalQueued::SIGNATURE_HASH,
    ])
}

/// The calls, salt and epoch a `ProposalCreated` or `ProposalQueued` log carries.
pub fn proposal_in_log(
    log: &alloy::rpc::types::Log,
) -> Option<(Vec<ITreasurySafe::Call>, B256, u32)> {
    if let Ok(e) = ITreasurySafe::ProposalCreated::decode_log_data(log.data()) {
        Some((e.calls, e.salt, e.epoch))
    } else if let Ok(e) = ITreasurySafe::ProposalQueued::decode_log_data(log.data()) {
        Some((e.calls, e.salt, e.epoch))
    } else {
        None
    }
}

/// The safe's configuration, decoded.
pub async fn config(safe: &Safe) -> Result<SafeConfig> {
    let view =
        safe.getConfig().call().await.map_err(|e| revert::contract_failure("getConfig", &e))?;
    Ok(SafeConfig::from(view))
}

/// Everything the decoder needs: the safe's configuration, every token the batch touches or the
/// safe caps, and which recipients look unused.
pub async fn decode_context(
    chain: &Chain,
    safe: &Safe,
    calls: &[ITreasurySafe::Call],
) -> Result<DecodeContext> {
    let safe_address = *safe.address();
    let mut ctx = DecodeContext::new(safe_address, chain.chain_id);
    let config = config(safe).await?;
    let mut tokens: Vec<Address> =
        config.caps.iter().map(|c| c.asset).filter(|a| *a != NATIVE_ASSET).collect();
    for call in calls {
        if call.target != safe_address && call.data.len() >= 4 && !tokens.contains(&call.target) {
            tokens.push(call.target);
        }
    }
    for token in tokens {
        if let Ok((symbol, decimals)) = token_info(chain, token).await {
            ctx.tokens.insert(token, TokenInfo { symbol, decimals });
            let erc20 = crate::chain::IERC20::new(token, chain.provider.clone());
            if let Ok(balance) = erc20.balanceOf(safe_address).call().await {
                ctx.balances.insert(token, balance);
            }
        }
    }
    if let Ok(balance) = chain.provider.get_balance(safe_address).await {
        ctx.balances.insert(NATIVE_ASSET, balance);
    }
    let known: HashSet<Address> = config
        .owners
        .iter()
        .chain(config.guardians.iter())
        .copied()
        .chain([safe_address, NATIVE_ASSET])
        .collect();
    for candidate in address_candidates(calls).into_iter().filter(|a| !known.contains(a)).take(32) {
        if is_fresh(&chain.provider, candidate).await? {
            ctx.fresh_addresses.insert(candidate);
        }
    }
    // What the safe lets the batch do with each capped token it calls (quarantine, extra function),
    // and the time now, so the decoder can tell which calls the contract will refuse.
    for call in calls {
        let capped = config.caps.iter().any(|c| c.asset == call.target);
        if capped && call.target != NATIVE_ASSET && !ctx.call_policies.contains_key(&call.target) {
            let p = safe
                .callPolicy(call.target)
                .call()
                .await
                .map_err(|e| revert::contract_failure("callPolicy", &e))?;
            let extra = (p.from != 0).then_some((p.selector.0, p.from));
            ctx.call_policies.insert(
                call.target,
                CallPolicy { quarantined: p.quarantined, extra_selector: extra },
            );
        }
    }
    if !ctx.call_policies.is_empty() {
        let latest = chain.provider.get_block_by_number(BlockNumberOrTag::Latest).await?;
        ctx.now = latest.map(|b| b.header.timestamp);
    }
    // An evacuated safe queues only a few kinds of batch: the decoder says when this is not one.
    let recovery =
        safe.getRecovery().call().await.map_err(|e| revert::contract_failure("getRecovery", &e))?;
    ctx.evacuated = Some(recovery.evacuated);
    ctx.config = Some(config);
    Ok(ctx)
}

/// Addresses a batch sends to: value recipients and every argument word shaped like an address.
fn address_candidates(calls: &[ITreasurySafe::Call]) -> Vec<Address> {
    let mut out = Vec::new();
    let mut push = |a: Address| {
        if !out.contains(&a) {
            out.push(a);
        }
    };
    for call in calls {
        if !call.value.is_zero() {
            push(call.target);
        }
        if call.data.len() < 4 {
            continue;
        }
        for word in call.data[4..].chunks_exact(32) {
            let value = U256::from_be_slice(word);
            // An address word: the top 12 bytes zero, and not a small number.
            if word[..12].iter().all(|b| *b == 0) && value > U256::from(u64::MAX) {
                push(Address::from_slice(&word[12..]));
            }
        }
    }
    out
}

async fn is_fresh(provider: &DynProvider, address: Address) -> Result<bool> {
    let code = provider.get_code_at(address).await?;
    if !code.is_empty() {
        return Ok(false);
    }
    let nonce = provider.get_transaction_count(address).await?;
    let balance = provider.get_balance(address).await?;
    Ok(nonce == 0 && balance.is_zero())
}

/// Checks the locally computed digest against the safe's own `hashProposal`; a mismatch means
/// the CLI and the contract disagree on what is signed, so nothing may be signed or sent.
pub async fn check_digest(safe: &Safe, loaded: &Loaded) -> Result<()> {
    let onchain = safe
        .hashProposal(loaded.calls.clone(), loaded.salt, loaded.epoch)
        .call()
        .await
        .map_err(|e| revert::contract_failure("hashProposal", &e))?;
    if onchain != loaded.id() {
        return Err(Failure::new(
            ExitKind::Error,
            format!(
                "the safe computes digest {onchain} for this proposal, tsafe computed {}: refusing to go on",
                loaded.id()
            ),
        )
        .fix("check --safe and the network; if they are right, report this as a bug")
        .into());
    }
    Ok(())
}

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
    check_digest(safe, loaded).await?;
    let mut dctx = decode_context(chain, safe, &loaded.calls).await?;
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
    for owner in &report.owners {
        if !approvals.iter().any(|a| a.signer == *owner)
            && safe.hasApproved(id, *owner).call().await?
        {
            approvals.push(ApprovalStatus { signer: *owner, kind: "onchain".into(), owner: true });
        }
    }
    let view = safe.getProposal(id).call().await?;
    let state = safe.proposalState(id).call().await?;
    report.description = loaded.file.as_ref().and_then(|(_, f)| f.description().map(str::to_owned));
    report.approvals = approvals;
    report.onchain = OnchainState {
        state: crate::state::from_contract(state)?,
        eta: view.eta,
        expires_at: view.expiresAt,
        now: crate::cmd::status::chain_now(chain).await?,
        safe_epoch: safe.epoch().call().await?,
    };
    Ok(())
}

/// How many of the collected approvals count (owners, de-duplicated).
pub fn counted(report: &ProposalReport) -> usize {
    report.approvals.iter().filter(|a| a.owner).count()
}

/// The proposal as a signer must see it, one block of text.
pub fn render(r: &ProposalReport) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "proposal  {}", r.id);
    let _ = writeln!(t, "safe      {} on chain {} (epoch {})", r.safe, r.chain_id, r.epoch);
    if let Some(d) = &r.description {
        let _ = writeln!(t, "note      {d} (not signed)");
    }
    let _ = writeln!(t, "salt      {}", r.salt);
    let n = r.decoded.calls.len();
    for call in &r.decoded.calls {
        let label = call.target_label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
        let _ = writeln!(t, "\ncall {} of {n}: {}", call.index + 1, call.summary);
        let _ = writeln!(t, "  target  {}{label}", call.target);
        let _ = writeln!(t, "  value   {} ({} wei)", call.value_display, call.value);
        if let Some(f) = &call.function {
            let _ = writeln!(t, "  calls   {f}");
        }
        for arg in &call.args {
            let _ = writeln!(t, "    {:<10} {}", arg.name, arg.value);
        }
        let _ = writeln!(t, "  data    {}", call.raw_data);
    }
    let _ = writeln!(t);
    for o in &r.decoded.outflows {
        let left = o
            .cap_remaining_display
            .as_ref()
            .map(|left| format!("; cap left now: {left}"))
            .unwrap_or_else(|| "; uncapped".to_owned());
        let _ = writeln!(t, "outflow   {}{left}", o.display);
    }
    let timing = if r.decoded.fast_track {
        "fast track: executable as soon as it is queued (it only tightens the safe)".to_owned()
    } else {
        "delayed: executable only after the safe's delay once queued".to_owned()
    };
    let _ = writeln!(t, "timing    {timing}");
    if r.decoded.freeze_exempt {
        let _ = writeln!(t, "          may be queued and executed while the safe is frozen");
    }
    if r.decoded.guardian_protected {
        let _ = writeln!(t, "          guardians cannot cancel it");
    }
    let warnings: Vec<_> = r.decoded.all_warnings().collect();
    if warnings.is_empty() {
        let _ = writeln!(t, "warnings  none");
    }
    for w in warnings {
        let _ = writeln!(t, "WARNING   [{}] {}", kind_name(w.kind), w.message);
    }
    let _ = writeln!(t, "\nEIP-712 (what a hardware wallet shows)");
    let _ = writeln!(t, "  domain hash   {}", r.hashes.domain_separator);
    let _ = writeln!(t, "  message hash  {}", r.hashes.message_hash);
    let offline = !r.not_checked.is_empty();
    let checked = if offline {
        "recomputed locally from the file; not compared with the safe offline"
    } else {
        "recomputed locally; equals the safe's hashProposal"
    };
    let _ = writeln!(t, "  digest        {} ({checked})", r.hashes.digest);
    if offline {
        let _ = writeln!(
            t,
            "\napprovals {} signature(s), each recovered to its signer (owners and threshold not checked offline)",
            r.approvals.len()
        );
    } else {
        let _ = writeln!(t, "\napprovals have {}, need {}", counted(r), r.threshold);
    }
    for a in &r.approvals {
        let role = match (offline, a.owner) {
            (true, _) | (false, true) => "",
            (false, false) => " NOT AN OWNER: does not count",
        };
        let _ = writeln!(t, "  {} ({}){role}", a.signer, a.kind);
    }
    if offline {
        let _ = writeln!(t, "\nOFFLINE   read from the file alone; not checked:");
        for item in &r.not_checked {
            let _ = writeln!(t, "          - {item}");
        }
        let _ = writeln!(
            t,
            "          `tsafe show FILE` on a machine with a node checks these; `queue` and `execute` always do"
        );
        return t;
    }
    let o = &r.onchain;
    let state = match o.state {
        ProposalState::Queued => format!(
            "Queued: executable in {} (at {})",
            units::format_duration(o.eta.saturating_sub(o.now)),
            units::format_utc(o.eta)
        ),
        ProposalState::Ready => format!(
            "Ready: executable now, for another {}",
            units::format_duration(o.expires_at.saturating_sub(o.now))
        ),
        ProposalState::Unknown => {
            "Unknown: not on chain yet (queue it with `tsafe queue`)".to_owned()
        }
        other => other.name().to_owned(),
    };
    let _ = writeln!(t, "state     {state}");
    // An epoch change voids approvals not yet used; a queued proposal keeps its place (it was
    // approved when it was queued) and executes under the epoch it was made in.
    if r.epoch != o.safe_epoch && o.state.is_pending() {
        let _ = writeln!(
            t,
            "WARNING   made under epoch {} but the safe is at epoch {}: its approvals no longer count; propose it again",
            r.epoch, o.safe_epoch
        );
    } else if r.epoch != o.safe_epoch && o.state.is_queued() {
        let _ = writeln!(
            t,
            "          queued under epoch {}; the safe is at epoch {} now, which does not affect a queued proposal",
            r.epoch, o.safe_epoch
        );
    }
    t
}

fn kind_name(kind: decode::WarningKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

/// Opens the signer (after the chain id was read from the node), checks it is an owner of the
/// safe, signs the proposal's EIP-712 message and adds the signature to `file` (in memory; the
/// caller saves). Returns the signer and whether the file changed.
pub async fn sign_into(
    chain: &Chain,
    safe: &Safe,
    wallet: &crate::opts::WalletOpts,
    file: &mut ProposalFile,
) -> Result<(Address, crate::proposal::SignatureUpdate)> {
    if file.chain_id() != chain.chain_id {
        return Err(proposal_failure(ProposalError::WrongTarget {
            file_chain: file.chain_id(),
            file_safe: file.safe(),
            chain: chain.chain_id,
            safe: *safe.address(),
        }));
    }
    let signer = crate::wallet::Wallet::from_opts(wallet, chain.chain_id).await?;
    let who = signer.address();
    if !safe.isOwner(who).call().await? {
        return Err(Failure::bad_input(format!(
            "{who} is not an owner of {}: its signature would not count",
            safe.address()
        ))
        .fix("sign with an owner's key (check --account/--keystore/--ledger-index)")
        .into());
    }
    sign_with(&signer, file).await
}

/// Signs the proposal's EIP-712 message under the file's own domain (chain id and safe from the
/// file) and adds the signature to `file` in memory: the air-gapped path, with no node to ask
/// whether the signer is an owner (`queue` leaves out a stranger's signature later).
pub async fn sign_offline_into(
    wallet: &crate::opts::WalletOpts,
    file: &mut ProposalFile,
) -> Result<(Address, crate::proposal::SignatureUpdate)> {
    let signer = crate::wallet::Wallet::from_opts(wallet, file.chain_id()).await?;
    sign_with(&signer, file).await
}

async fn sign_with(
    signer: &crate::wallet::Wallet,
    file: &mut ProposalFile,
) -> Result<(Address, crate::proposal::SignatureUpdate)> {
    let who = signer.address();
    let domain = crate::proposal::domain(file.chain_id(), file.safe());
    let signature = signer.sign_typed(&file.typed(), &domain).await?;
    let encoded = crate::proposal::encode_ecdsa(&signature);
    let update = file
        .add_signature(who, encoded, crate::proposal::SignatureKind::Eip712)
        .map_err(proposal_failure)?;
    Ok((who, update))
}

/// With `--json`, also shows every warning on stderr (the human rendering already has them), so
/// a person running a script still sees them.
pub fn warn_all(out: &crate::output::Out, report: &ProposalReport) {
    if !out.json {
        return;
    }
    for w in report.decoded.all_warnings() {
        out.warn(&w.message);
    }
}

/// A proposal named by one id, or by one or more files of the same proposal (their signatures
/// merged in memory), resolved against the node: the chain, the safe, and the proposal.
#[derive(Debug)]
pub struct Resolved {
    /// The node.
    pub chain: Chain,
    /// The safe.
    pub safe_ref: SafeRef,
    /// Its binding.
    pub safe: Safe,
    /// The proposal.
    pub loaded: Loaded,
}

/// Resolves `sources` (one id, or files of one proposal) with `--safe` and the RPC flags.
pub async fn resolve(
    ctx: &Ctx,
    safe_opts: &SafeOpts,
    rpc: &crate::opts::RpcOpts,
    sources: &[Source],
) -> Result<Resolved> {
    let mut merged: Option<(PathBuf, ProposalFile)> = None;
    let mut id = None;
    for source in sources {
        match source {
            Source::Id(i) if sources.len() == 1 => id = Some(*i),
            Source::Id(i) => {
                return Err(Failure::bad_input(format!(
                    "{i} is an id, but several proposals were named"
                ))
                .fix("name one id, or one or more files of the same proposal")
                .into());
            }
            Source::File(path) => {
                let file = load_file(path)?;
                match &mut merged {
                    None => merged = Some((path.clone(), file)),
                    Some((_, first)) => {
                        first.merge(&file).map_err(proposal_failure)?;
                    }
                }
            }
        }
    }
    let safe_ref = resolve_safe(ctx, safe_opts, merged.as_ref().map(|(_, f)| f))?;
    let chain = ctx.connect(rpc, Some(&safe_ref)).await?;
    if let Some((_, file)) = &merged {
        file.check_target(chain.chain_id, safe_ref.address).map_err(proposal_failure)?;
    }
    let safe = chain.safe(&safe_ref).await?;
    let loaded = match (merged, id) {
        (Some((path, file)), _) => Loaded::from_file(path, file),
        (None, Some(id)) => from_events(&chain, &safe_ref, id).await?,
        (None, None) => {
            return Err(Failure::bad_input("no proposal named")
                .fix("pass a proposal file or a proposal id")
                .into());
        }
    };
    Ok(Resolved { chain, safe_ref, safe, loaded })
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

/// How the simulation of a proposal's remaining life went, as reported.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationReport {
    /// `runs`, `reverts` (a reason that depends on the moment: a freeze, a cap that refills, a
    /// balance), `not-applicable` (executed, cancelled, expired, stale) or `unsupported` (the node
    /// has no `eth_simulateV1`).
    pub result: &'static str,
    /// What was simulated, or why it would revert.
    pub detail: String,
}

/// Simulates what is left of the proposal's life against the chain as it stands and refuses a
/// batch that cannot run, naming the decoded reason. `action` is what is refused (`propose`,
/// `sign`, `queue`, `execute`). A revert that depends on the moment (frozen, a cap that refills,
/// a token balance still to come) is a warning unless `strict` (sending now).
pub async fn check_runs(
    out: &crate::output::Out,
    chain: &Chain,
    safe: Address,
    loaded: &Loaded,
    sender: Option<Address>,
    action: &str,
    strict: bool,
) -> Result<SimulationReport> {
    use crate::simulate::{Plan, Simulation, simulate};
    let signatures = loaded.signatures();
    let plan = Plan {
        safe,
        calls: &loaded.calls,
        salt: loaded.salt,
        epoch: loaded.epoch,
        signatures: &signatures,
        sender,
    };
    let sim = simulate(chain, &plan).await?;
    // A native transfer beyond the safe's balance fails as a call without reason: the safe may
    // be funded before the eta, so that is a warning too.
    let sent: U256 = loaded.calls.iter().map(|c| c.value).fold(U256::ZERO, U256::saturating_add);
    let underfunded = sent > chain.provider.get_balance(safe).await?;
    let transient = sim.is_transient()
        || (underfunded
            && matches!(&sim, crate::simulate::Simulation::Reverts { failure, .. }
                if failure.revert.as_ref().is_some_and(|r| r.name == "CallFailed" && r.inner.is_none())));
    Ok(match sim {
        Simulation::Runs { steps } => {
            out.status(format!("simulated {steps}: it runs"));
            SimulationReport { result: "runs", detail: steps }
        }
        Simulation::Reverts { failure, .. } if transient && !strict => {
            out.warn(format!(
                "{}\n  it may still run later (once the freeze ends, the cap refills or the safe is funded)",
                failure.message
            ));
            SimulationReport { result: "reverts", detail: failure.message }
        }
        Simulation::Reverts { step, failure } => {
            let mut refused = Failure::new(
                failure.kind,
                format!(
                    "refusing to {action}: simulating the batch's {step} against the chain as it stands reverts\n  {}",
                    failure.message
                ),
            );
            refused.fix = failure.fix.or_else(|| {
                Some("fix the batch and propose it again; nothing was signed or sent".to_owned())
            });
            refused.revert = failure.revert;
            return Err(refused.into());
        }
        Simulation::NotApplicable(state) => SimulationReport {
            result: "not-applicable",
            detail: format!("the proposal is {state}"),
        },
        Simulation::Unsupported(why) => {
            out.warn(format!(
                "the node cannot simulate the whole batch ahead ({why}); each transaction is still simulated before it is sent"
            ));
            SimulationReport { result: "unsupported", detail: why }
        }
    })
}

/// A command to run next, as it can be pasted: a proposal file names its safe, an id does not,
/// so `--safe` (the config name when there is one) follows an id.
pub fn next_command(verb: &str, source: &Source, safe: &SafeRef, rest: &str) -> String {
    let rest = if rest.is_empty() { String::new() } else { format!(" {rest}") };
    match source {
        Source::File(path) => format!("tsafe {verb} {}{rest}", path.display()),
        Source::Id(id) => {
            let named = safe.name.clone().unwrap_or_else(|| safe.address.to_string());
            format!("tsafe {verb} {id} --safe {named}{rest}")
        }
    }
}

/// The warnings that are new since the proposal was queued: the batch decoded against the
/// configuration at the block of its `ProposalQueued` event, compared with the same batch decoded
/// against the configuration now (an owner addition that resets a threshold raised meanwhile, a
/// cap lowered since). `Err` with the reason when the old configuration cannot be read (a pruned
/// node): then every warning counts as new.
pub async fn warnings_since_queued(
    chain: &Chain,
    safe: &Safe,
    from_block: u64,
    loaded: &Loaded,
) -> Result<Vec<decode::Warning>, String> {
    use alloy::eips::BlockId;
    let filter = Filter::new()
        .address(*safe.address())
        .event_signature(ITreasurySafe::ProposalQueued::SIGNATURE_HASH)
        .topic1(loaded.id());
    let mut now_ctx =
        decode_context(chain, safe, &loaded.calls).await.map_err(|e| e.to_string())?;
    now_ctx.add_functions(loaded.functions());
    let now = decode::decode_batch(&loaded.calls, &now_ctx);
    let logs = crate::chain::logs(chain, &filter, from_block).await.map_err(|e| e.to_string())?;
    let Some(block) = logs.first().and_then(|l| l.block_number) else {
        // Not queued yet: it is queued now, under the configuration now.
        return Ok(Vec::new());
    };
    // First the cheap question every node answers (logs, not old state): did any configuration
    // change since? If not, nothing can read differently now.
    let changes = Filter::new().address(*safe.address()).event_signature(vec![
        ITreasurySafe::OwnerAdded::SIGNATURE_HASH,
        ITreasurySafe::OwnerRemoved::SIGNATURE_HASH,
        ITreasurySafe::ThresholdChanged::SIGNATURE_HASH,
        ITreasurySafe::GuardianAdded::SIGNATURE_HASH,
        ITreasurySafe::GuardianRemoved::SIGNATURE_HASH,
        ITreasurySafe::DelayChanged::SIGNATURE_HASH,
        ITreasurySafe::GraceChanged::SIGNATURE_HASH,
        ITreasurySafe::FreezeDurationChanged::SIGNATURE_HASH,
        ITreasurySafe::CapSet::SIGNATURE_HASH,
        ITreasurySafe::CapRemoved::SIGNATURE_HASH,
        ITreasurySafe::CapChangeScheduled::SIGNATURE_HASH,
        ITreasurySafe::CapQuarantined::SIGNATURE_HASH,
        ITreasurySafe::SelectorAllowed::SIGNATURE_HASH,
        ITreasurySafe::SelectorDisallowed::SIGNATURE_HASH,
    ]);
    let since = crate::chain::logs(chain, &changes, block + 1).await.map_err(|e| e.to_string())?;
    if since.is_empty() {
        return Ok(Vec::new());
    }
    let then = safe
        .getConfig()
        .block(BlockId::number(block))
        .call()
        .await
        .map_err(|e| {
            format!(
                "the configuration changed since the proposal was queued (block {block}), and this node cannot read the configuration of then ({e})"
            )
        })?;
    let mut then_ctx = now_ctx.clone();
    then_ctx.config = Some(SafeConfig::from(then));
    let before = decode::decode_batch(&loaded.calls, &then_ctx);
    let seen: Vec<&decode::Warning> = before.all_warnings().collect();
    Ok(now.all_warnings().filter(|w| !seen.contains(w)).cloned().collect())
}
