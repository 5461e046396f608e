// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "./TreasurySafe.sol";
import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {ITreasurySafeFactory} from "./interfaces/ITreasurySafeFactory.sol";
import {ConfigRules} from "./libraries/ConfigRules.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @title TreasurySafeFactory
/// @notice Deploys TreasurySafe clones deterministically and initialises them atomically.
/// @dev The factory creates its own implementation in its constructor, so the implementation's
///      FACTORY is this contract and nobody else can ever initialise a clone; the implementation
///      marks itself initialised in its constructor. Clones are EIP-1167 minimal proxies: their
///      code never changes and they have no upgrade path.
contract TreasurySafeFactory is ITreasurySafeFactory {
    /// @inheritdoc ITreasurySafeFactory
    address public immutable IMPLEMENTATION;

    constructor() {
        IMPLEMENTATION = address(new TreasurySafe());
    }

    /// @inheritdoc ITreasurySafeFactory
    function createSafe(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        external
        returns (address safe)
    {
        safe = Clones.cloneDeterministic(IMPLEMENTATION, _deploySalt(config, salt));
        // The safe trusts this factory, its only initialiser, for the checks that need none of its storage.
        _checkConfig(config, safe);
        // Same transaction as the CREATE2: there is no window to front-run an initialiser.
        ITreasurySafe(safe).initialize(config);
        emit SafeCreated(safe, msg.sender, salt);
    }

    /// @inheritdoc ITreasurySafeFactory
    function predictSafeAddress(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        external
        view
        returns (address)
    {
        return Clones.predictDeterministicAddress(IMPLEMENTATION, _deploySalt(config, salt));
    }

    /// @dev The initial configuration's rules that `initialize` leaves to its factory (the owners, the threshold and the
    ///      guardians are checked by the safe as it writes them): the recovery address and its backup, the timing and
    ///      the caps, with the errors the setters would give.
    function _checkConfig(ITreasurySafe.InitConfig calldata config, address safe) private view {
        address recovery = config.recovery;
        ConfigRules.checkRecovery(
            recovery,
            safe,
            ConfigRules.contains(config.owners, recovery) || ConfigRules.contains(config.guardians, recovery)
        );
        address backup = config.backupRecovery;
        if (backup != address(0)) {
            ConfigRules.checkRecovery(
                backup,
                safe,
                ConfigRules.contains(config.owners, backup) || ConfigRules.contains(config.guardians, backup)
            );
            // A backup equal to the first address would be no backup.
            if (backup == recovery) revert ITreasurySafe.InvalidRecovery(backup);
        }
        ConfigRules.checkTiming(config.delay, config.grace, config.freezeDuration);
        ITreasurySafe.CapConfig[] calldata caps = config.caps;
        for (uint256 i; i < caps.length; ++i) {
            ConfigRules.checkCap(caps[i].asset, caps[i].limit, caps[i].period, safe);
            for (uint256 j; j < i; ++j) {
                // A duplicate asset would be two caps; the first one must be the only one.
                if (caps[j].asset == caps[i].asset) {
                    revert ITreasurySafe.InvalidCap(caps[i].asset, caps[i].limit, caps[i].period);
                }
            }
        }
    }

    /// @dev The CREATE2 salt commits to the whole configuration and the caller's salt.
    function _deploySalt(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(config, salt));
    }
}
