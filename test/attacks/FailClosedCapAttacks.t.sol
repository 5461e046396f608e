// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ATTACKS.md rows #29 (a cap that bricks the safe), #30 (allowance through an uncounted route) and #31 (a
///         guardian made permanent): findings F-10 to F-14. Each test fails on the code before its fix.
contract FailClosedCapAttacksTest is SafeUnitBase {
    /*//////////////////////////////////////////////////////////////
                  #29 A CAP THAT BRICKS THE SAFE
    //////////////////////////////////////////////////////////////*/

    /// @notice #29 (F-10): a cap on the safe's own address (fast-trackable: a cap on a new asset) or on an address
    ///         without code is refused with InvalidCap, so no batch can make every self-call unmeasurable.
    function test_Attack29_CapOnTheSafeItselfIsRefused() public {
        bytes memory selfCap = abi.encodeCall(TreasurySafe.setCap, (address(safe), 1, 1 hours));
        (, uint64 eta) = _prepareSelf(selfCap);
        assertEq(eta, _now(), "a cap on a new asset is fast-tracked");
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, address(safe), 1, 1 hours)
            )
        );
        _go();

        address noCode = makeAddr("noCode");
        _prepareSelf(abi.encodeCall(TreasurySafe.setCap, (noCode, 1, 1 hours)));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, noCode, 1, 1 hours)
            )
        );
        _go();
        assertEq(safe.getConfig().caps.length, 1);

        // The owners' governance works as before: a guardian removal runs after the delay.
        _queueAndExecute(_selfCall(abi.encodeCall(TreasurySafe.removeGuardian, (guardian))), SALT);
        assertFalse(safe.isGuardian(guardian));
    }
}
