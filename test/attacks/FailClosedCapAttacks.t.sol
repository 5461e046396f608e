// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {LyingToken} from "../mocks/LyingToken.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {MulticallToken} from "../mocks/MulticallToken.sol";
import {Counter} from "../mocks/Targets.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice ATTACKS.md rows #29 (a cap that bricks the safe), #30 (allowance through an uncounted route) and #31 (a
///         guardian made permanent): findings F-10 to F-14. Each test fails on the code before its fix.
contract FailClosedCapAttacksTest is SafeUnitBase {
    uint128 internal constant TOKEN_CAP = 100e18;

    address internal attacker = makeAddr("attacker");

    /// @dev A lying token, capped at TOKEN_CAP per day on the fast track, then turned against the safe.
    function _cappedLiar() internal returns (LyingToken liar) {
        liar = new LyingToken();
        liar.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(liar), TOKEN_CAP, 1 days)));
        liar.lieAbout(safe);
    }

    /*//////////////////////////////////////////////////////////////
                  #29 A CAP THAT BRICKS THE SAFE
    //////////////////////////////////////////////////////////////*/

    /// @notice #29 (F-10): a cap on the safe's own address (fast-trackable: a cap on a new asset) or on an address
    ///         without code is refused with InvalidCap, so no batch can make every self-call unmeasurable.
    function test_Attack29_CapOnTheSafeItselfIsRefused() public {
        bytes memory selfCap = abi.encodeCall(ITreasurySafe.setCap, (address(safe), 1, 1 hours));
        (, uint64 eta) = _prepareSelf(selfCap);
        assertEq(eta, _now(), "a cap on a new asset is fast-tracked");
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, address(safe), 1, 1 hours)
            )
        );
        _go();

        address noCode = makeAddr("noCode");
        _prepareSelf(abi.encodeCall(ITreasurySafe.setCap, (noCode, 1, 1 hours)));
        vm.expectRevert(
            _callFailed(
                0,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, noCode, 1, 1 hours)
            )
        );
        _go();
        assertEq(safe.getConfig().caps.length, 1);

        // The owners' governance works as before: a guardian removal runs after the delay.
        _queueAndExecute(_selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian))), SALT);
        assertFalse(safe.isGuardian(guardian));
    }

    /// @notice #29 (F-12): a capped token whose `balanceOf` lies (cheap, one word, lower whenever the safe's state
    ///         moves) cannot veto a batch that does not call it: an unrelated 1 ether transfer runs.
    function test_Attack29_LyingTokenCannotBlockUnrelatedTransfer() public {
        LyingToken liar = _cappedLiar();
        _prepare(_ethTransfer(recipient, 1 ether), bytes32("eth"));
        _go();
        assertEq(recipient.balance, 1 ether);
        assertEq(safe.remainingCap(address(liar)), TOKEN_CAP);
    }

    /// @notice #29 (F-13): the same token cannot veto its own removal, nor a guardian removal: batches of self-calls
    ///         are never measured. The removal takes effect a period later, as for any cap.
    function test_Attack29_LyingTokenCannotBlockItsRemovalOrGuardianRemoval() public {
        LyingToken liar = _cappedLiar();
        _prepareSelf(abi.encodeCall(ITreasurySafe.removeCap, (address(liar))));
        _go();
        (,, uint64 removalAt) = safe.scheduledCapChange(address(liar));
        assertEq(removalAt, _now() + 1 days);

        _prepareSelf(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        _go();
        assertFalse(safe.isGuardian(guardian));

        vm.warp(removalAt);
        assertEq(safe.remainingCap(address(liar)), type(uint256).max);
    }

    /// @notice #29: the owners stop reading a hostile token at once, with a change at least as strict. Before, the
    ///         liar vetoes a batch that calls other code (the safe must measure every capped token across such a
    ///         batch). A fast-tracked `quarantine` stops every read of it; batches that could move it (that call it,
    ///         or call other code) are refused outright; the rest runs; removing its cap ends the quarantine.
    function test_Attack29_QuarantineStopsAHostileTokenAtOnce() public {
        LyingToken liar = _cappedLiar();
        Counter counter = new Counter();
        ITreasurySafe.Call[] memory bump = _one(address(counter), 1 ether, abi.encodeCall(Counter.bump, ()));
        (bytes32 bumpId,) = _prepare(bump, bytes32("bump"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(liar), 1e24, TOKEN_CAP)
        );
        _go();

        _fastTrack(abi.encodeCall(ITreasurySafe.quarantine, (address(liar))));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AssetQuarantined.selector, 0, address(liar)));
        safe.execute(bump, bytes32("bump"), 0);
        _prepare(_one(address(liar), 0, abi.encodeCall(LyingToken.transfer, (recipient, 1))), bytes32("call"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AssetQuarantined.selector, 0, address(liar)));
        _go();

        // What cannot move it runs, and reads nothing of it.
        _prepare(_ethTransfer(recipient, 1 ether), bytes32("eth"));
        vm.expectCall(address(liar), abi.encodeCall(LyingToken.balanceOf, (address(safe))), 0);
        _go();
        assertEq(recipient.balance, 1 ether);

        // Removing its cap (self-calls only) ends it after the delay and a period; the vetoed batch then runs.
        _queueAndExecute(
            _selfCall(abi.encodeCall(ITreasurySafe.removeCap, (address(liar)))), bytes32("uncap")
        );
        vm.warp(_now() + 1 days);
        safe.execute(bump, bytes32("bump"), 0);
        _assertState(bumpId, ITreasurySafe.ProposalState.Executed);
        assertEq(counter.count(), 1);
    }

    /*//////////////////////////////////////////////////////////////
             #30 ALLOWANCE THROUGH AN UNCOUNTED ROUTE
    //////////////////////////////////////////////////////////////*/

    /// @notice #30 (F-14): `token.multicall([approve(thief, 1000)])` on a capped token is refused before any call
    ///         runs (UnmeasurableCall with the multicall selector), so no uncharged allowance can be granted.
    function test_Attack30_MulticallGrantOnCappedTokenRefused() public {
        MulticallToken token = new MulticallToken();
        token.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP, 1 days)));
        address thief = makeAddr("thief");
        bytes[] memory inner = new bytes[](1);
        inner[0] = abi.encodeCall(MockERC20.approve, (thief, 1000e18));
        _prepare(_one(address(token), 0, abi.encodeCall(MulticallToken.multicall, (inner))), SALT);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.UnmeasurableCall.selector, 0, address(token), MulticallToken.multicall.selector
            )
        );
        _go();
        assertEq(token.allowance(address(safe), thief), 0);
        vm.prank(thief);
        vm.expectRevert();
        token.transferFrom(address(safe), thief, 1000e18);
        assertEq(token.balanceOf(address(safe)), 1000e18);
    }

    /*//////////////////////////////////////////////////////////////
                   #31 A GUARDIAN MADE PERMANENT
    //////////////////////////////////////////////////////////////*/

    /// @notice #31 (F-11): the blind-signed fast-track batch `[addGuardian(attacker), setCap(safe, 1, 1 hours)]` is
    ///         refused as a whole; and when an earlier batch caps a hostile token instead, the owners' guardian
    ///         removal still executes after the delay, and the rogue guardian cannot cancel it.
    function test_Attack31_BlindSignedBatchCannotMakeAGuardianPermanent() public {
        ITreasurySafe.Call[] memory blind = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.addGuardian, (attacker))),
            _selfCall(abi.encodeCall(ITreasurySafe.setCap, (address(safe), 1, 1 hours)))
        );
        (, uint64 eta) = _prepare(blind, bytes32("blind"));
        assertEq(eta, _now(), "all tightening: fast-tracked");
        vm.expectRevert(
            _callFailed(
                1,
                address(safe),
                abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, address(safe), 1, 1 hours)
            )
        );
        _go();
        assertFalse(safe.isGuardian(attacker));

        // The same with a hostile token: the batch runs, the owners remove the rogue guardian after the delay.
        LyingToken liar = new LyingToken();
        liar.mint(address(safe), 1000e18);
        _queueAndExecute(
            _two(
                _selfCall(abi.encodeCall(ITreasurySafe.addGuardian, (attacker))),
                _selfCall(abi.encodeCall(ITreasurySafe.setCap, (address(liar), 1, 1 hours)))
            ),
            bytes32("blind2")
        );
        liar.lieAbout(safe);
        assertTrue(safe.isGuardian(attacker));
        uint256 queuedAt = _now();
        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (attacker)));
        (bytes32 removalId, uint64 removalEta) = _queue(removal, bytes32("removal"));
        assertEq(removalEta, queuedAt + DELAY);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, removalId));
        safe.cancel(removalId);
        vm.warp(removalEta);
        safe.execute(removal, bytes32("removal"), 0);
        assertFalse(safe.isGuardian(attacker));
    }

    /// @notice #31 with the new setters: the blind-signed fast-track batch `[addGuardian(attacker),
    ///         quarantine(token)]` runs at once, yet the owners' guardian removal (self-calls only, never measured)
    ///         still executes after the delay, and the quarantine stops nothing the owners need to get there.
    function test_Attack31_BlindSignedQuarantineCannotBlockGuardianRemoval() public {
        MockERC20 token = new MockERC20("Token", "TOK", 18);
        token.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP, 1 days)));
        ITreasurySafe.Call[] memory blind = _two(
            _selfCall(abi.encodeCall(ITreasurySafe.addGuardian, (attacker))),
            _selfCall(abi.encodeCall(ITreasurySafe.quarantine, (address(token))))
        );
        (, uint64 eta) = _prepare(blind, bytes32("blind"));
        assertEq(eta, _now(), "all tightening: fast-tracked");
        _go();
        assertTrue(safe.isGuardian(attacker));
        (bool quarantined,,) = safe.callPolicy(address(token));
        assertTrue(quarantined);

        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (attacker)));
        (bytes32 removalId, uint64 removalEta) = _queue(removal, bytes32("removal"));
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, removalId));
        safe.cancel(removalId);
        vm.warp(removalEta);
        safe.execute(removal, bytes32("removal"), 0);
        assertFalse(safe.isGuardian(attacker));
    }

    /// @notice #30 with the new setter: a blind-signed `allowSelector(token, multicall)` is a loosening. It is never
    ///         fast-tracked (a guardian can cancel it while it waits the delay), and once executed the multicall
    ///         stays refused for one more period of the token's cap.
    function test_Attack30_AllowingMulticallWaitsTheDelayAndAPeriod() public {
        MulticallToken token = new MulticallToken();
        token.mint(address(safe), 1000e18);
        // A cap period longer than the delay, so the period's wait shows beyond the delay's.
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP, 7 days)));
        ITreasurySafe.Call[] memory allow = _selfCall(
            abi.encodeCall(ITreasurySafe.allowSelector, (address(token), MulticallToken.multicall.selector))
        );
        uint256 queuedAt = _now();
        (, uint64 eta) = _queue(allow, bytes32("allow"));
        assertEq(eta, queuedAt + DELAY, "a loosening waits the delay");
        vm.warp(eta);
        safe.execute(allow, bytes32("allow"), 0);

        bytes[] memory inner = new bytes[](1);
        inner[0] = abi.encodeCall(MockERC20.approve, (makeAddr("thief"), 1000e18));
        ITreasurySafe.Call[] memory grant =
            _one(address(token), 0, abi.encodeCall(MulticallToken.multicall, (inner)));
        (, uint64 grantEta) = _queue(grant, bytes32("grant"));
        vm.warp(grantEta);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.UnmeasurableCall.selector, 0, address(token), MulticallToken.multicall.selector
            )
        );
        safe.execute(grant, bytes32("grant"), 0);
        (, bytes4 selector, uint64 from) = safe.callPolicy(address(token));
        assertEq(selector, MulticallToken.multicall.selector);
        assertEq(uint256(from), uint256(eta) + 7 days, "in force one cap period after it ran");
    }
}
