//! Naming a proposal (a file or an id) and loading it: from the file, or rebuilt from the chain's
//! events; resolving the safe and the node it lives on.

use super::Safe;
use crate::{
    chain::Chain,
    context::{Ctx, SafeRef},
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
    opts::SafeOpts,
    proposal::{Hashes, ProposalError, ProposalFile, hash_proposal},
};
use alloy::{
    primitives::{Address, B256},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use eyre::Result;
use std::{
    path::{Path, PathBuf},
    str::FromStr,
};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_0x_and_64_hex_digits_anything_else_a_path() {
        let id = format!("0x{}", "1f".repeat(32));
        assert_eq!(id.parse::<Source>().unwrap(), Source::Id(id.parse().unwrap()));
        for path in ["p.json", "0x1234", &format!("0x{}", "zz".repeat(32))] {
            assert_eq!(path.parse::<Source>().unwrap(), Source::File(PathBuf::from(path)));
        }
        assert_eq!(Source::Id(id.parse().unwrap()).to_string(), id);
    }

    #[test]
    fn next_command_names_the_safe_after_an_id_only() {
        let safe =
            SafeRef { name: Some("ops".into()), ..SafeRef::address(Address::repeat_byte(1)) };
        let file = Source::File(PathBuf::from("p.json"));
        assert_eq!(next_command("queue", &file, &safe, ""), "tsafe queue p.json");
        let id = Source::Id(B256::repeat_byte(2));
        assert_eq!(
            next_command("execute", &id, &safe, "--wait"),
            format!("tsafe execute {} --safe ops --wait", B256::repeat_byte(2))
        );
        let unnamed = SafeRef::address(Address::repeat_byte(1));
        assert!(
            next_command("approve", &id, &unnamed, "")
                .ends_with(&format!("--safe {}", Address::repeat_byte(1)))
        );
    }

    #[test]
    fn proposal_errors_are_bad_input_with_a_fix() {
        let err = proposal_failure(ProposalError::Exists { path: PathBuf::from("p.json") });
        assert_eq!(crate::exit::kind_of(&err), ExitKind::BadInput);
        let failure = err.downcast_ref::<Failure>().unwrap();
        assert!(failure.fix.as_deref().unwrap().contains("--force"));
    }
}
