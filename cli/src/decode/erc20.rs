//! Calls to tokens: ERC-20 (and common extensions) decoded on any target, and the contract's
//! fail-closed rule for capped tokens.

use super::{
    WarningKind,
    batch::{Decoder, Out},
    render::selector_hex,
};
use crate::{contracts::ITreasurySafe, units::NATIVE_ASSET};
use alloy::{
    primitives::{Address, Bytes, U256},
    sol_types::{SolCall, SolInterface},
};

/// ERC-20 (and common extensions) calls a safe may make on a token.
mod abi {
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

pub(super) use abi::IToken::{self, ITokenCalls};

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

impl Decoder<'_> {
    pub(super) fn decode_external(&mut self, out: &mut Out, call: &ITreasurySafe::Call) {
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
                Self::approves_all(out, &target, refused);
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
                    Self::approves_all(out, &target, refused);
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

    fn approves_all(out: &mut Out, target: &str, refused: bool) {
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
