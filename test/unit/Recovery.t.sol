// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {EvacuationBase} from "../utils/EvacuationBase.sol";

/// @notice SPEC §3.7, the destination: the recovery address and its backup, their validity, changes to them, and
///         the evacuation list.
/// initialize / owners / guardians
/// └── a recovery address (or backup) that is zero, the safe, an owner or a guardian: refused, also later
/// setRecovery
/// ├── never fast-tracked; any guardian cancels it while queued
/// ├── when run, only schedules: in force after max(delay, 7 days, longest cap period) and once accepted
/// ├── lapses if not accepted within the grace period; any guardian cancels it while scheduled
/// └── is never a faster exit than removing a cap
/// useBackupRecovery: a tightening (fast track), drops a scheduled change
/// addEvacuationAsset: a tightening; removeEvacuationAsset: waits the delay
contract RecoveryTest is EvacuationBase {
    address internal newRecovery = makeAddr("newRecovery");

    /*//////////////////////////////////////////////////////////////
                               VALIDITY
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_RecoveryIsZeroAnOwnerOrAGuardian() public {
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        address[3] memory bad = [address(0), owners[1], guardian];
        for (uint256 i; i < bad.length; ++i) {
            cfg.recovery = bad[i];
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, bad[i]));
            factory.createSafe(cfg, "v");
        }
        cfg = defaultConfig();
        cfg.backupRecovery = owners[0];
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, owners[0]));
        factory.createSafe(cfg, "v");
    }

    function test_RevertWhen_NewRecoveryIsTheSafe() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.setRecovery, (address(safe))));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, address(safe))
            )
        );
        _go();
    }

    function test_createSafe_AddressCommitsToTheRecoveryAddress() public view {
        ITreasurySafe.InitConfig memory a = defaultConfig();
        ITreasurySafe.InitConfig memory b = defaultConfig();
        b.recovery = newRecovery;
        assertTrue(factory.predictSafeAddress(a, "s") != factory.predictSafeAddress(b, "s"), "recovery");
        b = defaultConfig();
        b.backupRecovery = newRecovery;
        assertTrue(factory.predictSafeAddress(a, "s") != factory.predictSafeAddress(b, "s"), "backup");
    }

    /// Re-checked when owners or guardians change: the recovery address never becomes a spender or a sweeper.
    function test_RevertWhen_RecoveryBecomesAnOwnerOrGuardian() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.addGuardian, (recovery)));
        vm.expectRevert(
            _callFailed(
                0, address(safe), abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, recovery)
            )
        );
        _go();
        _prepareSelf(abi.encodeCall(ITreasurySafe.addOwner, (recovery, 2)));
        vm.expectRevert(
            _callFailed(
                0, address(safe), abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, recovery)
            )
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                          CHANGING THE ADDRESS
    //////////////////////////////////////////////////////////////*/

    /// Attack: M stolen keys redirect the recovery address to themselves.
    function test_setRecovery_NeverFastTrackedAndCancellableWhileQueued() public {
        ITreasurySafe.Call[] memory calls =
            _selfCall(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        (bytes32 id, uint64 eta,) = _queueAt(calls, "redirect");
        assertEq(eta, _now() + DELAY, "waits the delay");
        vm.prank(guardian);
        safe.cancel(id);
        _assertState(id, ITreasurySafe.ProposalState.Cancelled);
    }

    function test_setRecovery_OnlySchedulesAndNeedsAcceptance() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 effectiveAt = uint64(_now()) + 7 days; // max(2 days, 7 days, 1 day)
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.recovery, recovery, "not yet");
        assertEq(v.pending, newRecovery);
        assertEq(v.pendingEffectiveAt, effectiveAt);
        assertEq(v.pendingLapsesAt, effectiveAt + GRACE);
        // Its time comes, but it has not accepted: still the old address.
        vm.warp(effectiveAt);
        assertEq(safe.getRecovery().recovery, recovery);
        vm.prank(newRecovery);
        safe.acceptRecovery();
        v = safe.getRecovery();
        assertEq(v.recovery, newRecovery, "in force once accepted");
        assertTrue(v.accepted);
        assertEq(v.pending, address(0));
    }

    function test_setRecovery_LapsesWithoutAcceptance() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        vm.warp(_now() + 7 days + GRACE + 1);
        assertEq(safe.getRecovery().pending, address(0), "lapsed");
        vm.prank(newRecovery);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotRecoveryCandidate.selector, newRecovery));
        safe.acceptRecovery();
    }

    function test_cancelRecoveryChange_ByAnyGuardianWhileScheduled() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        vm.prank(newRecovery);
        safe.acceptRecovery();
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoveryChangeCancelled(newRecovery, guardian);
        vm.prank(guardian);
        safe.cancelRecoveryChange();
        vm.warp(_now() + 7 days);
        assertEq(safe.getRecovery().recovery, recovery);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, stranger));
        safe.cancelRecoveryChange();
    }

    /// Attack: stolen keys race a recovery change against a cap removal: the new destination is never the faster exit.
    function test_setRecovery_NeverFasterThanRemovingACap() public {
        // A 30-day cap on the token: its removal is in force one period after it runs.
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(listed), 1e18, 30 days)));
        ITreasurySafe.Call[] memory both = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (address(listed)))),
            _selfCall(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)))
        );
        _queueAndExecute(both, "race");
        (,, uint64 capGoneAt) = safe.scheduledCapChange(address(listed));
        assertGe(safe.getRecovery().pendingEffectiveAt, capGoneAt, "recovery change not faster");
        assertEq(safe.recoveryChangeWait(), 30 days);
    }

    /*//////////////////////////////////////////////////////////////
                                 BACKUP
    //////////////////////////////////////////////////////////////*/

    function test_useBackupRecovery_FastTrackedAndDropsAScheduledChange() public {
        address backup = makeAddr("backup");
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.backupRecovery = backup;
        safe = _deploySafe(cfg, "backup");
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        _fastTrack(abi.encodeCall(ITreasurySafe.useBackupRecovery, ()));
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.recovery, backup);
        assertEq(v.backup, address(0), "used up");
        assertEq(v.pending, address(0), "scheduled change dropped");
    }

    /*//////////////////////////////////////////////////////////////
                            EVACUATION LIST
    //////////////////////////////////////////////////////////////*/

    function test_evacuationList_AddIsFastRemoveWaits() public {
        MockERC20 t = new MockERC20("T", "T", 18);
        _fastTrack(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(t))));
        assertEq(safe.getRecovery().evacuationList.length, 2);
        ITreasurySafe.Call[] memory calls =
            _selfCall(abi.encodeCall(ITreasurySafe.removeEvacuationAsset, (address(t))));
        (, uint64 eta,) = _queueAt(calls, "rm");
        assertEq(eta, _now() + DELAY, "removal waits the delay");
    }

    function test_RevertWhen_EvacuationAssetIsNotAContract() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (stranger)));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidEvacuationAsset.selector, stranger)
            )
        );
        _go();
    }
}
