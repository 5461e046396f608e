// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {RollingCap} from "../../contracts/libraries/RollingCap.sol";

/// @notice halmos proofs of the strict rolling cap (SPEC §3.3) over the RollingCap library, driven the way
///         `TreasurySafe._consume` drives it. Run with `make halmos`; forge test ignores `check_` functions
///         (they only have to compile).
/// @dev What is proven, for all values of the symbolic inputs (not a sample):
///      - check_ring_usedUnitsMatchesModel, check_ring_recordMatchesModel (step lemmas, any ring state):
///        the ring is an exact model of "units recorded per sub-period, for the last 4 sub-periods":
///        `usedUnits` at sub-period n sums exactly the model over [n - 3, n], and `record` adds the new
///        units at n and keeps the other three. By induction over ANY number of spends (from a fresh cap,
///        lanes 0, which is the model of no spend), the units `_consume` compares at n are exactly the units
///        of the spends in [n - 3, n]; an accepted spend keeps that sum at most FULL.
///      - check_windowSpansFourSubPeriods: two times at most P apart are at most 3 sub-periods apart, so
///        every spend of a window of length P is among those the last spend's check counted. Together:
///        every interval of length P holds at most FULL units, i.e. at most C (units are amounts rounded
///        UP: units >= amount * FULL / C, see `RollingCap.toUnits`).
///      - check_ringStrict_2spends: the end-to-end statement as a trace, from a fresh cap set at any time, for
///        2 spends at any times and of any unit counts: every window of length P holds at most FULL units.
///      Bounds and what did not finish on this machine (2 cores, yices 2.6.4, branching timeout 200 ms):
///      - P is concrete, 3 * 2^15 s (27.3 hours): its sub-period is a power of two, so `indexAt` is a shift.
///        With P = 1 day (a division by 28,800 in every query) even the 2-spend trace did not finish in
///        5 minutes. The lemmas do not depend on P except through the window lemma, whose argument
///        (3 * ceil(P / 3) >= P) holds for every P; the forge fuzz test test/fuzz/RollingCap.t.sol runs
///        random P and C.
///      - The trace with 3 or 4 spends (the issue asked for 4) did not finish in 5 minutes; the step lemmas
///        cover any number of spends by induction instead, in about 5 seconds.
///      - The amount-to-unit conversion (`toUnits`/`toAmount`, OpenZeppelin's 512-bit `mulDiv`) did not
///        finish in 5 minutes even with a concrete limit: that step is left to the fuzz test and to the
///        argument in `TreasurySafe._consume` (amount > floor(free * C / FULL) iff ceil(amount * FULL / C) > free).
///      - Loops unrolled 5 times (`--loop 5`): `usedUnits` runs at most 4 iterations (lanes [n - 3, head]) and
///        `record` at most 3 (stale lanes head + 1 .. n when fewer than 4).
///      - Times: ring indices are uint64, trace times below 2^40 s plus gaps below 2^32 s.
///      - Measured (2026-11-28, 24-bit lanes, 2 cores shared with two mutation campaigns): check_ringStrict_2spends
///        81.5 s (342 paths), check_ring_recordMatchesModel 24.4 s, check_ring_usedUnitsMatchesModel 9.1 s,
///        check_windowSpansFourSubPeriods 0.2 s. With 32-bit lanes on a quieter machine (2026-11-27): 28.6 s (128 paths),
///        5.2 s, 2.5 s, 0.1 s.
///      - halmos warns that the 2-spend trace hit the loop bound on some path: the library's loops cannot run
///        more than 4 times, so those are paths the 200 ms branching timeout did not prune; the step lemmas
///        run without that warning.
contract RollingCapProofs {
    uint256 internal constant FULL = RollingCap.FULL;
    /// @dev 3 * 2^15 s (27.3 hours): its sub-period is 2^15 s, so `indexAt` is a shift for the solver.
    uint32 internal constant PERIOD = 3 * 32_768;

    struct Ring {
        uint96 lanes;
        uint64 head;
    }

    /// @custom:halmos --loop 5
    function check_ringStrict_2spends(uint40 created, uint32 g0, uint32 g1, uint32 u0, uint32 u1)
        external
        pure
    {
        uint256[] memory gaps = new uint256[](2);
        uint256[] memory units = new uint256[](2);
        (gaps[0], gaps[1], units[0], units[1]) = (g0, g1, u0, u1);
        _ringStrict(created, gaps, units);
    }

    function _ringStrict(uint40 created, uint256[] memory gaps, uint256[] memory units) internal pure {
        uint32 period = PERIOD;
        uint256 n = gaps.length;
        Ring memory ring = Ring({lanes: 0, head: RollingCap.indexAt(period, created)});
        uint256[] memory times = new uint256[](n);
        uint256[] memory accepted = new uint256[](n);
        uint256 t = created;
        for (uint256 i; i < n; ++i) {
            t += gaps[i];
            times[i] = t;
            uint64 nowIndex = RollingCap.indexAt(period, t);
            // The check of `_consume`, in units: the new units fit beside the live lanes.
            if (RollingCap.usedUnits(ring.lanes, ring.head, nowIndex) + units[i] <= FULL) {
                (ring.lanes, ring.head) = RollingCap.record(ring.lanes, ring.head, nowIndex, units[i]);
                accepted[i] = units[i];
            }
        }
        for (uint256 i; i < n; ++i) {
            uint256 sum;
            for (uint256 j = i; j < n; ++j) {
                sum += accepted[j];
                if (times[j] - times[i] <= period) assert(sum <= FULL);
            }
        }
    }

    /// @notice Step lemma (a): `usedUnits` at any sub-period n >= head is exactly the sum of the model over
    ///         [n - 3, n], where the model holds lane(k) for the 4 sub-periods [head - 3, head] and 0 after head.
    /// @custom:halmos --loop 5
    function check_ring_usedUnitsMatchesModel(uint96 lanes, uint64 head, uint64 n) external pure {
        if (n < head) return; // time never runs backwards: the safe always calls with n >= head
        uint256 expected;
        for (uint256 d; d < 4 && d <= n; ++d) {
            expected += _model(lanes, head, n - d);
        }
        assert(RollingCap.usedUnits(lanes, head, n) == expected);
    }

    /// @notice Step lemma (b): after `record(u)` at n >= head (accepted: used + u <= FULL), the ring is the model
    ///         with u added at n: each of the sub-periods [n - 3, n] holds the model's units, plus u at n; and the
    ///         head is n. With (a), by induction over any number of spends, the units `_consume` compares at
    ///         sub-period n are exactly the units recorded in [n - 3, n], so each accepted spend keeps that sum
    ///         at most FULL; and a window of length P spans at most 4 sub-periods (check_windowSpansFourSubPeriods).
    /// @custom:halmos --loop 5
    function check_ring_recordMatchesModel(uint96 lanes, uint64 head, uint64 n, uint32 u) external pure {
        if (n < head) return;
        if (RollingCap.usedUnits(lanes, head, n) + u > FULL) return; // refused: nothing is recorded
        (uint96 after_, uint64 headAfter) = RollingCap.record(lanes, head, n, u);
        assert(headAfter == n);
        for (uint256 d; d < 4 && d <= n; ++d) {
            uint256 k = n - d;
            uint256 want = _model(lanes, head, k) + (d == 0 ? u : 0);
            assert(_laneOf(after_, k) == want);
        }
    }

    /// @notice Two times at most P apart lie at most 3 sub-periods apart, so the ring's 4 lanes cover any window.
    function check_windowSpansFourSubPeriods(uint64 t, uint64 gap) external pure {
        if (gap > PERIOD) return;
        uint256 later = uint256(t) + gap;
        assert(RollingCap.indexAt(PERIOD, later) - RollingCap.indexAt(PERIOD, t) <= 3);
    }

    /// @dev The ring's content as a model: sub-period k's units if k is one of [head - 3, head], else 0.
    function _model(uint96 lanes, uint64 head, uint256 k) internal pure returns (uint256) {
        if (k > head || k + 3 < head) return 0;
        return _laneOf(lanes, k);
    }

    /// @dev Lane k % 4 of the ring, written independently of the library's private `_lane`.
    function _laneOf(uint96 lanes, uint256 k) internal pure returns (uint256) {
        return (uint256(lanes) >> (24 * (k % 4))) & FULL;
    }
}
