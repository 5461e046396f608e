// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {CallbackToken} from "../mocks/CallbackToken.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {ReentrantReceiver} from "../mocks/ReentrantReceiver.sol";
import {Counter, GasHungry, Reverter} from "../mocks/Targets.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ATTACKS.md rows about the execution path and the timelock: #9, #10, #14, #15, #16, #18,
///         #19, #20. Each test names its row and fails if the defence it checks is removed.
contract ExecutionAttacksTest is SafeUnitBase {
    /*//////////////////////////////////////////////////////////////
                   #9 DELEGATECALL / STORAGE TAKEOVER
    //////////////////////////////////////////////////////////////*/

    /// @dev Whether `code` contains `opcode` as an instruction (PUSH immediates skipped).
    /// @dev Whether one of the first `instructions` instructions of `code` is `opcode`. Only instructions are looked
    ///      at: PUSH data, and the data section via-IR appends after the code, are not opcodes.
    function _hasOpcode(bytes memory code, uint256 instructions, uint8 opcode) internal pure returns (bool) {
        (bool found,) = _scan(code, instructions, opcode);
        return found;
    }

    /// @dev Walks the first `instructions` instructions: whether one is `opcode`, and the offset after the last.
    function _scan(bytes memory code, uint256 instructions, uint8 opcode)
        internal
        pure
        returns (bool found, uint256 end)
    {
        for (uint256 n; n < instructions && end < code.length; ++n) {
            uint8 op = uint8(code[end]);
            if (op == opcode) found = true;
            // PUSH1..PUSH32 carry 1..32 bytes of data that are not instructions.
            if (op >= 0x60 && op <= 0x7f) end += op - 0x5f;
            ++end;
        }
    }

    /// @dev How many instructions the compiler emitted for TreasurySafe's runtime code: one source-map entry each.
    function _instructionCount() internal view returns (uint256 n) {
        string memory json = vm.readFile("out/TreasurySafe.sol/TreasurySafe.json");
        bytes memory map = bytes(vm.parseJsonString(json, ".deployedBytecode.sourceMap"));
        assertGt(map.length, 0, "the artifact has a source map");
        n = 1;
        for (uint256 i; i < map.length; ++i) {
            if (map[i] == ";") ++n;
        }
    }

    /// @notice #9: the implementation has no DELEGATECALL, CALLCODE or SELFDESTRUCT at all; the clone's
    ///         only DELEGATECALL is the EIP-1167 forward to that fixed implementation.
    function test_Attack09_NoDelegatecallOrSelfdestructInCode() public view {
        bytes memory code = factory.IMPLEMENTATION().code;
        assertGt(code.length, 0);
        uint256 n = _instructionCount();
        // The scan covers the code: only the data section (a few hashes, no instructions) is left after it.
        (, uint256 end) = _scan(code, n, 0);
        assertGe(end + 256, code.length, "the instructions reach the data section");
        assertFalse(_hasOpcode(code, n, 0xf4), "DELEGATECALL");
        assertFalse(_hasOpcode(code, n, 0xf2), "CALLCODE");
        assertFalse(_hasOpcode(code, n, 0xff), "SELFDESTRUCT");
        assertEq(
            address(safe).code,
            abi.encodePacked(
                hex"363d3d373d3d3d363d73", factory.IMPLEMENTATION(), hex"5af43d82803e903d91602b57fd5bf3"
            )
        );
    }

    /// @notice #9: a batch can only CALL: a called contract runs in its own storage, and calling the
    ///         implementation's setters directly is refused (NotSelf(safe)); configuration and code are unchanged.
    function test_Attack09_NoStorageTakeoverThroughABatch() public {
        bytes32 codeHash = address(safe).codehash;
        ITreasurySafe.ConfigView memory before = safe.getConfig();
        Counter c = new Counter();
        _queueAndExecute(_one(address(c), 0, abi.encodeCall(Counter.bump, ())), SALT);
        assertEq(c.lastCaller(), address(safe), "a CALL, in the callee's context");

        address impl = factory.IMPLEMENTATION();
        ITreasurySafe.Call[] memory viaImpl =
            _one(impl, 0, abi.encodeCall(ITreasurySafe.addOwner, (stranger, 1)));
        _prepare(viaImpl, bytes32("impl"));
        vm.expectRevert(
            _callFailed(0, impl, abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, address(safe)))
        );
        _go();

        assertEq(address(safe).codehash, codeHash);
        assertEq(safe.getOwners(), before.owners);
        assertEq(safe.threshold(), before.threshold);
        assertEq(safe.getGuardians(), before.guardians);
    }

    /*//////////////////////////////////////////////////////////////
                      #10 REENTRANCY FROM A CALL
    //////////////////////////////////////////////////////////////*/

    /// @dev Pays `receiver` from a batch, with it armed to re-enter with `payload`; returns its record.
    function _payAndReenter(ReentrantReceiver receiver, bytes memory payload, bytes32 salt)
        internal
        returns (bool ok, bytes memory ret)
    {
        receiver.arm(address(safe), payload, false);
        _queueAndExecute(_ethTransfer(address(receiver), 1 ether), salt);
        assertEq(receiver.attempts(), 1);
        return receiver.attempt(0);
    }

    /// @notice #10: from a receive hook, execute, queue, propose, approve, cancel and freeze all revert
    ///         Reentrant (even for a guardian), and config setters NotSelf; the outer batch is unaffected.
    function test_Attack10_ReentrancyFromExecutedCall() public {
        // A second proposal, ready at the same time, that the receiver tries to execute from inside.
        ITreasurySafe.Call[] memory other = _ethTransfer(stranger, 2 ether);
        (bytes32 otherId,) = _queue(other, bytes32("other"));
        ITreasurySafe.Signature[] memory sigs = _signatures(safe, other, bytes32("q"), 2);

        bytes[] memory payloads = new bytes[](6);
        payloads[0] = abi.encodeCall(ITreasurySafe.execute, (other, bytes32("other"), 0));
        payloads[1] = abi.encodeCall(ITreasurySafe.queue, (other, bytes32("q"), sigs));
        payloads[2] = abi.encodeCall(ITreasurySafe.propose, (other, bytes32("p")));
        payloads[3] = abi.encodeCall(ITreasurySafe.approve, (otherId));
        payloads[4] = abi.encodeCall(ITreasurySafe.cancel, (otherId));
        payloads[5] = abi.encodeCall(ITreasurySafe.freeze, ());
        for (uint256 i; i < payloads.length; ++i) {
            ReentrantReceiver receiver = new ReentrantReceiver();
            // Make it a guardian, so cancel and freeze fail for being re-entrant, not for lack of rights.
            _fastTrack(abi.encodeCall(ITreasurySafe.addGuardian, (address(receiver))));
            (bool ok, bytes memory ret) = _payAndReenter(receiver, payloads[i], bytes32(i + 1));
            assertFalse(ok, "re-entry must fail");
            assertEq(ret, abi.encodeWithSelector(ITreasurySafe.Reentrant.selector), "Reentrant");
            assertEq(address(receiver).balance, 1 ether, "outer batch unaffected");
        }
        // The other proposal was neither executed, approved nor cancelled; nothing froze.
        _assertState(otherId, ITreasurySafe.ProposalState.Ready);
        assertEq(stranger.balance, 0);
        assertEq(safe.frozenUntil(), 0);
        assertTrue(safe.getConfig().guardiansArmed);
    }

    /// @notice #10: config setters called from a hook are not self-calls.
    function test_Attack10_ReentrantSetterIsNotSelf() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        (bool ok, bytes memory ret) =
            _payAndReenter(receiver, abi.encodeCall(ITreasurySafe.changeThreshold, (1)), SALT);
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, address(receiver)));
        assertEq(safe.threshold(), 2);
    }

    /// @notice #10: state is written before the external calls: from inside, the proposal already reads Executed.
    function test_Attack10_StateWrittenBeforeCalls() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        ITreasurySafe.Call[] memory pay = _ethTransfer(address(receiver), 1 ether);
        bytes32 payId = safe.hashProposal(pay, SALT, 0);
        receiver.arm(address(safe), abi.encodeCall(ITreasurySafe.proposalState, (payId)), false);
        _queueAndExecute(pay, SALT);
        (bool ok, bytes memory ret) = receiver.attempt(0);
        assertTrue(ok);
        assertEq(abi.decode(ret, (uint8)), uint8(ITreasurySafe.ProposalState.Executed));
    }

    /// @notice #10: a hook that insists (bubbles the Reentrant) reverts the whole execute; retry later works.
    function test_Attack10_BubblingReentryRevertsWholeBatch() public {
        ReentrantReceiver receiver = new ReentrantReceiver();
        receiver.arm(address(safe), abi.encodeCall(ITreasurySafe.freeze, ()), true);
        (bytes32 pid,) = _prepare(_ethTransfer(address(receiver), 1 ether), SALT);
        vm.expectRevert(
            _callFailed(0, address(receiver), abi.encodeWithSelector(ITreasurySafe.Reentrant.selector))
        );
        _go();
        _assertState(pid, ITreasurySafe.ProposalState.Ready);
        assertEq(address(receiver).balance, 0);
    }

    /// @notice #10: an ERC-777/1363-style token hook re-entering mid-batch cannot split a capped transfer
    ///         past the cap: the re-entry fails and the whole batch's balance decrease is charged.
    function test_Attack10_TokenHookReentryDoesNotDodgeCap() public {
        CallbackToken token = new CallbackToken();
        token.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), 100e18, 1 days)));
        ReentrantReceiver receiver = new ReentrantReceiver();
        // A second 60e18 transfer, ready at the same time, that the hook tries to run inside the first.
        ITreasurySafe.Call[] memory second =
            _one(address(token), 0, abi.encodeCall(MockERC20.transfer, (address(receiver), 60e18)));
        _queue(second, bytes32("second"));
        receiver.arm(
            address(safe), abi.encodeCall(ITreasurySafe.execute, (second, bytes32("second"), 0)), false
        );
        _queueAndExecute(second, bytes32("first"));
        (bool ok, bytes memory ret) = receiver.attempt(0);
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(ITreasurySafe.Reentrant.selector));
        assertEq(token.balanceOf(address(receiver)), 60e18);
        // The second, run normally now, exceeds what is left.
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.CapExceeded.selector, address(token), 60e18, safe.remainingCap(address(token))
            )
        );
        safe.execute(second, bytes32("second"), 0);
    }

    /// @notice #10: a batch cannot call the proposal machinery on its own safe either.
    function test_Attack10_SelfCallIntoQueueIsReentrant() public {
        ITreasurySafe.Call[] memory inner = _ethTransfer(recipient, 1);
        ITreasurySafe.Signature[] memory sigs = _signatures(safe, inner, bytes32("inner"), 2);
        ITreasurySafe.Call[] memory outer =
            _selfCall(abi.encodeCall(ITreasurySafe.queue, (inner, bytes32("inner"), sigs)));
        _prepare(outer, SALT);
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.Reentrant.selector))
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                   #14 TIMELOCK CLOCK STARTED TOO EARLY
    //////////////////////////////////////////////////////////////*/

    /// @notice #14: proposing (or signing) early does not start the clock: eta counts from the queue,
    ///         which needs M approvals.
    function test_Attack14_EtaCountsFromQueue() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        uint256 t0 = _now();
        vm.prank(owners[0]);
        bytes32 pid = safe.propose(c, SALT);
        // Signatures gathered at t0 too; the second approval only arrives a week later.
        ITreasurySafe.Signature[] memory early = _sigs1(pid, 1);
        vm.warp(t0 + 7 days);
        (, uint64 eta) = safe.queue(c, SALT, early);
        assertEq(eta, t0 + 7 days + DELAY);
        vm.warp(t0 + 7 days + DELAY - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, pid, eta));
        safe.execute(c, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                   #15 TERMINAL STATES STAY TERMINAL
    //////////////////////////////////////////////////////////////*/

    /// @notice #15: a cancelled id can never be proposed, approved, queued, executed or cancelled again.
    function test_Attack15_CancelledStaysCancelled() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        (bytes32 pid, uint64 eta) = _queue(c, SALT);
        ITreasurySafe.Signature[] memory sigs = _sigs2(pid, 0, 2);
        vm.prank(guardian);
        safe.cancel(pid);
        bytes memory err = _stateError(pid, ITreasurySafe.ProposalState.Cancelled);
        vm.warp(eta);
        vm.expectRevert(err);
        safe.execute(c, SALT, 0);
        vm.expectRevert(err);
        safe.queue(c, SALT, sigs);
        vm.prank(owners[0]);
        vm.expectRevert(err);
        safe.propose(c, SALT);
        vm.prank(owners[2]);
        vm.expectRevert(err);
        safe.approve(pid);
        vm.prank(guardian);
        vm.expectRevert(err);
        safe.cancel(pid);
        (, uint64 ceta) = _prepareSelf(abi.encodeCall(ITreasurySafe.cancel, (pid)));
        assertEq(ceta, _now());
        vm.expectRevert(_callFailed(0, address(safe), err));
        _go();
    }

    /// @notice #15: an executed id can never run, queue or be cancelled again; an expired one never runs.
    function test_Attack15_ExecutedAndExpiredStayDead() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1 ether);
        ITreasurySafe.Call[] memory late = _ethTransfer(recipient, 2 ether);
        (bytes32 pid,) = _queue(c, SALT);
        (bytes32 lateId, uint64 eta) = _queue(late, SALT);
        ITreasurySafe.Signature[] memory sigs = _sigs2(lateId, 0, 2);
        vm.warp(eta);
        safe.execute(c, SALT, 0);
        bytes memory err = _stateError(pid, ITreasurySafe.ProposalState.Executed);
        vm.prank(guardian);
        vm.expectRevert(err);
        safe.cancel(pid);
        vm.expectRevert(err);
        safe.execute(c, SALT, 0);

        vm.warp(eta + GRACE + 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.ProposalExpired.selector, lateId, eta + GRACE));
        safe.execute(late, SALT, 0);
        vm.expectRevert(_stateError(lateId, ITreasurySafe.ProposalState.Expired));
        safe.queue(late, SALT, sigs);
        assertEq(recipient.balance, 1 ether);
    }

    /*//////////////////////////////////////////////////////////////
                     #16 A PATH AROUND THE TIMELOCK
    //////////////////////////////////////////////////////////////*/

    /// @notice #16: no shape of batch moves funds without the delay: transfers bundled with fast-track
    ///         calls, value on a self-call and value-less calls elsewhere are all delayed.
    function test_Attack16_NoFastTrackForAnythingThatMovesFunds() public {
        ITreasurySafe.Call[][] memory shapes = new ITreasurySafe.Call[][](3);
        shapes[0] = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days))), _ethTransfer(stranger, 1 ether)
        );
        shapes[1] = _one(address(safe), 1 ether, abi.encodeCall(ITreasurySafe.rearmGuardians, ()));
        shapes[2] = _one(stranger, 0, abi.encodeCall(ITreasurySafe.setDelay, (3 days)));
        for (uint256 i; i < shapes.length; ++i) {
            (, uint64 eta) = _queue(shapes[i], bytes32(i));
            assertEq(eta, _now() + DELAY);
        }
        assertEq(address(safe).balance, 100 ether);
    }

    /// @notice #16: M stolen keys queue a drain; one honest guardian cancels it during the delay; nothing leaves.
    function test_Attack16_NoPathAroundTheTimelockWithGuardianCancelling() public {
        ITreasurySafe.Call[] memory drain = _ethTransfer(stranger, ETH_CAP);
        (bytes32 pid, uint64 eta) = _queue(drain, SALT);
        vm.warp(eta - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, pid, eta));
        safe.execute(drain, SALT, 0);
        vm.prank(guardian);
        safe.cancel(pid);
        vm.warp(eta);
        vm.expectRevert(_stateError(pid, ITreasurySafe.ProposalState.Cancelled));
        safe.execute(drain, SALT, 0);
        assertEq(address(safe).balance, 100 ether);
        assertEq(stranger.balance, 0);
    }

    /*//////////////////////////////////////////////////////////////
                           #18 TIMESTAMP EDGES
    //////////////////////////////////////////////////////////////*/

    /// @notice #18: eta - 1 refused, eta allowed, eta + grace allowed (inclusive), eta + grace + 1 expired;
    ///         a freeze ends exactly at frozenUntil.
    function test_Attack18_TimestampEdges() public {
        ITreasurySafe.Call[] memory c = _ethTransfer(recipient, 1);
        bytes32[4] memory ids;
        uint64 eta;
        for (uint256 i; i < 4; ++i) {
            (ids[i], eta) = _queue(c, bytes32(i));
        }
        vm.warp(eta - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, ids[0], eta));
        safe.execute(c, bytes32(uint256(0)), 0);
        vm.warp(eta);
        safe.execute(c, bytes32(uint256(1)), 0);
        vm.warp(eta + GRACE);
        safe.execute(c, bytes32(uint256(2)), 0);
        vm.warp(eta + GRACE + 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.ProposalExpired.selector, ids[3], eta + GRACE));
        safe.execute(c, bytes32(uint256(3)), 0);
        assertEq(recipient.balance, 2);

        ITreasurySafe.Call[] memory d = _ethTransfer(recipient, 1);
        (, uint64 eta2) = _queue(d, bytes32("d"));
        vm.warp(eta2);
        uint64 until = _guardianFreeze();
        vm.warp(until - 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.execute(d, bytes32("d"), 0);
        vm.warp(until);
        safe.execute(d, bytes32("d"), 0);
        assertEq(recipient.balance, 3);
    }

    /*//////////////////////////////////////////////////////////////
                  #19 GRIEFED PERMISSIONLESS EXECUTE
    //////////////////////////////////////////////////////////////*/

    /// @notice #19: a griefer who makes one call fail (here: flips the target to revert) gets the whole
    ///         execute reverted, never a partial run; once the cause is gone, anyone completes it as signed.
    function test_Attack19_FailingInnerCallRevertsAll() public {
        Reverter target = new Reverter();
        target.set(false);
        ITreasurySafe.Call[] memory c = _two(
            _ethTransfer(recipient, 3 ether), _one(address(target), 0, abi.encodeCall(Reverter.poke, ()))
        );
        (bytes32 pid,) = _prepare(c, SALT);
        target.set(true);
        vm.prank(stranger);
        vm.expectRevert(
            _callFailed(1, address(target), abi.encodeWithSelector(Reverter.Nope.selector, uint256(42)))
        );
        _go();
        assertEq(recipient.balance, 0);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        _assertState(pid, ITreasurySafe.ProposalState.Ready);
        target.set(false);
        vm.prank(stranger);
        _go();
        assertEq(recipient.balance, 3 ether);
    }

    /*//////////////////////////////////////////////////////////////
                     #20 INSUFFICIENT GAS FORWARDED
    //////////////////////////////////////////////////////////////*/

    /// @notice #20: a keeper that gives too little gas for a call gets a full revert (nothing advanced);
    ///         with enough gas the same proposal runs.
    function test_Attack20_InsufficientGasForwarded() public {
        GasHungry hungry = new GasHungry();
        ITreasurySafe.Call[] memory c = _two(
            _ethTransfer(recipient, 1 ether),
            _one(address(hungry), 0, abi.encodeCall(GasHungry.run, (2_000_000)))
        );
        (bytes32 pid,) = _prepare(c, SALT);
        bytes memory exec = abi.encodeCall(ITreasurySafe.execute, (c, SALT, 0));
        (bool ok,) = address(safe).call{gas: 1_500_000}(exec);
        assertFalse(ok, "starved call must revert the execute");
        _assertState(pid, ITreasurySafe.ProposalState.Ready);
        assertEq(hungry.done(), 0);
        assertEq(recipient.balance, 0);
        (ok,) = address(safe).call{gas: 5_000_000}(exec);
        assertTrue(ok);
        assertEq(hungry.done(), 2_000_000);
        _assertState(pid, ITreasurySafe.ProposalState.Executed);
    }
}
