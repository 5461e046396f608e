// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../../contracts/interfaces/ITreasurySafe.sol";
import {InvariantToken} from "../mocks/InvariantToken.sol";
import {GhostStore} from "../stores/GhostStore.sol";
import {BaseHandler} from "./BaseHandler.sol";

/// @notice The outside world: a spender the safe may approve on the capped token, pulling with
///         `transferFrom` at any time (inside a batch or long after), and donors forcing ETH and tokens in.
/// @dev A pull is the one way the safe's balance may fall outside `execute`, and only by what the allowance
///      allows: that allowance was charged to the cap when an executed batch left it standing (invariant d).
contract SpenderHandler is BaseHandler {
    address internal immutable sink = makeAddr("spenderSink");

    constructor(ITreasurySafe safe_, GhostStore store_, InvariantToken tokenA_, InvariantToken tokenB_)
        BaseHandler(safe_, store_, tokenA_, tokenB_)
    {}

    /// @dev Pulls part of the standing allowance, outside any execute.
    function pull(uint256 timeSeed, uint256 amountSeed) external adjustTime(timeSeed) observe {
        Holdings memory before = _holdings();
        if (before.allowanceA == 0) return;
        uint256 amount = bound(amountSeed, 1, before.allowanceA);
        if (amount > before.a) return;
        store.countPull();
        tokenA.transferFrom(address(safe), sink, amount);
        Holdings memory afterwards = _holdings();
        // The only movement: `amount` of the capped token, matched one for one by the allowance.
        if (
            afterwards.eth < before.eth || afterwards.b < before.b || before.a - afterwards.a != amount
                || before.allowanceA - afterwards.allowanceA != amount
        ) {
            store.fail(store.OUTFLOW_OUTSIDE_EXECUTE(), "a pull moved more than its allowance");
        }
    }

    /// @dev Called by the safe inside a batch that just approved this spender.
    function pullInBatch(uint256 amount) external {
        require(msg.sender == address(safe), "only the safe's batch");
        tokenA.transferFrom(address(safe), sink, amount);
    }

    /// @dev Forced ETH and donated tokens: inflows never disturb the accounting.
    function donate(uint256 timeSeed, uint256 amountSeed)
        external
        adjustTime(timeSeed)
        noOutflow("donate")
        observe
    {
        uint256 amount = bound(amountSeed, 0, 5 ether);
        if (amountSeed % 3 == 0) vm.deal(address(safe), address(safe).balance + amount);
        else if (amountSeed % 3 == 1) tokenA.mint(address(safe), amount * 100);
        else tokenB.mint(address(safe), amount * 100);
    }

    function _spender() internal view override returns (address) {
        return address(this);
    }
}
