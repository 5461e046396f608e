// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice Call targets for batches: a counter, a target that always reverts, a target that swallows
///         an out-of-gas in a sub-call (to study the 63/64 rule), and a force-feeder of ETH.
contract Counter {
    uint256 public count;
    address public lastCaller;

    function bump() external payable {
        ++count;
        lastCaller = msg.sender;
    }
}

contract Reverter {
    error Nope(uint256 code);

    bool public on = true;

    function set(bool on_) external {
        on = on_;
    }

    function poke() external view {
        if (on) revert Nope(42);
    }
}

/// @notice Burns `need` gas in its own frame, so a caller that forwards less runs it out of gas.
contract GasHungry {
    uint256 public done;

    function run(uint256 need) external {
        uint256 start = gasleft();
        while (start - gasleft() < need) {}
        done = need;
    }
}

/// @notice Sends all of its ETH to `to` with SELFDESTRUCT (no receive hook runs), from its constructor.
contract ForceFeeder {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}
