// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MockERC20} from "./MockERC20.sol";

/// @notice An ERC-20 with its own `multicall(bytes[])` (as many real tokens have, e.g. through OpenZeppelin's
///         Multicall): each inner call is a delegatecall to the token itself, so `multicall([approve(…)])`
///         grants an allowance with `msg.sender` the caller, under a selector that is not `approve`.
contract MulticallToken is MockERC20 {
    constructor() MockERC20("Multicall", "MULTI", 18) {}

    function multicall(bytes[] calldata data) external returns (bytes[] memory results) {
        results = new bytes[](data.length);
        for (uint256 i; i < data.length; ++i) {
            (bool ok, bytes memory ret) = address(this).delegatecall(data[i]);
            require(ok, "inner call failed");
            results[i] = ret;
        }
    }
}
