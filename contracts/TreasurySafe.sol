// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {RollingCap} from "./libraries/RollingCap.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
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
contract TreasurySafe is ITreasurySafe, EIP712 {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Packed into one slot (240 bits).
    struct Config {
        uint8 threshold;
        uint8 ownerCount;
        uint8 guardianCount;
        uint8 capCount;
        bool guardiansArmed;
        bool initialized;
        uint32 epoch;
        uint32 delay;
        uint32 grace;
        uint32 freezeDuration;
        uint64 frozenUntil;
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

    /// @dev One slot (224 bits) per proposal.
    struct Record {
        Status status;
        bool fastTrack;
        bool freezeExempt;
        bool guardianProtected;
        uint32 epoch;
        uint32 approvals;
        uint64 eta;
        uint64 expiresAt;
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

    /// @notice Stands for the chain's native coin in caps.
    address public constant NATIVE_ASSET = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    /// @notice Bounds of the configuration.
    uint256 public constant MAX_OWNERS = 32;
    uint256 public constant MAX_GUARDIANS = 8;
    uint256 public constant MAX_CAPS = 16;
    uint32 public constant MIN_DELAY = 1 hours;
    uint32 public constant MAX_DELAY = 30 days;
    uint32 public constant MIN_GRACE = 1 hours;
    uint32 public constant MAX_GRACE = 90 days;
    uint32 public constant MIN_FREEZE = 1 hours;
    uint32 public constant MAX_FREEZE = 14 days;
    uint32 public constant MIN_CAP_PERIOD = 1 hours;
    uint32 public constant MAX_CAP_PERIOD = 365 days;

    /// @notice EIP-712 type hashes of a proposal.
    bytes32 public constant CALL_TYPEHASH = keccak256("Call(address target,uint256 value,bytes data)");
    bytes32 public constant PROPOSAL_TYPEHASH = keccak256(
        "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)"
    );

    /// @notice The factory allowed to initialise clones of this implementation.
    address public immutable FACTORY;

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

    Config private _config;
    mapping(address owner => OwnerNode) private _owners;
    address[MAX_GUARDIANS] private _guardians;
    Cap[MAX_CAPS] private _caps;
    mapping(bytes32 id => Record) private _records;
    /// @dev Read only when a batch calls a capped token with a function outside the measured ones.
    mapping(address asset => ExtraSelector) private _extraSelectors;

    /// @dev Set while `execute`, `queue`, `propose` or `approve` runs.
    bool private transient _locked;
    /// @dev Set while a fast-tracked proposal executes: setters must then only tighten.
    bool private transient _fastTrack;

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    modifier nonReentrant() {
        // A call made by `execute` must not re-enter the proposal machinery.
        if (_locked) revert Reentrant();
        _locked = true;
        _;
        _locked = false;
    }

    modifier onlySelf() {
        // Configuration changes only through the safe's own proposals.
        if (msg.sender != address(this)) revert NotSelf(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Deploys the implementation. It is marked initialised so it can never hold owners or funds rules.
    constructor() EIP712("TreasurySafe", "1") {
        FACTORY = msg.sender;
        _config.initialized = true;
    }

    /// @notice Accepts the native coin.
    receive() external payable {}

    /*//////////////////////////////////////////////////////////////
                             INITIALISATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITreasurySafe
    function initialize(InitConfig calldata config) external {
        // Only the factory, in the transaction that creates the clone: nothing to front-run.
        if (msg.sender != FACTORY) revert NotFactory(msg.sender);
        Config memory cfg = _loadConfig();
        // Once per clone; the implementation is initialised in its constructor.
        if (cfg.initialized) revert AlreadyInitialized();
        cfg.initialized = true;
        cfg.guardiansArmed = true;

        _writeOwners(cfg, config.owners, config.threshold);
        for (uint256 i; i < config.guardians.length; ++i) {
            _addGuardian(cfg, config.guardians[i]);
        }
        _checkTiming(config.delay, config.grace, config.freezeDuration);
        (cfg.delay, cfg.grace, cfg.freezeDuration) = (config.delay, config.grace, config.freezeDuration);
        for (uint256 i; i < config.caps.length; ++i) {
            CapConfig calldata c = config.caps[i];
            _checkCap(c.asset, c.limit, c.period);
            // A duplicate asset would be two caps; the first one must be the only one.
            if (_findCap(cfg, c.asset) < cfg.capCount) revert InvalidCap(c.asset, c.limit, c.period);
            _addCap(cfg, c.asset, c.limit, c.period);
        }
        _storeConfig(cfg);
        emit SafeInitialized(
            config.owners, config.threshold, config.delay, config.grace, config.freezeDuration
        );
    }

    /*//////////////////////////////////////////////////////////////
                               PROPOSALS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITreasurySafe
    function propose(Call[] calldata calls, bytes32 salt) external nonReentrant returns (bytes32 id) {
        Config memory cfg = _loadConfig();
        uint8 index = _requireOwner(msg.sender);
        // An empty batch would be a proposal that does nothing but consume an id.
        if (calls.length == 0) revert EmptyBatch();
        id = _hashProposal(calls, salt, cfg.epoch);
        Record memory r = _loadRecord(id);
        // An id is proposed once; terminal ids stay terminal.
        if (r.status != Status.None) revert InvalidProposalState(id, _stateOf(r, cfg));
        (bool fastTrack, bool freezeExempt, bool guardianProtected) = _classify(calls);
        _records[id] = Record({
            status: Status.Proposed,
            fastTrack: fastTrack,
            freezeExempt: freezeExempt,
            guardianProtected: guardianProtected,
            epoch: cfg.epoch,
            approvals: uint32(1 << index),
            eta: 0,
            expiresAt: 0
        });
        emit ProposalCreated(id, msg.sender, cfg.epoch, salt, calls);
        emit ProposalApproved(id, msg.sender);
    }

    /// @inheritdoc ITreasurySafe
    function approve(bytes32 id) external nonReentrant {
        Config memory cfg = _loadConfig();
        uint8 index = _requireOwner(msg.sender);
        Record storage r = _records[id];
        // Only proposals still collecting approvals can be approved.
        if (r.status != Status.Proposed) revert InvalidProposalState(id, _stateOf(r, cfg));
        // Approvals from an older owner set no longer count.
        if (r.epoch != cfg.epoch) revert StaleProposal(id, r.epoch, cfg.epoch);
        uint32 bit = uint32(1 << index);
        // Each owner approves once; a second approval would be a no-op that hides a mistake.
        if (r.approvals & bit != 0) revert AlreadyApproved(id, msg.sender);
        r.approvals |= bit;
        emit ProposalApproved(id, msg.sender);
    }

    /// @inheritdoc ITreasurySafe
    function queue(Call[] calldata calls, bytes32 salt, Signature[] calldata signatures)
        external
        nonReentrant
        returns (bytes32 id, uint64 eta)
    {
        Config memory cfg = _loadConfig();
        // An empty batch would be a proposal that does nothing.
        if (calls.length == 0) revert EmptyBatch();
        id = _hashProposal(calls, salt, cfg.epoch);
        (Record memory r, address[] memory approvers) = _admit(id, calls, signatures, cfg);
        _records[id] = r;
        eta = r.eta;
        _emitQueued(id, r, salt, calls, approvers);
    }

    /// @inheritdoc ITreasurySafe
    function execute(Call[] calldata calls, bytes32 salt, uint32 proposalEpoch) external nonReentrant {
        bytes32 id = _hashProposal(calls, salt, proposalEpoch);
        Record memory r = _loadRecord(id);
        Config memory cfg = _loadConfig();
        // Only queued proposals execute, and at most once.
        if (r.status != Status.Queued) revert InvalidProposalState(id, _stateOf(r, cfg));
        // The timelock: nothing runs before its eta…
        if (block.timestamp < r.eta) revert NotReady(id, r.eta);
        // …nor after its grace period.
        if (block.timestamp > r.expiresAt) revert ProposalExpired(id, r.expiresAt);
        // A freeze stops everything but the owners' way out.
        if (_isFrozen(cfg) && !r.freezeExempt) revert Frozen(cfg.frozenUntil);

        // Effects before interactions: a re-entrant or repeated execute finds it executed.
        _records[id].status = Status.Executed;

        // Scheduled cap changes whose time has come take effect first: the batch meets the caps in force now.
        _settleCaps(cfg);
        (Outflow[] memory flows, Grant[] memory grants, uint256 grantCount) = _inspect(calls, cfg.capCount);
        _fastTrack = r.fastTrack;
        _runCalls(calls);
        _fastTrack = false;
        _chargeCaps(flows, grants, grantCount);

        emit ProposalExecuted(id, msg.sender);
    }

    /// @inheritdoc ITreasurySafe
    function cancel(bytes32 id) external {
        // Outsiders may not cancel from inside an executing batch; the safe's own batch may.
        if (_locked && msg.sender != address(this)) revert Reentrant();
        Record storage r = _records[id];
        Status status = r.status;
        if (msg.sender == address(this)) {
            // The owners may void any live id, even one never seen on chain (leaked signatures).
            if (status != Status.None && status != Status.Proposed && status != Status.Queued) {
                revert InvalidProposalState(id, _stateOf(r, _loadConfig()));
            }
        } else {
            // Cancelling is a guardian power (owners cancel through a proposal).
            if (!_isGuardian(msg.sender, _config.guardianCount)) revert NotGuardian(msg.sender);
            // Guardians cancel what exists on chain and is not yet terminal.
            if (status != Status.Proposed && status != Status.Queued) {
                revert InvalidProposalState(id, _stateOf(r, _loadConfig()));
            }
            // A rogue guardian must not be able to block its own removal, nor the owners' unfreeze or cancels.
            if (r.guardianProtected) revert GuardianCannotCancel(id);
        }
        r.status = Status.Cancelled;
        emit ProposalCancelled(id, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 FREEZE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITreasurySafe
    function freeze() external {
        // Outsiders may not freeze from inside an executing batch; the safe's own batch may.
        if (_locked && msg.sender != address(this)) revert Reentrant();
        Config memory cfg = _loadConfig();
        if (msg.sender != address(this)) {
            // Freezing is a guardian power (owners freeze through a proposal).
            if (!_isGuardian(msg.sender, cfg.guardianCount)) revert NotGuardian(msg.sender);
            // One shot: a stolen guardian key cannot keep the safe frozen.
            if (!cfg.guardiansArmed) revert GuardiansDisarmed();
            cfg.guardiansArmed = false;
        }
        uint64 until = uint64(block.timestamp) + cfg.freezeDuration;
        // A freeze never shortens a running one (and never spends the shot for nothing).
        if (cfg.frozenUntil >= until) revert AlreadyFrozen(cfg.frozenUntil);
        cfg.frozenUntil = until;
        _storeConfig(cfg);
        emit SafeFrozen(msg.sender, until);
    }

    /// @inheritdoc ITreasurySafe
    /// @dev Loosening, yet fast-tracked: SPEC lets M owners end a freeze early. It is the owners' way out
    ///      of a rogue guardian's freeze; a guardian cannot be both frozen out and able to block it for long.
    function unfreeze() external onlySelf {
        Config memory cfg = _loadConfig();
        // Nothing to end.
        if (!_isFrozen(cfg)) revert NotFrozen();
        cfg.frozenUntil = 0;
        _storeConfig(cfg);
        emit SafeUnfrozen();
    }

    /// @inheritdoc ITreasurySafe
    function rearmGuardians() external onlySelf {
        _config.guardiansArmed = true;
        emit GuardiansRearmed();
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITreasurySafe
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
        emit OwnerAdded(owner);
    }

    /// @inheritdoc ITreasurySafe
    function removeOwner(address owner, uint256 newThreshold) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newThreshold >= cfg.threshold);
        address[] memory current = _ownerList(cfg.ownerCount);
        // Removing must remove someone.
        if (!isOwner(owner)) revert OwnerNotFound(owner);
        address[] memory next = new address[](current.length - 1);
        uint256 j;
        for (uint256 i; i < current.length; ++i) {
            if (current[i] != owner) next[j++] = current[i];
        }
        _writeOwners(cfg, next, newThreshold);
        _storeConfig(cfg);
        emit OwnerRemoved(owner);
    }

    /// @inheritdoc ITreasurySafe
    function swapOwner(address oldOwner, address newOwner) external onlySelf {
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        // Swapping must replace someone.
        if (!isOwner(oldOwner)) revert OwnerNotFound(oldOwner);
        address[] memory next = _ownerList(cfg.ownerCount);
        for (uint256 i; i < next.length; ++i) {
            if (next[i] == oldOwner) next[i] = newOwner;
        }
        _writeOwners(cfg, next, cfg.threshold);
        _storeConfig(cfg);
        emit OwnerRemoved(oldOwner);
        emit OwnerAdded(newOwner);
    }

    /// @inheritdoc ITreasurySafe
    function changeThreshold(uint256 newThreshold) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newThreshold >= cfg.threshold);
        _writeOwners(cfg, _ownerList(cfg.ownerCount), newThreshold);
        _storeConfig(cfg);
    }

    /// @inheritdoc ITreasurySafe
    function addGuardian(address guardian) external onlySelf {
        Config memory cfg = _loadConfig();
        _addGuardian(cfg, guardian);
        _storeConfig(cfg);
    }

    /// @inheritdoc ITreasurySafe
    function removeGuardian(address guardian) external onlySelf {
        _requireTightening(false);
        Config memory cfg = _loadConfig();
        uint256 n = cfg.guardianCount;
        for (uint256 i; i < n; ++i) {
            if (_guardians[i] == guardian) {
                _guardians[i] = _guardians[n - 1];
                delete _guardians[n - 1];
                cfg.guardianCount = uint8(n - 1);
                _storeConfig(cfg);
                emit GuardianRemoved(guardian);
                return;
            }
        }
        revert GuardianNotFound(guardian);
    }

    /// @inheritdoc ITreasurySafe
    function setDelay(uint32 newDelay) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newDelay >= cfg.delay);
        _checkTiming(newDelay, cfg.grace, cfg.freezeDuration);
        cfg.delay = newDelay;
        _storeConfig(cfg);
        emit DelayChanged(newDelay);
    }

    /// @inheritdoc ITreasurySafe
    function setGrace(uint32 newGrace) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newGrace <= cfg.grace);
        _checkTiming(cfg.delay, newGrace, cfg.freezeDuration);
        cfg.grace = newGrace;
        _storeConfig(cfg);
        emit GraceChanged(newGrace);
    }

    /// @inheritdoc ITreasurySafe
    function setFreezeDuration(uint32 newFreezeDuration) external onlySelf {
        Config memory cfg = _loadConfig();
        _requireTightening(newFreezeDuration >= cfg.freezeDuration);
        _checkTiming(cfg.delay, cfg.grace, newFreezeDuration);
        cfg.freezeDuration = newFreezeDuration;
        _storeConfig(cfg);
        emit FreezeDurationChanged(newFreezeDuration);
    }

    /// @inheritdoc ITreasurySafe
    function setCap(address asset, uint128 limit, uint32 period) external onlySelf {
        _checkCap(asset, limit, period);
        Config memory cfg = _loadConfig();
        uint256 i = _findCap(cfg, asset);
        if (i == cfg.capCount) {
            // A cap on a new asset only restricts.
            _addCap(cfg, asset, limit, period);
            _storeConfig(cfg);
            return;
        }
        Cap memory old = _caps[i];
        // Tighter means: no more per window, over the same windows. Any new period is a loosening: a longer one
        // would start counting afresh and forget what its longer window should still count (F-9).
        bool tightens = limit <= old.limit && period == old.period;
        _requireTightening(tightens);
        if (tightens) {
            // In force at once, carrying what the window already counts; a scheduled loosening is dropped.
            _caps[i] = _rebased(old, limit, period);
            emit CapSet(asset, limit, period);
        } else {
            _schedule(_caps[i], limit, period);
        }
    }

    /// @inheritdoc ITreasurySafe
    function removeCap(address asset) external onlySelf {
        _requireTightening(false);
        _schedule(_caps[_capIndex(asset)], 0, 0);
    }

    /// @inheritdoc ITreasurySafe
    function quarantine(address asset) external onlySelf {
        uint256 i = _capIndex(asset);
        // The native coin's balance cannot lie; quarantine is for tokens.
        if (asset == NATIVE_ASSET) revert InvalidCap(asset, 0, 0);
        _caps[i].quarantined = true;
        emit CapQuarantined(asset);
    }

    /// @inheritdoc ITreasurySafe
    function allowSelector(address asset, bytes4 selector) external onlySelf {
        _requireTightening(false);
        uint256 i = _capIndex(asset);
        // Like any loosening of a cap, in force one period of the cap after it runs (F-2).
        uint64 from = uint64(block.timestamp) + _caps[i].period;
        _extraSelectors[asset] = ExtraSelector({selector: selector, from: from});
        emit SelectorAllowed(asset, selector, from);
    }

    /// @inheritdoc ITreasurySafe
    function disallowSelector(address asset) external onlySelf {
        delete _extraSelectors[asset];
        emit SelectorDisallowed(asset);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITreasurySafe
    function hashProposal(Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        external
        view
        returns (bytes32)
    {
        return _hashProposal(calls, salt, proposalEpoch);
    }

    /// @inheritdoc ITreasurySafe
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc ITreasurySafe
    function proposalState(bytes32 id) external view returns (ProposalState) {
        return _stateOf(_loadRecord(id), _loadConfig());
    }

    /// @inheritdoc ITreasurySafe
    function getProposal(bytes32 id) external view returns (ProposalView memory) {
        Record memory r = _loadRecord(id);
        return ProposalView({
            state: _stateOf(r, _loadConfig()),
            epoch: r.epoch,
            approvals: r.approvals,
            eta: r.eta,
            expiresAt: r.expiresAt,
            fastTrack: r.fastTrack,
            guardianProtected: r.guardianProtected
        });
    }

    /// @inheritdoc ITreasurySafe
    function hasApproved(bytes32 id, address owner) external view returns (bool) {
        Record memory r = _loadRecord(id);
        // Bitmaps are by owner index, which is only meaningful under the epoch they were set in.
        if (!isOwner(owner) || r.epoch != _config.epoch) return false;
        return r.approvals & (uint32(1) << _owners[owner].index) != 0;
    }

    /// @inheritdoc ITreasurySafe
    function getConfig() external view returns (ConfigView memory view_) {
        Config memory cfg = _loadConfig();
        view_.owners = _ownerList(cfg.ownerCount);
        view_.threshold = cfg.threshold;
        view_.guardians = _guardianList(cfg.guardianCount);
        view_.guardiansArmed = cfg.guardiansArmed;
        view_.epoch = cfg.epoch;
        view_.delay = cfg.delay;
        view_.grace = cfg.grace;
        view_.freezeDuration = cfg.freezeDuration;
        view_.frozenUntil = cfg.frozenUntil;
        // The caps in force now: scheduled changes whose time has come are shown applied, removals left out.
        CapView[] memory caps = new CapView[](cfg.capCount);
        uint256 n;
        for (uint256 i; i < cfg.capCount; ++i) {
            Cap memory c = _inForce(_caps[i]);
            if (c.limit != 0) caps[n++] = _capView(c);
        }
        view_.caps = new CapView[](n);
        for (uint256 i; i < n; ++i) {
            view_.caps[i] = caps[i];
        }
    }

    /// @inheritdoc ITreasurySafe
    function getOwners() external view returns (address[] memory) {
        return _ownerList(_config.ownerCount);
    }

    /// @inheritdoc ITreasurySafe
    function getGuardians() external view returns (address[] memory) {
        return _guardianList(_config.guardianCount);
    }

    /// @inheritdoc ITreasurySafe
    function isOwner(address account) public view returns (bool) {
        return account != SENTINEL && _owners[account].next != address(0);
    }

    /// @inheritdoc ITreasurySafe
    function isGuardian(address account) external view returns (bool) {
        return _isGuardian(account, _config.guardianCount);
    }

    /// @inheritdoc ITreasurySafe
    function threshold() external view returns (uint256) {
        return _config.threshold;
    }

    /// @inheritdoc ITreasurySafe
    function epoch() external view returns (uint32) {
        return _config.epoch;
    }

    /// @inheritdoc ITreasurySafe
    function frozenUntil() external view returns (uint64) {
        return _config.frozenUntil;
    }

    /// @inheritdoc ITreasurySafe
    function remainingCap(address asset) external view returns (uint256) {
        Cap memory c = _capInForce(asset);
        // Uncapped, or its removal has taken effect.
        if (c.limit == 0) return type(uint256).max;
        return _capView(c).remaining;
    }

    /// @inheritdoc ITreasurySafe
    function callPolicy(address asset)
        external
        view
        returns (bool quarantined, bytes4 selector, uint64 from)
    {
        Config memory cfg = _loadConfig();
        uint256 i = _findCap(cfg, asset);
        if (i < cfg.capCount) quarantined = _caps[i].quarantined;
        ExtraSelector memory e = _extraSelectors[asset];
        return (quarantined, e.selector, e.from);
    }

    /// @inheritdoc ITreasurySafe
    function scheduledCapChange(address asset)
        external
        view
        returns (uint128 limit, uint32 period, uint64 effectiveAt)
    {
        Config memory cfg = _loadConfig();
        uint256 i = _findCap(cfg, asset);
        if (i == cfg.capCount) return (0, 0, 0);
        Cap storage cap = _caps[i];
        // Only a change still to come: once its time has come it is the cap in force (getConfig, remainingCap).
        if (!cap.scheduled || block.timestamp >= cap.nextAt) return (0, 0, 0);
        return (cap.nextLimit, cap.nextPeriod, cap.nextAt);
    }

    /*//////////////////////////////////////////////////////////////
                        INTERNAL: STORAGE ACCESS
    //////////////////////////////////////////////////////////////*/

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

    function _hashProposal(Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        internal
        view
        returns (bytes32)
    {
        bytes32[] memory callHashes = new bytes32[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            callHashes[i] = keccak256(abi.encode(CALL_TYPEHASH, c.target, c.value, keccak256(c.data)));
        }
        return _hashTypedDataV4(
            keccak256(
                abi.encode(PROPOSAL_TYPEHASH, keccak256(abi.encodePacked(callHashes)), salt, proposalEpoch)
            )
        );
    }

    /// @dev Verifies every signature against the id and adds its owner to `approvals` (the on-chain approvals).
    ///      Returns the new bitmap and every approver exactly once: the on-chain approvers in owner order, then
    ///      the owners whose signatures added an approval, in signature order.
    function _verifySignatures(bytes32 id, Signature[] calldata signatures, uint32 approvals)
        internal
        view
        returns (uint32, address[] memory approvers)
    {
        uint32 onChain = approvals;
        address[] memory added = new address[](signatures.length);
        uint256 n;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = signatures[i].signer;
            uint8 index = _ownerIndex(signer);
            // Only owners' approvals count; anything else is a mistake worth surfacing.
            if (index == type(uint8).max) revert SignerNotOwner(signer);
            // ECDSA (low-s, 65 bytes) by the owner's key, or EIP-1271 for an owner with code.
            if (!_isValidSignature(signer, id, signatures[i].data)) revert InvalidSignature(signer);
            uint32 bit = uint32(1 << index);
            // A bitmap counts each owner once, however many approvals it brings; the event names it once.
            if (approvals & bit == 0) added[n++] = signer;
            approvals |= bit;
        }
        // Every approval came from a distinct signature (the usual case): the signers are the list.
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
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(id, data);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0 && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, id, data);
    }

    /// @dev A list of the owners whose bits are set in `bits` (current epoch, in owner order) followed by
    ///      `room` empty entries. Walks the owner list only as far as the highest set bit.
    function _ownersIn(uint32 bits, uint256 room) internal view returns (address[] memory list) {
        list = new address[](_popcount(bits) + room);
        address current = SENTINEL;
        uint256 n;
        // Owner index i is the i-th node after the sentinel.
        for (uint256 i; bits >> i != 0; ++i) {
            current = _owners[current].next;
            if (bits & (uint32(1) << i) != 0) list[n++] = current;
        }
    }

    /// @dev Checks that `id` may enter the queue now and builds its queued record.
    function _admit(bytes32 id, Call[] calldata calls, Signature[] calldata signatures, Config memory cfg)
        internal
        view
        returns (Record memory r, address[] memory approvers)
    {
        r = _loadRecord(id);
        // Queue once: a queued, executed or cancelled id can never be queued again (replay).
        if (r.status != Status.None && r.status != Status.Proposed) {
            revert InvalidProposalState(id, _stateOf(r, cfg));
        }
        (r.fastTrack, r.freezeExempt, r.guardianProtected) = _classify(calls);
        // While frozen, only the owners' way out (unfreeze, cancel) may enter the queue.
        if (_isFrozen(cfg) && !r.freezeExempt) revert Frozen(cfg.frozenUntil);

        // The id commits to the current epoch, so on-chain approvals of a Proposed record are current.
        (r.approvals, approvers) = _verifySignatures(id, signatures, r.approvals);
        uint256 count = _popcount(r.approvals);
        // M distinct owners of the current epoch, counted once whatever the kind of approval.
        if (count < cfg.threshold) revert InsufficientApprovals(id, count, cfg.threshold);

        // The clock starts now that M approvals are in; tightening-only batches need no delay.
        r.status = Status.Queued;
        r.epoch = cfg.epoch;
        r.eta = r.fastTrack ? uint64(block.timestamp) : uint64(block.timestamp) + cfg.delay;
        r.expiresAt = r.eta + cfg.grace;
    }

    function _emitQueued(
        bytes32 id,
        Record memory r,
        bytes32 salt,
        Call[] calldata calls,
        address[] memory approvers
    ) internal {
        emit ProposalQueued(id, r.eta, r.expiresAt, r.epoch, salt, calls, approvers, r.fastTrack);
    }

    /// @dev Which special paths a batch may take. All three need every call to be a value-less self-call.
    ///      fastTrack: only tightening-capable setters (each re-checks at execution).
    ///      freezeExempt: only unfreeze and cancel.
    ///      guardianProtected: only guardian removals and additions, with at least one removal (a rogue
    ///      guardian must not block its own removal); or freeze-exempt (a rogue guardian must not block the
    ///      owners' early unfreeze or their cancels). Neither kind moves funds.
    function _classify(Call[] calldata calls)
        internal
        view
        returns (bool fastTrack, bool freezeExempt, bool guardianProtected)
    {
        fastTrack = true;
        freezeExempt = true;
        bool onlyGuardianChanges = true;
        bool removesGuardian;
        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            if (c.target != address(this) || c.value != 0 || c.data.length < 4) return (false, false, false);
            bytes4 selector = bytes4(c.data[:4]);
            fastTrack = fastTrack && _tightensNow(selector, c.data);
            freezeExempt =
                freezeExempt && (selector == this.unfreeze.selector || selector == this.cancel.selector);
            if (selector == this.removeGuardian.selector) removesGuardian = true;
            else if (selector != this.addGuardian.selector) onlyGuardianChanges = false;
        }
        guardianProtected = (onlyGuardianChanges && removesGuardian) || freezeExempt;
    }

    /// @dev Whether a self-call may skip the delay: a fast-track setter whose change tightens the safe as
    ///      it stands now. A loosening call makes the whole batch wait the delay (instead of being
    ///      fast-tracked and then refused by its setter forever). The setters re-check at execution.
    function _tightensNow(bytes4 s, bytes calldata data) internal view returns (bool) {
        if (!_isFastTrackSelector(s)) return false;
        if (s == this.changeThreshold.selector || s == this.removeOwner.selector) {
            // The threshold is the last word of both argument lists.
            if (data.length < 36) return false;
            return uint256(bytes32(data[data.length - 32:])) >= _config.threshold;
        }
        if (
            s == this.setDelay.selector || s == this.setGrace.selector || s == this.setFreezeDuration.selector
        ) {
            if (data.length < 36) return false;
            uint256 value = uint256(bytes32(data[4:36]));
            if (s == this.setDelay.selector) return value >= _config.delay;
            if (s == this.setGrace.selector) return value <= _config.grace;
            return value >= _config.freezeDuration;
        }
        if (s == this.setCap.selector) {
            if (data.length < 100) return false;
            (address asset, uint256 limit, uint256 period) =
                abi.decode(data[4:100], (address, uint256, uint256));
            Cap memory c = _capInForce(asset);
            // No cap in force (none, or its removal has taken effect): a new cap only restricts.
            return c.limit == 0 || (limit <= c.limit && period == c.period);
        }
        return true;
    }

    function _isFastTrackSelector(bytes4 s) internal pure returns (bool) {
        return s == this.removeOwner.selector || s == this.changeThreshold.selector
            || s == this.addGuardian.selector || s == this.setCap.selector || s == this.setDelay.selector
            || s == this.setGrace.selector || s == this.setFreezeDuration.selector
            || s == this.freeze.selector || s == this.rearmGuardians.selector || s == this.unfreeze.selector
            || s == this.cancel.selector || s == this.quarantine.selector
            || s == this.disallowSelector.selector;
    }

    /// @dev Reverts when a fast-tracked batch attempts a change that does not tighten.
    function _requireTightening(bool tightens) internal view {
        // Loosening must wait the full delay so guardians and watchers can react.
        if (_fastTrack && !tightens) revert LooseningNeedsDelay(msg.sig);
    }

    function _stateOf(Record memory r, Config memory cfg) internal view returns (ProposalState) {
        if (r.status == Status.None) return ProposalState.Unknown;
        if (r.status == Status.Proposed) {
            return r.epoch == cfg.epoch ? ProposalState.Proposed : ProposalState.Stale;
        }
        if (r.status == Status.Executed) return ProposalState.Executed;
        if (r.status == Status.Cancelled) return ProposalState.Cancelled;
        if (block.timestamp < r.eta) return ProposalState.Queued;
        if (block.timestamp <= r.expiresAt) return ProposalState.Ready;
        return ProposalState.Expired;
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
    function _inspect(Call[] calldata calls, uint256 capCount)
        internal
        view
        returns (Outflow[] memory flows, Grant[] memory grants, uint256 grantCount)
    {
        flows = new Outflow[](capCount);
        for (uint256 k; k < capCount; ++k) {
            (flows[k].asset, flows[k].quarantined) = (_caps[k].asset, _caps[k].quarantined);
        }
        grants = new Grant[](calls.length);
        bool moves;
        // The first call that runs other code (calls.length: none).
        uint256 foreign = calls.length;
        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            // The safe's own functions (setters, cancel, freeze, receive) never move anything.
            if (c.target == address(this)) continue;
            moves = true;
            uint256 k = _flowIndex(flows, c.target);
            if (k == capCount) {
                // Code the safe calls may act on any capped token with the safe as its caller.
                if (foreign == calls.length && c.target.code.length != 0) foreign = i;
                continue;
            }
            // A quarantined token's balance is no longer read, so nothing may call it.
            if (flows[k].quarantined) revert AssetQuarantined(i, c.target);
            flows[k].called = true;
            // Calldata shorter than a selector reaches receive or fallback: selector 0 stands for it.
            bytes4 selector = c.data.length >= 4 ? bytes4(c.data[:4]) : bytes4(0);
            if (selector == APPROVE || selector == INCREASE_ALLOWANCE || selector == INCREASE_APPROVAL) {
                // The spender must be readable to measure what it may pull later.
                if (c.data.length < 68) revert UnmeasurableCall(i, c.target, selector);
                grants[grantCount++] = Grant({flow: k, spender: address(bytes20(c.data[16:36]))});
            } else if (selector != TRANSFER && selector != TRANSFER_FROM && selector != DECREASE_ALLOWANCE) {
                ExtraSelector memory e = _extraSelectors[c.target];
                // Fail closed: any other function may grant or move what the safe does not measure (multicall,
                // permit-style and operator grants, approveAndCall), unless the owners allowed it for this token.
                if (e.from == 0 || block.timestamp < e.from || e.selector != selector) {
                    revert UnmeasurableCall(i, c.target, selector);
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
                if (foreign < calls.length) revert AssetQuarantined(foreign, f.asset);
                continue;
            }
            if (foreign == calls.length && !f.called && f.asset != NATIVE_ASSET) continue;
            f.measured = true;
            bool ok;
            (ok, f.balanceBefore) = _balanceOf(f.asset);
            // The batch could move it, so an unreadable balance is refused.
            if (!ok) revert BalanceUnreadable(f.asset);
        }
    }

    /// @dev Runs the batch. Any failure reverts everything.
    function _runCalls(Call[] calldata calls) internal {
        for (uint256 i; i < calls.length; ++i) {
            Call calldata c = calls[i];
            // Plain CALL, all remaining gas minus the 1/64 kept: a starved call fails and reverts the batch.
            (bool ok, bytes memory ret) = c.target.call{value: c.value}(c.data);
            bytes4 selector = c.data.length >= 4 ? bytes4(c.data[:4]) : bytes4(0);
            if (!ok || _tokenCallFailed(selector, c.target, ret)) revert CallFailed(i, c.target, ret);
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
            if (!ok) revert BalanceUnreadable(f.asset);
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
            if (!ok) revert BalanceUnreadable(asset);
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
        if (amount > left) revert CapExceeded(asset, amount, left);
        uint256 units = RollingCap.toUnits(amount, limit);
        (lanes, head) = RollingCap.record(lanes, head, nowIndex, units);
        (cap.lanes, cap.head) = (lanes, uint32(head));
        emit CapConsumed(asset, amount, RollingCap.toAmount(free - units, limit));
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

    function _capView(Cap memory c) internal view returns (CapView memory) {
        uint64 nowIndex = RollingCap.indexAt(c.period, block.timestamp);
        return CapView({
            asset: c.asset,
            limit: c.limit,
            period: c.period,
            remaining: RollingCap.remaining(c.lanes, c.head, nowIndex, c.limit),
            nextRefillAt: RollingCap.nextRefillAt(c.lanes, c.head, nowIndex, c.period)
        });
    }

    function _findCap(Config memory cfg, address asset) internal view returns (uint256) {
        for (uint256 i; i < cfg.capCount; ++i) {
            if (_caps[i].asset == asset) return i;
        }
        return cfg.capCount;
    }

    function _checkCap(address asset, uint256 limit, uint32 period) internal view {
        // A cap needs an asset whose balance can be read: the native coin, or a contract that is not the safe (a
        // cap on the safe would make every batch unmeasurable; on an address without code, it measures nothing).
        // Then something to allow, and a window the ring can represent.
        if (
            (asset != NATIVE_ASSET && (asset == address(this) || asset.code.length == 0)) || limit == 0
                || period < MIN_CAP_PERIOD || period > MAX_CAP_PERIOD
        ) revert InvalidCap(asset, limit, period);
    }

    /// @dev The index of `asset`'s cap, or revert.
    function _capIndex(address asset) internal view returns (uint256 i) {
        Config memory cfg = _loadConfig();
        i = _findCap(cfg, asset);
        // The change must concern a cap that exists.
        if (i == cfg.capCount) revert CapNotFound(asset);
    }

    function _addCap(Config memory cfg, address asset, uint128 limit, uint32 period) internal {
        // Every capped asset is measured on every execute; the list is bounded.
        if (cfg.capCount >= MAX_CAPS) revert TooManyCaps(MAX_CAPS);
        // A free entry is all zero (never used, or deleted by _settleCaps): only the non-zero fields are written.
        Cap storage cap = _caps[cfg.capCount];
        (cap.asset, cap.period, cap.head, cap.limit) =
        (asset, period, uint32(RollingCap.indexAt(period, block.timestamp)), limit);
        ++cfg.capCount;
        emit CapSet(asset, limit, period);
    }

    /// @dev Schedules a loosening of `cap` (limit 0: its removal) to take effect one period of the cap in force
    ///      from now. Until then that cap keeps counting and binding every batch (F-2); a later setCap replaces
    ///      the schedule.
    function _schedule(Cap storage cap, uint128 limit, uint32 period) internal {
        uint64 at = uint64(block.timestamp) + cap.period;
        (cap.scheduled, cap.nextLimit, cap.nextPeriod, cap.nextAt) = (true, limit, period, at);
        emit CapChangeScheduled(cap.asset, limit, period, at);
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
                emit CapRemoved(cap.asset);
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
                emit CapSet(c.asset, c.limit, c.period);
                ++i;
            }
        }
        if (cfg.capCount != count) _storeConfig(cfg);
    }

    /// @dev The cap of `asset` in force now (limit 0: none).
    function _capInForce(address asset) internal view returns (Cap memory c) {
        Config memory cfg = _loadConfig();
        uint256 i = _findCap(cfg, asset);
        if (i < cfg.capCount) c = _inForce(_caps[i]);
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
        uint256 usedAmount = RollingCap.toAmount(usedUnits, c.limit) + (usedUnits == 0 ? 0 : 1);
        uint256 carried = RollingCap.toUnits(usedAmount, limit);
        if (carried > RollingCap.FULL) carried = RollingCap.FULL;
        uint64 head = RollingCap.indexAt(period, block.timestamp);
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
                      INTERNAL: OWNERS AND GUARDIANS
    //////////////////////////////////////////////////////////////*/

    /// @dev The caller's owner index, or revert.
    function _requireOwner(address account) internal view returns (uint8 index) {
        index = _ownerIndex(account);
        // Proposing and approving are owner powers.
        if (index == type(uint8).max) revert NotOwner(account);
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
        if (list.length == 0 || list.length > MAX_OWNERS) {
            revert OwnerCountOutOfBounds(list.length, MAX_OWNERS);
        }
        // M of N with 1 <= M <= N.
        if (newThreshold == 0 || newThreshold > list.length) {
            revert InvalidThreshold(newThreshold, list.length);
        }

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
            ) revert InvalidOwner(owner);
            _owners[owner] = OwnerNode({next: i + 1 < list.length ? list[i + 1] : SENTINEL, index: uint8(i)});
        }
        cfg.ownerCount = uint8(list.length);
        if (cfg.threshold != newThreshold) {
            cfg.threshold = uint8(newThreshold);
            if (!firstWrite) emit ThresholdChanged(newThreshold);
        }
        if (!firstWrite) {
            // New owner set or threshold: approvals gathered under the old one no longer count.
            ++cfg.epoch;
            emit EpochChanged(cfg.epoch);
        }
    }

    function _addGuardian(Config memory cfg, address guardian) internal {
        // Guardians are real, distinct accounts other than the safe.
        if (guardian == address(0) || guardian == address(this) || _isGuardian(guardian, cfg.guardianCount)) {
            revert InvalidGuardian(guardian);
        }
        // Bounded so every guardian check stays cheap.
        if (cfg.guardianCount >= MAX_GUARDIANS) revert TooManyGuardians(MAX_GUARDIANS);
        _guardians[cfg.guardianCount] = guardian;
        ++cfg.guardianCount;
        emit GuardianAdded(guardian);
    }

    function _isGuardian(address account, uint256 count) internal view returns (bool) {
        if (account == address(0)) return false;
        for (uint256 i; i < count; ++i) {
            if (_guardians[i] == account) return true;
        }
        return false;
    }

    function _guardianList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = _guardians[i];
        }
    }

    function _checkTiming(uint32 delay, uint32 grace, uint32 freezeDuration) internal pure {
        // The delay is the window in which guardians and watchers act; bounded both ways.
        if (delay < MIN_DELAY || delay > MAX_DELAY) revert DelayOutOfBounds(delay, MIN_DELAY, MAX_DELAY);
        if (grace < MIN_GRACE || grace > MAX_GRACE) revert GraceOutOfBounds(grace, MIN_GRACE, MAX_GRACE);
        if (freezeDuration < MIN_FREEZE || freezeDuration > MAX_FREEZE) {
            revert FreezeDurationOutOfBounds(freezeDuration, MIN_FREEZE, MAX_FREEZE);
        }
        // A freeze must never by itself push a queued proposal past its grace period.
        if (grace < freezeDuration) revert GraceShorterThanFreeze(grace, freezeDuration);
    }
}
