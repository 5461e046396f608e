// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeFactory} from "../../contracts/TreasurySafeFactory.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {InvariantToken} from "./mocks/InvariantToken.sol";
import {Test} from "forge-std/Test.sol";

/// @notice An attacker holding M = 2 of 3 owner keys acts at random (drains, cap removal, shorter delay, the
///         guardian's removal, a new recovery address, its own guardian, unfreeze, reopen, executions, time);
///         the honest guardian's watcher cancels every batch it can and evacuates whenever a batch removing it is
///         queued (or still pending while the safe is open).
contract StolenKeysHandler is Test {
    address internal constant NATIVE = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;

    ITreasurySafe internal immutable safe;
    InvariantToken internal immutable capped;
    InvariantToken internal immutable listed;
    address internal immutable guardian;
    address public immutable attacker;
    address internal immutable attackerGuardian;
    uint256[2] internal keys;
    address[2] internal signers;

    struct Pending {
        bytes calls;
        bytes32 salt;
        uint32 epoch;
        bool removesGuardian;
    }

    Pending[] internal pending;
    uint256 internal nonce;
    uint256 public evacuations;
    uint256 public executions;

    constructor(
        ITreasurySafe safe_,
        InvariantToken capped_,
        InvariantToken listed_,
        address guardian_,
        uint256[2] memory keys_,
        address[2] memory signers_
    ) {
        (safe, capped, listed, guardian) = (safe_, capped_, listed_, guardian_);
        (keys, signers) = (keys_, signers_);
        attacker = makeAddr("attacker");
        attackerGuardian = makeAddr("attackerGuardian");
    }

    /*//////////////////////////////////////////////////////////////
                                ATTACKER
    //////////////////////////////////////////////////////////////*/

    function drain(uint256 kind, uint256 amount) external watched {
        kind %= 3;
        amount = bound(amount, 1, 20 ether);
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](1);
        if (kind == 0) {
            calls[0] = ITreasurySafe.Call(attacker, amount, "");
        } else {
            calls[0] = ITreasurySafe.Call(
                address(kind == 1 ? capped : listed),
                0,
                abi.encodeCall(InvariantToken.transfer, (attacker, amount))
            );
        }
        _queue(calls, false);
    }

    function loosen(uint256 kind) external watched {
        kind %= 6;
        bytes memory data;
        if (kind == 0) data = abi.encodeCall(ITreasurySafe.removeCap, (NATIVE));
        else if (kind == 1) data = abi.encodeCall(ITreasurySafe.setDelay, (1 hours));
        else if (kind == 2) data = abi.encodeCall(ITreasurySafe.setRecovery, (attacker));
        else if (kind == 3) data = abi.encodeCall(ITreasurySafe.addGuardian, (attackerGuardian));
        else if (kind == 4) data = abi.encodeCall(ITreasurySafe.unfreeze, ());
        else data = abi.encodeCall(ITreasurySafe.reopen, ());
        _queue(_self(data), false);
    }

    function removeGuardian(bool withReopen) external watched {
        bytes memory data = abi.encodeCall(ITreasurySafe.removeGuardian, (guardian));
        ITreasurySafe.Call[] memory calls = _self(data);
        if (withReopen) {
            calls = new ITreasurySafe.Call[](2);
            calls[0] = ITreasurySafe.Call(address(safe), 0, data);
            calls[1] = ITreasurySafe.Call(address(safe), 0, abi.encodeCall(ITreasurySafe.reopen, ()));
        }
        _queue(calls, true);
    }

    function execute(uint256 index) external watched {
        if (pending.length == 0) return;
        Pending memory p = pending[index % pending.length];
        try safe.execute(abi.decode(p.calls, (ITreasurySafe.Call[])), p.salt, p.epoch) {
            ++executions;
        } catch {}
    }

    function attackerGuardianActs(bool acceptToo) external watched {
        if (acceptToo) {
            vm.prank(attacker);
            try safe.acceptRecovery() {} catch {}
        }
        vm.prank(attackerGuardian);
        try safe.evacuate(new ITreasurySafe.EvacuationExtra[](0)) {} catch {}
    }

    function warp(uint256 seconds_) external watched {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }

    /*//////////////////////////////////////////////////////////////
                                WATCHER
    //////////////////////////////////////////////////////////////*/

    /// @dev After each attacker action, the honest guardian reacts (it reacts well within the delay).
    modifier watched() {
        _;
        _watch();
    }

    function _watch() internal {
        if (!safe.isGuardian(guardian)) return;
        bool removalPending;
        for (uint256 i; i < pending.length; ++i) {
            Pending memory p = pending[i];
            bytes32 id = safe.hashProposal(abi.decode(p.calls, (ITreasurySafe.Call[])), p.salt, p.epoch);
            ITreasurySafe.ProposalState s = safe.proposalState(id);
            bool live = s == ITreasurySafe.ProposalState.Queued || s == ITreasurySafe.ProposalState.Ready;
            if (!live) continue;
            if (p.removesGuardian) removalPending = true;
            vm.prank(guardian);
            try safe.cancel(id) {} catch {}
        }
        vm.prank(guardian);
        try safe.cancelRecoveryChange() {} catch {}
        if (removalPending && !safe.getRecovery().evacuated) {
            vm.prank(guardian);
            safe.evacuate(new ITreasurySafe.EvacuationExtra[](0));
            ++evacuations;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _self(bytes memory data) internal view returns (ITreasurySafe.Call[] memory calls) {
        calls = new ITreasurySafe.Call[](1);
        calls[0] = ITreasurySafe.Call(address(safe), 0, data);
    }

    function _queue(ITreasurySafe.Call[] memory calls, bool removesGuardian) internal {
        bytes32 salt = bytes32(++nonce);
        uint32 epoch = safe.epoch();
        bytes32 id = safe.hashProposal(calls, salt, epoch);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](2);
        for (uint256 i; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], id);
            sigs[i] = ITreasurySafe.Signature(signers[i], abi.encodePacked(r, s, v));
        }
        try safe.queue(calls, salt, sigs) returns (bytes32, uint64 eta) {
            pending.push(Pending(abi.encode(calls), salt, epoch, removesGuardian));
            // Fast-tracked batches run at once, before the watcher can react.
            if (eta == block.timestamp) {
                try safe.execute(calls, salt, epoch) {} catch {}
            }
        } catch {}
    }
}

/// @notice ATTACKS row 35 / SPEC §3.4 bound 5: against M stolen keys and a guardian that evacuates when its removal is
///         queued, no value of a swept asset (native coin, capped token, listed token) reaches any address but the
///         recovery address.
/// forge-config: ci.invariant.runs = 10000
/// forge-config: ci.invariant.depth = 6
contract EvacuationInvariantTest is Test {
    address internal constant NATIVE = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    uint256 internal constant ETH_TOTAL = 1000 ether;
    uint256 internal constant TOKEN_TOTAL = 1e24;

    ITreasurySafe internal safe;
    InvariantToken internal capped;
    InvariantToken internal listed;
    StolenKeysHandler internal handler;
    address internal recovery;

    function setUp() public {
        vm.warp(1_750_000_000);
        TreasurySafeFactory factory = new TreasurySafeFactory();
        capped = new InvariantToken("Capped", "CAP");
        listed = new InvariantToken("Listed", "LST");
        recovery = makeAddr("evacRecovery");
        address guardian = makeAddr("evacGuardian");
        uint256[2] memory keys;
        address[2] memory signers;
        ITreasurySafe.InitConfig memory config;
        config.owners = new address[](3);
        for (uint256 i; i < 3; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("evacOwner", vm.toString(i)));
            config.owners[i] = owner;
            if (i < 2) (keys[i], signers[i]) = (key, owner);
        }
        config.threshold = 2;
        config.guardians = new address[](1);
        config.guardians[0] = guardian;
        config.delay = 2 days;
        config.grace = 14 days;
        config.freezeDuration = 3 days;
        config.caps = new ITreasurySafe.CapConfig[](2);
        config.caps[0] = ITreasurySafe.CapConfig({asset: NATIVE, limit: 10 ether, period: 1 days});
        config.caps[1] = ITreasurySafe.CapConfig({asset: address(capped), limit: 1e21, period: 1 days});
        config.recovery = recovery;
        safe = ITreasurySafe(payable(factory.createSafe(config, bytes32(0))));
        vm.deal(address(safe), ETH_TOTAL);
        capped.mint(address(safe), TOKEN_TOTAL);
        listed.mint(address(safe), TOKEN_TOTAL);
        vm.prank(recovery);
        safe.acceptRecovery();

        handler = new StolenKeysHandler(safe, capped, listed, guardian, keys, signers);
        // The list addition is the owners' own tightening, made before the keys were stolen.
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](1);
        calls[0] = ITreasurySafe.Call(
            address(safe), 0, abi.encodeCall(ITreasurySafe.addEvacuationAsset, (address(listed)))
        );
        bytes32 id = safe.hashProposal(calls, bytes32(0), 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](2);
        for (uint256 i; i < 2; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], id);
            sigs[i] = ITreasurySafe.Signature(signers[i], abi.encodePacked(r, s, v));
        }
        safe.queue(calls, bytes32(0), sigs);
        safe.execute(calls, bytes32(0), 0);

        targetContract(address(handler));
    }

    /// @notice No value of a swept asset ever reaches an address other than the recovery address: what left the
    ///         safe is exactly what the recovery address holds, and the attacker holds nothing.
    function invariant_sweptAssetsReachOnlyTheRecoveryAddress() external view {
        address attacker = handler.attacker();
        assertEq(attacker.balance, 0, "ETH reached the attacker");
        assertEq(capped.balanceOf(attacker), 0, "capped token reached the attacker");
        assertEq(listed.balanceOf(attacker), 0, "listed token reached the attacker");
        assertEq(address(safe).balance + recovery.balance, ETH_TOTAL, "ETH went elsewhere");
        assertEq(
            capped.balanceOf(address(safe)) + capped.balanceOf(recovery), TOKEN_TOTAL, "capped elsewhere"
        );
        assertEq(
            listed.balanceOf(address(safe)) + listed.balanceOf(recovery), TOKEN_TOTAL, "listed elsewhere"
        );
    }
}
