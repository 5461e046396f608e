// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Placeholder
/// @notice PLACEHOLDER for the foundation issue only: proves the toolchain pipeline from
///         contracts/ to the CLI's bindings. Replaced by TreasurySafe in the contracts issue.
contract Placeholder {
    /// @notice A value set at deployment, read back by `tsafe demo` to prove the round trip.
    uint256 public immutable answer;

    constructor(uint256 answer_) {
        answer = answer_;
    }
}
