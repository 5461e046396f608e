// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MockERC20} from "./MockERC20.sol";

interface ITokenRecipient {
    function onTokenTransfer(address from, uint256 amount) external returns (bytes4);
}

/// @notice An ERC-20 that calls `onTokenTransfer` on contract recipients after each transfer
///         (the ERC-777 / ERC-1363 hook shape), so a recipient can re-enter the sender mid-batch.
contract CallbackToken is MockERC20 {
    constructor() MockERC20("Callback", "CBK", 18) {}

    function _move(address from, address to, uint256 amount) internal override {
        super._move(from, to, amount);
        if (to.code.length != 0) ITokenRecipient(to).onTokenTransfer(from, amount);
    }
}
