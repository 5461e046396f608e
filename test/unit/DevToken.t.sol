// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DevToken} from "../../contracts/devnet/DevToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Test} from "forge-std/Test.sol";

/// @notice DevToken, the plain 6-decimal ERC-20 that `tsafe devnet` deploys (never part of a safe).
/// constructor: mints the whole supply to the holder (one Transfer from zero), named "Devnet USD" (dUSD)
/// decimals: 6, so the CLI reads dUSD amounts in millionths
contract DevTokenTest is Test {
    uint256 internal constant SUPPLY = 1_000_000e6;
    address internal holder = makeAddr("holder");

    function test_constructor_MintsTheWholeSupplyToTheHolder() public {
        vm.expectEmit(true, true, false, true);
        emit IERC20.Transfer(address(0), holder, SUPPLY);
        DevToken token = new DevToken(holder, SUPPLY);
        assertEq(token.totalSupply(), SUPPLY);
        assertEq(token.balanceOf(holder), SUPPLY);
        assertEq(token.balanceOf(address(this)), 0, "the deployer gets nothing");
        assertEq(token.name(), "Devnet USD");
        assertEq(token.symbol(), "dUSD");
    }

    function test_decimals_IsSix() public {
        DevToken token = new DevToken(holder, SUPPLY);
        assertEq(token.decimals(), 6);
        // 250,000 dUSD, the devnet safe's weekly cap, in base units.
        uint256 amount = 250_000 * 10 ** token.decimals();
        vm.prank(holder);
        token.transfer(address(this), amount);
        assertEq(token.balanceOf(address(this)), 250_000e6);
    }
}
