//! Decoding a proposal's calls for people, with the warnings a signer must see before approving.
//!
//! Pure: the caller fetches chain facts (token symbols and decimals, the safe's configuration,
//! which addresses look unused) into a [`DecodeContext`] and passes it in.
//!
//! - Self-calls (target = the safe) are decoded with the contract bindings: every setter,
//!   `freeze`, `unfreeze`, `rearmGuardians`, `cancel`; loosening changes are flagged against the
//!   configuration as it would stand at that point of the batch.
//! - ERC-20 calls (`transfer`, `transferFrom`, `approve`, `increaseAllowance`,
//!   `decreaseAllowance`, `increaseApproval`, `decreaseApproval`, `authorizeOperator`,
//!   `setApprovalForAll`, and the ERC-1363 `approveAndCall`/`increaseApprovalAndCall`) are decoded
//!   on any target; amounts show in token units and base units.
//! - Anything else is shown raw (selector and data).
//! - Calls to a capped token mirror the contract's fail-closed rule (`_inspect`): only the measured
//!   functions ([`MEASURED_ON_CAPPED`]) and the one extra function the owners allowed for that token
//!   may target it; anything else, and any call to a quarantined token, is flagged as reverting.
//!
//! [`decode_batch`] adds the batch-level view: estimated outflow per asset against the caps'
//! remaining amounts, and the contract's own classification (`fast_track`, `freeze_exempt`,
//! `guardian_protected`, mirroring `_classify`).

use crate::{
    contracts::ITreasurySafe::{self, ITreasurySafeCalls},
    units::{NATIVE_ASSET, format_duration, format_native_with, format_units, group_thousands},
};
use alloy::{
    primitives::{Address, Bytes, U256},
    sol_types::{SolCall, SolInterface},
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// ERC-20 (and common extensions) calls a safe may make on a token.
mod erc20 {
    alloy::sol! {
        #[derive(Debug)]
        interface IToken {
            function transfer(address to, uint256 amount) external returns (bool);
            function transferFrom(address from, address to, uint256 amount) external returns (bool);
            function approve(address spender, uint256 amount) external returns (bool);
            function increaseAllowance(address spender, uint256 addedValue) external returns (bool);
            function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool);
            function increaseApproval(address spender, uint256 addedValue) external returns (bool);
            function decreaseApproval(address spender, uint256 subtractedValue) external returns (bool);
            function authorizeOperator(address operator) external;
            function setApprovalForAll(address operator, bool approved) external;
            function approveAndCall(address spender, uint256 amount) external returns (bool);
            function approveAndCall(address spender, uint256 amount, bytes data) external returns (bool);
            function increaseApprovalAndCall(address spender, uint256 addedValue, bytes data) external returns (bool);
        }
    }
}

use erc20::IToken::{self, ITokenCalls};

/// The functions a batch may call on a capped token because the contract measures their effect
/// (`_inspect`): the transfers, the counted allowance grants and `decreaseAllowance`.
pub const MEASURED_ON_CAPPED: [[u8; 4]; 6] = [
    IToken::transferCall::SELECTOR,
    IToken::transferFromCall::SELECTOR,
    IToken::approveCall::SELECTOR,
    IToken::increaseAllowanceCall::SELECTOR,
    IToken::increaseApprovalCall::SELECTOR,
    IToken::decreaseAllowanceCall::SELECTOR,
];

/// What the safe lets a batch do with one capped token, as read with `callPolicy(token)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallPolicy {
    /// Quarantined: never read, and no batch may call it.
    pub quarantined: bool,
    /// The extra function the owners allowed on it, and from when (Unix seconds).
    pub extra_selector: Option<([u8; 4], u64)>,
}

/// Symbol and decimals of an ERC-20 token, as read from the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// `symbol()`.
    pub symbol: String,
    /// `decimals()`.
    pub decimals: u8,
}

/// One cap of the safe and what it has left now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CapInfo {
    /// The capped asset ([`NATIVE_ASSET`] for the native coin).
    pub asset: Address,
    /// The limit per period, in base units.
    #[serde(serialize_with = "crate::units::decimal::serialize")]
    pub limit: U256,
    /// The period in seconds.
    pub period: u32,
    /// What may still leave now, in base units.
    #[serde(serialize_with = "crate::units::decimal::serialize")]
    pub remaining: U256,
}

/// The safe's configuration, as read with `getConfig()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SafeConfig {
    /// The threshold M.
    #[serde(serialize_with = "crate::units::decimal::serialize")]
    pub threshold: U256,
    /// The owners.
    pub owners: Vec<Address>,
    /// The guardians.
    pub guardians: Vec<Address>,
    /// The delay in seconds.
    pub delay: u32,
    /// The grace period in seconds.
    pub grace: u32,
    /// The freeze duration in seconds.
    pub freeze_duration: u32,
    /// The caps.
    pub caps: Vec<CapInfo>,
}

impl From<ITreasurySafe::ConfigView> for SafeConfig {
    fn from(c: ITreasurySafe::ConfigView) -> Self {
        Self {
            threshold: c.threshold,
            owners: c.owners,
            guardians: c.guardians,
            delay: c.delay,
            grace: c.grace,
            freeze_duration: c.freezeDuration,
            caps: c
                .caps
                .into_iter()
                .map(|cap| CapInfo {
                    asset: cap.asset,
                    limit: U256::from(cap.limit),
                    period: cap.period,
                    remaining: cap.remaining,
                })
                .collect(),
        }
    }
}

/// Chain facts the decoder needs, fetched by the caller.
#[derive(Debug, Clone)]
pub struct DecodeContext {
    /// The safe the calls are made from.
    pub safe: Address,
    /// The chain id.
    pub chain_id: u64,
    /// The native coin's symbol ("ETH").
    pub native_symbol: String,
    /// Known tokens: every target or capped asset the caller could read `symbol()`/`decimals()` of.
    pub tokens: HashMap<Address, TokenInfo>,
    /// The safe's configuration; without it, cap and loosening checks that need it are skipped.
    pub config: Option<SafeConfig>,
    /// Addresses with no code, no nonce and no balance: likely typos or unused keys.
    pub fresh_addresses: HashSet<Address>,
    /// Function signatures the proposal file records (`--call` text), by selector, for calls
    /// the decoder does not know otherwise.
    pub functions: HashMap<[u8; 4], alloy::json_abi::Function>,
    /// The safe's balance of each asset the caller read (native coin and tokens).
    pub balances: HashMap<Address, U256>,
    /// Call policies of capped tokens (quarantine, extra function); a capped token missing here is
    /// taken to have neither.
    pub call_policies: HashMap<Address, CallPolicy>,
    /// The chain's time now (Unix seconds), to tell whether an extra function is in force yet.
    pub now: Option<u64>,
    /// Whether the safe is in the Evacuated state (SPEC §3.7); `None` when not read.
    pub evacuated: Option<bool>,
}

impl DecodeContext {
    /// A context with no tokens, no configuration and no fresh addresses; native symbol "ETH".
    pub fn new(safe: Address, chain_id: u64) -> Self {
        Self {
            safe,
            chain_id,
            native_symbol: "ETH".to_owned(),
            tokens: HashMap::new(),
            config: None,
            fresh_addresses: HashSet::new(),
            functions: HashMap::new(),
            balances: HashMap::new(),
            call_policies: HashMap::new(),
            now: None,
            evacuated: None,
        }
    }

    /// Why the contract refuses a call with `selector` (0 for calldata shorter than 4 bytes) to
    /// `token` before the batch runs (`_inspect`), or `None` when it lets it through (or the token is
    /// not capped, or the configuration is unknown).
    pub fn refusal(&self, token: Address, selector: [u8; 4]) -> Option<String> {
        if self.is_capped(token) != Some(true) {
            return None;
        }
        let policy = self.call_policies.get(&token);
        if policy.is_some_and(|p| p.quarantined) {
            return Some(
                "the owners quarantined this capped token, so the contract refuses any call to it (AssetQuarantined)"
                    .to_owned(),
            );
        }
        if MEASURED_ON_CAPPED.contains(&selector) {
            return None;
        }
        let what = if selector == [0; 4] {
            "a call without a function selector (to its receive or fallback)".to_owned()
        } else {
            format!("function 0x{}", alloy::hex::encode(selector))
        };
        match policy.and_then(|p| p.extra_selector) {
            Some((allowed, from)) if allowed == selector => match self.now {
                Some(now) if now < from => Some(format!(
                    "the owners allowed {what} on this capped token only from {}, so until then the contract refuses it (UnmeasurableCall)",
                    crate::units::format_utc(from)
                )),
                _ => None,
            },
            _ => Some(format!(
                "{what} is not one whose effect the safe measures on a capped token (transfer, transferFrom, approve, increaseAllowance, increaseApproval, decreaseAllowance, or the one function the owners allowed with allowSelector), so the contract refuses it (UnmeasurableCall)"
            )),
        }
    }

    /// Adds the function signatures a proposal file records.
    pub fn add_functions(&mut self, texts: &[String]) {
        for text in texts {
            if let Ok(f) = alloy::json_abi::Function::parse(text) {
                self.functions.insert(f.selector().0, f);
            }
        }
    }

    /// Decodes calldata with a signature the proposal file records, if one matches.
    fn decode_with_recorded(
        &self,
        data: &[u8],
    ) -> Option<(&alloy::json_abi::Function, Vec<(String, String)>)> {
        use alloy::dyn_abi::JsonAbiExt;
        let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
        let function = self.functions.get(&selector)?;
        let values = function.abi_decode_input(&data[4..]).ok()?;
        let args = function
            .inputs
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (p, v))| {
                let name = if p.name.is_empty() { format!("arg{i}") } else { p.name.clone() };
                (name, render_value(&v))
            })
            .collect();
        Some((function, args))
    }

    fn cap(&self, asset: Address) -> Option<&CapInfo> {
        self.config.as_ref()?.caps.iter().find(|c| c.asset == asset)
    }

    /// `Some(true)` if capped, `Some(false)` if not, `None` without a configuration.
    fn is_capped(&self, asset: Address) -> Option<bool> {
        self.config.as_ref().map(|c| c.caps.iter().any(|cap| cap.asset == asset))
    }

    /// An amount of `asset` for people: "250,000 USDC (250000000000 base units)".
    pub fn amount_display(&self, asset: Address, amount: U256) -> String {
        if asset == NATIVE_ASSET {
            return format!("{} ({amount} wei)", format_native_with(amount, &self.native_symbol));
        }
        match self.tokens.get(&asset) {
            Some(t) if amount == U256::MAX => format!("unlimited {} (type(uint256).max)", t.symbol),
            Some(t) => format!(
                "{} {} ({amount} base units)",
                group_thousands(&format_units(amount, t.decimals)),
                t.symbol
            ),
            None if amount == U256::MAX => {
                format!("unlimited (type(uint256).max) of token {asset}")
            }
            None => format!("{amount} base units of token {asset} (decimals unknown)"),
        }
    }

    /// A short label for a known address: "this safe", "owner", "guardian", a token symbol.
    pub fn label(&self, address: Address) -> Option<String> {
        if address == self.safe {
            return Some("this safe".to_owned());
        }
        if let Some(t) = self.tokens.get(&address) {
            return Some(format!("token {}", t.symbol));
        }
        let config = self.config.as_ref()?;
        if config.owners.contains(&address) {
            return Some("owner".to_owned());
        }
        if config.guardians.contains(&address) {
            return Some("guardian".to_owned());
        }
        None
    }

    fn addr(&self, address: Address) -> String {
        match self.label(address) {
            Some(label) => format!("{address} ({label})"),
            None => address.to_string(),
        }
    }
}

/// The name of a function the owners may allow on a capped token (`allowSelector`): one the
/// proposal file names, or a common one (WETH's `withdraw` and `deposit`, `multicall`, `permit`).
fn known_extra_function(selector: [u8; 4], ctx: &DecodeContext) -> Option<String> {
    if selector == [0; 4] {
        return Some("receive/fallback".to_owned());
    }
    if let Some(f) = ctx.functions.get(&selector) {
        return Some(f.signature());
    }
    const COMMON: [([u8; 4], &str); 4] = [
        ([0x2e, 0x1a, 0x7d, 0x4d], "withdraw(uint256)"),
        ([0xd0, 0xe3, 0x0d, 0xb0], "deposit()"),
        (
            [0xac, 0x96, 0x50, 0xd8],
            "multicall(bytes[]): can grant allowances the safe does not count",
        ),
        ([0xd5, 0x05, 0xac, 0xcf], "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
    ];
    COMMON.iter().find(|(s, _)| *s == selector).map(|(_, name)| (*name).to_owned())
}

/// What a warning is about; stable names for `--json` and for `watch` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// A configuration change that loosens the safe (waits the full delay).
    Loosens,
    /// Moves or approves an asset that has no cap: nothing limits it.
    UncappedAsset,
    /// A recipient or spender with no code, no nonce and no balance.
    FreshAddress,
    /// The batch moves more of a capped asset than its cap has left now.
    ExceedsCapRemaining,
    /// A call from the safe to itself with value.
    SelfCallWithValue,
    /// A call to a capped token whose function the CLI does not know.
    UnknownSelectorToCappedToken,
    /// An operator or approval-for-all grant (refused by the contract on capped tokens).
    DelegatesOrApprovesAll,
    /// The call will revert when executed (malformed calldata, a function the safe cannot call on
    /// itself, a loosening change in a fast-tracked batch).
    WillRevert,
    /// The batch moves more of an asset than the safe holds now.
    ExceedsBalance,
}

/// A warning for the signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The call it concerns (index in the batch), if it concerns one.
    pub call: Option<usize>,
    /// One sentence for people.
    pub message: String,
}

/// One decoded argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodedArg {
    /// The parameter name.
    pub name: String,
    /// The value for people.
    pub value: String,
}

/// One call, decoded for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedCall {
    /// Position in the batch (0-based).
    pub index: usize,
    /// The called address.
    pub target: Address,
    /// What the target is, if known ("this safe", "token USDC", "owner").
    pub target_label: Option<String>,
    /// Wei sent, as a decimal string.
    pub value: String,
    /// Wei sent, for people: "1.5 ETH".
    pub value_display: String,
    /// The function signature, if the selector is known: "transfer(address,uint256)".
    pub function: Option<String>,
    /// Decoded arguments.
    pub args: Vec<DecodedArg>,
    /// One line: "transfer 250,000 USDC (250000000000 base units) to 0x…".
    pub summary: String,
    /// The calldata.
    pub raw_data: Bytes,
    /// Warnings about this call.
    pub warnings: Vec<Warning>,
}

/// Estimated outflow of one asset across the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outflow {
    /// The asset ([`NATIVE_ASSET`] for the native coin).
    pub asset: Address,
    /// Sum of value sent, tokens transferred out and allowances granted, in base units.
    #[serde(serialize_with = "crate::units::decimal::serialize")]
    pub amount: U256,
    /// The amount for people.
    pub display: String,
    /// The cap's remaining amount now, if the asset is capped (and the configuration known).
    #[serde(serialize_with = "crate::units::decimal::option::serialize")]
    pub cap_remaining: Option<U256>,
    /// The same, for people.
    pub cap_remaining_display: Option<String>,
}

/// A whole batch, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedBatch {
    /// Each call.
    pub calls: Vec<DecodedCall>,
    /// Warnings about the batch as a whole (each call's own are in [`DecodedCall::warnings`]).
    pub warnings: Vec<Warning>,
    /// Estimated outflow per asset (value sent, transfers out and allowances granted).
    pub outflows: Vec<Outflow>,
    /// Queued with no delay: only value-less self-calls to fast-track functions (the contract's
    /// `_classify`).
    pub fast_track: bool,
    /// May be queued while frozen: only value-less `unfreeze`/`cancel` self-calls.
    pub freeze_exempt: bool,
    /// Guardians cannot cancel it: only guardian additions and removals, at least one removal.
    pub guardian_protected: bool,
}

impl DecodedBatch {
    /// Every warning: the batch's, then each call's in order.
    pub fn all_warnings(&self) -> impl Iterator<Item = &Warning> {
        self.warnings.iter().chain(self.calls.iter().flat_map(|c| c.warnings.iter()))
    }
}

/// What the contract's `_classify` returns for a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// See [`DecodedBatch::fast_track`].
    pub fast_track: bool,
    /// See [`DecodedBatch::freeze_exempt`].
    pub freeze_exempt: bool,
    /// See [`DecodedBatch::guardian_protected`].
    pub guardian_protected: bool,
}

fn is_fast_track_selector(s: [u8; 4]) -> bool {
    [
        ITreasurySafe::removeOwnerCall::SELECTOR,
        ITreasurySafe::changeThresholdCall::SELECTOR,
        ITreasurySafe::addGuardianCall::SELECTOR,
        ITreasurySafe::setCapCall::SELECTOR,
        ITreasurySafe::setDelayCall::SELECTOR,
        ITreasurySafe::setGraceCall::SELECTOR,
        ITreasurySafe::setFreezeDurationCall::SELECTOR,
        ITreasurySafe::freezeCall::SELECTOR,
        ITreasurySafe::rearmGuardiansCall::SELECTOR,
        ITreasurySafe::unfreezeCall::SELECTOR,
        ITreasurySafe::cancelCall::SELECTOR,
        ITreasurySafe::useBackupRecoveryCall::SELECTOR,
        ITreasurySafe::cancelRecoveryChangeCall::SELECTOR,
        ITreasurySafe::addEvacuationAssetCall::SELECTOR,
        ITreasurySafe::quarantineCall::SELECTOR,
        ITreasurySafe::disallowSelectorCall::SELECTOR,
    ]
    .contains(&s)
}

/// Whether a fast-track self-call tightens the safe as configured now: the contract's
/// `_tightensNow`, word for word. Without a configuration, value-dependent setters are assumed
/// to tighten (an upper bound: the contract may then refuse to fast-track).
fn tightens_now(selector: [u8; 4], data: &[u8], config: Option<&SafeConfig>) -> bool {
    if !is_fast_track_selector(selector) {
        return false;
    }
    let word = |range: std::ops::Range<usize>| U256::from_be_slice(&data[range]);
    if selector == ITreasurySafe::changeThresholdCall::SELECTOR
        || selector == ITreasurySafe::removeOwnerCall::SELECTOR
    {
        // The threshold is the last word of both argument lists.
        if data.len() < 36 {
            return false;
        }
        return config.is_none_or(|c| word(data.len() - 32..data.len()) >= c.threshold);
    }
    if selector == ITreasurySafe::setDelayCall::SELECTOR
        || selector == ITreasurySafe::setGraceCall::SELECTOR
        || selector == ITreasurySafe::setFreezeDurationCall::SELECTOR
    {
        if data.len() < 36 {
            return false;
        }
        let value = word(4..36);
        return config.is_none_or(|c| {
            if selector == ITreasurySafe::setDelayCall::SELECTOR {
                value >= U256::from(c.delay)
            } else if selector == ITreasurySafe::setGraceCall::SELECTOR {
                value <= U256::from(c.grace)
            } else {
                value >= U256::from(c.freeze_duration)
            }
        });
    }
    if selector == ITreasurySafe::setCapCall::SELECTOR {
        if data.len() < 100 {
            return false;
        }
        // `abi.decode(data[4:100], (address, uint256, uint256))`: a dirty address word reverts
        // the whole `queue`, so it is never fast-tracked.
        let asset_word = word(4..36);
        if asset_word >> 160 != U256::ZERO {
            return false;
        }
        let asset = Address::from_slice(&data[16..36]);
        let (limit, period) = (word(36..68), word(68..100));
        return config.is_none_or(|c| match c.caps.iter().find(|cap| cap.asset == asset) {
            None => true,
            // Any new period is a loosening (F-9): only a lower-or-equal limit over the same period tightens.
            Some(cap) => limit <= cap.limit && period == U256::from(cap.period),
        });
    }
    true
}

/// The contract's `_classify`, exactly: every flag needs every call to be a value-less self-call
/// with at least 4 bytes of data; fast track also needs every call to tighten the safe as
/// configured now (`config`; see [`DecodeContext::config`]).
pub fn classify(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> Classification {
    let none =
        Classification { fast_track: false, freeze_exempt: false, guardian_protected: false };
    let mut fast_track = true;
    let mut freeze_exempt = true;
    let mut only_remedy = true;
    let mut remedy = false;
    for c in calls {
        if c.target != safe || !c.value.is_zero() || c.data.len() < 4 {
            return none;
        }
        let selector = [c.data[0], c.data[1], c.data[2], c.data[3]];
        fast_track = fast_track && tightens_now(selector, &c.data, config);
        freeze_exempt = freeze_exempt
            && (selector == ITreasurySafe::unfreezeCall::SELECTOR
                || selector == ITreasurySafe::cancelCall::SELECTOR);
        if selector == ITreasurySafe::removeGuardianCall::SELECTOR
            || selector == ITreasurySafe::reopenCall::SELECTOR
            || selector == ITreasurySafe::unfreezeCall::SELECTOR
            || selector == ITreasurySafe::cancelCall::SELECTOR
        {
            remedy = true;
        } else if selector != ITreasurySafe::addGuardianCall::SELECTOR {
            only_remedy = false;
        }
    }
    Classification {
        fast_track,
        freeze_exempt,
        // Guardians can neither cancel nor void (by evacuating) their own removal, the owners'
        // unfreeze, cancels or reopen (F-5, SPEC §3.7).
        guardian_protected: only_remedy && remedy,
    }
}

/// Whether an evacuated safe lets this batch be queued (mirrors TreasurySafeLens.classify's
/// `allowedWhileEvacuated`): value-less self-calls that each tighten now, or reopen, removeGuardian
/// or setRecovery.
pub fn allowed_while_evacuated(
    safe: Address,
    calls: &[ITreasurySafe::Call],
    config: Option<&SafeConfig>,
) -> bool {
    calls.iter().all(|c| {
        if c.target != safe || !c.value.is_zero() || c.data.len() < 4 {
            return false;
        }
        let selector = [c.data[0], c.data[1], c.data[2], c.data[3]];
        tightens_now(selector, &c.data, config)
            || selector == ITreasurySafe::reopenCall::SELECTOR
            || selector == ITreasurySafe::removeGuardianCall::SELECTOR
            || selector == ITreasurySafe::setRecoveryCall::SELECTOR
    })
}

/// The configuration as it evolves through a batch, to judge each setter as the contract will.
#[derive(Debug, Clone)]
struct ConfigState {
    threshold: U256,
    delay: u32,
    grace: u32,
    freeze_duration: u32,
    /// asset → (limit, period)
    caps: BTreeMap<Address, (U256, u32)>,
}

impl ConfigState {
    fn from_context(ctx: &DecodeContext) -> Option<Self> {
        let c = ctx.config.as_ref()?;
        Some(Self {
            threshold: c.threshold,
            delay: c.delay,
            grace: c.grace,
            freeze_duration: c.freeze_duration,
            caps: c.caps.iter().map(|cap| (cap.asset, (cap.limit, cap.period))).collect(),
        })
    }
}

/// Per-call decoding state shared across a batch.
struct Decoder<'a> {
    ctx: &'a DecodeContext,
    state: Option<ConfigState>,
    fast_track: bool,
    /// Estimated outflow per asset.
    outflow: BTreeMap<Address, U256>,
}

/// Decodes one call on its own (no batch context: outflow totals and fast-track checks are
/// [`decode_batch`]'s).
pub fn decode_call(index: usize, call: &ITreasurySafe::Call, ctx: &DecodeContext) -> DecodedCall {
    let mut d = Decoder {
        ctx,
        state: ConfigState::from_context(ctx),
        fast_track: false,
        outflow: BTreeMap::new(),
    };
    d.decode(index, call)
}

/// Decodes a batch: every call, the estimated outflow per asset against the caps, and the
/// contract's classification.
pub fn decode_batch(calls: &[ITreasurySafe::Call], ctx: &DecodeContext) -> DecodedBatch {
    let class = classify(ctx.safe, calls, ctx.config.as_ref());
    let mut d = Decoder {
        ctx,
        state: ConfigState::from_context(ctx),
        fast_track: class.fast_track,
        outflow: BTreeMap::new(),
    };
    let decoded: Vec<DecodedCall> = calls.iter().enumerate().map(|(i, c)| d.decode(i, c)).collect();

    let mut warnings = Vec::new();
    if ctx.evacuated == Some(true) && !allowed_while_evacuated(ctx.safe, calls, ctx.config.as_ref())
    {
        warnings.push(Warning {
            kind: WarningKind::WillRevert,
            call: None,
            message: "the safe is evacuated: queue refuses this batch (NotAllowedWhileEvacuated) until the owners reopen it; only reopen, cancel, unfreeze, rearm, guardian changes, recovery-address changes and value-less tightenings may be queued now".to_owned(),
        });
    }
    let mut outflows = Vec::new();
    for (&asset, &amount) in &d.outflow {
        let cap_remaining = ctx.cap(asset).map(|c| c.remaining);
        if let Some(cap) = ctx.cap(asset)
            && amount > cap.limit
        {
            warnings.push(Warning {
                kind: WarningKind::ExceedsCapRemaining,
                call: None,
                message: format!(
                    "the batch moves {} but the cap allows only {} per {}: it can never execute as it is; split it over several periods, or raise the cap first (a loosening, which waits the delay)",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, cap.limit),
                    format_duration(u64::from(cap.period))
                ),
            });
        } else if let Some(remaining) = cap_remaining
            && amount > remaining
        {
            warnings.push(Warning {
                kind: WarningKind::ExceedsCapRemaining,
                call: None,
                message: format!(
                    "the batch moves {} but the cap has {} left now: execute will revert with CapExceeded unless the cap refills first",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, remaining)
                ),
            });
        }
        if let Some(&balance) = ctx.balances.get(&asset)
            && amount > balance
        {
            let decimals_hint = match ctx.tokens.get(&asset) {
                Some(t) => format!(
                    " (token amounts are in {} units: `--amount 1` is one {}, `--amount 1e18` is 10^18 of them)",
                    t.symbol, t.symbol
                ),
                None => String::new(),
            };
            warnings.push(Warning {
                kind: WarningKind::ExceedsBalance,
                call: None,
                message: format!(
                    "the batch moves {} but the safe holds {} now: it runs only once the safe is funded{decimals_hint}",
                    ctx.amount_display(asset, amount),
                    ctx.amount_display(asset, balance)
                ),
            });
        }
        outflows.push(Outflow {
            asset,
            amount,
            display: ctx.amount_display(asset, amount),
            cap_remaining,
            cap_remaining_display: cap_remaining.map(|r| ctx.amount_display(asset, r)),
        });
    }
    DecodedBatch {
        calls: decoded,
        warnings,
        outflows,
        fast_track: class.fast_track,
        freeze_exempt: class.freeze_exempt,
        guardian_protected: class.guardian_protected,
    }
}

/// Builds a [`DecodedCall`] step by step.
struct Out {
    function: Option<String>,
    args: Vec<DecodedArg>,
    summary: String,
    warnings: Vec<Warning>,
    index: usize,
}

impl Out {
    fn arg(&mut self, name: &str, value: impl Into<String>) {
        self.args.push(DecodedArg { name: name.to_owned(), value: value.into() });
    }

    fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning { kind, call: Some(self.index), message: message.into() });
    }
}

impl Decoder<'_> {
    fn decode(&mut self, index: usize, call: &ITreasurySafe::Call) -> DecodedCall {
        let ctx = self.ctx;
        let mut out = Out {
            function: None,
            args: Vec::new(),
            summary: String::new(),
            warnings: Vec::new(),
            index,
        };
        let is_self = call.target == ctx.safe;

        if is_self && !call.value.is_zero() {
            let detail = if call.data.is_empty() {
                "it only moves the coin from the safe to itself"
            } else {
                "the safe's functions are not payable, so the call will revert"
            };
            out.warn(
                WarningKind::SelfCallWithValue,
                format!(
                    "call #{index} sends {} from the safe to itself: {detail}",
                    format_native_with(call.value, &ctx.native_symbol)
                ),
            );
        }
        if !is_self && !call.value.is_zero() {
            self.add_outflow(NATIVE_ASSET, call.value);
            self.check_uncapped(&mut out, NATIVE_ASSET, "sends");
            if ctx.fresh_addresses.contains(&call.target) {
                out.warn(
                    WarningKind::FreshAddress,
                    format!(
                        "call #{index} sends {} to {}, which has no code, no transactions and no balance: check it is not a typo",
                        format_native_with(call.value, &ctx.native_symbol),
                        call.target
                    ),
                );
            }
        }

        if is_self {
            self.decode_self(&mut out, call);
        } else {
            self.decode_external(&mut out, call);
        }

        DecodedCall {
            index,
            target: call.target,
            target_label: ctx.label(call.target),
            value: call.value.to_string(),
            value_display: format_native_with(call.value, &ctx.native_symbol),
            function: out.function,
            args: out.args,
            summary: out.summary,
            raw_data: call.data.clone(),
            warnings: out.warnings,
        }
    }

    fn add_outflow(&mut self, asset: Address, amount: U256) {
        let total = self.outflow.entry(asset).or_default();
        *total = total.saturating_add(amount);
    }

    fn check_uncapped(&self, out: &mut Out, asset: Address, verb: &str) {
        if self.ctx.is_capped(asset) == Some(false) {
            let what = if asset == NATIVE_ASSET {
                self.ctx.native_symbol.clone()
            } else {
                match self.ctx.tokens.get(&asset) {
                    Some(t) => format!("{} ({asset})", t.symbol),
                    None => format!("token {asset}"),
                }
            };
            out.warn(
                WarningKind::UncappedAsset,
                format!(
                    "call #{} {verb} {what}, which has no cap: nothing limits how much of it leaves the safe",
                    out.index
                ),
            );
        }
    }

    fn check_fresh(&self, out: &mut Out, who: Address, role: &str) {
        if self.ctx.fresh_addresses.contains(&who) {
            out.warn(
                WarningKind::FreshAddress,
                format!(
                    "the {role} {who} of call #{} has no code, no transactions and no balance: check it is not a typo",
                    out.index
                ),
            );
        }
    }

    fn decode_external(&mut self, out: &mut Out, call: &ITreasurySafe::Call) {
        let ctx = self.ctx;
        let token = call.target;
        let target = ctx.addr(token);
        // Calldata shorter than a selector reaches receive or fallback: selector 0, as the contract.
        let selector: [u8; 4] =
            call.data.get(..4).and_then(|s| s.try_into().ok()).unwrap_or([0; 4]);
        let refusal = ctx.refusal(token, selector);
        let refused = refusal.is_some();
        let quarantined = ctx.call_policies.get(&token).is_some_and(|p| p.quarantined);
        // Operator and call-the-spender grants explain their refusal in their own warning.
        let explained = !quarantined
            && [
                IToken::authorizeOperatorCall::SELECTOR,
                IToken::setApprovalForAllCall::SELECTOR,
                IToken::approveAndCall_0Call::SELECTOR,
                IToken::approveAndCall_1Call::SELECTOR,
                IToken::increaseApprovalAndCallCall::SELECTOR,
            ]
            .contains(&selector);
        if let Some(why) = &refusal
            && !explained
        {
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} calls capped token {target}: {why}; execute will revert",
                    out.index
                ),
            );
        }
        if call.data.is_empty() {
            out.summary = if call.value.is_zero() {
                format!("empty call to {target} (sends nothing, does nothing)")
            } else {
                format!("send {} to {target}", ctx.amount_display(NATIVE_ASSET, call.value))
            };
            return;
        }
        let with_value = if call.value.is_zero() {
            String::new()
        } else {
            format!(", sending {}", ctx.amount_display(NATIVE_ASSET, call.value))
        };
        let capped = ctx.is_capped(token) == Some(true);
        let decoded = ITokenCalls::abi_decode_validate(&call.data);
        let Ok(decoded) = decoded else {
            let shown = selector_hex(&call.data);
            let known = call.data.len() >= 4
                && ITokenCalls::valid_selector([
                    call.data[0],
                    call.data[1],
                    call.data[2],
                    call.data[3],
                ]);
            if known {
                out.function = ITokenCalls::signature_by_selector([
                    call.data[0],
                    call.data[1],
                    call.data[2],
                    call.data[3],
                ])
                .map(str::to_owned);
                out.warn(
                    WarningKind::WillRevert,
                    format!(
                        "call #{} has malformed arguments for {}: the token will most likely revert",
                        out.index,
                        out.function.as_deref().unwrap_or("?")
                    ),
                );
            } else if capped && !refused {
                // The one extra function the owners allowed: measured by balance, nothing more.
                out.warn(
                    WarningKind::UnknownSelectorToCappedToken,
                    format!(
                        "call #{} calls capped token {target} with {shown}, the extra function the owners allowed on it: its balance outflow counts against the cap, but an allowance it grants does not; check what it does",
                        out.index
                    ),
                );
            }
            if let Some((function, args)) = ctx.decode_with_recorded(&call.data) {
                out.summary = format!(
                    "call {target}.{}({}){with_value} (as the proposal file names it)",
                    function.name,
                    args.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(", ")
                );
                out.function = Some(function.signature());
                for (name, value) in args {
                    out.arg(&name, value);
                }
                return;
            }
            out.summary = format!(
                "call {target} with selector {shown} and {} bytes of data{with_value}",
                call.data.len()
            );
            return;
        };
        out.function = Some(signature_of(&decoded).to_owned());
        let amount = |a: U256| ctx.amount_display(token, a);
        match decoded {
            ITokenCalls::transfer(c) => {
                out.arg("to", ctx.addr(c.to));
                out.arg("amount", amount(c.amount));
                out.summary =
                    format!("transfer {} to {}{with_value}", amount(c.amount), ctx.addr(c.to));
                if c.to != ctx.safe {
                    self.add_outflow(token, c.amount);
                }
                self.check_uncapped(out, token, "transfers");
                self.check_fresh(out, c.to, "recipient");
            }
            ITokenCalls::transferFrom(c) => {
                out.arg("from", ctx.addr(c.from));
                out.arg("to", ctx.addr(c.to));
                out.arg("amount", amount(c.amount));
                out.summary = format!(
                    "transfer {} from {} to {}{with_value}",
                    amount(c.amount),
                    ctx.addr(c.from),
                    ctx.addr(c.to)
                );
                if c.from == ctx.safe && c.to != ctx.safe {
                    self.add_outflow(token, c.amount);
                    self.check_uncapped(out, token, "transfers");
                }
                self.check_fresh(out, c.to, "recipient");
            }
            ITokenCalls::approve(c) => {
                self.allowance(out, token, c.spender, c.amount, "approve", "to spend");
            }
            ITokenCalls::increaseAllowance(c) => {
                self.allowance(out, token, c.spender, c.addedValue, "increase allowance of", "by");
            }
            ITokenCalls::increaseApproval(c) => {
                self.allowance(out, token, c.spender, c.addedValue, "increase approval of", "by");
            }
            ITokenCalls::decreaseAllowance(c) => {
                out.arg("spender", ctx.addr(c.spender));
                out.arg("subtractedValue", amount(c.subtractedValue));
                out.summary = format!(
                    "decrease allowance of {} by {}{with_value}",
                    ctx.addr(c.spender),
                    amount(c.subtractedValue)
                );
            }
            ITokenCalls::decreaseApproval(c) => {
                out.arg("spender", ctx.addr(c.spender));
                out.arg("subtractedValue", amount(c.subtractedValue));
                out.summary = format!(
                    "decrease approval of {} by {}{with_value}",
                    ctx.addr(c.spender),
                    amount(c.subtractedValue)
                );
            }
            ITokenCalls::authorizeOperator(c) => {
                out.arg("operator", ctx.addr(c.operator));
                out.summary = format!(
                    "authorize {} as operator of all of the safe's {target}{with_value}",
                    ctx.addr(c.operator)
                );
                self.approves_all(out, &target, refused);
                self.check_fresh(out, c.operator, "operator");
            }
            ITokenCalls::setApprovalForAll(c) => {
                out.arg("operator", ctx.addr(c.operator));
                out.arg("approved", c.approved.to_string());
                if c.approved {
                    out.summary = format!(
                        "approve {} for all of the safe's {target}{with_value}",
                        ctx.addr(c.operator)
                    );
                    self.check_fresh(out, c.operator, "operator");
                } else {
                    out.summary = format!(
                        "revoke approval-for-all of {} on {target}{with_value}",
                        ctx.addr(c.operator)
                    );
                }
                // The contract refuses the selector on capped tokens whatever the flag.
                if c.approved || refused {
                    self.approves_all(out, &target, refused);
                }
            }
            ITokenCalls::approveAndCall_0(c) => {
                self.grant_and_call(out, token, c.spender, c.amount, None, refused);
            }
            ITokenCalls::approveAndCall_1(c) => {
                self.grant_and_call(out, token, c.spender, c.amount, Some(&c.data), refused);
            }
            ITokenCalls::increaseApprovalAndCall(c) => {
                self.grant_and_call(out, token, c.spender, c.addedValue, Some(&c.data), refused);
            }
        }
    }

    /// ERC-1363/ERC-827 grants that call the spender: refused by the contract on capped tokens
    /// (`refused`), unless the owners allowed that function on the token.
    fn grant_and_call(
        &mut self,
        out: &mut Out,
        token: Address,
        spender: Address,
        value: U256,
        data: Option<&Bytes>,
        refused: bool,
    ) {
        let ctx = self.ctx;
        out.arg("spender", ctx.addr(spender));
        out.arg("amount", ctx.amount_display(token, value));
        if let Some(data) = data {
            out.arg("data", data.to_string());
        }
        out.summary = format!(
            "approve {} for {} of the safe's {} and call the spender",
            ctx.addr(spender),
            ctx.amount_display(token, value),
            ctx.addr(token)
        );
        if refused {
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} grants an allowance that calls the spender on a capped token: the contract refuses it (UnmeasurableCall) and execute will revert; use approve and a separate call",
                    out.index
                ),
            );
        } else {
            self.add_outflow(token, value);
            self.check_uncapped(out, token, "grants an allowance on");
        }
        self.check_fresh(out, spender, "spender");
    }

    fn allowance(
        &mut self,
        out: &mut Out,
        token: Address,
        spender: Address,
        value: U256,
        verb: &str,
        link: &str,
    ) {
        let ctx = self.ctx;
        let arg = if verb == "approve" { "amount" } else { "addedValue" };
        out.arg("spender", ctx.addr(spender));
        out.arg(arg, ctx.amount_display(token, value));
        out.summary = format!(
            "{verb} {} {link} {} of the safe's {}",
            ctx.addr(spender),
            ctx.amount_display(token, value),
            ctx.addr(token)
        );
        // An allowance the safe grants on a capped token counts in full against the cap.
        self.add_outflow(token, value);
        self.check_uncapped(out, token, "grants an allowance on");
        self.check_fresh(out, spender, "spender");
    }

    fn approves_all(&self, out: &mut Out, target: &str, refused: bool) {
        let message = if refused {
            format!(
                "call #{} grants control of every {target} the safe holds; {target} is capped, so the contract will refuse it (UnmeasurableCall) and execute will revert",
                out.index
            )
        } else {
            format!(
                "call #{} grants control of every {target} the safe holds, with no limit: {target} is not capped",
                out.index
            )
        };
        out.warn(WarningKind::DelegatesOrApprovesAll, message);
    }

    /// Flags a loosening change made by a setter that refuses to loosen in a fast-tracked batch.
    fn loosens(&self, out: &mut Out, what: String) {
        out.warn(WarningKind::Loosens, format!("call #{} loosens the safe: {what}", out.index));
        // The batch was fast-tracked because every call tightens the configuration as it is
        // now; an earlier call of the batch made this one loosen by the time it runs.
        if self.fast_track {
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} tightens the safe as it is now, so the batch is fast-tracked (no delay), but an earlier call of the batch makes it loosen when it runs: execute will revert with LooseningNeedsDelay; reorder or split the batch",
                    out.index
                ),
            );
        }
    }

    fn decode_self(&mut self, out: &mut Out, call: &ITreasurySafe::Call) {
        let ctx = self.ctx;
        if call.data.is_empty() {
            out.summary = format!(
                "send {} from the safe to itself",
                ctx.amount_display(NATIVE_ASSET, call.value)
            );
            return;
        }
        let Ok(decoded) = ITreasurySafeCalls::abi_decode_validate(&call.data) else {
            let selector = selector_hex(&call.data);
            let known = call.data.len() >= 4
                && ITreasurySafeCalls::valid_selector([
                    call.data[0],
                    call.data[1],
                    call.data[2],
                    call.data[3],
                ]);
            let why = if known {
                "malformed arguments"
            } else {
                "no function of the safe has this selector"
            };
            out.warn(
                WarningKind::WillRevert,
                format!(
                    "call #{} calls the safe itself with {selector}: {why}, so execute will revert",
                    out.index
                ),
            );
            out.summary = format!("call this safe with selector {selector} ({why})");
            return;
        };
        out.function =
            ITreasurySafeCalls::signature_by_selector(decoded.selector()).map(str::to_owned);
        let mut state = self.state.take();
        let threshold_change = |state: &Option<ConfigState>, new: U256| -> Option<String> {
            let old = state.as_ref()?.threshold;
            (new < old).then(|| format!("lowers the threshold from {old} to {new}"))
        };
        match decoded {
            ITreasurySafeCalls::addOwner(c) => {
                out.arg("owner", ctx.addr(c.owner));
                out.arg("threshold", c.threshold.to_string());
                out.summary = format!("add owner {}, threshold {}", ctx.addr(c.owner), c.threshold);
                let mut what = format!("adds owner {}", c.owner);
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    what = format!("{what} and {lower}");
                }
                self.loosens(out, what);
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::removeOwner(c) => {
                out.arg("owner", ctx.addr(c.owner));
                out.arg("threshold", c.threshold.to_string());
                out.summary =
                    format!("remove owner {}, threshold {}", ctx.addr(c.owner), c.threshold);
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    self.loosens(out, format!("removes owner {} and {lower}", c.owner));
                }
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::swapOwner(c) => {
                out.arg("oldOwner", ctx.addr(c.oldOwner));
                out.arg("newOwner", ctx.addr(c.newOwner));
                out.summary =
                    format!("replace owner {} with {}", ctx.addr(c.oldOwner), ctx.addr(c.newOwner));
                self.loosens(out, format!("replaces owner {} with {}", c.oldOwner, c.newOwner));
            }
            ITreasurySafeCalls::changeThreshold(c) => {
                out.arg("threshold", c.threshold.to_string());
                out.summary = match state.as_ref() {
                    Some(s) => format!("change threshold from {} to {}", s.threshold, c.threshold),
                    None => format!("change threshold to {}", c.threshold),
                };
                if let Some(lower) = threshold_change(&state, c.threshold) {
                    self.loosens(out, lower);
                }
                if let Some(s) = state.as_mut() {
                    s.threshold = c.threshold;
                }
            }
            ITreasurySafeCalls::addGuardian(c) => {
                out.arg("guardian", ctx.addr(c.guardian));
                out.summary = format!("add guardian {}", ctx.addr(c.guardian));
                self.check_fresh(out, c.guardian, "new guardian");
            }
            ITreasurySafeCalls::removeGuardian(c) => {
                out.arg("guardian", ctx.addr(c.guardian));
                out.summary = format!("remove guardian {}", ctx.addr(c.guardian));
                self.loosens(out, format!("removes guardian {}", c.guardian));
            }
            ITreasurySafeCalls::setDelay(c) => {
                let new = c.delay;
                out.arg("delay", duration(new));
                out.summary = change_summary("delay", state.as_ref().map(|s| s.delay), new);
                if let Some(s) = state.as_mut() {
                    if new < s.delay {
                        self.loosens(
                            out,
                            format!(
                                "shortens the delay from {} to {}",
                                duration(s.delay),
                                duration(new)
                            ),
                        );
                    }
                    s.delay = new;
                }
            }
            ITreasurySafeCalls::setGrace(c) => {
                let new = c.grace;
                out.arg("grace", duration(new));
                out.summary = change_summary("grace period", state.as_ref().map(|s| s.grace), new);
                if let Some(s) = state.as_mut() {
                    if new > s.grace {
                        self.loosens(
                            out,
                            format!(
                                "lengthens the grace period from {} to {}",
                                duration(s.grace),
                                duration(new)
                            ),
                        );
                    }
                    s.grace = new;
                }
            }
            ITreasurySafeCalls::setFreezeDuration(c) => {
                let new = c.freezeDuration;
                out.arg("freezeDuration", duration(new));
                out.summary = change_summary(
                    "freeze duration",
                    state.as_ref().map(|s| s.freeze_duration),
                    new,
                );
                if let Some(s) = state.as_mut() {
                    if new < s.freeze_duration {
                        self.loosens(
                            out,
                            format!(
                                "shortens the freeze duration from {} to {}",
                                duration(s.freeze_duration),
                                duration(new)
                            ),
                        );
                    }
                    s.freeze_duration = new;
                }
            }
            ITreasurySafeCalls::setCap(c) => {
                let limit = U256::from(c.limit);
                // The contract's `_checkCap`: the native coin, or a contract that is not the safe.
                if c.asset == ctx.safe || ctx.fresh_addresses.contains(&c.asset) {
                    out.warn(
                        WarningKind::WillRevert,
                        format!(
                            "call #{} caps {}, which is the safe itself or an address without code: the contract refuses it (InvalidCap) and execute will revert",
                            out.index, c.asset
                        ),
                    );
                }
                out.arg("asset", ctx.addr(c.asset));
                out.arg("limit", ctx.amount_display(c.asset, limit));
                out.arg("period", duration(c.period));
                let new = format!(
                    "{} per {}",
                    ctx.amount_display(c.asset, limit),
                    format_duration(u64::from(c.period))
                );
                match state.as_mut() {
                    Some(s) => {
                        match s.caps.get(&c.asset).copied() {
                            Some((old_limit, old_period)) => {
                                let old = format!(
                                    "{} per {}",
                                    ctx.amount_display(c.asset, old_limit),
                                    format_duration(u64::from(old_period))
                                );
                                out.summary = format!(
                                    "change cap on {} from {old} to {new}",
                                    asset_name(ctx, c.asset)
                                );
                                let mut why = Vec::new();
                                if limit > old_limit {
                                    why.push("raises the limit");
                                }
                                if c.period < old_period {
                                    why.push("shortens the period");
                                } else if c.period > old_period {
                                    why.push("lengthens the period (the longer window starts counting afresh)");
                                }
                                if why.is_empty() {
                                    s.caps.insert(c.asset, (limit, c.period));
                                } else {
                                    // A loosening is only scheduled: the cap in force binds this
                                    // batch and every other until one more of its periods passes.
                                    self.loosens(
                                        out,
                                        format!(
                                            "{} of the cap on {} ({old} → {new}); once executed it takes effect {} later, the current cap binding until then",
                                            why.join(" and "),
                                            asset_name(ctx, c.asset),
                                            format_duration(u64::from(old_period))
                                        ),
                                    );
                                }
                            }
                            None => {
                                out.summary =
                                    format!("add cap on {}: {new}", asset_name(ctx, c.asset));
                                s.caps.insert(c.asset, (limit, c.period));
                            }
                        }
                    }
                    None => out.summary = format!("set cap on {}: {new}", asset_name(ctx, c.asset)),
                }
            }
            ITreasurySafeCalls::removeCap(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("remove the cap on {}", asset_name(ctx, c.asset));
                let when = match state.as_ref().and_then(|s| s.caps.get(&c.asset)) {
                    Some((_, period)) => format!(
                        "; once executed it takes effect {} later, the current cap binding until then",
                        format_duration(u64::from(*period))
                    ),
                    None => String::new(),
                };
                // Like every loosening of a cap, the removal is only scheduled: the batch state
                // keeps the cap.
                self.loosens(
                    out,
                    format!(
                        "removes the cap on {}: nothing will limit its outflow{when}",
                        asset_name(ctx, c.asset)
                    ),
                );
            }
            ITreasurySafeCalls::quarantine(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!(
                    "quarantine {} at once: its balance is no longer read, and until its cap's removal takes effect no batch may call it or any other contract (self-calls, plain sends and other capped tokens' transfers still run)",
                    asset_name(ctx, c.asset)
                );
            }
            ITreasurySafeCalls::allowSelector(c) => {
                let selector = match known_extra_function(c.selector.0, ctx) {
                    Some(name) => format!("0x{} ({name})", alloy::hex::encode(c.selector)),
                    None => format!("0x{}", alloy::hex::encode(c.selector)),
                };
                out.arg("asset", ctx.addr(c.asset));
                out.arg("selector", selector.clone());
                out.summary = format!(
                    "allow function {selector} on capped {} besides the measured ones",
                    asset_name(ctx, c.asset)
                );
                let when = match state.as_ref().and_then(|s| s.caps.get(&c.asset)) {
                    Some((_, period)) => format!(
                        "; once executed it takes effect {} later",
                        format_duration(u64::from(*period))
                    ),
                    None => String::new(),
                };
                self.loosens(
                    out,
                    format!(
                        "allows function {selector} on {}: the safe measures its balance outflow, not the allowances it may grant{when}",
                        asset_name(ctx, c.asset)
                    ),
                );
            }
            ITreasurySafeCalls::disallowSelector(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary =
                    format!("withdraw the extra function allowed on {}", asset_name(ctx, c.asset));
            }
            ITreasurySafeCalls::freeze(_) => {
                out.summary =
                    "freeze the safe (owners' freeze: does not use the guardians' shot)".to_owned();
            }
            ITreasurySafeCalls::unfreeze(_) => {
                out.summary = "end the freeze now".to_owned();
                // Fast-tracked on purpose (the owners' way out of a rogue freeze): never refused.
                out.warn(
                    WarningKind::Loosens,
                    format!("call #{} loosens the safe: ends the freeze early", out.index),
                );
            }
            ITreasurySafeCalls::rearmGuardians(_) => {
                out.summary = "re-arm the guardians' one-shot freeze".to_owned();
            }
            ITreasurySafeCalls::cancel(c) => {
                out.arg("id", c.id.to_string());
                out.summary = format!("cancel proposal {}", c.id);
            }
            ITreasurySafeCalls::setRecovery(c) => {
                out.arg("recovery", ctx.addr(c.recovery));
                out.summary = format!("schedule a new recovery address {}", ctx.addr(c.recovery));
                self.loosens(
                    out,
                    format!(
                        "changes where evacuations send everything to {}: once executed it is scheduled, in force after max(delay, 7 days, the longest cap period) and only once that address accepts on this chain; any guardian can cancel it until then. Check the address out of band: whoever holds it receives the whole treasury in an evacuation",
                        c.recovery
                    ),
                );
            }
            ITreasurySafeCalls::removeEvacuationAsset(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("remove {} from the evacuation list", ctx.addr(c.asset));
                self.loosens(out, format!("stops sweeping {} in an evacuation", c.asset));
            }
            ITreasurySafeCalls::addEvacuationAsset(c) => {
                out.arg("asset", ctx.addr(c.asset));
                out.summary = format!("add {} to the evacuation list", ctx.addr(c.asset));
            }
            ITreasurySafeCalls::useBackupRecovery(_) => {
                out.summary =
                    "switch to the backup recovery address committed at deployment (at once; drops any scheduled change)"
                        .to_owned();
            }
            ITreasurySafeCalls::cancelRecoveryChange(_) => {
                out.summary = "cancel the scheduled recovery-address change".to_owned();
            }
            ITreasurySafeCalls::reopen(_) => {
                out.summary = "reopen the evacuated safe (after one more sweep)".to_owned();
                out.warn(
                    WarningKind::Loosens,
                    format!(
                        "call #{} ends the evacuation: the safe can spend again, and what arrives after the last sweep is no longer swept; guardians cannot cancel it (a rogue guardian must not block the owners' remedy)",
                        out.index
                    ),
                );
            }
            ITreasurySafeCalls::approve(_)
            | ITreasurySafeCalls::propose(_)
            | ITreasurySafeCalls::evacuate(_)
            | ITreasurySafeCalls::evacuateBySig(_)
            | ITreasurySafeCalls::queue(_)
            | ITreasurySafeCalls::execute(_)
            | ITreasurySafeCalls::initialize(_) => {
                let name = out.function.clone().unwrap_or_default();
                out.summary = format!("call this safe's {name}");
                out.warn(
                    WarningKind::WillRevert,
                    format!(
                        "call #{} makes the safe call its own {name}, which it is not allowed to: execute will revert",
                        out.index
                    ),
                );
            }
            other => {
                // Views: harmless, shown by name.
                let name = out.function.clone().unwrap_or_default();
                out.arg("call", format!("{other:?}"));
                out.summary = format!("call this safe's view {name} (changes nothing)");
            }
        }
        self.state = state;
    }
}

fn selector_hex(data: &[u8]) -> String {
    if data.len() < 4 {
        return format!("0x{} (shorter than a selector)", alloy::hex::encode(data));
    }
    format!("0x{}", alloy::hex::encode(&data[..4]))
}

fn signature_of(c: &ITokenCalls) -> &'static str {
    match c {
        ITokenCalls::transfer(_) => IToken::transferCall::SIGNATURE,
        ITokenCalls::transferFrom(_) => IToken::transferFromCall::SIGNATURE,
        ITokenCalls::approve(_) => IToken::approveCall::SIGNATURE,
        ITokenCalls::increaseAllowance(_) => IToken::increaseAllowanceCall::SIGNATURE,
        ITokenCalls::decreaseAllowance(_) => IToken::decreaseAllowanceCall::SIGNATURE,
        ITokenCalls::increaseApproval(_) => IToken::increaseApprovalCall::SIGNATURE,
        ITokenCalls::decreaseApproval(_) => IToken::decreaseApprovalCall::SIGNATURE,
        ITokenCalls::authorizeOperator(_) => IToken::authorizeOperatorCall::SIGNATURE,
        ITokenCalls::setApprovalForAll(_) => IToken::setApprovalForAllCall::SIGNATURE,
        ITokenCalls::approveAndCall_0(_) => IToken::approveAndCall_0Call::SIGNATURE,
        ITokenCalls::approveAndCall_1(_) => IToken::approveAndCall_1Call::SIGNATURE,
        ITokenCalls::increaseApprovalAndCall(_) => IToken::increaseApprovalAndCallCall::SIGNATURE,
    }
}

fn duration(seconds: u32) -> String {
    format!("{} ({seconds} s)", format_duration(u64::from(seconds)))
}

fn change_summary(what: &str, old: Option<u32>, new: u32) -> String {
    match old {
        Some(old) => {
            format!("set {what} to {}, now {}", duration(new), format_duration(u64::from(old)))
        }
        None => format!("set {what} to {}", duration(new)),
    }
}

fn asset_name(ctx: &DecodeContext, asset: Address) -> String {
    if asset == NATIVE_ASSET {
        return ctx.native_symbol.clone();
    }
    match ctx.tokens.get(&asset) {
        Some(t) => format!("{} ({asset})", t.symbol),
        None => format!("token {asset}"),
    }
}

/// A decoded ABI value for people: addresses checksummed, numbers in decimal.
fn render_value(value: &alloy::dyn_abi::DynSolValue) -> String {
    use alloy::dyn_abi::DynSolValue as V;
    match value {
        V::Address(a) => a.to_checksum(None),
        V::Uint(v, _) => v.to_string(),
        V::Int(v, _) => v.to_string(),
        V::Bool(b) => b.to_string(),
        V::String(s) => format!("{s:?}"),
        V::Bytes(b) => alloy::primitives::hex::encode_prefixed(b),
        V::FixedBytes(w, size) => alloy::primitives::hex::encode_prefixed(&w[..*size]),
        V::Array(items) | V::FixedArray(items) | V::Tuple(items) => {
            format!("[{}]", items.iter().map(render_value).collect::<Vec<_>>().join(", "))
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use alloy::primitives::{B256, address};

    const SAFE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const USDC: Address = address!("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    const DAI: Address = address!("0x6B175474E89094C44Da98b954EedeAC495271d0F");
    const BOB: Address = address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    const FRESH: Address = address!("0x00000000000000000000000000000000DeaDBeef");
    const OWNER: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    const ETHER: u128 = 1_000_000_000_000_000_000;

    fn ctx() -> DecodeContext {
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

    fn call(target: Address, value: u128, data: Vec<u8>) -> ITreasurySafe::Call {
        ITreasurySafe::Call { target, value: U256::from(value), data: data.into() }
    }

    fn me<C: SolCall>(c: C) -> ITreasurySafe::Call {
        call(SAFE, 0, c.abi_encode())
    }

    fn kinds(c: &DecodedCall) -> Vec<WarningKind> {
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
        let data = IToken::increaseAllowanceCall { spender: BOB, addedValue: U256::from(ETHER) }
            .abi_encode();
        let d = decode_call(0, &call(DAI, 0, data), &ctx());
        assert!(d.summary.contains("by 1 DAI (1000000000000000000 base units)"), "{}", d.summary);
        assert_eq!(kinds(&d), vec![WarningKind::UncappedAsset]);
        let data = IToken::decreaseAllowanceCall { spender: BOB, subtractedValue: U256::from(1) }
            .abi_encode();
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
        let data = IToken::approveAndCall_1Call {
            spender: BOB,
            amount: U256::from(5),
            data: Bytes::new(),
        }
        .abi_encode();
        let d = decode_call(0, &call(USDC, 0, data), &ctx());
        assert_eq!(d.function.as_deref(), Some("approveAndCall(address,uint256,bytes)"));
        assert_eq!(kinds(&d), vec![WarningKind::WillRevert]);
        assert!(d.warnings[0].message.contains("UnmeasurableCall"));
        let data =
            IToken::approveAndCall_0Call { spender: BOB, amount: U256::from(5) }.abi_encode();
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
            me(ITreasurySafe::setCapCall {
                asset: NATIVE_ASSET,
                limit: 11 * ETHER,
                period: 86_400,
            }),
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
        let d = one(me(ITreasurySafe::setCapCall {
            asset: USDC,
            limit: 300_000_000_000,
            period: 86_400,
        }));
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
        assert!(
            decode_batch(&transfer, &c).warnings.iter().all(|w| w.kind != WarningKind::WillRevert)
        );
        c.evacuated = Some(true);
        let b = decode_batch(&transfer, &c);
        assert!(
            b.warnings.iter().any(|w| w.kind == WarningKind::WillRevert
                && w.message.contains("NotAllowedWhileEvacuated")),
            "{:?}",
            b.warnings
        );
        assert!(decode_batch(&[remove], &c).warnings.is_empty());
    }

    #[test]
    fn classification_mirrors_the_contract() {
        let add = me(ITreasurySafe::addGuardianCall { guardian: BOB });
        let remove = me(ITreasurySafe::removeGuardianCall { guardian: OWNER });
        let unfreeze = me(ITreasurySafe::unfreezeCall {});
        let cancel = me(ITreasurySafe::cancelCall { id: B256::ZERO });
        let cfg = ctx().config.unwrap();
        let c = |calls: &[ITreasurySafe::Call]| classify(SAFE, calls, Some(&cfg));

        assert_eq!(
            c(&[remove.clone(), add.clone()]),
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: true }
        );
        assert_eq!(
            c(std::slice::from_ref(&add)),
            Classification { fast_track: true, freeze_exempt: false, guardian_protected: false }
        );
        assert_eq!(
            c(&[unfreeze.clone(), cancel.clone()]),
            Classification { fast_track: true, freeze_exempt: true, guardian_protected: true }
        );
        let none =
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: false };
        let mut valued = unfreeze.clone();
        valued.value = U256::from(1);
        assert_eq!(c(&[cancel.clone(), valued]), none);
        assert_eq!(c(&[remove.clone(), call(SAFE, 0, vec![1, 2, 3])]), none);
        assert_eq!(c(&[cancel.clone(), call(BOB, 0, vec![])]), none);
        let b = decode_batch(&[remove.clone(), add], &ctx());
        assert!(b.guardian_protected && !b.fast_track);

        // Fast track needs every setter to tighten the configuration as it is now (`_tightensNow`).
        let fast = |x: ITreasurySafe::Call| c(&[x]).fast_track;
        assert!(fast(me(ITreasurySafe::setDelayCall { delay: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setDelayCall { delay: 86_399 })));
        assert!(fast(me(ITreasurySafe::setGraceCall { grace: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setGraceCall { grace: 15 * 86_400 })));
        assert!(!fast(me(ITreasurySafe::setFreezeDurationCall { freezeDuration: 1 })));
        assert!(fast(me(ITreasurySafe::changeThresholdCall { threshold: U256::from(2) })));
        assert!(!fast(me(ITreasurySafe::changeThresholdCall { threshold: U256::from(1) })));
        assert!(!fast(me(ITreasurySafe::removeOwnerCall { owner: BOB, threshold: U256::from(1) })));
        assert!(fast(me(ITreasurySafe::setCapCall { asset: DAI, limit: u128::MAX, period: 1 })));
        assert!(fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 7 * 86_400 })));
        assert!(!fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 86_400 })));
        assert!(!fast(me(ITreasurySafe::setCapCall { asset: USDC, limit: 1, period: 8 * 86_400 })));
        assert!(fast(me(ITreasurySafe::unfreezeCall {})));
        assert!(!fast(me(ITreasurySafe::addOwnerCall { owner: BOB, threshold: U256::from(3) })));
        // Quarantine and withdrawing an extra function tighten; allowing one loosens.
        assert!(fast(me(ITreasurySafe::quarantineCall { asset: USDC })));
        assert!(fast(me(ITreasurySafe::disallowSelectorCall { asset: USDC })));
        assert!(!fast(me(ITreasurySafe::allowSelectorCall {
            asset: USDC,
            selector: [0; 4].into()
        })));
        let mut dirty = ITreasurySafe::setCapCall { asset: DAI, limit: 1, period: 1 }.abi_encode();
        dirty[4] = 1;
        assert!(!fast(call(SAFE, 0, dirty)));
        // Short calldata for a value-dependent setter is never fast-tracked.
        assert!(!fast(call(SAFE, 0, ITreasurySafe::setDelayCall::SELECTOR.to_vec())));
        // Without a configuration, value-dependent setters are assumed to tighten.
        let shorter = [me(ITreasurySafe::setDelayCall { delay: 1 })];
        assert!(classify(SAFE, &shorter, None).fast_track);
        // The contract loops over nothing for an empty batch (which `queue` refuses anyway); it has
        // no remedy call, so it is not guardian-protected.
        assert_eq!(
            c(&[]),
            Classification { fast_track: true, freeze_exempt: true, guardian_protected: false }
        );
        // Reopen, alone or with a guardian removal, is guardian-protected and never fast-tracked.
        let reopen = me(ITreasurySafe::reopenCall {});
        assert_eq!(
            c(&[remove, reopen]),
            Classification { fast_track: false, freeze_exempt: false, guardian_protected: true }
        );
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
        let a =
            one(me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: multicall.into() }));
        assert!(a.summary.contains("0xac9650d8 (multicall(bytes[])"), "{}", a.summary);
        assert_eq!(kinds(&a), vec![WarningKind::Loosens]);
        let withdraw = [0x2e, 0x1a, 0x7d, 0x4d];
        let w =
            one(me(ITreasurySafe::allowSelectorCall { asset: USDC, selector: withdraw.into() }));
        assert!(w.summary.contains("(withdraw(uint256))"), "{}", w.summary);
        let unknown = one(me(ITreasurySafe::allowSelectorCall {
            asset: USDC,
            selector: [1, 2, 3, 4].into(),
        }));
        assert!(unknown.summary.contains("0x01020304 on"), "{}", unknown.summary);
    }
}
