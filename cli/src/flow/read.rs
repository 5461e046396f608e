//! The chain reads a proposal's review needs: the safe's configuration, every token and
//! recipient the decoder looks at, the safe's own digest, and what changed since it was queued.

use super::{Loaded, Safe};
use crate::{
    chain::{Chain, chain_now, fan_out, token_info},
    contracts::ITreasurySafe,
    decode::{self, CallPolicy, DecodeContext, SafeConfig, TokenInfo},
    exit::{ExitKind, Failure},
    units::NATIVE_ASSET,
};
use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider},
    rpc::types::Filter,
    sol_types::SolEvent,
};
use eyre::Result;
use std::collections::HashSet;

/// The safe's configuration, decoded.
pub async fn config(safe: &Safe) -> Result<SafeConfig> {
    let view = safe
        .getConfig()
        .call()
        .await
        .map_err(|e| crate::exit::contract_failure("getConfig", &e))?;
    Ok(SafeConfig::from(view))
}

/// Everything the decoder needs: the safe's configuration, every token the batch touches or the
/// safe caps, and which recipients look unused. Two rounds of reads, each fanned out (at most
/// [`crate::chain::CONCURRENCY`] requests in flight): what the safe says of itself, then every token, candidate
/// recipient and call policy at once.
pub async fn decode_context(
    chain: &Chain,
    safe: &Safe,
    calls: &[ITreasurySafe::Call],
) -> Result<DecodeContext> {
    let safe_address = *safe.address();
    let mut ctx = DecodeContext::new(safe_address, chain.chain_id);
    let recovery = safe.getRecovery();
    let (config, recovery, native, now) = tokio::join!(
        config(safe),
        recovery.call(),
        chain.provider.get_balance(safe_address),
        chain_now(chain),
    );
    let config = config?;
    let recovery = recovery.map_err(|e| crate::exit::contract_failure("getRecovery", &e))?;
    if let Ok(balance) = native {
        ctx.balances.insert(NATIVE_ASSET, balance);
    }
    let mut tokens: Vec<Address> =
        config.caps.iter().map(|c| c.asset).filter(|a| *a != NATIVE_ASSET).collect();
    for call in calls {
        if call.target != safe_address && call.data.len() >= 4 && !tokens.contains(&call.target) {
            tokens.push(call.target);
        }
    }
    let known: HashSet<Address> = config
        .owners
        .iter()
        .chain(config.guardians.iter())
        .copied()
        .chain([safe_address, NATIVE_ASSET])
        .collect();
    let candidates: Vec<Address> =
        address_candidates(calls).into_iter().filter(|a| !known.contains(a)).take(32).collect();
    // What the safe lets the batch do with each capped token it calls (quarantine, extra
    // function), so the decoder can tell which calls the contract will refuse.
    let mut policed: Vec<Address> = Vec::new();
    for call in calls {
        let capped = config.caps.iter().any(|c| c.asset == call.target);
        if capped && call.target != NATIVE_ASSET && !policed.contains(&call.target) {
            policed.push(call.target);
        }
    }
    let token_reads = fan_out(tokens, |token| async move {
        let erc20 = crate::chain::IERC20::new(token, chain.provider.clone());
        let balance = erc20.balanceOf(safe_address);
        let (info, balance) = tokio::join!(token_info(chain, token), balance.call());
        (token, info, balance)
    });
    let fresh_reads = fan_out(candidates, |candidate| async move {
        (candidate, is_fresh(&chain.provider, candidate).await)
    });
    let policy_reads = fan_out(policed, |target| async move {
        let policy = safe.callPolicy(target);
        (target, policy.call().await)
    });
    let (token_reads, fresh_reads, policy_reads) =
        tokio::join!(token_reads, fresh_reads, policy_reads);
    for (token, info, balance) in token_reads {
        if let Ok((symbol, decimals)) = info {
            ctx.tokens.insert(token, TokenInfo { symbol, decimals });
            if let Ok(balance) = balance {
                ctx.balances.insert(token, balance);
            }
        }
    }
    for (candidate, fresh) in fresh_reads {
        if fresh? {
            ctx.fresh_addresses.insert(candidate);
        }
    }
    for (target, policy) in policy_reads {
        let p = policy.map_err(|e| crate::exit::contract_failure("callPolicy", &e))?;
        let extra = (p.from != 0).then_some((p.selector.0, p.from));
        ctx.call_policies
            .insert(target, CallPolicy { quarantined: p.quarantined, extra_selector: extra });
    }
    if !ctx.call_policies.is_empty() {
        ctx.now = Some(now?);
    }
    // An evacuated safe queues only a few kinds of batch: the decoder says when this is not one.
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
    let (code, nonce, balance) = tokio::join!(
        provider.get_code_at(address),
        provider.get_transaction_count(address),
        provider.get_balance(address),
    );
    Ok(code?.is_empty() && nonce? == 0 && balance?.is_zero())
}

/// Checks the locally computed digest against the safe's own `hashProposal`; a mismatch means
/// the CLI and the contract disagree on what is signed, so nothing may be signed or sent.
pub async fn check_digest(safe: &Safe, loaded: &Loaded) -> Result<()> {
    let onchain = safe
        .hashProposal(loaded.calls.clone(), loaded.salt, loaded.epoch)
        .call()
        .await
        .map_err(|e| crate::exit::contract_failure("hashProposal", &e))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::Bytes;

    fn call(target: Address, value: u64, data: Vec<u8>) -> ITreasurySafe::Call {
        ITreasurySafe::Call { target, value: U256::from(value), data: Bytes::from(data) }
    }

    #[test]
    fn candidates_are_value_recipients_and_address_shaped_words_once_each() {
        let to = Address::repeat_byte(0xaa);
        let token = Address::repeat_byte(0xbb);
        let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
        data.extend_from_slice(&[0; 12]);
        data.extend_from_slice(to.as_slice());
        // A small number is not an address.
        data.extend_from_slice(&U256::from(1_000_000u64).to_be_bytes::<32>());
        let calls = [call(to, 1, Vec::new()), call(token, 0, data), call(to, 2, Vec::new())];
        assert_eq!(address_candidates(&calls), vec![to]);
    }

    #[test]
    fn short_data_yields_no_words() {
        let calls = [call(Address::repeat_byte(1), 0, vec![1, 2, 3])];
        assert!(address_candidates(&calls).is_empty());
    }
}
