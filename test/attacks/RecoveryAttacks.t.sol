// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {RevertingToken} from "../mocks/RevertingToken.sol";
import {EvacuationBase} from "../utils/EvacuationBase.sol";

/// @notice ATTACKS.md rows 32–35: evacuation abused, the recovery address redirected, a pre-evacuation batch
///         revived after a reopen, and the measured M-stolen-keys attack of issue 9 replayed over 30 days.
contract RecoveryAttacksTest is EvacuationBase {
    address internal attacker = makeAddr("attacker");

    /*//////////////////////////////////////////////////////////////
                 32: EVACUATION ABUSED BY A ROGUE GUARDIAN
    //////////////////////////////////////////////////////////////*/

    function test_Attack32_RogueGuardianSweepsOnlyToTheRecoveryAddress() public {
        _accept();
        vm.prank(guardian);
        safe.evacuate(_extra(address(capped), address(0)));
        assertEq(guardian.balance, 0);
        assertEq(capped.balanceOf(guardian), 0);
        assertEq(recovery.balance, 100 ether);
        // Sweeping again does not move evacuatedAt nor start a generation that would void the owners' reopen.
        uint64 at = safe.getRecovery().evacuatedAt;
        ITreasurySafe.Call[] memory remedy = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))),
            _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()))
        );
        (bytes32 id, uint64 eta, uint32 epoch) = _queueAt(remedy, "remedy");
        vm.warp(_now() + 1 hours);
        vm.prank(guardian);
        safe.evacuate(_noExtras());
        assertEq(safe.getRecovery().evacuatedAt, at);
        vm.warp(eta);
        safe.execute(remedy, "remedy", epoch);
        _assertState(id, ITreasurySafe.ProposalState.Executed);
    }

    function test_Attack32_OneHostileAssetCannotStopTheOthers() public {
        RevertingToken blocked = new RevertingToken();
        blocked.mint(address(safe), 5e18);
        blocked.setBlocked(recovery, true);
        _accept();
        vm.prank(guardian);
        safe.evacuate(_extra(address(blocked), address(0)));
        assertEq(blocked.balanceOf(address(safe)), 5e18, "the hostile asset stays, reported");
        assertEq(recovery.balance, 100 ether);
        assertEq(capped.balanceOf(recovery), 1000e18);
        assertEq(listed.balanceOf(recovery), 500e18);
    }

    /*//////////////////////////////////////////////////////////////
                  33: RECOVERY ADDRESS REDIRECTED BY M KEYS
    //////////////////////////////////////////////////////////////*/

    function test_Attack33_RedirectNeverImmediateAndCancellableTwice() public {
        ITreasurySafe.Call[] memory redirect =
            _selfCall(abi.encodeCall(ITreasurySafe.setRecovery, (attacker)));
        (bytes32 id, uint64 eta, uint32 epoch) = _queueAt(redirect, "r1");
        assertEq(eta, _now() + DELAY, "never fast-tracked");
        // Cancellable while queued…
        vm.prank(guardian);
        safe.cancel(id);
        // …and, if it ran, while scheduled; and it needs the new address's acceptance.
        (, eta, epoch) = _queueAt(redirect, "r2");
        vm.warp(eta);
        safe.execute(redirect, "r2", epoch);
        assertEq(safe.getRecovery().recovery, recovery, "only scheduled");
        vm.prank(guardian);
        safe.cancelRecoveryChange();
        vm.warp(_now() + 30 days);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotRecoveryCandidate.selector, attacker));
        safe.acceptRecovery();
        assertEq(safe.getRecovery().recovery, recovery);
    }

    /*//////////////////////////////////////////////////////////////
            34: A BATCH QUEUED BEFORE AN EVACUATION, AFTER A REOPEN
    //////////////////////////////////////////////////////////////*/

    function test_Attack34_PreEvacuationBatchNeverExecutesAfterReopen() public {
        ITreasurySafe.Call[] memory drain = _ethTransfer(attacker, 5 ether);
        (bytes32 id,, uint32 drainEpoch) = _queueAt(drain, "drain");
        _accept();
        _evacuate();
        ITreasurySafe.Call[] memory calls = _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()));
        (, uint64 eta, uint32 epoch) = _queueAt(calls, "reopen");
        vm.warp(eta);
        safe.execute(calls, "reopen", epoch);
        vm.deal(address(safe), 50 ether); // new inflows after the reopen
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Voided));
        safe.execute(drain, "drain", drainEpoch);
        assertEq(attacker.balance, 0);
    }

    /*//////////////////////////////////////////////////////////////
          35: THE MEASURED ATTACK OF ISSUE 9, REPLAYED OVER 30 DAYS
    //////////////////////////////////////////////////////////////*/

    /// 2-of-3, delay 2 days, cap 10 ETH/day, 1,000 ETH; the attacker holds owners 0 and 1. On main it removed the
    /// honest owner at once, lifted the guardian's freeze in the same block, queued the guardian's removal, then
    /// removed the cap and shortened the delay: 10 ETH gone at day 4, all 1,000 ETH at day 5. With a guardian
    /// that evacuates when a guardian removal is queued: 0 lost.
    function test_Attack35_MeasuredAttackReplayedOver30Days_ZeroLost() public {
        vm.deal(address(safe), 1000 ether);
        _accept();
        // Day 0: remove the honest owner on the fast track (threshold kept).
        _fastTrack(abi.encodeCall(ITreasurySafe.removeOwner, (owners[2], 2)));
        // The guardian freezes; the attacker lifts it in the same block.
        _guardianFreeze();
        _fastTrack(abi.encodeCall(ITreasurySafe.unfreeze, ()));
        // The guardian's removal (which guardians cannot cancel), the cap removal and a shorter delay.
        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        (, uint64 removalEta, uint32 epoch0) = _queueAt(removal, "removal");
        ITreasurySafe.Call[] memory loosen = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE))),
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (1 hours)))
        );
        (bytes32 loosenId,,) = _queueAt(loosen, "loosen");
        ITreasurySafe.Call[] memory drain = _ethTransfer(attacker, 10 ether);
        (bytes32 drainId,,) = _queueAt(drain, "drain");
        // The watcher sees a guardian removal queued: the guardian evacuates.
        _evacuate();
        assertEq(recovery.balance, 1000 ether, "all swept at day 0");
        _assertState(loosenId, ITreasurySafe.ProposalState.Voided);
        _assertState(drainId, ITreasurySafe.ProposalState.Voided);

        // The attacker keeps going: its removal survives and runs; it reopens through the delay and drains.
        vm.warp(removalEta);
        safe.execute(removal, "removal", epoch0);
        ITreasurySafe.Call[] memory reopenCalls = _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()));
        (, uint64 eta, uint32 epoch) = _queueAt(reopenCalls, "reopen");
        vm.warp(eta);
        safe.execute(reopenCalls, "reopen", epoch);
        // Day 4 on: no guardian left; every drain the attacker runs finds an empty safe, up to day 30.
        for (uint256 i; _now() < 1_750_000_000 + 30 days; ++i) {
            ITreasurySafe.Call[] memory d = _ethTransfer(attacker, 1 wei);
            (, uint64 e, uint32 ep) = _queueAt(d, bytes32(i));
            vm.warp(e);
            try safe.execute(d, bytes32(i), ep) {} catch {}
        }
        assertEq(attacker.balance, 0, "0 lost to the attacker");
        assertEq(recovery.balance, 1000 ether, "everything at the recovery address");
    }
}
