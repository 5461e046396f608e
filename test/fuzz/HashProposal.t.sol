// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "../utils/SafeTestBase.sol";

/// @notice `hashProposal` and `domainSeparator` against an EIP-712 computation written out here from the
///         type strings, for random calls, salts, epochs and chain ids.
contract HashProposalFuzzTest is SafeTestBase {
    // Written out from EIP-712 and ITreasurySafe, not read from the contract.
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant CALL_TYPEHASH = keccak256("Call(address target,uint256 value,bytes data)");
    bytes32 internal constant PROPOSAL_TYPEHASH = keccak256(
        "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)"
    );

    function testFuzz_hashProposal_MatchesIndependentEip712(
        ITreasurySafe.Call[] memory calls,
        bytes32 salt,
        uint32 epoch
    ) public view {
        assertEq(
            safe.hashProposal(calls, salt, epoch), _digest(address(safe), block.chainid, calls, salt, epoch)
        );
    }

    function testFuzz_hashProposal_RandomBatches(uint256 seed, uint256 length, bytes32 salt, uint32 epoch)
        public
        view
    {
        ITreasurySafe.Call[] memory calls = _randomCalls(seed, bound(length, 0, 12));
        bytes32 id = safe.hashProposal(calls, salt, epoch);
        assertEq(id, _digest(address(safe), block.chainid, calls, salt, epoch));
        // Every field is committed to: a changed salt, epoch or byte of any call gives another id.
        assertNotEq(id, safe.hashProposal(calls, bytes32(uint256(salt) ^ 1), epoch));
        assertNotEq(id, safe.hashProposal(calls, salt, epoch ^ 1));
        if (calls.length != 0) {
            uint256 i = seed % calls.length;
            calls[i].value ^= 1;
            assertNotEq(id, safe.hashProposal(calls, salt, epoch));
            calls[i].value ^= 1;
            calls[i].data = bytes.concat(calls[i].data, hex"00");
            assertNotEq(id, safe.hashProposal(calls, salt, epoch));
        }
    }

    /// @dev Cross-chain replay: the domain is rebuilt from the chain id it runs on.
    function testFuzz_hashProposal_FollowsChainId(uint64 chainId, uint256 seed, bytes32 salt) public {
        vm.assume(chainId != 0);
        ITreasurySafe.Call[] memory calls = _randomCalls(seed, 1 + seed % 4);
        bytes32 before = safe.hashProposal(calls, salt, 0);
        vm.chainId(chainId);
        assertEq(safe.domainSeparator(), _domainSeparator(address(safe), chainId));
        bytes32 now_ = safe.hashProposal(calls, salt, 0);
        assertEq(now_, _digest(address(safe), chainId, calls, salt, 0));
        if (chainId != 31_337) assertNotEq(now_, before);
    }

    /// @dev Cross-safe replay: another safe with the same owners has another domain, hence other ids.
    function testFuzz_hashProposal_DiffersAcrossSafes(bytes32 deploySalt, uint256 seed, bytes32 salt) public {
        vm.assume(deploySalt != bytes32(0));
        ITreasurySafe other = _deploySafe(defaultConfig(), deploySalt);
        ITreasurySafe.Call[] memory calls = _randomCalls(seed, 1 + seed % 4);
        assertEq(other.domainSeparator(), _domainSeparator(address(other), block.chainid));
        assertEq(other.hashProposal(calls, salt, 0), _digest(address(other), block.chainid, calls, salt, 0));
        assertNotEq(other.hashProposal(calls, salt, 0), safe.hashProposal(calls, salt, 0));
    }

    /*//////////////////////////////////////////////////////////////
                          INDEPENDENT EIP-712
    //////////////////////////////////////////////////////////////*/

    function _domainSeparator(address verifyingContract, uint256 chainId) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("TreasurySafe"), keccak256("1"), chainId, verifyingContract)
        );
    }

    function _digest(
        address verifyingContract,
        uint256 chainId,
        ITreasurySafe.Call[] memory calls,
        bytes32 salt,
        uint32 epoch
    ) internal pure returns (bytes32) {
        // EIP-712 arrays: keccak256 of the concatenated 32-byte encodings of the struct hashes.
        bytes memory encoded;
        for (uint256 i; i < calls.length; ++i) {
            encoded = bytes.concat(
                encoded,
                keccak256(
                    abi.encode(CALL_TYPEHASH, calls[i].target, calls[i].value, keccak256(calls[i].data))
                )
            );
        }
        bytes32 structHash =
            keccak256(abi.encode(PROPOSAL_TYPEHASH, keccak256(encoded), salt, uint256(epoch)));
        return
            keccak256(abi.encodePacked(hex"1901", _domainSeparator(verifyingContract, chainId), structHash));
    }

    function _randomCalls(uint256 seed, uint256 length)
        internal
        pure
        returns (ITreasurySafe.Call[] memory calls)
    {
        calls = new ITreasurySafe.Call[](length);
        for (uint256 i; i < length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes memory data = new bytes(r % 200);
            for (uint256 b; b < data.length; ++b) {
                data[b] = bytes1(uint8(uint256(keccak256(abi.encode(r, b)))));
            }
            calls[i] = ITreasurySafe.Call({
                target: address(uint160(r)), value: r % 3 == 0 ? 0 : r >> 128, data: data
            });
        }
    }
}
