//! Unit tests of the decoder, and the fixtures the other modules' tests share.

#![allow(clippy::unwrap_used)]

use super::{erc20::IToken, *};
use crate::contracts::ITreasurySafe;
use alloy::{
    primitives::{B256, address},
    sol_types::SolCall,
};

pub(super) const SAFE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
pub(super) const USDC: Address = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
pub(super) const DAI: Address = address!("0x6B175474E89094C44Da98b954EedeAC495271d0F");
pub(super) const BOB: Address = address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
pub(super) const FRESH: Address = address!("0x00000000000000000000000000000000DeaDBeef");
pub(super) const OWNER: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

pub(super) const ETHER: u128 = 1_000_000_000_000_000_000;

pub(super) fn ctx() -> DecodeContext {
    let mut ctx = DecodeContext::new(SAFE, 31337);
    ctx.tokens.insert(USDC, TokenInfo { symbol: "USDC".into(), decimals: 6 });
    ctx.tokens.insert(DAI, TokenInfo { symbol: "DAI".into(), decimals: 18 });
    ctx.fresh_addresses.insert(FRESH);
    ctx.config = Some(SafeConfig {
        threshold: U256::from(2),
        owners: vec![OWNER, BOB],
        guardians: vec![],
        delay: 86_400,
        grace: 14 * 86_400,
        freeze_duration: 3 * 86_400,
        caps: vec![
            CapInfo {
                asset: NATIVE_ASSET,
                limit: U256::from(10 * ETHER),
                period: 86_400,
                remaining: U256::from(4 * ETHER),
            },
            CapInfo {
                asset: USDC,
                limit: U256::from(250_000_000_000u64),
                period: 7 * 86_400,
                remaining: U256::from(250_000_000_000u64),
            },
        ],
    });
    ctx
}

pub(super) fn call(target: Address, value: u128, data: Vec<u8>) -> ITreasurySafe::Call {
    ITreasurySafe::Call { target, value: U256::from(value), data: data.into() }
}

pub(super) fn me<C: SolCall>(c: C) -> ITreasurySafe::Call {
    call(SAFE, 0, c.abi_encode())
}

pub(super) fn kinds(c: &DecodedCall) -> Vec<WarningKind> {
    c.warnings.iter().map(|w| w.kind).collect()
}

#[test]
fn token_transfer_in_both_units() {
    let data =
        IToken::transferCall { to: BOB, amount: U256::from(250_000_000_000u64) }.abi_encode();
    let d = decode_call(0, &call(USDC, 0, data), &ctx());
    assert_eq!(d.function.as_deref(), Some("transfer(address,uint256)"));
    assert_eq!(
        d.summary,
        format!("transfer 250,000 USDC (250000000000 base units) to {BOB} (owner)")
    );
    assert_eq!(d.target_label.as_deref(), Some("token USDC"));
    assert_eq!(d.args[0].name, "to");
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);

    // Unknown token: base units only; uncapped: warned.
    let unknown = address!("0x1111111111111111111111111111111111111111");
    let data = IToken::transferCall { to: FRESH, amount: U256::from(5) }.abi_encode();
    let d = decode_call(1, &call(unknown, 0, data), &ctx());
    assert!(d.summary.contains("5 base units of token 0x1111"), "{}", d.summary);
    assert_eq!(kinds(&d), vec![WarningKind::UncappedAsset, WarningKind::FreshAddress]);
    assert_eq!(d.warnings[0].call, Some(1));
}

#[test]
fn native_sends() {
    let d = decode_call(0, &call(FRESH, 3 * ETHER / 2, vec![]), &ctx());
    assert_eq!(d.value_display, "1.5 ETH");
    assert_eq!(d.value, "1500000000000000000");
    assert_eq!(d.summary, format!("send 1.5 ETH (1500000000000000000 wei) to {FRESH}"));
    assert_eq!(kinds(&d), vec![WarningKind::FreshAddress]);
    let mut uncapped = ctx();
    uncapped.config.as_mut().unwrap().caps.remove(0);
    let d = decode_call(0, &call(BOB, 1, vec![]), &uncapped);
    assert_eq!(kinds(&d), vec![WarningKind::UncappedAsset]);
    // Without a configuration, cap warnings are skipped rather than guessed.
    let mut bare = ctx();
    bare.config = None;
    assert!(decode_call(0, &call(BOB, 1, vec![]), &bare).warnings.is_empty());
}

#[test]
fn batch_outflow_against_remaining_caps() {
    let t = |n: u64| IToken::transferCall { to: BOB, amount: U256::from(n) }.abi_encode();
    let approve = IToken::approveCall { spender: BOB, amount: U256::from(1u64) }.abi_encode();
    let calls = vec![
        call(BOB, 3 * ETHER, vec![]),
        call(BOB, 2 * ETHER, vec![]),
        call(USDC, 0, t(200_000_000_000)),
        call(USDC, 0, t(50_000_000_000)),
        call(USDC, 0, approve),
    ];
    let b = decode_batch(&calls, &ctx());
    assert!(!b.fast_track && !b.guardian_protected && !b.freeze_exempt);
    let exceeded: Vec<_> =
        b.warnings.iter().filter(|w| w.kind == WarningKind::ExceedsCapRemaining).collect();
    assert_eq!(exceeded.len(), 2, "{:?}", b.warnings);
    // Sorted by asset address: USDC (0xA0b8…) before the native asset (0xEeee…).
    assert!(exceeded[0].message.contains("250,000.000001 USDC"), "{}", exceeded[0].message);
    assert!(exceeded[1].message.contains("moves 5 ETH"), "{}", exceeded[1].message);
    assert!(exceeded[1].message.contains("has 4 ETH"), "{}", exceeded[1].message);
    let usdc = b.outflows.iter().find(|o| o.asset == USDC).unwrap();
    assert_eq!(usdc.amount, U256::from(250_000_000_001u64));
    // Exactly the remaining amount is fine.
    let b = decode_batch(&calls[..4], &ctx());
    assert_eq!(b.warnings.len(), 1);
    assert_eq!(b.all_warnings().count(), 1);
}

#[test]
fn allowances_and_grants() {
    let data = IToken::approveCall { spender: FRESH, amount: U256::MAX }.abi_encode();
    let d = decode_call(0, &call(USDC, 0, data), &ctx());
    assert!(
        d.summary.starts_with(&format!("approve {FRESH} to spend unlimited USDC")),
        "{}",
        d.summary
    );
    assert_eq!(kinds(&d), vec![WarningKind::FreshAddress]);
    let data =
        IToken::increaseAllowanceCall { spender: BOB, addedValue: U256::from(ETHER) }.abi_encode();
    let d = decode_call(0, &call(DAI, 0, data), &ctx());
    assert!(d.summary.contains("by 1 DAI (1000000000000000000 base units)"), "{}", d.summary);
    assert_eq!(kinds(&d), vec![WarningKind::UncappedAsset]);
    let data =
        IToken::decreaseAllowanceCall { spender: BOB, subtractedValue: U256::from(1) }.abi_encode();
    let d = decode_call(0, &call(USDC, 0, data), &ctx());
    assert!(d.warnings.is_empty());
    assert_eq!(d.function.as_deref(), Some("decreaseAllowance(address,uint256)"));

    let data = IToken::setApprovalForAllCall { operator: BOB, approved: true }.abi_encode();
    let d = decode_call(0, &call(USDC, 0, data), &ctx());
    assert_eq!(kinds(&d), vec![WarningKind::DelegatesOrApprovesAll]);
    assert!(d.warnings[0].message.contains("UnmeasurableCall"));
    let data = IToken::authorizeOperatorCall { operator: BOB }.abi_encode();
    let d = decode_call(0, &call(DAI, 0, data), &ctx());
    assert_eq!(kinds(&d), vec![WarningKind::DelegatesOrApprovesAll]);
    assert!(d.warnings[0].message.contains("not capped"));
    // ERC-1363 grants: refused on a capped token, an uncapped grant elsewhere.
    let data =
        IToken::approveAndCall_1Call { spender: BOB, amount: U256::from(5), data: Bytes::new() }
            .abi_encode();
    let d = decode_call(0, &call(USDC, 0, data), &ctx());
    assert_eq!(d.function.as_deref(), Some("approveAndCall(address,uint256,bytes)"));
    assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
    assert!(d.warnings[0].message.contains("UnmeasurableCall"));
    let data = IToken::approveAndCall_0Call { spender: BOB, amount: U256::from(5) }.abi_encode();
    let d = decode_call(0, &call(DAI, 0, data), &ctx());
    assert_eq!(kinds(&d), vec![WarningKind::UncappedAsset]);
}

#[test]
fn unknown_selectors_shown_raw() {
    let data = vec![0xde, 0xad, 0xbe, 0xef, 1, 2];
    let d = decode_call(0, &call(USDC, 0, data.clone()), &ctx());
    // A capped token fails closed: an unknown function is refused by the contract.
    assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
    assert!(d.warnings[0].message.contains("UnmeasurableCall"), "{}", d.warnings[0].message);
    assert!(d.summary.contains("selector 0xdeadbeef and 6 bytes"), "{}", d.summary);
    assert_eq!(d.function, None);
    assert_eq!(d.raw_data.to_vec(), data);
    let d = decode_call(0, &call(DAI, 0, data.clone()), &ctx());
    assert!(d.warnings.is_empty());
    // Truncated transfer: known selector, malformed arguments.
    let mut bad = IToken::transferCall { to: BOB, amount: U256::from(1) }.abi_encode();
    bad.truncate(40);
    let d = decode_call(0, &call(DAI, 0, bad), &ctx());
    assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
    // The safe has no such function.
    let d = decode_call(0, &call(SAFE, 0, data), &ctx());
    assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
}

#[test]
fn capped_tokens_fail_closed() {
    let mut c = ctx();
    let refused = |d: &DecodedCall, error: &str| {
        assert_eq!(kinds(d), vec![WarningKind::WillRevert], "{}", d.summary);
        assert!(d.warnings[0].message.contains(error), "{}", d.warnings[0].message);
    };
    // A plain send (receive/fallback), a multicall, decreaseApproval: not measured, refused.
    refused(&decode_call(0, &call(USDC, 1, vec![]), &c), "UnmeasurableCall");
    let multicall = [0xac, 0x96, 0x50, 0xd8];
    let mut data = multicall.to_vec();
    data.extend_from_slice(&[0; 64]);
    refused(&decode_call(0, &call(USDC, 0, data.clone()), &c), "UnmeasurableCall");
    let dec = IToken::decreaseApprovalCall { spender: BOB, subtractedValue: U256::from(1) };
    refused(&decode_call(0, &call(USDC, 0, dec.abi_encode()), &c), "UnmeasurableCall");
    // Uncapped tokens are not concerned.
    assert!(decode_call(0, &call(DAI, 0, data.clone()), &c).warnings.is_empty());

    // The extra function the owners allowed: refused until it is in force, then a caution.
    let policy = CallPolicy { quarantined: false, extra_selector: Some((multicall, 1_000)) };
    c.call_policies.insert(USDC, policy);
    c.now = Some(999);
    refused(&decode_call(0, &call(USDC, 0, data.clone()), &c), "only from");
    c.now = Some(1_000);
    let d = decode_call(0, &call(USDC, 0, data), &c);
    assert_eq!(kinds(&d), vec![WarningKind::UnknownSelectorToCappedToken]);

    // Quarantined: even a transfer is refused.
    c.call_policies.insert(USDC, CallPolicy { quarantined: true, extra_selector: None });
    let t = IToken::transferCall { to: BOB, amount: U256::from(1) }.abi_encode();
    refused(&decode_call(0, &call(USDC, 0, t), &c), "AssetQuarantined");

    // A cap on the safe itself is refused (InvalidCap).
    let d = decode_call(
        0,
        &me(ITreasurySafe::setCapCall { asset: SAFE, limit: 1, period: 3_600 }),
        &ctx(),
    );
    refused(&d, "InvalidCap");
}

#[test]
fn self_calls_and_loosening() {
    let c = ctx();
    let one = |x: ITreasurySafe::Call| decode_call(0, &x, &c);
    let d = one(me(ITreasurySafe::setDelayCall { delay: 2 * 86_400 }));
    assert_eq!(d.function.as_deref(), Some("setDelay(uint32)"));
    assert_eq!(d.summary, "set delay to 2d (172800 s), now 1d");
    assert!(d.warnings.is_empty());
    let loosening = [
        me(ITreasurySafe::setDelayCall { delay: 3_600 }),
        me(ITreasurySafe::setGraceCall { grace: 30 * 86_400 }),
        me(ITreasurySafe::setFreezeDurationCall { freezeDuration: 3_600 }),
        me(ITreasurySafe::changeThresholdCall { threshold: U256::from(1) }),
        me(ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::from(1) }),
        me(ITreasurySafe::addOwnerCall { owner: FRESH, threshold: U256::from(2) }),
        me(ITreasurySafe::swapOwnerCall { oldOwner: BOB, newOwner: FRESH }),
        me(ITreasurySafe::removeGuardianCall { guardian: BOB }),
        me(ITreasurySafe::setCapCall { asset: NATIVE_ASSET, limit: 11 * ETHER, period: 86_400 }),
        me(ITreasurySafe::setCapCall { asset: NATIVE_ASSET, limit: ETHER, period: 3_600 }),
        me(ITreasurySafe::setCapCall { asset: NATIVE_ASSET, limit: ETHER, period: 2 * 86_400 }),
        me(ITreasurySafe::removeCapCall { asset: USDC }),
        me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: [1, 2, 3, 4].into() }),
        me(ITreasurySafe::unfreezeCall {}),
    ];
    for x in loosening {
        let d = one(x);
        assert_eq!(kinds(&d), vec![WarningKind::Loosens], "{}", d.summary);
    }
    let tightening = [
        me(ITreasurySafe::setGraceCall { grace: 86_400 }),
        me(ITreasurySafe::setFreezeDurationCall { freezeDuration: 4 * 86_400 }),
        me(ITreasurySafe::changeThresholdCall { threshold: U256::from(2) }),
        me(ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::from(2) }),
        me(ITreasurySafe::addGuardianCall { guardian: BOB }),
        me(ITreasurySafe::setCapCall { asset: NATIVE_ASSET, limit: ETHER, period: 86_400 }),
        me(ITreasurySafe::setCapCall { asset: DAI, limit: u128::MAX, period: 3_600 }),
        me(ITreasurySafe::freezeCall {}),
        me(ITreasurySafe::rearmGuardiansCall {}),
        me(ITreasurySafe::cancelCall { id: B256::repeat_byte(7) }),
        me(ITreasurySafe::quarantineCall { asset: USDC }),
        me(ITreasurySafe::disallowSelectorCall { asset: USDC }),
    ];
    for x in tightening {
        let d = one(x);
        assert!(d.warnings.is_empty(), "{}: {:?}", d.summary, d.warnings);
    }
    let d =
        one(me(ITreasurySafe::setCapCall { asset: USDC, limit: 300_000_000_000, period: 86_400 }));
    assert_eq!(
        d.summary,
        "change cap on USDC (0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48) from 250,000 USDC (250000000000 base units) per 7d to 300,000 USDC (300000000000 base units) per 1d"
    );
    assert!(d.warnings[0].message.contains("raises the limit and shortens the period"));
    let d = one(me(ITreasurySafe::executeCall { calls: vec![], salt: B256::ZERO, epoch: 0 }));
    assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
    let d = one(me(ITreasurySafe::thresholdCall {}));
    assert!(d.warnings.is_empty());
    let d = one(call(SAFE, 1, ITreasurySafe::freezeCall {}.abi_encode()));
    assert_eq!(kinds(&d), vec![WarningKind::SelfCallWithValue]);
}

#[test]
fn batch_judges_setters_in_sequence() {
    // 1d → 3d tightens, then 3d → 2d loosens (the contract sees the config as it goes).
    let calls = vec![
        me(ITreasurySafe::setDelayCall { delay: 3 * 86_400 }),
        me(ITreasurySafe::setDelayCall { delay: 2 * 86_400 }),
    ];
    let b = decode_batch(&calls, &ctx());
    assert!(b.fast_track);
    assert!(b.calls[0].warnings.is_empty());
    // Fast-tracked and loosening: execute will revert with LooseningNeedsDelay.
    assert_eq!(kinds(&b.calls[1]), vec![WarningKind::Loosens, WarningKind::WillRevert]);
    // Loosening against the configuration now: not fast-tracked, so it waits; no revert.
    let b = decode_batch(&[me(ITreasurySafe::setDelayCall { delay: 3_600 })], &ctx());
    assert!(!b.fast_track);
    assert_eq!(kinds(&b.calls[0]), vec![WarningKind::Loosens]);
    // unfreeze is fast-tracked and loosens, by design: never refused.
    let b = decode_batch(&[me(ITreasurySafe::unfreezeCall {})], &ctx());
    assert!(b.fast_track && b.freeze_exempt);
    assert_eq!(kinds(&b.calls[0]), vec![WarningKind::Loosens]);
    // Not fast-tracked (addOwner is not a fast-track function): loosening waits; no revert.
    let calls = vec![
        me(ITreasurySafe::addOwnerCall { owner: FRESH, threshold: U256::from(1) }),
        me(ITreasurySafe::changeThresholdCall { threshold: U256::from(2) }),
    ];
    let b = decode_batch(&calls, &ctx());
    assert!(!b.fast_track);
    assert_eq!(kinds(&b.calls[0]), vec![WarningKind::Loosens]);
    assert!(b.calls[0].warnings[0].message.contains("lowers the threshold from 2 to 1"));
    assert!(b.calls[1].warnings.is_empty(), "1 → 2 tightens");
}

#[test]
fn an_evacuated_safe_queues_only_remedies_and_tightenings() {
    let cfg = ctx().config.unwrap();
    let ok = |calls: &[ITreasurySafe::Call]| allowed_while_evacuated(SAFE, calls, Some(&cfg));
    let reopen = me(ITreasurySafe::reopenCall {});
    let remove = me(ITreasurySafe::removeGuardianCall { guardian: OWNER });
    let recover = me(ITreasurySafe::setRecoveryCall { recovery: BOB });
    let tighter = me(ITreasurySafe::setDelayCall { delay: 86_400 });
    let looser = me(ITreasurySafe::setDelayCall { delay: 86_399 });
    assert!(ok(&[remove.clone(), reopen.clone()]));
    assert!(ok(&[recover, tighter]));
    assert!(!ok(&[reopen.clone(), looser]), "a loosening waits the reopen");
    assert!(!ok(&[reopen, call(BOB, 1, vec![])]), "no outflow while evacuated");
    // The decoder says so only when the safe is evacuated.
    let mut c = ctx();
    let transfer = [call(BOB, 1, vec![])];
    assert!(decode_batch(&transfer, &c).warnings.iter().all(|w| w.kind != WarningKind::WillRevert));
    c.evacuated = Some(true);
    let b = decode_batch(&transfer, &c);
    assert!(
        b.warnings
            .iter()
            .any(|w| w.kind == WarningKind::WillRevert
                && w.message.contains("NotAllowedWhileEvacuated")),
        "{:?}",
        b.warnings
    );
    assert!(decode_batch(&[remove], &c).warnings.is_empty());
}

#[test]
fn config_view_converts() {
    let view = ITreasurySafe::ConfigView {
        owners: vec![OWNER],
        threshold: U256::from(1),
        guardians: vec![BOB],
        guardiansArmed: true,
        epoch: 2,
        delay: 10,
        grace: 20,
        freezeDuration: 30,
        frozenUntil: 0,
        caps: vec![ITreasurySafe::CapView {
            asset: NATIVE_ASSET,
            limit: 5,
            period: 3_600,
            remaining: U256::from(4),
            nextRefillAt: 0,
        }],
    };
    let cfg = SafeConfig::from(view);
    assert_eq!(cfg.freeze_duration, 30);
    assert_eq!(cfg.caps[0].limit, U256::from(5));
    let json = serde_json::to_value(decode_batch(&[call(BOB, 1, vec![])], &ctx())).unwrap();
    assert_eq!(json["calls"][0]["valueDisplay"], "0.000000000000000001 ETH");
    assert_eq!(json["fastTrack"], false);
}

#[test]
fn cap_policy_changes_say_what_they_do() {
    let c = ctx();
    let one = |x: ITreasurySafe::Call| decode_call(0, &x, &c);
    // A blind-signed quarantine runs at once and stops more than calls to the token.
    let q = one(me(ITreasurySafe::quarantineCall { asset: USDC }));
    assert!(q.summary.contains("at once"), "{}", q.summary);
    assert!(q.summary.contains("or any other contract"), "{}", q.summary);
    // The function the owners allow is named, not shown as bare hex.
    let multicall = [0xac, 0x96, 0x50, 0xd8];
    let a = one(me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: multicall.into() }));
    assert!(a.summary.contains("0xac9650d8 (multicall(bytes[])"), "{}", a.summary);
    assert_eq!(kinds(&a), vec![WarningKind::Loosens]);
    let withdraw = [0x2e, 0x1a, 0x7d, 0x4d];
    let w = one(me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: withdraw.into() }));
    assert!(w.summary.contains("(withdraw(uint256))"), "{}", w.summary);
    let unknown =
        one(me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: [1, 2, 3, 4].into() }));
    assert!(unknown.summary.contains("0x01020304 on"), "{}", unknown.summary);
}
