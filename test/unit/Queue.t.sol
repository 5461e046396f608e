// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC1271Wallet} from "../mocks/MockERC1271Wallet.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ITreasurySafe.queue.
/// queue
/// ├── when the batch is empty: it reverts EmptyBatch
/// ├── when the id is queued, executed or cancelled: it reverts InvalidProposalState(id, state)
/// ├── when frozen (and the batch is not unfreeze/cancel only): it reverts Frozen(until)
/// ├── when a signer is not an owner: it reverts SignerNotOwner(signer)
/// ├── when a signature does not verify (bad, wrong length, EIP-1271 no/revert/malformed): InvalidSignature(signer)
/// ├── when distinct approvals < M: it reverts InsufficientApprovals(id, approvals, M)
/// └── otherwise (anyone may call): it queues with eta = now + delay (now on the fast track),
///     expiresAt = eta + grace, and emits ProposalQueued with the full calls and every approver once
contract QueueTest is SafeUnitBase {
    ITreasurySafe.Call[] internal calls;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        calls.push(ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""}));
        id = safe.hashProposal(calls, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                              HAPPY PATHS
    //////////////////////////////////////////////////////////////*/

    function test_queue_WithEcdsaSignatures() public {
        vm.prank(stranger);
        (bytes32 qid, uint64 eta) = safe.queue(calls, SALT, _sigs2(id, 0, 2));
        assertEq(qid, id);
        assertEq(eta, _now() + DELAY);
        ITreasurySafe.ProposalView memory p = safe.getProposal(id);
        assertEq(uint8(p.state), uint8(ITreasurySafe.ProposalState.Queued));
        assertEq(p.eta, eta);
        assertEq(p.expiresAt, eta + GRACE);
        assertEq(p.approvals, (1 << 0) | (1 << 2));
        assertFalse(p.fastTrack);
    }

    function test_queue_EmitsQueuedWithCallsAndSigners() public {
        address[] memory approvers = new address[](2);
        (approvers[0], approvers[1]) = (owners[2], owners[1]);
        uint64 eta = uint64(_now()) + DELAY;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalQueued(id, eta, eta + GRACE, 0, SALT, calls, approvers, false);
        safe.queue(calls, SALT, _sigs2(id, 2, 1));
    }

    /// @notice F-8: ProposalQueued names every approver exactly once: the on-chain approvers (in owner order),
    ///         then the owners whose signatures added an approval, in signature order.
    function test_queue_EmitsEveryApproverOnce() public {
        vm.prank(owners[2]);
        safe.propose(calls, SALT);
        // Owner 2 also signs (already counted on chain), owner 1 signs twice.
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](3);
        (sigs[0], sigs[1], sigs[2]) = (_sigOf(2, id), _sigOf(1, id), _sigOf(1, id));
        address[] memory approvers = new address[](2);
        (approvers[0], approvers[1]) = (owners[2], owners[1]);
        uint64 eta = uint64(_now()) + DELAY;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalQueued(id, eta, eta + GRACE, 0, SALT, calls, approvers, false);
        safe.queue(calls, SALT, sigs);
    }

    /// @notice F-8, signatures only: an owner who signs twice is named once, and no empty entry stands for the
    ///         repeated signature (the list is not the signature array as it came).
    function test_queue_EmitsEachSignerOnceWithoutOnChainApprovals() public {
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](3);
        (sigs[0], sigs[1], sigs[2]) = (_sigOf(0, id), _sigOf(1, id), _sigOf(0, id));
        address[] memory approvers = new address[](2);
        (approvers[0], approvers[1]) = (owners[0], owners[1]);
        uint64 eta = uint64(_now()) + DELAY;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalQueued(id, eta, eta + GRACE, 0, SALT, calls, approvers, false);
        safe.queue(calls, SALT, sigs);
    }

    /// @notice F-8: approvals given on chain only are listed too.
    function test_queue_EmitsOnChainApprovers() public {
        vm.prank(owners[1]);
        safe.propose(calls, SALT);
        vm.prank(owners[0]);
        safe.approve(id);
        address[] memory approvers = new address[](2);
        (approvers[0], approvers[1]) = (owners[0], owners[1]);
        uint64 eta = uint64(_now()) + DELAY;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalQueued(id, eta, eta + GRACE, 0, SALT, calls, approvers, false);
        safe.queue(calls, SALT, _noSigs());
    }

    function test_queue_WithOnChainApprovalsOnly() public {
        vm.prank(owners[0]);
        safe.propose(calls, SALT);
        vm.prank(owners[1]);
        safe.approve(id);
        (, uint64 eta) = safe.queue(calls, SALT, _noSigs());
        assertEq(eta, _now() + DELAY);
        _assertState(id, ITreasurySafe.ProposalState.Queued);
    }

    function test_queue_MixesOnChainApprovalAndSignature() public {
        vm.prank(owners[2]);
        safe.propose(calls, SALT);
        safe.queue(calls, SALT, _sigs1(id, 0));
        assertEq(safe.getProposal(id).approvals, (1 << 0) | (1 << 2));
    }

    function test_queue_ThresholdMinusOneFailsThresholdPasses() public {
        // Raise M to 3 (tightening: fast track), then M-1 = 2 signatures fail and 3 pass.
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (3)));
        bytes32 id1 = safe.hashProposal(calls, SALT, 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id1, 2, 3));
        safe.queue(calls, SALT, _sigs2(id1, 0, 1));
        ITreasurySafe.Signature[] memory three = new ITreasurySafe.Signature[](3);
        for (uint256 i; i < 3; ++i) {
            three[i] = _sigOf(i, id1);
        }
        safe.queue(calls, SALT, three);
        _assertState(id1, ITreasurySafe.ProposalState.Queued);
    }

    function test_queue_FastTrackEtaIsNow() public {
        ITreasurySafe.Call[] memory fast = _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days)));
        (bytes32 fid, uint64 eta) = _queue(fast, SALT);
        assertEq(eta, _now());
        assertTrue(safe.getProposal(fid).fastTrack);
        assertEq(safe.getProposal(fid).expiresAt, _now() + GRACE);
        _assertState(fid, ITreasurySafe.ProposalState.Ready);
    }

    function test_queue_LooseningSelfCallIsNotFastTracked() public {
        ITreasurySafe.Call[] memory c = _selfCall(abi.encodeCall(ITreasurySafe.changeThreshold, (1)));
        (bytes32 lid, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now() + DELAY);
        assertFalse(safe.getProposal(lid).fastTrack);
    }

    function test_queue_TighteningAndLooseningTogetherAreNotFastTracked() public {
        ITreasurySafe.Call[] memory c = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days))),
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP + 1, CAP_PERIOD)))
        );
        (, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now() + DELAY);
    }

    function test_queue_SelfCallWithValueIsNotFastTracked() public {
        ITreasurySafe.Call[] memory c =
            _one(address(safe), 1, abi.encodeCall(ITreasurySafe.setDelay, (3 days)));
        (, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now() + DELAY);
    }

    function test_queue_MixedBatchIsNotFastTracked() public {
        ITreasurySafe.Call[] memory c =
            _two(_selfCall(abi.encodeCall(ITreasurySafe.setDelay, (3 days))), _ethTransfer(recipient, 1));
        (, uint64 eta) = _queue(c, SALT);
        assertEq(eta, _now() + DELAY);
    }

    function test_queue_ThirtyTwoOwnersAllCount() public {
        (ITreasurySafe.InitConfig memory cfg, uint256[] memory keys) = _configWithOwners(32, 32, "o");
        ITreasurySafe big = _deploySafe(cfg, SALT);
        bytes32 bid = big.hashProposal(calls, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](32);
        for (uint256 i; i < 32; ++i) {
            sigs[i] = ITreasurySafe.Signature({signer: cfg.owners[i], data: _sign(keys[i], bid)});
        }
        big.queue(calls, SALT, sigs);
        assertEq(big.getProposal(bid).approvals, type(uint32).max);
    }

    /*//////////////////////////////////////////////////////////////
                               EIP-1271
    //////////////////////////////////////////////////////////////*/

    /// @dev A 2-of-3 safe whose third owner is `wallet`.
    function _safeWithWallet(MockERC1271Wallet wallet) internal returns (ITreasurySafe s, bytes32 wid) {
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.owners[2] = address(wallet);
        s = _deploySafe(cfg, SALT);
        wid = s.hashProposal(calls, SALT, 0);
    }

    function _withWallet(bytes32 wid, address wallet, bytes memory data)
        internal
        view
        returns (ITreasurySafe.Signature[] memory sigs)
    {
        sigs = new ITreasurySafe.Signature[](2);
        sigs[0] = _sigOf(0, wid);
        sigs[1] = ITreasurySafe.Signature({signer: wallet, data: data});
    }

    function test_queue_Eip1271OwnerCounts() public {
        (address walletKeyHolder, uint256 walletKey) = makeAddrAndKey("walletKey");
        MockERC1271Wallet wallet = new MockERC1271Wallet(MockERC1271Wallet.Mode.Signer, walletKeyHolder);
        (ITreasurySafe s, bytes32 wid) = _safeWithWallet(wallet);
        s.queue(calls, SALT, _withWallet(wid, address(wallet), _sign(walletKey, wid)));
        assertEq(s.getProposal(wid).approvals, (1 << 0) | (1 << 2));
    }

    function test_RevertWhen_Eip1271WalletSignsOtherDigest() public {
        (address walletKeyHolder, uint256 walletKey) = makeAddrAndKey("walletKey");
        MockERC1271Wallet wallet = new MockERC1271Wallet(MockERC1271Wallet.Mode.Signer, walletKeyHolder);
        (ITreasurySafe s, bytes32 wid) = _safeWithWallet(wallet);
        bytes memory wrong = _sign(walletKey, keccak256("other"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, address(wallet)));
        s.queue(calls, SALT, _withWallet(wid, address(wallet), wrong));
    }

    /// @notice An owner whose account has code (an EIP-7702 delegated EOA) still counts with an ECDSA signature
    ///         of its own key, whatever its code answers to EIP-1271: ECDSA is checked first.
    function test_queue_EcdsaSignatureOfOwnerWithCodeCounts() public {
        MockERC1271Wallet rejecting = new MockERC1271Wallet(MockERC1271Wallet.Mode.Reject, address(0));
        vm.etch(owners[0], address(rejecting).code);
        safe.queue(calls, SALT, _sigs2(id, 0, 1));
        assertEq(safe.getProposal(id).approvals, (1 << 0) | (1 << 1));
    }

    function _expect1271Refused(MockERC1271Wallet.Mode mode) internal {
        MockERC1271Wallet wallet = new MockERC1271Wallet(mode, address(0));
        (ITreasurySafe s, bytes32 wid) = _safeWithWallet(wallet);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, address(wallet)));
        s.queue(calls, SALT, _withWallet(wid, address(wallet), hex"1234"));
    }

    function test_RevertWhen_Eip1271WalletRejects() public {
        _expect1271Refused(MockERC1271Wallet.Mode.Reject);
    }

    function test_RevertWhen_Eip1271WalletReverts() public {
        _expect1271Refused(MockERC1271Wallet.Mode.Revert);
    }

    function test_RevertWhen_Eip1271WalletReturnsShortData() public {
        _expect1271Refused(MockERC1271Wallet.Mode.Malformed);
    }

    function test_RevertWhen_Eip1271WalletReturnsDirtyMagic() public {
        _expect1271Refused(MockERC1271Wallet.Mode.WrongMagic);
    }

    /*//////////////////////////////////////////////////////////////
                               REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_QueueingEmptyBatch() public {
        vm.expectRevert(ITreasurySafe.EmptyBatch.selector);
        safe.queue(new ITreasurySafe.Call[](0), SALT, _noSigs());
    }

    function test_RevertWhen_BelowThreshold() public {
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 1, 2));
        safe.queue(calls, SALT, _sigs1(id, 1));
    }

    function test_RevertWhen_NoApprovalsAtAll() public {
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 0, 2));
        safe.queue(calls, SALT, _noSigs());
    }

    function test_RevertWhen_DuplicateSignatureCountedOnce() public {
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 1, 2));
        safe.queue(calls, SALT, _sigs2(id, 1, 1));
    }

    function test_RevertWhen_OnChainApprovalAndSignatureFromSameOwner() public {
        vm.prank(owners[1]);
        safe.propose(calls, SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 1, 2));
        safe.queue(calls, SALT, _sigs1(id, 1));
    }

    function test_RevertWhen_SignerNotOwner() public {
        (address outsider, uint256 key) = makeAddrAndKey("outsider");
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1] = ITreasurySafe.Signature({signer: outsider, data: _sign(key, id)});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, outsider));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_SignatureFromAnotherOwner() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1].data = _sign(ownerKeys[2], id);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_SignatureOverOtherDigest() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1].data = _sign(ownerKeys[1], keccak256("other"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_SignatureWrongLength() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1].data = bytes.concat(sigs[1].data, hex"00");
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_QueueingWhileFrozen() public {
        uint64 until = _guardianFreeze();
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.Frozen.selector, until));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_QueuedTwice() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        safe.queue(calls, SALT, sigs);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Queued));
        safe.queue(calls, SALT, sigs);
    }

    function test_RevertWhen_QueueingStaleOnChainApprovals() public {
        // Two on-chain approvals under epoch 0…
        vm.prank(owners[0]);
        safe.propose(calls, SALT);
        vm.prank(owners[1]);
        safe.approve(id);
        // …then the owner set's epoch moves on: queue hashes under epoch 1, a fresh id with no approvals.
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        bytes32 id1 = safe.hashProposal(calls, SALT, 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id1, 0, 2));
        safe.queue(calls, SALT, _noSigs());
        // And signatures over the old id do not verify for the new one.
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[0]));
        safe.queue(calls, SALT, _sigs2(id, 0, 1));
    }

    /// A self-call too short to hold the argument that decides its track cannot be judged a tightening: it waits
    /// the delay (the setter's own decoding refuses it at execution). So does a self-call shorter than a selector.
    function test_queue_SelfCallTooShortToJudgeIsNotFastTracked() public {
        bytes[] memory short = new bytes[](5);
        // changeThreshold and removeOwner without their threshold word.
        short[0] = abi.encodePacked(ITreasurySafe.changeThreshold.selector);
        short[1] = abi.encodePacked(ITreasurySafe.removeOwner.selector, uint256(uint160(owners[2])));
        // setDelay one byte short of its argument.
        short[2] = abi.encodePacked(ITreasurySafe.setDelay.selector, bytes31(0));
        // setCap without its period.
        short[3] = abi.encodePacked(ITreasurySafe.setCap.selector, uint256(uint160(NATIVE)), uint256(1));
        // No selector at all: the safe's receive.
        short[4] = "";
        for (uint256 i; i < short.length; ++i) {
            (bytes32 sid, uint64 eta) = _queue(_selfCall(short[i]), bytes32(i));
            assertEq(eta, _now() + DELAY, "waits the delay");
            assertFalse(safe.getProposal(sid).fastTrack, "not fast-tracked");
        }
    }

    /// @notice Mutation testing (docs/mutation.md): a proposal queued without an on-chain record records the epoch
    ///         it was signed under, in its view and in ProposalQueued, not the zero of a fresh record.
    function test_queue_RecordsTheCurrentEpoch() public {
        _fastTrack(abi.encodeCall(ITreasurySafe.changeThreshold, (2)));
        assertEq(safe.epoch(), 1);
        bytes32 id1 = safe.hashProposal(calls, SALT, 1);
        address[] memory approvers = new address[](2);
        (approvers[0], approvers[1]) = (owners[0], owners[1]);
        uint64 eta = uint64(_now()) + DELAY;
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.ProposalQueued(id1, eta, eta + GRACE, 1, SALT, calls, approvers, false);
        safe.queue(calls, SALT, _sigs2(id1, 0, 1));
        assertEq(safe.getProposal(id1).epoch, 1);
    }

    /// @notice Mutation testing (docs/mutation.md): a batch with a call to another account is classified by the safe
    ///         alone (no special path), without asking the lens, even when its value is zero: the lens would revert
    ///         on a self-call whose arguments it cannot decode (a setCap asset word with bits above the address),
    ///         which would make the batch impossible to queue.
    function test_queue_BatchWithAnOutsideCallIsNotClassifiedByTheLens() public {
        ITreasurySafe.Call[] memory batch = new ITreasurySafe.Call[](2);
        batch[0] = ITreasurySafe.Call({
            target: address(safe),
            value: 0,
            data: abi.encodeWithSelector(ITreasurySafe.setCap.selector, uint256(1) << 200, 1 ether, 1 days)
        });
        batch[1] = ITreasurySafe.Call({target: recipient, value: 0, data: ""});
        bytes32 bid = safe.hashProposal(batch, SALT, 0);
        (, uint64 eta) = safe.queue(batch, SALT, _sigs2(bid, 0, 1));
        assertEq(eta, _now() + DELAY);
        assertFalse(safe.getProposal(bid).fastTrack);
    }
}
