// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {HostileToken} from "../mocks/HostileToken.sol";
import {MockERC20} from "../mocks/MockERC20.sol";
import {ReentrantReceiver} from "../mocks/ReentrantReceiver.sol";
import {RevertingToken} from "../mocks/RevertingToken.sol";
import {Counter} from "../mocks/Targets.sol";
import {WrappedNative} from "../mocks/WrappedNative.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";

/// @notice What a batch may do with a capped token, and which balances a batch reads.
/// execute, before any call runs
/// ├── a call to a capped token with transfer, transferFrom, approve, increaseAllowance, increaseApproval or
/// │   decreaseAllowance: allowed (measured)
/// ├── with any other selector, or calldata shorter than 4 bytes (selector 0): UnmeasurableCall(index, token,
/// │   selector), unless it is the extra selector the owners allowed for the token and it is in force
/// └── a call to a quarantined token, or to other code while a token is quarantined: AssetQuarantined(index, token)
/// balances read: none for a batch of self-calls; the native coin and the capped tokens the batch calls; every
/// capped asset if the batch calls other code; never a quarantined token; an unreadable one: BalanceUnreadable
/// allowSelector: loosening (waits the delay), in force one period later; disallowSelector: fast-tracked
/// quarantine: fast-tracked; InvalidCap for the native coin; CapNotFound for an uncapped asset
contract CallPolicyTest is SafeUnitBase {
    uint128 internal constant TOKEN_CAP = 100e18;
    MockERC20 internal token;
    WrappedNative internal weth;
    address internal spender = makeAddr("spender");

    function setUp() public override {
        super.setUp();
        token = new MockERC20("Token", "TOK", 18);
        token.mint(address(safe), 1000e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP, 1 days)));
        weth = new WrappedNative();
        vm.deal(address(this), 50 ether);
        weth.deposit{value: 50 ether}();
        weth.transfer(address(safe), 50 ether);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(weth), 20 ether, 1 days)));
    }

    function _tokenCall(bytes memory data) internal view returns (ITreasurySafe.Call[] memory) {
        return _one(address(token), 0, data);
    }

    function _withdraw(uint256 amount) internal view returns (ITreasurySafe.Call[] memory) {
        return _one(address(weth), 0, abi.encodeCall(WrappedNative.withdraw, (amount)));
    }

    function _balanceOfSafe() internal view returns (bytes memory) {
        return abi.encodeWithSignature("balanceOf(address)", address(safe));
    }

    function _unmeasurable(uint256 index, address asset, bytes4 selector)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(ITreasurySafe.UnmeasurableCall.selector, index, asset, selector);
    }

    /*//////////////////////////////////////////////////////////////
                         SELECTORS ON CAPPED TOKENS
    //////////////////////////////////////////////////////////////*/

    function test_execute_DecreaseAllowanceOnCappedTokenAllowed() public {
        ITreasurySafe.Call[] memory c = _two(
            _tokenCall(abi.encodeCall(MockERC20.approve, (spender, 50e18))),
            _tokenCall(abi.encodeCall(MockERC20.decreaseAllowance, (spender, 20e18)))
        );
        _queueAndExecute(c, SALT);
        // What stands after the batch is charged.
        assertEq(token.allowance(address(safe), spender), 30e18);
        assertLe(safe.remainingCap(address(token)), 70e18);
        assertGe(safe.remainingCap(address(token)), 70e18 - 2 * _unit(TOKEN_CAP));
    }

    function test_RevertWhen_OtherSelectorOnCappedToken() public {
        ITreasurySafe.Call[] memory c =
            _two(_ethTransfer(recipient, 1), _tokenCall(abi.encodeCall(MockERC20.mint, (spender, 1))));
        _prepare(c, SALT);
        vm.expectRevert(_unmeasurable(1, address(token), MockERC20.mint.selector));
        _go();
        // Nothing ran: the check comes before the first call.
        assertEq(recipient.balance, 0);
    }

    function test_RevertWhen_EmptyCalldataToCappedToken() public {
        _prepare(_one(address(weth), 1 ether, ""), SALT);
        vm.expectRevert(_unmeasurable(0, address(weth), bytes4(0)));
        _go();
        _prepare(_one(address(weth), 0, hex"d0e30d"), bytes32("short"));
        vm.expectRevert(_unmeasurable(0, address(weth), bytes4(0)));
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                        ALLOWSELECTOR, DISALLOWSELECTOR
    //////////////////////////////////////////////////////////////*/

    function test_allowSelector_WaitsTheDelayThenAPeriod() public {
        _prepare(_withdraw(1 ether), bytes32("w"));
        vm.expectRevert(_unmeasurable(0, address(weth), WrappedNative.withdraw.selector));
        _go();

        bytes memory allow =
            abi.encodeCall(ITreasurySafe.allowSelector, (address(weth), WrappedNative.withdraw.selector));
        uint256 queuedAt = _now();
        (bytes32 id, uint64 eta) = _queueSelf(allow, bytes32("allow"));
        assertEq(eta, queuedAt + DELAY, "a loosening waits the delay");
        assertFalse(safe.getProposal(id).fastTrack);
        vm.warp(eta);
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SelectorAllowed(address(weth), WrappedNative.withdraw.selector, eta + 1 days);
        safe.execute(_selfCall(allow), bytes32("allow"), 0);
        (bool quarantined, bytes4 selector, uint64 from) = safe.callPolicy(address(weth));
        assertFalse(quarantined);
        assertEq(selector, WrappedNative.withdraw.selector);
        assertEq(from, eta + 1 days);

        // Not yet in force.
        vm.warp(from - 1);
        vm.expectRevert(_unmeasurable(0, address(weth), WrappedNative.withdraw.selector));
        safe.execute(_withdraw(1 ether), bytes32("w"), 0);

        // In force: the WETH that leaves is charged, the ETH that comes back is an inflow.
        vm.warp(from);
        safe.execute(_withdraw(1 ether), bytes32("w"), 0);
        assertEq(address(safe).balance, 101 ether);
        assertLe(safe.remainingCap(address(weth)), 19 ether);
        assertEq(safe.remainingCap(NATIVE), ETH_CAP);

        // More than the cap still cannot leave through it.
        _prepare(_withdraw(21 ether), bytes32("w2"));
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.CapExceeded.selector, address(weth), 21 ether, 20 ether)
        );
        _go();
    }

    function test_allowSelector_ZeroSelectorAllowsPlainSends() public {
        _queueAndExecute(
            _selfCall(abi.encodeCall(ITreasurySafe.allowSelector, (address(weth), bytes4(0)))), SALT
        );
        vm.warp(_now() + 1 days);
        _queueAndExecute(_one(address(weth), 2 ether, ""), bytes32("wrap"));
        assertEq(weth.balanceOf(address(safe)), 52 ether);
        assertLe(safe.remainingCap(NATIVE), 8 ether);
    }

    function test_disallowSelector_OnFastTrack() public {
        _queueAndExecute(
            _selfCall(
                abi.encodeCall(ITreasurySafe.allowSelector, (address(weth), WrappedNative.withdraw.selector))
            ),
            SALT
        );
        vm.warp(_now() + 1 days);
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.disallowSelector, (address(weth))));
        assertEq(eta, _now(), "fast-tracked");
        // Announced: watchers and the CLI follow the call policy from its events.
        vm.expectEmit(address(safe));
        emit ITreasurySafe.SelectorDisallowed(address(weth));
        _go();
        (,, uint64 from) = safe.callPolicy(address(weth));
        assertEq(from, 0);
        _prepare(_withdraw(1 ether), bytes32("w"));
        vm.expectRevert(_unmeasurable(0, address(weth), WrappedNative.withdraw.selector));
        _go();
    }

    function test_RevertWhen_AllowSelectorOnUncappedAsset() public {
        address other = address(new MockERC20("Other", "OTH", 18));
        _prepareSelf(abi.encodeCall(ITreasurySafe.allowSelector, (other, bytes4(0x12345678))));
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.CapNotFound.selector, other))
        );
        _go();
    }

    function test_removeCap_DropsTheExtraSelector() public {
        _queueAndExecute(
            _selfCall(
                abi.encodeCall(ITreasurySafe.allowSelector, (address(weth), WrappedNative.withdraw.selector))
            ),
            SALT
        );
        _queueAndExecute(_selfCall(abi.encodeCall(ITreasurySafe.removeCap, (address(weth)))), bytes32("rm"));
        vm.warp(_now() + 1 days);
        // The first execute after the removal's time writes it down.
        _queueAndExecute(_ethTransfer(recipient, 1), bytes32("poke"));
        (,, uint64 from) = safe.callPolicy(address(weth));
        assertEq(from, 0);
    }

    /*//////////////////////////////////////////////////////////////
                               QUARANTINE
    //////////////////////////////////////////////////////////////*/

    function test_quarantine_OnFastTrackStopsCallsAndReads() public {
        (, uint64 eta) = _prepareSelf(abi.encodeCall(ITreasurySafe.quarantine, (address(token))));
        assertEq(eta, _now(), "a tightening: fast-tracked");
        vm.expectEmit(address(safe));
        emit ITreasurySafe.CapQuarantined(address(token));
        _go();
        (bool quarantined,,) = safe.callPolicy(address(token));
        assertTrue(quarantined);

        _prepare(_tokenCall(abi.encodeCall(MockERC20.transfer, (recipient, 1))), SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AssetQuarantined.selector, 0, address(token)));
        _go();

        // Other code could move it unmeasured: refused too.
        Counter counter = new Counter();
        _prepare(
            _two(_ethTransfer(recipient, 1), _one(address(counter), 0, abi.encodeCall(Counter.bump, ()))),
            bytes32("bump")
        );
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.AssetQuarantined.selector, 1, address(token)));
        _go();

        // What cannot move it runs, and never reads it.
        _prepare(_one(address(weth), 0, abi.encodeCall(MockERC20.transfer, (recipient, 1))), bytes32("weth"));
        vm.expectCall(address(token), _balanceOfSafe(), 0);
        _go();

        // A tighter setCap keeps it quarantined; removing the cap still works after the delay.
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(token), TOKEN_CAP / 2, 1 days)));
        (quarantined,,) = safe.callPolicy(address(token));
        assertTrue(quarantined);
        _queueAndExecute(_selfCall(abi.encodeCall(ITreasurySafe.removeCap, (address(token)))), bytes32("rm"));
        vm.warp(_now() + 1 days);
        assertEq(safe.remainingCap(address(token)), type(uint256).max);
    }

    function test_RevertWhen_QuarantineNativeOrUncapped() public {
        _prepareSelf(abi.encodeCall(ITreasurySafe.quarantine, (NATIVE)));
        vm.expectRevert(
            _callFailed(
                0, address(safe), abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, 0, 0)
            )
        );
        _go();
        _prepareSelf(abi.encodeCall(ITreasurySafe.quarantine, (spender)));
        vm.expectRevert(
            _callFailed(0, address(safe), abi.encodeWithSelector(ITreasurySafe.CapNotFound.selector, spender))
        );
        _go();
    }

    /*//////////////////////////////////////////////////////////////
                           WHICH BALANCES ARE READ
    //////////////////////////////////////////////////////////////*/

    function test_execute_SelfCallBatchReadsNoBalance() public {
        HostileToken hostile = new HostileToken();
        hostile.mint(address(safe), 1);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(hostile), 1, 1 days)));
        hostile.setMode(HostileToken.Mode.BurnGas);
        _prepareSelf(abi.encodeCall(ITreasurySafe.setDelay, (DELAY + 1)));
        vm.expectCall(address(hostile), _balanceOfSafe(), 0);
        vm.expectCall(address(token), _balanceOfSafe(), 0);
        _go();
        assertEq(safe.getConfig().delay, DELAY + 1);
    }

    /// A capped hostile token turned `mode`, then a batch that runs other code (so every cap is read): refused.
    function _expectUnreadableWhenOtherCodeRuns(HostileToken.Mode mode) internal {
        HostileToken hostile = new HostileToken();
        hostile.mint(address(safe), 1);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(hostile), 1, 1 days)));
        hostile.setMode(mode);
        Counter counter = new Counter();
        _prepare(_one(address(counter), 0, abi.encodeCall(Counter.bump, ())), SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.BalanceUnreadable.selector, address(hostile)));
        _go();
    }

    function test_RevertWhen_UnreadableTokenAndOtherCodeRuns() public {
        _expectUnreadableWhenOtherCodeRuns(HostileToken.Mode.BurnGas);
        // A batch that cannot move it does not read it.
        _queueAndExecute(_ethTransfer(recipient, 1), bytes32("eth"));
        assertEq(recipient.balance, 1);
    }

    /// A balance answered in less than a word (31 bytes) is no balance: the safe never reads what the token left
    /// out of scratch memory.
    function test_RevertWhen_CappedTokenAnswersLessThanAWord() public {
        _expectUnreadableWhenOtherCodeRuns(HostileToken.Mode.Short);
    }

    function test_execute_TransferToAccountWithoutCodeReadsOnlyTheNativeCoin() public {
        _prepare(_ethTransfer(recipient, 1), SALT);
        vm.expectCall(address(token), _balanceOfSafe(), 0);
        vm.expectCall(address(weth), _balanceOfSafe(), 0);
        _go();
    }

    function test_execute_TokenTransferReadsThatTokenOnly() public {
        _prepare(_tokenCall(abi.encodeCall(MockERC20.transfer, (recipient, 1))), SALT);
        vm.expectCall(address(token), _balanceOfSafe(), 2);
        vm.expectCall(address(weth), _balanceOfSafe(), 0);
        _go();
    }

    function test_execute_OtherCodeReadsEveryCap() public {
        Counter counter = new Counter();
        _prepare(_one(address(counter), 0, abi.encodeCall(Counter.bump, ())), SALT);
        vm.expectCall(address(token), _balanceOfSafe(), 2);
        vm.expectCall(address(weth), _balanceOfSafe(), 2);
        _go();
    }

    /// A capped token readable before the batch whose reads stop during it (code the batch paid pauses them): what
    /// left cannot be measured, so the whole batch reverts and stays queued, to be retried.
    function test_RevertWhen_CappedBalanceUnreadableAfterTheBatch() public {
        RevertingToken pausable = new RevertingToken();
        pausable.mint(address(safe), 10e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(pausable), 5e18, 1 days)));
        ReentrantReceiver pauser = new ReentrantReceiver();
        pauser.arm(address(pausable), abi.encodeCall(RevertingToken.setPaused, (false, true)), true);
        (bytes32 id,) = _prepare(_ethTransfer(address(pauser), 1 ether), SALT);
        assertEq(pausable.balanceOf(address(safe)), 10e18, "readable before the batch");
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.BalanceUnreadable.selector, address(pausable)));
        _go();
        _assertState(id, ITreasurySafe.ProposalState.Ready);
        assertEq(address(pauser).balance, 0, "nothing left");
        pauser.arm(address(0), "", false);
        _go();
        assertEq(address(pauser).balance, 1 ether, "retried once the reads work");
    }

    /// @notice A capped token the batch neither calls nor could reach through other code is not read, so a token
    ///         whose balance cannot be read does not block a plain ETH transfer to an account without code (the
    ///         native cap is still charged). Kills the mutant without `_inspect`'s skip of uncalled tokens.
    function test_execute_UnreadableCappedTokenUncalledDoesNotBlockAPlainTransfer() public {
        RevertingToken pausable = new RevertingToken();
        pausable.mint(address(safe), 10e18);
        _fastTrack(abi.encodeCall(ITreasurySafe.setCap, (address(pausable), 5e18, 1 days)));
        pausable.setPaused(false, true);
        (bytes32 id,) = _prepare(_ethTransfer(recipient, 1 ether), SALT);
        uint256 before = recipient.balance;
        uint256 left = safe.remainingCap(NATIVE);
        _go();
        _assertState(id, ITreasurySafe.ProposalState.Executed);
        assertEq(recipient.balance, before + 1 ether, "paid");
        // Charged in units of limit / (2^24 - 1), rounded up: at least the amount.
        assertLe(safe.remainingCap(NATIVE), left - 1 ether, "the native cap charged");
    }
}
