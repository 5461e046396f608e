// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A token that reverts: when paused (every transfer), when reads are paused (`balanceOf`),
///         for blocklisted senders or recipients, and on zero-amount transfers (LEND style).
contract RevertingToken {
    error Paused();
    error Blocked(address account);
    error ZeroAmount();

    mapping(address => uint256) private _balances;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(address => bool) public blocked;
    bool public paused;
    bool public pauseReads;

    function mint(address to, uint256 amount) external {
        _balances[to] += amount;
    }

    function setPaused(bool value, bool reads) external {
        (paused, pauseReads) = (value, reads);
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function balanceOf(address account) external view returns (uint256) {
        if (pauseReads) revert Paused();
        return _balances[account];
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        if (paused) revert Paused();
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        _move(from, to, amount);
        return true;
    }

    function _move(address from, address to, uint256 amount) internal {
        if (paused) revert Paused();
        if (blocked[from]) revert Blocked(from);
        if (blocked[to]) revert Blocked(to);
        if (amount == 0) revert ZeroAmount();
        _balances[from] -= amount;
        _balances[to] += amount;
    }
}
