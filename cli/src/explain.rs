//! Reverts in words: a decoded error's amounts in the asset's units, its times in UTC and
//! relative to the chain's clock, its states by name (`CapExceeded` as "wanted 11 ETH, 10 ETH
//! left"). Reads token metadata and the chain's time, so it lives beside the other chain reads.

use crate::{
    chain::Chain,
    chain::token_info,
    exit::Failure,
    revert::DecodedRevert,
    state::ProposalState,
    units::{self, NATIVE_ASSET},
};
use alloy::primitives::{Address, U256};

/// Adds a line "in words: …" to a failure that carries a decoded revert, when one of its errors
/// has amounts, times, durations or states to spell out. Anything that cannot be read (a token
/// without `decimals()`) is left as it was.
pub async fn explain(chain: &Chain, mut failure: Failure) -> Failure {
    let Some(revert) = failure.revert.clone() else { return failure };
    let now = crate::chain::chain_now(chain).await.ok();
    let mut words = Vec::new();
    let mut target = None;
    let mut node = Some(&revert);
    while let Some(r) = node {
        if r.name == "CallFailed" {
            target = arg(r, "target").and_then(|t| t.parse::<Address>().ok());
        }
        if let Some(w) = explain_one(chain, r, target, now).await {
            words.push(w);
        }
        node = r.inner.as_deref();
    }
    if !words.is_empty() {
        failure.message.push_str(&format!("\n  in words: {}", words.join("; ")));
    }
    failure
}

fn arg<'a>(r: &'a DecodedRevert, name: &str) -> Option<&'a str> {
    r.args.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn number(r: &DecodedRevert, name: &str) -> Option<U256> {
    arg(r, name).and_then(|v| v.parse().ok())
}

fn time(unix: U256, now: Option<u64>) -> String {
    let unix: u64 = unix.saturating_to();
    let relative = match now {
        Some(now) if unix >= now => format!("in {}", units::format_duration(unix - now)),
        Some(now) => format!("{} ago", units::format_duration(now - unix)),
        None => String::new(),
    };
    format!("{} ({relative})", units::format_utc(unix))
}

fn duration(seconds: U256) -> String {
    units::format_duration(seconds.saturating_to())
}

async fn amount(chain: &Chain, asset: Address, value: U256) -> String {
    if value == U256::MAX {
        return "an unlimited amount (type(uint256).max)".to_owned();
    }
    if asset == NATIVE_ASSET {
        return units::format_native(value);
    }
    match token_info(chain, asset).await {
        Ok((symbol, decimals)) => units::format_token(value, decimals, &symbol),
        Err(_) => format!("{value} base units of {asset}"),
    }
}

async fn explain_one(
    chain: &Chain,
    r: &DecodedRevert,
    target: Option<Address>,
    now: Option<u64>,
) -> Option<String> {
    Some(match r.name.as_str() {
        "CapExceeded" => {
            let asset: Address = arg(r, "asset")?.parse().ok()?;
            format!(
                "wanted {}, {} left",
                amount(chain, asset, number(r, "wanted")?).await,
                amount(chain, asset, number(r, "left")?).await
            )
        }
        "NotReady" => format!("executable from {}", time(number(r, "eta")?, now)),
        "ProposalExpired" => format!("expired at {}", time(number(r, "expiresAt")?, now)),
        "Frozen" | "AlreadyFrozen" => format!("frozen until {}", time(number(r, "until")?, now)),
        "InvalidProposalState" => {
            let state = ProposalState::from_u8(number(r, "state")?.saturating_to())?;
            format!("the proposal is {state}")
        }
        "StaleProposal" => format!(
            "approved under epoch {}, the safe is at epoch {}: approvals from before an owner or threshold change no longer count",
            arg(r, "proposalEpoch")?,
            arg(r, "currentEpoch")?
        ),
        "InvalidThreshold" => format!(
            "threshold {} with {} owner(s): it must be between 1 and the owner count",
            arg(r, "threshold")?,
            arg(r, "ownerCount")?
        ),
        "DelayOutOfBounds" | "GraceOutOfBounds" | "FreezeDurationOutOfBounds" => {
            let (first, _) = r.args.first()?;
            format!(
                "{} is outside {} to {}",
                duration(number(r, first)?),
                duration(number(r, "min")?),
                duration(number(r, "max")?)
            )
        }
        "InsufficientApprovals" => {
            format!("have {}, need {}", arg(r, "approvals")?, arg(r, "threshold")?)
        }
        "ERC20InsufficientBalance" => {
            let token = target?;
            format!(
                "{} holds {}, the call needs {}",
                arg(r, "sender")?,
                amount(chain, token, number(r, "balance")?).await,
                amount(chain, token, number(r, "needed")?).await
            )
        }
        "Panic" => format!("Solidity panic: {}", arg(r, "meaning")?),
        _ => return None,
    })
}
