// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {ApproveAndCallToken} from "../mocks/ApproveAndCallToken.sol";
import {HostileToken} from "../mocks/HostileToken.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {NoReturnToken} from "../mocks/NoReturnToken.sol";
import {RebasingToken} from "../mocks/RebasingToken.sol";
import {ReturnsFalseToken} from "../mocks/ReturnsFalseToken.sol";
import {RevertingToken} from "../mocks/RevertingToken.sol";
import {ForceFeeder} from "../mocks/Targets.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ATTACKS.md rows about caps, loosening and odd assets: #11, #12, #13, #21, #22, #23, #24.
/// Each test names its row and fails if the defence it checks is removed.
contract CapAttacksTest is SafeUnitBase {
    uint128 internal constant TOKEN_CAP = 100e18;

    /// @dev Caps `asset` at TOKEN_CAP per day on the fast track.
    function _capToken(address asset) internal {
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (asset, TOKEN_CAP, 1 days)));
    }

    function _transferCall(address token, address to, uint256 amount)
        internal
        pure
        returns (ITreasurySafe.Call[] memory)
    {
        return _one(token, 0, abi.encodeCall(MockERC20.transfer, (to, amount)));
    }

    /*//////////////////////////////////////////////////////////////
                     #11 CAP BYPASS BY SPLITTING
    //////////////////////////////////////////////////////////////*/

    /// @notice #11: the cap holds across many proposals executed in one block, and across a window edge.
    function test_Attack11_CapBypassBySplitting() public {
        // Five proposals of 3 ether, all ready at once, executed in the same block: the fourth fails.
        ITreasurySafe.Call[] memory c = _ethTransfer(stranger, 3 ether);
        uint64 eta;
        for (uint256 i; i < 5; ++i) {
            (, eta) = _queue(c, bytes32(i));
        }
        vm.warp(eta);
        for (uint256 i; i < 3; ++i) {
            safe.execute(c, bytes32(i), 0);
        }
        uint256 left = safe.remainingCap(NATIVE);
        assertLt(left, 1 ether + 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 3 ether, left));
        safe.execute(c, bytes32(uint256(3)), 0);

        // Just before a full period has passed since the spend, still nothing more than what was left.
        vm.warp(eta + CAP_PERIOD - 1);
        assertEq(safe.remainingCap(NATIVE), left);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 3 ether, left));
        safe.execute(c, bytes32(uint256(3)), 0);
        // Once refilled, it runs.
        vm.warp(safe.getConfig().caps[0].nextRefillAt);
        safe.execute(c, bytes32(uint256(3)), 0);
        assertEq(stranger.balance, 12 ether);
    }

    /// @notice #11: a thousand tiny calls in one batch are charged as their sum.
    function test_Attack11_ManyTinyCallsChargedAsSum() public {
        ITreasurySafe.Call[] memory c = new ITreasurySafe.Call[](101);
        for (uint256 i; i < c.length; ++i) {
            c[i] = ITreasurySafe.Call({target: stranger, value: 0.1 ether, data: ""});
        }
        _prepare(c, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 10.1 ether, ETH_CAP)
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                   #12 CAP BYPASS THROUGH CALLDATA
    //////////////////////////////////////////////////////////////*/

    /// @notice #12: a value-0 token transfer is measured (balance), approve and increaseAllowance are
    ///         charged as standing allowances, approve + transferFrom is counted once, operator grants refused.
    function test_Attack12_CapBypassThroughCalldata() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        address thief = makeAddr("thief");

        // value 0, amount in calldata.
        _prepare(_transferCall(address(token), thief, 101e18), bytes32("t"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 101e18, TOKEN_CAP)
        );
        _go();

        // Allowance now, pull later: charged when granted.
        _prepare(_one(address(token), 0, abi.encodeCall(MockERC20.approve, (thief, 101e18))), bytes32("a"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 101e18, TOKEN_CAP)
        );
        _go();

        // Split across approve and increaseAllowance in one batch: the standing total counts.
        ITreasurySafe.Call[] memory split = _two(
            _one(address(token), 0, abi.encodeCall(MockERC20.approve, (thief, 60e18))),
            _one(address(token), 0, abi.encodeCall(MockERC20.increaseAllowance, (thief, 41e18)))
        );
        _prepare(split, bytes32("s"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 101e18, TOKEN_CAP)
        );
        _go();

        // approve + transferFrom in the same batch: counted once, so exactly the cap fits.
        ITreasurySafe.Call[] memory pull = _two(
            _one(address(token), 0, abi.encodeCall(MockERC20.approve, (address(safe), TOKEN_CAP))),
            _one(address(token), 0, abi.encodeCall(MockERC20.transferFrom, (address(safe), thief, TOKEN_CAP)))
        );
        _prepare(pull, bytes32("p"));
        _go();
        assertEq(token.balanceOf(thief), TOKEN_CAP);
        assertEq(safe.remainingCap(address(token)), 0);
    }

    /// @notice #12: unbounded grants on a capped token are refused outright.
    function test_Attack12_OperatorGrantsRefused() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        _capToken(address(token));
        bytes4 forAll = bytes4(keccak256("setApprovalForAll(address,bool)"));
        _prepare(_one(address(token), 0, abi.encodeWithSelector(forAll, stranger, true)), bytes32("all"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, 0, address(token), forAll)
        );
        _go();
        bytes4 operator = bytes4(keccak256("authorizeOperator(address)"));
        _prepare(_one(address(token), 0, abi.encodeWithSelector(operator, stranger)), bytes32("op"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, 0, address(token), operator)
        );
        _go();
    }

    /// @notice #12 (F-4): the other allowance-granting entry points of ERC-1363 and ERC-827 cannot leave an
    ///         uncharged allowance on a capped token: `approveAndCall` (with and without data) and
    ///         `increaseApprovalAndCall` are refused with UnmeasurableCall(index, token, selector).
    function test_Attack12_ApproveAndCallOnCappedTokenRefused() public {
        ApproveAndCallToken token = new ApproveAndCallToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        address thief = makeAddr("thief");
        bytes4[3] memory grants = [
            bytes4(keccak256("approveAndCall(address,uint256)")),
            bytes4(keccak256("approveAndCall(address,uint256,bytes)")),
            bytes4(keccak256("increaseApprovalAndCall(address,uint256,bytes)"))
        ];
        for (uint256 i; i < grants.length; ++i) {
            bytes memory data = i == 0
                ? abi.encodeWithSelector(grants[i], thief, 1000e18)
                : abi.encodeWithSelector(grants[i], thief, 1000e18, "");
            _prepare(_one(address(token), 0, data), bytes32(i));
            vm.expectRevert(
                abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, 0, address(token), grants[i])
            );
            _go();
        }
        // Nothing was granted, so nothing can be pulled later outside any batch.
        assertEq(token.allowance(address(safe), thief), 0);
        assertEq(safe.remainingCap(address(token)), TOKEN_CAP);
    }

    /*//////////////////////////////////////////////////////////////
                     #13 LOOSENING WAITS THE DELAY
    //////////////////////////////////////////////////////////////*/

    /// @notice #13: every loosening change, queued on its own, waits the whole delay (eta = now + delay,
    ///         refused at eta - 1), so guardians and watchers see it coming.
    function test_Attack13_LooseningWaitsTheDelay() public {
        bytes[] memory loosen = new bytes[](11);
        loosen[0] = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP + 1, CAP_PERIOD));
        loosen[1] = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, CAP_PERIOD - 1));
        loosen[2] = abi.encodeCall(ITreasurySafe.removeCap, (NATIVE));
        loosen[3] = abi.encodeCall(ITreasurySafe.setDelay, (DELAY - 1));
        loosen[4] = abi.encodeCall(ITreasurySafe.changeThreshold, (1));
        loosen[5] = abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 1));
        loosen[6] = abi.encodeCall(ITreasurySafe.addOwner, (stranger, 2));
        loosen[7] = abi.encodeCall(ITreasurySafe.swapOwner, (owners[2], stranger));
        loosen[8] = abi.encodeCall(ITreasurySafe.removeGuardian, (guardian));
        loosen[9] = abi.encodeCall(ITreasurySafe.setGrace, (GRACE + 1));
        loosen[10] = abi.encodeCall(ITreasurySafe.setFreezeDuration, (FREEZE - 1));
        uint256 t0 = _now();
        for (uint256 i; i < loosen.length; ++i) {
            ITreasurySafe.Call[] memory c = _selfCall(loosen[i]);
            (bytes32 pid, uint64 eta) = _queue(c, bytes32(i));
            assertEq(eta, t0 + DELAY, "a loosening must wait the whole delay");
            assertFalse(safe.getProposal(pid).fastTrack);
            vm.warp(eta - 1);
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, pid, eta));
            safe.execute(c, bytes32(i), 0);
            vm.warp(t0);
        }
        ITreasurySafe.ConfigView memory v = safe.getConfig();
        assertEq(v.caps.length, 1);
        assertEq(v.caps[0].limit, ETH_CAP);
        assertEq(v.caps[0].period, CAP_PERIOD);
        assertEq(v.delay, DELAY);
        assertEq(v.grace, GRACE);
        assertEq(v.freezeDuration, FREEZE);
        assertEq(v.threshold, 2);
        assertEq(v.owners, owners);
        assertEq(v.guardians.length, 1);
    }

    /// @notice #13: a change fast-tracked because it tightened when queued, but that would loosen by the
    ///         time it runs, is refused (the setter re-checks): CallFailed(0, safe, LooseningNeedsDelay).
    function test_Attack13_FastTrackedChangeCannotLoosenAtExecution() public {
        bytes memory raise = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 8 ether, CAP_PERIOD));
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepare(_selfCall(raise), SALT);
        assertEq(eta, queuedAt);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, CAP_PERIOD)));
        vm.expectRevert(_looseningFailed(0, ITreasurySafe.setCap.selector));
        _go();
        assertEq(safe.getConfig().caps[0].limit, 5 ether);
    }

    /// @notice #13 (F-2): a batch that raises or removes a cap and spends in the same batch is still bound by
    ///         the cap in force before it: a loosening never frees capacity for the batch that makes it.
    function test_Attack13_CapRaiseOrRemovalCannotFundItsOwnBatch() public {
        ITreasurySafe.Call[] memory raise = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 1000 ether, 1 hours))),
            _ethTransfer(stranger, 100 ether)
        );
        _prepare(raise, bytes32("raise"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 100 ether, ETH_CAP)
        );
        _go();

        ITreasurySafe.Call[] memory removal = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE))), _ethTransfer(stranger, 100 ether)
        );
        _prepare(removal, bytes32("remove"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 100 ether, ETH_CAP)
        );
        _go();
        assertEq(address(safe).balance, 100 ether);
    }

    /// @notice #13 (F-2): M keys that queue a cap raise and transfers at t0 move at most C until a full
    ///         period after the raise ran (t0 + D + P); only then does the raised cap apply, and what the old
    ///         window still counts is carried into it.
    function test_Attack13_CapRaiseTakesEffectAPeriodAfterItRuns() public {
        uint256 t0 = _now();
        ITreasurySafe.Call[] memory raise =
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 50 ether, CAP_PERIOD)));
        ITreasurySafe.Call[] memory most = _ethTransfer(stranger, ETH_CAP);
        ITreasurySafe.Call[] memory drain = _ethTransfer(stranger, 50 ether);
        (, uint64 eta) = _queue(raise, bytes32("raise"));
        _queue(most, bytes32("most"));
        _queue(drain, bytes32("drain"));
        assertEq(eta, t0 + DELAY);

        vm.warp(eta);
        safe.execute(raise, bytes32("raise"), 0);
        // The old cap is still the one in force.
        assertEq(safe.getConfig().caps[0].limit, ETH_CAP);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 50 ether, ETH_CAP));
        safe.execute(drain, bytes32("drain"), 0);
        safe.execute(most, bytes32("most"), 0);

        // One second before a full period has passed since the raise ran: still the old cap, and it is spent.
        vm.warp(eta + CAP_PERIOD - 1);
        assertEq(safe.getConfig().caps[0].limit, ETH_CAP);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 50 ether, 0));
        safe.execute(drain, bytes32("drain"), 0);

        // From eta + P the raised cap applies, still counting the 10 ether of the old window.
        vm.warp(eta + CAP_PERIOD);
        ITreasurySafe.CapView memory v = safe.getConfig().caps[0];
        assertEq(v.limit, 50 ether);
        assertEq(v.period, CAP_PERIOD);
        uint256 left = safe.remainingCap(NATIVE);
        assertLe(left, 40 ether - 1);
        assertGe(left, 40 ether - 1 - 2 * _unit(50 ether));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 50 ether, left));
        safe.execute(drain, bytes32("drain"), 0);
        vm.warp(safe.getConfig().caps[0].nextRefillAt);
        safe.execute(drain, bytes32("drain"), 0);
        assertEq(stranger.balance, 60 ether);
    }

    /// @notice #13 (F-2): a cap removal likewise waits the delay and then a full period more, during which the
    ///         old cap keeps counting; only then is the asset uncapped.
    function test_Attack13_CapRemovalTakesEffectAPeriodAfterItRuns() public {
        ITreasurySafe.Call[] memory removal = _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE)));
        ITreasurySafe.Call[] memory drain = _ethTransfer(stranger, 90 ether);
        (, uint64 eta) = _queue(removal, bytes32("remove"));
        _queue(drain, bytes32("drain"));
        vm.warp(eta);
        safe.execute(removal, bytes32("remove"), 0);
        assertEq(safe.getConfig().caps.length, 1);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 90 ether, ETH_CAP));
        safe.execute(drain, bytes32("drain"), 0);

        vm.warp(eta + CAP_PERIOD - 1);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 90 ether, ETH_CAP));
        safe.execute(drain, bytes32("drain"), 0);

        vm.warp(eta + CAP_PERIOD);
        assertEq(safe.getConfig().caps.length, 0);
        assertEq(safe.remainingCap(NATIVE), type(uint256).max);
        safe.execute(drain, bytes32("drain"), 0);
        assertEq(stranger.balance, 90 ether);
    }

    /// @notice #13 (F-9): changing a cap's period is never a tightening: a longer period would start counting
    ///         afresh and forget what the old window had already let out. It waits the delay.
    function test_Attack13_LongerCapPeriodIsNotFastTracked() public {
        _queueAndExecute(_ethTransfer(stranger, ETH_CAP), SALT);
        // 1.4 days later the 1-day window no longer counts the 10 ether; a 7-day one would.
        vm.warp(_now() + 1.4 days);
        bytes memory longer = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, 7 days));
        uint256 queuedAt = _now();
        (bytes32 pid, uint64 eta) = _queueSelf(longer, bytes32("longer"));
        assertEq(eta, queuedAt + DELAY, "a period change waits the delay");
        assertFalse(safe.getProposal(pid).fastTrack);
        // The same period and limit is still a (trivial) tightening.
        bytes memory same = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, CAP_PERIOD));
        (bytes32 sid, uint64 seta) = _queueSelf(same, bytes32("same"));
        assertEq(seta, queuedAt);
        assertTrue(safe.getProposal(sid).fastTrack);
    }

    /*//////////////////////////////////////////////////////////////
                             #21 FORCED ETH
    //////////////////////////////////////////////////////////////*/

    /// @notice #21: ETH forced in by SELFDESTRUCT (no receive hook) or sent before deployment changes
    ///         nothing that is charged: the cap still allows exactly C.
    function test_Attack21_ForcedEth() public {
        vm.deal(address(this), 50 ether);
        new ForceFeeder{value: 50 ether}(payable(address(safe)));
        assertEq(address(safe).balance, 150 ether);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        _queue(_ethTransfer(stranger, ETH_CAP), bytes32("full"));
        _prepare(_ethTransfer(stranger, 1), bytes32("more"));
        safe.execute(_ethTransfer(stranger, ETH_CAP), bytes32("full"), 0);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 1, 0));
        _go();

        // Pre-funding a predicted address does not stop or change the deployment.
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        address predicted = factory.predictSafeAddress(cfg, bytes32("prefunded"));
        vm.deal(predicted, 7 ether);
        ITreasurySafe s = _deploySafe(cfg, bytes32("prefunded"));
        assertEq(address(s), predicted);
        assertEq(address(s).balance, 7 ether);
        assertEq(s.remainingCap(NATIVE), ETH_CAP);
    }

    /*//////////////////////////////////////////////////////////////
                 #22 FEE-ON-TRANSFER AND REBASING TOKENS
    //////////////////////////////////////////////////////////////*/

    /// @notice #22: with a fee token, what leaves the safe (not what arrives) is charged.
    function test_Attack22_FeeOnTransferChargedByWhatLeaves() public {
        MockERC20 token = new MockERC20("Fee", "FEE", 18);
        token.setFeeBps(1000);
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        _queue(_transferCall(address(token), stranger, TOKEN_CAP), bytes32("all"));
        _prepare(_transferCall(address(token), stranger, 1), bytes32("one"));
        safe.execute(_transferCall(address(token), stranger, TOKEN_CAP), bytes32("all"), 0);
        assertEq(token.balanceOf(stranger), 90e18, "recipient got 90% of it");
        assertEq(safe.remainingCap(address(token)), 0, "the full 100 was charged");
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 1, 0));
        _go();
    }

    /// @notice #22: rebases between batches charge nothing; transfers are charged by the balance decrease;
    ///         a negative rebase the batch itself triggers counts as outflow (documented, conservative).
    function test_Attack22_Rebasing() public {
        RebasingToken token = new RebasingToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        token.rebase(2e18);
        token.rebase(0.5e18);
        assertEq(safe.remainingCap(address(token)), TOKEN_CAP);
        // `rebase` is not a measured function: the owners allow it on this token (a loosening: the delay, then a
        // period of the cap).
        _queueAndExecute(
            _selfCall(
                abi.encodeCall(ITreasurySafe.allowSelector, (address(token), RebasingToken.rebase.selector))
            ),
            bytes32("allow")
        );
        vm.warp(_now() + 1 days);
        // The batch triggers a rebase that halves the safe's 500 balance (a 250 "outflow"), over the cap.
        ITreasurySafe.Call[] memory shrink =
            _one(address(token), 0, abi.encodeCall(RebasingToken.rebase, (0.25e18)));
        _prepare(shrink, bytes32("shrink"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 250e18, TOKEN_CAP)
        );
        _go();
        // A plain transfer is charged exactly.
        _queueAndExecute(
            _one(address(token), 0, abi.encodeCall(RebasingToken.transfer, (stranger, 40e18))), SALT
        );
        assertEq(token.balanceOf(stranger), 40e18);
        assertLe(safe.remainingCap(address(token)), 60e18);
        assertGe(safe.remainingCap(address(token)), 60e18 - 2 * _unit(TOKEN_CAP));
    }

    /*//////////////////////////////////////////////////////////////
                   #23 TOKENS RETURNING FALSE OR NOTHING
    //////////////////////////////////////////////////////////////*/

    /// @notice #23: a token that returns nothing (USDT) is a success, and is charged.
    function test_Attack23_NoReturnTokenSucceedsAndIsCharged() public {
        NoReturnToken token = new NoReturnToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        ITreasurySafe.Call[] memory first = _transferCall(address(token), stranger, 60e18);
        _queue(first, SALT);
        _prepare(_transferCall(address(token), stranger, 41e18), bytes32("over"));
        safe.execute(first, SALT, 0);
        assertEq(token.balanceOf(stranger), 60e18);
        uint256 left = safe.remainingCap(address(token));
        assertLe(left, 40e18);
        // And it cannot go past the cap either.
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 41e18, left)
        );
        _go();
        assertEq(token.balanceOf(stranger), 60e18);
    }

    /// @notice #23: `false` is a failure, even if the balance moved; the whole batch reverts.
    function test_Attack23_ReturnsFalseIsFailure() public {
        ReturnsFalseToken token = new ReturnsFalseToken();
        token.mint(address(safe), 10e18);
        _capToken(address(token));
        // Insufficient balance, reported as false.
        _prepare(_transferCall(address(token), stranger, 11e18), bytes32("short"));
        vm.expectRevert(_callFailed(0, address(token), abi.encode(false)));
        _go();
        // A token that moves the balance and still says false: the safe believes the answer.
        token.setAlwaysFalse(true);
        _prepare(_transferCall(address(token), stranger, 1e18), bytes32("liar"));
        vm.expectRevert(_callFailed(0, address(token), abi.encode(false)));
        _go();
        assertEq(token.balanceOf(stranger), 0);
    }

    /// @notice #23: a token call to an address without code is a failure, not a silent success.
    function test_Attack23_TokenCallToNoCodeIsFailure() public {
        address ghost = makeAddr("ghostToken");
        _prepare(_transferCall(ghost, stranger, 1e18), SALT);
        vm.expectRevert(_callFailed(0, ghost, ""));
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                         #24 TOKENS THAT REVERT
    //////////////////////////////////////////////////////////////*/

    /// @notice #24: a paused, blocklisting or zero-amount-reverting token reverts its batch; the proposal
    ///         stays queued and cancellable, and other proposals (even while the capped token's balanceOf
    ///         reverts) are unaffected.
    function test_Attack24_RevertingTokenLeavesOthersUnaffected() public {
        RevertingToken token = new RevertingToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        ITreasurySafe.Call[] memory pay = _transferCall(address(token), stranger, 10e18);
        ITreasurySafe.Call[] memory zero = _transferCall(address(token), stranger, 0);
        ITreasurySafe.Call[] memory eth = _ethTransfer(recipient, 1 ether);
        _queue(zero, bytes32("zero"));
        _queue(eth, bytes32("eth"));
        (bytes32 pid,) = _prepare(pay, bytes32("pay"));

        token.setBlocked(stranger, true);
        vm.expectRevert(
            _callFailed(0, address(token), abi.encodeWithSelector(RevertingToken.Blocked.selector, stranger))
        );
        _go();
        token.setBlocked(stranger, false);
        vm.expectRevert(
            _callFailed(0, address(token), abi.encodeWithSelector(RevertingToken.ZeroAmount.selector))
        );
        safe.execute(zero, bytes32("zero"), 0);

        token.setPaused(true, false);
        vm.expectRevert(
            _callFailed(0, address(token), abi.encodeWithSelector(RevertingToken.Paused.selector))
        );
        _go();
        _assertState(pid, ITreasurySafe.ProposalState.Ready);
        // Reads paused as well: the batch, which calls the token, is refused before it runs.
        token.setPaused(true, true);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.BalanceUnreadable.selector, address(token)));
        _go();
        // Others run although the capped token cannot even report a balance right now.
        safe.execute(eth, bytes32("eth"), 0);
        assertEq(recipient.balance, 1 ether);
        // The stuck proposal can be cancelled; or retried once the token works again.
        token.setPaused(false, false);
        _go();
        assertEq(token.balanceOf(stranger), 10e18);
        bytes32 zeroId = safe.hashProposal(zero, bytes32("zero"), 0);
        vm.prank(guardian);
        safe.cancel(zeroId);
        _assertState(zeroId, ITreasurySafe.ProposalState.Cancelled);
    }

    /// @notice #24: a batch that calls a capped token whose balance cannot be read is refused, since its
    ///         outflow could not be measured.
    function test_Attack24_UnreadableBalanceOfCalledTokenRefused() public {
        RevertingToken token = new RevertingToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        // A transfer that succeeds while the token's reads fail.
        _prepare(_transferCall(address(token), stranger, 1e18), SALT);
        token.setPaused(false, true);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.BalanceUnreadable.selector, address(token)));
        _go();
    }

    /// @notice #24: a capped token whose reads turn hostile (return bomb, gas burner) cannot brick the
    ///         safe: with an ordinary gas budget, unrelated batches still run, and so does removing its cap.
    function test_Attack24_HostileCappedTokenCannotBrickExecute() public {
        HostileToken token = new HostileToken();
        token.mint(address(safe), 1000e18);
        _capToken(address(token));
        ITreasurySafe.Call[] memory eth = _ethTransfer(recipient, 1 ether);
        ITreasurySafe.Call[] memory uncap =
            _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (address(token))));
        _queue(eth, bytes32("eth"));
        (bytes32 uncapId,) = _prepare(uncap, bytes32("uncap"));

        token.setMode(HostileToken.Mode.ReturnBomb);
        (bool ok,) = address(safe).call{gas: 2_000_000}(
            abi.encodeCall(ITreasurySafe.execute, (eth, bytes32("eth"), 0))
        );
        assertTrue(ok, "return bomb bricked an unrelated execute");
        assertEq(recipient.balance, 1 ether);

        token.setMode(HostileToken.Mode.BurnGas);
        (ok,) = address(safe).call{gas: 2_000_000}(
            abi.encodeCall(ITreasurySafe.execute, (uncap, bytes32("uncap"), 0))
        );
        assertTrue(ok, "gas burner bricked the way out");
        _assertState(uncapId, ITreasurySafe.ProposalState.Executed);
        // The removal takes effect a period later; executes keep running meanwhile and after.
        vm.warp(_now() + 1 days);
        assertEq(safe.remainingCap(address(token)), type(uint256).max);
        ITreasurySafe.Call[] memory more = _ethTransfer(recipient, 1 ether);
        _queue(more, bytes32("more"));
        vm.warp(_now() + DELAY);
        (ok,) = address(safe).call{gas: 2_000_000}(
            abi.encodeCall(ITreasurySafe.execute, (more, bytes32("more"), 0))
        );
        assertTrue(ok, "gas burner bricked an execute after its cap was removed");
        assertEq(recipient.balance, 2 ether);
    }
}
