//! A proposal's whole remaining life simulated against the chain as it stands, before anything is
//! signed or sent: propose and approvals (when they are still missing), `queue`, then `execute`
//! in a later block at the eta, in one `eth_simulateV1` request (no signature needed: the node
//! runs each step from its sender without validation; nothing is broadcast).
//!
//! Owners then learn at once that a change can never run (a threshold above the owner count, a
//! delay below the minimum, an owner added twice), instead of after the delay; and `execute` never
//! sends `queue` for a fast-tracked batch whose `execute` would revert.

use crate::{
    chain::Chain,
    contracts::ITreasurySafe,
    exit::{ExitKind, Failure},
    revert,
    state::{self, ProposalState},
};
use alloy::{
    eips::BlockNumberOrTag,
    network::TransactionBuilder,
    primitives::{Address, B256, U256},
    providers::Provider,
    rpc::types::{
        BlockOverrides, TransactionRequest,
        simulate::{SimBlock, SimulatePayload},
    },
    sol_types::SolCall,
    transports::RpcError,
};
use eyre::Result;

/// What is simulated: a proposal, and who would send the transactions.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The safe.
    pub safe: Address,
    /// The batch.
    pub calls: &'a [ITreasurySafe::Call],
    /// Its salt.
    pub salt: B256,
    /// The epoch it was made under.
    pub epoch: u32,
    /// Off-chain approvals (owners' EIP-712 signatures) handed to `queue`.
    pub signatures: &'a [ITreasurySafe::Signature],
    /// Who sends `queue` and `execute` (any owner when unknown).
    pub sender: Option<Address>,
}

/// How the simulation went.
#[derive(Debug)]
pub enum Simulation {
    /// Every step ran: the batch executes at its eta if nothing changes meanwhile.
    Runs {
        /// What was simulated, for people ("queue, then execute at …").
        steps: String,
    },
    /// A step reverted.
    Reverts {
        /// The step that reverted (`queue`, `execute`, …).
        step: &'static str,
        /// The decoded reason, with its exit kind and fix.
        failure: Failure,
    },
    /// Nothing to simulate: the proposal is executed, cancelled, expired, or stale.
    NotApplicable(ProposalState),
    /// The node cannot simulate several transactions (no `eth_simulateV1`): only each
    /// transaction on its own is simulated before it is sent.
    Unsupported(String),
}

struct Step {
    name: &'static str,
    from: Address,
    data: Vec<u8>,
}

/// Simulates what is left of the proposal's life: propose and approvals if missing, queue, and
/// execute at the eta (now for a fast-tracked batch).
pub async fn simulate(chain: &Chain, plan: &Plan<'_>) -> Result<Simulation> {
    let safe = ITreasurySafe::new(plan.safe, chain.provider.clone());
    // Two rounds of reads at once (a third only for on-chain approvals), not one read after another.
    let (config, id, latest) = tokio::join!(
        async { safe.getConfig().call().await },
        async { safe.hashProposal(plan.calls.to_vec(), plan.salt, plan.epoch).call().await },
        chain.provider.get_block_by_number(BlockNumberOrTag::Latest),
    );
    let config = config.map_err(|e| crate::exit::contract_failure("getConfig", &e))?;
    let id = id.map_err(|e| crate::exit::contract_failure("hashProposal", &e))?;
    let latest = latest?.ok_or_else(|| eyre::eyre!("the node returned no latest block"))?;
    let (current, view) = tokio::join!(async { safe.proposalState(id).call().await }, async {
        safe.getProposal(id).call().await
    });
    let (current, view) = (state::from_contract(current?)?, view?);
    let (now, number) = (latest.header.timestamp, latest.header.number);
    let owners = config.owners.clone();
    let sender = plan.sender.or_else(|| owners.first().copied()).unwrap_or(plan.safe);

    let mut first = Vec::new();
    let mut execute_at = view.eta.max(now + 1);
    let mut what = Vec::new();
    if current.is_final() || (current.is_pending() && plan.epoch != config.epoch) {
        return Ok(Simulation::NotApplicable(if current.is_pending() {
            ProposalState::Stale
        } else {
            current
        }));
    }
    if current.is_pending() {
        let threshold = config.threshold.saturating_to::<usize>();
        let mut approved: Vec<Address> =
            plan.signatures.iter().map(|s| s.signer).filter(|s| owners.contains(s)).collect();
        if current == ProposalState::Proposed {
            let unsigned: Vec<Address> =
                owners.iter().copied().filter(|o| !approved.contains(o)).collect();
            let on_chain = crate::chain::fan_out(unsigned.clone(), |owner| {
                let safe = &safe;
                async move { safe.hasApproved(id, owner).call().await }
            })
            .await;
            for (owner, yes) in unsigned.into_iter().zip(on_chain) {
                if yes? {
                    approved.push(owner);
                }
            }
        }
        approved.sort();
        approved.dedup();
        let not_yet: Vec<Address> =
            owners.iter().copied().filter(|o| !approved.contains(o)).collect();
        let mut missing = not_yet.into_iter();
        if approved.len() < threshold {
            if current == ProposalState::Unknown {
                let proposer = missing.next().unwrap_or(sender);
                first.push(Step {
                    name: "propose",
                    from: proposer,
                    data: ITreasurySafe::proposeCall {
                        calls: plan.calls.to_vec(),
                        salt: plan.salt,
                    }
                    .abi_encode(),
                });
                approved.push(proposer);
                what.push("propose".to_owned());
            }
            let mut approvals = 0;
            while approved.len() < threshold {
                let Some(owner) = missing.next() else { break };
                first.push(Step {
                    name: "approve",
                    from: owner,
                    data: ITreasurySafe::approveCall { id }.abi_encode(),
                });
                approved.push(owner);
                approvals += 1;
            }
            if approvals > 0 {
                what.push(format!("{approvals} more approval(s)"));
            }
        }
        first.push(Step {
            name: "queue",
            from: sender,
            data: ITreasurySafe::queueCall {
                calls: plan.calls.to_vec(),
                salt: plan.salt,
                signatures: plan.signatures.to_vec(),
            }
            .abi_encode(),
        });
        what.push("queue".to_owned());
        let fast =
            crate::decode::classify(plan.safe, plan.calls, Some(&config.clone().into())).fast_track;
        execute_at = if fast { now + 2 } else { now + 1 + u64::from(config.delay) };
    }
    let execute = Step {
        name: "execute",
        from: sender,
        data: ITreasurySafe::executeCall {
            calls: plan.calls.to_vec(),
            salt: plan.salt,
            epoch: plan.epoch,
        }
        .abi_encode(),
    };
    what.push(format!("execute at {}", crate::units::format_utc(execute_at)));

    let request = |s: &Step| {
        TransactionRequest::default()
            .with_from(s.from)
            .with_to(plan.safe)
            .with_input(s.data.clone())
            .with_value(U256::ZERO)
    };
    let overrides = |n: u64, time: u64| BlockOverrides {
        number: Some(U256::from(n)),
        time: Some(time),
        ..Default::default()
    };
    let mut blocks = Vec::new();
    let mut order: Vec<&Step> = Vec::new();
    if !first.is_empty() {
        blocks.push(SimBlock {
            block_overrides: Some(overrides(number + 1, now + 1)),
            state_overrides: None,
            calls: first.iter().map(request).collect(),
        });
        order.extend(first.iter());
    }
    blocks.push(SimBlock {
        block_overrides: Some(overrides(number + 1 + u64::from(!first.is_empty()), execute_at)),
        state_overrides: None,
        calls: vec![request(&execute)],
    });
    order.push(&execute);
    let payload = SimulatePayload {
        block_state_calls: blocks,
        trace_transfers: false,
        validation: false,
        return_full_transactions: false,
    };
    let result = match chain.provider.simulate(&payload).await {
        Ok(blocks) => blocks,
        Err(RpcError::ErrorResp(e)) => return Ok(Simulation::Unsupported(e.message.to_string())),
        Err(e) => return Err(e.into()),
    };
    let results = result.iter().flat_map(|b| b.calls.iter());
    for (step, call) in order.iter().zip(results) {
        if call.status {
            continue;
        }
        let data = call.error.as_ref().and_then(|e| e.data.clone()).unwrap_or_default();
        let data = if call.return_data.is_empty() { data } else { call.return_data.clone() };
        let action = format!("{} (simulated)", step.name);
        let failure = match revert::decode(&data) {
            Some(decoded) => decoded.into_failure(&action),
            None => Failure::new(
                ExitKind::Reverted,
                format!(
                    "{action} would revert: {}",
                    call.error.as_ref().map_or("no reason given", |e| e.message.as_str())
                ),
            ),
        };
        let failure = crate::explain::explain(chain, failure).await;
        return Ok(Simulation::Reverts { step: step.name, failure });
    }
    Ok(Simulation::Runs { steps: what.join(", then ") })
}

impl Simulation {
    /// Whether a revert depends on the moment rather than on the batch: a freeze that will end,
    /// or a cap that refills. Such a batch may still run later, so it is a warning, not a refusal,
    /// when proposing or signing.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Reverts { failure, .. } => {
                matches!(failure.kind, ExitKind::Frozen | ExitKind::CapExceeded)
                    || failure
                        .revert
                        .as_ref()
                        .is_some_and(|r| r.innermost().name == "ERC20InsufficientBalance")
            }
            _ => false,
        }
    }
}
