//! Following one safe: read its logs in bounded ranges from the cursor, detect reorgs by parent
//! hash, turn logs into records (an event line for every log, an alert for every rule broken),
//! and commit records and cursor together in the ledger.

use super::{
    config::SafeSpec,
    ledger::{BlockRef, Ledger, NewRecord},
    rules::{Action, QueuedFacts, Rule, RuleKind, Severity, evaluate},
};
use crate::{
    chain::Chain,
    chain::IERC20,
    contracts::ITreasurySafe::{self, ITreasurySafeEvents},
    decode::decode_batch,
    units::NATIVE_ASSET,
};
use alloy::{
    eips::BlockNumberOrTag,
    primitives::{Address, B256, U256, keccak256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{Filter, Log},
    sol_types::SolEventInterface,
};
use eyre::{Result, WrapErr, eyre};
use serde_json::{Value, json};
use std::{collections::HashMap, time::Duration};

/// Schema of every record the watcher emits.
pub const RECORD_SCHEMA: &str = "tsafe.watch/1";

/// Blocks whose hashes are kept to find a common ancestor after a reorg.
pub const KEEP_BLOCKS: u64 = 256;

/// The deterministic idempotency key of what `rule` (or "event") says about one log: the same for
/// every watcher of the same chain, so a sink deduplicates two watchers' records.
pub fn alert_key(
    chain_id: u64,
    safe: Address,
    block_hash: B256,
    log_index: u64,
    rule: &str,
) -> String {
    keccak256(format!("tsafe.watch/1:{chain_id}:{safe:#x}:{block_hash:#x}:{log_index}:{rule}"))
        .to_string()
}

/// One safe being followed through one of its nodes.
#[derive(Debug)]
pub struct Follower {
    /// What the watch file says.
    pub spec: SafeSpec,
    /// The chain id the nodes reported.
    pub chain_id: u64,
    providers: Vec<(String, DynProvider)>,
    current: usize,
    /// First block to read.
    pub start: u64,
    /// Latest head seen.
    pub head: u64,
}

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Read blocks up to this one; more remain.
    Advanced(u64),
    /// Caught up with the head.
    CaughtUp,
    /// Rolled back to this block after a reorg.
    RolledBack(u64),
}

impl Follower {
    /// Connects to the safe's nodes (every URL is kept for fallback), checks the chain id, and
    /// finds the first block to read.
    pub async fn connect(spec: SafeSpec, ledger: &Ledger) -> Result<Self> {
        let mut providers = Vec::new();
        for url in &spec.rpc_urls {
            let p = ProviderBuilder::new()
                .connect(url)
                .await
                .wrap_err_with(|| format!("bad RPC URL {url}"))?
                .erased();
            providers.push((url.clone(), p));
        }
        let mut follower = Self { spec, chain_id: 0, providers, current: 0, start: 0, head: 0 };
        let mut last = None;
        for i in 0..follower.providers.len() {
            follower.current = i;
            match follower.provider().get_chain_id().await {
                Ok(id) => {
                    follower.chain_id = id;
                    last = None;
                    break;
                }
                Err(e) => last = Some(crate::context::node_down(follower.url(), &e)),
            }
        }
        if let Some(e) = last {
            return Err(e);
        }
        if let Some(expected) = follower.spec.chain_id.filter(|e| *e != follower.chain_id) {
            return Err(crate::exit::Failure::bad_input(format!(
                "safe {}: the node at {} is chain {}, but the watch file says chain {expected}",
                follower.spec.name,
                follower.url(),
                follower.chain_id
            ))
            .fix("point rpc_urls at the right chain, or fix chain_id")
            .into());
        }
        follower.start = match (
            ledger.cursor(follower.chain_id, follower.spec.address)?,
            follower.spec.from_block,
        ) {
            (Some(c), _) => c.number + 1,
            (None, Some(from)) => from,
            (None, None) => follower.deployment_block().await?,
        };
        Ok(follower)
    }

    /// The provider in use.
    pub fn provider(&self) -> &DynProvider {
        &self.providers[self.current].1
    }

    /// The URL in use.
    pub fn url(&self) -> &str {
        &self.providers[self.current].0
    }

    /// Switches to the next node (after an error).
    pub fn fall_back(&mut self) {
        self.current = (self.current + 1) % self.providers.len();
    }

    /// The connection as the rest of the CLI knows it.
    pub fn chain(&self) -> Chain {
        Chain {
            provider: self.provider().clone(),
            rpc_url: self.url().to_owned(),
            chain_id: self.chain_id,
            timeout: Duration::from_mins(1),
        }
    }

    /// The block the safe's code appeared in, by bisection over `eth_getCode` at past blocks.
    async fn deployment_block(&self) -> Result<u64> {
        let p = self.provider();
        let safe = self.spec.address;
        let head = p.get_block_number().await?;
        if p.get_code_at(safe).number(head).await?.is_empty() {
            return Err(crate::exit::Failure::bad_input(format!(
                "no contract at {safe} on chain {} ({})",
                self.chain_id,
                self.url()
            ))
            .fix("check the safe's address and rpc_urls")
            .into());
        }
        let (mut lo, mut hi) = (0u64, head);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match p.get_code_at(safe).number(mid).await {
                Ok(code) if !code.is_empty() => hi = mid,
                Ok(_) => lo = mid + 1,
                // A node without the old state: read from the start, which is slower but complete.
                Err(_) => return Ok(0),
            }
        }
        Ok(lo)
    }

    async fn header(&self, number: u64) -> Result<Option<(B256, B256, u64)>> {
        let block = self.provider().get_block_by_number(BlockNumberOrTag::Number(number)).await?;
        Ok(block.map(|b| (b.header.hash, b.header.parent_hash, b.header.timestamp)))
    }

    /// One step: check the cursor is still on the canonical chain (else roll back), then read
    /// and commit the next range of at most `max_range` blocks.
    pub async fn step(
        &mut self,
        ledger: &mut Ledger,
        rules: &[Rule],
        max_range: u64,
    ) -> Result<Step> {
        let (chain_id, safe) = (self.chain_id, self.spec.address);
        let cursor = ledger.cursor(chain_id, safe)?;
        let head = self.provider().get_block_number().await?;
        self.head = head;
        let from = cursor.map_or(self.start, |c| c.number + 1);
        if let Some(c) = cursor {
            // Reorg check by parent hash: the next block must sit on the cursor; caught up, the
            // cursor's block itself must still be the canonical one.
            let on_chain = if from <= head {
                self.header(from).await?.map(|(_, parent, _)| parent)
            } else {
                self.header(c.number).await?.map(|(hash, _, _)| hash)
            };
            if on_chain != Some(c.hash) {
                return self.roll_back(ledger).await;
            }
        }
        if from > head {
            return Ok(Step::CaughtUp);
        }
        let to = head.min(from + max_range - 1);
        let Some((to_hash, _, _)) = self.header(to).await? else {
            return Err(eyre!("block {to} vanished while reading"));
        };
        let filter = Filter::new().address(safe).from_block(from).to_block(to);
        let logs = self.provider().get_logs(&filter).await?;
        let mut blocks: Vec<BlockRef> = Vec::new();
        let mut records = Vec::new();
        let mut times: HashMap<u64, u64> = HashMap::new();
        for log in logs.iter().filter(|l| !l.removed) {
            let (Some(number), Some(hash), Some(index)) =
                (log.block_number, log.block_hash, log.log_index)
            else {
                continue;
            };
            // The range's last block was read before the logs: a different hash there means a
            // reorg in between, so read the range again.
            if number == to && hash != to_hash {
                return Err(eyre!(
                    "block {to} changed while reading its logs (reorg); reading again"
                ));
            }
            if !blocks.iter().any(|b| b.number == number) {
                blocks.push(BlockRef { number, hash });
            }
            records.extend(self.records_for(log, number, hash, index, &mut times, rules).await?);
        }
        ledger.commit_range(
            chain_id,
            safe,
            &blocks,
            BlockRef { number: to, hash: to_hash },
            &records,
            KEEP_BLOCKS,
        )?;
        Ok(if to >= head { Step::CaughtUp } else { Step::Advanced(to) })
    }

    /// Finds the newest recorded block still canonical and rolls the ledger back to it.
    async fn roll_back(&mut self, ledger: &mut Ledger) -> Result<Step> {
        let (chain_id, safe) = (self.chain_id, self.spec.address);
        for b in ledger.recent_blocks(chain_id, safe)? {
            if self.header(b.number).await?.map(|(h, _, _)| h) == Some(b.hash) {
                let retracted = ledger.rollback(chain_id, safe, b, |key, body| {
                    json!({
                        "schema": RECORD_SCHEMA,
                        "type": "retraction",
                        "key": format!("retract:{key}"),
                        "retracts": key,
                        "chainId": chain_id,
                        "safe": safe,
                        "safeName": body["safeName"],
                        "block": body["block"],
                        "rule": body["rule"],
                        "severity": body["severity"],
                        "proposal": body["proposal"],
                        "summary": format!("retracted: the log behind this record left the chain in a reorg ({})", body["summary"].as_str().unwrap_or("")),
                    })
                })?;
                let _ = retracted;
                return Ok(Step::RolledBack(b.number));
            }
        }
        Err(eyre!(
            "reorg deeper than the {KEEP_BLOCKS} blocks the ledger remembers for safe {}; move the ledger aside and restart to re-read from the deployment block",
            self.spec.name
        ))
    }

    fn base(&self, log: &Log, number: u64, hash: B256, index: u64, rule: &str) -> Value {
        json!({
            "schema": RECORD_SCHEMA,
            "key": alert_key(self.chain_id, self.spec.address, hash, index, rule),
            "chainId": self.chain_id,
            "safe": self.spec.address,
            "safeName": self.spec.name,
            "block": number,
            "blockHash": hash,
            "tx": log.transaction_hash,
            "logIndex": index,
        })
    }

    /// The records of one log: an event record, plus one alert per rule it breaks.
    async fn records_for(
        &self,
        log: &Log,
        number: u64,
        hash: B256,
        index: u64,
        times: &mut HashMap<u64, u64>,
        rules: &[Rule],
    ) -> Result<Vec<NewRecord>> {
        let Ok(event) = ITreasurySafeEvents::decode_log(&log.inner) else {
            return Ok(Vec::new());
        };
        let event = event.data;
        let mut out = Vec::new();
        let mut proposal = None;
        let mut hits: Vec<(&Rule, String)> = Vec::new();
        let (name, summary) = match &event {
            ITreasurySafeEvents::ProposalQueued(q) => {
                proposal = Some(q.id);
                // Only a queue needs its block's time (the hours rule): other logs cost no call.
                let timestamp = match (log.block_timestamp, times.get(&number)) {
                    (Some(t), _) => t,
                    (None, Some(t)) => *t,
                    (None, None) => {
                        let t = self.header(number).await?.map_or(0, |(_, _, t)| t);
                        times.insert(number, t);
                        t
                    }
                };
                let facts = self.facts(q, number, timestamp, rules).await?;
                for rule in rules {
                    if let Some(reason) = evaluate(rule, &facts) {
                        hits.push((rule, reason));
                    }
                }
                let calls: Vec<&str> =
                    facts.decoded.calls.iter().map(|c| c.summary.as_str()).collect();
                (
                    "ProposalQueued".to_owned(),
                    format!(
                        "proposal {} queued (eta {}{}): {}",
                        q.id,
                        crate::units::format_utc(q.eta),
                        if q.fastTrack { ", fast track" } else { "" },
                        calls.join("; ")
                    ),
                )
            }
            ITreasurySafeEvents::ProposalCreated(c) => {
                proposal = Some(c.id);
                (
                    "ProposalCreated".to_owned(),
                    format!("proposal {} created by {}", c.id, c.proposer),
                )
            }
            ITreasurySafeEvents::ProposalApproved(a) => {
                proposal = Some(a.id);
                (
                    "ProposalApproved".to_owned(),
                    format!("proposal {} approved by {}", a.id, a.owner),
                )
            }
            ITreasurySafeEvents::ProposalExecuted(e) => {
                proposal = Some(e.id);
                (
                    "ProposalExecuted".to_owned(),
                    format!("proposal {} executed by {}", e.id, e.executor),
                )
            }
            ITreasurySafeEvents::ProposalCancelled(c) => {
                proposal = Some(c.id);
                ("ProposalCancelled".to_owned(), format!("proposal {} cancelled by {}", c.id, c.by))
            }
            ITreasurySafeEvents::SafeFrozen(f) => (
                "SafeFrozen".to_owned(),
                format!("safe frozen by {} until {}", f.by, crate::units::format_utc(f.until)),
            ),
            ITreasurySafeEvents::SafeUnfrozen(_) => {
                for rule in rules.iter().filter(|r| matches!(r.kind, RuleKind::Unfreeze)) {
                    hits.push((rule, "the owners ended a freeze early (a sign of M stolen keys if the guardian's freeze was right)".to_owned()));
                }
                ("SafeUnfrozen".to_owned(), "the owners ended the freeze early".to_owned())
            }
            other => {
                // `Variant(Variant { field: value, … })`: the inner part reads well enough.
                let debug = format!("{other:?}");
                let name = debug.split('(').next().unwrap_or("Event").to_owned();
                let inner = debug
                    .strip_prefix(&format!("{name}("))
                    .and_then(|d| d.strip_suffix(')'))
                    .unwrap_or(&debug)
                    .to_owned();
                (name, inner)
            }
        };
        let mut record = self.base(log, number, hash, index, "event");
        record["type"] = json!("event");
        record["event"] = json!(name);
        record["proposal"] = json!(proposal);
        record["severity"] = json!(Severity::Info);
        record["summary"] = json!(summary);
        out.push(NewRecord {
            key: record["key"].as_str().unwrap_or_default().to_owned(),
            block: number,
            response: None,
            body: record,
        });
        for (rule, reason) in hits {
            let mut alert = self.base(log, number, hash, index, &rule.name);
            alert["type"] = json!("alert");
            alert["event"] = json!(name);
            alert["proposal"] = json!(proposal);
            alert["rule"] = json!(rule.name);
            alert["severity"] = json!(rule.severity);
            alert["action"] = json!(rule.action);
            alert["reason"] = json!(reason);
            alert["summary"] = json!(summary);
            let response = match (rule.action, proposal) {
                (Action::Cancel, Some(id)) => Some(format!("cancel:{id}")),
                (Action::Freeze, _) => Some("freeze".to_owned()),
                (Action::Evacuate, _) => Some("evacuate".to_owned()),
                _ => None,
            };
            out.push(NewRecord {
                key: alert["key"].as_str().unwrap_or_default().to_owned(),
                block: number,
                response,
                body: alert,
            });
        }
        Ok(out)
    }

    /// What the rules need about a queued proposal, read at its block.
    async fn facts(
        &self,
        q: &ITreasurySafe::ProposalQueued,
        number: u64,
        timestamp: u64,
        rules: &[Rule],
    ) -> Result<QueuedFacts> {
        let chain = self.chain();
        let safe = ITreasurySafe::new(self.spec.address, self.provider().clone());
        let ctx = crate::flow::decode_context(&chain, &safe, &q.calls).await?;
        let decoded = decode_batch(&q.calls, &ctx);
        let mut balances = HashMap::new();
        if rules.iter().any(|r| matches!(r.kind, RuleKind::Outflow { share: Some(_), .. })) {
            for o in &decoded.outflows {
                let balance = if o.asset == NATIVE_ASSET {
                    self.provider().get_balance(self.spec.address).number(number).await?
                } else {
                    IERC20::new(o.asset, self.provider().clone())
                        .balanceOf(self.spec.address)
                        .block(number.into())
                        .call()
                        .await
                        .unwrap_or(U256::ZERO)
                };
                balances.insert(o.asset, balance);
            }
        }
        let mut target_ages = HashMap::new();
        if rules.iter().any(|r| matches!(r.kind, RuleKind::FreshTarget { .. })) {
            for call in q.calls.iter().filter(|c| c.target != self.spec.address) {
                if let Some(deployed) = self.code_since(call.target, number).await? {
                    target_ages.insert(call.target, number - deployed);
                }
            }
        }
        Ok(QueuedFacts {
            id: q.id,
            safe: self.spec.address,
            calls: q.calls.clone(),
            decoded,
            approvers: q.approvers.clone(),
            timestamp,
            balances,
            target_ages,
        })
    }

    /// The block `address`'s code appeared in, if it has code at `at`.
    async fn code_since(&self, address: Address, at: u64) -> Result<Option<u64>> {
        let p = self.provider();
        if p.get_code_at(address).number(at).await?.is_empty() {
            return Ok(None);
        }
        let (mut lo, mut hi) = (0u64, at);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match p.get_code_at(address).number(mid).await {
                Ok(code) if !code.is_empty() => hi = mid,
                Ok(_) => lo = mid + 1,
                Err(_) => return Ok(None),
            }
        }
        Ok(Some(lo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_deterministic_and_distinct() {
        let safe = Address::repeat_byte(1);
        let h = B256::repeat_byte(2);
        assert_eq!(alert_key(1, safe, h, 3, "r"), alert_key(1, safe, h, 3, "r"));
        assert_ne!(alert_key(1, safe, h, 3, "r"), alert_key(1, safe, h, 3, "event"));
        assert_ne!(alert_key(1, safe, h, 3, "r"), alert_key(2, safe, h, 3, "r"));
        assert_ne!(alert_key(1, safe, h, 3, "r"), alert_key(1, safe, B256::ZERO, 3, "r"));
    }
}
