// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title RollingCap
/// @notice Strict rolling withdrawal cap in O(1) storage: over ANY interval of length `period`,
///         the recorded outflow is at most `limit`.
/// @dev How it works
///      - Time is cut into sub-periods of length L = ceil(period / 3). Any interval of length
///        `period` touches at most 4 consecutive sub-periods (period / L <= 3).
///      - The state keeps one 24-bit lane per sub-period for the 4 most recent sub-periods
///        (a ring of 96 bits: sub-period i lives in lane i % 4), and `head`, the newest sub-period written.
///      - A new outflow at sub-period `now` is accepted only if the lanes of sub-periods
///        [now - 3, now] plus the new outflow stay within the limit. So every window of 4
///        consecutive sub-periods, hence every interval of length `period`, holds at most `limit`.
///      - Lanes hold outflow in units of limit / FULL (FULL = 2^24 - 1), rounded UP when recorded.
///        Rounding up only ever over-counts, so the bound stays strict; the cost is at most one unit
///        (limit / 16,777,215, about 6e-8 of the limit) of capacity per withdrawal. 24-bit lanes let the
///        limit (128 bits), the four lanes (96) and `head` (32) share one storage slot, so a charge writes
///        one slot; the asset, period and flags, which a charge only reads, are in another.
///      - `head` is stored in 32 bits. It is a sub-period index, timestamp / L, and the safe accepts no
///        period under 1 hour (ConfigRules.MIN_CAP_PERIOD), so L >= 1,200 s and the index stays below 2^32
///        until the year ~165,000. Even a 1-second sub-period would keep it below 2^32 until 2106
///        (timestamp 2^32). The functions take and return it as uint64; callers store it as uint32.
///      - Capacity frees up between 3L and 4L after it was used, i.e. between `period` and
///        `period + L` later: never earlier than `period` (strictness), at most a third later.
library RollingCap {
    /// @notice Lanes in the ring (sub-periods covered by the check).
    uint256 internal constant LANES = 4;
    /// @notice Sub-periods per period.
    uint256 internal constant SUBS_PER_PERIOD = LANES - 1;
    /// @notice The unit count that stands for the whole limit.
    uint256 internal constant FULL = type(uint24).max;
    /// @notice Bits per lane.
    uint256 internal constant LANE_BITS = 24;

    /// @notice Length of one sub-period for `period` (rounded up, so 3 sub-periods cover a period).
    function subPeriod(uint32 period) internal pure returns (uint256) {
        return Math.ceilDiv(period, SUBS_PER_PERIOD);
    }

    /// @notice Index of the sub-period containing `timestamp`.
    function indexAt(uint32 period, uint256 timestamp) internal pure returns (uint64) {
        return uint64(timestamp / subPeriod(period));
    }

    /// @notice Units in use at sub-period `nowIndex`: lanes of sub-periods [nowIndex - 3, head].
    /// @dev `nowIndex >= head` always holds (time only moves forward; head is written with the current index).
    function usedUnits(uint96 lanes, uint64 head, uint64 nowIndex) internal pure returns (uint256 used) {
        // A lane older than 3 sub-periods before now no longer counts; when head itself is that old, nothing does.
        if (nowIndex - head >= LANES) return 0;
        // Sub-periods head+1 .. nowIndex were never written since their lane was last reused: skip them.
        for (uint256 j = _oldestCounted(nowIndex); j <= head; ++j) {
            used += _lane(lanes, j);
        }
    }

    /// @notice Records `units` at `nowIndex`; returns the new lanes and head.
    /// @dev Callers check `usedUnits + units <= FULL` first. Lanes of sub-periods after the old head are
    ///      stale (they belong to sub-periods 4 or more back) and are zeroed before reuse.
    function record(uint96 lanes, uint64 head, uint64 nowIndex, uint256 units)
        internal
        pure
        returns (uint96, uint64)
    {
        uint256 stale = nowIndex - head;
        if (stale >= LANES) {
            lanes = 0;
        } else {
            for (uint256 j = uint256(head) + 1; j <= nowIndex; ++j) {
                lanes = _setLane(lanes, j, 0);
            }
        }
        // Cannot exceed 24 bits: callers ensure the sum of live lanes plus `units` is at most FULL.
        lanes = _setLane(lanes, nowIndex, _lane(lanes, nowIndex) + units);
        return (lanes, nowIndex);
    }

    /// @notice Units that `amount` occupies under `limit`, rounded up (over-counting keeps the bound strict).
    function toUnits(uint256 amount, uint128 limit) internal pure returns (uint256) {
        return Math.mulDiv(amount, FULL, limit, Math.Rounding.Ceil);
    }

    /// @notice Largest amount whose units fit in `freeUnits` under `limit`, rounded down.
    function toAmount(uint256 freeUnits, uint128 limit) internal pure returns (uint256) {
        return Math.mulDiv(freeUnits, limit, FULL);
    }

    /// @notice Amount that may still leave at `nowIndex`.
    function remaining(uint96 lanes, uint64 head, uint64 nowIndex, uint128 limit)
        internal
        pure
        returns (uint256)
    {
        return toAmount(FULL - usedUnits(lanes, head, nowIndex), limit);
    }

    /// @notice When `remaining` next grows: the end of the oldest live, non-empty sub-period's window (0 if none).
    function nextRefillAt(uint96 lanes, uint64 head, uint64 nowIndex, uint32 period)
        internal
        pure
        returns (uint64)
    {
        if (nowIndex - head >= LANES) return 0;
        for (uint256 j = _oldestCounted(nowIndex); j <= head; ++j) {
            // Sub-period j stops counting once the current index reaches j + 4.
            if (_lane(lanes, j) != 0) return uint64((j + LANES) * subPeriod(period));
        }
        return 0;
    }

    /// @dev First sub-period still counted at `nowIndex` (saturating at 0 near the epoch of time).
    function _oldestCounted(uint64 nowIndex) private pure returns (uint256) {
        return nowIndex >= SUBS_PER_PERIOD ? nowIndex - SUBS_PER_PERIOD : 0;
    }

    function _lane(uint96 lanes, uint256 index) private pure returns (uint256) {
        return (uint256(lanes) >> ((index % LANES) * LANE_BITS)) & FULL;
    }

    function _setLane(uint96 lanes, uint256 index, uint256 value) private pure returns (uint96) {
        uint256 shift = (index % LANES) * LANE_BITS;
        // Both operands fit in 96 bits: lanes is 96 bits and value <= FULL shifted by at most 72.
        return uint96((uint256(lanes) & ~(FULL << shift)) | (value << shift));
    }
}
