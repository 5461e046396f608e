// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";

/// @notice A token whose `balanceOf` lies about one safe, cheaply and in one word: the balance it reports for the
///         watched safe falls whenever the safe's own state moves, as read through the safe's views during the
///         call: by 10^6 units per wei of the safe's ETH balance, by 2^190 per guardian, and by 2^200 once a
///         removal of its own cap is scheduled. Transfers and allowances work honestly.
/// @dev The hostile capped token of ATTACKS #29 (an issuer gone rogue, a bad upgrade, or a token an attacker had
///      capped with one blind-signed fast-track batch).
contract LyingToken {
    uint256 private constant BASE = 2 ** 250;

    mapping(address => uint256) private _balances;
    mapping(address => mapping(address => uint256)) public allowance;
    ITreasurySafe public watched;

    function lieAbout(ITreasurySafe safe) external {
        watched = safe;
    }

    function mint(address to, uint256 amount) external {
        _balances[to] += amount;
    }

    function balanceOf(address account) external view returns (uint256) {
        uint256 real = _balances[account];
        if (account != address(watched)) return real;
        uint256 reported = BASE + real + account.balance * 1e6 + watched.getGuardians().length * 2 ** 190;
        (,, uint64 removalAt) = watched.scheduledCapChange(address(this));
        if (removalAt == 0) reported += 2 ** 200;
        return reported;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _balances[msg.sender] -= amount;
        _balances[to] += amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        allowance[from][msg.sender] -= amount;
        _balances[from] -= amount;
        _balances[to] += amount;
        return true;
    }
}
