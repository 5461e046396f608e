// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeLens} from "../../contracts/TreasurySafeLens.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC1271Wallet} from "../mocks/MockERC1271Wallet.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ATTACKS.md rows about approvals and ids: #1-#8, #27, #28.
/// Each test names its row and fails if the defence it checks is removed.
contract SignatureAttacksTest is SafeUnitBase {
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    ITreasurySafe.Call[] internal calls;
    bytes32 internal id;

    function setUp() public override {
        super.setUp();
        calls.push(ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""}));
        id = safe.hashProposal(calls, SALT, 0);
    }

    /*//////////////////////////////////////////////////////////////
                     #1 SAME-SAFE SIGNATURE REPLAY
    //////////////////////////////////////////////////////////////*/

    /// @notice #1: an approved id queues once and executes once; its signatures are worthless after.
    function test_Attack01_SignatureReplaySameSafe() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        (, uint64 eta) = safe.queue(calls, SALT, sigs);
        // Replayed while queued.
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Queued));
        safe.queue(calls, SALT, sigs);
        vm.warp(eta);
        safe.execute(calls, SALT, 0);
        // Replayed after execution: neither queue nor execute accepts the id again.
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Executed));
        safe.queue(calls, SALT, sigs);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Executed));
        safe.execute(calls, SALT, 0);
        assertEq(recipient.balance, 1 ether, "paid exactly once");
    }

    /*//////////////////////////////////////////////////////////////
                         #2 CROSS-CHAIN REPLAY
    //////////////////////////////////////////////////////////////*/

    /// @notice #2: signatures made for one chain id do not count after the chain id changes (fork or
    ///         another chain with the same safe address); the domain is rebuilt from block.chainid.
    function test_Attack02_CrossChainReplay() public {
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        bytes32 domainBefore = safe.domainSeparator();
        vm.chainId(block.chainid + 1);
        bytes32 domainAfter = safe.domainSeparator();
        assertTrue(domainAfter != domainBefore, "domain must follow the chain id");
        assertEq(domainAfter, _domain(address(safe), block.chainid));
        bytes32 idOther = safe.hashProposal(calls, SALT, 0);
        assertTrue(idOther != id);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[0]));
        safe.queue(calls, SALT, sigs);
    }

    /*//////////////////////////////////////////////////////////////
                          #3 CROSS-SAFE REPLAY
    //////////////////////////////////////////////////////////////*/

    /// @notice #3: two safes with the same owners never accept each other's signatures.
    function test_Attack03_CrossSafeReplay() public {
        ITreasurySafe twin = _deploySafe(defaultConfig(), bytes32("twin"));
        vm.deal(address(twin), 100 ether);
        assertEq(twin.getOwners(), safe.getOwners());
        bytes32 twinId = twin.hashProposal(calls, SALT, 0);
        assertTrue(twinId != id, "verifyingContract is in the domain");
        ITreasurySafe.Signature[] memory sigsForSafe = _sigs2(id, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[0]));
        twin.queue(calls, SALT, sigsForSafe);
        // And the other way round.
        ITreasurySafe.Signature[] memory sigsForTwin = _sigs2(twinId, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[0]));
        safe.queue(calls, SALT, sigsForTwin);
    }

    /*//////////////////////////////////////////////////////////////
                        #4 ECDSA MALLEABILITY
    //////////////////////////////////////////////////////////////*/

    function _withSecond(bytes memory data) internal view returns (ITreasurySafe.Signature[] memory sigs) {
        sigs = _sigs2(id, 0, 1);
        sigs[1].data = data;
    }

    /// @notice #4: the high-s twin of a valid signature is refused.
    function test_Attack04_SignatureMalleability_HighS() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKeys[1], id);
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        // The twin really recovers to the owner: only the low-s rule rejects it.
        assertEq(ecrecover(id, flippedV, r, highS), owners[1]);
        ITreasurySafe.Signature[] memory sigs = _withSecond(abi.encodePacked(r, highS, flippedV));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    /// @notice #4: v must be 27 or 28; the 0/1 form is refused.
    function test_Attack04_SignatureMalleability_VForms() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKeys[1], id);
        ITreasurySafe.Signature[] memory sigs = _withSecond(abi.encodePacked(r, s, v - 27));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    /// @notice #4: the 64-byte EIP-2098 compact form of a valid signature is refused.
    function test_Attack04_SignatureMalleability_CompactForm() public {
        (bytes32 r, bytes32 vs) = vm.signCompact(ownerKeys[1], id);
        ITreasurySafe.Signature[] memory sigs = _withSecond(abi.encodePacked(r, vs));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
    }

    /// @notice #4: "used" is keyed by the id, never by signature bytes: another valid set of signatures
    ///         for the same id does not queue it again.
    function test_Attack04_UsedStateKeyedByIdNotSignature() public {
        safe.queue(calls, SALT, _sigs2(id, 0, 1));
        ITreasurySafe.Signature[] memory other = _sigs2(id, 1, 2);
        vm.expectRevert(_stateError(id, ITreasurySafe.ProposalState.Queued));
        safe.queue(calls, SALT, other);
    }

    /*//////////////////////////////////////////////////////////////
                     #5 RECOVERY TO ADDRESS(0)
    //////////////////////////////////////////////////////////////*/

    /// @notice #5: a signature that recovers to address(0) never counts; address(0) is never an owner.
    function test_Attack05_ZeroAddressRecovery() public {
        bytes memory garbage = abi.encodePacked(bytes32(0), bytes32(0), uint8(27));
        assertEq(ecrecover(id, 27, bytes32(0), bytes32(0)), address(0));
        assertFalse(safe.isOwner(address(0)));
        assertFalse(safe.isOwner(address(1)), "the owner-list sentinel is not an owner");
        // Claimed for address(0): not an owner.
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1] = ITreasurySafe.Signature({signer: address(0), data: garbage});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, address(0)));
        safe.queue(calls, SALT, sigs);
        // Claimed for a real owner: does not verify.
        sigs[1] = ITreasurySafe.Signature({signer: owners[1], data: garbage});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, owners[1]));
        safe.queue(calls, SALT, sigs);
        // Claimed for the sentinel.
        sigs[1] = ITreasurySafe.Signature({signer: address(1), data: garbage});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, address(1)));
        safe.queue(calls, SALT, sigs);
    }

    /*//////////////////////////////////////////////////////////////
                 #6 DUPLICATE SIGNER, OR TWO KINDS
    //////////////////////////////////////////////////////////////*/

    /// @notice #6: the same owner's signature twice counts once.
    function test_Attack06_DuplicateSignerCountedOnce() public {
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](3);
        (sigs[0], sigs[1], sigs[2]) = (_sigOf(1, id), _sigOf(1, id), _sigOf(1, id));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 1, 2));
        safe.queue(calls, SALT, sigs);
    }

    /// @notice #6: a contract owner approving on chain and by EIP-1271 signature counts once.
    function test_Attack06_SameOwnerViaTwoKindsCountedOnce() public {
        MockERC1271Wallet wallet = new MockERC1271Wallet(MockERC1271Wallet.Mode.ApproveAll, address(0));
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.owners[2] = address(wallet);
        ITreasurySafe s = _deploySafe(cfg, SALT);
        wallet.exec(address(s), abi.encodeCall(ITreasurySafe.propose, (calls, SALT)));
        bytes32 wid = s.hashProposal(calls, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](2);
        sigs[0] = ITreasurySafe.Signature({signer: address(wallet), data: hex"01"});
        sigs[1] = ITreasurySafe.Signature({signer: address(wallet), data: hex"02"});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, wid, 1, 2));
        s.queue(calls, SALT, sigs);
    }

    /// @notice #6: an EOA owner approving on chain and by signature counts once.
    function test_Attack06_OnChainAndSignatureCountedOnce() public {
        vm.prank(owners[0]);
        safe.propose(calls, SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, id, 1, 2));
        safe.queue(calls, SALT, _sigs1(id, 0));
    }

    /*//////////////////////////////////////////////////////////////
                        #7 THRESHOLD OFF-BY-ONE
    //////////////////////////////////////////////////////////////*/

    /// @notice #7: in a 3-of-5 safe, 2 approvals (any mix) fail and 3 pass.
    function test_Attack07_ThresholdOffByOne() public {
        (ITreasurySafe.InitConfig memory cfg, uint256[] memory keys) = _configWithOwners(5, 3, "five");
        ITreasurySafe s = _deploySafe(cfg, SALT);
        bytes32 fid = s.hashProposal(calls, SALT, 0);
        // One on-chain approval (the proposer) and one signature: M - 1.
        vm.prank(cfg.owners[4]);
        s.propose(calls, SALT);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](1);
        sigs[0] = ITreasurySafe.Signature({signer: cfg.owners[0], data: _sign(keys[0], fid)});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InsufficientApprovals.selector, fid, 2, 3));
        s.queue(calls, SALT, sigs);
        // One more, on chain: M.
        vm.prank(cfg.owners[2]);
        s.approve(fid);
        s.queue(calls, SALT, sigs);
        assertEq(uint8(s.proposalState(fid)), uint8(ITreasurySafe.ProposalState.Queued));
    }

    /*//////////////////////////////////////////////////////////////
                           #8 EIP-1271 OWNERS
    //////////////////////////////////////////////////////////////*/

    /// @notice #8: a wallet that says yes to everything counts only if it is an owner.
    function test_Attack08_Eip1271YesManNotOwner() public {
        MockERC1271Wallet yes = new MockERC1271Wallet(MockERC1271Wallet.Mode.ApproveAll, address(0));
        ITreasurySafe.Signature[] memory sigs = _sigs2(id, 0, 1);
        sigs[1] = ITreasurySafe.Signature({signer: address(yes), data: ""});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, address(yes)));
        safe.queue(calls, SALT, sigs);
    }

    /// @notice #8: an owner wallet is asked by staticcall: one that writes state while answering fails.
    function test_Attack08_Eip1271CheckedByStaticcall() public {
        MockERC1271Wallet wallet = new MockERC1271Wallet(MockERC1271Wallet.Mode.Writes, address(0));
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.owners[2] = address(wallet);
        ITreasurySafe s = _deploySafe(cfg, SALT);
        bytes32 wid = s.hashProposal(calls, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](2);
        sigs[0] = _sigOf(0, wid);
        sigs[1] = ITreasurySafe.Signature({signer: address(wallet), data: ""});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, address(wallet)));
        s.queue(calls, SALT, sigs);
        assertEq(wallet.writes(), 0);
        // The same wallet, once it answers without writing, counts.
        wallet.setMode(MockERC1271Wallet.Mode.ApproveAll);
        s.queue(calls, SALT, sigs);
        assertEq(s.getProposal(wid).approvals, (1 << 0) | (1 << 2));
    }

    /// @notice #8: malformed answers (short, dirty magic, revert) make queue revert, naming the signer.
    function test_Attack08_Eip1271MalformedReverts() public {
        MockERC1271Wallet wallet = new MockERC1271Wallet(MockERC1271Wallet.Mode.Malformed, address(0));
        ITreasurySafe.InitConfig memory cfg = defaultConfig();
        cfg.owners[2] = address(wallet);
        ITreasurySafe s = _deploySafe(cfg, SALT);
        bytes32 wid = s.hashProposal(calls, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](2);
        sigs[0] = _sigOf(0, wid);
        sigs[1] = ITreasurySafe.Signature({signer: address(wallet), data: hex"deadbeef"});
        MockERC1271Wallet.Mode[3] memory modes = [
            MockERC1271Wallet.Mode.Malformed, MockERC1271Wallet.Mode.WrongMagic, MockERC1271Wallet.Mode.Revert
        ];
        for (uint256 i; i < modes.length; ++i) {
            wallet.setMode(modes[i]);
            vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidSignature.selector, address(wallet)));
            s.queue(calls, SALT, sigs);
        }
    }

    /*//////////////////////////////////////////////////////////////
                    #27 DIGEST EQUALS INDEPENDENT EIP-712
    //////////////////////////////////////////////////////////////*/

    function _domain(address verifyingContract, uint256 chainId) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256(bytes("TreasurySafe")),
                keccak256(bytes("1")),
                chainId,
                verifyingContract
            )
        );
    }

    /// @dev EIP-712 by hand: encodeData of Call[] is the keccak of the concatenated Call struct hashes.
    function _digest(ITreasurySafe.Call[] memory batch, bytes32 salt, uint32 epoch)
        internal
        view
        returns (bytes32)
    {
        bytes32 callType = keccak256(bytes("Call(address target,uint256 value,bytes data)"));
        bytes32 proposalType = keccak256(
            bytes(
                "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)"
            )
        );
        bytes memory packed;
        for (uint256 i; i < batch.length; ++i) {
            packed = bytes.concat(
                packed,
                keccak256(abi.encode(callType, batch[i].target, batch[i].value, keccak256(batch[i].data)))
            );
        }
        bytes32 structHash = keccak256(abi.encode(proposalType, keccak256(packed), salt, uint256(epoch)));
        return keccak256(abi.encodePacked(hex"1901", _domain(address(safe), block.chainid), structHash));
    }

    /// @notice #27: the id signers sign (and the CLI recomputes) is plain EIP-712, reproducible without the
    ///         contract: the same digest for several batch shapes, salts and epochs.
    function test_Attack27_HashProposalMatchesIndependentEip712() public view {
        assertEq(safe.domainSeparator(), _domain(address(safe), block.chainid));
        assertEq(
            TreasurySafeLens(address(safe)).CALL_TYPEHASH(),
            keccak256("Call(address target,uint256 value,bytes data)")
        );
        ITreasurySafe.Call[] memory batch = new ITreasurySafe.Call[](3);
        batch[0] = ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""});
        batch[1] = ITreasurySafe.Call({
            target: address(safe),
            value: 0,
            data: abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, 2 days))
        });
        batch[2] = ITreasurySafe.Call({target: stranger, value: type(uint256).max, data: new bytes(1000)});
        assertEq(safe.hashProposal(batch, SALT, 0), _digest(batch, SALT, 0));
        assertEq(safe.hashProposal(batch, bytes32("s"), 7), _digest(batch, bytes32("s"), 7));
        assertEq(
            safe.hashProposal(calls, bytes32(type(uint256).max), type(uint32).max),
            _digest(calls, bytes32(type(uint256).max), type(uint32).max)
        );
        ITreasurySafe.Call[] memory empty = new ITreasurySafe.Call[](0);
        assertEq(safe.hashProposal(empty, SALT, 0), _digest(empty, SALT, 0));
    }

    /*//////////////////////////////////////////////////////////////
                         #28 PROPOSAL ID COLLISIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice #28: identical batches with different salts are different proposals, each executing once;
    ///         queueing an id twice fails; order, epoch and the value/data split all change the id.
    function test_Attack28_ProposalIdCollisions() public {
        bytes32 idA = safe.hashProposal(calls, bytes32("a"), 0);
        bytes32 idB = safe.hashProposal(calls, bytes32("b"), 0);
        assertTrue(idA != idB);
        ITreasurySafe.Signature[] memory sigsA = _sigs2(idA, 0, 1);
        (, uint64 eta) = safe.queue(calls, bytes32("a"), sigsA);
        safe.queue(calls, bytes32("b"), _sigs2(idB, 0, 1));
        vm.expectRevert(_stateError(idA, ITreasurySafe.ProposalState.Queued));
        safe.queue(calls, bytes32("a"), sigsA);
        vm.warp(eta);
        safe.execute(calls, bytes32("a"), 0);
        safe.execute(calls, bytes32("b"), 0);
        assertEq(recipient.balance, 2 ether);

        // Other things that must never collide.
        assertTrue(safe.hashProposal(calls, SALT, 0) != safe.hashProposal(calls, SALT, 1), "epoch");
        ITreasurySafe.Call[] memory ab = _two(_ethTransfer(recipient, 1), _ethTransfer(stranger, 1));
        ITreasurySafe.Call[] memory ba = _two(_ethTransfer(stranger, 1), _ethTransfer(recipient, 1));
        assertTrue(safe.hashProposal(ab, SALT, 0) != safe.hashProposal(ba, SALT, 0), "order");
        assertTrue(
            safe.hashProposal(_one(recipient, 1, ""), SALT, 0)
                != safe.hashProposal(_one(recipient, 0, hex"01"), SALT, 0),
            "value vs data"
        );
        assertTrue(
            safe.hashProposal(ab, SALT, 0) != safe.hashProposal(_ethTransfer(recipient, 1), SALT, 0), "prefix"
        );
    }

    /// @notice #27: what a wallet shows before signing (ERC-5267) is the domain the digest uses: rebuilt from its
    ///         fields it gives domainSeparator(), for this chain and for each safe its own address.
    function test_Attack27_Eip712DomainRebuildsTheDomainSeparator() public {
        assertEq(_domainFromFields(safe), safe.domainSeparator());
        assertEq(_domainFromFields(safe), _domain(address(safe), block.chainid));
        (bytes1 fields,,,,, bytes32 domainSalt, uint256[] memory extensions) = safe.eip712Domain();
        assertEq(uint8(fields), 0x0f, "name, version, chainId, verifyingContract");
        assertEq(domainSalt, bytes32(0));
        assertEq(extensions.length, 0);
        ITreasurySafe other = _deploySafe(defaultConfig(), bytes32("other"));
        (,,,, address verifyingContract,,) = other.eip712Domain();
        assertEq(verifyingContract, address(other));
        assertEq(_domainFromFields(other), other.domainSeparator());
    }

    /// @dev The domain separator built from `target.eip712Domain()`'s name, version, chainId and verifyingContract.
    function _domainFromFields(ITreasurySafe target) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            target.eip712Domain();
        assertEq(name, "TreasurySafe");
        assertEq(version, "1");
        assertEq(chainId, block.chainid);
        return keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifyingContract
            )
        );
    }
}
