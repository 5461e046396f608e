// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A token whose `transfer` answers true and moves nothing: a sweep must judge by the balance, not the answer.
contract HollowToken {
    mapping(address => uint256) public balanceOf;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return true;
    }
}
