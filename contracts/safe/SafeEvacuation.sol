// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";
import {SafeCaps} from "./SafeCaps.sol";
import {SafeOwners} from "./SafeOwners.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title SafeEvacuation
/// @notice TreasurySafe's recovery address and evacuation: entering the Evacuated state, the bounded sweep
///         of every asset to the accepted recovery address, acceptance, and scheduled recovery changes.
abstract contract SafeEvacuation is SafeCaps, SafeOwners {
    /*//////////////////////////////////////////////////////////////
                    INTERNAL: RECOVERY AND EVACUATION
    //////////////////////////////////////////////////////////////*/

    /// @dev Enters the Evacuated state if needed (a guardian with power: `guardian`, when `needsPower`), then sweeps.
    function _evacuate(address guardian, bool needsPower, ITreasurySafe.EvacuationExtra[] calldata extras)
        internal
    {
        // A bounded sweep: every asset has a fixed gas budget, so the caller's list is bounded too.
        if (extras.length > MAX_EXTRAS) revert ITreasurySafe.TooManyExtras(extras.length, MAX_EXTRAS);
        Config memory cfg = _loadConfig();
        if (needsPower) {
            uint256 i = _guardianIndex(guardian, cfg.guardianCount);
            // Evacuating is a guardian power (the owners have no immediate evacuate).
            if (i == MAX_GUARDIANS) revert ITreasurySafe.NotGuardian(guardian);
            uint64 powerAt = _guardians[i].powerAt;
            // A guardian added by stolen keys must not sweep before the delay has let the others react.
            if (block.timestamp < powerAt) revert ITreasurySafe.NoEvacuationPower(guardian, powerAt);
        }
        // A scheduled recovery address whose time has come is written first, so the event names the destination.
        _settleRecovery();
        if (!cfg.evacuated) {
            // O(1), before any transfer: a new generation voids the earlier queue; the epoch voids signatures.
            cfg.evacuated = true;
            ++cfg.generation;
            ++cfg.epoch;
            _storeConfig(cfg);
            _recovery.evacuatedAt = uint40(block.timestamp);
            emit ITreasurySafe.EpochChanged(cfg.epoch);
            emit ITreasurySafe.SafeEvacuated(guardian, msg.sender, cfg.generation, _recovery.account);
        }
        address to = _sweep(cfg.capCount);
        // Then the caller's extras. While the recovery address has not accepted nothing is sent, but allowances are
        // still revoked: a revocation moves nothing, and a spender the thieves approved must not wait for it.
        for (uint256 i; i < extras.length; ++i) {
            if (to != address(0) || extras[i].spender != address(0)) {
                _sweepOne(extras[i].asset, extras[i].spender, to);
            }
        }
    }

    /// @dev Moves the native balance, every capped asset and the evacuation list to the recovery address; returns it
    ///      (zero when it has not accepted: then nothing moves).
    function _sweep(uint256 capCount) internal returns (address to) {
        bool accepted;
        (to, accepted) = _settleRecovery();
        // An address that never accepted here may be a typo or exist only on another chain: move nothing.
        if (!accepted) {
            emit ITreasurySafe.SweepHeld(to);
            return address(0);
        }
        // The native coin, the capped assets, then the evacuation list.
        uint256 listed = _backup.listCount;
        for (uint256 k; k < 1 + capCount + listed; ++k) {
            // Quarantined or not, a capped asset is swept (a capped native coin again: its balance is then zero).
            address asset = k == 0
                ? NATIVE_ASSET
                : k <= capCount ? _caps[k - 1].asset : _evacuationList[k - 1 - capCount];
            _sweepOne(asset, address(0), to);
        }
    }

    /// @dev One asset's sweep (`spender` zero) or allowance revocation, with its full gas budget or not at all.
    function _sweepOne(address asset, address spender, address to) internal {
        uint256 left = gasleft();
        // A caller must not starve one asset by sending just enough gas for the others.
        if (left < SWEEP_GAS) revert ITreasurySafe.InsufficientSweepGas(asset, left, SWEEP_GAS);
        if (spender == address(0)) _sweepAsset(asset, to);
        else _revoke(asset, spender);
    }

    /// @dev Sweeps the whole balance of one asset. Swept means the safe's balance fell; anything else is reported.
    function _sweepAsset(address asset, address to) internal {
        if (asset == NATIVE_ASSET) {
            uint256 amount = address(this).balance;
            // slither-disable-next-line incorrect-equality: 0: nothing to send; a donation only makes this sweep it too
            if (amount == 0) return;
            bool sent;
            assembly ("memory-safe") {
                // The whole balance, a bounded budget, and no return data copied (no "return bomb").
                sent := call(SWEEP_TRANSFER_GAS, to, amount, 0, 0, 0, 0)
            }
            if (sent) emit ITreasurySafe.AssetSwept(asset, to, amount, address(this).balance);
            else emit ITreasurySafe.SweepFailed(asset, address(0));
            return;
        }
        bytes memory balanceQuery = abi.encodeCall(IERC20.balanceOf, (address(this)));
        (bool ok, uint256 before) = _readWord(asset, balanceQuery);
        // slither-disable-next-line incorrect-equality: 0: nothing to send; a donated balance is swept like any other
        if (ok && before == 0) return;
        if (ok) {
            _callWith(asset, abi.encodeCall(IERC20.transfer, (to, before)));
            uint256 left;
            (ok, left) = _readWord(asset, balanceQuery);
            // The answer of `transfer` is not trusted either way: only a fall of the balance counts.
            if (ok && left < before) {
                emit ITreasurySafe.AssetSwept(asset, to, before - left, left);
                return;
            }
        }
        emit ITreasurySafe.SweepFailed(asset, address(0));
    }

    /// @dev Revokes the safe's allowance on `asset` to `spender`; revoked means the allowance now reads zero.
    function _revoke(address asset, address spender) internal {
        _callWith(asset, abi.encodeCall(IERC20.approve, (spender, 0)));
        (bool ok, uint256 left) = _readWord(asset, abi.encodeCall(IERC20.allowance, (address(this), spender)));
        // slither-disable-next-line incorrect-equality: allowance read back zero only picks which event is emitted
        if (ok && left == 0) emit ITreasurySafe.AllowanceRevoked(asset, spender);
        else emit ITreasurySafe.SweepFailed(asset, spender);
    }

    /// @dev A token call with the transfer budget whose result and return data are ignored (judged by balances).
    function _callWith(address token, bytes memory data) internal {
        assembly ("memory-safe") {
            // No value, bounded gas, nothing copied back: a reverting or bombing token only fails itself.
            pop(call(SWEEP_TRANSFER_GAS, token, 0, add(data, 0x20), mload(data), 0, 0))
        }
    }

    /// @dev Records the acceptance of `account` if it is the recovery address, the backup or the scheduled one.
    function _accept(address account) internal {
        // slither-disable-next-line uninitialized-local: false until `account` is one of the recovery addresses
        bool known;
        if (account == _recovery.account) (known, _recovery.accepted) = (true, true);
        if (account == _backup.account) (known, _backup.accepted) = (true, true);
        if (account == _scheduledRecovery()) (known, _pending.accepted) = (true, true);
        // Only a recovery address may accept; anything else would be a mistake worth surfacing.
        if (!known) revert ITreasurySafe.NotRecoveryCandidate(account);
        emit ITreasurySafe.RecoveryAccepted(account);
        _settleRecovery();
    }

    /// @dev The recovery address in force now and whether it accepted: a scheduled change applies once its time has
    ///      come and it has accepted.
    function _recoveryInForce() internal view returns (address, bool) {
        PendingRecovery storage p = _pending;
        if (p.account != address(0) && p.accepted && block.timestamp >= p.effectiveAt) {
            return (p.account, true);
        }
        return (_recovery.account, _recovery.accepted);
    }

    /// @dev Writes a scheduled change whose time has come (and that accepted) into the recovery address.
    function _settleRecovery() internal returns (address to, bool accepted) {
        (to, accepted) = _recoveryInForce();
        if (to != _recovery.account) {
            (_recovery.account, _recovery.accepted) = (to, true);
            delete _pending;
            emit ITreasurySafe.RecoverySet(to, _backup.account);
        }
    }

    /// @dev The scheduled new recovery address, if still scheduled: not yet in force and not lapsed (else zero).
    function _scheduledRecovery() internal view returns (address) {
        PendingRecovery storage p = _pending;
        if (p.accepted ? block.timestamp >= p.effectiveAt : block.timestamp > p.lapsesAt) return address(0);
        return p.account;
    }
}
