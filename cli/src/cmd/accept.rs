//! `tsafe accept-recovery`: a recovery address (the one in force, the backup, or a scheduled new
//! one) accepts on this chain, so that a sweep may send it anything (SPEC §3.7). Directly with its
//! key, or `--sign-only -o FILE` writes its EIP-712 acceptance (bound to this chain and safe),
//! which anyone sends with `--relay FILE`. An address that already accepted is "already done"
//! (exit 0, nothing sent).

use crate::{
    context::Ctx,
    contracts::ITreasurySafe,
    exit::Failure,
    opts::SendOpts,
    output::Outcome,
    proposal::Hashes,
    relay::{self, AcceptanceFile},
    sweep, tx, units,
};
use alloy::primitives::Address;
use clap::Args;
use eyre::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `tsafe accept-recovery`.
#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// Write the recovery address's EIP-712 acceptance to --out instead of sending; anyone can
    /// relay it with `tsafe accept-recovery --relay FILE`.
    #[arg(long, requires = "out", conflicts_with = "relay")]
    pub sign_only: bool,
    /// The signature file to write (with --sign-only; never overwritten).
    #[arg(short, long, value_name = "FILE", requires = "sign_only")]
    pub out: Option<PathBuf>,
    /// How long the acceptance may be relayed (with --sign-only; at most 30d).
    #[arg(long, value_name = "DURATION", default_value = "7d", requires = "sign_only")]
    pub deadline: String,
    /// Send a recovery address's acceptance file (any funded key may send it).
    #[arg(long, value_name = "FILE")]
    pub relay: Option<PathBuf>,
    #[command(flatten)]
    pub send: SendOpts,
}

/// Which way `tsafe accept-recovery` ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    /// The account sent its acceptance (or had already accepted).
    Accept,
    /// The account's signature was written to a file.
    SignOnly,
    /// An acceptance file was sent.
    Relay,
}

/// The account's role to the safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Role {
    /// The recovery address in force.
    Recovery,
    /// The backup committed at deployment.
    Backup,
    /// A scheduled new recovery address, before it lapses.
    Scheduled,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Recovery => "recovery address",
            Self::Backup => "backup recovery address",
            Self::Scheduled => "scheduled recovery address",
        }
    }
}

fn names(roles: &[Role]) -> String {
    roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(" and ")
}

/// What `tsafe accept-recovery` did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AcceptReport {
    /// `accept`, `sign-only` or `relay`.
    mode: Mode,
    /// The safe.
    safe: Address,
    /// The accepting address.
    account: Address,
    /// Its roles: `recovery`, `backup`, `scheduled`.
    roles: Vec<Role>,
    /// It had accepted already: nothing was sent.
    already_accepted: bool,
    /// Who sent the transaction (`null` with --sign-only or when already accepted).
    sender: Option<Address>,
    /// The mined acceptance (`null` on a dry run, with --sign-only, or when already accepted).
    transaction: Option<tx::Mined>,
    /// The signature written or relayed.
    signature: Option<SignatureInfo>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureInfo {
    file: PathBuf,
    deadline: u64,
    hashes: Hashes,
}

/// The roles of `account` and whether each accepted, from the safe's recovery view.
struct Roles {
    roles: Vec<Role>,
    all_accepted: bool,
}

async fn roles(safe: &sweep::Safe, account: Address, now: u64) -> Result<Roles> {
    let v = safe
        .getRecovery()
        .call()
        .await
        .map_err(|e| crate::exit::contract_failure("getRecovery", &e))?;
    let mut roles = Vec::new();
    let mut all = true;
    if account == v.recovery {
        roles.push(Role::Recovery);
        all &= v.accepted;
    }
    if v.backup != Address::ZERO && account == v.backup {
        roles.push(Role::Backup);
        all &= v.backupAccepted;
    }
    if v.pending != Address::ZERO && account == v.pending && now <= v.pendingLapsesAt {
        roles.push(Role::Scheduled);
        all &= v.pendingAccepted;
    }
    if roles.is_empty() {
        let pending = if v.pending == Address::ZERO {
            String::new()
        } else {
            format!(", scheduled {} (lapses {})", v.pending, units::format_utc(v.pendingLapsesAt))
        };
        let backup =
            if v.backup == Address::ZERO { "none".to_owned() } else { v.backup.to_string() };
        return Err(Failure::bad_input(format!(
            "{account} is not a recovery candidate of {} (NotRecoveryCandidate): the recovery address is {}, the backup {backup}{pending}",
            safe.address(),
            v.recovery
        ))
        .fix("sign with the recovery address's key (or the backup's, or the scheduled one's before it lapses)")
        .into());
    }
    Ok(Roles { roles, all_accepted: all })
}

impl AcceptArgs {
    /// Accepts, signs or relays.
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        if let Some(path) = self.relay.clone() {
            return self.relay(ctx, &path).await;
        }
        let safe_ref = ctx.safe(&self.send.safe)?;
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        if !self.send.wallet.is_set() {
            return Err(Failure::bad_input("no signer given")
                .fix("the recovery address accepts with its own key: pass --account, --keystore, --ledger, --mnemonic or -i")
                .into());
        }
        let now = crate::chain::chain_now(&chain).await?;
        if self.sign_only {
            return self.sign_only(ctx, &chain, &safe, now).await;
        }
        let (signing, from) = ctx.connect_signer_to(&chain, &self.send.wallet).await?;
        let r = roles(&safe, from, now).await?;
        if r.all_accepted {
            return already(safe_ref.address, from, r.roles);
        }
        let bound = ITreasurySafe::new(safe_ref.address, signing.provider.clone());
        let call = bound.acceptRecovery().from(from);
        let mined =
            tx::transact_with(&ctx.out, &signing, "acceptRecovery", &call, &self.send.tx).await?;
        let text = match &mined {
            Some(m) => format!(
                "{from} accepted as {} of {} on chain {} in {}: sweeps may now send it funds",
                names(&r.roles),
                safe_ref.address,
                chain.chain_id,
                m.hash
            ),
            None => format!("dry run: {from} can accept as {}", names(&r.roles)),
        };
        Outcome::new(
            &AcceptReport {
                mode: Mode::Accept,
                safe: safe_ref.address,
                account: from,
                roles: r.roles,
                already_accepted: false,
                sender: Some(from),
                transaction: mined,
                signature: None,
            },
            text,
        )
    }

    async fn sign_only(
        &self,
        ctx: &Ctx,
        chain: &crate::context::Chain,
        safe: &sweep::Safe,
        now: u64,
    ) -> Result<Outcome> {
        let (path, window) = relay::new_signature(
            self.out.as_deref(),
            &self.deadline,
            Some((
                sweep::MAX_SIGNATURE_WINDOW,
                "the safe refuses an acceptance signature valid for more than 30 days (it has no nonce)",
            )),
        )?;
        let deadline = now + window;
        let signer = crate::wallet::Wallet::from_opts(&self.send.wallet, chain.chain_id).await?;
        let who = signer.address();
        let safe_address = *safe.address();
        let r = roles(safe, who, now).await?;
        if r.all_accepted {
            return already(safe_address, who, r.roles);
        }
        let hashes = sweep::acceptance_hashes(chain.chain_id, safe_address, who, deadline);
        let onchain = safe
            .acceptanceDigest(who, deadline)
            .call()
            .await
            .map_err(|e| crate::exit::contract_failure("acceptanceDigest", &e))?;
        sweep::check_digest("the acceptance", onchain, hashes.digest)?;
        let out = &ctx.out;
        if !(ctx.yes && (out.quiet || out.json)) {
            out.show(&format!(
                "accept the recovery role of safe {safe_address} on chain {} as {who} ({}), relayable by anyone until {}\nEIP-712 (what a hardware wallet shows)\n  domain hash   {}\n  message hash  {}\n  digest        {} (the safe's acceptanceDigest agrees)",
                chain.chain_id,
                names(&r.roles),
                units::format_utc(deadline),
                hashes.domain_separator,
                hashes.message_hash,
                hashes.digest
            ));
        }
        if !out.confirm(ctx.yes, &format!("sign this acceptance for {safe_address}?"))? {
            return Err(Failure::bad_input(
                "not signed: declined at the prompt; nothing was written",
            )
            .into());
        }
        let message = sweep::typed::RecoveryAcceptance { account: who, deadline };
        let domain = crate::proposal::domain(chain.chain_id, safe_address);
        let signature = signer.sign_typed(&message, &domain).await?;
        let file = AcceptanceFile {
            schema: relay::ACCEPTANCE_SCHEMA.to_owned(),
            chain_id: chain.chain_id,
            safe: safe_address,
            account: who,
            deadline,
            hashes,
            signature: crate::proposal::encode_ecdsa(&signature),
        };
        file.verify(&path)?;
        relay::save_new(&file, &path)?;
        let text = format!(
            "wrote {} (acceptance by {who}, valid until {})\nanyone relays it: tsafe accept-recovery --relay {} --private-key <any funded key>",
            path.display(),
            units::format_utc(deadline),
            path.display()
        );
        Outcome::new(
            &AcceptReport {
                mode: Mode::SignOnly,
                safe: safe_address,
                account: who,
                roles: r.roles,
                already_accepted: false,
                sender: None,
                transaction: None,
                signature: Some(SignatureInfo { file: path, deadline, hashes }),
            },
            text,
        )
    }

    async fn relay(&self, ctx: &Ctx, path: &Path) -> Result<Outcome> {
        let file: AcceptanceFile = relay::load(path)?;
        file.verify(path)?;
        let safe_ref = if self.send.safe.safe.is_some() {
            ctx.safe(&self.send.safe)?
        } else {
            ctx.known_safe(file.safe)
        };
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        relay::check_target(path, file.chain_id, file.safe, chain.chain_id, safe_ref.address)?;
        let safe = chain.safe(&safe_ref).await?;
        let now = crate::chain::chain_now(&chain).await?;
        if now > file.deadline {
            return Err(Failure::bad_input(format!(
                "{} expired at {}: the contract refuses it (SignatureExpired)",
                path.display(),
                units::format_utc(file.deadline)
            ))
            .fix("ask the recovery address for a new acceptance (`tsafe accept-recovery --sign-only`)")
            .into());
        }
        let r = roles(&safe, file.account, now).await?;
        if r.all_accepted {
            return already(safe_ref.address, file.account, r.roles);
        }
        if !self.send.wallet.is_set() {
            return Err(Failure::bad_input("no signer given to send the relayed acceptance")
                .fix("any funded key sends it: pass --account, --keystore, --ledger, --mnemonic or -i")
                .into());
        }
        let (signing, from) = ctx.connect_signer_to(&chain, &self.send.wallet).await?;
        let bound = ITreasurySafe::new(safe_ref.address, signing.provider.clone());
        let call = bound
            .acceptRecoveryBySig(file.account, file.deadline, file.signature.clone())
            .from(from);
        let mined =
            tx::transact_with(&ctx.out, &signing, "acceptRecoveryBySig", &call, &self.send.tx)
                .await?;
        let text = match &mined {
            Some(m) => format!(
                "relayed the acceptance of {} ({}) for {} in {}: sweeps may now send it funds",
                file.account,
                names(&r.roles),
                safe_ref.address,
                m.hash
            ),
            None => {
                format!("dry run: the acceptance of {} simulates; nothing was sent", file.account)
            }
        };
        Outcome::new(
            &AcceptReport {
                mode: Mode::Relay,
                safe: safe_ref.address,
                account: file.account,
                roles: r.roles,
                already_accepted: false,
                sender: Some(from),
                transaction: mined,
                signature: Some(SignatureInfo {
                    file: path.to_owned(),
                    deadline: file.deadline,
                    hashes: file.hashes,
                }),
            },
            text,
        )
    }
}

/// Already accepted: done, nothing to send (exit 0).
fn already(safe: Address, account: Address, roles: Vec<Role>) -> Result<Outcome> {
    let text = format!(
        "already done: {account} has already accepted as {} of {safe}; nothing was sent",
        names(&roles)
    );
    Outcome::new(
        &AcceptReport {
            mode: Mode::Accept,
            safe,
            account,
            roles,
            already_accepted: true,
            sender: None,
            transaction: None,
            signature: None,
        },
        text,
    )
}
