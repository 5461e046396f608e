// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {RollingCap} from "../../contracts/libraries/RollingCap.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Drives the RollingCap library exactly the way `ITreasurySafe._consume` does, with one cap.
contract RollingCapHarness {
    uint128 public immutable limit;
    uint32 public immutable period;
    uint96 public lanes;
    uint64 public head;

    constructor(uint128 limit_, uint32 period_, uint256 startTime) {
        (limit, period) = (limit_, period_);
        head = RollingCap.indexAt(period_, startTime);
    }

    /// @dev The check-and-record of `_consume`: accepted iff the new units fit beside the live lanes.
    function tryConsume(uint256 amount, uint256 timestamp) external returns (bool accepted, uint256 units) {
        uint64 nowIndex = RollingCap.indexAt(period, timestamp);
        uint256 free = RollingCap.FULL - RollingCap.usedUnits(lanes, head, nowIndex);
        units = RollingCap.toUnits(amount, limit);
        if (units > free) return (false, units);
        (lanes, head) = RollingCap.record(lanes, head, nowIndex, units);
        return (true, units);
    }

    function usedUnits(uint256 timestamp) external view returns (uint256) {
        return RollingCap.usedUnits(lanes, head, RollingCap.indexAt(period, timestamp));
    }

    function remaining(uint256 timestamp) external view returns (uint256) {
        return RollingCap.remaining(lanes, head, RollingCap.indexAt(period, timestamp), limit);
    }

    function nextRefillAt(uint256 timestamp) external view returns (uint64) {
        return RollingCap.nextRefillAt(lanes, head, RollingCap.indexAt(period, timestamp), period);
    }

    function subPeriod() external view returns (uint256) {
        return RollingCap.subPeriod(period);
    }
}

/// @notice RollingCap against a reference model that keeps every accepted outflow with its timestamp.
/// @dev What is proven, for random limits, periods, start times and sequences of (dt, amount):
///      - strictness: over every closed interval [t - P, t] (so any interval of length P) the accepted
///        amounts sum to at most the limit;
///      - exactness of the ring: the library's used units equal, at every step, the sum of the rounded-up
///        units of the outflows recorded in the last 4 sub-periods (the model), so it accepts exactly
///        when the model does;
///      - liveness: an outflow is never refused when the exact amounts of the last 4 sub-periods plus
///        the new one, plus one unit of rounding per withdrawal involved, fit in the limit;
///      - `remaining` is exactly the largest amount accepted now (remaining accepted, remaining + 1 not);
///      - `nextRefillAt` is when the oldest live outflow stops counting, and never earlier than P after it.
contract RollingCapFuzzTest is Test {
    uint256 internal constant STEPS = 32;
    uint256 internal constant FULL = type(uint24).max;

    struct Outflow {
        uint256 timestamp;
        uint256 amount;
        uint256 units;
    }

    Outflow[] internal accepted;

    function testFuzz_consume_StrictBoundAndExactModel(
        uint256 seed,
        uint128 limit,
        uint32 period,
        uint256 startTime
    ) public {
        limit = uint128(bound(limit, 1, type(uint128).max));
        period = uint32(bound(period, 1 hours, 365 days));
        startTime = bound(startTime, 0, type(uint40).max);
        RollingCapHarness cap = new RollingCapHarness(limit, period, startTime);
        uint256 sub = cap.subPeriod();
        uint256 t = startTime;

        for (uint256 step; step < STEPS; ++step) {
            (uint256 dt, uint256 amount) = _draw(seed, step, period, limit);
            t += dt;
            _checkStep(cap, t, sub, amount, limit);
        }
        _assertEveryWindowWithinLimit(period, limit);
    }

    /// @dev One spend of `amount` at `t`: the ring equals the model, and it is accepted exactly when the model
    ///      and `remaining` say so.
    function _checkStep(RollingCapHarness cap, uint256 t, uint256 sub, uint256 amount, uint128 limit)
        internal
    {
        uint256 modelUnits = _modelUnits(t, sub);
        assertEq(cap.usedUnits(t), modelUnits, "ring differs from the model of the last 4 sub-periods");

        uint256 left = cap.remaining(t);
        (bool ok, uint256 units) = cap.tryConsume(amount, t);
        assertEq(ok, modelUnits + units <= FULL, "accepts exactly when the model does");
        assertEq(ok, amount <= left, "remaining is the largest amount accepted");
        if (_fitsWithMargin(t, sub, amount, limit)) {
            assertTrue(ok, "refused although it fits with margin");
        }
        if (ok) accepted.push(Outflow({timestamp: t, amount: amount, units: units}));
    }

    function testFuzz_remaining_IsTheLargestAcceptedAmount(
        uint256 seed,
        uint128 limit,
        uint32 period,
        uint256 at
    ) public {
        limit = uint128(bound(limit, 1, type(uint128).max));
        period = uint32(bound(period, 1 hours, 365 days));
        uint256 t = 1_750_000_000;
        RollingCapHarness cap = new RollingCapHarness(limit, period, t);
        for (uint256 step; step < 8; ++step) {
            (uint256 dt, uint256 amount) = _draw(seed, step, period, limit);
            t += dt;
            cap.tryConsume(amount, t);
        }
        t += bound(at, 0, 2 * uint256(period));
        uint256 left = cap.remaining(t);
        assertLe(left, limit);
        uint256 snap = vm.snapshotState();
        (bool over,) = cap.tryConsume(left + 1, t);
        assertFalse(over, "remaining + 1 accepted");
        vm.revertToState(snap);
        (bool ok,) = cap.tryConsume(left, t);
        assertTrue(ok, "remaining refused");
    }

    function testFuzz_nextRefillAt_NeverBeforeAPeriod(
        uint256 amount,
        uint32 period,
        uint256 at,
        uint256 after_
    ) public {
        uint128 limit = 1e24;
        period = uint32(bound(period, 1 hours, 365 days));
        amount = bound(amount, 1, limit);
        uint256 t = bound(at, 1, type(uint40).max);
        RollingCapHarness cap = new RollingCapHarness(limit, period, t);
        (bool ok,) = cap.tryConsume(amount, t);
        assertTrue(ok);
        uint256 later = t + bound(after_, 0, 2 * uint256(period));
        uint64 refill = cap.nextRefillAt(later);
        if (later < refill) {
            // Still counted: refill is the end of the 4th sub-period, in (t + P, t + 4L].
            assertGt(refill, t + period, "capacity would free up within a period");
            assertLe(refill, t + 4 * cap.subPeriod(), "capacity frees up more than a sub-period late");
            assertEq(cap.usedUnits(later), RollingCap.toUnits(amount, limit));
        } else {
            assertEq(refill, 0);
            assertEq(cap.usedUnits(later), 0);
            assertGt(later, t + period, "outflow forgotten within a period");
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 MODEL
    //////////////////////////////////////////////////////////////*/

    /// @dev Sum of the recorded units of outflows in sub-periods [now - 3, now].
    function _modelUnits(uint256 t, uint256 sub) internal view returns (uint256 units) {
        uint256 nowIndex = t / sub;
        for (uint256 i; i < accepted.length; ++i) {
            if (accepted[i].timestamp / sub + 3 >= nowIndex) units += accepted[i].units;
        }
    }

    /// @dev Exact amounts of the last 4 sub-periods plus `amount`, with one unit per withdrawal lost to
    ///      rounding, fit in the limit: (sum + amount) * FULL + (k + 1) * limit <= FULL * limit.
    function _fitsWithMargin(uint256 t, uint256 sub, uint256 amount, uint128 limit)
        internal
        view
        returns (bool)
    {
        uint256 nowIndex = t / sub;
        uint256 sum = amount;
        uint256 k = 1;
        for (uint256 i; i < accepted.length; ++i) {
            if (accepted[i].timestamp / sub + 3 >= nowIndex) {
                sum += accepted[i].amount;
                ++k;
            }
        }
        if (sum > limit) return false;
        return sum * FULL + k * uint256(limit) <= FULL * uint256(limit);
    }

    /// @dev Every closed interval [t - P, t] ending at an accepted outflow holds at most `limit`.
    ///      Checking intervals that end at outflows suffices: any interval can slide right until it does.
    function _assertEveryWindowWithinLimit(uint32 period, uint128 limit) internal view {
        for (uint256 j; j < accepted.length; ++j) {
            uint256 end = accepted[j].timestamp;
            uint256 sum;
            for (uint256 i; i <= j; ++i) {
                if (accepted[i].timestamp + period >= end) sum += accepted[i].amount;
            }
            assertLe(sum, limit, "strict rolling bound broken");
        }
    }

    /// @dev A (dt, amount) pair biased towards the interesting cases: same block, sub-period edges, the
    ///      full limit, tiny dust and round fractions of the limit.
    function _draw(uint256 seed, uint256 step, uint32 period, uint128 limit)
        internal
        pure
        returns (uint256 dt, uint256 amount)
    {
        uint256 r = uint256(keccak256(abi.encode(seed, step)));
        uint256 sub = (uint256(period) + 2) / 3;
        uint256 kind = r % 8;
        r >>= 8;
        if (kind == 0) dt = 0;
        else if (kind == 1) dt = 1;
        else if (kind == 2) dt = sub;
        else if (kind == 3) dt = period;
        else if (kind == 4) dt = period - 1;
        else dt = r % (2 * uint256(period));
        r >>= 64;
        kind = r % 6;
        r >>= 8;
        if (kind == 0) amount = limit;
        else if (kind == 1) amount = r % 3;
        else if (kind == 2) amount = uint256(limit) / (2 + r % 5);
        else if (kind == 3) amount = uint256(limit) / 2 + 1;
        else amount = r % (uint256(limit) + 1);
    }
}
