// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";
import {RollingCap} from "../libraries/RollingCap.sol";
import {SafeStorage} from "./SafeStorage.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title SafeCaps
/// @notice TreasurySafe's outflow measurement and rolling caps: the fail-closed inspection of a batch before
///         it runs, the balance and allowance reads, the charge of each cap, and scheduled cap changes.
abstract contract SafeCaps is SafeStorage {
    /*//////////////////////////////////////////////////////////////
                        INTERNAL: EXECUTION AND CAPS
    //////////////////////////////////////////////////////////////*/

    /// @dev Judges the batch before any of its calls runs, against the caps as they stand now: refuses calls to a
    ///      capped token that the safe could not measure, records the allowances the batch grants on capped
    ///      tokens, and reads the balance of every capped asset the batch could move (`measured`):
    ///      - none, if every call is a self-call: the safe's own functions move nothing (SECURITY.md §3.9);
    ///      - otherwise the native coin, and each capped token the batch calls;
    ///      - and every capped asset if a call runs other code (a contract that is neither the safe nor a capped
    ///        token called with a measured function): that code acts with the safe as its caller and may move
    ///        any capped token it has power over (an Aave pool burning aTokens, a double-entry token).
    ///      A quarantined token is never read: calling it, or running other code while it is quarantined, is refused.
    ///      A balance that the batch could move but that cannot be read is refused too (fail closed).
    ///      Nothing is allocated that the batch does not need: a batch of self-calls gets two empty arrays (no cap is
    ///      read, none is measured or charged), and the grants array exists only once a call grants an allowance.
    function _inspect(ITreasurySafe.Call[] calldata calls, uint256 capCount)
        internal
        view
        returns (Outflow[] memory flows, Grant[] memory grants, uint256 grantCount)
    {
        // The first call that targets other than the safe: the safe's own functions (setters, cancel, freeze,
        // receive) never move anything.
        uint256 first;
        while (first < calls.length && calls[first].target == address(this)) ++first;
        // A batch of self-calls only is never measured, so no capped asset can block it.
        if (first == calls.length) return (flows, grants, 0);
        flows = new Outflow[](capCount);
        for (uint256 k; k < capCount; ++k) {
            (flows[k].asset, flows[k].quarantined) = (_caps[k].asset, _caps[k].quarantined);
        }
        // The first call that runs other code (calls.length: none).
        uint256 foreign = calls.length;
        for (uint256 i = first; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            // The safe's own functions never move anything.
            if (c.target == address(this)) continue;
            uint256 k = _flowIndex(flows, c.target);
            // slither-disable-next-line incorrect-equality: k == capCount is _flowIndex's 'not a capped asset' sentinel
            if (k == capCount) {
                // Code the safe calls may act on any capped token with the safe as its caller.
                if (foreign == calls.length && c.target.code.length != 0) foreign = i;
                continue;
            }
            // A quarantined token's balance is no longer read, so nothing may call it.
            if (flows[k].quarantined) revert ITreasurySafe.AssetQuarantined(i, c.target);
            flows[k].called = true;
            // Calldata shorter than a selector reaches receive or fallback: selector 0 stands for it.
            bytes4 selector = c.data.length >= 4 ? bytes4(c.data[:4]) : bytes4(0);
            if (selector == APPROVE || selector == INCREASE_ALLOWANCE || selector == INCREASE_APPROVAL) {
                // The spender must be readable to measure what it may pull later.
                if (c.data.length < 68) revert ITreasurySafe.UnmeasurableCall(i, c.target, selector);
                // Allocated at the first grant: at most one per call.
                if (grantCount == 0) grants = new Grant[](calls.length);
                grants[grantCount++] = Grant({flow: k, spender: address(bytes20(c.data[16:36]))});
            } else if (selector != TRANSFER && selector != TRANSFER_FROM && selector != DECREASE_ALLOWANCE) {
                ExtraSelector memory e = _extraSelectors[c.target];
                // Fail closed: any other function may grant or move what the safe does not measure (multicall,
                // permit-style and operator grants, approveAndCall), unless the owners allowed it for this token.
                if (e.from == 0 || block.timestamp < e.from || e.selector != selector) {
                    revert ITreasurySafe.UnmeasurableCall(i, c.target, selector);
                }
                // What it does is the token's own business: it may move other capped assets too.
                if (foreign == calls.length) foreign = i;
            }
        }
        for (uint256 k; k < capCount; ++k) {
            Outflow memory f = flows[k];
            if (f.quarantined) {
                // Other code could move a quarantined token unmeasured: no such batch until its cap is removed.
                if (foreign < calls.length) revert ITreasurySafe.AssetQuarantined(foreign, f.asset);
                continue;
            }
            if (foreign == calls.length && !f.called && f.asset != NATIVE_ASSET) continue;
            f.measured = true;
            bool ok;
            (ok, f.balanceBefore) = _balanceOf(f.asset);
            // The batch could move it, so an unreadable balance is refused.
            if (!ok) revert ITreasurySafe.BalanceUnreadable(f.asset);
        }
    }

    /// @dev Runs the batch. Any failure reverts everything.
    function _runCalls(ITreasurySafe.Call[] calldata calls) internal {
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            // Plain CALL, all remaining gas minus the 1/64 kept: a starved call fails and reverts the batch.
            // Arbitrary target and value by design: the queued batch, which M owners approved and whose delay passed.
            (bool ok, bytes memory ret) = c.target.call{value: c.value}(c.data);
            bytes4 selector = c.data.length >= 4 ? bytes4(c.data[:4]) : bytes4(0);
            if (!ok || _tokenCallFailed(selector, c.target, ret)) {
                revert ITreasurySafe.CallFailed(i, c.target, ret);
            }
        }
    }

    /// @dev Charges each measured asset's outflow against its cap, as it stands after the batch. That is never
    ///      looser than before it: within a batch a cap only tightens (setCap with the same period and a limit no
    ///      higher); every loosening is scheduled a full period ahead (F-2).
    function _chargeCaps(Outflow[] memory flows, Grant[] memory grants, uint256 grantCount) internal {
        for (uint256 k; k < flows.length; ++k) {
            Outflow memory f = flows[k];
            if (!f.measured) continue;
            (bool ok, uint256 balanceAfter) = _balanceOf(f.asset);
            // The batch could have moved it, so an unreadable balance is refused.
            if (!ok) revert ITreasurySafe.BalanceUnreadable(f.asset);
            uint256 amount = f.balanceBefore > balanceAfter ? f.balanceBefore - balanceAfter : 0;
            amount = _saturatingAdd(amount, _standingAllowances(k, f.asset, grants, grantCount));
            if (amount != 0) _consume(k, f.asset, amount);
        }
    }

    /// @dev Sum of allowances still granted after the batch to spenders the batch approved on `asset`.
    function _standingAllowances(uint256 k, address asset, Grant[] memory grants, uint256 grantCount)
        internal
        view
        returns (uint256 total)
    {
        for (uint256 g; g < grantCount; ++g) {
            if (grants[g].flow != k || _seenBefore(grants, g)) continue;
            (bool ok, uint256 allowance) =
                _readWord(asset, abi.encodeCall(IERC20.allowance, (address(this), grants[g].spender)));
            // An allowance that cannot be read cannot be bounded.
            if (!ok) revert ITreasurySafe.BalanceUnreadable(asset);
            total = _saturatingAdd(total, allowance);
        }
    }

    /// @dev `a + b`, or type(uint256).max when that overflows: an unlimited allowance is then refused with
    ///      CapExceeded like any other amount above the cap, instead of an arithmetic panic.
    function _saturatingAdd(uint256 a, uint256 b) internal pure returns (uint256) {
        // Unchecked on purpose: a wrapped sum is smaller than `a`, and that is exactly the overflow test.
        unchecked {
            uint256 sum = a + b;
            return sum < a ? type(uint256).max : sum;
        }
    }

    function _seenBefore(Grant[] memory grants, uint256 g) internal pure returns (bool) {
        for (uint256 h; h < g; ++h) {
            // slither-disable-next-line incorrect-equality: same (cap index, spender) pair, not a balance
            if (grants[h].flow == grants[g].flow && grants[h].spender == grants[g].spender) return true;
        }
        return false;
    }

    /// @dev Records `amount` against cap `k` (of `asset`) or reverts with what is left. A cap keeps its index for
    ///      the whole batch: caps are removed only by _settleCaps, before the batch, and added at the end.
    function _consume(uint256 k, address asset, uint256 amount) internal {
        Cap storage cap = _caps[k];
        (uint128 limit, uint96 lanes, uint64 head) = (cap.limit, cap.lanes, cap.head);
        uint64 nowIndex = RollingCap.indexAt(cap.period, block.timestamp);
        uint256 free = RollingCap.FULL - RollingCap.usedUnits(lanes, head, nowIndex);
        uint256 left = RollingCap.toAmount(free, limit);
        // The rolling bound: over any window of the cap's period, at most its limit leaves. Compared in
        // amounts, not units, so any amount (even type(uint256).max) is refused before it is converted:
        // amount > ⌊free·C/FULL⌋ exactly when ⌈amount·FULL/C⌉ > free, so the two tests agree.
        if (amount > left) revert ITreasurySafe.CapExceeded(asset, amount, left);
        uint256 units = RollingCap.toUnits(amount, limit);
        (lanes, head) = RollingCap.record(lanes, head, nowIndex, units);
        // Lanes and head share the limit's slot: one write.
        (cap.lanes, cap.head) = (lanes, uint32(head));
        emit ITreasurySafe.CapConsumed(asset, amount, RollingCap.toAmount(free - units, limit));
    }

    function _balanceOf(address asset) internal view returns (bool, uint256) {
        if (asset == NATIVE_ASSET) return (true, address(this).balance);
        return _readWord(asset, abi.encodeCall(IERC20.balanceOf, (address(this))));
    }

    /// @dev A token read that a hostile token cannot turn into an out-of-gas for every execute:
    ///      bounded gas, and at most one word copied back (no "return bomb"). A failed, short or
    ///      starved read returns ok = false, and callers refuse the batch.
    function _readWord(address token, bytes memory query) internal view returns (bool ok, uint256 word) {
        assembly ("memory-safe") {
            // Scratch space (0x00-0x3f) receives the answer: memory is never grown by the reply.
            ok := staticcall(TOKEN_READ_GAS, token, add(query, 0x20), mload(query), 0x00, 0x20)
            // A reply shorter than one word is not a balance.
            ok := and(ok, gt(returndatasize(), 0x1f))
            word := mload(0x00)
        }
    }

    /// @dev SafeERC20's judgement for token calls: no code, a short answer or anything but `true` is failure.
    function _tokenCallFailed(bytes4 selector, address target, bytes memory ret)
        internal
        view
        returns (bool)
    {
        if (
            selector != TRANSFER && selector != TRANSFER_FROM && selector != APPROVE
                && selector != INCREASE_ALLOWANCE && selector != INCREASE_APPROVAL
        ) return false;
        if (ret.length == 0) return target.code.length == 0;
        return ret.length < 32 || abi.decode(ret, (uint256)) != 1;
    }

    function _flowIndex(Outflow[] memory flows, address target) internal pure returns (uint256) {
        for (uint256 k; k < flows.length; ++k) {
            if (flows[k].asset == target) return k;
        }
        return flows.length;
    }

    function _findCap(Config memory cfg, address asset) internal view returns (uint256) {
        for (uint256 i; i < cfg.capCount; ++i) {
            if (_caps[i].asset == asset) return i;
        }
        return cfg.capCount;
    }

    /// @dev The index of `asset`'s cap, or revert.
    function _capIndex(address asset) internal view returns (uint256 i) {
        Config memory cfg = _loadConfig();
        i = _findCap(cfg, asset);
        // The change must concern a cap that exists.
        // slither-disable-next-line incorrect-equality: i == capCount is _findCap's 'not found' sentinel, not a balance
        if (i == cfg.capCount) revert ITreasurySafe.CapNotFound(asset);
    }

    function _addCap(Config memory cfg, address asset, uint128 limit, uint32 period) internal {
        // Every capped asset is measured on every execute; the list is bounded.
        if (cfg.capCount >= MAX_CAPS) revert ITreasurySafe.TooManyCaps(MAX_CAPS);
        // A free entry is all zero (never used, or deleted by _settleCaps): only the non-zero fields are written.
        Cap storage cap = _caps[cfg.capCount];
        (cap.asset, cap.period, cap.head, cap.limit) =
        (asset, period, uint32(RollingCap.indexAt(period, block.timestamp)), limit);
        ++cfg.capCount;
        emit ITreasurySafe.CapSet(asset, limit, period);
    }

    /// @dev Schedules a loosening of `cap` (limit 0: its removal) to take effect one period of the cap in force
    ///      from now. Until then that cap keeps counting and binding every batch (F-2); a later setCap replaces
    ///      the schedule.
    function _schedule(Cap storage cap, uint128 limit, uint32 period) internal {
        uint64 at = uint64(block.timestamp) + cap.period;
        (cap.scheduled, cap.nextLimit, cap.nextPeriod, cap.nextAt) = (true, limit, period, at);
        emit ITreasurySafe.CapChangeScheduled(cap.asset, limit, period, at);
    }

    /// @dev Puts in storage the scheduled cap changes whose time has come (removals included).
    function _settleCaps(Config memory cfg) internal {
        uint256 count = cfg.capCount;
        uint256 i;
        while (i < cfg.capCount) {
            Cap storage cap = _caps[i];
            // Nothing scheduled, or not yet: the cap stays as it is.
            if (!cap.scheduled || block.timestamp < cap.nextAt) {
                ++i;
            } else if (cap.nextLimit == 0) {
                emit ITreasurySafe.CapRemoved(cap.asset);
                // An uncapped asset keeps no policy: capping it again starts from the measured functions only.
                delete _extraSelectors[cap.asset];
                // The last cap moves to index i, which is looked at again.
                uint256 last = cfg.capCount - 1;
                if (i != last) _caps[i] = _caps[last];
                delete _caps[last];
                cfg.capCount = uint8(last);
            } else {
                Cap memory c = _rebased(cap, cap.nextLimit, cap.nextPeriod);
                _caps[i] = c;
                emit ITreasurySafe.CapSet(c.asset, c.limit, c.period);
                ++i;
            }
        }
        if (cfg.capCount != count) _storeConfig(cfg);
    }

    /// @dev `c` with a new limit and period in force now, nothing scheduled, carrying what its window still
    ///      counts (rounded up, plus one base unit, capped at the full limit) into the current sub-period, so a
    ///      change never frees capacity early.
    function _rebased(Cap memory c, uint128 limit, uint32 period) internal view returns (Cap memory) {
        uint256 usedUnits =
            RollingCap.usedUnits(c.lanes, c.head, RollingCap.indexAt(c.period, block.timestamp));
        // slither-disable-next-line incorrect-equality: unit count of past spends (0: no round-up carry)
        uint256 usedAmount = RollingCap.toAmount(usedUnits, c.limit) + (usedUnits == 0 ? 0 : 1);
        uint256 carried = RollingCap.toUnits(usedAmount, limit);
        if (carried > RollingCap.FULL) carried = RollingCap.FULL;
        uint64 head = RollingCap.indexAt(period, block.timestamp);
        // slither-disable-next-line unused-return: record(0, head, head, ..) returns `head` as the new head
        (uint96 lanes,) = RollingCap.record(0, head, head, carried);
        return Cap({
            asset: c.asset,
            period: period,
            head: uint32(head),
            scheduled: false,
            quarantined: c.quarantined,
            limit: limit,
            lanes: lanes,
            nextLimit: 0,
            nextPeriod: 0,
            nextAt: 0
        });
    }
}
