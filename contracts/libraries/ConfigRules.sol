// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";

/// @title ConfigRules
/// @notice The argument checks of a safe's configuration that need no storage of the safe: the timing bounds, a cap's
///         asset and window, a recovery address's basic rules.
/// @dev Used by TreasurySafeFactory (the initial configuration, checked before `initialize`, which only the factory
///      may call) and by TreasurySafeLens (the setters, which forward their calldata to the lens to be checked), so the
///      implementation stays under EIP-170. The bounds are TreasurySafe's (ITreasurySafe documents them).
library ConfigRules {
    address internal constant NATIVE_ASSET = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    uint32 internal constant MIN_DELAY = 1 hours;
    uint32 internal constant MAX_DELAY = 30 days;
    uint32 internal constant MIN_GRACE = 1 hours;
    uint32 internal constant MAX_GRACE = 90 days;
    uint32 internal constant MIN_FREEZE = 1 hours;
    uint32 internal constant MAX_FREEZE = 14 days;
    uint32 internal constant MIN_CAP_PERIOD = 1 hours;
    uint32 internal constant MAX_CAP_PERIOD = 365 days;

    /// @dev Reverts unless delay, grace and freeze duration are within bounds and the grace outlasts a freeze.
    function checkTiming(uint32 delay, uint32 grace, uint32 freezeDuration) internal pure {
        // The delay is the window in which guardians and watchers act; bounded both ways.
        if (delay < MIN_DELAY || delay > MAX_DELAY) {
            revert ITreasurySafe.DelayOutOfBounds(delay, MIN_DELAY, MAX_DELAY);
        }
        if (grace < MIN_GRACE || grace > MAX_GRACE) {
            revert ITreasurySafe.GraceOutOfBounds(grace, MIN_GRACE, MAX_GRACE);
        }
        if (freezeDuration < MIN_FREEZE || freezeDuration > MAX_FREEZE) {
            revert ITreasurySafe.FreezeDurationOutOfBounds(freezeDuration, MIN_FREEZE, MAX_FREEZE);
        }
        // A freeze must never by itself push a queued proposal past its grace period.
        if (grace < freezeDuration) revert ITreasurySafe.GraceShorterThanFreeze(grace, freezeDuration);
    }

    /// @dev Reverts unless `asset` can carry a cap on `safe`: the native coin, or a contract that is not the safe (a
    ///      cap on the safe would make every batch unmeasurable; on an address without code, it measures nothing);
    ///      then something to allow, and a window the ring can represent.
    function checkCap(address asset, uint256 limit, uint32 period, address safe) internal view {
        if (
            (asset != NATIVE_ASSET && (asset == safe || asset.code.length == 0)) || limit == 0
                || period < MIN_CAP_PERIOD || period > MAX_CAP_PERIOD
        ) revert ITreasurySafe.InvalidCap(asset, limit, period);
    }

    /// @dev Reverts unless `account` may be `safe`'s recovery address: never zero, the safe, an owner or a guardian.
    function checkRecovery(address account, address safe, bool isOwnerOrGuardian) internal pure {
        if (account == address(0) || account == safe || isOwnerOrGuardian) {
            revert ITreasurySafe.InvalidRecovery(account);
        }
    }

    /// @dev Whether `account` is in `list`.
    function contains(address[] calldata list, address account) internal pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }
}
