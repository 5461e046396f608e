// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ITreasurySafe.cancel.
/// cancel
/// ├── by a guardian
/// │   ├── of a proposed, stale, queued or expired proposal: it cancels and emits ProposalCancelled(id, guardian)
/// │   ├── of an unknown, executed or cancelled id: it reverts InvalidProposalState(id, state)
/// │   └── of a batch that only removes/replaces guardians: it reverts GuardianCannotCancel(id)
/// ├── by the safe itself (owners' proposal, fast-tracked, works while frozen)
/// │   ├── of any live id, even one never seen on chain: it cancels (voids leaked signatures)
/// │   └── of an executed or cancelled id: it reverts InvalidProposalState(id, state)
/// ├── by anyone else (owners included): it reverts NotGuardian(caller)
/// └── terminal states stay terminal: a cancelled id never proposes, queues or executes again
contract CancelTest is SafeUnitBase {
    ITreasurySafe.Call[] internal calls;
    bytes32 internal id;
    uint64 internal eta;

    function setUp() public override {
        super.setUp();
        calls.push(ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""}));
        (id, eta) = _queue(calls, SALT);
    }

    function _selfCancel(bytes32 target) internal returns (bytes32) {
        return _fastTrack(abi.encodeCall(ITreasurySafe.cancel, (target)));
    }

    /*//////////////////////////////////////////////////////////////
                               GUARDIAN
    //////////////////////////////////////////////////////////////*/

    function test_cancel_GuardianCancelsQueued() public {
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalCancelled(id, guardian);
        vm.prank(guardian);
        safe.cancel(id);
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
        // Terminal: no execute, no re-queue, no re-propose.
        vm.warp(eta);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.execute(calls, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.queue(calls, SALT, sigs);
        vm.prank(owners[0]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.propose(calls, SALT);
    }

    function test_cancel_GuardianCancelsProposed() public {
        vm.prank(owners[0]);
        bytes32 pid = safe.propose(_ethTransfer(recipient, 5), SALT);
        vm.prank(guardian);
        safe.cancel(pid);
        _assertState(pid, ITreasurySafe.ProposalState.Cancelled);
        vm.prank(owners[1]);
        vm.expectRevert(_stateError(pid, ITreasurySafe.ProposalState.Cancelled));
        safe.approve(pid);
    }

    function test_cancel_GuardianCancelsStaleProposal() public {
        vm.prank(owners[0]);
        bytes32 pid = safe.propose(_ethTransfer(recipient, 5), SALT);
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        _assertState(pid, ITreasurySafe.ProposalState.Stale);
        vm.prank(guardian);
        safe.cancel(pid);
        _assertState(pid, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_cancel_GuardianCancelsExpired() public {
        vm.warp(eta + GRACE + 1);
        _assertState(id, ITreasurySafe.ProposalState.Expired);
        vm.prank(guardian);
        safe.cancel(id);
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_cancel_GuardianCancelsWhileFrozen() public {
        _guardianFreeze();
        vm.prank(guardian);
        safe.cancel(id);
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_RevertWhen_GuardianCancelsUnknown() public {
        bytes32 unknown = keccak256("unknown");
        vm.prank(guardian);
        vm.expectRevert(_stateError(unknown, ITreasurySafe.ProposalState.Unknown));
        safe.cancel(unknown);
    }

    function test_RevertWhen_GuardianCancelsExecuted() public {
        vm.warp(eta);
        safe.execute(calls, SALT, 0);
        vm.prank(guardian);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Executed));
        safe.cancel(id);
    }

    function test_RevertWhen_CancelledTwice() public {
        vm.startPrank(guardian);
        safe.cancel(id);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.cancel(id);
        vm.stopPrank();
    }

    function test_RevertWhen_CancellerNotGuardian() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, stranger));
        safe.cancel(id);
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, owners[0]));
        safe.cancel(id);
    }

    /*//////////////////////////////////////////////////////////////
                       GUARDIAN-PROTECTED BATCHES
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_GuardianCancelsItsOwnRemoval() public {
        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        // Proposed on chain…
        vm.prank(owners[0]);
        bytes32 rid = safe.propose(removal, SALT);
        assertTrue(safe.getProposal(rid).guardianProtected);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, rid));
        safe.cancel(rid);
        // …and queued.
        safe.queue(removal, SALT, _sigs1(rid, 1));
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, rid));
        safe.cancel(rid);
    }

    function test_RevertWhen_GuardianCancelsReplacement() public {
        address newGuardian = makeAddr("newGuardian");
        ITreasurySafe.Call[] memory swap = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.addGuardian, (newGuardian))),
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)))
        );
        (bytes32 sid,) = _queue(swap, SALT);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, sid));
        safe.cancel(sid);
    }

    /// Stolen owner keys cannot shield a loosening from the guardians' veto by bundling it with a remedy: a batch is
    /// guardian-protected only if every call is a remedy (or addGuardian).
    function test_cancel_GuardianCancelsALooseningBundledWithARemedy() public {
        ITreasurySafe.Call[] memory shielded = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.cancel, (id))),
            _selfCall(abi.encodeCall(ITreasurySafe.setRecovery, (makeAddr("attacker"))))
        );
        (bytes32 sid,) = _queue(shielded, bytes32("shield"));
        assertFalse(safe.getProposal(sid).guardianProtected);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.ProposalCancelled(sid, guardian);
        vm.prank(guardian);
        safe.cancel(sid);
        _assertState(sid, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_RevertWhen_GuardianCancelsOwnersCancelBatch() public {
        // The owners void a proposal: a guardian cannot save it by cancelling their cancel.
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.cancel, (id)));
        (bytes32 cid,) = _queue(c, bytes32("c"));
        assertTrue(safe.getProposal(cid).guardianProtected);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, cid));
        safe.cancel(cid);
    }

    function test_cancel_GuardianCancelsRemovalBundledWithOtherCalls() public {
        // Not "only" a guardian change: the protection does not extend to the rest of the batch.
        ITreasurySafe.Call[] memory bundle = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))),
            _ethTransfer(recipient, 1 ether)
        );
        (bytes32 bid,) = _queue(bundle, SALT);
        assertFalse(safe.getProposal(bid).guardianProtected);
        vm.prank(guardian);
        safe.cancel(bid);
        _assertState(bid, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_cancel_GuardianCancelsAddOnlyBatch() public {
        (bytes32 aid,) = _queue(_selfCall(abi.encodeCall(ITreasurySafe.addGuardian, (stranger))), SALT);
        assertFalse(safe.getProposal(aid).guardianProtected);
        vm.prank(guardian);
        safe.cancel(aid);
    }

    function test_cancel_OwnersCancelProtectedRemoval() public {
        (bytes32 rid,) = _queue(_selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))), SALT);
        _selfCancel(rid);
        _assertState(rid, ITreasurySafe.ProposalState.Cancelled);
    }

    /*//////////////////////////////////////////////////////////////
                                 SELF
    //////////////////////////////////////////////////////////////*/

    function test_cancel_SelfCancelsQueued() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.cancel, (id)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalCancelled(id, address(safe));
        _go();
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_cancel_SelfCancelsNeverSeenId() public {
        // Signatures for this batch leaked: the owners void its id before anyone queues it.
        ITreasurySafe.Call[] memory leaked = _ethTransfer(stranger, 5 ether);
        bytes32 lid = safe.hashProposal(leaked, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = _sigs2(lid, 0, 1);
        _selfCancel(lid);
        _assertState(lid, ITreasurySafe.ProposalState.Cancelled);
        vm.expectRevert(_stateError(lid, ITreasurySafe.ProposalState.Cancelled));
        safe.queue(leaked, SALT, sigs);
    }

    function test_cancel_SelfCancelWorksWhileFrozen() public {
        _guardianFreeze();
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.cancel, (id)));
        (, uint64 ceta) = _queue(c, SALT);
        assertEq(ceta, _now());
        safe.execute(c, SALT, 0);
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_RevertWhen_SelfCancelsExecuted() public {
        vm.warp(eta);
        safe.execute(calls, SALT, 0);
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.cancel, (id)));
        _queue(c, SALT);
        vm.expectRevert(_callFailed(0, address(safe), _stateError(id, ITreasurySafe.ProposalState.Executed)));
        safe.execute(c, SALT, 0);
    }
}
