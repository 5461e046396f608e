// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A contract owner answering EIP-1271 `isValidSignature`, with a configurable verdict:
///         - ApproveAll: the magic value for any hash and data;
///         - Signer: the magic value iff `data` is a 65-byte ECDSA signature of the hash by `signer`;
///         - Reject: a well-formed "no" (0xffffffff);
///         - Revert: reverts;
///         - Malformed: returns fewer than 32 bytes;
///         - WrongMagic: a full word that is not the magic value (magic with dirty low bytes);
///         - Writes: writes storage, then says yes (must fail under the safe's staticcall).
contract MockERC1271Wallet {
    enum Mode {
        ApproveAll,
        Signer,
        Reject,
        Revert,
        Malformed,
        WrongMagic,
        Writes
    }

    bytes4 internal constant MAGIC = 0x1626ba7e;

    Mode public mode;
    address public signer;
    /// Written by Mode.Writes (a staticcall cannot write, so through the safe this stays 0).
    uint256 public writes;

    constructor(Mode mode_, address signer_) {
        (mode, signer) = (mode_, signer_);
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function isValidSignature(bytes32 hash, bytes calldata data) external returns (bytes4) {
        Mode m = mode;
        if (m == Mode.Writes) {
            ++writes;
            return MAGIC;
        }
        if (m == Mode.ApproveAll) return MAGIC;
        if (m == Mode.Signer) {
            if (data.length != 65) return 0xffffffff;
            bytes32 r = bytes32(data[0:32]);
            bytes32 s = bytes32(data[32:64]);
            uint8 v = uint8(data[64]);
            return ecrecover(hash, v, r, s) == signer && signer != address(0) ? MAGIC : bytes4(0xffffffff);
        }
        if (m == Mode.Reject) return 0xffffffff;
        if (m == Mode.Revert) revert("1271: refused");
        if (m == Mode.Malformed) {
            assembly {
                mstore(0, 0x1626ba7e00000000000000000000000000000000000000000000000000000000)
                return(0, 4)
            }
        }
        // WrongMagic: the magic selector followed by dirty bytes in the same word.
        assembly {
            mstore(0, 0x1626ba7e00000000000000000000000000000000000000000000000000000001)
            return(0, 32)
        }
    }

    /// @notice Lets tests make this wallet act on chain (propose, approve) as an owner.
    function exec(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}
