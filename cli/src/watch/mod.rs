//! `tsafe watch`: follows safes, judges what they queue against rules, alerts exactly once and
//! responds with a guardian key. See docs/watch.md.
//!
//! - [`config`]: the watch file, validated with line numbers.
//! - [`rules`]: what a queued proposal must not do (pure).
//! - [`ledger`]: cursor, block hashes and records in one `SQLite` database (exactly once).
//! - [`follow`]: bounded `eth_getLogs` ranges from the cursor, reorgs by parent hash.
//! - [`respond`]: idempotent cancel, freeze and evacuate.
//! - [`sinks`]: console, webhook, command, heartbeat, metrics.

pub mod config;
pub mod follow;
pub mod ledger;
pub mod respond;
pub mod rules;
pub mod sinks;

use crate::{exit::Failure, output::Out, wallet::Wallet};
use eyre::Result;
use follow::{Follower, Step};
use ledger::Ledger;
use respond::Responder;
use serde::Serialize;
use sinks::{Metrics, Sinks};
use std::{collections::HashMap, path::Path, time::Duration};

/// How a `--once` pass (or a stopped watcher) ended.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Safes followed.
    pub safes: usize,
    /// Records still waiting for a sink.
    pub undelivered: usize,
    /// Whether every safe is caught up with its head.
    pub caught_up: bool,
}

/// A running watcher.
#[derive(Debug)]
pub struct Watcher {
    file: config::WatchFile,
    ledger: Ledger,
    followers: Vec<Follower>,
    responders: Vec<Responder>,
    sinks: Sinks,
    metrics: Metrics,
    out: Out,
    /// Responses waiting for a chain time (a guardian's evacuation power): key → that time.
    waiting: HashMap<String, u64>,
}

impl Watcher {
    /// Opens the ledger, connects every safe, and checks the guardian key against every safe
    /// whose rules respond (a clear error now, never a crash loop later).
    pub async fn start(
        out: Out,
        file: config::WatchFile,
        db: &Path,
        signer: Option<&crate::opts::WalletOpts>,
    ) -> Result<Self> {
        let ledger = Ledger::open(db)?;
        let mut followers = Vec::new();
        for spec in &file.safes {
            followers.push(Follower::connect(spec.clone(), &ledger).await?);
        }
        let responding = file
            .rules
            .iter()
            .filter(|r| r.action.needs_guardian())
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>();
        let mut responders = Vec::new();
        if !responding.is_empty() {
            let Some(opts) = signer.filter(|o| o.is_set()) else {
                return Err(Failure::bad_input(format!(
                    "rules {} cancel, freeze or evacuate, but no guardian signer was given",
                    responding.join(", ")
                ))
                .fix("pass the guardian's --keystore/--account (with --password-file) or --ledger; or set those rules' action to \"alert\"")
                .into());
            };
            for f in &followers {
                let wallet = Wallet::from_opts(opts, f.chain_id).await?;
                let r = Responder::new(
                    &f.chain(),
                    &f.spec.rpc_urls,
                    wallet,
                    f.spec.address,
                    &f.spec.name,
                    f.spec.evacuate_extras.clone(),
                )
                .await?;
                if file.rules.iter().any(|r| r.action == rules::Action::Evacuate)
                    && let Some(at) = r.evacuation_power_pending().await?
                {
                    out.warn(format!(
                        "guardian {} of {} holds evacuation power only from {}: an evacuate rule that fires before then waits for it while its proposal stays queued (freeze and cancel work now)",
                        r.guardian,
                        f.spec.name,
                        crate::units::format_utc(at)
                    ));
                }
                if file.rules.iter().any(|r| r.action == rules::Action::Freeze)
                    && !r.armed().await?
                {
                    out.warn(format!(
                        "the guardians of {} are disarmed (their one-shot freeze is spent): freeze rules will alert instead until the owners re-arm them",
                        f.spec.name
                    ));
                }
                responders.push(r);
            }
        }
        let sinks = Sinks::new(out, &file.sinks)?;
        let metrics = Metrics::new();
        if let Some(addr) = file.sinks.metrics {
            let bound = metrics.clone().serve(addr).await?;
            out.status(format!("metrics on http://{bound}/metrics"));
        }
        Ok(Self {
            file,
            ledger,
            followers,
            responders,
            sinks,
            metrics,
            out,
            waiting: HashMap::new(),
        })
    }

    /// One pass: every safe read up to its head (or as far as its nodes allow), responses sent,
    /// records delivered.
    pub async fn pass(&mut self) -> Summary {
        let mut caught_up = true;
        for f in &mut self.followers {
            let mut errors = 0;
            loop {
                let mut done = false;
                match f.step(&mut self.ledger, &self.file.rules, self.file.max_block_range).await {
                    Ok(Step::CaughtUp) => done = true,
                    Ok(Step::Advanced(_)) => {}
                    Ok(Step::RolledBack(to)) => {
                        self.out.warn(format!(
                            "{}: reorg detected, rolled back to block {to}; reading again",
                            f.spec.name
                        ));
                    }
                    Err(e) => {
                        self.metrics.rpc_error();
                        errors += 1;
                        self.out.warn(format!("{} via {}: {e:#}", f.spec.name, f.url()));
                        f.fall_back();
                        if errors > f.spec.rpc_urls.len() {
                            caught_up = false;
                            done = true;
                        }
                    }
                }
                if let Ok(Some(c)) = self.ledger.cursor(f.chain_id, f.spec.address) {
                    self.metrics.progress(f.chain_id, &f.spec.name, c.number, f.head);
                }
                // Alert, then act on what was found before reading further: a cancel must not
                // wait for a backfill, nor an alert for a cancel's receipt.
                if let Err(e) = self.sinks.deliver_console(&self.ledger, &self.metrics).await {
                    self.out.warn(format!("delivery: {e:#}"));
                }
                respond(&self.out, &mut self.ledger, &self.responders, &mut self.waiting).await;
                if done {
                    break;
                }
            }
        }
        respond(&self.out, &mut self.ledger, &self.responders, &mut self.waiting).await;
        let undelivered = match self.sinks.deliver(&self.ledger, &self.metrics).await {
            Ok(n) => n,
            Err(e) => {
                self.out.warn(format!("delivery: {e:#}"));
                1
            }
        };
        Summary { safes: self.followers.len(), undelivered, caught_up }
    }

    /// Runs until interrupted: passes every `poll_ms`, with backoff while nodes fail.
    pub async fn run(&mut self) -> Result<Summary> {
        let poll = Duration::from_millis(self.file.poll_ms);
        let heartbeat = Duration::from_secs(self.file.sinks.heartbeat_secs);
        let mut last_beat = std::time::Instant::now();
        let mut backoff = poll;
        loop {
            let summary = self.pass().await;
            backoff =
                if summary.caught_up { poll } else { (backoff * 2).min(Duration::from_secs(30)) };
            if !heartbeat.is_zero() && last_beat.elapsed() >= heartbeat {
                self.sinks.heartbeat(&self.metrics);
                last_beat = std::time::Instant::now();
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                _ = tokio::signal::ctrl_c() => return Ok(summary),
            }
        }
    }
}

/// Performs every pending response; a node error leaves it pending for the next pass, and one
/// that must wait for a chain time (`waiting`) is not tried again before that time.
async fn respond(
    out: &Out,
    ledger: &mut Ledger,
    responders: &[Responder],
    waiting: &mut HashMap<String, u64>,
) {
    let Ok(pending) = ledger.pending_responses() else { return };
    for p in pending {
        let chain_id = p.body["chainId"].as_u64().unwrap_or_default();
        let safe = p.body["safe"].as_str().and_then(|s| s.parse().ok()).unwrap_or_default();
        let Some(r) = responders.iter().find(|r| r.safe == safe && r.chain_id() == chain_id) else {
            continue;
        };
        if let Some(until) = waiting.get(&p.key)
            && r.now().await.is_ok_and(|now| now < *until)
        {
            continue;
        }
        let trigger = p.body["proposal"].as_str().and_then(|s| s.parse().ok());
        let outcome = r.perform(out, &p.response, trigger).await;
        match &outcome {
            respond::Outcome::Retry(why) => {
                out.warn(format!("response {} for {} will be retried: {why}", p.response, p.key));
                continue;
            }
            respond::Outcome::Wait { until, why } => {
                // Said once per wait, not on every pass.
                if waiting.insert(p.key.clone(), *until) != Some(*until) {
                    out.warn(format!("response {} for {} waits: {why}", p.response, p.key));
                }
                continue;
            }
            _ => {}
        }
        waiting.remove(&p.key);
        let block = r.head().await;
        let record = outcome.record(&p.body, &p.response);
        if let Err(e) =
            ledger.finish_response(&p.key, outcome.state(), chain_id, safe, block, &record)
        {
            out.warn(format!("ledger: {e:#}"));
        }
    }
}

/// `tsafe demo`'s watcher: one pass over a throwaway safe with a default-deny cancel rule and the
/// devnet guardian key, records kept off stdout (the demo narrates). Returns whether `id` ended
/// cancelled.
pub async fn demo_cancel(
    out: Out,
    rpc_url: &str,
    safe: alloy::primitives::Address,
    guardian_key: &str,
    id: alloy::primitives::B256,
) -> Result<bool> {
    let text = format!(
        "[[safe]]\nname = \"demo\"\naddress = \"{safe}\"\nrpc_urls = [\"{rpc_url}\"]\n\n[sinks]\nheartbeat_secs = 0\n\n[[rule]]\nname = \"unannounced\"\nkind = \"expect\"\nseverity = \"critical\"\naction = \"cancel\"\n"
    );
    let mut file = config::parse(&text).map_err(|e| eyre::eyre!("demo watch file: {e:?}"))?;
    file.sinks.console = false;
    let dir = tempfile::tempdir()?;
    let opts = crate::opts::WalletOpts {
        private_key: Some(guardian_key.to_owned()),
        ..Default::default()
    };
    let mut watcher = Watcher::start(out, file, &dir.path().join("demo.db"), Some(&opts)).await?;
    watcher.pass().await;
    let contract =
        crate::contracts::ITreasurySafe::new(safe, watcher.followers[0].provider().clone());
    Ok(contract.proposalState(id).call().await? == 7)
}
