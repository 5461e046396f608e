// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";
import {SafeStorage} from "./SafeStorage.sol";

/// @title SafeOwners
/// @notice TreasurySafe's owner list (a linked list whose nodes carry the owner's index, used by approval
///         bitmaps) and guardian array: membership, indices, and the checks of every addition.
abstract contract SafeOwners is SafeStorage {
    /*//////////////////////////////////////////////////////////////
                      INTERNAL: OWNERS AND GUARDIANS
    //////////////////////////////////////////////////////////////*/

    function _isOwner(address account) internal view returns (bool) {
        return account != SENTINEL && _owners[account].next != address(0);
    }

    /// @dev The caller's owner index, or revert.
    function _requireOwner(address account) internal view returns (uint8 index) {
        index = _ownerIndex(account);
        // Proposing and approving are owner powers.
        // slither-disable-next-line incorrect-equality: uint8 max is _ownerIndex's 'not an owner' sentinel
        if (index == type(uint8).max) revert ITreasurySafe.NotOwner(account);
    }

    /// @dev The owner index of `account`, or type(uint8).max if it is not an owner.
    function _ownerIndex(address account) internal view returns (uint8) {
        OwnerNode memory node = _owners[account];
        if (account == SENTINEL || node.next == address(0)) return type(uint8).max;
        return node.index;
    }

    function _ownerList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        address current = _owners[SENTINEL].next;
        for (uint256 i; i < count; ++i) {
            list[i] = current;
            current = _owners[current].next;
        }
    }

    /// @dev Replaces the owner list and threshold; a change (not the first write) bumps the epoch.
    function _writeOwners(Config memory cfg, address[] memory list, uint256 newThreshold) internal {
        // 1..MAX_OWNERS owners: approval bitmaps are 32 bits.
        // slither-disable-next-line incorrect-equality: argument check: an empty owner list is refused
        if (list.length == 0 || list.length > MAX_OWNERS) {
            revert ITreasurySafe.OwnerCountOutOfBounds(list.length, MAX_OWNERS);
        }
        // M of N with 1 <= M <= N.
        // slither-disable-next-line incorrect-equality: argument check: threshold 0 is refused
        if (newThreshold == 0 || newThreshold > list.length) {
            revert ITreasurySafe.InvalidThreshold(newThreshold, list.length);
        }

        // slither-disable-next-line incorrect-equality: ownerCount is 0 only before initialize wrote the owners
        bool firstWrite = cfg.ownerCount == 0;
        address[] memory old = _ownerList(cfg.ownerCount);
        for (uint256 i; i < old.length; ++i) {
            delete _owners[old[i]];
        }
        _owners[SENTINEL] = OwnerNode({next: list[0], index: 0});
        for (uint256 i; i < list.length; ++i) {
            address owner = list[i];
            // No zero, sentinel or self owner, and no duplicates (a node already written).
            if (
                owner == address(0) || owner == SENTINEL || owner == address(this)
                    || _owners[owner].next != address(0)
            ) revert ITreasurySafe.InvalidOwner(owner);
            // An owner that is also where the funds go would make the recovery address a spender's.
            if (_isRecoveryAddress(owner)) revert ITreasurySafe.InvalidRecovery(owner);
            _owners[owner] = OwnerNode({next: i + 1 < list.length ? list[i + 1] : SENTINEL, index: uint8(i)});
        }
        cfg.ownerCount = uint8(list.length);
        if (cfg.threshold != newThreshold) {
            cfg.threshold = uint8(newThreshold);
            if (!firstWrite) emit ITreasurySafe.ThresholdChanged(newThreshold);
        }
        if (!firstWrite) {
            // New owner set or threshold: approvals gathered under the old one no longer count.
            ++cfg.epoch;
            emit ITreasurySafe.EpochChanged(cfg.epoch);
        }
    }

    function _addGuardian(Config memory cfg, address guardian, uint64 powerAt) internal {
        // Guardians are real, distinct accounts other than the safe.
        if (guardian == address(0) || guardian == address(this) || _isGuardian(guardian, cfg.guardianCount)) {
            revert ITreasurySafe.InvalidGuardian(guardian);
        }
        // A guardian that is also where the funds go could sweep to itself.
        if (_isRecoveryAddress(guardian)) revert ITreasurySafe.InvalidRecovery(guardian);
        // Bounded so every guardian check stays cheap.
        if (cfg.guardianCount >= MAX_GUARDIANS) revert ITreasurySafe.TooManyGuardians(MAX_GUARDIANS);
        _guardians[cfg.guardianCount] = GuardianSlot({account: guardian, powerAt: powerAt});
        ++cfg.guardianCount;
        emit ITreasurySafe.GuardianAdded(guardian);
    }

    function _isGuardian(address account, uint256 count) internal view returns (bool) {
        return _guardianIndex(account, count) != MAX_GUARDIANS;
    }

    /// @dev The index of `account` among the guardians, or MAX_GUARDIANS.
    function _guardianIndex(address account, uint256 count) internal view returns (uint256) {
        if (account == address(0)) return MAX_GUARDIANS;
        for (uint256 i; i < count; ++i) {
            if (_guardians[i].account == account) return i;
        }
        return MAX_GUARDIANS;
    }

    /// @dev Whether `account` is the recovery address, the backup or a scheduled one (until replaced or cancelled,
    ///      even once lapsed: refusing it as an owner or guardian a little longer is the safe side).
    function _isRecoveryAddress(address account) internal view returns (bool) {
        return account == _recovery.account || account == _backup.account || account == _pending.account;
    }
}
