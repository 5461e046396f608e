// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DevToken
/// @notice A plain 6-decimal ERC-20 ("Devnet USD", dUSD) that `tsafe devnet` deploys on a local
///         chain so token transfers and token caps can be tried. Not part of the safe; never
///         deployed by `script/Deploy.s.sol`.
contract DevToken is ERC20 {
    /// @param holder Receives the whole supply.
    /// @param supply Base units minted to `holder`.
    constructor(address holder, uint256 supply) ERC20("Devnet USD", "dUSD") {
        _mint(holder, supply);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
