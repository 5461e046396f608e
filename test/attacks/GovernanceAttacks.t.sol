// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {TreasurySafeFactory} from "../../contracts/TreasurySafeFactory.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @notice ATTACKS.md rows about guardians and deployment: #17, #25, #26.
/// Each test names its row and fails if the defence it checks is removed.
contract GovernanceAttacksTest is SafeUnitBase {
    /*//////////////////////////////////////////////////////////////
                          #17 GUARDIAN GRIEFING
    //////////////////////////////////////////////////////////////*/

    /// @notice #17: a rogue guardian that freezes and cancels everything it can costs the owners at most
    ///         freezeDuration + delay: it freezes once, cannot cancel its own removal, and never moves funds.
    function test_Attack17_GuardianGriefingCostsAtMostFreezePlusDelay() public {
        uint256 t0 = _now();
        // Business as usual is queued; the guardian turns rogue: cancels it and freezes.
        ITreasurySafe.Call[] memory pay = _ethTransfer(recipient, 1 ether);
        (bytes32 payId,) = _queue(pay, SALT);
        vm.startPrank(guardian);
        safe.cancel(payId);
        safe.freeze();
        // One shot: no second freeze.
        vm.expectRevert(ITreasurySafe.GuardiansDisarmed.selector);
        safe.freeze();
        vm.stopPrank();
        uint64 until = safe.frozenUntil();
        assertEq(until, t0 + FREEZE);

        // When the freeze ends, the owners queue the guardian's removal: the guardian cannot cancel it.
        vm.warp(until);
        ITreasurySafe.Call[] memory removal =
            _selfCall(abi.encodeCall(ITreasurySafe.removeGuardian, (guardian)));
        (bytes32 removalId, uint64 eta) = _queue(removal, SALT);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.GuardianCannotCancel.selector, removalId));
        safe.cancel(removalId);
        vm.prank(guardian);
        vm.expectRevert(ITreasurySafe.GuardiansDisarmed.selector);
        safe.freeze();
        vm.warp(eta);
        safe.execute(removal, SALT, 0);
        // Removed at t0 + freezeDuration + delay, with nothing moved in between.
        assertEq(_now(), t0 + FREEZE + DELAY);
        assertFalse(safe.isGuardian(guardian));
        assertEq(address(safe).balance, 100 ether);
        assertEq(guardian.balance, 0);

        // From here the owners are back to normal operation.
        _queueAndExecute(pay, bytes32("again"));
        assertEq(recipient.balance, 1 ether);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotGuardian.selector, guardian));
        safe.freeze();
    }

    /// @notice #17: a guardian holds no owner power: it cannot propose, approve, queue by itself, set
    ///         config or move funds.
    function test_Attack17_GuardianHasNoOwnerPowers() public {
        ITreasurySafe.Call[] memory drain = _ethTransfer(guardian, 100 ether);
        vm.startPrank(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, guardian));
        safe.propose(drain, SALT);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotOwner.selector, guardian));
        safe.approve(keccak256("x"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, guardian));
        safe.rearmGuardians();
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotSelf.selector, guardian));
        safe.unfreeze();
        vm.stopPrank();
        bytes32 id = safe.hashProposal(drain, SALT, 0);
        ITreasurySafe.Signature[] memory sigs = new ITreasurySafe.Signature[](1);
        sigs[0] = ITreasurySafe.Signature({signer: guardian, data: _sign(guardianKey, id)});
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.SignerNotOwner.selector, guardian));
        safe.queue(drain, SALT, sigs);
        assertEq(address(safe).balance, 100 ether);
    }

    /// @notice #17: a freeze that starts before a proposal's eta cannot make it expire (grace >= freeze).
    function test_Attack17_FreezeCannotExpireAProposal() public {
        ITreasurySafe.Call[] memory pay = _ethTransfer(recipient, 1 ether);
        (, uint64 eta) = _queue(pay, SALT);
        vm.warp(eta);
        uint64 until = _guardianFreeze();
        assertLe(until, eta + GRACE);
        vm.warp(until);
        safe.execute(pay, SALT, 0);
        assertEq(recipient.balance, 1 ether);
    }

    /*//////////////////////////////////////////////////////////////
                        #25 INITIALISER TAKEOVER
    //////////////////////////////////////////////////////////////*/

    /// @notice #25: neither the implementation, nor a deployed clone, nor a clone an attacker makes of the
    ///         implementation by itself can be initialised by anyone but the factory's own createSafe.
    function test_Attack25_InitialiserTakeover() public {
        ITreasurySafe.InitConfig memory evil = defaultConfig();
        evil.owners = new address[](1);
        evil.owners[0] = stranger;
        evil.threshold = 1;
        address impl = factory.IMPLEMENTATION();

        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        ITreasurySafe(payable(impl)).initialize(evil);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        safe.initialize(evil);
        // A clone of the implementation made outside the factory still only trusts that factory.
        address own = Clones.clone(impl);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        ITreasurySafe(payable(own)).initialize(evil);
        vm.stopPrank();

        // Another factory's implementation trusts only that other factory.
        TreasurySafeFactory other = new TreasurySafeFactory();
        assertEq(TreasurySafe(payable(other.IMPLEMENTATION())).FACTORY(), address(other));
        vm.prank(address(other));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, address(other)));
        safe.initialize(evil);

        assertEq(safe.getOwners(), owners);
        assertEq(ITreasurySafe(payable(impl)).getOwners().length, 0);
    }

    /*//////////////////////////////////////////////////////////////
                   #26 COUNTERFACTUAL ADDRESS SQUATTING
    //////////////////////////////////////////////////////////////*/

    /// @notice #26: on another chain, whoever deploys first at the predicted address can only deploy the
    ///         very configuration it commits to; other parameters with the same salt land elsewhere.
    function test_Attack26_CounterfactualSquatting() public {
        ITreasurySafe.InitConfig memory mine = defaultConfig();
        address predicted = factory.predictSafeAddress(mine, bytes32("treasury"));

        vm.chainId(block.chainid + 100);
        // The squatter tries the same salt with its own owner.
        ITreasurySafe.InitConfig memory theirs = defaultConfig();
        theirs.owners[0] = stranger;
        vm.prank(stranger);
        address squatted = factory.createSafe(theirs, bytes32("treasury"));
        assertTrue(squatted != predicted);
        // Or front-runs with the exact same parameters: it then deploys exactly our safe.
        vm.prank(stranger);
        address same = factory.createSafe(mine, bytes32("treasury"));
        assertEq(same, predicted);
        ITreasurySafe s = ITreasurySafe(payable(same));
        assertEq(s.getOwners(), mine.owners);
        assertEq(s.threshold(), mine.threshold);
        assertEq(s.getGuardians(), mine.guardians);
        assertEq(s.getConfig().caps[0].limit, ETH_CAP);
    }
}
