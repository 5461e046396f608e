// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MockERC20} from "./MockERC20.sol";

/// @notice An ERC-20 with the allowance-granting entry points of ERC-1363 (`approveAndCall`, with and
///         without data) and ERC-827 (`increaseApprovalAndCall`): each grants an allowance like `approve`
///         does, then calls the spender when it has code. Used to show such grants cannot slip past a cap.
contract ApproveAndCallToken is MockERC20 {
    constructor() MockERC20("ApproveAndCall", "AAC", 18) {}

    function approveAndCall(address spender, uint256 amount) external returns (bool) {
        return _approveAndCall(spender, amount, "");
    }

    function approveAndCall(address spender, uint256 amount, bytes calldata data) external returns (bool) {
        return _approveAndCall(spender, amount, data);
    }

    function increaseApprovalAndCall(address spender, uint256 added, bytes calldata data)
        external
        returns (bool)
    {
        return _approveAndCall(spender, allowance[msg.sender][spender] + added, data);
    }

    function _approveAndCall(address spender, uint256 amount, bytes memory data) internal returns (bool) {
        approve(spender, amount);
        if (spender.code.length != 0) {
            (bool ok,) = spender.call(
                abi.encodeWithSignature("onApprovalReceived(address,uint256,bytes)", msg.sender, amount, data)
            );
            require(ok, "spender refused");
        }
        return true;
    }
}
