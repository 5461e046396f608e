// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {ReentrantReceiver} from "../mocks/ReentrantReceiver.sol";
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
        _goExpectingSelfCallError(
            abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, address(safe))
        );
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
        _goExpectingSelfCallError(abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, recovery));
        _prepareSelf(abi.encodeCall(ITreasurySafe.addOwner, (recovery, 2)));
        _goExpectingSelfCallError(abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, recovery));
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
        _prepareSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 effectiveAt = uint64(_now()) + 7 days; // max(2 days, 7 days, 1 day)
        // Watchers and the new address learn of the change, and of its window, from the event.
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoveryChangeScheduled(newRecovery, effectiveAt, effectiveAt + GRACE);
        _go();
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

    /// Accepting once its time has come writes the change at once (RecoverySet) and clears the scheduled slot, so no
    /// stale change is left behind in storage (`_pending`, slot 63 of snapshots/storage-layout.json).
    function test_acceptRecovery_AfterItsTimeWritesTheChangeAndClearsIt() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        vm.warp(_now() + 7 days); // max(2 days, 7 days, 1 day)
        assertTrue(safe.extsload(bytes32(uint256(63))) != bytes32(0), "scheduled");
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoveryAccepted(newRecovery);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoverySet(newRecovery, address(0));
        vm.prank(newRecovery);
        safe.acceptRecovery();
        assertEq(safe.extsload(bytes32(uint256(63))), bytes32(0), "no stale scheduled change");
        assertEq(safe.getRecovery().recovery, newRecovery);
    }

    /// An accepted change stays in force after its time, not only at it: an evacuation an hour later, before any
    /// transaction wrote the change, sweeps to the new address.
    function test_evacuate_SweepsToAnAcceptedChangeAfterItsTime() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 effectiveAt = uint64(_now()) + 7 days; // max(2 days, 7 days, 1 day)
        vm.prank(newRecovery);
        safe.acceptRecovery();
        vm.warp(effectiveAt + 1 hours);
        _evacuate();
        assertEq(newRecovery.balance, 100 ether);
        assertEq(recovery.balance, 0);
    }

    /// A change in force can no longer be cancelled, at its time and after it, even before a transaction writes it.
    function test_RevertWhen_GuardianCancelsARecoveryChangeInForce() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 effectiveAt = uint64(_now()) + 7 days;
        vm.prank(newRecovery);
        safe.acceptRecovery();
        vm.warp(effectiveAt);
        vm.prank(guardian);
        vm.expectRevert(ITreasurySafe.NoRecoveryChange.selector);
        safe.cancelRecoveryChange();
        vm.warp(effectiveAt + 1 hours);
        vm.prank(guardian);
        vm.expectRevert(ITreasurySafe.NoRecoveryChange.selector);
        safe.cancelRecoveryChange();
        assertEq(safe.getRecovery().recovery, newRecovery);
    }

    /// The window to accept includes its last second, `lapsesAt` (as the lens's `getRecovery` shows it).
    function test_acceptRecovery_AtTheLastSecondOfItsWindow() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 lapsesAt = safe.getRecovery().pendingLapsesAt;
        assertEq(lapsesAt, uint64(_now()) + 7 days + GRACE);
        vm.warp(lapsesAt);
        assertEq(safe.getRecovery().pending, newRecovery, "still scheduled");
        vm.prank(newRecovery);
        safe.acceptRecovery();
        assertEq(safe.getRecovery().recovery, newRecovery, "in force: its time has come and it accepted");
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
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.useBackupRecovery, ()));
        assertEq(eta, _now(), "fast-tracked");
        // The switch is announced like any recovery change in force (the backup slot is used up).
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoverySet(backup, address(0));
        _go();
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.recovery, backup);
        assertEq(v.backup, address(0), "used up");
        assertEq(v.pending, address(0), "scheduled change dropped");
    }

    /*//////////////////////////////////////////////////////////////
                            EVACUATION LIST
    //////////////////////////////////////////////////////////////*/

    /// Adding is fast-tracked and announced; removing waits the delay and leaves no stale entry behind the list's end
    /// (`_evacuationList` is slot 64 of snapshots/storage-layout.json, entry i at slot 64 + i).
    function test_evacuationList_AddIsFastRemoveWaits() public {
        MockERC20 t = new MockERC20("T", "T", 18);
        (, uint64 addEta) = _prepareSelf(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(t))));
        assertEq(addEta, _now(), "adding is fast-tracked");
        vm.expectEmit(address(safe));
        emit ITreasurySafe.EvacuationAssetAdded(address(t));
        _go();
        assertEq(safe.getRecovery().evacuationList.length, 2);
        assertEq(safe.extsload(bytes32(uint256(65))), bytes32(uint256(uint160(address(t)))), "second entry");
        ITreasurySafe.Call[] memory calls =
            _selfCall(abi.encodeCall(ITreasurySafe.removeEvacuationAsset, (address(t))));
        (, uint64 eta, uint32 epoch) = _queueAt(calls, "rm");
        assertEq(eta, _now() + DELAY, "removal waits the delay");
        vm.warp(eta);
        safe.execute(calls, "rm", epoch);
        assertEq(safe.getRecovery().evacuationList.length, 1);
        assertEq(safe.extsload(bytes32(uint256(65))), bytes32(0), "no stale entry after the list's end");
    }

    function test_RevertWhen_EvacuationAssetIsNotAContract() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (stranger)));
        _goExpectingSelfCallError(
            abi.encodeWithSelector(ITreasurySafe.InvalidEvacuationAsset.selector, stranger)
        );
    }

    /*//////////////////////////////////////////////////////////////
                      BACKUP, LIST AND SCHEDULE EDGES
    //////////////////////////////////////////////////////////////*/

    /// A backup equal to the recovery address would be no backup: the factory refuses it.
    function test_RevertWhen_BackupIsTheRecoveryAddress() public {
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.backupRecovery = recovery;
        address predicted = factory.predictSafeAddress(cfg, "same");
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidRecovery.selector, recovery));
        factory.createSafe(cfg, "same");
        assertEq(predicted.code.length, 0, "nothing deployed");
    }

    /// Switching to a backup needs one: without it the fast-tracked switch fails and the recovery address stays.
    function test_RevertWhen_UseBackupRecoveryWithoutABackup() public {
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.useBackupRecovery, ()));
        assertEq(eta, _now(), "a tightening: fast-tracked");
        _goExpectingSelfCallError(abi.encodeWithSelector(ITreasurySafe.NoRecoveryChange.selector));
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.recovery, recovery);
        assertEq(v.backup, address(0));
    }

    /// The backup may accept ahead of need; its acceptance carries over, so once switched to it sweeps at once.
    function test_acceptRecovery_ByTheBackupCarriesOverToTheSwitch() public {
        address backup = makeAddr("backup");
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.backupRecovery = backup;
        safe = _deploySafe(cfg, "backup");
        vm.deal(address(safe), 100 ether);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoveryAccepted(backup);
        vm.prank(backup);
        safe.acceptRecovery();
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertTrue(v.backupAccepted, "the backup accepted");
        assertEq(v.recovery, recovery, "the recovery address is unchanged");
        assertFalse(v.accepted, "and has not accepted");
        _fastTrack(abi.encodeCall(ITreasurySafe.useBackupRecovery, ()));
        v = safe.getRecovery();
        assertEq(v.recovery, backup);
        assertTrue(v.accepted, "its acceptance carried over");
        _evacuate();
        assertEq(backup.balance, 100 ether, "swept to the backup at once");
    }

    /// Attack: a guardian contract paid by a batch cancels from inside it. Outsiders never act mid-execution; the
    /// same guardian cancels once the batch is over.
    function test_RevertWhen_CancelRecoveryChangeFromInsideABatch() public {
        ReentrantReceiver sentinel = new ReentrantReceiver();
        _fastTrack(abi.encodeCall(ITreasurySafe.addGuardian, (address(sentinel))));
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        sentinel.arm(address(safe), abi.encodeCall(ITreasurySafe.cancelRecoveryChange, ()), true);
        _prepare(_ethTransfer(address(sentinel), 1 ether), "pay");
        vm.expectRevert(
            _callFailed(0, address(sentinel), abi.encodeWithSelector(ITreasurySafe.Reentrant.selector))
        );
        _go();
        assertEq(safe.getRecovery().pending, newRecovery, "still scheduled");
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoveryChangeCancelled(newRecovery, address(sentinel));
        sentinel.exec(address(safe), abi.encodeCall(ITreasurySafe.cancelRecoveryChange, ()));
        assertEq(safe.getRecovery().pending, address(0));
    }

    /// A change that accepted early is the recovery address in the views the moment its time comes, before any
    /// transaction writes it; the next sweep writes it and sends there.
    function test_getRecovery_AcceptedChangeInForceBeforeItIsWritten() public {
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        uint64 effectiveAt = uint64(_now()) + 7 days; // max(2 days, 7 days, 1 day)
        vm.prank(newRecovery);
        safe.acceptRecovery();
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.recovery, recovery, "not before its time");
        assertEq(v.pending, newRecovery);
        assertTrue(v.pendingAccepted);
        vm.warp(effectiveAt);
        v = safe.getRecovery();
        assertEq(v.recovery, newRecovery, "in force");
        assertTrue(v.accepted);
        assertEq(v.pending, address(0), "no longer pending");
        vm.expectEmit(address(safe));
        emit ITreasurySafe.RecoverySet(newRecovery, address(0));
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SafeEvacuated(guardian, guardian, 1, newRecovery);
        _evacuate();
        assertEq(newRecovery.balance, 100 ether);
        assertEq(recovery.balance, 0);
    }

    /// A longer period only scheduled for a cap counts too: a batch that lengthens a cap's period (in force a day
    /// later) and changes the recovery address waits the new period, so the new destination is never faster than
    /// removing that cap.
    function test_setRecovery_WaitsALongerCapPeriodStillScheduled() public {
        ITreasurySafe.Call[] memory both = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, 30 days))),
            _selfCall(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)))
        );
        _queueAndExecute(both, "longer");
        (, uint32 nextPeriod, uint64 nextAt) = safe.scheduledCapChange(NATIVE);
        assertEq(nextPeriod, 30 days);
        assertEq(nextAt, _now() + CAP_PERIOD, "scheduled, not yet in force");
        assertEq(safe.recoveryChangeWait(), 30 days);
        assertEq(safe.getRecovery().pendingEffectiveAt, _now() + 30 days);
    }

    /// Removing waits the delay; then the asset is no longer swept, and the last entry takes its place.
    function test_removeEvacuationAsset_AfterTheDelayItIsNoLongerSwept() public {
        MockERC20 second = new MockERC20("Second", "SND", 18);
        MockERC20 third = new MockERC20("Third", "TRD", 18);
        second.mint(address(safe), 2e18);
        third.mint(address(safe), 3e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(second))));
        _fastTrack(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(third))));
        ITreasurySafe.Call[] memory calls =
            _selfCall(abi.encodeCall(ITreasurySafe.removeEvacuationAsset, (address(listed))));
        (, uint64 eta, uint32 epoch) = _queueAt(calls, "rm");
        assertEq(eta, _now() + DELAY, "waits the delay");
        vm.warp(eta);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.EvacuationAssetRemoved(address(listed));
        safe.execute(calls, "rm", epoch);
        address[] memory list = safe.getRecovery().evacuationList;
        assertEq(list.length, 2);
        assertEq(list[0], address(third), "the last entry moved into the gap");
        assertEq(list[1], address(second));
        _accept();
        _evacuate();
        assertEq(listed.balanceOf(address(safe)), 500e18, "no longer swept");
        assertEq(second.balanceOf(recovery), 2e18);
        assertEq(third.balanceOf(recovery), 3e18);
    }

    function test_RevertWhen_RemovingAnAssetNotOnTheEvacuationList() public {
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeEvacuationAsset, (address(other))));
        _goExpectingSelfCallError(
            abi.encodeWithSelector(ITreasurySafe.EvacuationAssetNotFound.selector, address(other))
        );
        assertEq(safe.getRecovery().evacuationList.length, 1, "the list is unchanged");
    }
}
