// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice Configuration setters: owners, threshold, guardians, delay, grace, freeze duration.
/// every setter
/// ├── when called from outside: it reverts NotSelf(caller)
/// ├── when it tightens: it runs on the fast track (eta = now)
/// ├── when it loosens on the fast track: execute reverts CallFailed(i, safe, LooseningNeedsDelay(selector))
/// ├── when it loosens after the full delay: it runs
/// └── when its arguments are out of bounds: execute reverts CallFailed(i, safe, <bounds error>)
/// owner and threshold changes bump the epoch (EpochChanged); older approvals stop counting
/// @dev Setter reverts surface wrapped, because the setter runs as a call inside execute.
contract ConfigTest is SafeUnitBase {
    address internal newOwner = makeAddr("newOwner");

    /// @dev Queues `data` as a one-call self batch (fast-tracked or delayed, as classified), waits for its
    ///      eta and expects execute to fail with `reason` from the setter.
    function _expectSetterRevert(bytes memory data, bytes memory reason) internal {
        _prepareSelf(data);
        vm.expectRevert(_callFailed(0, address(safe), reason));
        _go();
    }

    /// @dev Queues `queued` while it tightens (fast-tracked, eta = now), then tightens further with
    ///      `tightenMore`, so that `queued` would now loosen: executing it must be refused with
    ///      CallFailed(0, safe, LooseningNeedsDelay(selector)). This is how a loosening can reach a setter
    ///      on the fast track, since a batch that loosens when queued is not fast-tracked.
    function _expectLoosening(bytes memory queued, bytes memory tightenMore) internal {
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepare(_selfCall(queued), keccak256(queued));
        assertEq(eta, queuedAt, "tightening when queued: fast-tracked");
        _fastTrack(tightenMore);
        vm.expectRevert(_looseningFailed(0, bytes4(queued)));
        _go();
    }

    /// @dev Prepares a change that must wait the full delay: checks eta = now + delay and that eta - 1
    ///      is refused, then leaves the clock at the eta.
    function _prepareDelayed(bytes memory data) internal {
        uint256 queuedAt = _now();
        uint32 delay = safe.getConfig().delay;
        (bytes32 pid, uint64 eta) = _prepareSelf(data);
        assertEq(eta, queuedAt + delay, "should wait the delay");
        vm.warp(eta - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, pid, eta));
        _go();
        vm.warp(eta);
    }

    /*//////////////////////////////////////////////////////////////
                                ONLY SELF
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SettersCalledFromOutside() public {
        bytes[] memory calls = new bytes[](13);
        calls[0] = abi.encodeCall(ITreasurySafe.addOwner, (newOwner, 2));
        calls[1] = abi.encodeCall(ITreasurySafe.removeOwner, (owners[0], 2));
        calls[2] = abi.encodeCall(ITreasurySafe.swapOwner, (owners[0], newOwner));
        calls[3] = abi.encodeCall(ITreasurySafe.changeThreshold, (3));
        calls[4] = abi.encodeCall(ITreasurySafe.addGuardian, (newOwner));
        calls[5] = abi.encodeCall(ITreasurySafe.removeGuardian, (guardian));
        calls[6] = abi.encodeCall(ITreasurySafe.setDelay, (3 days));
        calls[7] = abi.encodeCall(ITreasurySafe.setGrace, (10 days));
        calls[8] = abi.encodeCall(ITreasurySafe.setFreezeDuration, (4 days));
        calls[9] = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 1 ether, 1 days));
        calls[10] = abi.encodeCall(ITreasurySafe.removeCap, (NATIVE));
        calls[11] = abi.encodeCall(ITreasurySafe.unfreeze, ());
        calls[12] = abi.encodeCall(ITreasurySafe.rearmGuardians, ());
        address[3] memory callers = [stranger, owners[0], guardian];
        for (uint256 i; i < calls.length; ++i) {
            for (uint256 j; j < callers.length; ++j) {
                vm.prank(callers[j]);
                (bool ok, bytes memory ret) = address(safe).call(calls[i]);
                assertFalse(ok);
                assertEq(ret, abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, callers[j]));
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 OWNERS
    //////////////////////////////////////////////////////////////*/

    function test_addOwner_WaitsTheDelayAndBumpsEpoch() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.addOwner, (newOwner, 3)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ThresholdChanged(3);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.EpochChanged(1);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.OwnerAdded(newOwner);
        _go();
        assertTrue(safe.isOwner(newOwner));
        assertEq(safe.getOwners().length, 4);
        assertEq(safe.getOwners()[3], newOwner);
        assertEq(safe.threshold(), 3);
        assertEq(safe.epoch(), 1);
    }

    function test_RevertWhen_AddOwnerInvalid() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addOwner, (owners[1], 2)),
            abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, owners[1])
        );
    }

    function test_RevertWhen_AddOwnerIsSafe() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addOwner, (address(safe), 2)),
            abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, address(safe))
        );
    }

    function test_RevertWhen_AddOwnerZero() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addOwner, (address(0), 2)),
            abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, address(0))
        );
    }

    function test_RevertWhen_AddOwnerThresholdTooHigh() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addOwner, (newOwner, 5)),
            abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 5, 4)
        );
    }

    function test_removeOwner_FastTrackWhenThresholdKept() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 2)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.EpochChanged(1);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.OwnerRemoved(owners[2]);
        _go();
        assertFalse(safe.isOwner(owners[2]));
        assertEq(safe.getOwners().length, 2);
        assertEq(safe.epoch(), 1);
    }

    function test_RevertWhen_RemoveOwnerLowersThresholdOnFastTrack() public {
        _expectLoosening(
            abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 2)),
            abi.encodeCall(ITreasurySafe.changeThreshold, (3))
        );
    }

    function test_removeOwner_LowerThresholdAfterDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 1)));
        _go();
        assertEq(safe.threshold(), 1);
    }

    function test_RevertWhen_RemoveOwnerNotFound() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.removeOwner, (stranger, 2)),
            abi.encodeWithSelector(ITreasurySafe.OwnerNotFound.selector, stranger)
        );
    }

    function test_RevertWhen_RemoveOwnerLeavesThresholdAboveCount() public {
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (3)));
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 3)));
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](3);
        bytes32 rid = safe.hashProposal(c, SALT, 1);
        for (uint256 i; i < 3; ++i) {
            sigs[i] = _sigOf(i, rid);
        }
        safe.queue(c, SALT, sigs);
        vm.expectRevert(
            _callFailed(
                0, address(safe), abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 3, 2)
            )
        );
        safe.execute(c, SALT, 1);
    }

    function test_swapOwner_WaitsTheDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.swapOwner, (owners[0], newOwner)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.OwnerRemoved(owners[0]);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.OwnerAdded(newOwner);
        _go();
        assertFalse(safe.isOwner(owners[0]));
        assertTrue(safe.isOwner(newOwner));
        // Same position: indices of the other owners do not move.
        assertEq(safe.getOwners()[0], newOwner);
        assertEq(safe.epoch(), 1);
    }

    function test_RevertWhen_SwapOwnerNotFound() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.swapOwner, (stranger, newOwner)),
            abi.encodeWithSelector(ITreasurySafe.OwnerNotFound.selector, stranger)
        );
    }

    function test_RevertWhen_SwapToExistingOwner() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.swapOwner, (owners[0], owners[1])),
            abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, owners[1])
        );
    }

    /*//////////////////////////////////////////////////////////////
                               THRESHOLD
    //////////////////////////////////////////////////////////////*/

    function test_changeThreshold_RaiseOnFastTrack() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.changeThreshold, (3)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ThresholdChanged(3);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.EpochChanged(1);
        _go();
        assertEq(safe.threshold(), 3);
    }

    function test_RevertWhen_LowerThresholdOnFastTrack() public {
        _expectLoosening(
            abi.encodeCall(ITreasurySafe.changeThreshold, (2)),
            abi.encodeCall(ITreasurySafe.changeThreshold, (3))
        );
    }

    function test_changeThreshold_LowerAfterDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.changeThreshold, (1)));
        _go();
        assertEq(safe.threshold(), 1);
        assertEq(safe.epoch(), 1);
    }

    /// @dev The track is decided by the argument the setter will decode, not by bytes after it: a lowering with a
    ///      high trailing word waits the delay (and then runs), where reading the last word fast-tracked it into a
    ///      batch the setter refused at execution.
    function test_changeThreshold_TrailingBytesDoNotFastTrackALowering() public {
        _prepareDelayed(
            bytes.concat(abi.encodeCall(ITreasurySafe.changeThreshold, (1)), abi.encode(uint256(3)))
        );
        _go();
        assertEq(safe.threshold(), 1);
    }

    /// @dev ...and a raise with a low trailing word stays on the fast track and runs.
    function test_changeThreshold_TrailingBytesDoNotDelayARaise() public {
        _fastTrack(bytes.concat(abi.encodeCall(ITreasurySafe.changeThreshold, (3)), abi.encode(uint256(0))));
        assertEq(safe.threshold(), 3);
    }

    /// @dev removeOwner's threshold is its second argument, wherever the calldata ends.
    function test_removeOwner_TrailingBytesDoNotDecideTheTrack() public {
        _fastTrack(
            bytes.concat(abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 2)), abi.encode(uint256(0)))
        );
        assertFalse(safe.isOwner(owners[2]));
        _prepareDelayed(
            bytes.concat(abi.encodeCall(ITreasurySafe.removeOwner, (owners[1], 1)), abi.encode(uint256(2)))
        );
        _go();
        assertFalse(safe.isOwner(owners[1]));
        assertEq(safe.threshold(), 1);
    }

    function test_RevertWhen_ThresholdAboveOwners() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.changeThreshold, (4)),
            abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 4, 3)
        );
    }

    function test_RevertWhen_ThresholdZeroAfterDelay() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.changeThreshold, (0)),
            abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 0, 3)
        );
    }

    function test_changeThreshold_EpochBumpInvalidatesOlderApprovals() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        bytes32 oldId = safe.hashProposal(c, SALT, 0);
        ITreasurySafe.Signature[] memory oldSigs = _sigs2(oldId, 0, 1);
        vm.prank(owners[0]);
        safe.propose(c, SALT);
        vm.prank(owners[1]);
        safe.approve(oldId);
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        _assertState(oldId, ITreasurySafe.ProposalState.Stale);
        bytes32 newId = safe.hashProposal(c, SALT, 1);
        assertTrue(newId != oldId);
        // Old signatures sign the old id: they do not verify for the new one.
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[0]));
        safe.queue(c, SALT, oldSigs);
        // Fresh approvals under the new epoch do.
        safe.queue(c, SALT, _sigs2(newId, 0, 1));
        _assertState(newId, ITreasurySafe.ProposalState.Queued);
    }

    /*//////////////////////////////////////////////////////////////
                               GUARDIANS
    //////////////////////////////////////////////////////////////*/

    function test_addGuardian_OnFastTrack() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.addGuardian, (newOwner)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.GuardianAdded(newOwner);
        _go();
        assertTrue(safe.isGuardian(newOwner));
        assertEq(safe.getGuardians().length, 2);
        assertEq(safe.epoch(), 0, "guardians do not bump the epoch");
    }

    function test_RevertWhen_AddGuardianInvalid() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addGuardian, (guardian)),
            abi.encodeWithSelector(ITreasurySafe.InvalidGuardian.selector, guardian)
        );
    }

    function test_RevertWhen_AddGuardianIsSafe() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.addGuardian, (address(safe))),
            abi.encodeWithSelector(ITreasurySafe.InvalidGuardian.selector, address(safe))
        );
    }

    function test_RevertWhen_TooManyGuardiansAdded() public {
        ITreasurySafe.Call[] memory c = new ITreasurySafe.Call[](8);
        for (uint160 i; i < 8; ++i) {
            c[i] = ITreasurySafe.Call({
                target: address(safe),
                value: 0,
                data: abi.encodeCall(ITreasurySafe.addGuardian, (address(0x2000 + i)))
            });
        }
        _queue(c, SALT);
        vm.expectRevert(
            _callFailed(7, address(safe), abi.encodeWithSelector(ITreasurySafe.TooManyGuardians.selector, 8))
        );
        safe.execute(c, SALT, 0);
    }

    function test_removeGuardian_WaitsTheDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.GuardianRemoved(guardian);
        _go();
        assertFalse(safe.isGuardian(guardian));
        assertEq(safe.getGuardians().length, 0);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, guardian));
        safe.freeze();
    }

    function test_RevertWhen_RemoveGuardianNotFound() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.removeGuardian, (stranger)),
            abi.encodeWithSelector(ITreasurySafe.GuardianNotFound.selector, stranger)
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 DELAY
    //////////////////////////////////////////////////////////////*/

    function test_setDelay_LongerOnFastTrack() public {
        _fastTrack(abi.encodeCall(ITreasurySafe.setDelay, (5 days)));
        assertEq(safe.getConfig().delay, 5 days);
        // The next ordinary proposal waits the new delay.
        (, uint64 eta) = _queue(_ethTransfer(recipient, 1), SALT);
        assertEq(eta, _now() + 5 days);
    }

    function test_RevertWhen_ShorterDelayOnFastTrack() public {
        _expectLoosening(
            abi.encodeCall(ITreasurySafe.setDelay, (3 days)), abi.encodeCall(ITreasurySafe.setDelay, (5 days))
        );
    }

    function test_setDelay_ShorterAfterDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.setDelay, (1 days)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.DelayChanged(1 days);
        _go();
        assertEq(safe.getConfig().delay, 1 days);
    }

    function test_RevertWhen_DelayAboveMax() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setDelay, (30 days + 1)),
            abi.encodeWithSelector(ITreasurySafe.DelayOutOfBounds.selector, 30 days + 1, 1 hours, 30 days)
        );
    }

    function test_RevertWhen_DelayBelowMin() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setDelay, (1 hours - 1)),
            abi.encodeWithSelector(ITreasurySafe.DelayOutOfBounds.selector, 1 hours - 1, 1 hours, 30 days)
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 GRACE
    //////////////////////////////////////////////////////////////*/

    function test_setGrace_ShorterOnFastTrack() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.setGrace, (7 days)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.GraceChanged(7 days);
        _go();
        assertEq(safe.getConfig().grace, 7 days);
    }

    function test_RevertWhen_LongerGraceOnFastTrack() public {
        _expectLoosening(
            abi.encodeCall(ITreasurySafe.setGrace, (10 days)),
            abi.encodeCall(ITreasurySafe.setGrace, (7 days))
        );
    }

    function test_setGrace_LongerAfterDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.setGrace, (30 days)));
        _go();
        assertEq(safe.getConfig().grace, 30 days);
    }

    function test_RevertWhen_GraceShorterThanFreeze() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setGrace, (FREEZE - 1)),
            abi.encodeWithSelector(ITreasurySafe.GraceShorterThanFreeze.selector, FREEZE - 1, FREEZE)
        );
    }

    function test_RevertWhen_GraceAboveMax() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setGrace, (90 days + 1)),
            abi.encodeWithSelector(ITreasurySafe.GraceOutOfBounds.selector, 90 days + 1, 1 hours, 90 days)
        );
    }

    /*//////////////////////////////////////////////////////////////
                            FREEZE DURATION
    //////////////////////////////////////////////////////////////*/

    function test_setFreezeDuration_LongerOnFastTrack() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.setFreezeDuration, (5 days)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.FreezeDurationChanged(5 days);
        _go();
        assertEq(safe.getConfig().freezeDuration, 5 days);
        assertEq(_guardianFreeze(), _now() + 5 days);
    }

    function test_RevertWhen_ShorterFreezeOnFastTrack() public {
        _expectLoosening(
            abi.encodeCall(ITreasurySafe.setFreezeDuration, (4 days)),
            abi.encodeCall(ITreasurySafe.setFreezeDuration, (5 days))
        );
    }

    function test_setFreezeDuration_ShorterAfterDelay() public {
        _prepareDelayed(abi.encodeCall(ITreasurySafe.setFreezeDuration, (1 days)));
        _go();
        assertEq(safe.getConfig().freezeDuration, 1 days);
    }

    function test_RevertWhen_FreezeDurationAboveMax() public {
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setFreezeDuration, (14 days + 1)),
            abi.encodeWithSelector(
                ITreasurySafe.FreezeDurationOutOfBounds.selector, 14 days + 1, 1 hours, 14 days
            )
        );
    }

    function test_RevertWhen_FreezeLongerThanGrace() public {
        _fastTrack(abi.encodeCall(ITreasurySafe.setGrace, (4 days)));
        _expectSetterRevert(
            abi.encodeCall(ITreasurySafe.setFreezeDuration, (5 days)),
            abi.encodeWithSelector(ITreasurySafe.GraceShorterThanFreeze.selector, 4 days, 5 days)
        );
    }

    /*//////////////////////////////////////////////////////////////
                        FAST-TRACK IS RE-CHECKED
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SecondStepOfFastBatchLoosensRelativeToFirst() public {
        // 2d → 5d tightens, then 5d → 3d loosens relative to the state at that point.
        ITreasurySafe.Call[] memory c = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (5 days))),
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days)))
        );
        (, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now());
        vm.expectRevert(_looseningFailed(1, ITreasurySafe.setDelay.selector));
        safe.execute(c, SALT, 0);
    }

    function test_RevertWhen_FastTrackedChangeBecameLooseningBeforeExecution() public {
        // Queued as tightening (2d → 3d), but the delay rose to 5d meanwhile: at execution it would loosen.
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days)));
        _queue(c, bytes32("later"));
        _fastTrack(abi.encodeCall(ITreasurySafe.setDelay, (5 days)));
        vm.expectRevert(_looseningFailed(0, ITreasurySafe.setDelay.selector));
        safe.execute(c, bytes32("later"), 0);
    }

    /// A removed guardian keeps no evacuation power; nor does any other non-guardian, the zero address included.
    function test_removeGuardian_LeavesNoEvacuationPower() public {
        assertEq(
            safe.evacuationPowerAt(guardian), 1_750_000_000, "the deployment's guardian: from deployment"
        );
        assertEq(safe.evacuationPowerAt(stranger), 0);
        assertEq(safe.evacuationPowerAt(address(0)), 0);
        assertFalse(safe.isGuardian(address(0)));
        _prepareDelayed(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        _go();
        assertEq(safe.evacuationPowerAt(guardian), 0, "removed: no power");
        assertFalse(safe.isGuardian(guardian));
    }
}
