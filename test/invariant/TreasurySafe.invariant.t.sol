// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeFactory} from "../../contracts/TreasurySafeFactory.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {LyingToken} from "../mocks/LyingToken.sol";
import {GuardianHandler} from "./handlers/GuardianHandler.sol";
import {OwnerHandler} from "./handlers/OwnerHandler.sol";
import {SpenderHandler} from "./handlers/SpenderHandler.sol";
import {InvariantToken} from "./mocks/InvariantToken.sol";
import {GhostStore} from "./stores/GhostStore.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Handler-based invariants of ITreasurySafe over random sequences of proposals, signatures, queues,
///         executions (several per block), allowance pulls, donations, guardian freezes and cancels,
///         and configuration changes, at random times.
/// @dev Timing is scaled down so a short sequence crosses delays, caps and freezes many times:
///      delay 1 h, grace 12 h, freeze 2 h, ETH cap 10 ether per 6 h, token cap 1,000 per 25,201 s
///      (a period not divisible by 3, so sub-periods round up).
contract TreasurySafeInvariantTest is Test {
    address internal constant NATIVE = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    uint32 internal constant ETH_PERIOD = 6 hours;
    uint32 internal constant TOKEN_PERIOD = 25_201;
    uint128 internal constant ETH_LIMIT = 10 ether;
    uint128 internal constant TOKEN_LIMIT = 1000e18;

    ITreasurySafe internal safe;
    GhostStore internal store;
    InvariantToken internal tokenA;
    InvariantToken internal tokenB;
    OwnerHandler internal ownerHandler;
    GuardianHandler internal guardianHandler;
    SpenderHandler internal spenderHandler;
    address[] internal candidates;

    function setUp() public {
        vm.warp(1_750_000_000);
        TreasurySafeFactory factory = new TreasurySafeFactory();
        tokenA = new InvariantToken("Capped", "CAP");
        tokenB = new InvariantToken("Uncapped", "FREE");

        uint256[] memory ownerKeys = new uint256[](6);
        for (uint256 i; i < 6; ++i) {
            (address owner, uint256 key) = makeAddrAndKey(string.concat("invOwner", vm.toString(i)));
            ownerKeys[i] = key;
            candidates.push(owner);
        }
        uint256[] memory guardianKeys = new uint256[](4);
        address[] memory guardianAddrs = new address[](4);
        for (uint256 i; i < 4; ++i) {
            (guardianAddrs[i], guardianKeys[i]) = makeAddrAndKey(string.concat("invGuardian", vm.toString(i)));
            candidates.push(guardianAddrs[i]);
        }

        ITreasurySafe.InitConfig memory config;
        config.owners = new address[](3);
        for (uint256 i; i < 3; ++i) {
            config.owners[i] = candidates[i];
        }
        config.threshold = 2;
        config.guardians = new address[](2);
        (config.guardians[0], config.guardians[1]) = (guardianAddrs[0], guardianAddrs[1]);
        config.delay = 1 hours;
        config.grace = 12 hours;
        config.freezeDuration = 2 hours;
        config.caps = new ITreasurySafe.CapConfig[](2);
        config.caps[0] = ITreasurySafe.CapConfig({asset: NATIVE, limit: ETH_LIMIT, period: ETH_PERIOD});
        config.caps[1] =
            ITreasurySafe.CapConfig({asset: address(tokenA), limit: TOKEN_LIMIT, period: TOKEN_PERIOD});
        config.recovery = makeAddr("invRecovery");
        safe = ITreasurySafe(payable(factory.createSafe(config, bytes32(0))));
        vm.deal(address(safe), 10_000 ether);
        tokenA.mint(address(safe), 1e24);
        tokenB.mint(address(safe), 1e24);

        store = new GhostStore();
        store.setTimestamp(block.timestamp);
        store.addCappedAsset(NATIVE, ETH_LIMIT, ETH_PERIOD, uint64(block.timestamp));
        store.addCappedAsset(address(tokenA), TOKEN_LIMIT, TOKEN_PERIOD, uint64(block.timestamp));

        // Uncapped at first; configuration changes may cap it (then it lies), quarantine it or uncap it.
        LyingToken liar = new LyingToken();
        liar.mint(address(safe), 1e24);
        liar.lieAbout(safe);

        spenderHandler = new SpenderHandler(safe, store, tokenA, tokenB);
        ownerHandler = new OwnerHandler(
            safe,
            store,
            tokenA,
            tokenB,
            ownerKeys,
            guardianAddrs,
            address(spenderHandler),
            address(liar),
            ETH_PERIOD
        );
        guardianHandler =
            new GuardianHandler(safe, store, tokenA, tokenB, guardianKeys, address(spenderHandler));

        bytes4[] memory ownerSelectors = new bytes4[](10);
        ownerSelectors[0] = OwnerHandler.proposeEthTransfer.selector;
        ownerSelectors[1] = OwnerHandler.proposeTokenTransfer.selector;
        ownerSelectors[2] = OwnerHandler.proposeAllowance.selector;
        ownerSelectors[3] = OwnerHandler.proposeMixedBatch.selector;
        ownerSelectors[4] = OwnerHandler.proposeConfigChange.selector;
        ownerSelectors[5] = OwnerHandler.queue.selector;
        ownerSelectors[6] = OwnerHandler.execute.selector;
        ownerSelectors[7] = OwnerHandler.executeAllReady.selector;
        ownerSelectors[8] = OwnerHandler.warpToEdge.selector;
        ownerSelectors[9] = OwnerHandler.blindFastTrack.selector;
        targetSelector(FuzzSelector({addr: address(ownerHandler), selectors: ownerSelectors}));

        bytes4[] memory guardianSelectors = new bytes4[](1);
        guardianSelectors[0] = GuardianHandler.act.selector;
        targetSelector(FuzzSelector({addr: address(guardianHandler), selectors: guardianSelectors}));

        bytes4[] memory spenderSelectors = new bytes4[](2);
        spenderSelectors[0] = SpenderHandler.pull.selector;
        spenderSelectors[1] = SpenderHandler.donate.selector;
        targetSelector(FuzzSelector({addr: address(spenderHandler), selectors: spenderSelectors}));

        targetContract(address(ownerHandler));
        targetContract(address(guardianHandler));
        targetContract(address(spenderHandler));
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    // Each invariant_* function is a campaign of its own (forge 1.7), and every campaign drives the same
    // handlers, which record violations of every kind as they act. The properties are therefore grouped in
    // three campaigns: the cap bound, the timelock and state machine, and the integrity of funds and owners.

    /// @notice (a) Over any window of a cap's period, the measured outflow of each capped asset stays within
    ///         the largest limit in effect during that window; the views never report more than the limit.
    function invariant_capBoundOverEveryWindow() external view {
        _assertNoViolation(store.CAP());
        for (uint256 k; k < store.cappedAssetCount(); ++k) {
            _assertWindowsWithinLimit(store.cappedAssets(k));
        }
        ITreasurySafe.CapView[] memory caps = safe.getConfig().caps;
        for (uint256 i; i < caps.length; ++i) {
            assertLe(caps[i].remaining, caps[i].limit, "remaining above the limit");
            assertEq(caps[i].remaining, safe.remainingCap(caps[i].asset));
        }
    }

    /// @notice (b) Every execution came from a queued batch, at least `delay` after it was queued (no delay
    ///         for a fast track), not after its expiry, not while frozen (but unfreeze/cancel batches), once.
    ///         (c) Executed and Cancelled never change; Queued never goes back to Proposed, Stale or Unknown.
    ///         (g) No cap ever refuses a batch that cannot move its asset: a batch of self-calls (configuration,
    ///         guardian removal, a cap's own removal), or one that neither calls the token nor runs other code.
    function invariant_timelockAndStateMachine() external view {
        _assertNoViolation(store.LIVENESS());
        _assertNoViolation(store.TIMELOCK());
        _assertNoViolation(store.QUEUE());
        _assertNoViolation(store.STATE_MACHINE());
        for (uint256 i; i < store.proposalCount(); ++i) {
            GhostStore.Proposal memory p = store.proposal(i);
            if (!p.executed) continue;
            assertTrue(p.queued, "timelock: executed without being queued");
            uint256 eta = p.queuedAt + (p.fastTrack ? 0 : p.delayAtQueue);
            assertGe(p.executedAt, eta, "timelock: executed before its delay");
            assertLe(p.executedAt, eta + p.graceAtQueue, "timelock: executed after expiry");
            assertEq(
                uint8(safe.proposalState(p.id)),
                uint8(ITreasurySafe.ProposalState.Executed),
                "state machine: an executed id is not Executed"
            );
        }
        for (uint256 i; i < store.idCount(); ++i) {
            bytes32 id = store.ids(i);
            ITreasurySafe.ProposalState last = store.lastState(id);
            if (last == ITreasurySafe.ProposalState.Executed || last == ITreasurySafe.ProposalState.Cancelled)
            {
                assertEq(
                    uint8(safe.proposalState(id)), uint8(last), "state machine: a terminal state changed"
                );
            }
        }
    }

    /// @notice (d) The safe's balances fall only inside `execute`; pulls outside it spend an allowance that
    ///         was charged when granted. (e) Guardians never move funds nor change the configuration.
    ///         (f) 1 <= threshold <= owners <= 32, owners distinct and non-zero, isOwner agrees with getOwners.
    ///         (h) Every cap's asset is the native coin or a contract other than the safe.
    function invariant_fundsAndOwnerSetIntegrity() external view {
        _assertNoViolation(store.OUTFLOW_OUTSIDE_EXECUTE());
        _assertNoViolation(store.GUARDIAN());
        _assertOwnerSetConsistent();
        ITreasurySafe.CapView[] memory caps = safe.getConfig().caps;
        for (uint256 i; i < caps.length; ++i) {
            address asset = caps[i].asset;
            assertTrue(
                asset == NATIVE || (asset != address(safe) && asset.code.length != 0),
                "a cap on the safe itself or on an address without code"
            );
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 CHECKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Every window [t - P, t] ending at a recorded outflow (the worst windows end at one).
    function _assertWindowsWithinLimit(address asset) internal view {
        uint256 period = store.periodOf(asset);
        GhostStore.Outflow[] memory flows = store.outflows(asset);
        for (uint256 j; j < flows.length; ++j) {
            uint256 end = flows[j].timestamp;
            // Later outflows in the same block are in the same window: check the last one of the block.
            if (j + 1 < flows.length && flows[j + 1].timestamp == end) continue;
            uint256 start = end > period ? end - period : 0;
            uint256 sum;
            for (uint256 i; i <= j; ++i) {
                if (flows[i].timestamp >= start) sum += flows[i].amount;
            }
            assertLe(sum, store.maxLimit(asset, start, end), "cap: a window of length P exceeds the limit");
        }
    }

    function _assertOwnerSetConsistent() internal view {
        address[] memory owners = safe.getOwners();
        uint256 m = safe.threshold();
        assertGe(m, 1, "threshold is zero");
        assertLe(m, owners.length, "threshold above the owner count");
        assertLe(owners.length, 32, "more than 32 owners");
        for (uint256 i; i < owners.length; ++i) {
            assertTrue(owners[i] != address(0) && owners[i] != address(1), "zero or sentinel owner");
            assertTrue(safe.isOwner(owners[i]), "listed owner not isOwner");
            for (uint256 j = i + 1; j < owners.length; ++j) {
                assertTrue(owners[i] != owners[j], "duplicate owner");
            }
        }
        // Every address that may ever be an owner is one exactly when listed; zero, sentinel, safe never.
        uint256 counted;
        for (uint256 i; i < candidates.length; ++i) {
            if (safe.isOwner(candidates[i])) ++counted;
        }
        assertEq(counted, owners.length, "isOwner disagrees with getOwners");
        assertFalse(safe.isOwner(address(0)), "zero is an owner");
        assertFalse(safe.isOwner(address(1)), "sentinel is an owner");
        assertFalse(safe.isOwner(address(safe)), "the safe is an owner");
        ITreasurySafe.ConfigView memory c = safe.getConfig();
        assertEq(keccak256(abi.encode(c.owners)), keccak256(abi.encode(owners)), "getConfig owners differ");
        assertEq(c.threshold, m, "getConfig threshold differs");
        assertLe(c.guardians.length, 8, "more than 8 guardians");
        for (uint256 i; i < c.guardians.length; ++i) {
            assertTrue(c.guardians[i] != address(0), "zero guardian");
            assertTrue(safe.isGuardian(c.guardians[i]), "listed guardian not isGuardian");
        }
    }

    /// @notice The handlers reach what the invariants are about: executions, cap refusals, allowance pulls,
    ///         guardian actions, for a fixed pseudo-random sequence of 600 actions (a guard against handlers
    ///         that silently stop doing anything).
    function test_handlers_ExerciseEveryPath() external {
        for (uint256 i; i < 600; ++i) {
            uint256 r = uint256(keccak256(abi.encode("sequence", i)));
            uint256 a = r >> 8;
            uint256 b = r >> 72;
            uint256 c = r >> 136;
            uint256 kind = r % 13;
            if (kind == 0) ownerHandler.proposeEthTransfer(a, b, c, r & 256 != 0, c >> 8);
            else if (kind == 1) ownerHandler.proposeTokenTransfer(a, b, r & 256 != 0, c);
            else if (kind == 2) ownerHandler.proposeAllowance(a, b, c, r & 256 != 0, c >> 8);
            else if (kind == 3) ownerHandler.proposeMixedBatch(a, b, r & 256 != 0, c);
            else if (kind == 4) ownerHandler.proposeConfigChange(a, b, c, r & 256 != 0, c >> 8);
            else if (kind == 5 || kind == 6) ownerHandler.queue(a, b, c);
            else if (kind == 7) ownerHandler.execute(a, b);
            else if (kind == 8) ownerHandler.executeAllReady(a);
            else if (kind == 9) guardianHandler.act(a, b, c);
            else if (kind == 10) spenderHandler.pull(a, b);
            else if (kind == 12) ownerHandler.blindFastTrack(a, b);
            else ownerHandler.warpToEdge(a, b);
        }
        emit log_named_uint("proposals", store.proposalCount());
        emit log_named_uint("executions", store.executions());
        emit log_named_uint("cap refusals", store.capRefusals());
        emit log_named_uint("spender pulls", store.spenderPulls());
        emit log_named_uint("guardian actions", store.guardianActs());
        emit log_named_uint("ETH outflows", store.outflows(NATIVE).length);
        emit log_named_uint("token outflows", store.outflows(address(tokenA)).length);
        assertGt(store.executions(), 10, "few executions");
        assertGt(store.capRefusals(), 0, "no cap refusal");
        assertGt(store.spenderPulls(), 0, "no spender pull");
        assertGt(store.outflows(NATIVE).length, 0, "no ETH outflow");
        assertGt(store.outflows(address(tokenA)).length, 0, "no token outflow");
        this.invariant_capBoundOverEveryWindow();
        this.invariant_timelockAndStateMachine();
        this.invariant_fundsAndOwnerSetIntegrity();
    }

    function _assertNoViolation(uint8 kind) internal view {
        assertEq(store.violationCount(kind), 0, store.firstViolation(kind));
    }
}
