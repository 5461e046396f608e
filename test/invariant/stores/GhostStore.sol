// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../../contracts/interfaces/ITreasurySafe.sol";

/// @notice Ghost state shared by the handlers and read by the invariants: every batch the handlers built,
///         what the ghost expects of it, every measured outflow, every observed proposal state, and the
///         violations the handlers saw while acting (checked to be empty by the invariants).
contract GhostStore {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A batch built by a handler, and what happened to it.
    struct Proposal {
        bytes32 salt;
        // Set when queued: the id, epoch, and the timing the ghost derived from the configuration then.
        bytes32 id;
        uint32 epoch;
        bool queued;
        uint64 queuedAt;
        uint32 delayAtQueue;
        uint32 graceAtQueue;
        // Derived by the ghost from the calls (not read from the safe): whether the batch may be fast-tracked
        // (only fast-track setters); once queued, whether it was (the safe also requires each to tighten).
        bool fastTrack;
        bool freezeExempt;
        bool executed;
        uint64 executedAt;
        uint64 frozenUntilAtExecution;
    }

    /// @dev One measured outflow of a capped asset.
    struct Outflow {
        uint64 timestamp;
        uint256 amount;
    }

    /// @dev A limit and the time it took effect.
    struct LimitChange {
        uint64 timestamp;
        uint256 limit;
    }

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public constant MAX_PROPOSALS = 96;

    Proposal[] internal _proposals;
    mapping(uint256 index => ITreasurySafe.Call[]) internal _calls;

    /// @dev Every id seen on chain and the last state observed for it.
    bytes32[] public ids;
    mapping(bytes32 id => bool) public known;
    mapping(bytes32 id => ITreasurySafe.ProposalState) public lastState;

    mapping(address asset => Outflow[]) internal _outflows;
    mapping(address asset => LimitChange[]) internal _limits;
    mapping(address asset => uint32) public periodOf;
    /// @dev A raised limit the safe has scheduled, and when it takes effect (0: none).
    mapping(address asset => LimitChange) public scheduled;
    address[] public cappedAssets;

    /// @dev Violations by invariant, recorded by the handlers the moment they see them.
    uint8 public constant CAP = 0;
    uint8 public constant TIMELOCK = 1;
    uint8 public constant STATE_MACHINE = 2;
    uint8 public constant OUTFLOW_OUTSIDE_EXECUTE = 3;
    uint8 public constant GUARDIAN = 4;
    uint8 public constant QUEUE = 5;
    uint8 public constant LIVENESS = 6;
    mapping(uint8 kind => string[]) internal _violations;

    /// @dev The handlers' clock: every action warps from here.
    uint256 public timestamp;

    /// @dev Counters, for the end-of-campaign summary.
    mapping(string action => uint256) public calls;
    uint256 public executions;
    uint256 public capRefusals;
    uint256 public spenderPulls;
    uint256 public guardianActs;

    /*//////////////////////////////////////////////////////////////
                               PROPOSALS
    //////////////////////////////////////////////////////////////*/

    function addProposal(ITreasurySafe.Call[] memory calls_, bytes32 salt, bool fastTrack, bool freezeExempt)
        external
        returns (bool added, uint256 index)
    {
        if (_proposals.length >= MAX_PROPOSALS) return (false, 0);
        index = _proposals.length;
        Proposal storage p = _proposals.push();
        p.salt = salt;
        p.fastTrack = fastTrack;
        p.freezeExempt = freezeExempt;
        for (uint256 i; i < calls_.length; ++i) {
            _calls[index].push(calls_[i]);
        }
        return (true, index);
    }

    /// @dev `fastTrack` becomes what the safe decided (it may refuse a fast track the selectors allowed).
    function setQueued(
        uint256 index,
        bytes32 id,
        uint32 epoch,
        uint64 at,
        uint32 delay,
        uint32 grace,
        bool fastTrack
    ) external {
        Proposal storage p = _proposals[index];
        p.id = id;
        p.epoch = epoch;
        p.queued = true;
        p.queuedAt = at;
        p.delayAtQueue = delay;
        p.graceAtQueue = grace;
        p.fastTrack = fastTrack;
    }

    function setExecuted(uint256 index, uint64 at, uint64 frozenUntil) external {
        Proposal storage p = _proposals[index];
        (p.executed, p.executedAt, p.frozenUntilAtExecution) = (true, at, frozenUntil);
    }

    function proposal(uint256 index) external view returns (Proposal memory) {
        return _proposals[index];
    }

    function proposalCalls(uint256 index) external view returns (ITreasurySafe.Call[] memory) {
        return _calls[index];
    }

    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /*//////////////////////////////////////////////////////////////
                              STATE MACHINE
    //////////////////////////////////////////////////////////////*/

    function track(bytes32 id) external {
        if (known[id] || ids.length >= 4 * MAX_PROPOSALS) return;
        known[id] = true;
        ids.push(id);
    }

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    /// @dev Compares every tracked id's state now with the last one seen and records illegal moves.
    function observe(ITreasurySafe safe) external {
        for (uint256 i; i < ids.length; ++i) {
            bytes32 id = ids[i];
            ITreasurySafe.ProposalState prev = lastState[id];
            ITreasurySafe.ProposalState cur = safe.proposalState(id);
            if (!_legal(prev, cur)) {
                _violations[STATE_MACHINE].push(
                    string.concat(
                        "state machine: ", _stateName(prev), " -> ", _stateName(cur), " for ", _hex(id)
                    )
                );
            }
            lastState[id] = cur;
        }
    }

    function _legal(ITreasurySafe.ProposalState prev, ITreasurySafe.ProposalState cur)
        internal
        pure
        returns (bool)
    {
        if (prev == cur || prev == ITreasurySafe.ProposalState.Unknown) return true;
        // Terminal states never change.
        if (prev == ITreasurySafe.ProposalState.Executed || prev == ITreasurySafe.ProposalState.Cancelled) {
            return false;
        }
        // Anything else may be cancelled.
        if (cur == ITreasurySafe.ProposalState.Cancelled) return true;
        if (prev == ITreasurySafe.ProposalState.Proposed) {
            return cur != ITreasurySafe.ProposalState.Unknown;
        }
        // An older epoch never comes back.
        if (prev == ITreasurySafe.ProposalState.Stale) return false;
        // Queued, Ready, Expired only move forward in time, never back to Proposed/Unknown/Stale.
        if (prev == ITreasurySafe.ProposalState.Queued) {
            return cur == ITreasurySafe.ProposalState.Ready || cur == ITreasurySafe.ProposalState.Expired
                || cur == ITreasurySafe.ProposalState.Executed;
        }
        if (prev == ITreasurySafe.ProposalState.Ready) {
            return cur == ITreasurySafe.ProposalState.Expired || cur == ITreasurySafe.ProposalState.Executed;
        }
        // Expired: only cancellation, handled above.
        return false;
    }

    /*//////////////////////////////////////////////////////////////
                                 CAPS
    //////////////////////////////////////////////////////////////*/

    function addCappedAsset(address asset, uint256 limit, uint32 period, uint64 at) external {
        cappedAssets.push(asset);
        periodOf[asset] = period;
        _limits[asset].push(LimitChange({timestamp: at, limit: limit}));
    }

    /// @dev The ghost's reading of an executed setCap over the same period: a limit no higher is in force at
    ///      once and drops any scheduled one; a higher one is in force only one period later.
    function setLimit(address asset, uint256 limit, uint64 at) external {
        settle(asset, at);
        LimitChange[] storage changes = _limits[asset];
        if (limit <= changes[changes.length - 1].limit) {
            delete scheduled[asset];
            changes.push(LimitChange({timestamp: at, limit: limit}));
        } else {
            scheduled[asset] = LimitChange({timestamp: at + periodOf[asset], limit: limit});
        }
    }

    /// @dev Puts a scheduled limit whose time has come in the history (call before recording anything at `now`).
    function settle(address asset, uint256 now_) public {
        LimitChange memory next = scheduled[asset];
        if (next.timestamp == 0 || now_ < next.timestamp) return;
        _limits[asset].push(next);
        delete scheduled[asset];
    }

    function recordOutflow(address asset, uint256 amount, uint64 at) external {
        if (amount != 0) _outflows[asset].push(Outflow({timestamp: at, amount: amount}));
    }

    function outflows(address asset) external view returns (Outflow[] memory) {
        return _outflows[asset];
    }

    function cappedAssetCount() external view returns (uint256) {
        return cappedAssets.length;
    }

    /// @dev The largest limit in effect at any time in [from, to].
    function maxLimit(address asset, uint256 from, uint256 to) external view returns (uint256 max) {
        LimitChange[] storage changes = _limits[asset];
        for (uint256 i; i < changes.length; ++i) {
            bool next = i + 1 < changes.length;
            // Change i is in effect over [timestamp_i, timestamp_{i+1}); it matters if that meets [from, to].
            if (changes[i].timestamp > to) break;
            if (next && changes[i + 1].timestamp <= from) continue;
            if (changes[i].limit > max) max = changes[i].limit;
        }
    }

    /*//////////////////////////////////////////////////////////////
                               VIOLATIONS
    //////////////////////////////////////////////////////////////*/

    function fail(uint8 kind, string memory reason) external {
        _violations[kind].push(reason);
    }

    function violationCount(uint8 kind) external view returns (uint256) {
        return _violations[kind].length;
    }

    /// @dev The first violation of `kind`, or "" when there is none.
    function firstViolation(uint8 kind) external view returns (string memory) {
        return _violations[kind].length == 0 ? "" : _violations[kind][0];
    }

    function setTimestamp(uint256 t) external {
        timestamp = t;
    }

    function count(string memory action) external {
        ++calls[action];
    }

    function countExecution() external {
        ++executions;
    }

    function countCapRefusal() external {
        ++capRefusals;
    }

    function countPull() external {
        ++spenderPulls;
    }

    function countGuardianAct() external {
        ++guardianActs;
    }

    function _stateName(ITreasurySafe.ProposalState s) internal pure returns (string memory) {
        string[8] memory names =
            ["Unknown", "Proposed", "Stale", "Queued", "Ready", "Expired", "Executed", "Cancelled"];
        return names[uint8(s)];
    }

    function _hex(bytes32 id) internal pure returns (string memory out) {
        bytes memory digits = "0123456789abcdef";
        bytes memory s = new bytes(10);
        for (uint256 i; i < 5; ++i) {
            s[2 * i] = digits[uint8(id[i]) >> 4];
            s[2 * i + 1] = digits[uint8(id[i]) & 15];
        }
        out = string.concat("0x", string(s));
    }
}
