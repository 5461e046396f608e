// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../../contracts/interfaces/ITreasurySafe.sol";
import {InvariantToken} from "../mocks/InvariantToken.sol";
import {GhostStore} from "../stores/GhostStore.sol";
import {BaseHandler} from "./BaseHandler.sol";

/// @notice The owners (and the permissionless keepers): build batches of every kind, propose them on chain
///         or sign them off chain, queue them with random sets of signers, execute them at random times,
///         several in one block, and change the configuration through the safe's own proposals.
/// @dev Records in the ghost store every outflow it measures and every rule a successful queue or
///      execute broke: cap (a), timelock (b), queue admission.
contract OwnerHandler is BaseHandler {
    uint256 internal constant CANDIDATES = 6;
    /// The capped token's limit (fixed for the whole campaign).
    uint256 internal constant TOKEN_LIMIT = 1000e18;

    uint256[] internal ownerKeys;
    address[] internal candidates;
    mapping(address => uint256) internal keyOf;
    address[] internal guardianCandidates;
    address internal immutable spender;
    /// A token whose balanceOf lies about the safe, which configuration changes may cap, quarantine or uncap.
    address internal immutable liar;
    address[4] internal recipients;
    uint32 internal immutable ethPeriod;
    uint256 internal saltNonce;

    /// @dev Who proposed each batch on chain, and under which epoch (0 address: not proposed on chain).
    mapping(uint256 index => address) internal proposer;
    mapping(uint256 index => uint32) internal proposedEpoch;

    constructor(
        ITreasurySafe safe_,
        GhostStore store_,
        InvariantToken tokenA_,
        InvariantToken tokenB_,
        uint256[] memory ownerKeys_,
        address[] memory guardianCandidates_,
        address spender_,
        address liar_,
        uint32 ethPeriod_
    ) BaseHandler(safe_, store_, tokenA_, tokenB_) {
        for (uint256 i; i < ownerKeys_.length; ++i) {
            ownerKeys.push(ownerKeys_[i]);
            candidates.push(vm.addr(ownerKeys_[i]));
            keyOf[vm.addr(ownerKeys_[i])] = ownerKeys_[i];
        }
        guardianCandidates = guardianCandidates_;
        spender = spender_;
        liar = liar_;
        ethPeriod = ethPeriod_;
        for (uint256 i; i < 4; ++i) {
            recipients[i] = makeAddr(string.concat("recipient", vm.toString(i)));
        }
    }

    /*//////////////////////////////////////////////////////////////
                             BUILD BATCHES
    //////////////////////////////////////////////////////////////*/

    /// @dev 1 to 3 ETH transfers to plain recipients; amounts around a third of the cap each.
    function proposeEthTransfer(uint256 timeSeed, uint256 amountSeed, uint256 n, bool onchain, uint256 who)
        external
        adjustTime(timeSeed)
        noOutflow("proposeEthTransfer")
        observe
    {
        _proposeEth(amountSeed, n, onchain, who);
    }

    function _proposeEth(uint256 amountSeed, uint256 n, bool onchain, uint256 who) internal {
        // One time in four: exactly what the cap has left now (or one wei more), to press on its edge.
        if (amountSeed % 4 == 0) {
            uint256 left = safe.remainingCap(NATIVE) + (amountSeed >> 2) % 2;
            _add(_one(recipients[0], left, ""), onchain, who);
            return;
        }
        n = bound(n, 1, 3);
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](n);
        for (uint256 i; i < n; ++i) {
            uint256 amount = _amount(uint256(keccak256(abi.encode(amountSeed, i))), 10 ether);
            calls[i] =
                ITreasurySafe.Call({target: recipients[(amountSeed % 4 + i) % 4], value: amount, data: ""});
        }
        _add(calls, onchain, who);
    }

    /// @dev A transfer of the capped token (or, one time in four, the uncapped one).
    function proposeTokenTransfer(uint256 timeSeed, uint256 amountSeed, bool onchain, uint256 who)
        external
        adjustTime(timeSeed)
        noOutflow("proposeTokenTransfer")
        observe
    {
        _add(_tokenTransfer(amountSeed), onchain, who);
    }

    function _tokenTransfer(uint256 amountSeed) internal view returns (ITreasurySafe.Call[] memory) {
        InvariantToken token = amountSeed % 4 == 0 ? tokenB : tokenA;
        uint256 amount = amountSeed % 3 == 0
            ? safe.remainingCap(address(tokenA)) + (amountSeed >> 2) % 2
            : _amount(amountSeed >> 2, 1000e18);
        return _one(
            address(token), 0, abi.encodeCall(InvariantToken.transfer, (recipients[amountSeed % 4], amount))
        );
    }

    /// @dev Allowances on the capped token: approve, increaseAllowance, revoke, approve and pull in one batch, or
    ///      approve wrapped in the token's own multicall (a route the safe must refuse, F-14).
    function proposeAllowance(uint256 timeSeed, uint256 amountSeed, uint256 kind, bool onchain, uint256 who)
        external
        adjustTime(timeSeed)
        noOutflow("proposeAllowance")
        observe
    {
        uint256 amount = _amount(amountSeed, 1000e18);
        kind %= 5;
        ITreasurySafe.Call[] memory calls;
        if (kind == 0) {
            calls = _one(address(tokenA), 0, abi.encodeCall(InvariantToken.approve, (spender, amount)));
        } else if (kind == 1) {
            calls =
                _one(address(tokenA), 0, abi.encodeCall(InvariantToken.increaseAllowance, (spender, amount)));
        } else if (kind == 2) {
            calls = _one(address(tokenA), 0, abi.encodeCall(InvariantToken.approve, (spender, 0)));
        } else if (kind == 3) {
            bytes[] memory inner = new bytes[](1);
            inner[0] = abi.encodeCall(InvariantToken.approve, (spender, amount));
            calls = _one(address(tokenA), 0, abi.encodeCall(InvariantToken.multicall, (inner)));
        } else {
            calls = new ITreasurySafe.Call[](2);
            calls[0] = ITreasurySafe.Call({
                target: address(tokenA),
                value: 0,
                data: abi.encodeCall(InvariantToken.approve, (spender, amount))
            });
            calls[1] = ITreasurySafe.Call({
                target: spender, value: 0, data: abi.encodeWithSignature("pullInBatch(uint256)", amount / 2)
            });
        }
        _add(calls, onchain, who);
    }

    /// @dev ETH, both tokens and an allowance in one batch.
    function proposeMixedBatch(uint256 timeSeed, uint256 seed, bool onchain, uint256 who)
        external
        adjustTime(timeSeed)
        noOutflow("proposeMixedBatch")
        observe
    {
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](4);
        calls[0] =
            ITreasurySafe.Call({target: recipients[seed % 4], value: _amount(seed, 10 ether), data: ""});
        calls[1] = ITreasurySafe.Call({
            target: address(tokenA),
            value: 0,
            data: abi.encodeCall(
                InvariantToken.transfer, (recipients[(seed >> 2) % 4], _amount(seed >> 8, 1000e18))
            )
        });
        calls[2] = ITreasurySafe.Call({
            target: address(tokenB),
            value: 0,
            data: abi.encodeCall(
                InvariantToken.transfer, (recipients[(seed >> 4) % 4], _amount(seed >> 16, 1000e18))
            )
        });
        calls[3] = ITreasurySafe.Call({
            target: address(tokenA),
            value: 0,
            data: abi.encodeCall(InvariantToken.increaseAllowance, (spender, _amount(seed >> 24, 500e18)))
        });
        _add(calls, onchain, who);
    }

    /// @dev A configuration change through the safe's own proposal (sometimes bundled with a transfer).
    function proposeConfigChange(uint256 timeSeed, uint256 kind, uint256 seed, bool onchain, uint256 who)
        external
        adjustTime(timeSeed)
        noOutflow("proposeConfigChange")
        observe
    {
        bytes memory data = _configCall(kind % 19, seed);
        ITreasurySafe.Call[] memory calls;
        if (seed % 5 == 0) {
            calls = new ITreasurySafe.Call[](2);
            calls[0] = ITreasurySafe.Call({target: address(safe), value: 0, data: data});
            calls[1] =
                ITreasurySafe.Call({target: recipients[0], value: _amount(seed >> 8, 10 ether), data: ""});
        } else {
            calls = _one(address(safe), 0, data);
        }
        _add(calls, onchain, who);
    }

    /*//////////////////////////////////////////////////////////////
                              QUEUE, EXECUTE
    //////////////////////////////////////////////////////////////*/

    /// @dev Queues a batch with a random run of current owners' signatures (sometimes one short).
    function queue(uint256 timeSeed, uint256 indexSeed, uint256 signerSeed)
        external
        adjustTime(timeSeed)
        noOutflow("queue")
        observe
    {
        uint256 count = store.proposalCount();
        if (count == 0) return;
        // Mostly the next batch not yet queued; one time in eight any batch (replays must fail).
        _queue(_pick(indexSeed, signerSeed % 8 != 1, false), signerSeed);
    }

    /// @dev A blind-signed fast-track batch (SPEC §1's compromised signing screen), queued and executed at once:
    ///      it may add a guardian, and caps the safe itself, an address without code (both refused, F-10, F-11) or
    ///      the lying token (F-12, F-13). Whatever it did, later configuration changes must still run.
    function blindFastTrack(uint256 timeSeed, uint256 seed) external adjustTime(timeSeed) observe {
        uint256 kind = seed % 3;
        address asset = kind == 0 ? address(safe) : kind == 1 ? recipients[(seed >> 2) % 4] : liar;
        address guardian = guardianCandidates[(seed >> 4) % guardianCandidates.length];
        bool add = !safe.isGuardian(guardian) && (seed >> 6) % 2 == 0;
        ITreasurySafe.Call[] memory calls = new ITreasurySafe.Call[](add ? 2 : 1);
        calls[calls.length - 1] = ITreasurySafe.Call({
            target: address(safe),
            value: 0,
            data: abi.encodeCall(ITreasurySafe.setCap, (asset, uint128(bound(seed >> 8, 1, 1e24)), 1 hours))
        });
        if (add) {
            calls[0] = ITreasurySafe.Call({
                target: address(safe), value: 0, data: abi.encodeCall(ITreasurySafe.addGuardian, (guardian))
            });
        }
        (bool added, uint256 index) = _add(calls, false, 0);
        if (!added) return;
        // Enough signers for the threshold.
        _queue(index, 1);
        _execute(index);
    }

    /// @dev What `_queue` knew before it called `queue`: the checks of a successful queue compare against it.
    struct QueueExpectation {
        bytes32 id;
        uint32 epoch;
        uint256 distinct;
        uint256 threshold;
        uint32 delay;
        uint32 grace;
        bool frozen;
    }

    /// @dev Queues ghost batch `index` with a run of current owners' signatures chosen by `signerSeed`.
    function _queue(uint256 index, uint256 signerSeed) internal {
        GhostStore.Proposal memory p = store.proposal(index);
        ITreasurySafe.Call[] memory calls = store.proposalCalls(index);
        QueueExpectation memory e;
        e.epoch = safe.epoch();
        // Under a newer epoch the same batch is another proposal; keep one id per ghost entry.
        if (p.queued && p.epoch != e.epoch) return;
        e.id = safe.hashProposal(calls, p.salt, e.epoch);
        e.threshold = safe.threshold();
        ITreasurySafe.Signature[] memory sigs;
        (sigs, e.distinct) = _ownerSignatures(index, e, signerSeed);
        (,, e.delay, e.grace, e.frozen) = _timing();
        store.count("queue");
        try safe.queue(calls, p.salt, sigs) returns (bytes32 queuedId, uint64 eta) {
            _checkQueued(index, p, e, queuedId, eta);
        } catch {}
    }

    /// @dev A run of current owners' signatures over `e.id` chosen by `signerSeed` (one time in eight one short of
    ///      the threshold), and how many distinct owners approve with them and on chain.
    function _ownerSignatures(uint256 index, QueueExpectation memory e, uint256 signerSeed)
        internal
        returns (ITreasurySafe.Signature[] memory sigs, uint256 distinct)
    {
        address[] memory owners = safe.getOwners();
        uint256 m = e.threshold;
        uint256 n = signerSeed % 8 == 0 && m > 1 ? m - 1 : bound(signerSeed >> 8, m, owners.length);
        uint256 start = signerSeed >> 16;
        sigs = new ITreasurySafe.Signature[](n);
        distinct = n;
        for (uint256 i; i < n; ++i) {
            address signer = owners[(start + i) % owners.length];
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], e.id);
            sigs[i] = ITreasurySafe.Signature({signer: signer, data: abi.encodePacked(r, s, v)});
        }
        address onchainApprover = proposer[index];
        if (onchainApprover != address(0) && proposedEpoch[index] == e.epoch) {
            bool signed;
            for (uint256 i; i < n; ++i) {
                if (sigs[i].signer == onchainApprover) signed = true;
            }
            if (!signed) ++distinct;
        }
    }

    function _checkQueued(
        uint256 index,
        GhostStore.Proposal memory p,
        QueueExpectation memory e,
        bytes32 queuedId,
        uint64 eta
    ) internal {
        store.track(queuedId);
        if (p.queued) store.fail(store.QUEUE(), "an id queued twice");
        if (queuedId != e.id) store.fail(store.QUEUE(), "queue returned another id");
        if (e.distinct < e.threshold) {
            store.fail(store.QUEUE(), "queued with fewer approvals than the threshold");
        }
        if (e.frozen && !p.freezeExempt) store.fail(store.QUEUE(), "queued while frozen");
        ITreasurySafe.ProposalView memory v = safe.getProposal(e.id);
        // The safe may decline a fast track (a loosening setter) but never grant one the calls do not allow.
        if (v.fastTrack && !p.fastTrack) {
            store.fail(store.TIMELOCK(), "fast-tracked a batch of other calls");
        }
        uint256 expectedEta = block.timestamp + (v.fastTrack ? 0 : e.delay);
        if (eta != expectedEta) {
            store.fail(store.TIMELOCK(), "eta is not now + delay (or now if fast track)");
        }
        if (v.expiresAt != expectedEta + e.grace) {
            store.fail(store.TIMELOCK(), "expiresAt is not eta + grace");
        }
        store.setQueued(
            index, e.id, e.epoch, uint64(block.timestamp), e.delay, e.grace, v.fastTrack && p.fastTrack
        );
    }

    /// @dev Executes one batch now, whatever its state (a never-queued one must fail).
    function execute(uint256 timeSeed, uint256 indexSeed) external adjustTime(timeSeed) observe {
        if (store.proposalCount() == 0) return;
        // Mostly the next queued batch not yet executed; one time in eight any batch (never-queued, replays).
        _execute(_pick(indexSeed >> 3, false, indexSeed % 8 != 0));
    }

    /// @dev Executes, in one block, every batch the ghost believes ready.
    function executeAllReady(uint256 timeSeed) external adjustTime(timeSeed) observe {
        uint256 count = store.proposalCount();
        for (uint256 i; i < count; ++i) {
            GhostStore.Proposal memory p = store.proposal(i);
            if (!p.queued || p.executed) continue;
            uint256 eta = p.queuedAt + (p.fastTrack ? 0 : p.delayAtQueue);
            if (block.timestamp >= eta && block.timestamp <= eta + p.graceAtQueue) _execute(i);
        }
    }

    /// @dev Jumps to an edge of a queued batch's window: eta - 1, eta, expiresAt or expiresAt + 1.
    function warpToEdge(uint256 indexSeed, uint256 edge) external observe {
        uint256 count = store.proposalCount();
        if (count == 0) return;
        GhostStore.Proposal memory p = store.proposal(indexSeed % count);
        if (!p.queued) return;
        uint256 eta = p.queuedAt + (p.fastTrack ? 0 : p.delayAtQueue);
        uint256 expiresAt = eta + p.graceAtQueue;
        uint256[4] memory edges = [eta - 1, eta, expiresAt, expiresAt + 1];
        uint256 t = edges[edge % 4];
        if (t <= store.timestamp()) return;
        vm.warp(t);
        store.setTimestamp(t);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _spender() internal view override returns (address) {
        return spender;
    }

    /// @dev 0 one time in 16, the whole `scale` one time in 16, otherwise up to 60% of it.
    function _amount(uint256 seed, uint256 scale) internal pure returns (uint256) {
        uint256 kind = seed % 16;
        if (kind == 0) return 0;
        if (kind == 1) return scale;
        return bound(seed >> 4, 1, scale * 6 / 10);
    }

    /// @dev From `seed`, the first batch not yet queued (unqueued) or queued, not executed and within its
    ///      window (runnable); `seed`'s own batch when there is none.
    function _pick(uint256 seed, bool unqueued, bool runnable) internal view returns (uint256) {
        uint256 count = store.proposalCount();
        uint256 start = seed % count;
        if (!unqueued && !runnable) return start;
        for (uint256 k; k < count; ++k) {
            uint256 j = (start + k) % count;
            GhostStore.Proposal memory p = store.proposal(j);
            if (unqueued && !p.queued) return j;
            if (runnable && p.queued && !p.executed) {
                // Ready by the ghost's clock, so a batch stuck on its cap does not hog the picks.
                uint256 eta = p.queuedAt + (p.fastTrack ? 0 : p.delayAtQueue);
                if (block.timestamp >= eta && block.timestamp <= eta + p.graceAtQueue) return j;
            }
        }
        return start;
    }

    function _add(ITreasurySafe.Call[] memory calls, bool onchain, uint256 who)
        internal
        returns (bool added, uint256 index)
    {
        (bool fastTrack, bool freezeExempt) = _classify(calls);
        bytes32 salt = keccak256(abi.encode("salt", ++saltNonce));
        (added, index) = store.addProposal(calls, salt, fastTrack, freezeExempt);
        if (!added || !onchain) return (added, index);
        address[] memory owners = safe.getOwners();
        address owner = owners[who % owners.length];
        vm.prank(owner);
        try safe.propose(calls, salt) returns (bytes32 id) {
            store.track(id);
            proposer[index] = owner;
            proposedEpoch[index] = safe.epoch();
        } catch {
            store.fail(store.QUEUE(), "an owner could not propose");
        }
    }

    function _timing()
        internal
        view
        returns (uint32 epoch, uint64 frozenUntil, uint32 delay, uint32 grace, bool frozen)
    {
        ITreasurySafe.ConfigView memory c = safe.getConfig();
        return (c.epoch, c.frozenUntil, c.delay, c.grace, block.timestamp < c.frozenUntil);
    }

    function _execute(uint256 index) internal {
        GhostStore.Proposal memory p = store.proposal(index);
        ITreasurySafe.Call[] memory calls = store.proposalCalls(index);
        uint32 epoch = p.queued ? p.epoch : safe.epoch();
        (, uint64 frozenUntil,,,) = _timing();
        Holdings memory before = _holdings();
        uint256 leftA = safe.remainingCap(address(tokenA));
        store.count("execute");
        try safe.execute(calls, p.salt, epoch) {
            _afterExecute(index, p, calls, before, frozenUntil);
            _checkCharged(calls, before, leftA);
        } catch (bytes memory reason) {
            bytes4 error = bytes4(reason);
            if (error == ITreasurySafe.CapExceeded.selector) store.countCapRefusal();
            // A cap may refuse a batch only over an asset the batch could move (SPEC §3.3): never a batch of
            // self-calls (configuration, guardian removal, a cap's own removal), never over a token the batch
            // neither calls nor could reach through other code (F-10 to F-13).
            if (
                error == ITreasurySafe.CapExceeded.selector
                    || error == ITreasurySafe.BalanceUnreadable.selector
            ) {
                address asset = abi.decode(_args(reason), (address));
                if (!_mayMove(calls, asset)) {
                    store.fail(
                        store.LIVENESS(),
                        string.concat(
                            "liveness: ",
                            error == ITreasurySafe.CapExceeded.selector ? "CapExceeded" : "BalanceUnreadable",
                            asset == address(safe)
                                ? " of the safe itself"
                                : asset == liar ? " of the lying token" : "",
                            _isSelfOnly(calls)
                                ? " refused a batch of self-calls"
                                : " refused a batch that cannot move it",
                            _isSelfOnly(calls)
                                ? string.concat(" (first: ", vm.toString(bytes4(calls[0].data)), ")")
                                : ""
                        )
                    );
                }
            }
        }
    }

    function _afterExecute(
        uint256 index,
        GhostStore.Proposal memory p,
        ITreasurySafe.Call[] memory calls,
        Holdings memory before,
        uint64 frozenUntil
    ) internal {
        store.countExecution();
        uint64 t = uint64(block.timestamp);
        // (b) Only queued batches execute, once, in [queuedAt + delay, eta + grace], and not while frozen.
        if (!p.queued) store.fail(store.TIMELOCK(), "executed a batch that was never queued");
        if (p.executed) store.fail(store.TIMELOCK(), "executed twice");
        uint256 eta = p.queuedAt + (p.fastTrack ? 0 : p.delayAtQueue);
        if (t < eta) store.fail(store.TIMELOCK(), "executed before queuedAt + delay");
        if (t > eta + p.graceAtQueue) store.fail(store.TIMELOCK(), "executed after expiresAt");
        if (t < frozenUntil && !p.freezeExempt) store.fail(store.TIMELOCK(), "executed while frozen");
        store.setExecuted(index, t, frozenUntil);

        // (a) Measured outflow: balance decrease, plus allowances the batch left standing on the capped token.
        // Limits scheduled to take effect by now are in force for this batch.
        store.settle(NATIVE, t);
        store.settle(address(tokenA), t);
        Holdings memory afterwards = _holdings();
        if (afterwards.eth < before.eth) store.recordOutflow(NATIVE, before.eth - afterwards.eth, t);
        uint256 outA = afterwards.a < before.a ? before.a - afterwards.a : 0;
        if (_grantsAllowance(calls)) outA += afterwards.allowanceA;
        store.recordOutflow(address(tokenA), outA, t);

        // Configuration the ghost follows: new ETH limits (a raise only one period later).
        for (uint256 i; i < calls.length; ++i) {
            if (calls[i].target == address(safe) && bytes4(calls[i].data) == ITreasurySafe.setCap.selector) {
                (address asset, uint128 limit,) = abi.decode(_args(calls[i].data), (address, uint128, uint32));
                // The ghost bounds the honest caps (its limits start at setUp); the liar's cap measures lies.
                if (asset == NATIVE || asset == address(tokenA)) store.setLimit(asset, limit, t);
            }
        }
    }

    /// @dev (a) What a batch moved of the capped token (its balance decrease, plus any allowance it granted, however
    ///      wrapped: a multicall grant too) was charged to the cap in that batch, to the cap's rounding.
    function _checkCharged(ITreasurySafe.Call[] memory calls, Holdings memory before, uint256 leftA)
        internal
    {
        for (uint256 i; i < calls.length; ++i) {
            // A self-call may change the caps themselves; the window bound still checks such batches.
            if (calls[i].target == address(safe)) return;
        }
        Holdings memory afterwards = _holdings();
        uint256 moved = afterwards.a < before.a ? before.a - afterwards.a : 0;
        if (_grantsAllowance(calls)) moved += afterwards.allowanceA;
        uint256 charged = leftA - safe.remainingCap(address(tokenA));
        if (charged + 2 * (TOKEN_LIMIT / type(uint24).max + 1) < moved) {
            store.fail(store.CAP(), "cap: a batch moved more of the capped token than it was charged");
        }
    }

    function _isSelfOnly(ITreasurySafe.Call[] memory calls) internal view returns (bool) {
        for (uint256 i; i < calls.length; ++i) {
            if (calls[i].target != address(safe)) return false;
        }
        return true;
    }

    function _grantsAllowance(ITreasurySafe.Call[] memory calls) internal view returns (bool) {
        for (uint256 i; i < calls.length; ++i) {
            bytes4 s = calls[i].data.length >= 4 ? bytes4(calls[i].data) : bytes4(0);
            // A grant wrapped in multicall is a grant all the same: the ghost counts it even if the safe did not.
            if (
                calls[i].target == address(tokenA)
                    && (s == InvariantToken.approve.selector
                        || s == InvariantToken.increaseAllowance.selector
                        || s == InvariantToken.multicall.selector)
            ) return true;
        }
        return false;
    }

    function _args(bytes memory data) internal pure returns (bytes memory args) {
        args = new bytes(data.length - 4);
        for (uint256 i; i < args.length; ++i) {
            args[i] = data[i + 4];
        }
    }

    /// @dev Mostly valid parameters, so most changes go through and the configuration keeps moving.
    function _configCall(uint256 kind, uint256 seed) internal view returns (bytes memory) {
        address[] memory owners = safe.getOwners();
        uint256 n = owners.length;
        if (kind == 0) return abi.encodeCall(ITreasurySafe.changeThreshold, (bound(seed, 1, n)));
        if (kind == 1) {
            address fresh = _nonOwner(seed);
            if (fresh != address(0)) {
                return abi.encodeCall(ITreasurySafe.addOwner, (fresh, bound(seed >> 8, 1, n + 1)));
            }
            return abi.encodeCall(ITreasurySafe.changeThreshold, (bound(seed, 1, n)));
        }
        if (kind == 2 && n > 1) {
            return abi.encodeCall(ITreasurySafe.removeOwner, (owners[seed % n], bound(seed >> 8, 1, n - 1)));
        }
        if (kind == 3) {
            address fresh = _nonOwner(seed);
            if (fresh != address(0)) {
                return abi.encodeCall(ITreasurySafe.swapOwner, (owners[seed % n], fresh));
            }
        }
        if (kind == 4) {
            return abi.encodeCall(ITreasurySafe.setDelay, (uint32(bound(seed, 1 hours, 3 hours))));
        }
        if (kind == 5) {
            return abi.encodeCall(ITreasurySafe.setGrace, (uint32(bound(seed, 2 hours, 24 hours))));
        }
        if (kind == 6) {
            return abi.encodeCall(ITreasurySafe.setFreezeDuration, (uint32(bound(seed, 1 hours, 2 hours))));
        }
        if (kind == 7) {
            return
                abi.encodeCall(
                    ITreasurySafe.addGuardian, (guardianCandidates[seed % guardianCandidates.length])
                );
        }
        if (kind == 8) {
            return abi.encodeCall(
                ITreasurySafe.removeGuardian, (guardianCandidates[seed % guardianCandidates.length])
            );
        }
        if (kind == 9) return abi.encodeCall(ITreasurySafe.rearmGuardians, ());
        if (kind == 10) return abi.encodeCall(ITreasurySafe.unfreeze, ());
        if (kind == 11) return abi.encodeCall(ITreasurySafe.freeze, ());
        if (kind == 12) {
            return abi.encodeCall(
                ITreasurySafe.setCap, (NATIVE, uint128(bound(seed, 5 ether, 15 ether)), ethPeriod)
            );
        }
        // Caps that must never brick the safe: on the safe itself or an address without code (refused, F-10),
        // and on a token whose balanceOf lies (F-12, F-13), which the owners may then quarantine or uncap.
        if (kind == 14) return abi.encodeCall(ITreasurySafe.setCap, (address(safe), 1, 1 hours));
        if (kind == 15) return abi.encodeCall(ITreasurySafe.setCap, (recipients[seed % 4], 1, 1 hours));
        if (kind == 16) {
            return abi.encodeCall(ITreasurySafe.setCap, (liar, uint128(bound(seed, 1, 1e24)), 1 hours));
        }
        if (kind == 17) return abi.encodeCall(ITreasurySafe.removeCap, (liar));
        if (kind == 18) return abi.encodeWithSelector(QUARANTINE, liar);
        uint256 known = store.idCount();
        bytes32 id = known == 0 ? keccak256(abi.encode(seed)) : store.ids(seed % known);
        return abi.encodeCall(ITreasurySafe.cancel, (id));
    }

    function _nonOwner(uint256 seed) internal view returns (address) {
        for (uint256 i; i < CANDIDATES; ++i) {
            address c = candidates[(seed + i) % candidates.length];
            if (!safe.isOwner(c)) return c;
        }
        return address(0);
    }
}
