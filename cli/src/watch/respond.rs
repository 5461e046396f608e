//! Responses: cancel, freeze or evacuate with a guardian key, idempotent by construction. The
//! chain is read first ("already cancelled / frozen" counts as done; a safe found already
//! evacuated is re-swept with the watcher's own extras), the transaction is simulated before it is
//! sent, and a failure after sending is judged by reading the chain again, so two watchers of the
//! same safe never send conflicting responses and never loop on one that cannot succeed.

use crate::{
    chain::Chain,
    contracts::ITreasurySafe,
    exit::{ExitKind, kind_of},
    output::Out,
    state::ProposalState,
    sweep::Powerless,
    tx,
    wallet::Wallet,
};
use alloy::{
    primitives::{Address, B256},
    providers::{Provider, ProviderBuilder},
};
use eyre::Result;
use serde_json::{Value, json};

/// How a response ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done now, or found already done: the state it leaves, and the transaction if one was sent.
    Done {
        /// What happened, for people.
        detail: String,
        /// The transaction sent, if any.
        tx: Option<B256>,
    },
    /// Cannot be done (a clear alert, never retried): why.
    Failed(String),
    /// The node could not be reached: try again on the next pass.
    Retry(String),
    /// Cannot be done before the chain's time reaches `until` (an evacuation by a guardian whose
    /// power starts then, against a proposal still queued): pending until then, tried once more.
    Wait {
        /// The chain time to try again at.
        until: u64,
        /// Why, for people.
        why: String,
    },
}

impl Outcome {
    /// The ledger's name for the state.
    pub fn state(&self) -> &'static str {
        match self {
            Self::Done { .. } => "done",
            Self::Failed(_) => "failed",
            Self::Retry(_) | Self::Wait { .. } => "pending",
        }
    }

    /// The record reporting it.
    pub fn record(&self, alert: &Value, response: &str) -> Value {
        let key = alert["key"].as_str().unwrap_or_default();
        let (ok, detail, tx) = match self {
            Self::Done { detail, tx } => (true, detail.clone(), *tx),
            Self::Failed(d) | Self::Retry(d) | Self::Wait { why: d, .. } => {
                (false, d.clone(), None)
            }
        };
        json!({
            "schema": super::follow::RECORD_SCHEMA,
            "type": "response",
            "key": format!("response:{key}"),
            "alert": key,
            "chainId": alert["chainId"],
            "safe": alert["safe"],
            "safeName": alert["safeName"],
            "block": alert["block"],
            "rule": alert["rule"],
            "severity": alert["severity"],
            "proposal": alert["proposal"],
            "response": response,
            "ok": ok,
            "transaction": tx,
            "summary": detail,
        })
    }
}

/// A guardian signer for one safe, connected to each of its chain's nodes (a node error moves
/// the next attempt to the next node).
#[derive(Debug)]
pub struct Responder {
    /// The safe.
    pub safe: Address,
    /// The guardian's address.
    pub guardian: Address,
    /// Tokens an evacuation adds to the sweep (`evacuate_extras` of the watch file).
    pub extras: Vec<Address>,
    chains: Vec<Chain>,
    current: std::sync::atomic::AtomicUsize,
}

impl Responder {
    /// Attaches the guardian signer to a chain and checks, before anything else, that it is a
    /// guardian of the safe: otherwise a clear error at start (exit 2), not a crash loop later.
    pub async fn new(
        read: &Chain,
        urls: &[String],
        wallet: Wallet,
        safe: Address,
        name: &str,
        extras: Vec<Address>,
    ) -> Result<Self> {
        let guardian = wallet.address();
        let wallet = wallet.into_ethereum_wallet();
        // The node already checked first, then the others in the watch file's order.
        let mut ordered = vec![read.rpc_url.clone()];
        ordered.extend(urls.iter().filter(|u| **u != read.rpc_url).cloned());
        let mut chains = Vec::new();
        for url in ordered {
            let provider = ProviderBuilder::new()
                .wallet(wallet.clone())
                .connect(&url)
                .await
                .map_err(|e| crate::context::node_down(&url, &e))?
                .erased();
            chains.push(Chain { provider, rpc_url: url, ..read.clone() });
        }
        let chain = &chains[0];
        let contract = ITreasurySafe::new(safe, chain.provider.clone());
        if !contract.isGuardian(guardian).call().await? {
            return Err(crate::exit::Failure::bad_input(format!(
                "{guardian} is not a guardian of safe {name} ({safe}): rules that cancel or freeze need a guardian key"
            ))
            .fix("sign with a guardian's keystore or ledger, or change those rules' action to \"alert\"")
            .into());
        }
        Ok(Self { safe, guardian, extras, chains, current: std::sync::atomic::AtomicUsize::new(0) })
    }

    fn chain(&self) -> &Chain {
        let i = self.current.load(std::sync::atomic::Ordering::Relaxed);
        &self.chains[i % self.chains.len()]
    }

    /// Whether the guardians may freeze now (their freeze is one shot until the owners re-arm).
    pub async fn armed(&self) -> Result<bool> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        Ok(contract.getConfig().call().await?.guardiansArmed)
    }

    /// When the guardian gains evacuation power, if it has not yet (`None`: it holds it now).
    pub async fn evacuation_power_pending(&self) -> Result<Option<u64>> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        let at = contract.evacuationPowerAt(self.guardian).call().await?;
        let now = crate::chain::chain_now(self.chain()).await?;
        Ok((at > now).then_some(at))
    }

    /// The chain's time, as the contract sees it.
    pub async fn now(&self) -> Result<u64> {
        crate::chain::chain_now(self.chain()).await
    }

    /// Performs "cancel:<id>", "freeze" or "evacuate"; `trigger` is the queued proposal the alert
    /// behind the response is about, if any.
    pub async fn perform(&self, out: &Out, response: &str, trigger: Option<B256>) -> Outcome {
        let result = match response.strip_prefix("cancel:") {
            Some(id) => match id.parse::<B256>() {
                Ok(id) => self.cancel(out, id).await,
                Err(_) => Ok(Outcome::Failed(format!("bad proposal id {id:?} in the ledger"))),
            },
            None if response == "freeze" => self.freeze(out).await,
            None if response == "evacuate" => self.evacuate(out, trigger).await,
            None => Ok(Outcome::Failed(format!("unknown response {response:?}"))),
        };
        let outcome =
            result.unwrap_or_else(|e| Outcome::Retry(format!("node error, will retry: {e}")));
        if matches!(outcome, Outcome::Retry(_)) {
            self.current.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        outcome
    }

    async fn cancel(&self, out: &Out, id: B256) -> Result<Outcome> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        if let Some(done) = self.cancel_state(id).await? {
            return Ok(done);
        }
        let view = contract.getProposal(id).call().await?;
        if view.guardianProtected {
            return Ok(Outcome::Failed(format!(
                "proposal {id} only changes guardians (or is the owners' unfreeze/cancel): guardians cannot cancel it; the owners can, with `tsafe cancel {id}` from an owner key"
            )));
        }
        let call = contract.cancel(id).from(self.guardian);
        match tx::transact(out, self.chain(), "cancel", &call, false).await {
            Ok(mined) => Ok(Outcome::Done {
                detail: format!("cancelled proposal {id} as guardian {}", self.guardian),
                tx: mined.map(|m| m.hash),
            }),
            Err(e) => {
                // Another watcher (or guardian) may have won the race: the chain decides.
                if let Some(done) = self.cancel_state(id).await? {
                    return Ok(done);
                }
                Ok(Self::judge(e))
            }
        }
    }

    /// The proposal's state, as the contract reports it.
    async fn proposal_state(&self, id: B256) -> Result<Option<ProposalState>> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        Ok(ProposalState::from_u8(contract.proposalState(id).call().await?))
    }

    /// `Some` when the proposal needs no cancel (already cancelled, expired, voided) or can no
    /// longer be.
    async fn cancel_state(&self, id: B256) -> Result<Option<Outcome>> {
        let done = |detail: String| Some(Outcome::Done { detail, tx: None });
        Ok(match self.proposal_state(id).await? {
            Some(ProposalState::Cancelled) => done(format!("proposal {id} is already cancelled")),
            Some(ProposalState::Expired) => {
                done(format!("proposal {id} expired unexecuted; nothing to cancel"))
            }
            Some(ProposalState::Voided) => done(format!(
                "proposal {id} was voided by an evacuation and can never execute; nothing to cancel"
            )),
            Some(ProposalState::Executed) => Some(Outcome::Failed(format!(
                "proposal {id} was already executed before the watcher could cancel it"
            ))),
            Some(ProposalState::Queued | ProposalState::Ready) => None,
            Some(ProposalState::Unknown) => Some(Outcome::Failed(format!(
                "proposal {id} is not queued on chain (left in a reorg?)"
            ))),
            _ => Some(Outcome::Failed(format!(
                "proposal {id} is not queued (only proposed, or stale) and cannot be cancelled"
            ))),
        })
    }

    async fn freeze(&self, out: &Out) -> Result<Outcome> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        if let Some(done) = self.frozen().await? {
            return Ok(done);
        }
        if !self.armed().await? {
            return Ok(Outcome::Failed(
                "cannot freeze: the guardians' one-shot freeze is spent (disarmed) until the owners re-arm it with `tsafe rearm`; cancel rules still work".to_owned(),
            ));
        }
        let call = contract.freeze().from(self.guardian);
        match tx::transact(out, self.chain(), "freeze", &call, false).await {
            Ok(mined) => Ok(Outcome::Done {
                detail: format!("froze the safe as guardian {}", self.guardian),
                tx: mined.map(|m| m.hash),
            }),
            Err(e) => {
                if let Some(done) = self.frozen().await? {
                    return Ok(done);
                }
                Ok(Self::judge(e))
            }
        }
    }

    async fn frozen(&self) -> Result<Option<Outcome>> {
        let contract = ITreasurySafe::new(self.safe, self.chain().provider.clone());
        let until = contract.frozenUntil().call().await?;
        let now = self
            .chain()
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await?
            .map_or(0, |b| b.header.timestamp);
        Ok((until > now).then(|| Outcome::Done {
            detail: format!("the safe is already frozen until {}", crate::units::format_utc(until)),
            tx: None,
        }))
    }

    /// Evacuates, or re-sweeps a safe found already evacuated (with the watcher's extras: more is
    /// swept, never less). An evacuation answers a queued threat: when the proposal that
    /// triggered it (`trigger`) is gone by now (cancelled, expired or voided), the watcher stands
    /// down. A guardian whose evacuation power has not started waits for it ([`Outcome::Wait`])
    /// while that proposal is still queued, and is tried once more then; with no proposal to
    /// judge, or the power never coming (no longer a guardian), it is a clear failure.
    async fn evacuate(&self, out: &Out, trigger: Option<B256>) -> Result<Outcome> {
        let chain = self.chain();
        let safe = ITreasurySafe::new(self.safe, chain.provider.clone());
        let plan = crate::sweep::plan(chain, &safe, &self.extras, &[]).await?;
        // The proposal behind the alert, unless the safe is already evacuated (then: re-sweep).
        let threat = match trigger {
            Some(id) if !plan.already_evacuated => Some((id, self.proposal_state(id).await?)),
            _ => None,
        };
        if let Some((
            id,
            Some(s @ (ProposalState::Expired | ProposalState::Cancelled | ProposalState::Voided)),
        )) = threat
        {
            return Ok(Outcome::Done {
                detail: format!(
                    "stood down: proposal {id} is {} (gone before the watcher could evacuate); nothing was moved",
                    s.name().to_lowercase()
                ),
                tx: None,
            });
        }
        if !plan.already_evacuated
            && let Some(problem) =
                crate::sweep::power_problem(&safe, self.guardian, plan.now).await?
        {
            if let (Powerless::NotYet { at, .. }, Some((id, Some(s)))) = (&problem, threat)
                && s.is_queued()
            {
                return Ok(Outcome::Wait {
                    until: *at,
                    why: format!(
                        "cannot evacuate yet: {problem}; the watcher tries again then if proposal {id} is still queued (freeze and cancel rules work now, and any guardian holding the power can run `tsafe evacuate`)"
                    ),
                });
            }
            return Ok(Outcome::Failed(format!(
                "cannot evacuate: {problem}; freeze and cancel rules still work, and any guardian holding the power can run `tsafe evacuate`"
            )));
        }
        let call = safe.evacuate(plan.extras()).from(self.guardian);
        let what = if plan.already_evacuated { "re-sweep" } else { "evacuate" };
        // No access list: a response spends no extra round trip.
        let opts = crate::opts::TxOpts { no_access_list: true, ..crate::opts::TxOpts::default() };
        match crate::sweep::send(out, chain, what, &call, &opts, &plan).await {
            Ok(Some(o)) => {
                let moved: Vec<&str> = o.assets.iter().map(|a| a.text.as_str()).collect();
                let head = if plan.already_evacuated {
                    "the safe was already evacuated: re-swept it".to_owned()
                } else {
                    format!("evacuated the safe as guardian {}", self.guardian)
                };
                let detail = if o.held {
                    format!(
                        "{head}; NOTHING moved: the recovery address {} has not accepted on this chain",
                        plan.recovery.address
                    )
                } else if moved.is_empty() {
                    format!("{head} to {}; nothing left to move", plan.recovery.address)
                } else {
                    format!("{head} to {}: {}", plan.recovery.address, moved.join("; "))
                };
                Ok(Outcome::Done { detail, tx: Some(o.transaction.hash) })
            }
            Ok(None) => Ok(Outcome::Failed("evacuation was not sent".to_owned())),
            Err(e) => {
                // Another watcher or guardian may have evacuated first: the chain decides.
                let now = safe.getRecovery().call().await?;
                if now.evacuated && !plan.already_evacuated {
                    return Ok(Outcome::Done {
                        detail: "the safe was evacuated meanwhile (by another guardian or watcher)"
                            .to_owned(),
                        tx: None,
                    });
                }
                Ok(Self::judge(e))
            }
        }
    }

    fn judge(e: eyre::Report) -> Outcome {
        match kind_of(&e) {
            ExitKind::Node | ExitKind::Pending => Outcome::Retry(format!("{e:#}")),
            _ => Outcome::Failed(format!("{e:#}")),
        }
    }

    /// The chain this responder sends on.
    pub fn chain_id(&self) -> u64 {
        self.chain().chain_id
    }

    /// The node's head, to stamp outcomes.
    pub async fn head(&self) -> u64 {
        self.chain().provider.get_block_number().await.unwrap_or_default()
    }
}
