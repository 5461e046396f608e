//! Simulating what is left of a proposal's life before anything is signed or sent.

use super::Loaded;
use crate::{
    chain::Chain,
    exit::Failure,
    output::Out,
    simulate::{Plan, Simulation, simulate},
};
use alloy::{
    primitives::{Address, U256},
    providers::Provider,
};
use eyre::Result;
use serde::Serialize;

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
    out: &Out,
    chain: &Chain,
    safe: Address,
    loaded: &Loaded,
    sender: Option<Address>,
    action: &str,
    strict: bool,
) -> Result<SimulationReport> {
    let signatures = loaded.signatures();
    let plan = Plan {
        safe,
        calls: &loaded.calls,
        salt: loaded.salt,
        epoch: loaded.epoch,
        signatures: &signatures,
        sender,
    };
    let (sim, balance) = tokio::join!(simulate(chain, &plan), chain.provider.get_balance(safe));
    let sim = sim?;
    // A native transfer beyond the safe's balance fails as a call without reason: the safe may
    // be funded before the eta, so that is a warning too.
    let sent: U256 = loaded.calls.iter().map(|c| c.value).fold(U256::ZERO, U256::saturating_add);
    let underfunded = sent > balance?;
    let transient = sim.is_transient()
        || (underfunded
            && matches!(&sim, Simulation::Reverts { failure, .. }
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
