// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafe} from "../../contracts/TreasurySafe.sol";
import {TreasurySafeFactory} from "../../contracts/TreasurySafeFactory.sol";
import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {Deploy} from "../../script/Deploy.s.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Runs script/Deploy.s.sol as `forge script` would and checks where and what it deploys.
contract DeployScriptTest is Test {
    Deploy internal script;

    function setUp() public {
        script = new Deploy();
    }

    function test_run_DeploysAtPredictedAddresses() public {
        address expectedFactory = vm.computeCreate2Address(
            script.SALT(), keccak256(type(TreasurySafeFactory).creationCode), CREATE2_FACTORY
        );
        address expectedImplementation = vm.computeCreateAddress(expectedFactory, 1);
        assertEq(expectedFactory.code.length, 0, "factory predeployed");

        (TreasurySafeFactory factory, address implementation) = script.run();

        assertEq(address(factory), expectedFactory, "factory address");
        assertEq(implementation, expectedImplementation, "implementation address");
        assertEq(script.predictFactory(), expectedFactory, "predictFactory");
        assertEq(script.predictImplementation(), expectedImplementation, "predictImplementation");
        assertGt(implementation.code.length, 0, "implementation code");
        assertEq(TreasurySafe(payable(implementation)).FACTORY(), address(factory), "implementation factory");
    }

    function test_run_IsIdempotent() public {
        (TreasurySafeFactory first, address firstImplementation) = script.run();
        bytes32 codeHash = address(first).codehash;

        // A second CREATE2 with the same salt would revert: the script must find the deployment instead.
        vm.recordLogs();
        (TreasurySafeFactory second, address secondImplementation) = script.run();

        assertEq(address(second), address(first), "factory moved");
        assertEq(secondImplementation, firstImplementation, "implementation moved");
        assertEq(address(second).codehash, codeHash, "factory code changed");
        assertEq(vm.getRecordedLogs().length, 0, "second run did something");
    }

    function test_RevertWhen_DeterministicDeployerMissing() public {
        vm.etch(CREATE2_FACTORY, "");
        vm.expectRevert(abi.encodeWithSelector(Deploy.DeterministicDeployerMissing.selector, CREATE2_FACTORY));
        script.run();
    }

    function test_RevertWhen_OtherCodeAtPredictedAddress() public {
        address predicted = script.predictFactory();
        // Some other factory squatting the address answers with another implementation.
        vm.etch(predicted, address(new TreasurySafeFactory()).code);
        address wrongImplementation = TreasurySafeFactory(predicted).IMPLEMENTATION();
        vm.expectRevert(
            abi.encodeWithSelector(
                Deploy.UnexpectedDeployment.selector, script.predictImplementation(), wrongImplementation
            )
        );
        script.run();
    }

    function test_implementation_CannotBeInitialised() public {
        (TreasurySafeFactory factory, address implementation) = script.run();
        ITreasurySafe.InitConfig memory config = _config();

        // Not even the factory: the implementation marked itself initialised in its constructor.
        vm.prank(address(factory));
        vm.expectRevert(ITreasurySafe.AlreadyInitialized.selector);
        ITreasurySafe(implementation).initialize(config);

        // Anyone else is refused before that.
        address stranger = makeAddr("stranger");
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITreasurySafe.NotFactory.selector, stranger));
        ITreasurySafe(implementation).initialize(config);

        assertEq(ITreasurySafe(implementation).getOwners().length, 0, "implementation has owners");
    }

    function test_run_FactoryCreatesWorkingSafes() public {
        (TreasurySafeFactory factory,) = script.run();
        ITreasurySafe.InitConfig memory config = _config();

        address predicted = factory.predictSafeAddress(config, bytes32(0));
        address safe = factory.createSafe(config, bytes32(0));

        assertEq(safe, predicted, "safe address");
        assertEq(ITreasurySafe(safe).getOwners(), config.owners, "owners");
        assertEq(ITreasurySafe(safe).threshold(), 1, "threshold");
    }

    function _config() internal returns (ITreasurySafe.InitConfig memory config) {
        config.owners = new address[](1);
        config.owners[0] = makeAddr("owner");
        config.threshold = 1;
        config.guardians = new address[](0);
        config.delay = 2 days;
        config.grace = 14 days;
        config.freezeDuration = 3 days;
        config.caps = new ITreasurySafe.CapConfig[](0);
        config.recovery = makeAddr("recovery");
    }
}
