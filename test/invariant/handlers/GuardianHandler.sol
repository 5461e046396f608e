// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../../contracts/interfaces/ITreasurySafe.sol";
import {InvariantToken} from "../mocks/InvariantToken.sol";
import {GhostStore} from "../stores/GhostStore.sol";
import {BaseHandler} from "./BaseHandler.sol";

/// @notice A guardian (sometimes a removed or never-appointed one) doing everything it can: freeze, cancel,
///         and every owner and keeper power it should not have.
/// @dev Invariant (e): whatever it does, the safe's balances and allowances never fall and its configuration
///      (owners, threshold, guardians, delay, grace, freeze duration, caps) never changes.
contract GuardianHandler is BaseHandler {
    uint256[] internal guardianKeys;
    address internal immutable spender;

    constructor(
        ITreasurySafe safe_,
        GhostStore store_,
        InvariantToken tokenA_,
        InvariantToken tokenB_,
        uint256[] memory guardianKeys_,
        address spender_
    ) BaseHandler(safe_, store_, tokenA_, tokenB_) {
        guardianKeys = guardianKeys_;
        spender = spender_;
    }

    function act(uint256 timeSeed, uint256 which, uint256 seed)
        external
        adjustTime(timeSeed)
        noOutflow("a guardian action")
        observe
    {
        store.countGuardianAct();
        uint256 key = guardianKeys[seed % guardianKeys.length];
        address guardian = vm.addr(key);
        bytes32 configBefore = _configHash();
        Holdings memory before = _holdings();

        _attempt(which % 12, seed, key, guardian);

        Holdings memory afterwards = _holdings();
        if (afterwards.eth < before.eth || afterwards.a < before.a || afterwards.b < before.b) {
            store.fail(store.GUARDIAN(), "a guardian action moved funds");
        }
        if (_configHash() != configBefore) {
            store.fail(store.GUARDIAN(), "a guardian action changed the configuration");
        }
    }

    /// @dev One of twelve things a guardian might try, as the guardian.
    function _attempt(uint256 which, uint256 seed, uint256 key, address guardian) internal {
        vm.startPrank(guardian);
        uint256 known = store.idCount();
        bytes32 someId = known == 0 ? bytes32(seed) : store.ids((seed >> 8) % known);
        ITreasurySafe.Call[] memory steal = _one(guardian, address(safe).balance, "");
        if (which == 0) {
            try safe.freeze() {} catch {}
        } else if (which == 1) {
            try safe.cancel(someId) {} catch {}
        } else if (which == 2) {
            try safe.propose(steal, bytes32(seed)) {
                store.fail(store.GUARDIAN(), "a guardian proposed");
            } catch {}
        } else if (which == 3) {
            try safe.approve(someId) {
                store.fail(store.GUARDIAN(), "a guardian approved");
            } catch {}
        } else if (which == 4) {
            bytes32 id = safe.hashProposal(steal, bytes32(seed), safe.epoch());
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, id);
            ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](1);
            sigs[0] = ITreasurySafe.Signature({signer: guardian, data: abi.encodePacked(r, s, v)});
            try safe.queue(steal, bytes32(seed), sigs) {
                store.fail(store.GUARDIAN(), "a guardian queued");
            } catch {}
        } else if (which == 5) {
            try safe.execute(steal, bytes32(seed), safe.epoch()) {
                store.fail(store.GUARDIAN(), "a guardian executed its own batch");
            } catch {}
        } else if (which == 6) {
            _trySelf(abi.encodeCall(ITreasurySafe.addOwner, (guardian, 1)));
            _trySelf(abi.encodeCall(ITreasurySafe.changeThreshold, (1)));
            _trySelf(abi.encodeCall(ITreasurySafe.swapOwner, (safe.getOwners()[0], guardian)));
        } else if (which == 7) {
            _trySelf(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE)));
            _trySelf(abi.encodeCall(ITreasurySafe.removeCap, (address(tokenA))));
            _trySelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, type(uint128).max, 1 hours)));
            _trySelf(abi.encodeWithSelector(QUARANTINE, address(tokenA)));
            _trySelf(abi.encodeWithSignature("allowSelector(address,bytes4)", address(tokenA), bytes4(0)));
        } else if (which == 8) {
            _trySelf(abi.encodeCall(ITreasurySafe.setDelay, (1 hours)));
            _trySelf(abi.encodeCall(ITreasurySafe.setGrace, (90 days)));
            _trySelf(abi.encodeCall(ITreasurySafe.setFreezeDuration, (14 days)));
            _trySelf(abi.encodeCall(ITreasurySafe.unfreeze, ()));
            _trySelf(abi.encodeCall(ITreasurySafe.rearmGuardians, ()));
            _trySelf(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
            _trySelf(abi.encodeCall(ITreasurySafe.addGuardian, (address(0xdead))));
        } else if (which == 9) {
            try tokenA.transferFrom(address(safe), guardian, 1) {
                store.fail(store.GUARDIAN(), "a guardian pulled tokens");
            } catch {}
        } else if (which == 10) {
            // Freeze then cancel in the same block, the strongest griefing it has.
            try safe.freeze() {} catch {}
            try safe.cancel(someId) {} catch {}
        } else {
            // Re-initialise the safe with itself as sole owner.
            ITreasurySafe.InitConfig memory config;
            config.owners = new address[](1);
            config.owners[0] = guardian;
            config.threshold = 1;
            config.delay = 1 hours;
            config.grace = 1 hours;
            config.freezeDuration = 1 hours;
            config.recovery = guardian;
            try safe.initialize(config) {
                store.fail(store.GUARDIAN(), "a guardian re-initialised the safe");
            } catch {}
        }
        vm.stopPrank();
    }

    function _trySelf(bytes memory data) internal {
        (bool ok,) = address(safe).call(data);
        if (ok) store.fail(store.GUARDIAN(), "a guardian called a self-only setter");
    }

    /// @dev Everything a guardian must not change (freeze state and the arming flag excluded).
    function _configHash() internal view returns (bytes32) {
        ITreasurySafe.ConfigView memory c = safe.getConfig();
        bytes memory caps;
        for (uint256 i; i < c.caps.length; ++i) {
            caps = abi.encode(caps, c.caps[i].asset, c.caps[i].limit, c.caps[i].period);
        }
        return keccak256(
            abi.encode(c.owners, c.threshold, c.guardians, c.epoch, c.delay, c.grace, c.freezeDuration, caps)
        );
    }

    function _spender() internal view override returns (address) {
        return spender;
    }
}
