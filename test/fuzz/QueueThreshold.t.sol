// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "../utils/SafeTestBase.sol";

/// @notice `queue` admits a proposal exactly when the distinct owners approving it, on chain and by
///         signature, reach the threshold; for random owner counts, thresholds and subsets of signers.
contract QueueThresholdFuzzTest is SafeTestBase {
    address[] internal many;
    uint256[] internal manyKeys;

    function testFuzz_queue_ExactlyAtThreshold(
        uint256 ownerCount,
        uint256 threshold_,
        uint32 signedMask,
        uint32 onchainMask,
        uint256 order
    ) public {
        ownerCount = bound(ownerCount, 1, 32);
        threshold_ = bound(threshold_, 1, ownerCount);
        uint32 all = ownerCount == 32 ? type(uint32).max : uint32((1 << ownerCount) - 1);
        signedMask &= all;
        onchainMask &= all;
        ITreasurySafe s = _deployWith(ownerCount, threshold_);
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        bytes32 salt = keccak256(abi.encode(signedMask, onchainMask));
        bytes32 id = s.hashProposal(calls, salt, 0);

        _approveOnchain(s, calls, salt, id, onchainMask, ownerCount);

        // Off-chain signatures in a random rotation, one signer twice (counted once).
        ITreasurySafe.Signature[] memory sigs = _signaturesFor(id, signedMask, order);
        if (_popcount(signedMask | onchainMask) < threshold_) {
            _expectInsufficient(id, _popcount(signedMask | onchainMask), threshold_);
            s.queue(calls, salt, sigs);
            return;
        }
        (bytes32 queuedId, uint64 eta) = s.queue(calls, salt, sigs);
        assertEq(queuedId, id);
        assertEq(eta, block.timestamp + DELAY);
        assertEq(uint8(s.proposalState(id)), uint8(ITreasurySafe.ProposalState.Queued));
        // Replay: the same approvals never queue it twice.
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.InvalidProposalState.selector, id, ITreasurySafe.ProposalState.Queued
            )
        );
        s.queue(calls, salt, sigs);
    }

    /// @dev M - 1 distinct owners never queue, however often they sign.
    function testFuzz_queue_RevertWhen_OneShortEvenWithRepeats(uint256 ownerCount, uint256 repeats) public {
        ownerCount = bound(ownerCount, 2, 32);
        uint256 threshold_ = ownerCount;
        ITreasurySafe s = _deployWith(ownerCount, threshold_);
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        bytes32 id = s.hashProposal(calls, bytes32(0), 0);
        repeats = bound(repeats, 1, 3);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[]((ownerCount - 1) * repeats);
        for (uint256 k; k < sigs.length; ++k) {
            uint256 i = k % (ownerCount - 1);
            sigs[k] = ITreasurySafe.Signature({signer: many[i], data: _sign(manyKeys[i], id)});
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.InsufficientApprovals.selector, id, ownerCount - 1, threshold_
            )
        );
        s.queue(calls, bytes32(0), sigs);
    }

    /// @dev A signature by anyone outside the owner set is refused by name, whatever else comes with it.
    function testFuzz_queue_RevertWhen_SignerNotOwner(uint256 strangerKey, uint32 signedMask) public {
        strangerKey = bound(strangerKey, 1, SECP256K1_ORDER - 1);
        ITreasurySafe s = _deployWith(5, 2);
        address outsider = vm.addr(strangerKey);
        for (uint256 i; i < 5; ++i) {
            vm.assume(outsider != many[i]);
        }
        ITreasurySafe.Call[] memory calls = _ethTransfer(recipient, 1 ether);
        bytes32 id = s.hashProposal(calls, bytes32(0), 0);
        ITreasurySafe.Signature[] memory owned = _signaturesFor(id, signedMask & 31, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](owned.length + 1);
        for (uint256 i; i < owned.length; ++i) {
            sigs[i] = owned[i];
        }
        sigs[owned.length] = ITreasurySafe.Signature({signer: outsider, data: _sign(strangerKey, id)});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, outsider));
        s.queue(calls, bytes32(0), sigs);
    }

    /// @dev On-chain approvals: the first owner of `mask` proposes, the others approve.
    function _approveOnchain(
        ITreasurySafe s,
        ITreasurySafe.Call[] memory calls,
        bytes32 salt,
        bytes32 id,
        uint32 mask,
        uint256 ownerCount
    ) internal {
        bool proposed;
        for (uint256 i; i < ownerCount; ++i) {
            if (mask & (1 << i) == 0) continue;
            vm.prank(many[i]);
            if (!proposed) {
                assertEq(s.propose(calls, salt), id);
                proposed = true;
            } else {
                s.approve(id);
            }
            assertTrue(s.hasApproved(id, many[i]));
        }
    }

    function _expectInsufficient(bytes32 id, uint256 distinct, uint256 threshold_) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, distinct, threshold_)
        );
    }

    function _deployWith(uint256 ownerCount, uint256 threshold_) internal returns (ITreasurySafe s) {
        for (uint256 i; i < ownerCount; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("many", vm.toString(i)));
            many.push(owner);
            manyKeys.push(key);
        }
        ITreasurySafe.InitConfig memory config = defaultConfig();
        config.owners = many;
        config.threshold = threshold_;
        s = _deploySafe(config, keccak256(abi.encode(ownerCount, threshold_)));
        vm.deal(address(s), 100 ether);
    }

    /// @dev Signatures of the owners in `mask`, rotated by `order`, with the first one repeated at the end.
    function _signaturesFor(bytes32 id, uint32 mask, uint256 order)
        internal
        returns (ITreasurySafe.Signature[] memory sigs)
    {
        uint256 n = _popcount(mask);
        sigs = new ITreasurySafe.Signature[](n == 0 ? 0 : n + 1);
        uint256 k;
        uint256 shift = n == 0 ? 0 : order % n;
        for (uint256 i; i < many.length; ++i) {
            if (mask & (1 << i) == 0) continue;
            sigs[(k + shift) % n] = ITreasurySafe.Signature({signer: many[i], data: _sign(manyKeys[i], id)});
            ++k;
        }
        if (n != 0) sigs[n] = sigs[0];
    }

    function _popcount(uint32 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }
}
