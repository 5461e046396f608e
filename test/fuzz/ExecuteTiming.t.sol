// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "../utils/SafeTestBase.sol";

/// @notice `execute` runs exactly in [eta, expiresAt] and outside a freeze, at any timestamp around the
///         edges, and `proposalState` says the same.
contract ExecuteTimingFuzzTest is SafeTestBase {
    function testFuzz_execute_OnlyBetweenEtaAndExpiry(uint256 queuedAfter, uint256 offset, uint8 edge)
        public
    {
        vm.warp(block.timestamp + bound(queuedAfter, 0, 365 days));
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        (bytes32 id, uint64 eta) = _queue(calls, bytes32(0));
        uint64 expiresAt = eta + GRACE;
        assertEq(eta, block.timestamp + DELAY);

        // Half of the runs land on an edge: eta - 1, eta, expiresAt, expiresAt + 1.
        uint256 t;
        uint256 e = edge % 8;
        if (e == 0) t = eta - 1;
        else if (e == 1) t = eta;
        else if (e == 2) t = expiresAt;
        else if (e == 3) t = expiresAt + 1;
        else t = block.timestamp + bound(offset, 0, DELAY + GRACE + 2 days);
        vm.warp(t);

        if (t < eta) {
            assertEq(uint8(safe.proposalState(id)), uint8(ITreasurySafe.ProposalState.Queued));
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, id, eta));
        } else if (t > expiresAt) {
            assertEq(uint8(safe.proposalState(id)), uint8(ITreasurySafe.ProposalState.Expired));
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.ProposalExpired.selector, id, expiresAt));
        } else {
            assertEq(uint8(safe.proposalState(id)), uint8(ITreasurySafe.ProposalState.Ready));
        }
        safe.execute(calls, bytes32(0), 0);
        if (t >= eta && t <= expiresAt) {
            assertEq(recipient.balance, 1 ether);
            assertEq(uint8(safe.proposalState(id)), uint8(ITreasurySafe.ProposalState.Executed));
        } else {
            assertEq(recipient.balance, 0);
        }
    }

    /// @dev A guardian freeze at any time blocks execution until it ends by itself, and not a second longer.
    function testFuzz_execute_BlockedExactlyWhileFrozen(uint256 freezeAt, uint256 executeAt) public {
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        (, uint64 eta) = _queue(calls, bytes32(0));
        uint64 expiresAt = eta + GRACE;
        uint256 f = block.timestamp + bound(freezeAt, 0, DELAY + GRACE);
        vm.warp(f);
        vm.prank(guardian);
        safe.freeze();
        uint64 until = uint64(f) + FREEZE;
        assertEq(safe.frozenUntil(), until);

        uint256 t = bound(executeAt, f, uint256(expiresAt) + 1);
        if (executeAt % 4 == 0) t = until - 1;
        else if (executeAt % 4 == 1) t = until;
        t = t < f ? f : t;
        vm.warp(t);
        if (t < eta) {
            vm.expectRevert(
                abi.encodeWithSelector(ITreasurySafe.NotReady.selector, safe.hashProposal(calls, 0, 0), eta)
            );
        } else if (t > expiresAt) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ITreasurySafe.ProposalExpired.selector, safe.hashProposal(calls, 0, 0), expiresAt
                )
            );
        } else if (t < until) {
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        }
        safe.execute(calls, bytes32(0), 0);
        assertEq(recipient.balance, t >= eta && t <= expiresAt && t >= until ? 1 ether : 0);
    }
}
