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
//!
//! Modules: [`classify`] (the contract's batch classification), `erc20` (token calls),
//! `config_change` (self-calls: setters judged against the configuration as it evolves),
//! `batch` (the per-call decoder and the batch view), `render` (values for people).

mod batch;
pub mod classify;
mod config_change;
mod erc20;
mod render;
#[cfg(test)]
mod tests;

pub use batch::{decode_batch, decode_call};
pub use classify::{Classification, Unclassifiable, allowed_while_evacuated, classify, judge};
pub use erc20::MEASURED_ON_CAPPED;

use crate::{
    contracts::ITreasurySafe,
    units::{NATIVE_ASSET, format_native_with, format_units, group_thousands},
};
use alloy::primitives::{Address, Bytes, U256};
use render::render_value;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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
