//! `tsafe propose`: build a batch (transfers, arbitrary calls, configuration changes), show it
//! decoded with its warnings and hashes, and write it to a proposal file (signed by the proposer
//! when a wallet is given) and/or propose it on chain (`--onchain`).
//!
//! Calls are added in this order: the transfer or call of `--to`, the calls of `--batch`, then
//! configuration changes in the order of `--help`. `--append FILE` adds them to an unsigned
//! proposal file, to build a batch step by step.

use crate::{
    chain::token_info,
    context::{Chain, Ctx},
    contracts::ITreasurySafe::{self, ITreasurySafeCalls},
    exit::Failure,
    flow::{self, Safe},
    opts::{MakeOpts, SendOpts},
    output::Outcome,
    units::{self, AssetRef},
};
use alloy::{
    dyn_abi::{DynSolType, DynSolValue, JsonAbiExt},
    json_abi::Function,
    primitives::{Address, B256, Bytes, U256},
    sol_types::SolInterface,
};
use clap::Args;
use eyre::Result;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One call from `--to`/`--value`/`--token`/`--amount`/`--call`/`--data`.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
#[command(next_help_heading = "Transfer or call")]
pub struct CallSpec {
    /// Recipient of a transfer, or the contract called by --call/--data.
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<String>,
    /// Native coin sent with the call: `1.5ether`, `10gwei`, or wei.
    #[arg(long, value_name = "AMOUNT")]
    pub value: Option<String>,
    /// An ERC-20 transfer of this token to --to (with --amount).
    #[arg(long, value_name = "ADDRESS", requires_all = ["to", "amount"], conflicts_with_all = ["sig", "data", "value"])]
    pub token: Option<String>,
    /// Token amount in token units (`250000`, `1.5`; read with the token's `decimals()`), or base
    /// units as `1500000units`.
    #[arg(long, value_name = "AMOUNT", requires = "token")]
    pub amount: Option<String>,
    /// Call --to with this function, as `cast send` takes it: "transfer(address,uint256)".
    #[arg(long = "call", value_name = "SIG", requires = "to", conflicts_with = "data")]
    #[serde(rename = "call")]
    pub sig: Option<String>,
    /// Arguments of --call (uints accept units: `1.5ether`).
    #[arg(value_name = "ARGS", requires = "sig", allow_negative_numbers = true)]
    #[serde(default)]
    pub args: Vec<String>,
    /// Raw calldata for --to (0x-hex).
    #[arg(long, value_name = "HEX", requires = "to")]
    pub data: Option<String>,
}

/// Configuration changes: self-calls of the safe. Tightening ones run as soon as they are queued;
/// loosening ones wait the full delay.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Configuration changes")]
pub struct ConfigChanges {
    /// Add an owner (loosens: waits the delay). Keeps the threshold unless --threshold is given.
    #[arg(long, value_name = "ADDRESS")]
    pub add_owner: Vec<String>,
    /// Remove an owner (the threshold drops to the owner count if it would exceed it).
    #[arg(long, value_name = "ADDRESS")]
    pub remove_owner: Vec<String>,
    /// Replace an owner by another (loosens: waits the delay).
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub swap_owner: Vec<String>,
    /// The threshold: set by the last --add-owner/--remove-owner, else changed on its own.
    #[arg(long, value_name = "M")]
    pub threshold: Option<u64>,
    /// Add a guardian.
    #[arg(long, value_name = "ADDRESS")]
    pub add_guardian: Vec<String>,
    /// Remove a guardian (loosens: waits the delay; guardians cannot cancel a batch of only
    /// guardian changes).
    #[arg(long, value_name = "ADDRESS")]
    pub remove_guardian: Vec<String>,
    /// Set the delay, e.g. 3d (longer tightens, shorter loosens).
    #[arg(long, value_name = "DURATION")]
    pub set_delay: Option<String>,
    /// Set the grace period, e.g. 7d (shorter tightens, longer loosens).
    #[arg(long, value_name = "DURATION")]
    pub set_grace: Option<String>,
    /// Set how long a guardian freeze lasts, e.g. 3d.
    #[arg(long, value_name = "DURATION")]
    pub set_freeze_duration: Option<String>,
    /// Set a cap: ETH:10ether/1d or 0xToken:250000/7d (a new cap or a lower one tightens).
    #[arg(long, value_name = "ASSET:AMOUNT/PERIOD")]
    pub set_cap: Vec<String>,
    /// Remove the cap on an asset (ETH or a token address; loosens: waits the delay).
    #[arg(long, value_name = "ASSET")]
    pub remove_cap: Vec<String>,
    /// Owners freeze the safe (as a guardian's freeze, without using the guardians' shot).
    #[arg(long)]
    pub freeze: bool,
    /// End a freeze early (allowed while frozen).
    #[arg(long)]
    pub unfreeze: bool,
    /// Re-arm the guardians' freeze after they used it.
    #[arg(long)]
    pub rearm: bool,
    /// Cancel a queued proposal (allowed while frozen).
    #[arg(long, value_name = "ID")]
    pub cancel: Vec<B256>,
    /// Quarantine a capped token that misbehaves (tightens: at once): its balance is no longer
    /// read, and no batch may call it or any other contract until its cap's removal takes effect.
    #[arg(long, value_name = "TOKEN")]
    pub quarantine: Vec<String>,
    /// Schedule a new recovery address (loosens: waits the delay, then max(delay, 7 days, the
    /// longest cap period), and is in force only once the new address accepts).
    #[arg(long, value_name = "ADDRESS")]
    pub set_recovery: Option<String>,
    /// Switch to the backup recovery address committed at deployment (tightens: at once).
    #[arg(long)]
    pub use_backup_recovery: bool,
    /// Cancel a scheduled recovery-address change (tightens: at once).
    #[arg(long)]
    pub cancel_recovery_change: bool,
    /// Sweep this token too in every evacuation (tightens: at once; at most 16 listed).
    #[arg(long, value_name = "TOKEN")]
    pub add_evacuation_asset: Vec<String>,
    /// Stop sweeping a listed token (loosens: waits the delay).
    #[arg(long, value_name = "TOKEN")]
    pub remove_evacuation_asset: Vec<String>,
    /// Reopen an evacuated safe (waits the delay; sweeps once more first; guardians cannot cancel it).
    #[arg(long)]
    pub reopen: bool,
}

/// Arguments of `tsafe propose`.
#[derive(Debug, Args)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub call: CallSpec,
    /// A TOML file of calls (`[[call]]` tables with the keys to, value, token, amount, call,
    /// args, data), added after the call of --to.
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// Add the calls to this unsigned proposal file instead of starting a new one.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["salt", "out", "onchain"])]
    pub append: Option<PathBuf>,
    #[command(flatten)]
    pub change: ConfigChanges,
    #[command(flatten)]
    pub make: MakeOpts,
    #[command(flatten)]
    pub send: SendOpts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchFile {
    #[serde(default)]
    call: Vec<CallSpec>,
}

fn bad(flag: &str, value: &str, e: impl std::fmt::Display, fix: &str) -> eyre::Report {
    Failure::bad_input(format!("{flag} {value}: {e}")).fix(fix.to_owned()).into()
}

fn address(flag: &str, value: &str) -> Result<Address> {
    units::parse_address(value)
        .map_err(|e| bad(flag, value, e, "pass a 0x-prefixed 40-hex-digit address"))
}

fn duration(flag: &str, value: &str) -> Result<u32> {
    units::parse_duration(value)
        .map_err(|e| bad(flag, value, e, "write a duration such as 2d, 12h or 90m"))
}

fn self_call(safe: Address, call: &ITreasurySafeCalls) -> ITreasurySafe::Call {
    ITreasurySafe::Call { target: safe, value: U256::ZERO, data: Bytes::from(call.abi_encode()) }
}

impl CallSpec {
    fn is_set(&self) -> bool {
        self.to.is_some()
    }

    /// Builds the call, reading a token's decimals from the chain.
    async fn build(&self, chain: &Chain, what: &str) -> Result<ITreasurySafe::Call> {
        let to_text = self.to.as_deref().unwrap_or_default();
        let to = address(&format!("{what}--to"), to_text)?;
        let value = match &self.value {
            Some(v) => units::parse_native_amount(v).map_err(|e| {
                bad(&format!("{what}--value"), v, e, "write an amount such as 1.5ether or 10gwei")
            })?,
            None => U256::ZERO,
        };
        if let Some(token_text) = &self.token {
            let token = address(&format!("{what}--token"), token_text)?;
            let amount_text = self.amount.as_deref().unwrap_or_default();
            let (symbol, decimals) = token_info(chain, token).await?;
            let amount = units::parse_token_amount(amount_text, decimals).map_err(|e| {
                bad(
                    &format!("{what}--amount"),
                    amount_text,
                    e,
                    &format!("write an amount in {symbol} units (decimals {decimals}), e.g. 250000 or 1.5"),
                )
            })?;
            let data = crate::chain::IERC20::transferCall { to, amount };
            return Ok(ITreasurySafe::Call {
                target: token,
                value: U256::ZERO,
                data: Bytes::from(alloy::sol_types::SolCall::abi_encode(&data)),
            });
        }
        if let Some(sig) = &self.sig {
            let data = encode_call(sig, &self.args).map_err(|e| {
                Failure::bad_input(format!("{what}--call {sig:?}: {e}")).fix(
                    "write the function as cast does, e.g. --call \"approve(address,uint256)\" 0xSpender 1000, one argument per parameter",
                )
            })?;
            return Ok(ITreasurySafe::Call { target: to, value, data: Bytes::from(data) });
        }
        if let Some(hex) = &self.data {
            let data = hex.parse::<Bytes>().map_err(|e| {
                bad(&format!("{what}--data"), hex, e, "pass calldata as 0x-prefixed hex")
            })?;
            return Ok(ITreasurySafe::Call { target: to, value, data });
        }
        if self.value.is_none() {
            return Err(Failure::bad_input(format!(
                "{what}--to {to_text} says where, but not what: no --value, --token, --call or --data"
            ))
            .fix("add --value 1ether for a transfer, --token T --amount N for a token transfer, or --call SIG ARGS")
            .into());
        }
        Ok(ITreasurySafe::Call { target: to, value, data: Bytes::new() })
    }
}

/// ABI-encodes a call from a human signature and string arguments, as `cast calldata` does.
pub fn encode_call(sig: &str, args: &[String]) -> Result<Vec<u8>, String> {
    let function = Function::parse(sig).map_err(|e| format!("not a function signature ({e})"))?;
    if function.inputs.len() != args.len() {
        return Err(format!(
            "{} takes {} argument(s), {} given",
            function.signature(),
            function.inputs.len(),
            args.len()
        ));
    }
    let values = function
        .inputs
        .iter()
        .zip(args)
        .map(|(param, arg)| {
            let ty = DynSolType::parse(&param.selector_type())
                .map_err(|e| format!("unsupported type {} ({e})", param.ty))?;
            ty.coerce_str(arg).map_err(|e| format!("argument {arg:?} is not a {} ({e})", param.ty))
        })
        .collect::<Result<Vec<DynSolValue>, String>>()?;
    function.abi_encode_input(&values).map_err(|e| e.to_string())
}

impl ConfigChanges {
    /// The self-calls, in a fixed order.
    async fn build(&self, chain: &Chain, safe: &Safe) -> Result<Vec<ITreasurySafe::Call>> {
        use ITreasurySafe as S;
        let me = *safe.address();
        let mut calls = Vec::new();
        let mut push = |c: ITreasurySafeCalls| calls.push(self_call(me, &c));
        let current = safe.threshold().call().await?;
        let mut owners = U256::from(safe.getOwners().call().await?.len());
        let owner_changes = self.add_owner.len() + self.remove_owner.len();
        let mut seen = 0;
        for a in &self.add_owner {
            seen += 1;
            owners += U256::from(1);
            let threshold = match self.threshold {
                Some(t) if seen == owner_changes => U256::from(t),
                _ => current,
            };
            push(ITreasurySafeCalls::addOwner(S::addOwnerCall {
                owner: address("--add-owner", a)?,
                threshold,
            }));
        }
        for a in &self.remove_owner {
            seen += 1;
            owners = owners.saturating_sub(U256::from(1));
            let threshold = match self.threshold {
                Some(t) if seen == owner_changes => U256::from(t),
                _ => current.min(owners),
            };
            push(ITreasurySafeCalls::removeOwner(S::removeOwnerCall {
                owner: address("--remove-owner", a)?,
                threshold,
            }));
        }
        for pair in self.swap_owner.chunks(2) {
            let [old, new] = pair else { continue };
            push(ITreasurySafeCalls::swapOwner(S::swapOwnerCall {
                oldOwner: address("--swap-owner", old)?,
                newOwner: address("--swap-owner", new)?,
            }));
        }
        if let Some(t) = self.threshold
            && owner_changes == 0
        {
            push(ITreasurySafeCalls::changeThreshold(S::changeThresholdCall {
                threshold: U256::from(t),
            }));
        }
        for g in &self.add_guardian {
            push(ITreasurySafeCalls::addGuardian(S::addGuardianCall {
                guardian: address("--add-guardian", g)?,
            }));
        }
        for g in &self.remove_guardian {
            push(ITreasurySafeCalls::removeGuardian(S::removeGuardianCall {
                guardian: address("--remove-guardian", g)?,
            }));
        }
        if let Some(d) = &self.set_delay {
            push(ITreasurySafeCalls::setDelay(S::setDelayCall {
                delay: duration("--set-delay", d)?,
            }));
        }
        if let Some(d) = &self.set_grace {
            push(ITreasurySafeCalls::setGrace(S::setGraceCall {
                grace: duration("--set-grace", d)?,
            }));
        }
        if let Some(d) = &self.set_freeze_duration {
            push(ITreasurySafeCalls::setFreezeDuration(S::setFreezeDurationCall {
                freezeDuration: duration("--set-freeze-duration", d)?,
            }));
        }
        for spec_text in &self.set_cap {
            let spec = units::parse_cap_spec(spec_text).map_err(|e| {
                bad("--set-cap", spec_text, e, "write ETH:10ether/1d or 0xToken:250000/7d")
            })?;
            let decimals = match spec.asset {
                AssetRef::Native => units::NATIVE_DECIMALS,
                AssetRef::Token(t) => token_info(chain, t).await?.1,
            };
            let limit = spec.limit(decimals).map_err(|e| {
                bad("--set-cap", spec_text, e, "write ETH:10ether/1d or 0xToken:250000/7d")
            })?;
            push(ITreasurySafeCalls::setCap(S::setCapCall {
                asset: spec.asset.address(),
                limit: limit.to::<u128>(),
                period: spec.period,
            }));
        }
        for asset_text in &self.remove_cap {
            let asset = if ["eth", "native"].contains(&asset_text.to_ascii_lowercase().as_str()) {
                units::NATIVE_ASSET
            } else {
                address("--remove-cap", asset_text)?
            };
            push(ITreasurySafeCalls::removeCap(S::removeCapCall { asset }));
        }
        if self.freeze {
            push(ITreasurySafeCalls::freeze(S::freezeCall {}));
        }
        if self.unfreeze {
            push(ITreasurySafeCalls::unfreeze(S::unfreezeCall {}));
        }
        if self.rearm {
            push(ITreasurySafeCalls::rearmGuardians(S::rearmGuardiansCall {}));
        }
        for id in &self.cancel {
            push(ITreasurySafeCalls::cancel(S::cancelCall { id: *id }));
        }
        for t in &self.quarantine {
            push(ITreasurySafeCalls::quarantine(S::quarantineCall {
                asset: address("--quarantine", t)?,
            }));
        }
        if let Some(r) = &self.set_recovery {
            let recovery = address("--set-recovery", r)?;
            crate::chain::check_recovery_cycle(chain, "--set-recovery", recovery, me).await?;
            push(ITreasurySafeCalls::setRecovery(S::setRecoveryCall { recovery }));
        }
        if self.use_backup_recovery {
            push(ITreasurySafeCalls::useBackupRecovery(S::useBackupRecoveryCall {}));
        }
        if self.cancel_recovery_change {
            push(ITreasurySafeCalls::cancelRecoveryChange(S::cancelRecoveryChangeCall {}));
        }
        for t in &self.add_evacuation_asset {
            push(ITreasurySafeCalls::addEvacuationAsset(S::addEvacuationAssetCall {
                asset: address("--add-evacuation-asset", t)?,
            }));
        }
        for t in &self.remove_evacuation_asset {
            push(ITreasurySafeCalls::removeEvacuationAsset(S::removeEvacuationAssetCall {
                asset: address("--remove-evacuation-asset", t)?,
            }));
        }
        if self.reopen {
            push(ITreasurySafeCalls::reopen(S::reopenCall {}));
        }
        Ok(calls)
    }
}

impl ProposeArgs {
    /// Builds the batch, then hands it to [`flow::create`].
    pub async fn run(self, ctx: &Ctx) -> Result<Outcome> {
        let appended = match &self.append {
            Some(path) => Some(flow::load_file(path)?),
            None => None,
        };
        let safe_ref = flow::resolve_safe(ctx, &self.send.safe, appended.as_ref())?;
        let chain = ctx.connect(&self.send.rpc, Some(&safe_ref)).await?;
        let safe = chain.safe(&safe_ref).await?;
        let mut calls = Vec::new();
        if let Some(file) = &appended {
            file.check_target(chain.chain_id, safe_ref.address).map_err(flow::proposal_failure)?;
            if !file.signatures().is_empty() {
                return Err(Failure::bad_input(format!(
                    "{} already carries {} signature(s): appending would change what they signed",
                    self.append.as_deref().unwrap_or(Path::new("")).display(),
                    file.signatures().len()
                ))
                .fix("start a new proposal file (tsafe propose … --out NEW.json) and collect the signatures again")
                .into());
            }
            calls.extend(file.to_contract_calls());
        }
        if self.call.is_set() {
            calls.push(self.call.build(&chain, "").await?);
        }
        let mut batch_functions = Vec::new();
        if let Some(path) = &self.batch {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::bad_input(format!("cannot read --batch {}: {e}", path.display()))
                    .fix("pass the path of a TOML file with [[call]] tables")
            })?;
            let batch: BatchFile = toml::from_str(&text).map_err(|e| {
                Failure::bad_input(format!("--batch {} is not a valid batch: {e}", path.display()))
                    .fix("each [[call]] table takes to, and value, token + amount, call + args, or data")
            })?;
            for (i, spec) in batch.call.iter().enumerate() {
                calls.push(spec.build(&chain, &format!("--batch call #{} ", i + 1)).await?);
                batch_functions.extend(spec.sig.clone());
            }
        }
        calls.extend(self.change.build(&chain, &safe).await?);
        if calls.is_empty() {
            return Err(Failure::bad_input("nothing to propose")
                .fix("give a transfer (--to --value, or --token --to --amount), a call (--to --call SIG ARGS), --batch FILE, or a configuration change (see --help)")
                .into());
        }
        let mut functions: Vec<String> =
            appended.as_ref().map(|f| f.functions().to_vec()).unwrap_or_default();
        functions.extend(self.call.sig.clone());
        functions.extend(batch_functions);
        let (salt, description, out) = match (&appended, &self.append) {
            (Some(file), Some(path)) => (
                file.salt(),
                self.make.description.clone().or_else(|| file.description().map(str::to_owned)),
                Some(path.clone()),
            ),
            _ => (
                self.make
                    .salt
                    .as_deref()
                    .map_or_else(crate::salt::fresh_salt, crate::salt::parse_salt),
                self.make.description.clone(),
                self.make.out.clone(),
            ),
        };
        let make = MakeOpts {
            out,
            description,
            force: self.make.force || self.append.is_some(),
            safe_name: safe_ref.name.clone(),
            functions,
            ..self.make.clone()
        };
        flow::create(ctx, &chain, &safe, &self.send.wallet, &self.send.tx, calls, salt, &make).await
    }
}
