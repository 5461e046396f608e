// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeLens} from "../TreasurySafeLens.sol";
import {IAllowanceCalls} from "../interfaces/IAllowanceCalls.sol";
import {ITreasurySafe} from "../interfaces/ITreasurySafe.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title SafeStorage
/// @notice TreasurySafe's types, constants, storage and modifiers, its constructor, and the few functions
///         that copy its packed structs. Every other part of the safe inherits it; only it declares state.
/// @dev The storage layout is snapshotted (snapshots/storage-layout.json, checked by make test) and read by slot
///      number by TreasurySafeLens: a new state variable goes at the end.
abstract contract SafeStorage {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Packed into one slot (256 bits). `frozenUntil` as uint40 (timestamps to the year 36812) leaves room for
    ///      the evacuation flag and generation, which queue and execute read with the rest, in the same slot.
    struct Config {
        uint8 threshold;
        uint8 ownerCount;
        uint8 guardianCount;
        uint8 capCount;
        bool guardiansArmed;
        bool initialized;
        bool evacuated;
        uint32 epoch;
        uint32 delay;
        uint32 grace;
        uint32 freezeDuration;
        uint40 frozenUntil;
        uint32 generation;
    }

    /// @dev A guardian and when its evacuation power starts (freeze and cancel are immediate).
    struct GuardianSlot {
        address account;
        uint64 powerAt;
    }

    /// @dev The recovery address in force, whether it accepted, and since when the safe is evacuated (0: not).
    struct RecoverySlot {
        address account;
        bool accepted;
        uint40 evacuatedAt;
    }

    /// @dev The backup recovery address committed at deployment (zero: none or used) and the evacuation list's length.
    struct BackupSlot {
        address account;
        bool accepted;
        uint8 listCount;
    }

    /// @dev A scheduled recovery-address change: in force from `effectiveAt` once accepted; lapses after `lapsesAt`.
    struct PendingRecovery {
        address account;
        bool accepted;
        uint40 effectiveAt;
        uint40 lapsesAt;
    }

    /// @dev A node of the owner list: the next owner (SENTINEL after the last) and this owner's index.
    struct OwnerNode {
        address next;
        uint8 index;
    }

    /// @dev Three slots: (asset, period, scheduled, quarantined), which a charge only reads; (limit, four 24-bit
    ///      lanes, head), the whole of what a charge reads and writes, so it writes one slot; and, read only while a
    ///      loosening is scheduled, (its limit, its period, when it takes effect; limit 0: removal). See RollingCap.
    ///      `head` is a sub-period index, timestamp / ceil(period / 3) with period >= 1 hour: it stays below 2^32
    ///      for some 160,000 years.
    struct Cap {
        address asset;
        uint32 period;
        bool scheduled;
        bool quarantined;
        uint128 limit;
        uint96 lanes;
        uint32 head;
        uint128 nextLimit;
        uint32 nextPeriod;
        uint64 nextAt;
    }

    enum Status {
        None,
        Proposed,
        Queued,
        Executed,
        Cancelled
    }

    /// @dev One slot (256 bits) per proposal. `generation`: the evacuation generation it was queued in.
    struct Record {
        Status status;
        bool fastTrack;
        bool freezeExempt;
        bool guardianProtected;
        uint32 epoch;
        uint32 approvals;
        uint64 eta;
        uint64 expiresAt;
        uint32 generation;
    }

    /// @dev Per capped asset, the accounting of one executed batch.
    struct Outflow {
        address asset;
        uint256 balanceBefore;
        bool quarantined;
        // The batch calls the token itself.
        bool called;
        // Read before and after the batch: the batch could move it.
        bool measured;
    }

    /// @dev The one function (besides the measured ones) the owners allowed on a capped token, from `from` on.
    struct ExtraSelector {
        bytes4 selector;
        uint64 from;
    }

    /// @dev An allowance a batch granted on a capped token: counted as outflow if still standing after the batch.
    struct Grant {
        uint256 flow;
        address spender;
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    // Constants are internal: TreasurySafeLens serves the same values as public getters (size: EIP-170).

    /// @notice Stands for the chain's native coin in caps.
    address internal constant NATIVE_ASSET = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    /// @notice Bounds of the configuration.
    uint256 internal constant MAX_OWNERS = 32;
    uint256 internal constant MAX_GUARDIANS = 8;
    uint256 internal constant MAX_CAPS = 16;
    /// @notice Recovery and evacuation bounds: a new recovery address waits at least MIN_RECOVERY_DELAY once
    ///         scheduled; a sweep takes at most MAX_EXTRAS caller extras; the list holds MAX_EVACUATION_ASSETS; a
    ///         relayed evacuation signature is valid at most MAX_SIGNATURE_WINDOW ahead.
    uint32 internal constant MIN_RECOVERY_DELAY = 7 days;
    uint256 internal constant MAX_EXTRAS = 16;
    uint256 internal constant MAX_EVACUATION_ASSETS = 16;
    uint256 internal constant MAX_SIGNATURE_WINDOW = 30 days;
    /// @notice Gas each swept asset is guaranteed: two reads of TOKEN_READ_GAS, a transfer (or revocation) of
    ///         SWEEP_TRANSFER_GAS, and room for the 63/64 rule and the event. A sweep with less left reverts.
    uint256 internal constant SWEEP_TRANSFER_GAS = 100_000;
    uint256 internal constant SWEEP_GAS = 330_000;

    /// @notice EIP-712 domain: name "TreasurySafe", version "1", the chain id and the safe (each clone its own). Built on
    ///         every use rather than cached: clones cannot cache their own address in immutables, and it costs
    ///         one keccak of five words. The lens serves the same domain (domainSeparator, eip712Domain).
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant NAME_HASH = keccak256("TreasurySafe");
    bytes32 internal constant VERSION_HASH = keccak256("1");
    /// @notice EIP-712 type hashes of a proposal.
    bytes32 internal constant CALL_TYPEHASH = keccak256("Call(address target,uint256 value,bytes data)");
    bytes32 internal constant PROPOSAL_TYPEHASH = keccak256(
        "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)"
    );

    /// @notice The factory allowed to initialise clones of this implementation.
    address public immutable FACTORY;
    /// @notice The read-only contract that answers the larger views (getConfig, getProposal, …) for every clone:
    ///         created with the implementation, reached by STATICCALL, reading storage through `extsload`.
    address public immutable LENS;

    address internal constant SENTINEL = address(0x1);
    /// @dev Gas for one balanceOf/allowance read of a capped token: ample for any honest ERC-20
    ///      (a cold read is ~5k), small enough that a hostile token cannot starve `execute`.
    uint256 internal constant TOKEN_READ_GAS = 100_000;

    // The functions a batch may call on a capped token, because the safe measures their effect: the transfers
    // (balance decrease) and the allowance calls (standing allowance), plus the one extra selector the owners
    // allowed for that token (`allowSelector`). Anything else (multicall, permit, operator grants, ERC-1363
    // approveAndCall, receive/fallback) could grant or move what the safe does not see: UnmeasurableCall.
    // Transfers and allowance grants also have their success judged like SafeERC20 (false or no code = failure).
    bytes4 internal constant TRANSFER = IERC20.transfer.selector;
    bytes4 internal constant TRANSFER_FROM = IERC20.transferFrom.selector;
    bytes4 internal constant APPROVE = IERC20.approve.selector;
    bytes4 internal constant INCREASE_ALLOWANCE = IAllowanceCalls.increaseAllowance.selector;
    bytes4 internal constant INCREASE_APPROVAL = IAllowanceCalls.increaseApproval.selector;
    bytes4 internal constant DECREASE_ALLOWANCE = IAllowanceCalls.decreaseAllowance.selector;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Slots 0 and 1 stay unused (OpenZeppelin's EIP712, inherited before, kept its fallback strings there): the
    ///      layout, which TreasurySafeLens reads by slot number, is unchanged, and via-IR's code for it is smaller.
    uint256 internal _unused0;
    uint256 internal _unused1;
    Config internal _config;
    mapping(address owner => OwnerNode) internal _owners;
    GuardianSlot[MAX_GUARDIANS] internal _guardians;
    Cap[MAX_CAPS] internal _caps;
    mapping(bytes32 id => Record) internal _records;
    RecoverySlot internal _recovery;
    BackupSlot internal _backup;
    PendingRecovery internal _pending;
    address[MAX_EVACUATION_ASSETS] internal _evacuationList;
    mapping(address guardian => mapping(uint256 nonce => bool)) internal _nonceUsed;
    /// @dev Read only when a batch calls a capped token with a function outside the measured ones.
    mapping(address asset => ExtraSelector) internal _extraSelectors;

    /// @dev Set while `execute`, `queue`, `propose`, `approve` or an evacuation runs.
    bool internal transient _locked;
    /// @dev Set while a fast-tracked proposal executes: setters must then only tighten.
    bool internal transient _fastTrack;

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier nonReentrant() {
        // A call made by `execute` must not re-enter the proposal machinery.
        if (_locked) revert ITreasurySafe.Reentrant();
        _locked = true;
        _;
        _locked = false;
    }

    modifier onlySelf() {
        // Configuration changes only through the safe's own proposals.
        if (msg.sender != address(this)) revert ITreasurySafe.NotSelf(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deploys the implementation. It is marked initialised so it can never hold owners or funds rules.
    constructor() {
        FACTORY = msg.sender;
        LENS = address(new TreasurySafeLens());
        _config.initialized = true;
    }

    /*//////////////////////////////////////////////////////////////
                        INTERNAL: STORAGE ACCESS
    //////////////////////////////////////////////////////////////*/

    /// @dev Answers the current view call with LENS's answer to the same calldata (STATICCALL: it reads this safe
    ///      through `extsload` and can change nothing). Never returns to its caller.
    function _viewFromLens() internal view {
        _askLens();
        assembly ("memory-safe") {
            let p := mload(0x40)
            returndatacopy(p, 0, returndatasize())
            return(p, returndatasize())
        }
    }

    /// @dev Sends LENS the current calldata by STATICCALL; its revert is this call's. On success its answer is left in
    ///      the return data buffer.
    function _askLens() internal view {
        address lens = LENS;
        assembly ("memory-safe") {
            // Temporary memory past the free memory pointer, not kept.
            let p := mload(0x40)
            calldatacopy(p, 0, calldatasize())
            if iszero(staticcall(gas(), lens, p, calldatasize(), 0, 0)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
    }

    // Packed structs are copied through these few functions only: every inline copy costs ~0.5 KB
    // of bytecode, and the implementation must stay under the EIP-170 size limit.

    function _loadConfig() internal view returns (Config memory) {
        return _config;
    }

    function _storeConfig(Config memory cfg) internal {
        _config = cfg;
    }

    function _loadRecord(bytes32 id) internal view returns (Record memory) {
        return _records[id];
    }
}
