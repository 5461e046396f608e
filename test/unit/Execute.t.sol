// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {Counter, Reverter} from "../mocks/Targets.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ITreasurySafe.execute.
/// execute
/// ├── when the id is not queued (unknown, executed, cancelled): it reverts InvalidProposalState(id, state)
/// ├── when now < eta: it reverts NotReady(id, eta)                       (eta - 1)
/// ├── when now > expiresAt: it reverts ProposalExpired(id, expiresAt)    (eta + grace + 1)
/// ├── when frozen: it reverts Frozen(until)
/// ├── when a call fails: it reverts CallFailed(index, target, reason); nothing moved, the proposal stays
/// │   queued and can be retried until it expires
/// └── otherwise (anyone, eta ≤ now ≤ eta + grace inclusive): it runs the calls in order as the safe,
///     charges caps, marks it Executed and emits ProposalExecuted(id, executor)
contract ExecuteTest is SafeUnitBase {
    ITreasurySafe.Call[] internal calls;
    bytes32 internal id;
    uint64 internal eta;

    function setUp() public override {
        super.setUp();
        calls.push(ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""}));
        (id, eta) = _queue(calls, SALT);
    }

    /*//////////////////////////////////////////////////////////////
                            TIMESTAMP EDGES
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ExecutedAtEtaMinusOne() public {
        vm.warp(eta - 1);
        _assertState(id, ITreasurySafe.ProposalState.Queued);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, id, eta));
        safe.execute(calls, SALT, 0);
    }

    function test_execute_AtEta() public {
        vm.warp(eta);
        _assertState(id, ITreasurySafe.ProposalState.Ready);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalExecuted(id, stranger);
        vm.prank(stranger);
        safe.execute(calls, SALT, 0);
        assertEq(recipient.balance, 1 ether);
        assertEq(address(safe).balance, 99 ether);
        _assertState(id, ITreasurySafe.ProposalState.Executed);
    }

    function test_execute_AtExpiresAtInclusive() public {
        vm.warp(eta + GRACE);
        _assertState(id, ITreasurySafe.ProposalState.Ready);
        safe.execute(calls, SALT, 0);
        assertEq(recipient.balance, 1 ether);
    }

    function test_RevertWhen_ExecutedAfterGrace() public {
        vm.warp(eta + GRACE + 1);
        _assertState(id, ITreasurySafe.ProposalState.Expired);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.ProposalExpired.selector, id, eta + GRACE));
        safe.execute(calls, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                             FAILING CALLS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_InnerCallFails_StaysQueuedAndRetries() public {
        Reverter reverter = new Reverter();
        ITreasurySafe.Call[] memory batch = _two(
            _ethTransfer(recipient, 2 ether), _one(address(reverter), 0, abi.encodeCall(Reverter.poke, ()))
        );
        (bytes32 bid, uint64 beta) = _queue(batch, SALT);
        vm.warp(beta);
        vm.expectRevert(
            _callFailed(1, address(reverter), abi.encodeWithSelector(Reverter.Nope.selector, uint256(42)))
        );
        safe.execute(batch, SALT, 0);
        // Atomic: the first call's transfer was undone with the rest, and no cap was charged.
        assertEq(recipient.balance, 0);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        _assertState(bid, ITreasurySafe.ProposalState.Ready);
        // Whatever made it fail goes away: the same proposal executes.
        reverter.set(false);
        safe.execute(batch, SALT, 0);
        assertEq(recipient.balance, 2 ether);
        _assertState(bid, ITreasurySafe.ProposalState.Executed);
    }

    function test_RevertWhen_EthTransferToRejectingContract() public {
        // Counter has no receive/fallback: a plain ETH transfer to it reverts with empty data.
        Counter c = new Counter();
        ITreasurySafe.Call[] memory batch = _ethTransfer(address(c), 1 ether);
        (, uint64 beta) = _queue(batch, SALT);
        vm.warp(beta);
        vm.expectRevert(_callFailed(0, address(c), ""));
        safe.execute(batch, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                            STATE REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ExecutedTwice() public {
        vm.warp(eta);
        safe.execute(calls, SALT, 0);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Executed));
        safe.execute(calls, SALT, 0);
    }

    function test_RevertWhen_ExecutingUnknown() public {
        bytes32 other = safe.hashProposal(calls, bytes32("other"), 0);
        vm.warp(eta);
        vm.expectRevert(_stateError(other, ITreasurySafe.ProposalState.Unknown));
        safe.execute(calls, bytes32("other"), 0);
    }

    function test_RevertWhen_ExecutingWithWrongEpoch() public {
        bytes32 wrong = safe.hashProposal(calls, SALT, 7);
        vm.warp(eta);
        vm.expectRevert(_stateError(wrong, ITreasurySafe.ProposalState.Unknown));
        safe.execute(calls, SALT, 7);
    }

    function test_RevertWhen_ExecutingProposedOnly() public {
        ITreasurySafe.Call[] memory other = _ethTransfer(recipient, 3);
        vm.prank(owners[0]);
        bytes32 pid = safe.propose(other, SALT);
        vm.expectRevert(_stateError(pid, ITreasurySafe.ProposalState.Proposed));
        safe.execute(other, SALT, 0);
    }

    function test_RevertWhen_ExecutingCancelled() public {
        vm.prank(guardian);
        safe.cancel(id);
        vm.warp(eta);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.execute(calls, SALT, 0);
    }

    function test_RevertWhen_ExecutingWhileFrozen() public {
        vm.warp(eta);
        uint64 until = _guardianFreeze();
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.execute(calls, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                               BEHAVIOUR
    //////////////////////////////////////////////////////////////*/

    function test_execute_RunsCallsInOrderAsTheSafe() public {
        Counter c = new Counter();
        ITreasurySafe.Call[] memory batch = _two(
            _one(address(c), 0.5 ether, abi.encodeCall(Counter.bump, ())),
            _one(address(c), 0, abi.encodeCall(Counter.bump, ()))
        );
        _queueAndExecute(batch, SALT);
        assertEq(c.count(), 2);
        assertEq(c.lastCaller(), address(safe));
        assertEq(address(c).balance, 0.5 ether);
    }

    function test_execute_QueuedProposalSurvivesEpochChange() public {
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        assertEq(safe.epoch(), 1);
        vm.warp(eta);
        safe.execute(calls, SALT, 0);
        assertEq(recipient.balance, 1 ether);
    }

    function test_execute_FastTrackRunsAtOnce() public {
        ITreasurySafe.Call[] memory fast = _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days)));
        (bytes32 fid,) = _queue(fast, SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.DelayChanged(3 days);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalExecuted(fid, address(this));
        safe.execute(fast, SALT, 0);
        assertEq(safe.getConfig().delay, 3 days);
    }
}
