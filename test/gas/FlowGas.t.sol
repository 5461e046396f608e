// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "../../contracts/interfaces/ITreasurySafe.sol";
import {SafeTestBase} from "../utils/SafeTestBase.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A plain OpenZeppelin ERC-20 (no hooks, no fee): the token of the gas flows and of bench/gas.sh.
contract GasToken is ERC20 {
    constructor() ERC20("Gas Token", "GAS") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Named gas snapshots of the three user flows, written to snapshots/flows.json and checked by
///         `forge test --gas-snapshot-check=true` (see bench/README.md).
/// @dev Each value is the gas used inside one external call frame (`snapshotGasLastCall`): no 21,000 base
///      cost, no calldata cost, no refunds. They are regression gates; bench/gas.sh measures what a user
///      pays (receipts on a real anvil). Every measured call starts cold: the accounts it touches are
///      cooled with `vm.cool` after the test's own set-up reads, as in a transaction of its own.
///      Flows: a safe of 3 owners, threshold 2, 1 guardian and 1 cap; a proposal of one transfer,
///      queued with two off-chain signatures, executed after the delay.
contract FlowGasTest is SafeTestBase {
    string internal constant GROUP = "flows";
    uint128 internal constant TOKEN_CAP = 250_000e18;

    GasToken internal token;
    ITreasurySafe internal tokenSafe;

    function setUp() public override {
        super.setUp();
        token = new GasToken();
        ITreasurySafe.InitConfig memory config = defaultConfig();
        config.caps[0] = ITreasurySafe.CapConfig({asset: address(token), limit: TOKEN_CAP, period: 7 days});
        tokenSafe = _deploySafe(config, bytes32(0));
        token.mint(address(tokenSafe), 1_000_000e18);
        // An account that already holds ETH and tokens: the cheaper case for the recipient.
        vm.deal(recipient, 1 ether);
        token.mint(recipient, 1e18);
    }

    function test_gas_createSafe() public {
        ITreasurySafe.InitConfig memory config = defaultConfig();
        factory.createSafe(config, bytes32(uint256(1)));
        vm.snapshotGasLastCall(GROUP, "createSafe_3owners_2of3_1guardian_1cap");
    }

    function test_gas_ethTransfer_FreshRecipient() public {
        _flow("eth_freshRecipient", safe, _ethTransfer(makeAddr("fresh"), 1 ether));
    }

    function test_gas_ethTransfer_ExistingRecipient() public {
        _flow("eth_existingRecipient", safe, _ethTransfer(recipient, 1 ether));
    }

    function test_gas_erc20Transfer_FreshRecipient() public {
        _flow("erc20_freshRecipient", tokenSafe, _tokenTransfer(makeAddr("fresh"), 1000e18));
    }

    function test_gas_erc20Transfer_ExistingRecipient() public {
        _flow("erc20_existingRecipient", tokenSafe, _tokenTransfer(recipient, 1000e18));
    }

    /// @notice A guardian's evacuation of the native coin and two capped ERC-20s to a recovery address that has
    ///         accepted (by a transaction) and holds none of them yet. SPEC budget: 150,000 gas per receipt, i.e.
    ///         this call frame plus 21,000 and the calldata (68 bytes, ~400 gas).
    function test_gas_evacuate_EthAndTwoTokens() public {
        GasToken second = new GasToken();
        ITreasurySafe.InitConfig memory config = defaultConfig();
        config.caps = new ITreasurySafe.CapConfig[](3);
        config.caps[0] = ITreasurySafe.CapConfig({asset: NATIVE, limit: ETH_CAP, period: CAP_PERIOD});
        config.caps[1] = ITreasurySafe.CapConfig({asset: address(token), limit: TOKEN_CAP, period: 7 days});
        config.caps[2] = ITreasurySafe.CapConfig({asset: address(second), limit: TOKEN_CAP, period: 7 days});
        ITreasurySafe evacSafe = _deploySafe(config, bytes32("evacuate"));
        vm.deal(address(evacSafe), 100 ether);
        token.mint(address(evacSafe), 1000e18);
        second.mint(address(evacSafe), 1000e18);
        vm.prank(recovery);
        evacSafe.acceptRecovery();
        // Accepting by call was a transaction of the recovery address: its account exists (nonce 1, no ETH, no
        // tokens), so the sweep pays no new-account surcharge but does create its two token balances.
        vm.setNonce(recovery, 1);
        vm.cool(address(evacSafe));
        vm.cool(factory.IMPLEMENTATION());
        vm.cool(address(token));
        vm.cool(address(second));
        vm.cool(recovery);

        vm.prank(guardian);
        evacSafe.evacuate(new ITreasurySafe.EvacuationExtra[](0));
        uint256 used = vm.snapshotGasLastCall(GROUP, "evacuate_eth_2erc20");
        assertEq(token.balanceOf(recovery), 1000e18);
        assertEq(second.balanceOf(recovery), 1000e18);
        assertEq(recovery.balance, 100 ether);
        assertLe(used + 21_000 + 400, 150_000, "evacuation over the 150,000 budget");
    }

    /// @dev Queues `calls` on `target` with two owner signatures, waits out the delay, executes; snapshots
    ///      `<name>_queue`, `<name>_execute` and their sum `<name>_flow`.
    function _flow(string memory name, ITreasurySafe target, ITreasurySafe.Call[] memory calls) internal {
        ITreasurySafe.Signature[] memory sigs = _signatures(target, calls, bytes32(0), 2);
        _cool(target, calls[0].target);

        (, uint64 eta) = target.queue(calls, bytes32(0), sigs);
        uint256 queueGas = vm.snapshotGasLastCall(GROUP, string.concat(name, "_queue"));

        vm.warp(eta);
        _cool(target, calls[0].target);
        target.execute(calls, bytes32(0), 0);
        uint256 executeGas = vm.snapshotGasLastCall(GROUP, string.concat(name, "_execute"));

        vm.snapshotValue(GROUP, string.concat(name, "_flow"), queueGas + executeGas);
    }

    /// @dev Makes the next call pay cold access again for the safe, its implementation and the call target.
    function _cool(ITreasurySafe target, address callTarget) internal {
        vm.cool(address(target));
        vm.cool(factory.IMPLEMENTATION());
        vm.cool(callTarget);
    }

    function _tokenTransfer(address to, uint256 amount) internal view returns (ITreasurySafe.Call[] memory) {
        return _one(address(token), 0, abi.encodeCall(ERC20.transfer, (to, amount)));
    }
}
