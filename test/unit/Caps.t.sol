// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {Counter} from "../mocks/Targets.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice Withdrawal caps: charging in execute, setCap, removeCap and the cap views.
/// execute on capped assets
/// ├── it charges the balance decrease of each capped asset across the whole batch (CapConsumed)
/// ├── when the decrease exceeds what is left: it reverts CapExceeded(asset, wanted, left)
/// ├── approve / increaseAllowance / increaseApproval on a capped token: the allowance standing after the
/// │   batch is charged in full (approve + transferFrom in the same batch: counted once)
/// └── authorizeOperator / setApprovalForAll / short allowance calldata on a capped token:
///     it reverts UnmeasurableCall(index, token, selector)
/// setCap: new asset or tighter (limit not up, same period) on the fast track, usage carried over
/// (never frees capacity early); looser (a higher limit or any other period) only after the delay;
/// InvalidCap / TooManyCaps
/// removeCap: always waits the delay, then a period of the cap; CapNotFound
/// a loosening setCap or removeCap is scheduled one period P ahead (CapChangeScheduled, scheduledCapChange):
/// the cap in force binds every batch until then; the first execute after writes it (CapSet, CapRemoved)
/// remainingCap / nextRefillAt: exact, uncapped = type(uint256).max
/// @dev Exact expectations re-derive RollingCap's arithmetic by hand: units are limit / (2^24 - 1),
///      rounded up when charged and down when reported.
contract CapsTest is SafeUnitBase {
    uint256 internal constant FULL = type(uint24).max;
    uint128 internal constant TOKEN_CAP = 100e18;
    MockERC20 internal token;
    address internal spender = makeAddr("spender");

    function setUp() public override {
        super.setUp();
        token = new MockERC20("Token", "TOK", 18);
        token.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP, 1 days)));
    }

    /*//////////////////////////////////////////////////////////////
                         INDEPENDENT ARITHMETIC
    //////////////////////////////////////////////////////////////*/

    function _units(uint256 amount, uint256 limit) internal pure returns (uint256) {
        return (amount * FULL + limit - 1) / limit;
    }

    function _amount(uint256 units, uint256 limit) internal pure returns (uint256) {
        return units * limit / FULL;
    }

    /// @dev What is left after charging `used` (in one or more charges, given as their unit sum).
    function _left(uint256 usedUnits, uint256 limit) internal pure returns (uint256) {
        return _amount(FULL - usedUnits, limit);
    }

    function _tokenCall(bytes memory data) internal view returns (ITreasurySafe.Call[] memory) {
        return _one(address(token), 0, data);
    }

    /*//////////////////////////////////////////////////////////////
                               NATIVE COIN
    //////////////////////////////////////////////////////////////*/

    function test_execute_ChargesEthCap() public {
        _prepare(_ethTransfer(recipient, 4 ether), SALT);
        uint256 left = _left(_units(4 ether, ETH_CAP), ETH_CAP);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(NATIVE, 4 ether, left);
        _go();
        assertEq(safe.remainingCap(NATIVE), left);
    }

    function test_RevertWhen_SecondProposalExceedsWhatIsLeft() public {
        ITreasurySafe.Call[] memory first = _ethTransfer(recipient, 6 ether);
        _queue(first, SALT);
        _prepare(_ethTransfer(recipient, 5 ether), bytes32("2"));
        safe.execute(first, SALT, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.CapExceeded.selector, NATIVE, 5 ether, _left(_units(6 ether, ETH_CAP), ETH_CAP)
            )
        );
        _go();
    }

    function test_RevertWhen_ManyCallsInOneBatchExceedTogether() public {
        ITreasurySafe.Call[] memory c = new ITreasurySafe.Call[](11);
        for (uint256 i; i < 11; ++i) {
            c[i] = ITreasurySafe.Call({target: recipient, value: 1 ether, data: ""});
        }
        _prepare(c, SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, NATIVE, 11 ether, ETH_CAP));
        _go();
    }

    function test_execute_ExactlyTheCapPasses() public {
        _queueAndExecute(_ethTransfer(recipient, ETH_CAP), SALT);
        assertEq(safe.remainingCap(NATIVE), 0);
    }

    /*//////////////////////////////////////////////////////////////
                                 ERC-20
    //////////////////////////////////////////////////////////////*/

    function test_execute_ChargesTokenTransfer() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.transfer, (recipient, 60e18))), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 60e18, _left(_units(60e18, TOKEN_CAP), TOKEN_CAP));
        _go();
        assertEq(token.balanceOf(recipient), 60e18);
    }

    function test_RevertWhen_TokenTransferExceedsCap() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.transfer, (recipient, 101e18))), SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 101e18, TOKEN_CAP)
        );
        _go();
    }

    function test_execute_ApproveChargedAsStandingAllowance() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.approve, (spender, 30e18))), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 30e18, _left(_units(30e18, TOKEN_CAP), TOKEN_CAP));
        _go();
        // The spender may pull later, outside any batch: it was charged when granted.
        vm.prank(spender);
        token.transferFrom(address(safe), spender, 30e18);
        assertEq(safe.remainingCap(address(token)), _left(_units(30e18, TOKEN_CAP), TOKEN_CAP));
    }

    function test_RevertWhen_ApproveExceedsCap() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.approve, (spender, 100e18 + 1))), SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 100e18 + 1, TOKEN_CAP)
        );
        _go();
    }

    function test_execute_ApproveThenTransferFromCountedOnce() public {
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (address(safe), 30e18))),
            _tokenCall(abi.encodeCall(MockERC20.transferFrom, (address(safe), recipient, 30e18)))
        );
        _prepare(c, SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 30e18, _left(_units(30e18, TOKEN_CAP), TOKEN_CAP));
        _go();
        assertEq(token.balanceOf(recipient), 30e18);
    }

    function test_execute_PartlyPulledAllowanceCountsPullPlusRest() public {
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (address(safe), 50e18))),
            _tokenCall(abi.encodeCall(MockERC20.transferFrom, (address(safe), recipient, 20e18)))
        );
        _prepare(c, SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 50e18, _left(_units(50e18, TOKEN_CAP), TOKEN_CAP));
        _go();
    }

    function test_execute_SameSpenderApprovedTwiceCountsWhatStands() public {
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 30e18))),
            _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 10e18)))
        );
        _prepare(c, SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 10e18, _left(_units(10e18, TOKEN_CAP), TOKEN_CAP));
        _go();
    }

    /// Allowances to two spenders, on one token, are both charged (each alone is within the cap, their sum is not):
    /// only the same spender on the same token is counted once.
    function test_RevertWhen_AllowancesToTwoSpendersTogetherExceedTheCap() public {
        address other = makeAddr("otherSpender");
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 60e18))),
            _tokenCall(abi.encodeCall(MockERC20.approve, (other, 60e18)))
        );
        _prepare(c, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(token), 120e18, TOKEN_CAP)
        );
        _go();
    }

    /// One spender approved on two capped tokens: each token's cap is charged its own allowance.
    function test_execute_OneSpenderOnTwoTokensChargesBoth() public {
        MockERC20 second = new MockERC20("Second", "SND", 18);
        second.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(second), TOKEN_CAP, 1 days)));
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 30e18))),
            _one(address(second), 0, abi.encodeCall(MockERC20.approve, (spender, 40e18)))
        );
        _prepare(c, SALT);
        _go();
        assertEq(safe.remainingCap(address(token)), _left(_units(30e18, TOKEN_CAP), TOKEN_CAP), "first token");
        assertEq(
            safe.remainingCap(address(second)), _left(_units(40e18, TOKEN_CAP), TOKEN_CAP), "second token"
        );
    }

    /// @notice F-7: an unlimited allowance on a capped token is refused with the cap's own error, not an
    ///         arithmetic panic, however small the cap (here below FULL = 2^24 - 1 base units, where a
    ///         unit is more than one base unit and converting the amount to units would overflow) and whatever
    ///         else moved.
    function test_RevertWhen_UnlimitedApproveOnCappedToken() public {
        MockERC20 usd = new MockERC20("USD", "USD", 6);
        usd.mint(address(safe), 1_000_000e6);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(usd), 10e6, 1 days)));
        uint256 max = type(uint256).max;
        _prepare(_one(address(usd), 0, abi.encodeCall(MockERC20.approve, (spender, max))), bytes32("max"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(usd), max, 10e6));
        _go();
        // A transfer plus an unlimited allowance: the sum saturates at type(uint256).max.
        ITreasurySafe.Call[] memory both = _two(
            _one(address(usd), 0, abi.encodeCall(MockERC20.transfer, (recipient, 1))),
            _one(address(usd), 0, abi.encodeCall(MockERC20.approve, (spender, max)))
        );
        _prepare(both, bytes32("both"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(usd), max, 10e6));
        _go();
        // Two unlimited allowances to different spenders: same.
        ITreasurySafe.Call[] memory two = _two(
            _one(address(usd), 0, abi.encodeCall(MockERC20.approve, (spender, max))),
            _one(address(usd), 0, abi.encodeCall(MockERC20.approve, (recipient, max)))
        );
        _prepare(two, bytes32("two"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(usd), max, 10e6));
        _go();
    }

    function test_execute_IncreaseAllowanceCharged() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.increaseAllowance, (spender, 25e18))), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 25e18, _left(_units(25e18, TOKEN_CAP), TOKEN_CAP));
        _go();
    }

    function test_execute_IncreaseApprovalCharged() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.increaseApproval, (spender, 25e18))), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 25e18, _left(_units(25e18, TOKEN_CAP), TOKEN_CAP));
        _go();
    }

    function test_execute_RegrantChargesTheWholeStandingAllowanceAgain() public {
        // Conservative by design: a later grant to the same spender counts everything standing after it.
        ITreasurySafe.Call[] memory first = _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 30e18)));
        _queue(first, SALT);
        _prepare(_tokenCall(abi.encodeCall(MockERC20.increaseAllowance, (spender, 10e18))), bytes32("2"));
        safe.execute(first, SALT, 0);
        uint256 used = _units(30e18, TOKEN_CAP) + _units(40e18, TOKEN_CAP);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapConsumed(address(token), 40e18, _left(used, TOKEN_CAP));
        _go();
    }

    function test_execute_RevokingAnAllowanceChargesNothing() public {
        _queueAndExecute(_tokenCall(abi.encodeCall(MockERC20.approve, (spender, 0))), SALT);
        assertEq(safe.remainingCap(address(token)), TOKEN_CAP);
    }

    function test_RevertWhen_SetApprovalForAllOnCappedToken() public {
        bytes4 sel = bytes4(keccak256("setApprovalForAll(address,bool)"));
        _prepare(_tokenCall(abi.encodeWithSelector(sel, spender, true)), SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, 0, address(token), sel)
        );
        _go();
    }

    function test_RevertWhen_AuthorizeOperatorOnCappedToken() public {
        bytes4 sel = bytes4(keccak256("authorizeOperator(address)"));
        ITreasurySafe.Call[] memory c =
            _two(_ethTransfer(recipient, 1), _tokenCall(abi.encodeWithSelector(sel, spender)));
        _prepare(c, SALT);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, 1, address(token), sel)
        );
        _go();
    }

    function test_RevertWhen_ApproveCalldataTooShort() public {
        bytes memory data = abi.encodePacked(MockERC20.approve.selector, bytes32(uint256(uint160(spender))));
        _prepare(_tokenCall(data), SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.UnmeasurableCall.selector, 0, address(token), MockERC20.approve.selector
            )
        );
        _go();
    }

    function test_execute_UncappedTokenIsUnrestricted() public {
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        other.mint(address(safe), 1e30);
        assertEq(safe.remainingCap(address(other)), type(uint256).max);
        _queueAndExecute(_one(address(other), 0, abi.encodeCall(MockERC20.transfer, (recipient, 1e30))), SALT);
        assertEq(other.balanceOf(recipient), 1e30);
    }

    /*//////////////////////////////////////////////////////////////
                                 SETCAP
    //////////////////////////////////////////////////////////////*/

    function test_setCap_NewAssetOnFastTrack() public {
        address asset = address(new MockERC20("Asset", "AST", 18));
        _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (asset, 5, 2 days)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapSet(asset, 5, 2 days);
        vm.recordLogs();
        _go();
        assertEq(safe.remainingCap(asset), 5);
        assertEq(safe.getConfig().caps.length, 3);
        // Said once: watchers count CapSet events as changes.
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 said;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(safe) && logs[i].topics[0] == ITreasurySafe.CapSet.selector) {
                ++said;
            }
        }
        assertEq(said, 1, "one CapSet");
    }

    function test_setCap_LowerOnFastTrackCarriesUsage() public {
        _queueAndExecute(_ethTransfer(recipient, 4 ether), SALT);
        _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, CAP_PERIOD)));
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapSet(NATIVE, 5 ether, CAP_PERIOD);
        _go();
        // Carried: what the old window counted (read back rounded down, plus 1 wei), in new units.
        uint256 carried = _units(_amount(_units(4 ether, ETH_CAP), ETH_CAP) + 1, 5 ether);
        assertEq(safe.remainingCap(NATIVE), _left(carried, 5 ether));
        assertLe(safe.remainingCap(NATIVE), 1 ether);
        assertEq(safe.getConfig().caps[0].limit, 5 ether);
    }

    function test_setCap_CarryOverNeverFreesCapacityEarly() public {
        uint256 t0 = _now();
        _queueAndExecute(_ethTransfer(recipient, ETH_CAP), SALT);
        // Later in the same window: tighten the limit over the same period.
        vm.warp(_now() + 20 hours);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 8 ether, CAP_PERIOD)));
        assertEq(safe.remainingCap(NATIVE), 0);
        // One old period after the spend, the old cap could have refilled; the new one has not.
        vm.warp(t0 + DELAY + CAP_PERIOD + 8 hours);
        assertEq(safe.remainingCap(NATIVE), 0);
    }

    function test_setCap_LowerBelowUsageLeavesNothing() public {
        _queueAndExecute(_ethTransfer(recipient, 8 ether), SALT);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, CAP_PERIOD)));
        assertEq(safe.remainingCap(NATIVE), 0);
    }

    /// @dev Queues setCap `queued` while it tightens (fast-tracked), tightens further with `tighter`, then
    ///      expects `queued` to be refused as loosening when it runs.
    function _expectCapLoosening(bytes memory queued, bytes memory tighter) internal {
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepare(_selfCall(queued), keccak256(queued));
        assertEq(eta, queuedAt, "tightening when queued: fast-tracked");
        _fastTrack(tighter);
        vm.expectRevert(_looseningFailed(0, ITreasurySafe.setCap.selector));
        _go();
    }

    function test_setCap_RaiseOnFastTrackRefused() public {
        _expectCapLoosening(
            abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 8 ether, CAP_PERIOD)),
            abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, CAP_PERIOD))
        );
    }

    /// @notice F-9: a fast-tracked setCap that kept the period when queued is refused if the period has changed
    ///         by the time it runs (any period change is a loosening).
    function test_setCap_PeriodChangeOnFastTrackRefused() public {
        bytes memory lower = abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 5 ether, CAP_PERIOD));
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepare(_selfCall(lower), keccak256(lower));
        assertEq(eta, queuedAt, "tightening when queued: fast-tracked");
        // Meanwhile a delayed batch changes the period.
        _queueAndExecute(_selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, 2 days))), SALT);
        vm.warp(_now() + CAP_PERIOD);
        assertEq(safe.getConfig().caps[0].period, 2 days);
        vm.expectRevert(_looseningFailed(0, ITreasurySafe.setCap.selector));
        _go();
    }

    function test_setCap_LongerPeriodWaitsTheDelay() public {
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, 2 days)));
        assertEq(eta, queuedAt + DELAY);
    }

    function test_setCap_RaiseWaitsTheDelayThenAPeriod() public {
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 20 ether, CAP_PERIOD)));
        assertEq(eta, queuedAt + DELAY);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapChangeScheduled(NATIVE, 20 ether, CAP_PERIOD, eta + CAP_PERIOD);
        _go();
        (uint128 limit, uint32 period, uint64 at) = safe.scheduledCapChange(NATIVE);
        assertEq(limit, 20 ether);
        assertEq(period, CAP_PERIOD);
        assertEq(at, eta + CAP_PERIOD);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        assertEq(safe.getConfig().caps[0].limit, ETH_CAP);
        vm.warp(eta + CAP_PERIOD);
        assertEq(safe.remainingCap(NATIVE), 20 ether);
        assertEq(safe.getConfig().caps[0].limit, 20 ether);
        (limit, period, at) = safe.scheduledCapChange(NATIVE);
        assertEq(limit, 0);
        assertEq(at, 0);
        // The first execute from then on writes it down and says so.
        _prepare(_ethTransfer(recipient, 15 ether), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapSet(NATIVE, 20 ether, CAP_PERIOD);
        _go();
        assertEq(recipient.balance, 15 ether);
    }

    function test_setCap_TighteningDropsAScheduledLoosening() public {
        _queueAndExecute(
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 20 ether, CAP_PERIOD))), SALT
        );
        (,, uint64 at) = safe.scheduledCapChange(NATIVE);
        assertGt(at, 0);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, CAP_PERIOD)));
        (,, at) = safe.scheduledCapChange(NATIVE);
        assertEq(at, 0);
        vm.warp(_now() + 10 * CAP_PERIOD);
        assertEq(safe.getConfig().caps[0].limit, ETH_CAP);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
    }

    /// A raise whose time has come is the cap in force before any execute writes it: a change below the raised limit
    /// tightens that cap and is fast-tracked, and the safe agrees when it runs.
    function test_setCap_TighteningJudgedAgainstARaiseInForceButNotYetWritten() public {
        _queueAndExecute(
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 20 ether, CAP_PERIOD))), SALT
        );
        (,, uint64 at) = safe.scheduledCapChange(NATIVE);
        vm.warp(at);
        bytes32 id = _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 15 ether, CAP_PERIOD)));
        assertTrue(safe.getProposal(id).fastTrack, "below the limit in force");
        assertEq(safe.getConfig().caps[0].limit, 15 ether);
    }

    function test_setCap_ShorterPeriodTakesEffectAPeriodLater() public {
        ITreasurySafe.Call[] memory change =
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, ETH_CAP, 2 hours)));
        ITreasurySafe.Call[] memory spend = _ethTransfer(recipient, ETH_CAP);
        (, uint64 eta) = _queue(change, SALT);
        _queue(spend, bytes32("spend"));
        vm.warp(eta);
        safe.execute(change, SALT, 0);
        safe.execute(spend, bytes32("spend"), 0);
        // Until one old period after the change ran, the 1-day window still counts the spend…
        vm.warp(eta + CAP_PERIOD - 1);
        assertEq(safe.getConfig().caps[0].period, CAP_PERIOD);
        assertEq(safe.remainingCap(NATIVE), 0);
        // …and the 2-hour cap then starts from what that window counted.
        vm.warp(eta + CAP_PERIOD);
        assertEq(safe.getConfig().caps[0].period, 2 hours);
        assertEq(safe.remainingCap(NATIVE), 0);
        vm.warp(safe.getConfig().caps[0].nextRefillAt);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
    }

    function test_RevertWhen_SetCapInvalid() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 0, CAP_PERIOD)));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, 0, CAP_PERIOD)
            )
        );
        _go();
    }

    function test_RevertWhen_SetCapPeriodOutOfBounds() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (NATIVE, 1 ether, 365 days + 1)));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, 1 ether, 365 days + 1)
            )
        );
        _go();
    }

    /// `n` self-calls capping `n` new assets (0x3000, 0x3001, ...).
    function _newCaps(uint160 n) internal returns (ITreasurySafe.Call[] memory c) {
        c = new ITreasurySafe.Call[](n);
        for (uint160 i; i < n; ++i) {
            // A cap's asset must have code.
            vm.etch(address(0x3000 + i), hex"00");
            c[i] = ITreasurySafe.Call({
                target: address(safe),
                value: 0,
                data: abi.encodeCall(ITreasurySafe.setCap, (address(0x3000 + i), 1, 1 days))
            });
        }
    }

    function test_RevertWhen_SetCapBeyondMaxCaps() public {
        // Two caps exist (ETH and the token); 14 more fit, the 15th call is one too many.
        _prepare(_newCaps(15), SALT);
        vm.expectRevert(
            _callFailed(14, address(safe), abi.encodeWithSelector(ITreasurySafe.TooManyCaps.selector, 16))
        );
        _go();
    }

    /// With every one of the 16 cap slots in use, a batch still runs and is charged: settling the scheduled changes
    /// looks at the slots in use and never past the last one.
    function test_execute_WithEveryCapSlotInUse() public {
        _queueAndExecute(_newCaps(14), "fill");
        assertEq(safe.getConfig().caps.length, 16);
        _queueAndExecute(_ethTransfer(recipient, 1 ether), "spend");
        assertEq(recipient.balance, 1 ether);
        assertEq(safe.remainingCap(NATIVE), _left(_units(1 ether, ETH_CAP), ETH_CAP), "charged");
    }

    /*//////////////////////////////////////////////////////////////
                                REMOVECAP
    //////////////////////////////////////////////////////////////*/

    function test_removeCap_WaitsTheDelayThenAPeriod() public {
        uint256 queuedAt = _now();
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.removeCap, (NATIVE)));
        assertEq(eta, queuedAt + DELAY);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapChangeScheduled(NATIVE, 0, 0, eta + CAP_PERIOD);
        _go();
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        assertEq(safe.getConfig().caps.length, 2);
        vm.warp(eta + CAP_PERIOD);
        assertEq(safe.remainingCap(NATIVE), type(uint256).max);
        assertEq(safe.getConfig().caps.length, 1);
        assertEq(safe.getConfig().caps[0].asset, address(token));
        // The first execute from then on removes it from storage and says so.
        _prepare(_ethTransfer(recipient, 50 ether), SALT);
        vm.expectEmit(true, true, true, true, address(safe));
        emit ITreasurySafe.CapRemoved(NATIVE);
        _go();
        assertEq(recipient.balance, 50 ether);
        assertEq(safe.getConfig().caps.length, 1);
    }

    /// A removed cap leaves its storage entry empty: a cap added later in the same place starts clean (full
    /// capacity, nothing scheduled) and stays.
    function test_removeCap_ACapAddedInItsPlaceStartsCleanAndStays() public {
        _queueAndExecute(_tokenCall(abi.encodeCall(MockERC20.transfer, (recipient, 40e18))), "spend");
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeCap, (address(token))));
        _go();
        (,, uint64 removedAt) = safe.scheduledCapChange(address(token));
        vm.warp(removedAt);
        _queueAndExecute(_ethTransfer(recipient, 1 ether), "settle");
        assertEq(safe.getConfig().caps.length, 1, "removed from storage");
        MockERC20 fresh = new MockERC20("Fresh", "FRS", 18);
        fresh.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(fresh), TOKEN_CAP, 1 days)));
        _queueAndExecute(_ethTransfer(recipient, 1 ether), "after");
        ITreasurySafe.ConfigView memory v = safe.getConfig();
        assertEq(v.caps.length, 2, "still capped");
        assertEq(v.caps[1].asset, address(fresh));
        assertEq(safe.remainingCap(address(fresh)), TOKEN_CAP, "full capacity");
        (uint128 nextLimit, uint32 nextPeriod, uint64 nextAt) = safe.scheduledCapChange(address(fresh));
        assertEq(nextLimit, 0);
        assertEq(nextPeriod, 0);
        assertEq(nextAt, 0, "nothing scheduled");
    }

    /// Once a removal is written the safe counts one cap fewer: no empty entry is left for a batch that runs other
    /// code to measure (an entry without an asset has no balance to read).
    function test_removeCap_OtherCodeRunsOnceTheRemovalIsWritten() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeCap, (address(token))));
        _go();
        (,, uint64 removedAt) = safe.scheduledCapChange(address(token));
        vm.warp(removedAt);
        _queueAndExecute(_ethTransfer(recipient, 1 ether), "settle");
        Counter counter = new Counter();
        _queueAndExecute(_one(address(counter), 0, abi.encodeCall(Counter.bump, ())), "code");
        assertEq(counter.count(), 1);
    }

    function test_RevertWhen_RemoveCapNotFound() public {
        address asset = makeAddr("asset");
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeCap, (asset)));
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.CapNotFound.selector, asset))
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    function test_remainingCap_RefillsAtNextRefillAt() public {
        _queueAndExecute(_ethTransfer(recipient, 4 ether), SALT);
        uint256 spentAt = _now();
        uint256 sub = (uint256(CAP_PERIOD) + 2) / 3;
        uint64 refill = uint64((spentAt / sub + 4) * sub);
        ITreasurySafe.CapView memory v = safe.getConfig().caps[0];
        assertEq(v.nextRefillAt, refill);
        assertEq(v.remaining, safe.remainingCap(NATIVE));
        // Strict: nothing frees before a full period has passed since the spend…
        assertGe(refill, spentAt + CAP_PERIOD);
        vm.warp(refill - 1);
        assertEq(safe.remainingCap(NATIVE), _left(_units(4 ether, ETH_CAP), ETH_CAP));
        // …and everything frees at the refill time.
        vm.warp(refill);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);
        assertEq(safe.getConfig().caps[0].nextRefillAt, 0);
    }

    function test_nextRefillAt_ZeroWhenUnused() public view {
        ITreasurySafe.CapView memory v = safe.getConfig().caps[1];
        assertEq(v.asset, address(token));
        assertEq(v.remaining, TOKEN_CAP);
        assertEq(v.nextRefillAt, 0);
    }

    /// A capped token whose `allowance` cannot be read: what a grant leaves standing cannot be bounded, so the batch
    /// reverts (the grant with it) and stays queued.
    function test_RevertWhen_GrantedAllowanceUnreadableAfterTheBatch() public {
        (bytes32 id,) = _prepare(_tokenCall(abi.encodeCall(MockERC20.approve, (spender, 30e18))), SALT);
        vm.mockCallRevert(address(token), abi.encodeWithSelector(IERC20.allowance.selector), "");
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.BalanceUnreadable.selector, address(token)));
        _go();
        vm.clearMockedCalls();
        _assertState(id, ITreasurySafe.ProposalState.Ready);
        assertEq(token.allowance(address(safe), spender), 0, "the grant was rolled back");
        assertEq(safe.remainingCap(address(token)), TOKEN_CAP, "nothing charged");
        _go();
        assertEq(token.allowance(address(safe), spender), 30e18);
        assertEq(safe.remainingCap(address(token)), _left(_units(30e18, TOKEN_CAP), TOKEN_CAP));
    }
}
