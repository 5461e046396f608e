// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeLens} from "./TreasurySafeLens.sol";
import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {RollingCap} from "./libraries/RollingCap.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title TreasurySafe
/// @notice A timelocked M-of-N treasury safe with strict rolling withdrawal caps and a bounded
///         guardian freeze. Deployed as an immutable clone by TreasurySafeFactory.
/// @dev Read ITreasurySafe for the glossary and the semantics of every function. Design notes:
///      - Only CALL. No DELEGATECALL, no SELFDESTRUCT, no upgrade path, no modules, no generic
///        EIP-1271 signing by the safe. Every rule lives in this code, which never changes.
///      - Configuration changes only through `onlySelf` setters, i.e. through the safe's own
///        proposals. Fast-tracked (no-delay) proposals may only tighten: each setter checks.
///      - Outflow of capped assets is measured (balance before/after the whole batch, plus
///        allowances left standing), never inferred from calldata amounts. Calls to a capped token are
///        fail closed: only functions whose effect is measured may target it (`_inspect`).
///      - State is written before external calls; entry points are guarded by a transient lock.
///      - Storage: one packed config slot; owners as a linked list whose nodes carry the owner's
///        index (used by approval bitmaps); guardians and caps in fixed arrays; one slot per proposal.
contract TreasurySafe {
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

    /// @dev Three slots: (asset, period, head, scheduled, quarantined), (limit, four 32-bit lanes) and, read only
    ///      while a loosening is scheduled, (its limit, its period, when it takes effect; limit 0: removal). See
    ///      RollingCap. `head` is a sub-period index, timestamp / ceil(period / 3) with period >= 1 hour: it
    ///      stays below 2^32 for some 160,000 years.
    struct Cap {
        address asset;
        uint32 period;
        uint32 head;
        bool scheduled;
        bool quarantined;
        uint128 limit;
        uint128 lanes;
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

    address private constant SENTINEL = address(0x1);
    /// @dev Gas for one balanceOf/allowance read of a capped token: ample for any honest ERC-20
    ///      (a cold read is ~5k), small enough that a hostile token cannot starve `execute`.
    uint256 private constant TOKEN_READ_GAS = 100_000;

    // The functions a batch may call on a capped token, because the safe measures their effect: the transfers
    // (balance decrease) and the allowance calls (standing allowance), plus the one extra selector the owners
    // allowed for that token (`allowSelector`). Anything else (multicall, permit, operator grants, ERC-1363
    // approveAndCall, receive/fallback) could grant or move what the safe does not see: UnmeasurableCall.
    // Transfers and allowance grants also have their success judged like SafeERC20 (false or no code = failure).
    bytes4 private constant TRANSFER = bytes4(keccak256("transfer(address,uint256)"));
    bytes4 private constant TRANSFER_FROM = bytes4(keccak256("transferFrom(address,address,uint256)"));
    bytes4 private constant APPROVE = bytes4(keccak256("approve(address,uint256)"));
    bytes4 private constant INCREASE_ALLOWANCE = bytes4(keccak256("increaseAllowance(address,uint256)"));
    bytes4 private constant INCREASE_APPROVAL = bytes4(keccak256("increaseApproval(address,uint256)"));
    bytes4 private constant DECREASE_ALLOWANCE = bytes4(keccak256("decreaseAllowance(address,uint256)"));

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Slots 0 and 1 stay unused (OpenZeppelin's EIP712, inherited before, kept its fallback strings there): the
    ///      layout, which TreasurySafeLens reads by slot number, is unchanged, and via-IR's code for it is smaller.
    uint256 private _unused0;
    uint256 private _unused1;
    Config private _config;
    mapping(address owner => OwnerNode) private _owners;
    GuardianSlot[MAX_GUARDIANS] private _guardians;
    Cap[MAX_CAPS] private _caps;
    mapping(bytes32 id => Record) private _records;
    RecoverySlot private _recovery;
    BackupSlot private _backup;
    PendingRecovery private _pending;
    address[MAX_EVACUATION_ASSETS] private _evacuationList;
    mapping(address guardian => mapping(uint256 nonce => bool)) private _nonceUsed;
    /// @dev Read only when a batch calls a capped token with a function outside the measured ones.
    mapping(address asset => ExtraSelector) private _extraSelectors;

    /// @dev Set while `execute`, `queue`, `propose`, `approve` or an evacuation runs.
    bool private transient _locked;
    /// @dev Set while a fast-tracked proposal executes: setters must then only tighten.
    bool private transient _fastTrack;

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

    /// @notice Accepts the native coin.
    receive() external payable {}

    /// @notice Answers the views TreasurySafeLens implements (getConfig, getProposal, proposalState, hasApproved,
    ///         remainingCap, scheduledCapChange, callPolicy, getRecovery, evacuationPowerAt, getOwners, getGuardians, isGuardian,
    ///         threshold, epoch, frozenUntil and the constants) with the lens's answer to the same calldata. The lens
    ///         runs by STATICCALL and reads this safe through `extsload`: it can change nothing. Any other calldata
    ///         reverts, as the lens knows no other function.
    fallback() external {
        _viewFromLens();
    }

    /*//////////////////////////////////////////////////////////////
                             INITIALISATION
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.initialize.
    function initialize(ITreasurySafe.InitConfig calldata config) external {
        // Only the factory, in the transaction that creates the clone: nothing to front-run.
        if (msg.sender != FACTORY) revert ITreasurySafe.NotFactory(msg.sender);
        Config memory cfg = _loadConfig();
        // Once per clone; the implementation is initialised in its constructor.
        if (cfg.initialized) revert ITreasurySafe.AlreadyInitialized();
        cfg.initialized = true;
        cfg.guardiansArmed = true;

        _writeOwners(cfg, config.owners, config.threshold);
        for (uint256 i; i < config.guardians.length; ++i) {
            // The deployment's guardians are committed in the CREATE2 address like the recovery address: power at once.
            _addGuardian(cfg, config.guardians[i], uint64(block.timestamp));
        }
        // The factory checked the recovery addresses, the timing and the caps (ConfigRules) before this call.
        _recovery.account = config.recovery;
        _backup.account = config.backupRecovery;
        (cfg.delay, cfg.grace, cfg.freezeDuration) = (config.delay, config.grace, config.freezeDuration);
        for (uint256 i; i < config.caps.length; ++i) {
            ITreasurySafe.CapConfig calldata c = config.caps[i];
            _addCap(cfg, c.asset, c.limit, c.period);
        }
        _storeConfig(cfg);
        emit ITreasurySafe.SafeInitialized(
            config.owners, config.threshold, config.delay, config.grace, config.freezeDuration
        );
        emit ITreasurySafe.RecoverySet(config.recovery, config.backupRecovery);
    }

    /*//////////////////////////////////////////////////////////////
                               PROPOSALS
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.propose.
    function propose(ITreasurySafe.Call[] calldata calls, bytes32 salt)
        external
        nonReentrant
        returns (bytes32 id)
    {
        Config memory cfg = _loadConfig();
        uint8 index = _requireOwner(msg.sender);
        // An empty batch would be a proposal that does nothing but consume an id.
        if (calls.length == 0) revert ITreasurySafe.EmptyBatch();
        id = _hashProposal(calls, salt, cfg.epoch);
        Record memory r = _loadRecord(id);
        // An id is proposed once; terminal ids stay terminal.
        if (r.status != Status.None) revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
        (bool fastTrack, bool freezeExempt, bool guardianProtected,) = _classify(calls);
        _records[id] = Record({
            status: Status.Proposed,
            fastTrack: fastTrack,
            freezeExempt: freezeExempt,
            guardianProtected: guardianProtected,
            epoch: cfg.epoch,
            approvals: uint32(1 << index),
            eta: 0,
            expiresAt: 0,
            generation: 0
        });
        emit ITreasurySafe.ProposalCreated(id, msg.sender, cfg.epoch, salt, calls);
        emit ITreasurySafe.ProposalApproved(id, msg.sender);
    }

    /// @notice See ITreasurySafe.approve.
    function approve(bytes32 id) external nonReentrant {
        Config memory cfg = _loadConfig();
        uint8 index = _requireOwner(msg.sender);
        Record storage r = _records[id];
        // Only proposals still collecting approvals can be approved.
        if (r.status != Status.Proposed) revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
        // Approvals from an older owner set no longer count.
        if (r.epoch != cfg.epoch) revert ITreasurySafe.StaleProposal(id, r.epoch, cfg.epoch);
        uint32 bit = uint32(1 << index);
        // Each owner approves once; a second approval would be a no-op that hides a mistake.
        if (r.approvals & bit != 0) revert ITreasurySafe.AlreadyApproved(id, msg.sender);
        r.approvals |= bit;
        emit ITreasurySafe.ProposalApproved(id, msg.sender);
    }

    /// @notice See ITreasurySafe.queue.
    function queue(
        ITreasurySafe.Call[] calldata calls,
        bytes32 salt,
        ITreasurySafe.Signature[] calldata signatures
    ) external nonReentrant returns (bytes32 id, uint64 eta) {
        Config memory cfg = _loadConfig();
        // An empty batch would be a proposal that does nothing.
        if (calls.length == 0) revert ITreasurySafe.EmptyBatch();
        id = _hashProposal(calls, salt, cfg.epoch);
        (Record memory r, address[] memory approvers) = _admit(id, calls, signatures, cfg);
        _records[id] = r;
        eta = r.eta;
        _emitQueued(id, r, salt, calls, approvers);
    }

    /// @notice See ITreasurySafe.execute.
    function execute(ITreasurySafe.Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        external
        nonReentrant
    {
        bytes32 id = _hashProposal(calls, salt, proposalEpoch);
        Record memory r = _loadRecord(id);
        Config memory cfg = _loadConfig();
        // Only queued proposals execute, at most once, and never one voided by an evacuation.
        if (r.status != Status.Queued || _voided(r, cfg)) {
            revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
        }
        // The timelock: nothing runs before its eta…
        if (block.timestamp < r.eta) revert ITreasurySafe.NotReady(id, r.eta);
        // …nor after its grace period.
        if (block.timestamp > r.expiresAt) revert ITreasurySafe.ProposalExpired(id, r.expiresAt);
        // A freeze stops everything but the owners' way out.
        if (_isFrozen(cfg) && !r.freezeExempt) revert ITreasurySafe.Frozen(cfg.frozenUntil);

        // Effects before interactions: a re-entrant or repeated execute finds it executed.
        _records[id].status = Status.Executed;

        // Scheduled cap changes whose time has come take effect first: the batch meets the caps in force now.
        _settleCaps(cfg);
        // Self-calls move nothing but `reopen`'s sweep, which is not charged: a batch of them is not measured.
        (Outflow[] memory flows, Grant[] memory grants, uint256 grantCount) = _inspect(calls, cfg.capCount);
        // slither-disable-next-line write-after-write: read by the setters this batch calls (_requireTightening)
        _fastTrack = r.fastTrack;
        // slither-disable-next-line reentrancy-eth: locked: only this approved batch's self-calls can touch _caps
        _runCalls(calls);
        _fastTrack = false;
        _chargeCaps(flows, grants, grantCount);

        emit ITreasurySafe.ProposalExecuted(id, msg.sender);
    }

    /// @notice See ITreasurySafe.cancel.
    function cancel(bytes32 id) external {
        // Outsiders may not cancel from inside an executing batch; the safe's own batch may.
        if (_locked && msg.sender != address(this)) revert ITreasurySafe.Reentrant();
        Record memory r = _loadRecord(id);
        Config memory cfg = _loadConfig();
        Status status = r.status;
        // Terminal states stay terminal: Executed, Cancelled, and Voided (queued before an evacuation).
        // slither-disable-next-line incorrect-equality: compares the stored Status enum, not a balance
        bool live = status == Status.Proposed || (status == Status.Queued && !_voided(r, cfg));
        if (msg.sender == address(this)) {
            // The owners may void any live id, even one never seen on chain (leaked signatures).
            if (!live && status != Status.None) {
                revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
            }
        } else {
            // Cancelling is a guardian power (owners cancel through a proposal).
            if (!_isGuardian(msg.sender, cfg.guardianCount)) revert ITreasurySafe.NotGuardian(msg.sender);
            // Guardians cancel what exists on chain and is not yet terminal.
            if (!live) revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
            // A rogue guardian must not be able to block its own removal, nor the owners' remedy (unfreeze, cancels,
            // reopen).
            if (r.guardianProtected) revert ITreasurySafe.GuardianCannotCancel(id);
        }
        _records[id].status = Status.Cancelled;
        emit ITreasurySafe.ProposalCancelled(id, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 FREEZE
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.freeze.
    function freeze() external {
        // Outsiders may not freeze from inside an executing batch; the safe's own batch may.
        if (_locked && msg.sender != address(this)) revert ITreasurySafe.Reentrant();
        Config memory cfg = _loadConfig();
        if (msg.sender != address(this)) {
            // Freezing is a guardian power (owners freeze through a proposal).
            if (!_isGuardian(msg.sender, cfg.guardianCount)) revert ITreasurySafe.NotGuardian(msg.sender);
            // One shot: a stolen guardian key cannot keep the safe frozen.
            if (!cfg.guardiansArmed) revert ITreasurySafe.GuardiansDisarmed();
            cfg.guardiansArmed = false;
        }
        uint64 until = uint64(block.timestamp) + cfg.freezeDuration;
        // A freeze never shortens a running one (and never spends the shot for nothing).
        if (cfg.frozenUntil >= until) revert ITreasurySafe.AlreadyFrozen(cfg.frozenUntil);
        cfg.frozenUntil = uint40(until);
        _storeConfig(cfg);
        emit ITreasurySafe.SafeFrozen(msg.sender, until);
    }

    /// @notice See ITreasurySafe.unfreeze.
    /// @dev Loosening, yet fast-tracked: SPEC lets M owners end a freeze early. It is the owners' way out
    ///      of a rogue guardian's freeze; a guardian cannot be both frozen out and able to block it for long.
    function unfreeze() external onlySelf {
        Config memory cfg = _loadConfig();
        // Nothing to end.
        if (!_isFrozen(cfg)) revert ITreasurySafe.NotFrozen();
        cfg.frozenUntil = 0;
        _storeConfig(cfg);
        emit ITreasurySafe.SafeUnfrozen();
    }

    /// @notice See ITreasurySafe.rearmGuardians.
    function rearmGuardians() external onlySelf {
        _config.guardiansArmed = true;
        emit ITreasurySafe.GuardiansRearmed();
    }

    /*//////////////////////////////////////////////////////////////
                         RECOVERY AND EVACUATION
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.evacuate.
    function evacuate(ITreasurySafe.EvacuationExtra[] calldata extras) external nonReentrant {
        // Entering the state is a guardian power; once evacuated anyone may re-sweep.
        _evacuate(msg.sender, !_config.evacuated, extras);
    }

    /// @notice See ITreasurySafe.evacuateBySig.
    /// @dev The lens checks the deadline and the signature (same calldata); the safe checks the nonce and the power.
    function evacuateBySig(
        address guardian,
        ITreasurySafe.EvacuationExtra[] calldata extras,
        uint256 nonce,
        uint64, /* deadline */
        bytes calldata /* signature */
    ) external nonReentrant {
        // Each (guardian, nonce) once; a replay could otherwise restart an evacuation the owners ended.
        if (_nonceUsed[guardian][nonce]) revert ITreasurySafe.SignatureAlreadyUsed(guardian, nonce);
        _nonceUsed[guardian][nonce] = true;
        // The guardian's signature over this safe, chain, recovery address in force, generation, extras, nonce and a
        // deadline at most 30 days ahead (TreasurySafeLens.evacuateBySig), or revert.
        _askLens();
        // The signer must hold evacuation power now, evacuated or not.
        _evacuate(guardian, true, extras);
    }

    /// @notice See ITreasurySafe.acceptRecovery.
    function acceptRecovery() external {
        _accept(msg.sender);
    }

    /// @notice See ITreasurySafe.acceptRecoveryBySig.
    /// @dev The lens checks the deadline and the signature (TreasurySafeLens.acceptRecoveryBySig, same calldata).
    function acceptRecoveryBySig(
        address account,
        uint64,
        /* deadline */
        bytes calldata /* signature */
    )
        external
    {
        _askLens();
        _accept(account);
    }

    /// @notice See ITreasurySafe.reopen.
    function reopen() external onlySelf {
        Config memory cfg = _loadConfig();
        // Only an evacuated safe reopens.
        if (!cfg.evacuated) revert ITreasurySafe.NotEvacuated();
        cfg.evacuated = false;
        _storeConfig(cfg);
        _recovery.evacuatedAt = 0;
        emit ITreasurySafe.SafeReopened(cfg.generation);
        // One more sweep catches what arrived while evacuated; `execute`'s lock covers it.
        _sweep(cfg.capCount);
    }

    /// @notice See ITreasurySafe.setRecovery.
    function setRecovery(address account) external onlySelf {
        // A new destination is a loosening: never fast-tracked.
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        // Never zero, the safe, an owner or a guardian (TreasurySafeLens.setRecovery, same calldata).
        _askLens();
        // Never a faster exit than removing a cap: max(delay, 7 days, the longest cap period), from the lens.
        uint40 at = uint40(block.timestamp + TreasurySafeLens(LENS).recoveryChangeWait());
        uint40 lapsesAt = at + cfg.grace;
        _pending = PendingRecovery({account: account, accepted: false, effectiveAt: at, lapsesAt: lapsesAt});
        emit ITreasurySafe.RecoveryChangeScheduled(account, at, lapsesAt);
    }

    /// @notice See ITreasurySafe.useBackupRecovery.
    function useBackupRecovery() external onlySelf {
        BackupSlot storage b = _backup;
        address backup = b.account;
        // Switching needs a backup to switch to.
        if (backup == address(0)) revert ITreasurySafe.NoRecoveryChange();
        (_recovery.account, _recovery.accepted) = (backup, b.accepted);
        (b.account, b.accepted) = (address(0), false);
        // The owners chose the committed backup: a scheduled change (perhaps by stolen keys) is dropped.
        delete _pending;
        emit ITreasurySafe.RecoverySet(backup, address(0));
    }

    /// @notice See ITreasurySafe.cancelRecoveryChange.
    function cancelRecoveryChange() external {
        // Outsiders may not act from inside an executing batch; the safe's own batch may.
        if (_locked && msg.sender != address(this)) revert ITreasurySafe.Reentrant();
        // Any guardian at once, or the owners through a proposal.
        if (msg.sender != address(this) && !_isGuardian(msg.sender, _config.guardianCount)) {
            revert ITreasurySafe.NotGuardian(msg.sender);
        }
        address account = _scheduledRecovery();
        // Cancelling must cancel something still scheduled (one in force is the recovery address).
        if (account == address(0)) revert ITreasurySafe.NoRecoveryChange();
        delete _pending;
        emit ITreasurySafe.RecoveryChangeCancelled(account, msg.sender);
    }

    /// @notice See ITreasurySafe.addEvacuationAsset.
    function addEvacuationAsset(address asset) external onlySelf {
        uint256 n = _backup.listCount;
        // A contract other than the safe, and the list bounded so a sweep's gas is bounded (an asset listed twice is
        // only swept twice: the second time finds nothing).
        if (asset.code.length == 0 || asset == address(this) || n >= MAX_EVACUATION_ASSETS) {
            revert ITreasurySafe.InvalidEvacuationAsset(asset);
        }
        _evacuationList[n] = asset;
        _backup.listCount = uint8(n + 1);
        emit ITreasurySafe.EvacuationAssetAdded(asset);
    }

    /// @notice See ITreasurySafe.removeEvacuationAsset.
    function removeEvacuationAsset(address asset) external onlySelf {
        // Sweeping less is a loosening.
        _requireTightening(false);
        uint256 n = _backup.listCount;
        for (uint256 i; i < n; ++i) {
            if (_evacuationList[i] == asset) {
                _evacuationList[i] = _evacuationList[n - 1];
                delete _evacuationList[n - 1];
                _backup.listCount = uint8(n - 1);
                emit ITreasurySafe.EvacuationAssetRemoved(asset);
                return;
            }
        }
        revert ITreasurySafe.EvacuationAssetNotFound(asset);
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.addOwner.
    function addOwner(address owner, uint256 newThreshold) external onlySelf {
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        address[] memory current = _ownerList(cfg.ownerCount);
        address[] memory next = new address[](current.length + 1);
        for (uint256 i; i < current.length; ++i) {
            next[i] = current[i];
        }
        next[current.length] = owner;
        _writeOwners(cfg, next, newThreshold);
        _storeConfig(cfg);
        emit ITreasurySafe.OwnerAdded(owner);
    }

    /// @notice See ITreasurySafe.removeOwner.
    function removeOwner(address owner, uint256 newThreshold) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newThreshold >= cfg.threshold);
        address[] memory current = _ownerList(cfg.ownerCount);
        // Removing must remove someone.
        if (!_isOwner(owner)) revert ITreasurySafe.OwnerNotFound(owner);
        address[] memory next = new address[](current.length - 1);
        // slither-disable-next-line uninitialized-local: index into `next`, counts from 0 (zero-initialised on purpose)
        uint256 j;
        for (uint256 i; i < current.length; ++i) {
            if (current[i] != owner) next[j++] = current[i];
        }
        _writeOwners(cfg, next, newThreshold);
        _storeConfig(cfg);
        emit ITreasurySafe.OwnerRemoved(owner);
    }

    /// @notice See ITreasurySafe.swapOwner.
    function swapOwner(address oldOwner, address newOwner) external onlySelf {
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        // Swapping must replace someone.
        if (!_isOwner(oldOwner)) revert ITreasurySafe.OwnerNotFound(oldOwner);
        address[] memory next = _ownerList(cfg.ownerCount);
        for (uint256 i; i < next.length; ++i) {
            if (next[i] == oldOwner) next[i] = newOwner;
        }
        _writeOwners(cfg, next, cfg.threshold);
        _storeConfig(cfg);
        emit ITreasurySafe.OwnerRemoved(oldOwner);
        emit ITreasurySafe.OwnerAdded(newOwner);
    }

    /// @notice See ITreasurySafe.changeThreshold.
    function changeThreshold(uint256 newThreshold) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newThreshold >= cfg.threshold);
        _writeOwners(cfg, _ownerList(cfg.ownerCount), newThreshold);
        _storeConfig(cfg);
    }

    /// @notice See ITreasurySafe.addGuardian.
    function addGuardian(address guardian) external onlySelf {
        Config memory cfg = _loadConfig();
        // Freeze and cancel at once, evacuation only after the delay: stolen keys must not add a sweeper.
        _addGuardian(cfg, guardian, uint64(block.timestamp) + cfg.delay);
        _storeConfig(cfg);
    }

    /// @notice See ITreasurySafe.removeGuardian.
    function removeGuardian(address guardian) external onlySelf {
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        uint256 n = cfg.guardianCount;
        for (uint256 i; i < n; ++i) {
            if (_guardians[i].account == guardian) {
                _guardians[i] = _guardians[n - 1];
                delete _guardians[n - 1];
                cfg.guardianCount = uint8(n - 1);
                _storeConfig(cfg);
                emit ITreasurySafe.GuardianRemoved(guardian);
                return;
            }
        }
        revert ITreasurySafe.GuardianNotFound(guardian);
    }

    /// @notice See ITreasurySafe.setDelay.
    function setDelay(uint32 newDelay) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newDelay >= cfg.delay);
        // Within bounds, and the grace still outlasts a freeze (TreasurySafeLens.setDelay, same calldata).
        _askLens();
        cfg.delay = newDelay;
        _storeConfig(cfg);
        emit ITreasurySafe.DelayChanged(newDelay);
    }

    /// @notice See ITreasurySafe.setGrace.
    function setGrace(uint32 newGrace) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newGrace <= cfg.grace);
        // Within bounds, and still outlasting a freeze (TreasurySafeLens.setGrace, same calldata).
        _askLens();
        cfg.grace = newGrace;
        _storeConfig(cfg);
        emit ITreasurySafe.GraceChanged(newGrace);
    }

    /// @notice See ITreasurySafe.setFreezeDuration.
    function setFreezeDuration(uint32 newFreezeDuration) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newFreezeDuration >= cfg.freezeDuration);
        // Within bounds, and the grace still outlasts it (TreasurySafeLens.setFreezeDuration, same calldata).
        _askLens();
        cfg.freezeDuration = newFreezeDuration;
        _storeConfig(cfg);
        emit ITreasurySafe.FreezeDurationChanged(newFreezeDuration);
    }

    /// @notice See ITreasurySafe.setCap.
    function setCap(address asset, uint128 limit, uint32 period) external onlySelf {
        // The native coin or a contract other than the safe, a limit, a window within bounds (TreasurySafeLens.setCap).
        _askLens();
        Config memory cfg = _loadConfig();
        uint256 i = _findCap(cfg, asset);
        // slither-disable-next-line incorrect-equality: i == capCount is _findCap's 'not found' sentinel, not a balance
        if (i == cfg.capCount) {
            // A cap on a new asset only restricts.
            _addCap(cfg, asset, limit, period);
            _storeConfig(cfg);
            return;
        }
        Cap memory old = _caps[i];
        // Tighter means: no more per window, over the same windows. Any new period is a loosening: a longer one
        // would start counting afresh and forget what its longer window should still count (F-9).
        // slither-disable-next-line incorrect-equality: limit and period are configured values, not balances
        bool tightens = limit <= old.limit && period == old.period;
        _requireTightening(tightens);
        if (tightens) {
            // In force at once, carrying what the window already counts; a scheduled loosening is dropped.
            _caps[i] = _rebased(old, limit, period);
            emit ITreasurySafe.CapSet(asset, limit, period);
        } else {
            _schedule(_caps[i], limit, period);
        }
    }

    /// @notice See ITreasurySafe.removeCap.
    function removeCap(address asset) external onlySelf {
        _requireTightening(false);
        _schedule(_caps[_capIndex(asset)], 0, 0);
    }

    /// @notice See ITreasurySafe.quarantine.
    function quarantine(address asset) external onlySelf {
        uint256 i = _capIndex(asset);
        // The native coin's balance cannot lie; quarantine is for tokens.
        if (asset == NATIVE_ASSET) revert ITreasurySafe.InvalidCap(asset, 0, 0);
        _caps[i].quarantined = true;
        emit ITreasurySafe.CapQuarantined(asset);
    }

    /// @notice See ITreasurySafe.allowSelector.
    function allowSelector(address asset, bytes4 selector) external onlySelf {
        _requireTightening(false);
        uint256 i = _capIndex(asset);
        // Like any loosening of a cap, in force one period of the cap after it runs (F-2).
        uint64 from = uint64(block.timestamp) + _caps[i].period;
        _extraSelectors[asset] = ExtraSelector({selector: selector, from: from});
        emit ITreasurySafe.SelectorAllowed(asset, selector, from);
    }

    /// @notice See ITreasurySafe.disallowSelector.
    function disallowSelector(address asset) external onlySelf {
        delete _extraSelectors[asset];
        emit ITreasurySafe.SelectorDisallowed(asset);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.extsload.
    function extsload(bytes32 slot) external view returns (bytes32 value) {
        assembly ("memory-safe") {
            // A plain storage read: anything on chain is public anyway.
            value := sload(slot)
        }
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

    /*//////////////////////////////////////////////////////////////
                          INTERNAL: PROPOSALS
    //////////////////////////////////////////////////////////////*/

    function _hashProposal(ITreasurySafe.Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        internal
        view
        returns (bytes32)
    {
        bytes32[] memory callHashes = new bytes32[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            callHashes[i] = keccak256(abi.encode(CALL_TYPEHASH, c.target, c.value, keccak256(c.data)));
        }
        bytes32 structHash = keccak256(
            abi.encode(PROPOSAL_TYPEHASH, keccak256(abi.encodePacked(callHashes)), salt, proposalEpoch)
        );
        bytes32 domain =
            keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @dev Verifies every signature against the id and adds its owner to `approvals` (the on-chain approvals).
    ///      Returns the new bitmap and every approver exactly once: the on-chain approvers in owner order, then
    ///      the owners whose signatures added an approval, in signature order.
    function _verifySignatures(bytes32 id, ITreasurySafe.Signature[] calldata signatures, uint32 approvals)
        internal
        view
        returns (uint32, address[] memory approvers)
    {
        uint32 onChain = approvals;
        address[] memory added = new address[](signatures.length);
        // slither-disable-next-line uninitialized-local: signers added so far; counts from 0 (zero-initialised)
        uint256 n;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = signatures[i].signer;
            uint8 index = _ownerIndex(signer);
            // Only owners' approvals count; anything else is a mistake worth surfacing.
            // slither-disable-next-line incorrect-equality: uint8 max is _ownerIndex's 'not an owner' sentinel
            if (index == type(uint8).max) revert ITreasurySafe.SignerNotOwner(signer);
            // ECDSA (low-s, 65 bytes) by the owner's key, or EIP-1271 for an owner with code.
            if (!_isValidSignature(signer, id, signatures[i].data)) {
                revert ITreasurySafe.InvalidSignature(signer);
            }
            uint32 bit = uint32(1 << index);
            // A bitmap counts each owner once, however many approvals it brings; the event names it once.
            // slither-disable-next-line incorrect-equality: tests an owner's bit in the approval bitmap
            if (approvals & bit == 0) added[n++] = signer;
            approvals |= bit;
        }
        // Every approval came from a distinct signature (the usual case): the signers are the list.
        // slither-disable-next-line incorrect-equality: empty on-chain bitmap, one owner per signature: counts
        if (onChain == 0 && n == signatures.length) return (approvals, added);
        approvers = _ownersIn(onChain, n);
        for (uint256 i; i < n; ++i) {
            approvers[approvers.length - n + i] = added[i];
        }
        return (approvals, approvers);
    }

    /// @dev Whether `data` approves `id` for `signer`: an ECDSA signature (65 bytes, low s) that recovers to the
    ///      signer, or else, if the signer has code (a contract, an EIP-7702 account), its EIP-1271 answer.
    ///      ECDSA is tried first, as it reads no account: only the signer's own key can produce it.
    function _isValidSignature(address signer, bytes32 id, bytes calldata data) internal view returns (bool) {
        // slither-disable-next-line unused-return: the third value only details `err`, which the next line checks
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(id, data);
        // slither-disable-next-line incorrect-equality: ECDSA error enum and recovered-signer identity, not a balance
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, id, data);
    }

    /// @dev A list of the owners whose bits are set in `bits` (current epoch, in owner order) followed by
    ///      `room` empty entries. Walks the owner list only as far as the highest set bit.
    function _ownersIn(uint32 bits, uint256 room) internal view returns (address[] memory list) {
        list = new address[](_popcount(bits) + room);
        address current = SENTINEL;
        // slither-disable-next-line uninitialized-local: index into `list`, counts from 0 (zero-initialised on purpose)
        uint256 n;
        // Owner index i is the i-th node after the sentinel.
        for (uint256 i; bits >> i != 0; ++i) {
            current = _owners[current].next;
            if (bits & (uint32(1) << i) != 0) list[n++] = current;
        }
    }

    /// @dev Checks that `id` may enter the queue now and builds its queued record.
    function _admit(
        bytes32 id,
        ITreasurySafe.Call[] calldata calls,
        ITreasurySafe.Signature[] calldata signatures,
        Config memory cfg
    ) internal view returns (Record memory r, address[] memory approvers) {
        r = _loadRecord(id);
        // Queue once: a queued, executed or cancelled id can never be queued again (replay).
        if (r.status != Status.None && r.status != Status.Proposed) {
            revert ITreasurySafe.InvalidProposalState(id, _stateOf(id));
        }
        bool allowedWhileEvacuated;
        (r.fastTrack, r.freezeExempt, r.guardianProtected, allowedWhileEvacuated) = _classify(calls);
        // While frozen, only the owners' way out (unfreeze, cancel) may enter the queue.
        if (_isFrozen(cfg) && !r.freezeExempt) revert ITreasurySafe.Frozen(cfg.frozenUntil);

        // The id commits to the current epoch, so on-chain approvals of a Proposed record are current.
        (r.approvals, approvers) = _verifySignatures(id, signatures, r.approvals);
        uint256 count = _popcount(r.approvals);
        // M distinct owners of the current epoch, counted once whatever the kind of approval.
        if (count < cfg.threshold) revert ITreasurySafe.InsufficientApprovals(id, count, cfg.threshold);

        // The clock starts now that M approvals are in; tightening-only batches need no delay.
        // While evacuated only the remedy and tightenings queue; nothing queued now is voided by this generation.
        if (cfg.evacuated && !allowedWhileEvacuated) {
            revert ITreasurySafe.NotAllowedWhileEvacuated(id);
        }
        r.status = Status.Queued;
        r.generation = cfg.generation;
        r.epoch = cfg.epoch;
        r.eta = r.fastTrack ? uint64(block.timestamp) : uint64(block.timestamp) + cfg.delay;
        r.expiresAt = r.eta + cfg.grace;
    }

    function _emitQueued(
        bytes32 id,
        Record memory r,
        bytes32 salt,
        ITreasurySafe.Call[] calldata calls,
        address[] memory approvers
    ) internal {
        emit ITreasurySafe.ProposalQueued(
            id, r.eta, r.expiresAt, r.epoch, salt, calls, approvers, r.fastTrack
        );
    }

    /// @dev Which special paths a batch may take (see TreasurySafeLens.classify, which judges them): only a batch of
    ///      value-less self-calls may take one, so any other batch is answered here without the lens.
    function _classify(ITreasurySafe.Call[] calldata calls)
        internal
        view
        returns (bool fastTrack, bool freezeExempt, bool guardianProtected, bool allowedWhileEvacuated)
    {
        if (!_onlySelfCalls(calls)) return (false, false, false, false);
        return TreasurySafeLens(LENS).classify(calls);
    }

    /// @dev Whether every call is a value-less self-call (such a batch moves nothing but a reopen's sweep).
    function _onlySelfCalls(ITreasurySafe.Call[] calldata calls) internal view returns (bool) {
        for (uint256 i; i < calls.length; ++i) {
            if (calls[i].target != address(this) || calls[i].value != 0) return false;
        }
        return true;
    }

    /// @dev Voided: queued in an earlier evacuation generation and not guardian-protected (terminal).
    function _voided(Record memory r, Config memory cfg) internal pure returns (bool) {
        // slither-disable-next-line incorrect-equality: Status enum and evacuation generation counters, not a balance
        return r.status == Status.Queued && !r.guardianProtected && r.generation < cfg.generation;
    }

    /// @dev Reverts when a fast-tracked batch attempts a change that does not tighten.
    function _requireTightening(bool tightens) internal view {
        // Loosening must wait the full delay so guardians and watchers can react.
        if (_fastTrack && !tightens) revert ITreasurySafe.LooseningNeedsDelay(msg.sig);
    }

    /// @dev The proposal's state for an error's argument, from the lens (revert paths only: saves the safe's bytes).
    function _stateOf(bytes32 id) internal view returns (ITreasurySafe.ProposalState) {
        return TreasurySafeLens(LENS).proposalState(id);
    }

    function _isFrozen(Config memory cfg) internal view returns (bool) {
        return block.timestamp < cfg.frozenUntil;
    }

    function _popcount(uint32 x) internal pure returns (uint256 n) {
        for (; x != 0; x &= x - 1) {
            ++n;
        }
    }

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
    function _inspect(ITreasurySafe.Call[] calldata calls, uint256 capCount)
        internal
        view
        returns (Outflow[] memory flows, Grant[] memory grants, uint256 grantCount)
    {
        flows = new Outflow[](capCount);
        for (uint256 k; k < capCount; ++k) {
            (flows[k].asset, flows[k].quarantined) = (_caps[k].asset, _caps[k].quarantined);
        }
        grants = new Grant[](calls.length);
        // slither-disable-next-line uninitialized-local: false until a call targets other than the safe
        bool moves;
        // The first call that runs other code (calls.length: none).
        uint256 foreign = calls.length;
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            // The safe's own functions (setters, cancel, freeze, receive) never move anything.
            if (c.target == address(this)) continue;
            moves = true;
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
        // A batch of self-calls only is never measured, so no capped asset can block it.
        if (!moves) return (flows, grants, grantCount);
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
            // slither-disable-next-line arbitrary-send-eth: the queued batch: M owners approved it, delay passed
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
            (bool ok, uint256 allowance) = _readWord(
                asset, abi.encodeWithSignature("allowance(address,address)", address(this), grants[g].spender)
            );
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
        (uint128 limit, uint128 lanes, uint64 head) = (cap.limit, cap.lanes, cap.head);
        uint64 nowIndex = RollingCap.indexAt(cap.period, block.timestamp);
        uint256 free = RollingCap.FULL - RollingCap.usedUnits(lanes, head, nowIndex);
        uint256 left = RollingCap.toAmount(free, limit);
        // The rolling bound: over any window of the cap's period, at most its limit leaves. Compared in
        // amounts, not units, so any amount (even type(uint256).max) is refused before it is converted:
        // amount > ⌊free·C/FULL⌋ exactly when ⌈amount·FULL/C⌉ > free, so the two tests agree.
        if (amount > left) revert ITreasurySafe.CapExceeded(asset, amount, left);
        uint256 units = RollingCap.toUnits(amount, limit);
        (lanes, head) = RollingCap.record(lanes, head, nowIndex, units);
        (cap.lanes, cap.head) = (lanes, uint32(head));
        emit ITreasurySafe.CapConsumed(asset, amount, RollingCap.toAmount(free - units, limit));
    }

    function _balanceOf(address asset) internal view returns (bool, uint256) {
        if (asset == NATIVE_ASSET) return (true, address(this).balance);
        return _readWord(asset, abi.encodeWithSignature("balanceOf(address)", address(this)));
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

    /// @dev `c` as in force now: a scheduled change whose time has come is applied (limit 0: removed).
    function _inForce(Cap memory c) internal view returns (Cap memory) {
        if (!c.scheduled || block.timestamp < c.nextAt) return c;
        if (c.nextLimit == 0) c.limit = 0;
        else c = _rebased(c, c.nextLimit, c.nextPeriod);
        return c;
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
        (uint128 lanes,) = RollingCap.record(0, head, head, carried);
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

    /*//////////////////////////////////////////////////////////////
                    INTERNAL: RECOVERY AND EVACUATION
    //////////////////////////////////////////////////////////////*/

    /// @dev Enters the Evacuated state if needed (a guardian with power: `guardian`, when `needsPower`), then sweeps.
    function _evacuate(address guardian, bool needsPower, ITreasurySafe.EvacuationExtra[] calldata extras)
        internal
    {
        // A bounded sweep: every asset has a fixed gas budget, so the caller's list is bounded too.
        if (extras.length > MAX_EXTRAS) revert ITreasurySafe.TooManyExtras(extras.length, MAX_EXTRAS);
        Config memory cfg = _loadConfig();
        if (needsPower) {
            uint256 i = _guardianIndex(guardian, cfg.guardianCount);
            // Evacuating is a guardian power (the owners have no immediate evacuate).
            if (i == MAX_GUARDIANS) revert ITreasurySafe.NotGuardian(guardian);
            uint64 powerAt = _guardians[i].powerAt;
            // A guardian added by stolen keys must not sweep before the delay has let the others react.
            if (block.timestamp < powerAt) revert ITreasurySafe.NoEvacuationPower(guardian, powerAt);
        }
        // A scheduled recovery address whose time has come is written first, so the event names the destination.
        _settleRecovery();
        if (!cfg.evacuated) {
            // O(1), before any transfer: a new generation voids the earlier queue; the epoch voids signatures.
            cfg.evacuated = true;
            ++cfg.generation;
            ++cfg.epoch;
            _storeConfig(cfg);
            _recovery.evacuatedAt = uint40(block.timestamp);
            emit ITreasurySafe.EpochChanged(cfg.epoch);
            emit ITreasurySafe.SafeEvacuated(guardian, msg.sender, cfg.generation, _recovery.account);
        }
        address to = _sweep(cfg.capCount);
        // Then the caller's extras. While the recovery address has not accepted nothing is sent, but allowances are
        // still revoked: a revocation moves nothing, and a spender the thieves approved must not wait for it.
        for (uint256 i; i < extras.length; ++i) {
            if (to != address(0) || extras[i].spender != address(0)) {
                _sweepOne(extras[i].asset, extras[i].spender, to);
            }
        }
    }

    /// @dev Moves the native balance, every capped asset and the evacuation list to the recovery address; returns it
    ///      (zero when it has not accepted: then nothing moves).
    function _sweep(uint256 capCount) internal returns (address to) {
        bool accepted;
        (to, accepted) = _settleRecovery();
        // An address that never accepted here may be a typo or exist only on another chain: move nothing.
        if (!accepted) {
            emit ITreasurySafe.SweepHeld(to);
            return address(0);
        }
        // The native coin, the capped assets, then the evacuation list.
        uint256 listed = _backup.listCount;
        for (uint256 k; k < 1 + capCount + listed; ++k) {
            // Quarantined or not, a capped asset is swept (a capped native coin again: its balance is then zero).
            address asset = k == 0
                ? NATIVE_ASSET
                : k <= capCount ? _caps[k - 1].asset : _evacuationList[k - 1 - capCount];
            _sweepOne(asset, address(0), to);
        }
    }

    /// @dev One asset's sweep (`spender` zero) or allowance revocation, with its full gas budget or not at all.
    function _sweepOne(address asset, address spender, address to) internal {
        uint256 left = gasleft();
        // A caller must not starve one asset by sending just enough gas for the others.
        if (left < SWEEP_GAS) revert ITreasurySafe.InsufficientSweepGas(asset, left, SWEEP_GAS);
        if (spender == address(0)) _sweepAsset(asset, to);
        else _revoke(asset, spender);
    }

    /// @dev Sweeps the whole balance of one asset. Swept means the safe's balance fell; anything else is reported.
    function _sweepAsset(address asset, address to) internal {
        if (asset == NATIVE_ASSET) {
            uint256 amount = address(this).balance;
            // slither-disable-next-line incorrect-equality: 0: nothing to send; a donation only makes this sweep it too
            if (amount == 0) return;
            bool sent;
            assembly ("memory-safe") {
                // The whole balance, a bounded budget, and no return data copied (no "return bomb").
                sent := call(SWEEP_TRANSFER_GAS, to, amount, 0, 0, 0, 0)
            }
            if (sent) emit ITreasurySafe.AssetSwept(asset, to, amount, address(this).balance);
            else emit ITreasurySafe.SweepFailed(asset, address(0));
            return;
        }
        bytes memory balanceQuery = abi.encodeWithSignature("balanceOf(address)", address(this));
        (bool ok, uint256 before) = _readWord(asset, balanceQuery);
        // slither-disable-next-line incorrect-equality: 0: nothing to send; a donated balance is swept like any other
        if (ok && before == 0) return;
        if (ok) {
            _callWith(asset, abi.encodeWithSignature("transfer(address,uint256)", to, before));
            uint256 left;
            (ok, left) = _readWord(asset, balanceQuery);
            // The answer of `transfer` is not trusted either way: only a fall of the balance counts.
            if (ok && left < before) {
                emit ITreasurySafe.AssetSwept(asset, to, before - left, left);
                return;
            }
        }
        emit ITreasurySafe.SweepFailed(asset, address(0));
    }

    /// @dev Revokes the safe's allowance on `asset` to `spender`; revoked means the allowance now reads zero.
    function _revoke(address asset, address spender) internal {
        _callWith(asset, abi.encodeWithSignature("approve(address,uint256)", spender, 0));
        (bool ok, uint256 left) =
            _readWord(asset, abi.encodeWithSignature("allowance(address,address)", address(this), spender));
        // slither-disable-next-line incorrect-equality: allowance read back zero only picks which event is emitted
        if (ok && left == 0) emit ITreasurySafe.AllowanceRevoked(asset, spender);
        else emit ITreasurySafe.SweepFailed(asset, spender);
    }

    /// @dev A token call with the transfer budget whose result and return data are ignored (judged by balances).
    function _callWith(address token, bytes memory data) internal {
        assembly ("memory-safe") {
            // No value, bounded gas, nothing copied back: a reverting or bombing token only fails itself.
            pop(call(SWEEP_TRANSFER_GAS, token, 0, add(data, 0x20), mload(data), 0, 0))
        }
    }

    /// @dev Records the acceptance of `account` if it is the recovery address, the backup or the scheduled one.
    function _accept(address account) internal {
        // slither-disable-next-line uninitialized-local: false until `account` is one of the recovery addresses
        bool known;
        if (account == _recovery.account) (known, _recovery.accepted) = (true, true);
        if (account == _backup.account) (known, _backup.accepted) = (true, true);
        if (account == _scheduledRecovery()) (known, _pending.accepted) = (true, true);
        // Only a recovery address may accept; anything else would be a mistake worth surfacing.
        if (!known) revert ITreasurySafe.NotRecoveryCandidate(account);
        emit ITreasurySafe.RecoveryAccepted(account);
        _settleRecovery();
    }

    /// @dev The recovery address in force now and whether it accepted: a scheduled change applies once its time has
    ///      come and it has accepted.
    function _recoveryInForce() internal view returns (address, bool) {
        PendingRecovery storage p = _pending;
        if (p.account != address(0) && p.accepted && block.timestamp >= p.effectiveAt) {
            return (p.account, true);
        }
        return (_recovery.account, _recovery.accepted);
    }

    /// @dev Writes a scheduled change whose time has come (and that accepted) into the recovery address.
    function _settleRecovery() internal returns (address to, bool accepted) {
        (to, accepted) = _recoveryInForce();
        if (to != _recovery.account) {
            (_recovery.account, _recovery.accepted) = (to, true);
            delete _pending;
            emit ITreasurySafe.RecoverySet(to, _backup.account);
        }
    }

    /// @dev The scheduled new recovery address, if still scheduled: not yet in force and not lapsed (else zero).
    function _scheduledRecovery() internal view returns (address) {
        PendingRecovery storage p = _pending;
        if (p.accepted ? block.timestamp >= p.effectiveAt : block.timestamp > p.lapsesAt) return address(0);
        return p.account;
    }

    /// @dev Whether `account` is the recovery address, the backup or a scheduled one (until replaced or cancelled,
    ///      even once lapsed: refusing it as an owner or guardian a little longer is the safe side).
    function _isRecoveryAddress(address account) internal view returns (bool) {
        return account == _recovery.account || account == _backup.account || account == _pending.account;
    }

    /*//////////////////////////////////////////////////////////////
                      INTERNAL: OWNERS AND GUARDIANS
    //////////////////////////////////////////////////////////////*/

    function _isOwner(address account) internal view returns (bool) {
        return account != SENTINEL && _owners[account].next != address(0);
    }

    /// @dev The caller's owner index, or revert.
    function _requireOwner(address account) internal view returns (uint8 index) {
        index = _ownerIndex(account);
        // Proposing and approving are owner powers.
        // slither-disable-next-line incorrect-equality: uint8 max is _ownerIndex's 'not an owner' sentinel
        if (index == type(uint8).max) revert ITreasurySafe.NotOwner(account);
    }

    /// @dev The owner index of `account`, or type(uint8).max if it is not an owner.
    function _ownerIndex(address account) internal view returns (uint8) {
        OwnerNode memory node = _owners[account];
        if (account == SENTINEL || node.next == address(0)) return type(uint8).max;
        return node.index;
    }

    function _ownerList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        address current = _owners[SENTINEL].next;
        for (uint256 i; i < count; ++i) {
            list[i] = current;
            current = _owners[current].next;
        }
    }

    /// @dev Replaces the owner list and threshold; a change (not the first write) bumps the epoch.
    function _writeOwners(Config memory cfg, address[] memory list, uint256 newThreshold) internal {
        // 1..MAX_OWNERS owners: approval bitmaps are 32 bits.
        // slither-disable-next-line incorrect-equality: argument check: an empty owner list is refused
        if (list.length == 0 || list.length > MAX_OWNERS) {
            revert ITreasurySafe.OwnerCountOutOfBounds(list.length, MAX_OWNERS);
        }
        // M of N with 1 <= M <= N.
        // slither-disable-next-line incorrect-equality: argument check: threshold 0 is refused
        if (newThreshold == 0 || newThreshold > list.length) {
            revert ITreasurySafe.InvalidThreshold(newThreshold, list.length);
        }

        // slither-disable-next-line incorrect-equality: ownerCount is 0 only before initialize wrote the owners
        bool firstWrite = cfg.ownerCount == 0;
        address[] memory old = _ownerList(cfg.ownerCount);
        for (uint256 i; i < old.length; ++i) {
            delete _owners[old[i]];
        }
        _owners[SENTINEL] = OwnerNode({next: list[0], index: 0});
        for (uint256 i; i < list.length; ++i) {
            address owner = list[i];
            // No zero, sentinel or self owner, and no duplicates (a node already written).
            if (
                owner == address(0) || owner == SENTINEL || owner == address(this)
                    || _owners[owner].next != address(0)
            ) revert ITreasurySafe.InvalidOwner(owner);
            // An owner that is also where the funds go would make the recovery address a spender's.
            if (_isRecoveryAddress(owner)) revert ITreasurySafe.InvalidRecovery(owner);
            _owners[owner] = OwnerNode({next: i + 1 < list.length ? list[i + 1] : SENTINEL, index: uint8(i)});
        }
        cfg.ownerCount = uint8(list.length);
        if (cfg.threshold != newThreshold) {
            cfg.threshold = uint8(newThreshold);
            if (!firstWrite) emit ITreasurySafe.ThresholdChanged(newThreshold);
        }
        if (!firstWrite) {
            // New owner set or threshold: approvals gathered under the old one no longer count.
            ++cfg.epoch;
            emit ITreasurySafe.EpochChanged(cfg.epoch);
        }
    }

    function _addGuardian(Config memory cfg, address guardian, uint64 powerAt) internal {
        // Guardians are real, distinct accounts other than the safe.
        if (guardian == address(0) || guardian == address(this) || _isGuardian(guardian, cfg.guardianCount)) {
            revert ITreasurySafe.InvalidGuardian(guardian);
        }
        // A guardian that is also where the funds go could sweep to itself.
        if (_isRecoveryAddress(guardian)) revert ITreasurySafe.InvalidRecovery(guardian);
        // Bounded so every guardian check stays cheap.
        if (cfg.guardianCount >= MAX_GUARDIANS) revert ITreasurySafe.TooManyGuardians(MAX_GUARDIANS);
        _guardians[cfg.guardianCount] = GuardianSlot({account: guardian, powerAt: powerAt});
        ++cfg.guardianCount;
        emit ITreasurySafe.GuardianAdded(guardian);
    }

    function _isGuardian(address account, uint256 count) internal view returns (bool) {
        return _guardianIndex(account, count) != MAX_GUARDIANS;
    }

    /// @dev The index of `account` among the guardians, or MAX_GUARDIANS.
    function _guardianIndex(address account, uint256 count) internal view returns (uint256) {
        if (account == address(0)) return MAX_GUARDIANS;
        for (uint256 i; i < count; ++i) {
            if (_guardians[i].account == account) return i;
        }
        return MAX_GUARDIANS;
    }

    function _guardianList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = _guardians[i].account;
        }
    }
}
