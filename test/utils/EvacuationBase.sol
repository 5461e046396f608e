// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {SafeUnitBase} from "./SafeUnitBase.sol";

/// @notice Helpers for the recovery-sweep suites: the shared 2-of-3 safe (guardian, 10 ether / 1 day ETH cap,
///         100 ether) plus a capped token, a listed token, an acceptance by the recovery address and sweeps.
abstract contract EvacuationBase is SafeUnitBase {
    MockERC20 internal capped;
    MockERC20 internal listed;

    function setUp() public virtual override {
        super.setUp();
        capped = new MockERC20("Capped", "CAP", 18);
        listed = new MockERC20("Listed", "LST", 18);
        capped.mint(address(safe), 1000e18);
        listed.mint(address(safe), 500e18);
        // A new cap and a list addition only tighten: fast-tracked.
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(capped), 100e18, 1 days)));
        _fastTrack(abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(listed))));
    }

    function _noExtras() internal pure returns (ITreasurySafe.EvacuationExtra[] memory) {
        return new ITreasurySafe.EvacuationExtra[](0);
    }

    function _accept() internal {
        vm.prank(recovery);
        safe.acceptRecovery();
    }

    function _evacuate() internal {
        vm.prank(guardian);
        safe.evacuate(_noExtras());
    }

    function _extra(address asset, address spender)
        internal
        pure
        returns (ITreasurySafe.EvacuationExtra[] memory extras)
    {
        extras = new ITreasurySafe.EvacuationExtra[](1);
        extras[0] = ITreasurySafe.EvacuationExtra({asset: asset, spender: spender});
    }

    function _generation() internal view returns (uint32) {
        return safe.getRecovery().generation;
    }

    /// @dev Queues `calls` with owners 0 and 1 (delayed unless fast-tracked) and returns id, eta and the epoch.
    function _queueAt(ITreasurySafe.Call[] memory calls, bytes32 salt)
        internal
        returns (bytes32 id, uint64 eta, uint32 epoch)
    {
        epoch = safe.epoch();
        (id, eta) = _queue(calls, salt);
    }
}
