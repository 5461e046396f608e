// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "./SafeTestBase.sol";

/// @notice Helpers shared by the unit and attack suites, on top of the shared fixture (a 2-of-3 safe
///         with one guardian and a 10 ether / 1 day ETH cap, funded with 100 ether).
/// @dev Owners are sorted by address, so `owners[i]` has owner index i in approval bitmaps.
abstract contract SafeUnitBase is SafeTestBase {
    bytes32 internal constant SALT = bytes32(0);

    /// @dev The block timestamp, read through the cheatcode: via-IR may move a `block.timestamp` read
    ///      across a `vm.warp`, since the opcode is constant within a real transaction.
    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    /*//////////////////////////////////////////////////////////////
                              BATCHES
    //////////////////////////////////////////////////////////////*/

    function _two(ITreasurySafe.Call[] memory a, ITreasurySafe.Call[] memory b)
        internal
        pure
        returns (ITreasurySafe.Call[] memory calls)
    {
        calls = new ITreasurySafe.Call[](a.length + b.length);
        for (uint256 i; i < a.length; ++i) {
            calls[i] = a[i];
        }
        for (uint256 i; i < b.length; ++i) {
            calls[a.length + i] = b[i];
        }
    }

    function _idOf(ITreasurySafe.Call[] memory calls, bytes32 salt) internal view returns (bytes32) {
        return safe.hashProposal(calls, salt, safe.epoch());
    }

    /*//////////////////////////////////////////////////////////////
                             SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function _noSigs() internal pure returns (ITreasurySafe.Signature[] memory) {
        return new ITreasurySafe.Signature[](0);
    }

    function _sigOf(uint256 ownerIndex, bytes32 id) internal view returns (ITreasurySafe.Signature memory) {
        return ITreasurySafe.Signature({signer: owners[ownerIndex], data: _sign(ownerKeys[ownerIndex], id)});
    }

    function _sigs1(bytes32 id, uint256 a) internal view returns (ITreasurySafe.Signature[] memory sigs) {
        sigs = new ITreasurySafe.Signature[](1);
        sigs[0] = _sigOf(a, id);
    }

    function _sigs2(bytes32 id, uint256 a, uint256 b)
        internal
        view
        returns (ITreasurySafe.Signature[] memory sigs)
    {
        sigs = new ITreasurySafe.Signature[](2);
        sigs[0] = _sigOf(a, id);
        sigs[1] = _sigOf(b, id);
    }

    /*//////////////////////////////////////////////////////////////
                        GOVERNED SELF-CALLS
    //////////////////////////////////////////////////////////////*/

    /// @dev Queues a one-call self batch with owners 0 and 1; returns its id and eta.
    function _queueSelf(bytes memory data, bytes32 salt) internal returns (bytes32 id, uint64 eta) {
        return _queue(_selfCall(data), salt);
    }

    /// @dev Queues a self-call, waits for its eta (none on the fast track) and executes it.
    function _runSelf(bytes memory data) internal returns (bytes32 id) {
        return _queueAndExecute(_selfCall(data), keccak256(data));
    }

    /// @dev Queues and executes a self-call that must be fast-tracked (eta == now).
    function _fastTrack(bytes memory data) internal returns (bytes32 id) {
        ITreasurySafe.Call[] memory calls = _selfCall(data);
        uint32 epoch = safe.epoch();
        uint64 eta;
        (id, eta) = _queue(calls, keccak256(data));
        assertEq(eta, _now(), "expected a fast-tracked eta");
        safe.execute(calls, keccak256(data), epoch);
    }

    /*//////////////////////////////////////////////////////////////
                     PREPARE NOW, EXECUTE AS NEXT CALL
    //////////////////////////////////////////////////////////////*/

    // `vm.expectEmit` and `vm.expectRevert` apply to the next external call, so a test first prepares
    // a proposal (queue, wait for its eta) and then calls `_go()`, whose only external call is `execute`.

    bytes internal _pendingCalls;
    bytes32 internal _pendingSalt;
    uint32 internal _pendingEpoch;

    /// @dev Queues `calls` with owners 0 and 1, warps to the eta and remembers the proposal for `_go`.
    function _prepare(ITreasurySafe.Call[] memory calls, bytes32 salt)
        internal
        returns (bytes32 id, uint64 eta)
    {
        _pendingEpoch = safe.epoch();
        (id, eta) = _queue(calls, salt);
        if (_now() < eta) vm.warp(eta);
        _pendingCalls = abi.encode(calls);
        _pendingSalt = salt;
    }

    /// @dev Prepares a one-call self batch (fast-tracked or delayed, as the safe classifies it).
    function _prepareSelf(bytes memory data) internal returns (bytes32 id, uint64 eta) {
        return _prepare(_selfCall(data), keccak256(data));
    }

    /// @dev Executes the prepared proposal: the next external call.
    function _go() internal {
        safe.execute(abi.decode(_pendingCalls, (ITreasurySafe.Call[])), _pendingSalt, _pendingEpoch);
    }

    /// @dev Executes the prepared one-call self batch, expecting `execute` to revert with that call's `reason`.
    function _goExpectingSelfCallError(bytes memory reason) internal {
        vm.expectRevert(_callFailed(0, address(safe), reason));
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                             ASSERTIONS
    //////////////////////////////////////////////////////////////*/

    function _assertState(bytes32 id, ITreasurySafe.ProposalState expected) internal view {
        assertEq(uint8(safe.proposalState(id)), uint8(expected), "proposal state");
    }

    function _stateError(bytes32 id, ITreasurySafe.ProposalState state) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ITreasurySafe.InvalidProposalState.selector, id, state);
    }

    /// @dev The revert of `execute` when call `index` of the batch fails with `reason`.
    function _callFailed(uint256 index, address target, bytes memory reason)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(ITreasurySafe.CallFailed.selector, index, target, reason);
    }

    /// @dev The revert of a fast-tracked self-call `selector` that would loosen, as `execute` surfaces it.
    function _looseningFailed(uint256 index, bytes4 selector) internal view returns (bytes memory) {
        return _callFailed(
            index, address(safe), abi.encodeWithSelector(ITreasurySafe.LooseningNeedsDelay.selector, selector)
        );
    }

    /// @dev One lane unit of a cap, the rounding granularity of RollingCap.
    function _unit(uint256 limit) internal pure returns (uint256) {
        return limit / type(uint24).max + 1;
    }

    function _guardianFreeze() internal returns (uint64 until) {
        vm.prank(guardian);
        safe.freeze();
        until = safe.frozenUntil();
    }
}
