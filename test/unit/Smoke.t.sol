// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "../utils/SafeTestBase.sol";

/// @notice The end-to-end happy path and the two refusals every reader checks first.
contract SmokeTest is SafeTestBase {
    function test_execute_TransfersAfterDelay() public {
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        (bytes32 id, uint64 eta) = _queue(calls, bytes32(0));
        assertEq(eta, block.timestamp + DELAY);

        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotReady.selector, id, eta));
        safe.execute(calls, bytes32(0), 0);

        vm.warp(eta);
        safe.execute(calls, bytes32(0), 0);
        assertEq(recipient.balance, 1 ether);
        assertEq(uint8(safe.proposalState(id)), uint8(ITreasurySafe.ProposalState.Executed));
        // Lanes count in units of limit / (2^24 - 1), rounded against the spender: at most 2 units short.
        assertApproxEqAbs(safe.remainingCap(NATIVE), 9 ether, 2 * uint256(ETH_CAP) / type(uint24).max);
        assertLe(safe.remainingCap(NATIVE), 9 ether);
    }

    function test_RevertWhen_TransferExceedsCap() public {
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 11 ether);
        (, uint64 eta) = _queue(calls, bytes32(0));
        vm.warp(eta);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 11 ether, 10 ether)
        );
        safe.execute(calls, bytes32(0), 0);
    }
}
