// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC20} from "./MockERC20.sol";

/// @notice An ERC-20 whose `transfer` out of the safe re-enters it (an ERC-777-style hook): evacuate, queue,
///         execute, cancel and freeze. Each attempt's revert data is emitted (cheap: the sweep's transfer budget is
///         bounded); the transfer itself then goes through.
contract SweepReentrantToken is MockERC20 {
    event Reentry(bytes reason);

    ITreasurySafe public safe;

    constructor() MockERC20("Hook", "HOOK", 18) {}

    function setSafe(ITreasurySafe safe_) external {
        safe = safe_;
    }

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (msg.sender == address(safe)) _reenter();
        return super.transfer(to, amount);
    }

    function _reenter() internal {
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](1);
        calls[0] = ITreasurySafe.Call({target: address(this), value: 0, data: ""});
        try safe.evacuate(new ITreasurySafe.EvacuationExtra[](0)) {}
        catch (bytes memory r) {
            emit Reentry(r);
        }
        try safe.queue(calls, bytes32(0), new ITreasurySafe.Signature[](0)) {}
        catch (bytes memory r) {
            emit Reentry(r);
        }
        try safe.execute(calls, bytes32(0), 0) {}
        catch (bytes memory r) {
            emit Reentry(r);
        }
        try safe.cancel(bytes32(uint256(1))) {}
        catch (bytes memory r) {
            emit Reentry(r);
        }
        try safe.freeze() {}
        catch (bytes memory r) {
            emit Reentry(r);
        }
    }
}
