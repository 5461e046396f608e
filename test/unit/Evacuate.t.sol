// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {HollowToken} from "../mocks/HollowToken.sol";
import {HostileToken} from "../mocks/HostileToken.sol";
import {MockERC1271Wallet} from "../mocks/MockERC1271Wallet.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {RevertingToken} from "../mocks/RevertingToken.sol";
import {SweepReentrantToken} from "../mocks/SweepReentrantToken.sol";
import {EvacuationBase} from "../utils/EvacuationBase.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice SPEC §3.7, the sweep itself: who may evacuate and when, what moves, the Evacuated state by generation,
///         re-sweeps, reopen, relayed signatures. Each test plays out the attack the rule closes.
/// evacuate
/// ├── by a guardian with power: enters Evacuated (epoch, generation, evacuatedAt) and sweeps everything to recovery
/// ├── by an owner, a stranger, or from inside a batch: refused; owners have no immediate evacuate
/// ├── by a guardian added by stolen keys: refused until `delay` after it was added
/// ├── before the recovery address accepted: enters the state, moves nothing
/// ├── with hostile assets: each is reported, the others are swept
/// ├── with too little gas for the next asset's budget: the whole call reverts
/// ├── while evacuated: anyone re-sweeps, no new generation, evacuatedAt unchanged
/// ├── frozen: works, and the freeze shot is not spent
/// └── reentered from a token hook: every entry point refuses
contract EvacuateTest is EvacuationBase {
    /*//////////////////////////////////////////////////////////////
                               SWEEPING
    //////////////////////////////////////////////////////////////*/

    function test_evacuate_SweepsEverythingToTheRecoveryAddress() public {
        MockERC20 extra = new MockERC20("Extra", "EXT", 18);
        extra.mint(address(safe), 7e18);
        _accept();
        uint256 capLeft = safe.remainingCap(address(capped));

        vm.expectEmit(address(safe));
        emit ITreasurySafe.SafeEvacuated(guardian, guardian, 1, recovery);
        vm.prank(guardian);
        safe.evacuate(_extra(address(extra), address(0)));

        assertEq(recovery.balance, 100 ether, "native");
        assertEq(capped.balanceOf(recovery), 1000e18, "capped asset");
        assertEq(listed.balanceOf(recovery), 500e18, "listed asset");
        assertEq(extra.balanceOf(recovery), 7e18, "caller's extra");
        assertEq(address(safe).balance, 0);
        // Not charged against the caps: a sweep is not an outflow the owners chose.
        assertEq(safe.remainingCap(address(capped)), capLeft, "cap untouched");
        assertEq(safe.remainingCap(NATIVE), ETH_CAP, "ETH cap untouched");
    }

    /// A sweep that moved an asset reports only that: no `SweepFailed` beside the `AssetSwept` of the native coin
    /// or of a token (watchers page on `SweepFailed`).
    function test_evacuate_SweptAssetsReportNoFailure() public {
        _accept();
        vm.recordLogs();
        _evacuate();
        assertEq(_failures(), 0, "no SweepFailed");
        assertEq(recovery.balance, 100 ether, "native swept");
        assertEq(capped.balanceOf(recovery), 1000e18, "token swept");
    }

    function test_evacuate_EntersTheStateBeforeAnyTransfer() public {
        _accept();
        uint32 epochBefore = safe.epoch();
        _evacuate();
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertTrue(v.evacuated);
        assertEq(v.evacuatedAt, _now());
        assertEq(v.generation, 1);
        // No approval gathered before counts again.
        assertEq(safe.epoch(), epochBefore + 1);
    }

    function test_evacuate_RevokesAllowancesNamedInExtras() public {
        address spender = makeAddr("spender");
        vm.prank(address(safe));
        capped.approve(spender, 5e18);
        _accept();
        vm.expectEmit(address(safe));
        emit ITreasurySafe.AllowanceRevoked(address(capped), spender);
        vm.prank(guardian);
        safe.evacuate(_extra(address(capped), spender));
        assertEq(capped.allowance(address(safe), spender), 0);
    }

    function test_RevertWhen_MoreThan16Extras() public {
        ITreasurySafe.EvacuationExtra[] memory extras = new ITreasurySafe.EvacuationExtra[](17);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.TooManyExtras.selector, 17, 16));
        safe.evacuate(extras);
    }

    /*//////////////////////////////////////////////////////////////
                               WHO, WHEN
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_OwnerOrStrangerEvacuates() public {
        // Owners get no immediate evacuate of their own.
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, owners[0]));
        safe.evacuate(_noExtras());
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, stranger));
        safe.evacuate(_noExtras());
    }

    /// Attack: M stolen keys add their own guardian (a tightening, fast-tracked) and sweep at once.
    function test_RevertWhen_GuardianAddedByStolenKeysSweepsAtOnce() public {
        address thief = makeAddr("thiefGuardian");
        _fastTrack(abi.encodeCall(ITreasurySafe.addGuardian, (thief)));
        uint64 powerAt = uint64(_now()) + DELAY;
        assertEq(safe.evacuationPowerAt(thief), powerAt);
        // Its freeze and cancel are immediate; its evacuation power is not.
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NoEvacuationPower.selector, thief, powerAt));
        safe.evacuate(_noExtras());
        // After the delay it may, but only ever to the recovery address.
        _accept();
        vm.warp(powerAt);
        vm.prank(thief);
        safe.evacuate(_noExtras());
        assertEq(recovery.balance, 100 ether);
        assertEq(thief.balance, 0);
    }

    /// Attack: the owners' own batch (stolen keys, or a blind signature) evacuates from inside an execution.
    function test_RevertWhen_EvacuateFromInsideABatch() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.evacuate, (_noExtras())));
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.Reentrant.selector))
        );
        _go();
    }

    function test_evacuate_WorksWhileFrozen() public {
        _guardianFreeze();
        _accept();
        _evacuate();
        assertEq(recovery.balance, 100 ether);
        assertTrue(safe.getRecovery().evacuated);
    }

    function test_evacuate_IsNotTheFreezeShot() public {
        _accept();
        _evacuate();
        // The guardians are still armed: they may still freeze once.
        _guardianFreeze();
        assertGt(safe.frozenUntil(), _now());
    }

    /*//////////////////////////////////////////////////////////////
                               ACCEPTANCE
    //////////////////////////////////////////////////////////////*/

    /// Attack: a typo, a poisoned address or one that exists only on another chain as the recovery address.
    function test_evacuate_BeforeAcceptanceMovesNothing() public {
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SweepHeld(recovery);
        _evacuate();
        assertTrue(safe.getRecovery().evacuated, "the state is entered");
        assertEq(address(safe).balance, 100 ether, "nothing moved");
        assertEq(capped.balanceOf(address(safe)), 1000e18);
        // Once it accepts, anyone may re-sweep while evacuated.
        _accept();
        vm.prank(stranger);
        safe.evacuate(_noExtras());
        assertEq(recovery.balance, 100 ether);
    }

    /// Attack: stolen keys approved a spender; the recovery address has not accepted yet, yet the allowance must not
    /// wait for it: a revocation moves nothing, so it runs before acceptance.
    function test_evacuate_BeforeAcceptanceStillRevokesAllowances() public {
        address spender = makeAddr("spender");
        vm.prank(address(safe));
        capped.approve(spender, 5e18);
        ITreasurySafe.EvacuationExtra[] memory extras = new ITreasurySafe.EvacuationExtra[](2);
        extras[0] = ITreasurySafe.EvacuationExtra({asset: address(capped), spender: spender});
        MockERC20 extra = new MockERC20("Extra", "EXT", 18);
        extra.mint(address(safe), 7e18);
        extras[1] = ITreasurySafe.EvacuationExtra({asset: address(extra), spender: address(0)});
        vm.expectEmit(address(safe));
        emit ITreasurySafe.AllowanceRevoked(address(capped), spender);
        vm.prank(guardian);
        safe.evacuate(extras);
        assertEq(capped.allowance(address(safe), spender), 0, "revoked");
        assertEq(extra.balanceOf(address(safe)), 7e18, "nothing sent before acceptance");
        assertEq(capped.balanceOf(address(safe)), 1000e18, "nothing sent before acceptance");
    }

    /// @dev A second safe whose recovery address has a key the test holds (to sign acceptances with).
    function _safeWithSigningRecovery() internal returns (ITreasurySafe other, address rec, uint256 key) {
        (rec, key) = makeAddrAndKey("signingRecovery");
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.recovery = rec;
        other = _deploySafe(cfg, bytes32("sig"));
    }

    function test_acceptRecoveryBySig_RelayedByAnyone() public {
        (ITreasurySafe other, address rec, uint256 key) = _safeWithSigningRecovery();
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(key, other.acceptanceDigest(rec, deadline));
        vm.expectEmit(address(other));
        emit ITreasurySafe.RecoveryAccepted(rec);
        vm.prank(stranger);
        other.acceptRecoveryBySig(rec, deadline, sig);
        assertTrue(other.getRecovery().accepted);
    }

    /// An acceptance has no nonce, so its deadline is bounded like an evacuation's: 30 days at most.
    function test_RevertWhen_AcceptanceDeadlineTooFar() public {
        (ITreasurySafe other, address rec, uint256 key) = _safeWithSigningRecovery();
        uint64 max = uint64(_now() + 30 days);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.DeadlineTooFar.selector, max + 1, max));
        other.acceptanceDigest(rec, max + 1);
        bytes memory sig = _sign(key, other.acceptanceDigest(rec, max));
        // Signed with the longest window allowed, then relayed: accepted.
        vm.prank(stranger);
        other.acceptRecoveryBySig(rec, max, sig);
        assertTrue(other.getRecovery().accepted);
    }

    /// Attack: an acceptance signed for another chain (same safe address there) is replayed here.
    function test_RevertWhen_AcceptanceSignedForAnotherChain() public {
        (ITreasurySafe other, address rec, uint256 key) = _safeWithSigningRecovery();
        uint64 deadline = uint64(_now() + 1 days);
        // The same acceptance in the domain of another chain (chain id + 1), built independently.
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("TreasurySafe"),
                keccak256("1"),
                block.chainid + 1,
                address(other)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(keccak256("RecoveryAcceptance(address account,uint64 deadline)"), rec, deadline)
        );
        bytes memory sig = _sign(key, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, rec));
        other.acceptRecoveryBySig(rec, deadline, sig);
    }

    function test_RevertWhen_StrangerAccepts() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotRecoveryCandidate.selector, stranger));
        safe.acceptRecovery();
    }

    /*//////////////////////////////////////////////////////////////
                            HOSTILE ASSETS
    //////////////////////////////////////////////////////////////*/

    /// Attack: one listed or extra asset that reverts, lies, burns gas or return-bombs stops the whole sweep.
    function test_evacuate_HostileAssetsAreReportedAndTheOthersSwept() public {
        RevertingToken paused = new RevertingToken();
        paused.mint(address(safe), 1e18);
        paused.setPaused(true, true);
        HollowToken liar = new HollowToken();
        liar.mint(address(safe), 1e18);
        HostileToken burner = new HostileToken();
        burner.mint(address(safe), 1e18);
        burner.setMode(HostileToken.Mode.BurnGas);
        HostileToken bomber = new HostileToken();
        bomber.mint(address(safe), 1e18);
        bomber.setMode(HostileToken.Mode.ReturnBomb);
        ITreasurySafe.EvacuationExtra[] memory extras = new ITreasurySafe.EvacuationExtra[](4);
        extras[0].asset = address(paused);
        extras[1].asset = address(liar);
        extras[2].asset = address(burner);
        extras[3].asset = address(bomber);
        _accept();

        vm.recordLogs();
        vm.prank(guardian);
        safe.evacuate{gas: 5_000_000}(extras);

        assertEq(recovery.balance, 100 ether, "native swept");
        assertEq(capped.balanceOf(recovery), 1000e18, "capped swept");
        assertEq(listed.balanceOf(recovery), 500e18, "listed swept");
        // The pausing, the lying and the gas-burning tokens are reported (the return bomb, depending on the word it
        // returns, reads as an empty balance or fails too).
        assertGe(_failures(), 3, "each hostile asset reported");
    }

    /// Attack: a relayer or guardian sends just enough gas for the first assets, starving the rest (63/64 rule).
    function test_RevertWhen_TooLittleGasForTheNextAsset() public {
        ITreasurySafe.EvacuationExtra[] memory extras = new ITreasurySafe.EvacuationExtra[](4);
        for (uint256 i; i < 4; ++i) {
            MockERC20 t = new MockERC20("T", "T", 18);
            t.mint(address(safe), 1e18);
            extras[i].asset = address(t);
        }
        _accept();
        vm.prank(guardian);
        // Enough for the state and the first assets' budgets, not for all eight.
        (bool ok, bytes memory ret) =
            address(safe).call{gas: 500_000}(abi.encodeCall(ITreasurySafe.evacuate, (extras)));
        assertFalse(ok, "a starved sweep reverts");
        assertEq(bytes4(ret), ITreasurySafe.InsufficientSweepGas.selector);
        // Nothing happened: not evacuated, nothing moved.
        assertFalse(safe.getRecovery().evacuated);
        assertEq(address(safe).balance, 100 ether);
    }

    /// Attack: a token hook re-enters the safe during the sweep.
    function test_evacuate_ReentryFromATokenHookIsRefused() public {
        SweepReentrantToken hook = new SweepReentrantToken();
        hook.setSafe(safe);
        hook.mint(address(safe), 3e18);
        _accept();
        vm.recordLogs();
        vm.prank(guardian);
        safe.evacuate(_extra(address(hook), address(0)));
        assertEq(hook.balanceOf(recovery), 3e18, "swept");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 refused;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(hook) || logs[i].topics[0] != SweepReentrantToken.Reentry.selector)
            {
                continue;
            }
            assertEq(
                bytes4(abi.decode(logs[i].data, (bytes))), ITreasurySafe.Reentrant.selector, "by the lock"
            );
            ++refused;
        }
        assertEq(refused, 5, "evacuate, queue, execute, cancel and freeze all refused");
    }

    /*//////////////////////////////////////////////////////////////
                          EVACUATED STATE
    //////////////////////////////////////////////////////////////*/

    /// Attack: a drain queued by stolen keys waits out the delay while the guardian evacuates.
    function test_evacuate_VoidsEveryEarlierBatchButGuardianProtectedOnes() public {
        (bytes32 drain, uint64 eta, uint32 epoch) = _queueAt(_ethTransfer(stranger, 1 ether), "drain");
        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        (bytes32 removalId,,) = _queueAt(removal, "removal");
        _accept();
        _evacuate();
        _assertState(drain, ITreasurySafe.ProposalState.Voided);
        _assertState(removalId, ITreasurySafe.ProposalState.Queued);
        vm.warp(eta);
        vm.expectRevert(_stateError(drain, ITreasurySafe.ProposalState.Voided));
        safe.execute(_ethTransfer(stranger, 1 ether), "drain", epoch);
        // Voided is terminal: nobody cancels it either.
        vm.prank(guardian);
        vm.expectRevert(_stateError(drain, ITreasurySafe.ProposalState.Voided));
        safe.cancel(drain);
        // The protected removal survives and executes.
        safe.execute(removal, "removal", epoch);
        assertFalse(safe.isGuardian(guardian));
    }

    /// By queue order, not timestamp: a batch queued in the same block after the evacuation is not voided.
    function test_evacuate_ComparesQueueOrderNotTimestamps() public {
        (bytes32 before,,) = _queueAt(_selfCall(abi.encodeCall(ITreasurySafe.setDelay, (DELAY + 1))), "b");
        _evacuate();
        (bytes32 later,,) = _queueAt(_selfCall(abi.encodeCall(ITreasurySafe.setDelay, (DELAY + 2))), "a");
        _assertState(before, ITreasurySafe.ProposalState.Voided);
        _assertState(later, ITreasurySafe.ProposalState.Ready);
    }

    function test_RevertWhen_QueueingAnythingButTheRemedyWhileEvacuated() public {
        _evacuate();
        ITreasurySafe.Call[] memory drain = _ethTransfer(stranger, 1 ether);
        bytes32 id = _idOf(drain, "x");
        ITreasurySafe.Signature[] memory sigs = _signatures(safe, drain, "x", 2);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotAllowedWhileEvacuated.selector, id));
        safe.queue(drain, "x", sigs);
        ITreasurySafe.Call[] memory loosen = _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE)));
        id = _idOf(loosen, "x");
        sigs = _signatures(safe, loosen, "x", 2);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotAllowedWhileEvacuated.selector, id));
        safe.queue(loosen, "x", sigs);
        // A value-less tightening (a higher threshold) may queue.
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (3)));
        assertEq(safe.threshold(), 3);
    }

    function test_evacuate_AnyoneReSweepsWithoutANewGeneration() public {
        _accept();
        _evacuate();
        uint64 at = safe.getRecovery().evacuatedAt;
        vm.warp(_now() + 3 days);
        vm.deal(address(safe), 5 ether);
        vm.prank(stranger);
        safe.evacuate(_noExtras());
        ITreasurySafe.RecoveryView memory v = safe.getRecovery();
        assertEq(v.evacuatedAt, at, "evacuatedAt unchanged");
        assertEq(v.generation, 1, "no new generation");
        assertEq(recovery.balance, 105 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                 REOPEN
    //////////////////////////////////////////////////////////////*/

    function test_reopen_WaitsTheDelaySweepsOnceMoreAndReopens() public {
        _accept();
        _evacuate();
        vm.deal(address(safe), 2 ether); // an inflow while evacuated
        ITreasurySafe.Call[] memory calls = _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()));
        (bytes32 id, uint64 eta, uint32 epoch) = _queueAt(calls, "reopen");
        assertEq(eta, _now() + DELAY, "reopen waits the delay");
        // Guardian-protected: a guardian cannot cancel it.
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, id));
        safe.cancel(id);
        vm.warp(eta);
        // Watchers learn of the reopen from its event (with the generation that ends).
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SafeReopened(1);
        safe.execute(calls, "reopen", epoch);
        assertFalse(safe.getRecovery().evacuated);
        assertEq(safe.getRecovery().evacuatedAt, 0);
        assertEq(recovery.balance, 102 ether, "swept once more first");
    }

    /// Attack: a rogue guardian evacuates, then sweeps again to void the owners' remedy.
    function test_reopen_RogueGuardianCannotVoidTheOwnersRemedy() public {
        _accept();
        _evacuate(); // the rogue guardian
        ITreasurySafe.Call[] memory remedy = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))),
            _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()))
        );
        (bytes32 id, uint64 eta, uint32 epoch) = _queueAt(remedy, "remedy");
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, id));
        safe.cancel(id);
        // Sweeping again while evacuated starts no new generation: the remedy is not voided.
        vm.prank(guardian);
        safe.evacuate(_noExtras());
        _assertState(id, ITreasurySafe.ProposalState.Queued);
        vm.warp(eta);
        safe.execute(remedy, "remedy", epoch);
        assertFalse(safe.isGuardian(guardian));
        assertFalse(safe.getRecovery().evacuated);
    }

    /// Attack: after a reopen, a second evacuation; batches queued before it are voided, a new generation starts.
    function test_evacuate_SecondEvacuationAfterAReopen() public {
        _accept();
        _evacuate();
        ITreasurySafe.Call[] memory calls = _selfCall(abi.encodeCall(ITreasurySafe.reopen, ()));
        (, uint64 eta, uint32 epoch) = _queueAt(calls, "reopen");
        vm.warp(eta);
        safe.execute(calls, "reopen", epoch);
        vm.deal(address(safe), 10 ether);
        (bytes32 drain,,) = _queueAt(_ethTransfer(stranger, 1 ether), "drain");
        vm.warp(_now() + 1);
        _evacuate();
        assertEq(_generation(), 2);
        _assertState(drain, ITreasurySafe.ProposalState.Voided);
        assertEq(recovery.balance, 110 ether);
    }

    function test_RevertWhen_ReopenWhileNotEvacuated() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.reopen, ()));
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.NotEvacuated.selector))
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                          RELAYED SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function test_evacuateBySig_RelayedByAnyoneNamesTheSigner() public {
        _accept();
        uint64 deadline = uint64(_now() + 30 days);
        bytes memory sig = _sign(guardianKey, safe.evacuationDigest(_noExtras(), 7, deadline));
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SafeEvacuated(guardian, stranger, 1, recovery);
        vm.prank(stranger);
        safe.evacuateBySig(guardian, _noExtras(), 7, deadline, sig);
        assertEq(recovery.balance, 100 ether);
        // The same signature once only.
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignatureAlreadyUsed.selector, guardian, 7));
        safe.evacuateBySig(guardian, _noExtras(), 7, deadline, sig);
    }

    function test_RevertWhen_EvacuationSignatureTooLongOrExpired() public {
        uint64 tooFar = uint64(_now() + 30 days + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.DeadlineTooFar.selector, tooFar, uint64(_now() + 30 days))
        );
        safe.evacuateBySig(guardian, _noExtras(), 1, tooFar, "");
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(guardianKey, safe.evacuationDigest(_noExtras(), 2, deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignatureExpired.selector, deadline));
        safe.evacuateBySig(guardian, _noExtras(), 2, deadline, sig);
    }

    /// Attack: a signature by a guardian added by stolen keys, or by someone who is not a guardian.
    function test_RevertWhen_EvacuationSignerHasNoPower() public {
        (address thief, uint256 thiefKey) = makeAddrAndKey("thiefGuardian");
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(thiefKey, safe.evacuationDigest(_noExtras(), 1, deadline));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, thief));
        safe.evacuateBySig(thief, _noExtras(), 1, deadline, sig);
        _fastTrack(abi.encodeCall(ITreasurySafe.addGuardian, (thief)));
        sig = _sign(thiefKey, safe.evacuationDigest(_noExtras(), 1, deadline));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.NoEvacuationPower.selector, thief, uint64(_now()) + DELAY)
        );
        safe.evacuateBySig(thief, _noExtras(), 1, deadline, sig);
    }

    /// A signature commits to the generation: one signed before a reopen cannot start a later evacuation.
    function test_RevertWhen_EvacuationSignatureFromAnEarlierGeneration() public {
        uint64 deadline = uint64(_now() + 30 days);
        bytes memory sig = _sign(guardianKey, safe.evacuationDigest(_noExtras(), 1, deadline));
        _evacuate();
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, guardian));
        safe.evacuateBySig(guardian, _noExtras(), 1, deadline, sig);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _failures() internal returns (uint256 count) {
        bytes32 topic = ITreasurySafe.SweepFailed.selector;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(safe) && logs[i].topics[0] == topic) ++count;
        }
    }

    /*//////////////////////////////////////////////////////////////
                     REFUSALS, CONTRACT RECOVERY, EXTRAS
    //////////////////////////////////////////////////////////////*/

    /// A recovery address that cannot take the native coin (a contract wallet without `receive`): the coin stays
    /// in the safe and is reported, and every other asset is still swept.
    function test_evacuate_NativeCoinRefusedByTheRecoveryIsReported() public {
        MockERC1271Wallet vault = new MockERC1271Wallet(MockERC1271Wallet.Mode.Reject, address(0));
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.recovery = address(vault);
        ITreasurySafe other = _deploySafe(cfg, "vault");
        vm.deal(address(other), 3 ether);
        listed.mint(address(other), 4e18);
        vault.exec(address(other), abi.encodeCall(ITreasurySafe.acceptRecovery, ()));
        vm.expectEmit(address(other));
        emit ITreasurySafe.SweepFailed(NATIVE, address(0));
        vm.expectEmit(address(other));
        emit ITreasurySafe.AssetSwept(address(listed), address(vault), 4e18, 0);
        vm.prank(guardian);
        other.evacuate(_extra(address(listed), address(0)));
        assertEq(address(other).balance, 3 ether, "the coin stays");
        assertEq(address(vault).balance, 0);
        assertEq(listed.balanceOf(address(vault)), 4e18, "the rest is swept");
        assertTrue(other.getRecovery().evacuated);
    }

    /// An allowance the token will not revoke (its `approve` reverts while paused) is reported; the sweep goes on.
    function test_evacuate_AllowanceThatCannotBeRevokedIsReported() public {
        address spender = makeAddr("spender");
        RevertingToken token = new RevertingToken();
        vm.prank(address(safe));
        token.approve(spender, 5e18);
        token.setPaused(true, false);
        _accept();
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SweepFailed(address(token), spender);
        vm.prank(guardian);
        safe.evacuate(_extra(address(token), spender));
        assertEq(token.allowance(address(safe), spender), 5e18, "still standing");
        assertEq(recovery.balance, 100 ether, "the rest is swept");
    }

    /// A contract recovery address (a multisig deep vault) accepts with its EIP-1271 answer, relayed by anyone; a
    /// "no" from the wallet is refused.
    function test_acceptRecoveryBySig_ContractRecoveryAnswersEip1271() public {
        (address vaultSigner, uint256 vaultKey) = makeAddrAndKey("vaultSigner");
        MockERC1271Wallet vault = new MockERC1271Wallet(MockERC1271Wallet.Mode.Reject, vaultSigner);
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.recovery = address(vault);
        ITreasurySafe other = _deploySafe(cfg, "vault1271");
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(vaultKey, other.acceptanceDigest(address(vault), deadline));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, address(vault)));
        other.acceptRecoveryBySig(address(vault), deadline, sig);
        vault.setMode(MockERC1271Wallet.Mode.Signer);
        vm.expectEmit(address(other));
        emit ITreasurySafe.RecoveryAccepted(address(vault));
        vm.prank(stranger);
        other.acceptRecoveryBySig(address(vault), deadline, sig);
        assertTrue(other.getRecovery().accepted);
    }

    /// A relayed acceptance is good until its deadline, not a second later.
    function test_RevertWhen_AcceptanceSignatureExpired() public {
        (ITreasurySafe other, address rec, uint256 key) = _safeWithSigningRecovery();
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(key, other.acceptanceDigest(rec, deadline));
        vm.warp(deadline + 1);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignatureExpired.selector, deadline));
        other.acceptRecoveryBySig(rec, deadline, sig);
        assertFalse(other.getRecovery().accepted);
        vm.warp(deadline);
        vm.prank(stranger);
        other.acceptRecoveryBySig(rec, deadline, sig);
        assertTrue(other.getRecovery().accepted, "valid at the deadline itself");
    }

    /// Attack: a relayer drops or swaps the extras of a guardian's signed evacuation. The signature commits to them.
    function test_evacuateBySig_SignatureCommitsToTheExtras() public {
        MockERC20 extra = new MockERC20("Extra", "EXT", 18);
        extra.mint(address(safe), 7e18);
        _accept();
        ITreasurySafe.EvacuationExtra[] memory extras = _extra(address(extra), address(0));
        uint64 deadline = uint64(_now() + 1 days);
        bytes memory sig = _sign(guardianKey, safe.evacuationDigest(extras, 3, deadline));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, guardian));
        safe.evacuateBySig(guardian, _noExtras(), 3, deadline, sig);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, guardian));
        safe.evacuateBySig(guardian, _extra(address(extra), stranger), 3, deadline, sig);
        vm.prank(stranger);
        safe.evacuateBySig(guardian, extras, 3, deadline, sig);
        assertEq(extra.balanceOf(recovery), 7e18, "the signed extra is swept");
    }

    /// @notice Mutation testing (docs/mutation.md): a new recovery address whose time has come (accepted while
    ///         scheduled) is written before the state is entered, so SafeEvacuated names it, not the old one.
    function test_evacuate_NamesTheRecoveryAddressThatCameIntoForce() public {
        address newRecovery = makeAddr("newRecovery");
        _runSelf(abi.encodeCall(ITreasurySafe.setRecovery, (newRecovery)));
        vm.prank(newRecovery);
        safe.acceptRecovery();
        vm.warp(safe.getRecovery().pendingEffectiveAt);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SafeEvacuated(guardian, guardian, 1, newRecovery);
        _evacuate();
        assertEq(safe.getRecovery().recovery, newRecovery);
    }

    /// @notice Mutation testing (docs/mutation.md): entering the state announces the new epoch (EpochChanged), which
    ///         voids every signature collected so far, as an owner or threshold change does.
    function test_evacuate_EmitsEpochChanged() public {
        uint32 next = safe.epoch() + 1;
        vm.expectEmit(address(safe));
        emit ITreasurySafe.EpochChanged(next);
        _evacuate();
        assertEq(safe.epoch(), next);
    }
}
