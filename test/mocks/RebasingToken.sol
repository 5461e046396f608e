// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A share-based rebasing token (stETH/AMPL style): balances are shares times a global index,
///         which anyone may move up or down with `rebase`.
contract RebasingToken {
    uint256 private constant ONE = 1e18;
    /// Balance per share, 1e18 = 1:1.
    uint256 public index = ONE;
    mapping(address => uint256) public sharesOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        sharesOf[to] += amount * ONE / index;
    }

    /// @notice Sets the balance per share to `newIndex` (1e18 = 1:1).
    function rebase(uint256 newIndex) external {
        index = newIndex;
    }

    function balanceOf(address account) external view returns (uint256) {
        return sharesOf[account] * index / ONE;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 shares = amount * ONE / index;
        sharesOf[msg.sender] -= shares;
        sharesOf[to] += shares;
        return true;
    }
}
