// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice A receiver that, when paid (ETH `receive` or a token-transfer hook), re-enters a target with
///         pre-set calldata (execute, queue, cancel, freeze, propose, approve, a setter…) and records
///         what happened. By default it swallows the failure so the outer call can go on; with
///         `bubble` set it reverts with the re-entry's revert data instead.
contract ReentrantReceiver {
    struct Attempt {
        bool ok;
        bytes ret;
    }

    address public target;
    bytes public payload;
    bool public bubble;
    Attempt[] internal _attempts;

    function arm(address target_, bytes calldata payload_, bool bubble_) external {
        (target, payload, bubble) = (target_, payload_, bubble_);
    }

    function attempts() external view returns (uint256) {
        return _attempts.length;
    }

    function attempt(uint256 i) external view returns (bool ok, bytes memory ret) {
        Attempt storage a = _attempts[i];
        return (a.ok, a.ret);
    }

    /// @notice Lets tests make this contract a caller (e.g. as an owner or a guardian).
    function exec(address to, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        _reenter();
    }

    /// @notice Hook called by CallbackToken on the recipient (ERC-777 / ERC-1363 style).
    function onTokenTransfer(address, uint256) external returns (bytes4) {
        _reenter();
        return this.onTokenTransfer.selector;
    }

    function _reenter() internal {
        if (target == address(0)) return;
        (bool ok, bytes memory ret) = target.call(payload);
        _attempts.push(Attempt({ok: ok, ret: ret}));
        if (!ok && bubble) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
