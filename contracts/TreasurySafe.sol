// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TreasurySafeLens} from "./TreasurySafeLens.sol";
import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {SafeEvacuation} from "./safe/SafeEvacuation.sol";
import {SafeProposals} from "./safe/SafeProposals.sol";

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
///      - Split along its seams into abstract contracts under contracts/safe/: SafeStorage (types, constants,
///        storage, modifiers), SafeOwners, SafeProposals (ids, signatures, queueing, classification), SafeCaps
///        (outflow measurement and caps) and SafeEvacuation. This file holds every external function.
contract TreasurySafe is SafeProposals, SafeEvacuation {
    /*//////////////////////////////////////////////////////////////
                        RECEIVE AND FALLBACK
    //////////////////////////////////////////////////////////////*/

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
}
