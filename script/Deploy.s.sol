// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeFactory} from "../contracts/TreasurySafeFactory.sol";
import {Script} from "forge-std/Script.sol";

/// @title Deploy
/// @notice Deploys TreasurySafeFactory (which creates the TreasurySafe implementation in its constructor)
///         at the same address on every chain, through the standard deterministic CREATE2 deployer.
/// @dev Usage: `forge script script/Deploy.s.sol --rpc-url $ETH_RPC_URL --broadcast --account NAME`.
///      - `new TreasurySafeFactory{salt: SALT}()` inside a broadcast is sent by forge to the deterministic
///        deployer (CREATE2_FACTORY, 0x4e59…956C: present on anvil and on most chains), so the factory
///        address depends only on SALT and the factory's creation code, never on the sender or its nonce.
///        The implementation is the factory's first CREATE (nonce 1), hence deterministic as well.
///      - The creation code carries no CBOR metadata (foundry.toml), so it depends only on the sources and
///        compiler settings: the same build gives the same addresses everywhere.
///      - Idempotent: when code already exists at the predicted address nothing is sent, and `run` returns
///        the existing deployment after checking it is the expected one.
contract Deploy is Script {
    /// @notice The fixed CREATE2 salt of the factory. Changing it moves every address.
    bytes32 public constant SALT = keccak256("tsafe.TreasurySafeFactory.v1");

    /// @notice Thrown when the chain has no deterministic deployer at CREATE2_FACTORY.
    error DeterministicDeployerMissing(address deployer);
    /// @notice Thrown when a deployment does not land at, or does not match, the predicted addresses.
    error UnexpectedDeployment(address expected, address actual);

    /// @notice Deploys the factory and its implementation, or finds them already deployed.
    /// @return factory The factory, at `predictFactory()`.
    /// @return implementation The implementation, at `predictImplementation()`.
    function run() external returns (TreasurySafeFactory factory, address implementation) {
        address predicted = predictFactory();
        if (predicted.code.length == 0) {
            // Without the deterministic deployer the CREATE2 address would depend on the sender.
            if (CREATE2_FACTORY.code.length == 0) revert DeterministicDeployerMissing(CREATE2_FACTORY);
            vm.broadcast();
            factory = new TreasurySafeFactory{salt: SALT}();
            // A different address means the CREATE2 did not go through the deterministic deployer.
            if (address(factory) != predicted) revert UnexpectedDeployment(predicted, address(factory));
        } else {
            factory = TreasurySafeFactory(predicted);
        }
        implementation = factory.IMPLEMENTATION();
        // Code at the predicted address that is not our factory would not answer with our implementation.
        if (implementation != predictImplementation()) {
            revert UnexpectedDeployment(predictImplementation(), implementation);
        }
    }

    /// @notice Where the factory lands on every chain.
    function predictFactory() public pure returns (address) {
        return
            vm.computeCreate2Address(SALT, keccak256(type(TreasurySafeFactory).creationCode), CREATE2_FACTORY);
    }

    /// @notice Where the implementation lands: the factory's first contract creation (nonce 1, EIP-161).
    function predictImplementation() public pure returns (address) {
        return vm.computeCreateAddress(predictFactory(), 1);
    }
}
