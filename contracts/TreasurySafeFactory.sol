// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "./TreasurySafe.sol";
import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {ITreasurySafeFactory} from "./interfaces/ITreasurySafeFactory.sol";
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

    /// @dev The CREATE2 salt commits to the whole configuration and the caller's salt.
    function _deploySalt(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(config, salt));
    }
}
