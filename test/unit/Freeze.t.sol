// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ITreasurySafe.freeze, unfreeze and rearmGuardians.
/// freeze
/// ├── by an armed guardian: frozenUntil = now + freezeDuration, guardians disarmed, SafeFrozen(guardian, until)
/// ├── by a disarmed guardian: it reverts GuardiansDisarmed (one shot)
/// ├── by anyone else: it reverts NotGuardian(caller)
/// ├── by the safe (owners' fast-tracked proposal): freezes without disarming the guardians
/// ├── when already frozen at least as long: it reverts AlreadyFrozen(until)
/// └── while frozen: queue and execute revert Frozen(until), except unfreeze/cancel batches; at `until`
///     the freeze has ended by itself
/// unfreeze: only the safe (NotSelf), fast-tracked and allowed while frozen; NotFrozen when not frozen
/// rearmGuardians: only the safe (NotSelf), fast-tracked; re-enables the guardians' one shot
contract FreezeTest is SafeUnitBase {
    function test_freeze_ByGuardian() public {
        uint64 until = uint64(_now()) + FREEZE;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.SafeFrozen(guardian, until);
        vm.prank(guardian);
        safe.freeze();
        assertEq(safe.frozenUntil(), until);
        assertFalse(safe.getConfig().guardiansArmed);
    }

    function test_RevertWhen_FreezerNotGuardian() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, stranger));
        safe.freeze();
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, owners[0]));
        safe.freeze();
    }

    function test_RevertWhen_GuardianFreezesTwice() public {
        uint64 until = _guardianFreeze();
        // While frozen…
        vm.prank(guardian);
        vm.expectRevert(ITreasurySafe.GuardiansDisarmed.selector);
        safe.freeze();
        // …and after it ended.
        vm.warp(until + 1 days);
        vm.prank(guardian);
        vm.expectRevert(ITreasurySafe.GuardiansDisarmed.selector);
        safe.freeze();
    }

    function test_RevertWhen_AnyGuardianFreezesAfterTheShotIsSpent() public {
        address second = makeAddr("second");
        _fastTrack(abi.encodeCall(ITreasurySafe.addGuardian, (second)));
        uint64 until = _guardianFreeze();
        vm.warp(until);
        vm.prank(second);
        vm.expectRevert(ITreasurySafe.GuardiansDisarmed.selector);
        safe.freeze();
    }

    function test_freeze_EndsByItselfAtUntil() public {
        uint64 until = _guardianFreeze();
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        ITreasurySafe.Signature[] memory sigs = _signatures(safe, c, SALT, 2);
        vm.warp(until - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.queue(c, SALT, sigs);
        vm.warp(until);
        safe.queue(c, SALT, sigs);
    }

    function test_RevertWhen_ExecutingWhileFrozen_ThenAfterExpiry() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        (, uint64 eta) = _queue(c, SALT);
        // Frozen one second before the eta: grace >= freezeDuration keeps the proposal executable after.
        vm.warp(eta - 1);
        uint64 until = _guardianFreeze();
        vm.warp(eta);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.execute(c, SALT, 0);
        vm.warp(until);
        safe.execute(c, SALT, 0);
        assertEq(recipient.balance, 1 ether);
    }

    function test_freeze_ByOwnersKeepsGuardiansArmed() public {
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.freeze, ()));
        _queue(c, SALT);
        uint64 until = uint64(_now()) + FREEZE;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.SafeFrozen(address(safe), until);
        safe.execute(c, SALT, 0);
        assertEq(safe.frozenUntil(), until);
        assertTrue(safe.getConfig().guardiansArmed);
        // A guardian freezing in the same second would not extend it, and keeps its shot.
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AlreadyFrozen.selector, until));
        safe.freeze();
        assertTrue(safe.getConfig().guardiansArmed);
    }

    /// A guardian's freeze never shortens a running one: after the owners froze and shortened the freeze duration in
    /// the same batch, a guardian's later freeze would end sooner, so it is refused and keeps its shot.
    function test_RevertWhen_GuardianFreezeWouldShortenTheOwnersFreeze() public {
        ITreasurySafe.Call[] memory c = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.freeze, ())),
            _selfCall(abi.encodeCall(ITreasurySafe.setFreezeDuration, (1 days)))
        );
        // A shorter freeze is a loosening: the batch waits the delay.
        (, uint64 eta) = _queue(c, SALT);
        vm.warp(eta);
        uint64 until = eta + FREEZE;
        safe.execute(c, SALT, 0);
        assertEq(safe.getConfig().freezeDuration, 1 days);
        vm.warp(_now() + 1 hours);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AlreadyFrozen.selector, until));
        safe.freeze();
        assertEq(safe.frozenUntil(), until, "not shortened");
        assertTrue(safe.getConfig().guardiansArmed);
    }

    /*//////////////////////////////////////////////////////////////
                                UNFREEZE
    //////////////////////////////////////////////////////////////*/

    function test_unfreeze_ByFastTrackWhileFrozen() public {
        _guardianFreeze();
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.unfreeze, ()));
        (bytes32 uid, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now());
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.SafeUnfrozen();
        safe.execute(c, SALT, 0);
        _assertState(uid, ITreasurySafe.ProposalState.Executed);
        assertEq(safe.frozenUntil(), 0);
        // Unfreezing does not re-arm: that is a separate decision.
        assertFalse(safe.getConfig().guardiansArmed);
        _queueAndExecute(_ethTransfer(recipient, 1 ether), SALT);
        assertEq(recipient.balance, 1 ether);
    }

    /// @notice F-5: a rogue guardian that froze the safe cannot cancel the owners' [unfreeze] between their
    ///         `queue` and `execute` transactions: such a batch is guardian-protected.
    function test_unfreeze_GuardianCannotBlockOwnersEarlyExit() public {
        _guardianFreeze();
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.unfreeze, ()));
        (bytes32 uid,) = _queue(c, SALT);
        assertTrue(safe.getProposal(uid).guardianProtected);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, uid));
        safe.cancel(uid);
        safe.execute(c, SALT, 0);
        _assertState(uid, ITreasurySafe.ProposalState.Executed);
        assertEq(safe.frozenUntil(), 0);
    }

    function test_RevertWhen_UnfreezingWhenNotFrozen() public {
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.unfreeze, ()));
        _queue(c, SALT);
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.NotFrozen.selector))
        );
        safe.execute(c, SALT, 0);
    }

    function test_RevertWhen_QueueingUnfreezeBundledWhileFrozen() public {
        uint64 until = _guardianFreeze();
        ITreasurySafe.Call[] memory c = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.unfreeze, ())),
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days)))
        );
        ITreasurySafe.Signature[] memory sigs = _signatures(safe, c, SALT, 2);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.queue(c, SALT, sigs);
    }

    function test_RevertWhen_UnfreezeOrRearmNotSelf() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, guardian));
        safe.unfreeze();
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, owners[0]));
        safe.rearmGuardians();
    }

    /*//////////////////////////////////////////////////////////////
                                 RE-ARM
    //////////////////////////////////////////////////////////////*/

    function test_rearmGuardians_RestoresTheShot() public {
        uint64 until = _guardianFreeze();
        vm.warp(until);
        _prepareSelf(abi.encodeCall(ITreasurySafe.rearmGuardians, ()));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.GuardiansRearmed();
        _go();
        assertTrue(safe.getConfig().guardiansArmed);
        uint64 again = _guardianFreeze();
        assertEq(again, _now() + FREEZE);
        assertFalse(safe.getConfig().guardiansArmed);
    }
}
