// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITreasurySafe} from "./ITreasurySafe.sol";

/// @title ITreasurySafeFactory
/// @notice Deploys TreasurySafe clones at CREATE2 addresses derived from their initial configuration
///         and a salt, initialised in the same transaction.
/// @dev The address commits to the whole InitConfig: the same salt with different owners, caps or
///      delays gives a different address, so nobody can squat a predicted address with other rules
///      on any chain. Deploying an identical configuration twice reverts (the address is taken).
interface ITreasurySafeFactory {
    /// @notice Emitted when a safe is created.
    /// @param safe The new safe.
    /// @param creator The account that called `createSafe`; it gets no power over the safe.
    /// @param salt The salt passed to `createSafe` (the CREATE2 salt also commits to the configuration).
    event SafeCreated(address indexed safe, address indexed creator, bytes32 salt);

    /// @notice The immutable implementation every safe delegates to (created by this factory; never initialisable).
    /// @return The implementation's address.
    function IMPLEMENTATION() external view returns (address);

    /// @notice Deploys and initialises a safe in one transaction.
    /// @param config The safe's initial configuration.
    /// @param salt Any value; lets one configuration be deployed more than once.
    /// @return safe The new safe's address (equal to `predictSafeAddress(config, salt)`).
    function createSafe(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        external
        returns (address safe);

    /// @notice The address `createSafe(config, salt)` deploys to.
    /// @param config The initial configuration, exactly as it will be passed to `createSafe`.
    /// @param salt The salt, as it will be passed to `createSafe`.
    /// @return The CREATE2 address; whether a safe is already deployed there is not checked.
    function predictSafeAddress(ITreasurySafe.InitConfig calldata config, bytes32 salt)
        external
        view
        returns (address);
}
