// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeFactory} from "../../contracts/TreasurySafeFactory.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Shared fixture: a factory, a 2-of-3 safe with one guardian and an ETH cap, and helpers to
///         build, sign, queue and execute proposals the way the CLI does.
abstract contract SafeTestBase is Test {
    address internal constant NATIVE = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    uint32 internal constant DELAY = 2 days;
    uint32 internal constant GRACE = 14 days;
    uint32 internal constant FREEZE = 3 days;
    uint128 internal constant ETH_CAP = 10 ether;
    uint32 internal constant CAP_PERIOD = 1 days;

    TreasurySafeFactory internal factory;
    ITreasurySafe internal safe;

    uint256[] internal ownerKeys;
    address[] internal owners;
    address internal guardian;
    uint256 internal guardianKey;
    address internal stranger = makeAddr("stranger");
    address internal recipient = makeAddr("recipient");
    /// Where evacuations send everything; accepts in tests that sweep (`_acceptRecovery`).
    address internal recovery = makeAddr("recovery");

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        factory = new TreasurySafeFactory();
        (guardian, guardianKey) = makeAddrAndKey("guardian");
        for (uint256 i; i < 3; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("owner", vm.toString(i)));
            ownerKeys.push(key);
            owners.push(owner);
        }
        _sortOwnersByAddress();
        safe = _deploySafe(defaultConfig(), bytes32(0));
        vm.deal(address(safe), 100 ether);
    }

    /*//////////////////////////////////////////////////////////////
                              CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function defaultConfig() internal view returns (ITreasurySafe.InitConfig memory config) {
        config.owners = owners;
        config.threshold = 2;
        config.guardians = new address[](1);
        config.guardians[0] = guardian;
        config.delay = DELAY;
        config.grace = GRACE;
        config.freezeDuration = FREEZE;
        config.caps = new ITreasurySafe.CapConfig[](1);
        config.caps[0] = ITreasurySafe.CapConfig({asset: NATIVE, limit: ETH_CAP, period: CAP_PERIOD});
        config.recovery = recovery;
    }

    /// @dev The default configuration with `n` fresh owners (labelled `label0`, `label1`, …) and
    ///      threshold `threshold`; returns their keys too.
    function _configWithOwners(uint256 n, uint256 threshold, string memory label)
        internal
        returns (ITreasurySafe.InitConfig memory config, uint256[] memory keys)
    {
        config = defaultConfig();
        config.owners = new address[](n);
        keys = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            (config.owners[i], keys[i]) = makeAddrAndKey(string.concat(label, vm.toString(i)));
        }
        config.threshold = threshold;
    }

    function _deploySafe(ITreasurySafe.InitConfig memory config, bytes32 salt)
        internal
        returns (ITreasurySafe)
    {
        return ITreasurySafe(payable(factory.createSafe(config, salt)));
    }

    /*//////////////////////////////////////////////////////////////
                                 CALLS
    //////////////////////////////////////////////////////////////*/

    function _one(address target, uint256 value, bytes memory data)
        internal
        pure
        returns (ITreasurySafe.Call[] memory calls)
    {
        calls = new ITreasurySafe.Call[](1);
        calls[0] = ITreasurySafe.Call({target: target, value: value, data: data});
    }

    function _ethTransfer(address to, uint256 amount) internal pure returns (ITreasurySafe.Call[] memory) {
        return _one(to, amount, "");
    }

    function _selfCall(bytes memory data) internal view returns (ITreasurySafe.Call[] memory) {
        return _one(address(safe), 0, data);
    }

    /*//////////////////////////////////////////////////////////////
                               SIGNATURES
    //////////////////////////////////////////////////////////////*/

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signatures of the first `n` owners over the proposal under the current epoch.
    function _signatures(ITreasurySafe target, ITreasurySafe.Call[] memory calls, bytes32 salt, uint256 n)
        internal
        view
        returns (ITreasurySafe.Signature[] memory sigs)
    {
        bytes32 id = target.hashProposal(calls, salt, target.epoch());
        sigs = new ITreasurySafe.Signature[](n);
        for (uint256 i; i < n; ++i) {
            sigs[i] = ITreasurySafe.Signature({signer: owners[i], data: _sign(ownerKeys[i], id)});
        }
    }

    function _queue(ITreasurySafe.Call[] memory calls, bytes32 salt)
        internal
        returns (bytes32 id, uint64 eta)
    {
        return safe.queue(calls, salt, _signatures(safe, calls, salt, 2));
    }

    /// @dev Queues with two signatures, waits out the delay and executes.
    function _queueAndExecute(ITreasurySafe.Call[] memory calls, bytes32 salt) internal returns (bytes32 id) {
        uint32 epoch = safe.epoch();
        uint64 eta;
        (id, eta) = _queue(calls, salt);
        if (block.timestamp < eta) vm.warp(eta);
        safe.execute(calls, salt, epoch);
    }

    function _sortOwnersByAddress() private {
        for (uint256 i; i < owners.length; ++i) {
            for (uint256 j = i + 1; j < owners.length; ++j) {
                if (owners[j] < owners[i]) {
                    (owners[i], owners[j]) = (owners[j], owners[i]);
                    (ownerKeys[i], ownerKeys[j]) = (ownerKeys[j], ownerKeys[i]);
                }
            }
        }
    }
}
