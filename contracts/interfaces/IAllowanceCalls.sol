// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAllowanceCalls
/// @notice The allowance functions some ERC-20 tokens add beyond the standard. TreasurySafe lets a batch call them on
///         a capped token because it measures what they leave standing, and names them through this interface
///         (`.selector`) rather than by signature strings.
interface IAllowanceCalls {
    /// @notice Raises `spender`'s allowance of the caller's tokens (OpenZeppelin 4.x ERC20).
    /// @param spender The address allowed to spend.
    /// @param addedValue How much to add to the allowance, in token base units.
    /// @return Whether it succeeded (a token may also revert).
    function increaseAllowance(address spender, uint256 addedValue) external returns (bool);

    /// @notice Raises `spender`'s allowance of the caller's tokens (the older name, e.g. some stablecoins).
    /// @param spender The address allowed to spend.
    /// @param addedValue How much to add to the allowance, in token base units.
    /// @return Whether it succeeded (a token may also revert).
    function increaseApproval(address spender, uint256 addedValue) external returns (bool);

    /// @notice Lowers `spender`'s allowance of the caller's tokens (OpenZeppelin 4.x ERC20).
    /// @param spender The address allowed to spend.
    /// @param subtractedValue How much to take off the allowance, in token base units.
    /// @return Whether it succeeded (a token may also revert).
    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool);
}
