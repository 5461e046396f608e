// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ITreasurySafe.propose and ITreasurySafe.approve.
/// propose
/// ├── when the caller is not an owner: it reverts NotOwner(caller)
/// ├── when the batch is empty: it reverts EmptyBatch
/// ├── when the id exists already (any state): it reverts InvalidProposalState(id, state)
/// └── otherwise: it records the proposal under the current epoch with the proposer's approval and emits
///     ProposalCreated (full calls) then ProposalApproved; it works while frozen
/// approve
/// ├── when the caller is not an owner: it reverts NotOwner(caller)
/// ├── when the id is not Proposed: it reverts InvalidProposalState(id, state)
/// ├── when the proposal is from an older epoch: it reverts StaleProposal(id, proposalEpoch, currentEpoch)
/// ├── when the owner already approved: it reverts AlreadyApproved(id, owner)
/// └── otherwise: it sets the owner's bit and emits ProposalApproved
contract ProposeTest is SafeUnitBase {
    ITreasurySafe.Call[] internal calls;

    function setUp() public override {
        super.setUp();
        calls.push(ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""}));
    }

    function _propose(uint256 ownerIndex) internal returns (bytes32) {
        vm.prank(owners[ownerIndex]);
        return safe.propose(calls, SALT);
    }

    /*//////////////////////////////////////////////////////////////
                                PROPOSE
    //////////////////////////////////////////////////////////////*/

    function test_propose_RecordsProposalWithProposerApproval() public {
        bytes32 id = _propose(1);
        assertEq(id, safe.hashProposal(calls, SALT, 0));
        ITreasurySafe.ProposalView memory p = safe.getProposal(id);
        assertEq(uint8(p.state), uint8(ITreasurySafe.ProposalState.Proposed));
        assertEq(p.epoch, 0);
        assertEq(p.approvals, 1 << 1);
        assertEq(p.eta, 0);
        assertEq(p.expiresAt, 0);
        assertFalse(p.fastTrack);
        assertFalse(p.guardianProtected);
        assertTrue(safe.hasApproved(id, owners[1]));
        assertFalse(safe.hasApproved(id, owners[0]));
        assertFalse(safe.hasApproved(id, stranger));
    }

    function test_propose_EmitsCreatedWithFullCallsThenApproved() public {
        bytes32 id = safe.hashProposal(calls, SALT, 0);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalCreated(id, owners[0], 0, SALT, calls);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalApproved(id, owners[0]);
        _propose(0);
    }

    function test_propose_ClassifiesFastTrackAndGuardianProtected() public {
        vm.startPrank(owners[0]);
        bytes32 fast = safe.propose(_selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days))), SALT);
        bytes32 prot = safe.propose(_selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))), SALT);
        vm.stopPrank();
        assertTrue(safe.getProposal(fast).fastTrack);
        assertFalse(safe.getProposal(fast).guardianProtected);
        assertTrue(safe.getProposal(prot).guardianProtected);
        assertFalse(safe.getProposal(prot).fastTrack);
    }

    function test_propose_WorksWhileFrozen() public {
        _guardianFreeze();
        bytes32 id = _propose(0);
        _assertState(id, ITreasurySafe.ProposalState.Proposed);
    }

    function test_RevertWhen_ProposerNotOwner() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, stranger));
        safe.propose(calls, SALT);
    }

    function test_RevertWhen_ProposerIsGuardian() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, guardian));
        safe.propose(calls, SALT);
    }

    function test_RevertWhen_ProposingEmptyBatch() public {
        vm.prank(owners[0]);
        vm.expectRevert(ITreasurySafe.EmptyBatch.selector);
        safe.propose(new ITreasurySafe.Call[](0), SALT);
    }

    function test_RevertWhen_ProposedTwice() public {
        bytes32 id = _propose(0);
        vm.prank(owners[1]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Proposed));
        safe.propose(calls, SALT);
    }

    function test_RevertWhen_ProposingCancelledId() public {
        bytes32 id = _propose(0);
        vm.prank(guardian);
        safe.cancel(id);
        vm.prank(owners[0]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Cancelled));
        safe.propose(calls, SALT);
    }

    function test_RevertWhen_ProposingQueuedId() public {
        (bytes32 id,) = _queue(calls, SALT);
        vm.prank(owners[2]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Queued));
        safe.propose(calls, SALT);
    }

    /*//////////////////////////////////////////////////////////////
                                APPROVE
    //////////////////////////////////////////////////////////////*/

    function test_approve_SetsBitAndEmits() public {
        bytes32 id = _propose(0);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalApproved(id, owners[2]);
        vm.prank(owners[2]);
        safe.approve(id);
        assertEq(safe.getProposal(id).approvals, (1 << 0) | (1 << 2));
        assertTrue(safe.hasApproved(id, owners[2]));
        // Approvals alone never queue: the state stays Proposed until someone calls queue.
        _assertState(id, ITreasurySafe.ProposalState.Proposed);
    }

    function test_RevertWhen_ApproverNotOwner() public {
        bytes32 id = _propose(0);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, stranger));
        safe.approve(id);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, guardian));
        safe.approve(id);
    }

    function test_RevertWhen_ApprovingTwice() public {
        bytes32 id = _propose(0);
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AlreadyApproved.selector, id, owners[0]));
        safe.approve(id);
    }

    function test_RevertWhen_ApprovingUnknownId() public {
        bytes32 id = keccak256("nothing");
        vm.prank(owners[0]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Unknown));
        safe.approve(id);
    }

    function test_RevertWhen_ApprovingQueuedId() public {
        (bytes32 id,) = _queue(calls, SALT);
        vm.prank(owners[2]);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Queued));
        safe.approve(id);
    }

    function test_RevertWhen_ApprovingStaleProposal() public {
        bytes32 id = _propose(0);
        // Same threshold: a tightening no-op that still bumps the epoch.
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        assertEq(safe.epoch(), 1);
        _assertState(id, ITreasurySafe.ProposalState.Stale);
        assertFalse(safe.hasApproved(id, owners[0]), "old-epoch approvals no longer count");
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.StaleProposal.selector, id, 0, 1));
        safe.approve(id);
    }
}
