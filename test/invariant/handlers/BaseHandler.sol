// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../../contracts/interfaces/ITreasurySafe.sol";
import {InvariantToken} from "../mocks/InvariantToken.sol";
import {GhostStore} from "../stores/GhostStore.sol";
import {Test} from "forge-std/Test.sol";

/// @notice What every handler shares: the safe, the tokens, the ghost store, the clock, and the check
///         that the safe's balances never fall outside `execute` (invariant d).
abstract contract BaseHandler is Test {
    address internal constant NATIVE = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    // By signature, so the handlers also build against the code before F-10..F-14 (to check they catch them).
    bytes4 internal constant QUARANTINE = bytes4(keccak256("quarantine(address)"));
    bytes4 internal constant DISALLOW_SELECTOR = bytes4(keccak256("disallowSelector(address)"));

    ITreasurySafe internal immutable safe;
    GhostStore internal immutable store;
    /// Capped token.
    InvariantToken internal immutable tokenA;
    /// Uncapped token.
    InvariantToken internal immutable tokenB;

    /// @dev The safe's holdings and the one allowance it can grant (tokenA to the spender handler).
    struct Holdings {
        uint256 eth;
        uint256 a;
        uint256 b;
        uint256 allowanceA;
    }

    constructor(ITreasurySafe safe_, GhostStore store_, InvariantToken tokenA_, InvariantToken tokenB_) {
        (safe, store, tokenA, tokenB) = (safe_, store_, tokenA_, tokenB_);
    }

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Moves the clock by a random step, often zero so several actions share a block.
    modifier adjustTime(uint256 seed) {
        uint256 t = store.timestamp();
        uint256 kind = seed % 8;
        uint256 r = seed >> 8;
        uint256 jump;
        if (kind < 3) jump = 0;
        else if (kind < 6) jump = bound(r, 1, 1 hours);
        else if (kind == 6) jump = bound(r, 1 hours, 8 hours);
        else jump = bound(r, 1, 60);
        vm.warp(t + jump);
        store.setTimestamp(t + jump);
        _;
    }

    /// @dev Invariant (d): an action that is not `execute` leaves every balance of the safe where it was
    ///      or higher, and its allowances where they were (spender pulls check themselves).
    modifier noOutflow(string memory action) {
        Holdings memory before = _holdings();
        _;
        Holdings memory afterwards = _holdings();
        if (
            afterwards.eth < before.eth || afterwards.a < before.a || afterwards.b < before.b
                || afterwards.allowanceA > before.allowanceA
        ) {
            store.fail(store.OUTFLOW_OUTSIDE_EXECUTE(), string.concat("outflow outside execute in ", action));
        }
    }

    /// @dev Invariant (c) is checked after every action: every known id moved only along legal edges.
    modifier observe() {
        _;
        store.observe(safe);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _holdings() internal view returns (Holdings memory h) {
        h.eth = address(safe).balance;
        h.a = tokenA.balanceOf(address(safe));
        h.b = tokenB.balanceOf(address(safe));
        h.allowanceA = tokenA.allowance(address(safe), _spender());
    }

    function _spender() internal view virtual returns (address);

    function _one(address target, uint256 value, bytes memory data)
        internal
        pure
        returns (ITreasurySafe.Call[] memory calls)
    {
        calls = new ITreasurySafe.Call[](1);
        calls[0] = ITreasurySafe.Call({target: target, value: value, data: data});
    }

    function _isFastTrackSelector(bytes4 s) internal pure returns (bool) {
        return s == ITreasurySafe.removeOwner.selector || s == ITreasurySafe.changeThreshold.selector
            || s == ITreasurySafe.addGuardian.selector || s == ITreasurySafe.setCap.selector
            || s == ITreasurySafe.setDelay.selector || s == ITreasurySafe.setGrace.selector
            || s == ITreasurySafe.setFreezeDuration.selector || s == ITreasurySafe.freeze.selector
            || s == ITreasurySafe.rearmGuardians.selector || s == ITreasurySafe.unfreeze.selector
            || s == ITreasurySafe.cancel.selector || s == QUARANTINE || s == DISALLOW_SELECTOR;
    }

    /// @dev Whether a batch could move `asset`, so that a cap on it may refuse the batch (SPEC §3.3): never a batch
    ///      of self-calls; the native coin, or a token the batch calls; any asset when the batch calls other code.
    function _mayMove(ITreasurySafe.Call[] memory calls, address asset) internal view returns (bool) {
        bool selfOnly = true;
        for (uint256 i; i < calls.length; ++i) {
            address target = calls[i].target;
            if (target == address(safe)) continue;
            selfOnly = false;
            if (target == asset || target.code.length != 0) return true;
        }
        return !selfOnly && asset == NATIVE;
    }

    /// @dev The ghost's own reading of ITreasurySafe: fast track = only value-less self-calls to the
    ///      fast-track setters; freeze-exempt = only value-less self-calls to unfreeze and cancel.
    function _classify(ITreasurySafe.Call[] memory calls)
        internal
        view
        returns (bool fastTrack, bool freezeExempt)
    {
        fastTrack = calls.length != 0;
        freezeExempt = calls.length != 0;
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call memory c = calls[i];
            if (c.target != address(safe) || c.value != 0 || c.data.length < 4) return (false, false);
            bytes4 s = bytes4(c.data);
            fastTrack = fastTrack && _isFastTrackSelector(s);
            freezeExempt =
                freezeExempt && (s == ITreasurySafe.unfreeze.selector || s == ITreasurySafe.cancel.selector);
        }
    }
}
