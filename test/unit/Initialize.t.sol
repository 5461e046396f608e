// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {ITreasurySafeFactory} from "../../contracts/interfaces/ITreasurySafeFactory.sol";
import {SafeUnitBase} from "../utils/SafeUnitBase.sol";
import {Errors} from "@openzeppelin/contracts/utils/Errors.sol";

/// @notice TreasurySafeFactory.createSafe / predictSafeAddress and ITreasurySafe.initialize.
/// createSafe
/// ├── it deploys at predictSafeAddress(config, salt) and initialises in the same transaction
/// ├── it emits SafeCreated, SafeInitialized, GuardianAdded and CapSet
/// ├── when the same config and salt are deployed twice: it reverts (address taken)
/// └── when the config is invalid: it reverts with the validation error and leaves no code behind
/// initialize
/// ├── when the caller is not the factory: it reverts NotFactory(caller)
/// ├── when the safe is already initialised: it reverts AlreadyInitialized
/// └── on the implementation: it can never run
contract InitializeTest is SafeUnitBase {
    ITreasurySafe.InitConfig internal cfg;

    function setUp() public override {
        super.setUp();
        ITreasurySafe.InitConfig memory c = defaultConfig();
        cfg.owners = c.owners;
        cfg.threshold = c.threshold;
        cfg.guardians = c.guardians;
        cfg.delay = c.delay;
        cfg.grace = c.grace;
        cfg.freezeDuration = c.freezeDuration;
        cfg.caps.push(c.caps[0]);
        cfg.recovery = c.recovery;
    }

    /*//////////////////////////////////////////////////////////////
                                FACTORY
    //////////////////////////////////////////////////////////////*/

    function test_createSafe_DeploysAtPredictedAddress() public {
        address predicted = factory.predictSafeAddress(cfg, bytes32("x"));
        assertEq(predicted.code.length, 0);
        address deployed = factory.createSafe(cfg, bytes32("x"));
        assertEq(deployed, predicted);
        assertGt(deployed.code.length, 0);
    }

    function test_createSafe_InitialisesAtomically() public {
        ITreasurySafe s = ITreasurySafe(payable(factory.createSafe(cfg, bytes32("atomic"))));
        ITreasurySafe.ConfigView memory v = s.getConfig();
        assertEq(v.owners, owners);
        assertEq(v.threshold, 2);
        assertEq(v.guardians.length, 1);
        assertEq(v.guardians[0], guardian);
        assertTrue(v.guardiansArmed);
        assertEq(v.epoch, 0);
        assertEq(v.delay, DELAY);
        assertEq(v.grace, GRACE);
        assertEq(v.freezeDuration, FREEZE);
        assertEq(v.frozenUntil, 0);
        assertEq(v.caps.length, 1);
        assertEq(v.caps[0].asset, NATIVE);
        assertEq(v.caps[0].limit, ETH_CAP);
        assertEq(v.caps[0].period, CAP_PERIOD);
        assertEq(v.caps[0].remaining, ETH_CAP);
        assertEq(v.caps[0].nextRefillAt, 0);
        // Nobody can initialise it a second time, not even the factory.
        vm.prank(address(factory));
        vm.expectRevert(ITreasurySafe.AlreadyInitialized.selector);
        s.initialize(cfg);
    }

    function test_createSafe_EmitsEvents() public {
        address predicted = factory.predictSafeAddress(cfg, bytes32("ev"));
        vm.expectEmit(true, true, true, true, predicted);
        emit ITreasurySafe.GuardianAdded(guardian);
        vm.expectEmit(true, true, true, true, predicted);
        emit ITreasurySafe.CapSet(NATIVE, ETH_CAP, CAP_PERIOD);
        vm.expectEmit(true, true, true, true, predicted);
        emit ITreasurySafe.SafeInitialized(owners, 2, DELAY, GRACE, FREEZE);
        vm.expectEmit(true, true, true, true, address(factory));
        emit ITreasurySafeFactory.SafeCreated(predicted, stranger, bytes32("ev"));
        vm.prank(stranger);
        factory.createSafe(cfg, bytes32("ev"));
    }

    function test_RevertWhen_SameConfigAndSaltDeployedTwice() public {
        factory.createSafe(cfg, bytes32("twice"));
        vm.expectRevert(Errors.FailedDeployment.selector);
        factory.createSafe(cfg, bytes32("twice"));
    }

    function test_predictSafeAddress_DependsOnEveryParameterAndSalt() public {
        address base = factory.predictSafeAddress(cfg, bytes32(0));
        assertEq(base, address(safe));
        assertTrue(factory.predictSafeAddress(cfg, bytes32(uint256(1))) != base, "salt");
        cfg.threshold = 3;
        assertTrue(factory.predictSafeAddress(cfg, bytes32(0)) != base, "threshold");
        cfg.threshold = 2;
        cfg.delay = DELAY + 1;
        assertTrue(factory.predictSafeAddress(cfg, bytes32(0)) != base, "delay");
        cfg.delay = DELAY;
        cfg.caps[0].limit = ETH_CAP + 1;
        assertTrue(factory.predictSafeAddress(cfg, bytes32(0)) != base, "cap");
        cfg.caps[0].limit = ETH_CAP;
        cfg.guardians[0] = stranger;
        assertTrue(factory.predictSafeAddress(cfg, bytes32(0)) != base, "guardian");
        cfg.guardians[0] = guardian;
        assertEq(factory.predictSafeAddress(cfg, bytes32(0)), base, "restored");
    }

    function test_RevertWhen_InvalidConfig_NoCodeLeftBehind() public {
        cfg.threshold = 4;
        address predicted = factory.predictSafeAddress(cfg, bytes32("bad"));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 4, 3));
        factory.createSafe(cfg, bytes32("bad"));
        assertEq(predicted.code.length, 0);
    }

    /*//////////////////////////////////////////////////////////////
                         INITIALISER PROTECTION
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_InitializeCalledByNonFactory() public {
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        safe.initialize(cfg);
    }

    function test_RevertWhen_InitializeCalledTwice() public {
        vm.prank(address(factory));
        vm.expectRevert(ITreasurySafe.AlreadyInitialized.selector);
        safe.initialize(cfg);
    }

    function test_RevertWhen_ImplementationInitialized() public {
        ITreasurySafe impl = ITreasurySafe(payable(factory.IMPLEMENTATION()));
        assertEq(TreasurySafe(payable(address(impl))).FACTORY(), address(factory));
        // By anyone: not the factory.
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        impl.initialize(cfg);
        // Even with the factory's address: initialised in its constructor.
        vm.prank(address(factory));
        vm.expectRevert(ITreasurySafe.AlreadyInitialized.selector);
        impl.initialize(cfg);
        assertEq(impl.getOwners().length, 0);
    }

    function test_implementation_HasNoOwnersAndIsTheClonesTarget() public view {
        address impl = factory.IMPLEMENTATION();
        // EIP-1167 runtime: the clone delegates to the fixed implementation and nothing else.
        bytes memory expected =
            abi.encodePacked(hex"363d3d373d3d3d363d73", impl, hex"5af43d82803e903d91602b57fd5bf3");
        assertEq(address(safe).code, expected);
        assertEq(ITreasurySafe(payable(impl)).threshold(), 0);
    }

    /*//////////////////////////////////////////////////////////////
                           OWNER VALIDATION
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_NoOwners() public {
        delete cfg.owners;
        cfg.threshold = 1;
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.OwnerCountOutOfBounds.selector, 0, 32));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_TooManyOwners() public {
        delete cfg.owners;
        for (uint160 i; i < 33; ++i) {
            cfg.owners.push(address(0x1000 + i));
        }
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.OwnerCountOutOfBounds.selector, 33, 32));
        factory.createSafe(cfg, 0);
    }

    function test_initialize_AcceptsThirtyTwoOwners() public {
        delete cfg.owners;
        for (uint160 i; i < 32; ++i) {
            cfg.owners.push(address(0x1000 + i));
        }
        cfg.threshold = 32;
        ITreasurySafe s = ITreasurySafe(payable(factory.createSafe(cfg, 0)));
        assertEq(s.getOwners().length, 32);
        assertEq(s.getOwners()[31], address(0x1000 + 31));
        assertEq(s.threshold(), 32);
    }

    function test_RevertWhen_ThresholdZero() public {
        cfg.threshold = 0;
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 0, 3));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_ThresholdAboveOwnerCount() public {
        cfg.threshold = 4;
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidThreshold.selector, 4, 3));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_OwnerIsZero() public {
        cfg.owners[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, address(0)));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_OwnerIsSentinel() public {
        cfg.owners[2] = address(1);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, address(1)));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_OwnerDuplicated() public {
        cfg.owners[2] = cfg.owners[0];
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidOwner.selector, cfg.owners[0]));
        factory.createSafe(cfg, 0);
    }

    /*//////////////////////////////////////////////////////////////
                          GUARDIAN VALIDATION
    //////////////////////////////////////////////////////////////*/

    function test_initialize_AcceptsNoGuardians() public {
        delete cfg.guardians;
        ITreasurySafe s = ITreasurySafe(payable(factory.createSafe(cfg, 0)));
        assertEq(s.getGuardians().length, 0);
    }

    function test_RevertWhen_GuardianIsZero() public {
        cfg.guardians[0] = address(0);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidGuardian.selector, address(0)));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_GuardianDuplicated() public {
        cfg.guardians.push(guardian);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidGuardian.selector, guardian));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_TooManyGuardians() public {
        delete cfg.guardians;
        for (uint160 i; i < 9; ++i) {
            cfg.guardians.push(address(0x2000 + i));
        }
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.TooManyGuardians.selector, 8));
        factory.createSafe(cfg, 0);
    }

    /*//////////////////////////////////////////////////////////////
                           TIMING VALIDATION
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_DelayBelowMin() public {
        cfg.delay = 1 hours - 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.DelayOutOfBounds.selector, 1 hours - 1, 1 hours, 30 days)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_DelayAboveMax() public {
        cfg.delay = 30 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.DelayOutOfBounds.selector, 30 days + 1, 1 hours, 30 days)
        );
        factory.createSafe(cfg, 0);
    }

    function test_initialize_AcceptsBoundaryTimings() public {
        cfg.delay = 30 days;
        cfg.grace = 90 days;
        cfg.freezeDuration = 14 days;
        factory.createSafe(cfg, bytes32("max"));
        cfg.delay = 1 hours;
        cfg.grace = 1 hours;
        cfg.freezeDuration = 1 hours;
        factory.createSafe(cfg, bytes32("min"));
    }

    function test_RevertWhen_GraceBelowMin() public {
        cfg.grace = 1 hours - 1;
        cfg.freezeDuration = 1 hours;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.GraceOutOfBounds.selector, 1 hours - 1, 1 hours, 90 days)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_GraceAboveMax() public {
        cfg.grace = 90 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.GraceOutOfBounds.selector, 90 days + 1, 1 hours, 90 days)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_FreezeDurationBelowMin() public {
        cfg.freezeDuration = 1 hours - 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.FreezeDurationOutOfBounds.selector, 1 hours - 1, 1 hours, 14 days
            )
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_FreezeDurationAboveMax() public {
        cfg.freezeDuration = 14 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITreasurySafe.FreezeDurationOutOfBounds.selector, 14 days + 1, 1 hours, 14 days
            )
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_GraceShorterThanFreeze() public {
        cfg.grace = 2 days;
        cfg.freezeDuration = 2 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.GraceShorterThanFreeze.selector, 2 days, 2 days + 1)
        );
        factory.createSafe(cfg, 0);
    }

    /*//////////////////////////////////////////////////////////////
                            CAP VALIDATION
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_CapAssetZero() public {
        cfg.caps[0].asset = address(0);
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, address(0), ETH_CAP, CAP_PERIOD)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_CapAssetHasNoCode() public {
        address noCode = makeAddr("noCode");
        cfg.caps[0].asset = noCode;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, noCode, ETH_CAP, CAP_PERIOD)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_CapLimitZero() public {
        cfg.caps[0].limit = 0;
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, 0, CAP_PERIOD));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_CapPeriodBelowMin() public {
        cfg.caps[0].period = 1 hours - 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, ETH_CAP, 1 hours - 1)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_CapPeriodAboveMax() public {
        cfg.caps[0].period = 365 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, ETH_CAP, 365 days + 1)
        );
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_CapAssetDuplicated() public {
        cfg.caps.push(ITreasurySafe.CapConfig({asset: NATIVE, limit: 5 ether, period: 2 days}));
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.InvalidCap.selector, NATIVE, 5 ether, 2 days));
        factory.createSafe(cfg, 0);
    }

    function test_RevertWhen_TooManyCaps() public {
        for (uint160 i; i < 16; ++i) {
            // A cap's asset must have code.
            vm.etch(address(0x3000 + i), hex"00");
            cfg.caps.push(ITreasurySafe.CapConfig({asset: address(0x3000 + i), limit: 1, period: 1 days}));
        }
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.TooManyCaps.selector, 16));
        factory.createSafe(cfg, 0);
    }
}
