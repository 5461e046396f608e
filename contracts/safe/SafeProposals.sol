// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeLens} from "../TreasurySafeLens.sol";
import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";
import {SafeOwners} from "./SafeOwners.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title SafeProposals
/// @notice TreasurySafe's proposal machinery: the EIP-712 proposal id, signature checks (ECDSA, then
///         EIP-1271), admission to the queue, the classification of self-call batches (asked of the lens), and
///         proposal states.
abstract contract SafeProposals is SafeOwners {
    /*//////////////////////////////////////////////////////////////
                          INTERNAL: PROPOSALS
    //////////////////////////////////////////////////////////////*/

    function _hashProposal(ITreasurySafe.Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        internal
        view
        returns (bytes32)
    {
        bytes32[] memory callHashes = new bytes32[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            callHashes[i] = keccak256(abi.encode(CALL_TYPEHASH, c.target, c.value, keccak256(c.data)));
        }
        bytes32 structHash = keccak256(
            abi.encode(PROPOSAL_TYPEHASH, keccak256(abi.encodePacked(callHashes)), salt, proposalEpoch)
        );
        bytes32 domain =
            keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev Verifies every signature against the id and adds its owner to `approvals` (the on-chain approvals).
    ///      Returns the new bitmap and every approver exactly once: the on-chain approvers in owner order, then
    ///      the owners whose signatures added an approval, in signature order.
    function _verifySignatures(bytes32 id, ITreasurySafe.Signature[] calldata signatures, uint32 approvals)
        internal
        view
        returns (uint32, address[] memory approvers)
    {
        uint32 onChain = approvals;
        address[] memory added = new address[](signatures.length);
        // slither-disable-next-line uninitialized-local: signers added so far; counts from 0 (zero-initialised)
        uint256 n;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = signatures[i].signer;
            uint8 index = _ownerIndex(signer);
            // Only owners' approvals count; anything else is a mistake worth surfacing.
            // slither-disable-next-line incorrect-equality: uint8 max is _ownerIndex's 'not an owner' sentinel
            if (index == type(uint8).max) revert ITreasurySafe.SignerNotOwner(signer);
            // ECDSA (low-s, 65 bytes) by the owner's key, or EIP-1271 for an owner with code.
            if (!_isValidSignature(signer, id, signatures[i].data)) {
                revert ITreasurySafe.InvalidSignature(signer);
            }
            uint32 bit = uint32(1 << index);
            // A bitmap counts each owner once, however many approvals it brings; the event names it once.
            // slither-disable-next-line incorrect-equality: tests an owner's bit in the approval bitmap
            if (approvals & bit == 0) added[n++] = signer;
            approvals |= bit;
        }
        // Every approval came from a distinct signature (the usual case): the signers are the list.
        // slither-disable-next-line incorrect-equality: empty on-chain bitmap, one owner per signature: counts
        if (onChain == 0 && n == signatures.length) return (approvals, added);
        approvers = _ownersIn(onChain, n);
        for (uint256 i; i < n; ++i) {
            approvers[approvers.length - n + i] = added[i];
        }
        return (approvals, approvers);
    }

    /// @dev Whether `data` approves `id` for `signer`: an ECDSA signature (65 bytes, low s) that recovers to the
    ///      signer, or else, if the signer has code (a contract, an EIP-7702 account), its EIP-1271 answer.
    ///      ECDSA is tried first, as it reads no account: only the signer's own key can produce it.
    function _isValidSignature(address signer, bytes32 id, bytes calldata data) internal view returns (bool) {
        // slither-disable-next-line unused-return: the third value only details `err`, which the next line checks
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(id, data);
        // slither-disable-next-line incorrect-equality: ECDSA error enum and recovered-signer identity, not a balance
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, id, data);
    }

    /// @dev A list of the owners whose bits are set in `bits` (current epoch, in owner order) followed by
    ///      `room` empty entries. Walks the owner list only as far as the highest set bit.
    function _ownersIn(uint32 bits, uint256 room) internal view returns (address[] memory list) {
        list = new address[](_popcount(bits) + room);
        address current = SENTINEL;
        // slither-disable-next-line uninitialized-local: index into `list`, counts from 0 (zero-initialised on purpose)
        uint256 n;
        // Owner index i is the i-th node after the sentinel.
        for (uint256 i; bits >> i != 0; ++i) {
            current = _owners[current].next;
            if (bits & (uint32(1) << i) != 0) list[n++] = current;
        }
    }

    /// @dev Checks that `id` may enter the queue now and builds its queued record.
    function _admit(
        bytes32 id,
        ITreasurySafe.Call[] calldata calls,
        ITreasurySafe.Signature[] calldata signatures,
        Config memory cfg
    ) internal view returns (Record memory r, address[] memory approvers) {
        r = _loadRecord(id);
        // Queue once: a queued, executed or cancelled id can never be queued again (replay).
        if (r.status != Status.None && r.status != Status.Proposed) {
            revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
        }
        bool allowedWhileEvacuated;
        (r.fastTrack, r.freezeExempt, r.guardianProtected, allowedWhileEvacuated) = _classify(calls);
        // While frozen, only the owners' way out (unfreeze, cancel) may enter the queue.
        if (_isFrozen(cfg) && !r.freezeExempt) revert ITreasurySafe.Frozen(cfg.frozenUntil);

        // The id commits to the current epoch, so on-chain approvals of a Proposed record are current.
        (r.approvals, approvers) = _verifySignatures(id, signatures, r.approvals);
        uint256 count = _popcount(r.approvals);
        // M distinct owners of the current epoch, counted once whatever the kind of approval.
        if (count < cfg.threshold) revert ITreasurySafe.InsufficientApprovals(id, count, cfg.threshold);

        // The clock starts now that M approvals are in; tightening-only batches need no delay.
        // While evacuated only the remedy and tightenings queue; nothing queued now is voided by this generation.
        if (cfg.evacuated && !allowedWhileEvacuated) {
            revert ITreasurySafe.NotAllowedWhileEvacuated(id);
        }
        r.status = Status.Queued;
        r.generation = cfg.generation;
        r.epoch = cfg.epoch;
        r.eta = r.fastTrack ? uint64(block.timestamp) : uint64(block.timestamp) + cfg.delay;
        r.expiresAt = r.eta + cfg.grace;
    }

    function _emitQueued(
        bytes32 id,
        Record memory r,
        bytes32 salt,
        ITreasurySafe.Call[] calldata calls,
        address[] memory approvers
    ) internal {
        emit ITreasurySafe.ProposalQueued(
            id, r.eta, r.expiresAt, r.epoch, salt, calls, approvers, r.fastTrack
        );
    }

    /// @dev Which special paths a batch may take (see TreasurySafeLens.classify, which judges them): only a batch of
    ///      value-less self-calls may take one, so any other batch is answered here without the lens.
    function _classify(ITreasurySafe.Call[] calldata calls)
        internal
        view
        returns (bool fastTrack, bool freezeExempt, bool guardianProtected, bool allowedWhileEvacuated)
    {
        if (!_onlySelfCalls(calls)) return (false, false, false, false);
        return TreasurySafeLens(LENS).classify(calls);
    }

    /// @dev Whether every call is a value-less self-call (such a batch moves nothing but a reopen's sweep).
    function _onlySelfCalls(ITreasurySafe.Call[] calldata calls) internal view returns (bool) {
        for (uint256 i; i < calls.length; ++i) {
            if (calls[i].target != address(this) || calls[i].value != 0) return false;
        }
        return true;
    }

    /// @dev Voided: queued in an earlier evacuation generation and not guardian-protected (terminal).
    function _voided(Record memory r, Config memory cfg) internal pure returns (bool) {
        // slither-disable-next-line incorrect-equality: Status enum and evacuation generation counters, not a balance
        return r.status == Status.Queued && !r.guardianProtected && r.generation < cfg.generation;
    }

    /// @dev Reverts when a fast-tracked batch attempts a change that does not tighten.
    function _requireTightening(bool tightens) internal view {
        // Loosening must wait the full delay so guardians and watchers can react.
        if (_fastTrack && !tightens) revert ITreasurySafe.LooseningNeedsDelay(msg.sig);
    }

    /// @dev The proposal's state for an error's argument, from the lens (revert paths only: saves the safe's bytes).
    function _stateOf(bytes32 id) internal view returns (ITreasurySafe.ProposalState) {
        return TreasurySafeLens(LENS).proposalState(id);
    }

    function _isFrozen(Config memory cfg) internal view returns (bool) {
        return block.timestamp < cfg.frozenUntil;
    }

    function _popcount(uint32 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }
}
