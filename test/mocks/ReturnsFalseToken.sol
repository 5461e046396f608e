// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A token that reports failure by returning `false` instead of reverting (ZRX, old BAT style).
/// @dev With `alwaysFalse` set, even a "successful" transfer moves the balance and still returns false:
///      the safe must treat the answer, not the balance change, as the verdict.
contract ReturnsFalseToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    bool public alwaysFalse;

    function setAlwaysFalse(bool value) external {
        alwaysFalse = value;
    }

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        if (balanceOf[msg.sender] < amount) return false;
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return !alwaysFalse;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        if (balanceOf[from] < amount || allowance[from][msg.sender] < amount) return false;
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        return !alwaysFalse;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return !alwaysFalse;
    }
}
