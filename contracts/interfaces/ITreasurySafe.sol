// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ITreasurySafe
/// @notice A timelocked M-of-N treasury safe with strict rolling withdrawal caps and a bounded
///         guardian freeze. This interface is the specification: every error, event and function
///         of the safe is declared and documented here, and the implementation inherits the docs.
/// @dev Glossary
///      - Owner: one of 1..32 addresses whose approvals count towards the threshold. An EOA
///        (ECDSA, low-s) or a contract answering EIP-1271 `isValidSignature`.
///      - Threshold (M): approvals needed to queue a proposal.
///      - Guardian: one of 0..8 addresses that may freeze the safe (once, until re-armed) and cancel
///        queued proposals. Guardians never propose, approve, execute, configure or move funds.
///      - Proposal: an ordered batch of calls executed atomically, a salt, and the configuration
///        epoch it was approved under. Its id is its EIP-712 digest.
///      - Epoch: bumped by every change to owners or threshold; approvals from an older epoch no
///        longer count.
///      - Delay: time between queueing and the earliest execution. Grace: how long after that a
///        queued proposal stays executable.
///      - Fast track: a batch made only of tightening self-calls (see `queue`) is queued with no
///        delay; each setter then refuses to run if its change would loosen the safe.
///      - Cap: (asset, limit C, period P) on the native coin or a token (a contract other than the safe).
///        Over any interval of length P, at most C of the asset leaves the safe. Outflow is measured as
///        the safe's balance decrease across the batch, plus allowances the batch leaves standing on
///        capped tokens. A tighter cap (same P, C no higher) takes effect at once; a looser one (higher C,
///        another P, or removal) waits the delay and is then scheduled: the cap in force keeps binding
///        every batch for one more P.
///      - Calls to a capped token are fail closed: a batch may call it only with `transfer`,
///        `transferFrom`, `approve`, `increaseAllowance`, `increaseApproval`, `decreaseAllowance`, or
///        the one extra selector the owners allowed for it (`allowSelector`). A batch of self-calls
///        only is never measured. Quarantine (`quarantine`) stops reading a token at once; a
///        quarantined token may not be called at all.
///      - NATIVE_ASSET (0xEeee…EEeE) stands for the chain's native coin in caps.
///      - Recovery address: where an evacuation sends everything. Fixed in the CREATE2 config with an optional
///        backup; never zero, the safe, an owner or a guardian. An address must accept (`acceptRecovery`, or a
///        relayed `acceptRecoveryBySig`) on this chain before any sweep sends it anything.
///      - Evacuation: `evacuate` by a guardian holding evacuation power (from `delay` after it was added; the
///        deployment's guardians at once), or `evacuateBySig` relaying a guardian's EIP-712 signature, sweeps the
///        whole native balance, every capped asset, the evacuation list and the caller's extras to the recovery
///        address, outside the caps. The first sweep enters the Evacuated state: the epoch bumps, a new
///        evacuation generation starts, and every batch queued in an earlier generation is Voided unless it is
///        guardian-protected. While evacuated anyone may re-sweep; only value-less tightening, guardian,
///        recovery and remedy batches may queue; `reopen` (through the delay) sweeps once more and reopens.
///      - Guardian-protected batch: value-less self-calls to addGuardian, removeGuardian, reopen, unfreeze and
///        cancel only, with at least one that is not addGuardian. Guardians cannot cancel it, and an evacuation
///        does not void it: a rogue guardian cannot block the owners' remedy.
interface ITreasurySafe {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice One call of a proposal's batch. Only CALL is ever performed.
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice An off-chain approval: the owner that signed and its signature over the proposal id.
    /// @dev For an EOA, `data` is a 65-byte (r, s, v) ECDSA signature with low s and v in {27, 28}.
    ///      For a contract owner, `data` is passed to its EIP-1271 `isValidSignature(id, data)`.
    struct Signature {
        address signer;
        bytes data;
    }

    /// @notice A withdrawal cap as configured at initialisation or by `setCap`.
    struct CapConfig {
        address asset;
        uint128 limit;
        uint32 period;
    }

    /// @notice The initial configuration of a safe, fixed in its CREATE2 address.
    struct InitConfig {
        address[] owners;
        uint256 threshold;
        address[] guardians;
        uint32 delay;
        uint32 grace;
        uint32 freezeDuration;
        CapConfig[] caps;
        /// Where evacuations send everything. Never zero, the safe, an owner or a guardian.
        address recovery;
        /// An optional second recovery address (zero: none) the owners may switch to at once (`useBackupRecovery`).
        address backupRecovery;
    }

    /// @notice What a caller adds to a sweep: an asset whose whole balance is swept (`spender` zero), or an
    ///         allowance of the safe on `asset` to revoke (`spender` non-zero: `approve(spender, 0)`).
    struct EvacuationExtra {
        address asset;
        address spender;
    }

    /// @notice The recovery configuration and evacuation state now, as one view.
    struct RecoveryView {
        /// The recovery address in force now (a scheduled change that has taken effect is shown applied).
        address recovery;
        /// Whether it accepted on this chain; until it does, a sweep moves nothing.
        bool accepted;
        /// The backup committed at deployment (zero: none, or already switched to).
        address backup;
        bool backupAccepted;
        /// A scheduled change not yet in force (zero: none): the new address, whether it accepted, when it takes
        /// effect (once accepted) and when it lapses if still not accepted.
        address pending;
        bool pendingAccepted;
        uint64 pendingEffectiveAt;
        uint64 pendingLapsesAt;
        /// Whether the safe is in the Evacuated state, since when (0: not), and the current generation.
        bool evacuated;
        uint64 evacuatedAt;
        uint32 generation;
        /// Assets every sweep moves besides the native coin and the capped assets.
        address[] evacuationList;
    }

    /// @notice A cap and its state now.
    struct CapView {
        address asset;
        uint128 limit;
        uint32 period;
        /// What may still leave now without exceeding the cap.
        uint256 remaining;
        /// When `remaining` next grows (0 when nothing is in use).
        uint64 nextRefillAt;
    }

    /// @notice The whole configuration, as one view.
    struct ConfigView {
        address[] owners;
        uint256 threshold;
        address[] guardians;
        bool guardiansArmed;
        uint32 epoch;
        uint32 delay;
        uint32 grace;
        uint32 freezeDuration;
        uint64 frozenUntil;
        CapView[] caps;
    }

    /// @notice A proposal's stored record.
    struct ProposalView {
        ProposalState state;
        uint32 epoch;
        /// Bitmap of owner indices (position in `getOwners()` under `epoch`) that approved: on chain before queueing;
        /// once queued, also the owners whose off-chain signatures `queue` counted.
        uint32 approvals;
        uint64 eta;
        uint64 expiresAt;
        bool fastTrack;
        bool guardianProtected;
    }

    /// @notice Lifecycle of a proposal, derived from storage and the clock by `proposalState`.
    enum ProposalState {
        Unknown, // never proposed on chain nor queued
        Proposed, // proposed on chain, collecting approvals under the current epoch
        Stale, // proposed on chain under an older epoch: can no longer be queued
        Queued, // queued, waiting for its eta
        Ready, // eta reached, grace not over: anyone may execute
        Expired, // grace over without execution
        Executed, // terminal
        Cancelled, // terminal
        Voided // terminal: queued before the current evacuation generation began, and not guardian-protected
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when `initialize` is called by anyone but the factory that deployed the implementation.
    /// @param caller The address that called `initialize` (only the factory may, at deployment).
    error NotFactory(address caller);
    /// @notice Thrown when `initialize` is called on a safe (or the implementation) that is already set up.
    error AlreadyInitialized();
    /// @notice Thrown when a function reserved to the safe's own proposals is called from outside.
    /// @param caller The address that called; only the safe itself (a call of an executing batch) may.
    error NotSelf(address caller);
    /// @notice Thrown when a function reserved to owners is called by another address.
    /// @param caller The address that called `propose` or `approve` and is not an owner now.
    error NotOwner(address caller);
    /// @notice Thrown when a function reserved to guardians (or the safe itself) is called by another address.
    /// @param caller The address refused: the caller of `freeze`, `cancel`, `cancelRecoveryChange` or
    ///        `evacuate`, or for `evacuateBySig` the `guardian` it names (the relayer itself may be anyone).
    error NotGuardian(address caller);
    /// @notice Thrown when a function is re-entered from a call made by `execute`.
    error Reentrant();

    /// @notice Thrown when an owner address is zero, the sentinel, the safe itself, or already an owner.
    /// @param owner The refused address (the first offending one of the new owner list).
    error InvalidOwner(address owner);
    /// @notice Thrown when an address to remove or replace is not an owner.
    /// @param owner The address given as the owner to remove or replace.
    error OwnerNotFound(address owner);
    /// @notice Thrown when the owner count would leave 1..maxOwners.
    /// @param count The owner count a change (or the initial configuration) would leave: 0 or over maxOwners.
    /// @param maxOwners The maximum number of owners, 32 (MAX_OWNERS); the minimum is 1.
    error OwnerCountOutOfBounds(uint256 count, uint256 maxOwners);
    /// @notice Thrown when a threshold is zero or larger than the number of owners.
    /// @param threshold The refused threshold.
    /// @param ownerCount The owner count after the change; a valid threshold is 1..ownerCount.
    error InvalidThreshold(uint256 threshold, uint256 ownerCount);
    /// @notice Thrown when a guardian address is zero, the safe itself, or already a guardian.
    /// @param guardian The refused address.
    error InvalidGuardian(address guardian);
    /// @notice Thrown when an address to remove is not a guardian.
    /// @param guardian The address given as the guardian to remove.
    error GuardianNotFound(address guardian);
    /// @notice Thrown when adding a guardian would exceed the maximum.
    /// @param maxGuardians The maximum number of guardians, 8 (MAX_GUARDIANS).
    error TooManyGuardians(uint256 maxGuardians);
    /// @notice Thrown when a delay is outside [min, max].
    /// @param delay The refused delay, in seconds.
    /// @param min The shortest delay, MIN_DELAY: 1 hour (3,600 s).
    /// @param max The longest delay, MAX_DELAY: 30 days (2,592,000 s).
    error DelayOutOfBounds(uint256 delay, uint256 min, uint256 max);
    /// @notice Thrown when a grace period is outside [min, max].
    /// @param grace The refused grace period, in seconds.
    /// @param min The shortest grace period, MIN_GRACE: 1 hour (3,600 s).
    /// @param max The longest grace period, MAX_GRACE: 90 days (7,776,000 s).
    error GraceOutOfBounds(uint256 grace, uint256 min, uint256 max);
    /// @notice Thrown when a freeze duration is outside [min, max].
    /// @param freezeDuration The refused freeze duration, in seconds.
    /// @param min The shortest freeze duration, MIN_FREEZE: 1 hour (3,600 s).
    /// @param max The longest freeze duration, MAX_FREEZE: 14 days (1,209,600 s).
    error FreezeDurationOutOfBounds(uint256 freezeDuration, uint256 min, uint256 max);
    /// @notice Thrown when the grace period would be shorter than the freeze duration, so a freeze could expire proposals.
    /// @param grace The grace period the change would leave, in seconds.
    /// @param freezeDuration The freeze duration the change would leave, in seconds (at most the grace).
    error GraceShorterThanFreeze(uint256 grace, uint256 freezeDuration);
    /// @notice Thrown when a cap's asset is neither the native coin nor a contract other than the safe (zero, the
    ///         safe itself, an address without code), its limit is zero, or its period is outside [min, max];
    ///         when quarantining the native coin (limit and period 0); and when an asset appears twice in the
    ///         initial caps (factory).
    /// @param asset The cap's asset (NATIVE_ASSET for the native coin).
    /// @param limit The limit, in base units (wei for the native coin); 0 when quarantining the native coin.
    /// @param period The period, in seconds (valid: 1 hour to 365 days); 0 when quarantining the native coin.
    error InvalidCap(address asset, uint256 limit, uint256 period);
    /// @notice Thrown when adding a cap would exceed the maximum number of capped assets.
    /// @param maxCaps The maximum number of capped assets, 16 (MAX_CAPS).
    error TooManyCaps(uint256 maxCaps);
    /// @notice Thrown when removing, quarantining or allowing a selector on a cap of an asset that has none.
    /// @param asset The asset named, which has no cap.
    error CapNotFound(address asset);

    /// @notice Thrown when a proposal has no calls.
    error EmptyBatch();
    /// @notice Thrown when a proposal is not in a state that allows the operation.
    /// @param id The proposal id.
    /// @param state The proposal's state now (`proposalState(id)`), which forbids the operation.
    error InvalidProposalState(bytes32 id, ProposalState state);
    /// @notice Thrown when approving a proposal that was proposed under an older epoch.
    /// @param id The proposal id.
    /// @param proposalEpoch The epoch the proposal was proposed under.
    /// @param currentEpoch The safe's epoch now; propose the batch again to collect approvals under it.
    error StaleProposal(bytes32 id, uint32 proposalEpoch, uint32 currentEpoch);
    /// @notice Thrown when an owner approves a proposal it already approved.
    /// @param id The proposal id.
    /// @param owner The owner that called `approve`; its approval is already counted.
    error AlreadyApproved(bytes32 id, address owner);
    /// @notice Thrown when a signature's signer is not an owner.
    /// @param signer The `signer` of the refused signature, not an owner now.
    error SignerNotOwner(address signer);
    /// @notice Thrown when a signature does not verify for its signer (bad, high-s, wrong length, or EIP-1271 refused).
    /// @param signer The address the signature was checked for: an owner (`queue`), a guardian
    ///        (`evacuateBySig`) or the accepting account (`acceptRecoveryBySig`).
    error InvalidSignature(address signer);
    /// @notice Thrown when queueing with fewer distinct owner approvals than the threshold.
    /// @param id The proposal id.
    /// @param approvals The number of distinct owners whose approval counted (on chain and by signature).
    /// @param threshold The threshold M now.
    error InsufficientApprovals(bytes32 id, uint256 approvals, uint256 threshold);
    /// @notice Thrown when executing before the proposal's eta.
    /// @param id The proposal id.
    /// @param eta Its earliest execution time (unix timestamp, seconds); `execute` works from that second on.
    error NotReady(bytes32 id, uint64 eta);
    /// @notice Thrown when executing after the proposal's grace period ended.
    /// @param id The proposal id.
    /// @param expiresAt The last second it could execute: its eta plus the grace at queueing.
    error ProposalExpired(bytes32 id, uint64 expiresAt);
    /// @notice Thrown when queueing or executing while the safe is frozen (except unfreeze/cancel batches).
    /// @param until When the freeze ends (`frozenUntil`, unix seconds): frozen while the time is below it.
    error Frozen(uint64 until);
    /// @notice Thrown when unfreezing a safe that is not frozen.
    error NotFrozen();
    /// @notice Thrown when freezing a safe that is already frozen at least as long.
    /// @param until The running freeze's end (unix seconds), no earlier than the new freeze's end would be.
    error AlreadyFrozen(uint64 until);
    /// @notice Thrown when a guardian freezes after the guardians' one-shot freeze was used and not re-armed.
    error GuardiansDisarmed();
    /// @notice Thrown when a guardian tries to cancel a guardian-protected proposal: value-less self-calls to
    ///         addGuardian, removeGuardian, reopen, unfreeze and cancel only, at least one of them not addGuardian.
    /// @param id The guardian-protected proposal's id.
    error GuardianCannotCancel(bytes32 id);
    /// @notice Thrown when a call of an executed batch reverts (or a token call returns false); the whole execute reverts.
    /// @param index The failing call's position in the batch, from 0.
    /// @param target The failing call's target.
    /// @param reason The call's return data: its revert data or, for a transfer or allowance grant that
    ///        returned anything but `true`, what it returned (empty when the target has no code).
    error CallFailed(uint256 index, address target, bytes reason);
    /// @notice Thrown when a batch would move more of a capped asset than its cap has left.
    /// @param asset The capped asset (NATIVE_ASSET for the native coin).
    /// @param wanted The batch's outflow of it, in base units: the fall of the safe's balance across the
    ///        batch plus the allowances it left standing (type(uint256).max if that sum overflows).
    /// @param left What the cap still allowed to leave, in base units.
    error CapExceeded(address asset, uint256 wanted, uint256 left);
    /// @notice Thrown when call `index` of a batch calls capped token `asset` with a function whose effect the safe
    ///         does not measure: anything but `transfer`, `transferFrom`, `approve`, `increaseAllowance`,
    ///         `increaseApproval`, `decreaseAllowance` and the extra selector the owners allowed for the token
    ///         (e.g. `multicall`, `permit`, operator grants, ERC-1363 `approveAndCall`); or with an allowance call
    ///         whose calldata is too short to name the spender.
    /// @dev `selector` is 0x00000000 for calldata shorter than 4 bytes (a call to receive or fallback).
    /// @param index The offending call's position in the batch, from 0.
    /// @param asset The capped token it calls.
    /// @param selector The function selector it calls.
    error UnmeasurableCall(uint256 index, address asset, bytes4 selector);
    /// @notice Thrown when call `index` of a batch calls `asset`, a capped token the owners quarantined, or calls other
    ///         code (a contract that is neither the safe nor a capped token called with a measured function) while
    ///         `asset` is quarantined: that code could move it, and its balance is no longer read.
    /// @param index The position in the batch, from 0, of the call that calls `asset` or, when the batch runs
    ///        other code, of the first call that does.
    /// @param asset The quarantined token.
    error AssetQuarantined(uint256 index, address asset);
    /// @notice Thrown when the balance of a capped token the batch could move (one it calls, or any capped token
    ///         when it calls other code), or an allowance it granted on one, cannot be read.
    /// @param asset The capped token whose `balanceOf` or `allowance` read reverted, answered less than 32
    ///        bytes or ran out of its fixed gas budget.
    error BalanceUnreadable(address asset);
    /// @notice Thrown when a fast-tracked (no-delay) proposal would loosen the safe; loosening waits the full delay.
    /// @param selector The selector of the setter that refused (e.g. `setCap.selector`); queue the change in
    ///        a batch that waits the delay.
    error LooseningNeedsDelay(bytes4 selector);

    /// @notice Thrown when a recovery address (first, backup or new) is zero, the safe, an owner or a guardian, when
    ///         the backup equals the recovery address (factory), or when an owner or guardian to add is a recovery
    ///         address (current, backup or scheduled: a scheduled one counts until replaced or cancelled, even lapsed).
    /// @param account The refused address: a recovery address (first, backup, new), or an owner or guardian.
    error InvalidRecovery(address account);
    /// @notice Thrown when an account accepts the recovery role but is not the recovery address, the backup or
    ///         a scheduled new recovery address still within its acceptance window.
    /// @param account The address that tried to accept (the caller, or the account of a relayed acceptance).
    error NotRecoveryCandidate(address account);
    /// @notice Thrown when a guardian evacuates (or signs an evacuation) before its evacuation power starts.
    /// @param guardian The guardian: the caller of `evacuate`, or the signer of a relayed evacuation.
    /// @param powerAt When its evacuation power starts (unix seconds): `delay` after it was added.
    error NoEvacuationPower(address guardian, uint64 powerAt);
    /// @notice Thrown when a caller hands more extras to a sweep than allowed.
    /// @param count The number of extras handed in.
    /// @param max The maximum, 16 (MAX_EXTRAS).
    error TooManyExtras(uint256 count, uint256 max);
    /// @notice Thrown when an evacuation-list asset is not a contract with code, is the safe, or the list is full.
    /// @param asset The refused asset.
    error InvalidEvacuationAsset(address asset);
    /// @notice Thrown when removing an asset that is not on the evacuation list.
    /// @param asset The asset named for removal.
    error EvacuationAssetNotFound(address asset);
    /// @notice Thrown when less gas is left than the next asset's fixed sweep budget: the whole sweep reverts
    ///         rather than starve an asset (retry with a higher gas limit).
    /// @param asset The asset (or allowance to revoke) whose turn it was.
    /// @param left The gas left when its turn came.
    /// @param needed The per-asset budget, SWEEP_GAS (330,000 gas).
    error InsufficientSweepGas(address asset, uint256 left, uint256 needed);
    /// @notice Thrown when a relayed signature's deadline has passed.
    /// @param deadline The signature's deadline (unix seconds), now past.
    error SignatureExpired(uint64 deadline);
    /// @notice Thrown when a relayed evacuation signature's deadline is further than 30 days away.
    /// @param deadline The signature's deadline (unix seconds).
    /// @param max The latest deadline allowed now: the current time plus 30 days (MAX_SIGNATURE_WINDOW).
    error DeadlineTooFar(uint64 deadline, uint64 max);
    /// @notice Thrown when a relayed evacuation signature was already used.
    /// @param guardian The guardian that signed.
    /// @param nonce The nonce it already used; sign again with a fresh one.
    error SignatureAlreadyUsed(address guardian, uint256 nonce);
    /// @notice Thrown when `reopen` runs while the safe is not evacuated.
    error NotEvacuated();
    /// @notice Thrown when queueing, while the safe is evacuated, a batch that is not a value-less self-call
    ///         to an allowed function (reopen, cancel, unfreeze, rearmGuardians, guardian and recovery changes,
    ///         tightenings).
    /// @param id The refused proposal's id.
    error NotAllowedWhileEvacuated(bytes32 id);
    /// @notice Thrown when cancelling or switching recovery with nothing to act on (no scheduled change, no backup).
    error NoRecoveryChange();

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted once when the safe is initialised by the factory.
    /// @dev Guardians and caps are announced by the GuardianAdded and CapSet events emitted alongside.
    /// @param owners The initial owners, in index order (the order of approval bitmaps).
    /// @param threshold The initial threshold M.
    /// @param delay The initial delay, in seconds.
    /// @param grace The initial grace period, in seconds.
    /// @param freezeDuration The initial freeze duration, in seconds.
    event SafeInitialized(
        address[] owners, uint256 threshold, uint32 delay, uint32 grace, uint32 freezeDuration
    );
    /// @notice Emitted when an owner proposes on chain; carries the full calls so anyone can rebuild it.
    /// @param id The proposal id (its EIP-712 digest).
    /// @param proposer The owner that proposed; its approval is counted.
    /// @param epoch The epoch the proposal commits to (the current one).
    /// @param salt The proposal's salt.
    /// @param calls The full batch (target, value in wei, calldata); hashed with `salt` and `epoch` to `id`.
    event ProposalCreated(
        bytes32 indexed id, address indexed proposer, uint32 epoch, bytes32 salt, Call[] calls
    );
    /// @notice Emitted when an owner approves a proposal on chain (including the proposer at creation).
    /// @param id The proposal id.
    /// @param owner The owner that approved.
    event ProposalApproved(bytes32 indexed id, address indexed owner);
    /// @notice Emitted when a proposal enters the queue; carries the full calls and who approved.
    /// @dev `approvers` names every owner whose approval counted, exactly once: first those who approved on
    ///      chain (`propose`, `approve`), in owner order, then those whose signatures were handed to `queue`,
    ///      in signature order. Its length is the number of distinct approvals (at least the threshold).
    /// @param id The proposal id.
    /// @param eta The earliest execution time (unix seconds): the queueing time plus the delay, or the
    ///        queueing time itself when fast-tracked.
    /// @param expiresAt The last second it may execute: `eta` plus the grace period.
    /// @param epoch The epoch its approvals counted under, which the id commits to (pass it to `execute`).
    /// @param salt The proposal's salt.
    /// @param calls The whole batch, as `execute` expects it.
    /// @param approvers The owners whose approval counted, each once, in the order described above.
    /// @param fastTrack Whether it was fast-tracked (only tightening self-calls; eta = queue time).
    event ProposalQueued(
        bytes32 indexed id,
        uint64 eta,
        uint64 expiresAt,
        uint32 epoch,
        bytes32 salt,
        Call[] calls,
        address[] approvers,
        bool fastTrack
    );
    /// @notice Emitted when a queued proposal is executed.
    /// @param id The proposal id.
    /// @param executor Who sent the `execute` transaction (anyone may).
    event ProposalExecuted(bytes32 indexed id, address indexed executor);
    /// @notice Emitted when a proposal is cancelled by a guardian or by the owners through the safe.
    /// @param id The proposal id.
    /// @param by The guardian that cancelled, or the safe's own address (the owners, by proposal).
    event ProposalCancelled(bytes32 indexed id, address indexed by);
    /// @notice Emitted when a capped asset leaves the safe in an executed batch.
    /// @param asset The capped asset (NATIVE_ASSET for the native coin).
    /// @param amount The outflow charged, in base units: balance decrease plus the allowances left standing.
    /// @param remaining What may still leave now, after this charge, in base units.
    event CapConsumed(address indexed asset, uint256 amount, uint256 remaining);
    /// @notice Emitted when the safe is frozen, by a guardian or by the owners.
    /// @param by The guardian that froze (using the guardians' one shot), or the safe's own address (owners).
    /// @param until When it ends by itself (unix seconds): the freezing time plus `freezeDuration`.
    event SafeFrozen(address indexed by, uint64 until);
    /// @notice Emitted when the owners end a freeze early.
    event SafeUnfrozen();
    /// @notice Emitted when the owners re-arm the guardians' one-shot freeze.
    event GuardiansRearmed();
    /// @notice Emitted when an owner is added.
    /// @param owner The new owner (also the new owner of a `swapOwner`).
    event OwnerAdded(address indexed owner);
    /// @notice Emitted when an owner is removed.
    /// @param owner The removed owner (also the old owner of a `swapOwner`).
    event OwnerRemoved(address indexed owner);
    /// @notice Emitted when the threshold changes.
    /// @param threshold The new threshold M (not emitted at initialisation, nor if a change keeps it).
    event ThresholdChanged(uint256 threshold);
    /// @notice Emitted when the owner set or threshold is set (even to the same threshold) and when an evacuation
    ///         enters the Evacuated state, invalidating approvals from older epochs.
    /// @param epoch The new epoch; only approvals given under it count from now on.
    event EpochChanged(uint32 epoch);
    /// @notice Emitted when a guardian is added.
    /// @param guardian The new guardian: may freeze and cancel at once; evacuate from `evacuationPowerAt`.
    event GuardianAdded(address indexed guardian);
    /// @notice Emitted when a guardian is removed.
    /// @param guardian The removed guardian.
    event GuardianRemoved(address indexed guardian);
    /// @notice Emitted when the delay changes.
    /// @param delay The new delay, in seconds; proposals already queued keep their eta.
    event DelayChanged(uint32 delay);
    /// @notice Emitted when the grace period changes.
    /// @param grace The new grace period, in seconds; proposals already queued keep their expiry.
    event GraceChanged(uint32 grace);
    /// @notice Emitted when the freeze duration changes.
    /// @param freezeDuration The new freeze duration, in seconds, for the next freezes.
    event FreezeDurationChanged(uint32 freezeDuration);
    /// @notice Emitted when a cap is added or tightened, and when a scheduled change of it is written, by the first
    ///         `execute` at or after its time (it is in force from that time, event or not).
    /// @param asset The capped asset (NATIVE_ASSET for the native coin).
    /// @param limit The limit C in force, in the asset's base units (wei for the native coin).
    /// @param period The period P in force, in seconds.
    event CapSet(address indexed asset, uint128 limit, uint32 period);
    /// @notice Emitted when a scheduled cap removal is written, by the first `execute` at or after its time (the
    ///         asset is uncapped from that time, event or not).
    /// @param asset The asset, now uncapped.
    event CapRemoved(address indexed asset);
    /// @notice Emitted when a loosening cap change (a higher limit, another period; limit 0 and period 0: removal)
    ///         is scheduled. The cap in force until `effectiveAt` stays in force until then.
    /// @param asset The capped asset (NATIVE_ASSET for the native coin).
    /// @param limit The new limit, in base units (0, with period 0: removal).
    /// @param period The new period, in seconds (0 for a removal).
    /// @param effectiveAt When it takes effect (unix seconds): one period P of the cap in force later.
    event CapChangeScheduled(address indexed asset, uint128 limit, uint32 period, uint64 effectiveAt);
    /// @notice Emitted when the owners quarantine a capped token: its balance is no longer read and no batch may
    ///         call it, until its cap is removed.
    /// @param asset The quarantined token.
    event CapQuarantined(address indexed asset);
    /// @notice Emitted when the owners allow one more function on a capped token, in force from `effectiveAt`.
    /// @param asset The capped token.
    /// @param selector The extra function (0x00000000: receive/fallback); it replaces any allowed before.
    /// @param effectiveAt When it takes effect (unix seconds): one period P of the token's cap later.
    event SelectorAllowed(address indexed asset, bytes4 selector, uint64 effectiveAt);
    /// @notice Emitted when the owners withdraw the extra function allowed on a capped token.
    /// @param asset The token whose extra function was withdrawn.
    event SelectorDisallowed(address indexed asset);

    /// @notice Emitted at initialisation for the recovery address and backup, and when the recovery address in
    ///         force changes (a scheduled change written by the first sweep or acceptance at or after its time,
    ///         or a switch to the backup).
    /// @param recovery The recovery address now in force.
    /// @param backup The backup still available (zero: none, or used up by a switch to it).
    event RecoverySet(address indexed recovery, address backup);
    /// @notice Emitted when a recovery address (current, backup or scheduled) accepts on this chain.
    /// @param account The address that accepted: the recovery address, the backup or the scheduled new one.
    event RecoveryAccepted(address indexed account);
    /// @notice Emitted when a recovery-address change is scheduled: in force from `effectiveAt` once `recovery`
    ///         has accepted; lapses at `lapsesAt` if it has not.
    /// @param recovery The new recovery address (it has not accepted yet).
    /// @param effectiveAt When it takes effect once accepted (unix seconds): now + recoveryChangeWait().
    /// @param lapsesAt When the change lapses if still not accepted: `effectiveAt` plus the grace period.
    event RecoveryChangeScheduled(address indexed recovery, uint64 effectiveAt, uint64 lapsesAt);
    /// @notice Emitted when a scheduled recovery-address change is cancelled (by a guardian or the owners).
    /// @param recovery The scheduled address that was dropped.
    /// @param by The guardian that cancelled, or the safe's own address (the owners, by proposal).
    event RecoveryChangeCancelled(address indexed recovery, address indexed by);
    /// @notice Emitted when the safe enters the Evacuated state: names the guardian whose power was used (the
    ///         signer of a relayed evacuation), who sent it, the new generation and the destination.
    /// @param guardian The guardian whose evacuation power was used (the signer of a relayed evacuation).
    /// @param caller Who sent the transaction: the guardian itself, or the relayer.
    /// @param generation The new generation: batches queued earlier are Voided unless guardian-protected.
    /// @param recovery The recovery address in force (SweepHeld follows if it has not accepted yet).
    event SafeEvacuated(
        address indexed guardian, address indexed caller, uint32 generation, address recovery
    );
    /// @notice Emitted when a sweep moved `amount` of `asset` to `recovery`; `leftover` is what the safe still holds
    ///         of it (fees, rebasing dust, a token that moved less than asked).
    /// @param asset The swept asset (NATIVE_ASSET for the native coin).
    /// @param recovery The recovery address it went to.
    /// @param amount What left, in base units: the fall of the safe's balance (native coin: the amount sent).
    /// @param leftover The safe's balance of the asset after the sweep, in base units.
    event AssetSwept(address indexed asset, address indexed recovery, uint256 amount, uint256 leftover);
    /// @notice Emitted when a sweep could not move `asset` (read or transfer reverted, returned false, lied or ran
    ///         out of its gas budget), or could not revoke its allowance to `spender` (zero for a balance sweep).
    ///         The sweep goes on with the other assets.
    /// @param asset The asset that could not be swept, or whose allowance could not be revoked.
    /// @param spender The spender whose allowance still stands (zero: the balance sweep failed).
    event SweepFailed(address indexed asset, address spender);
    /// @notice Emitted when a sweep revoked the safe's allowance on `asset` to `spender`.
    /// @param asset The token.
    /// @param spender The spender whose allowance now reads zero.
    event AllowanceRevoked(address indexed asset, address indexed spender);
    /// @notice Emitted when a sweep moves nothing because the recovery address has not accepted on this chain.
    /// @param recovery The recovery address in force, which has not accepted on this chain yet.
    event SweepHeld(address indexed recovery);
    /// @notice Emitted when `reopen` ends the Evacuated state, just before its final sweep (the sweep's AssetSwept
    ///         events follow it in the same transaction).
    /// @param generation The evacuation generation that ended (the next evacuation starts the one after it).
    event SafeReopened(uint32 generation);
    /// @notice Emitted when an asset is added to the evacuation list.
    /// @param asset The asset added.
    event EvacuationAssetAdded(address indexed asset);
    /// @notice Emitted when an asset is removed from the evacuation list.
    /// @param asset The asset removed.
    event EvacuationAssetRemoved(address indexed asset);

    /*//////////////////////////////////////////////////////////////
                              INITIALISATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets up a freshly cloned safe. Callable once, by the factory, in the deploying transaction.
    /// @param config Owners, threshold, guardians, delay, grace, freeze duration, caps, recovery address and
    ///        optional backup.
    function initialize(InitConfig calldata config) external;

    /*//////////////////////////////////////////////////////////////
                              PROPOSALS
    //////////////////////////////////////////////////////////////*/

    /// @notice Proposes a batch on chain under the current epoch; counts as the proposer's approval.
    /// @dev Emits the full calls, so every watcher can rebuild the proposal from the chain alone.
    /// @param calls The batch, executed in order and atomically.
    /// @param salt Distinguishes otherwise identical batches.
    /// @return id The proposal id (its EIP-712 digest).
    function propose(Call[] calldata calls, bytes32 salt) external returns (bytes32 id);

    /// @notice Approves, on chain, a proposal proposed on chain under the current epoch.
    /// @dev The path for owners whose wallet cannot sign EIP-712.
    /// @param id The proposal id.
    function approve(bytes32 id) external;

    /// @notice Queues a batch that has at least `threshold` distinct owner approvals under the current epoch.
    /// @dev Approvals are the on-chain ones (if proposed on chain) plus `signatures`; each owner counts once.
    ///      Anyone may call. The eta is now + delay, or now if every call is a value-less self-call to a
    ///      fast-track function (removeOwner, changeThreshold, addGuardian, setCap, setDelay, setGrace,
    ///      setFreezeDuration, freeze, rearmGuardians, unfreeze, cancel, quarantine, disallowSelector,
    ///      useBackupRecovery, cancelRecoveryChange, addEvacuationAsset) whose arguments tighten the safe as it
    ///      stands now; those setters re-check at execution and refuse to loosen.
    ///      While frozen only batches made solely of unfreeze/cancel self-calls may be queued.
    /// @param calls The batch.
    /// @param salt The proposal's salt.
    /// @param signatures Off-chain EIP-712 approvals of the proposal id, in any order.
    /// @return id The proposal id.
    /// @return eta The earliest execution time.
    function queue(Call[] calldata calls, bytes32 salt, Signature[] calldata signatures)
        external
        returns (bytes32 id, uint64 eta);

    /// @notice Executes a ready proposal: every call must succeed and every cap hold, or nothing happens.
    /// @dev Anyone may call, from eta to expiresAt inclusive, while not frozen. A failing call reverts the
    ///      whole execute and the proposal stays queued until it expires. Before any call runs, calls to capped
    ///      tokens are checked (UnmeasurableCall, AssetQuarantined). A batch of self-calls only reads no balance;
    ///      otherwise the native coin and each capped token the batch calls are measured, and every capped asset
    ///      if the batch calls any other contract (refused while a token is quarantined, which is never read).
    /// @param calls The batch, as queued.
    /// @param salt The proposal's salt.
    /// @param epoch The epoch the proposal was approved under.
    function execute(Call[] calldata calls, bytes32 salt, uint32 epoch) external;

    /// @notice Cancels a proposed or queued proposal (terminal).
    /// @dev Guardians may cancel anything but a guardian-protected proposal: value-less self-calls to addGuardian,
    ///      removeGuardian, reopen, unfreeze and cancel only, at least one of them not addGuardian (so a rogue
    ///      guardian cannot block its removal, the owners' early unfreeze, their cancels or their reopen). The safe itself (owners,
    ///      through a proposal) may cancel any id, including one never seen on chain, to void leaked signatures.
    /// @param id The proposal id.
    function cancel(bytes32 id) external;

    /*//////////////////////////////////////////////////////////////
                                 FREEZE
    //////////////////////////////////////////////////////////////*/

    /// @notice Freezes the safe for `freezeDuration`: nothing queues or executes but unfreeze and cancel batches.
    /// @dev By an armed guardian (which disarms all guardians until `rearmGuardians`) or by the safe itself.
    function freeze() external;

    /// @notice Ends a freeze early. Only through the safe's own proposal (M owners), fast-tracked.
    function unfreeze() external;

    /// @notice Re-arms the guardians' one-shot freeze. Only through the safe's own proposal.
    function rearmGuardians() external;

    /*//////////////////////////////////////////////////////////////
                         RECOVERY AND EVACUATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Sweeps the safe to its recovery address; the first sweep enters the Evacuated state.
    /// @dev By a guardian holding evacuation power (see `evacuationPowerAt`), frozen or not; once evacuated, by
    ///      anyone (a re-sweep: no new generation, `evacuatedAt` unchanged). Not the freeze shot. Never from inside
    ///      an executing batch (one lock covers evacuate, queue and execute). Entering the state is O(1) and written
    ///      before any external call: the epoch bumps (no approval gathered before counts again), the generation
    ///      grows, and every batch queued in an earlier generation is Voided unless guardian-protected.
    ///      The sweep moves, in this order and outside the caps: the whole native balance, every capped asset, the
    ///      evacuation list, then `extras` (at most 16; `spender` non-zero revokes that allowance instead). Each
    ///      asset gets a fixed gas budget (SWEEP_GAS); if less is left than the next asset's budget the whole
    ///      call reverts. An asset that reverts, returns false, lies or burns its budget is reported (SweepFailed)
    ///      and the others are swept. Until the recovery address has accepted, nothing moves (SweepHeld); the
    ///      allowances named in `extras` are revoked all the same (a revocation moves nothing).
    /// @param extras Further assets to sweep and allowances to revoke.
    function evacuate(EvacuationExtra[] calldata extras) external;

    /// @notice Relays a guardian's EIP-712 evacuation signature; anyone may send it.
    /// @dev The signature commits to this safe and chain (domain), the recovery address in force, the current
    ///      generation, the extras, a nonce and a deadline at most 30 days ahead (type `Evacuation` of
    ///      EVACUATION_TYPEHASH). The signer must be a guardian holding evacuation power now; each (guardian, nonce)
    ///      is used once. SafeEvacuated names the signer.
    /// @param guardian The signer.
    /// @param extras As for `evacuate`.
    /// @param nonce Any value not used before by this guardian.
    /// @param deadline Last timestamp the signature may be relayed.
    /// @param signature ECDSA (65 bytes, low s) or, for a guardian with code, EIP-1271 data.
    function evacuateBySig(
        address guardian,
        EvacuationExtra[] calldata extras,
        uint256 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external;

    /// @notice Accepts the recovery role on this chain, called by the recovery address, the backup, or a scheduled
    ///         new recovery address (before it lapses).
    function acceptRecovery() external;

    /// @notice Relays a recovery address's EIP-712 acceptance (`RecoveryAcceptance(address account,uint64 deadline)`
    ///         in this safe's domain, so bound to this chain); anyone may send it.
    /// @param account The accepting address (recovery, backup, or scheduled).
    /// @param deadline Last timestamp the signature may be relayed.
    /// @param signature ECDSA (65 bytes, low s) or, for an account with code, EIP-1271 data.
    function acceptRecoveryBySig(address account, uint64 deadline, bytes calldata signature) external;

    /// @notice Ends the Evacuated state after one more sweep in the same transaction. Only through the safe's own
    ///         proposal, which waits the delay and is guardian-protected (a rogue guardian cannot cancel or void
    ///         it: drop it and reopen in one batch). Batches voided by the evacuation stay voided.
    function reopen() external;

    /// @notice Schedules a new recovery address. Loosens: never fast-tracked, and any guardian may cancel the
    ///         proposal while queued. When it runs it only schedules the change (RecoveryChangeScheduled), in force
    ///         `max(delay, 7 days, the longest cap period)` later and only once `recovery` has accepted; it lapses
    ///         if not accepted within the grace period after that; any guardian may cancel it while scheduled.
    /// @param recovery The new recovery address: never zero, the safe, an owner or a guardian. It replaces
    ///        any change already scheduled.
    function setRecovery(address recovery) external;

    /// @notice Switches to the backup recovery address committed at deployment, at once (a tightening: fast-track
    ///         with M owners). Drops any scheduled change. The backup is then used up.
    function useBackupRecovery() external;

    /// @notice Cancels the scheduled recovery-address change: any guardian directly, or the owners by proposal.
    function cancelRecoveryChange() external;

    /// @notice Adds an asset (a contract other than the safe) to the evacuation list, at most 16. Tightens.
    /// @param asset A contract other than the safe (listed twice, it is only swept twice).
    function addEvacuationAsset(address asset) external;

    /// @notice Removes an asset from the evacuation list. Loosens: waits the delay.
    /// @param asset An asset on the evacuation list.
    function removeEvacuationAsset(address asset) external;

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
           (only through the safe's own proposals; see "Fast track")
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds an owner and sets the threshold. Loosens: always waits the delay. Bumps the epoch.
    /// @param owner The new owner: never zero, address(1), the safe, an owner or a recovery address.
    /// @param threshold The threshold after the change, 1..the new owner count.
    function addOwner(address owner, uint256 threshold) external;

    /// @notice Removes an owner and sets the threshold. Tightens if the threshold does not fall. Bumps the epoch.
    /// @param owner The owner to remove; at least one must remain.
    /// @param threshold The threshold after the change, 1..the new owner count (fast-trackable if not lower).
    function removeOwner(address owner, uint256 threshold) external;

    /// @notice Replaces an owner. Loosens: always waits the delay. Bumps the epoch.
    /// @param oldOwner The owner to replace; the new owner takes its index.
    /// @param newOwner The replacement: never zero, address(1), the safe, an owner or a recovery address.
    function swapOwner(address oldOwner, address newOwner) external;

    /// @notice Sets the threshold. Tightens unless it falls (the same value counts as tightening). Bumps the epoch.
    /// @param threshold The new threshold, 1..the owner count (fast-trackable if not lower).
    function changeThreshold(uint256 threshold) external;

    /// @notice Adds a guardian. Tightens.
    /// @param guardian The new guardian: never zero, the safe, a guardian or a recovery address; at most 8
    ///        guardians. It may evacuate from `delay` after this change runs.
    function addGuardian(address guardian) external;

    /// @notice Removes a guardian. Loosens: always waits the delay.
    /// @param guardian The guardian to remove.
    function removeGuardian(address guardian) external;

    /// @notice Sets the delay. Tightens unless it shrinks.
    /// @param delay The new delay, in seconds: 1 hour to 30 days. Proposals already queued keep their eta.
    function setDelay(uint32 delay) external;

    /// @notice Sets the grace period. Tightens unless it grows.
    /// @param grace The new grace period, in seconds: 1 hour to 90 days, and at least the freeze duration.
    ///        Proposals already queued keep their expiry.
    function setGrace(uint32 grace) external;

    /// @notice Sets the freeze duration. Tightens unless it shrinks.
    /// @param freezeDuration The new freeze duration, in seconds: 1 hour to 14 days, and at most the grace
    ///        period. A running freeze keeps its end.
    function setFreezeDuration(uint32 freezeDuration) external;

    /// @notice Adds or changes a cap. Tightens if the asset had none, or the limit does not rise and the period
    ///         stays the same: then it takes effect at once (and drops any scheduled change of that cap). Anything
    ///         else (a higher limit, any other period) loosens: it waits the delay, then is only scheduled, to take
    ///         effect one period P of the cap in force later (CapChangeScheduled); until then that cap binds every
    ///         batch, including the one that scheduled the change. A later setCap replaces the schedule.
    /// @dev Outflow already counted in the current window is carried into the new cap when it takes effect, so a
    ///      change never frees capacity early.
    /// @param asset NATIVE_ASSET or a token contract other than the safe; at most 16 assets are capped.
    /// @param limit C, the most that may leave over any interval of length `period`, in the asset's base
    ///        units (wei for the native coin); not zero.
    /// @param period P, in seconds: 1 hour to 365 days.
    function setCap(address asset, uint128 limit, uint32 period) external;

    /// @notice Removes a cap. Loosens: waits the delay, then is scheduled like a looser `setCap`: the asset stays
    ///         capped for one more period P of its cap, including for the batch that removes it.
    /// @dev Always executable: a batch of self-calls reads no token, so not even a hostile capped token can block it.
    /// @param asset A capped asset (NATIVE_ASSET for the native coin).
    function removeCap(address asset) external;

    /// @notice Quarantines a capped token: from now on its balance is never read, and no batch may call it or call
    ///         other code, which could move it unmeasured (AssetQuarantined). Tightens: fast-tracked. For a token
    ///         whose `balanceOf` lies, reverts or burns gas.
    /// @dev Lasts until the cap is removed (`removeCap`, which waits the delay and a period; a batch of self-calls
    ///      only, which reads nothing). Allowances the safe granted earlier stay as they are (they were charged when
    ///      granted). Batches of self-calls, transfers to accounts without code and calls to other capped tokens
    ///      still run. The native coin cannot be quarantined (InvalidCap).
    /// @param asset A capped token (not NATIVE_ASSET).
    function quarantine(address asset) external;

    /// @notice Allows one more function on a capped token besides the measured ones, e.g. WETH's `withdraw`;
    ///         replaces any extra selector allowed before. Loosens: waits the delay, then takes effect one period
    ///         P of the cap later (SelectorAllowed). Selector 0x00000000 stands for calls to receive/fallback.
    /// @dev The token's balance is still measured around such a call, but an allowance it grants is not: allowing
    ///      a function that grants allowances (multicall, approveAndCall) is as loose as removing the cap.
    /// @param asset A capped token.
    /// @param selector The function selector to allow.
    function allowSelector(address asset, bytes4 selector) external;

    /// @notice Withdraws the extra function allowed on a token (in force or not yet). Tightens: fast-tracked.
    /// @param asset The token (no check: with nothing allowed, only the event is emitted).
    function disallowSelector(address asset) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The EIP-712 digest (and id) of a proposal.
    /// @param calls The batch.
    /// @param salt The proposal's salt.
    /// @param epoch The epoch the approvals are given under: `epoch()` now, for a proposal to queue.
    /// @return The proposal id: the digest of `Proposal(Call[] calls,bytes32 salt,uint32 epoch)` in this
    ///         safe's domain, which owners sign.
    function hashProposal(Call[] calldata calls, bytes32 salt, uint32 epoch) external view returns (bytes32);

    /// @notice The EIP-712 digest a guardian signs for `evacuateBySig(guardian, extras, nonce, deadline, …)` now: it
    ///         commits to this safe and chain (domain), the recovery address in force and the current generation.
    ///         Reverts with SignatureExpired or DeadlineTooFar when `deadline` is passed or more than 30 days ahead.
    /// @param extras The extras the relayed evacuation will carry, in the same order.
    /// @param nonce A value this guardian has not used before (not checked here).
    /// @param deadline Last timestamp the signature may be relayed (unix seconds).
    /// @return The digest the guardian signs; invalid once the recovery address or generation changes.
    function evacuationDigest(EvacuationExtra[] calldata extras, uint256 nonce, uint64 deadline)
        external
        view
        returns (bytes32);

    /// @notice How long a recovery-address change waits once scheduled: max(delay, 7 days, the longest cap period in
    ///         force or scheduled).
    /// @return The wait, in seconds.
    function recoveryChangeWait() external view returns (uint256);

    /// @notice The EIP-712 digest a recovery address signs for `acceptRecoveryBySig(account, deadline, …)`. Reverts
    ///         with SignatureExpired or DeadlineTooFar when `deadline` is passed or more than 30 days ahead.
    /// @param account The accepting address (not checked here: `acceptRecoveryBySig` checks it).
    /// @param deadline Last timestamp the signature may be relayed (unix seconds), at most 30 days ahead: an
    ///        acceptance has no nonce, so a long-lived one could accept a later, re-scheduled change to the same
    ///        address long after its key was lost.
    /// @return The digest `account` signs.
    function acceptanceDigest(address account, uint64 deadline) external view returns (bytes32);

    /// @notice The EIP-712 domain separator for this safe on this chain.
    /// @return The hash of EIP712Domain("TreasurySafe", "1", this chain's id, this safe).
    function domainSeparator() external view returns (bytes32);

    /// @notice The EIP-712 domain of this safe (ERC-5267), for wallets that show it before signing.
    /// @return fields 0x0f: name, version, chainId and verifyingContract are set.
    /// @return name "TreasurySafe".
    /// @return version "1".
    /// @return chainId This chain's id.
    /// @return verifyingContract This safe.
    /// @return salt Unused (zero).
    /// @return extensions None.
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        );

    /// @notice A proposal's state now.
    /// @param id The proposal id.
    /// @return Its state (Unknown for an id never proposed nor queued on chain).
    function proposalState(bytes32 id) external view returns (ProposalState);

    /// @notice A proposal's stored record and state now.
    /// @param id The proposal id.
    /// @return Its record and state now (all zero and Unknown for an id never proposed nor queued).
    function getProposal(bytes32 id) external view returns (ProposalView memory);

    /// @notice Whether `owner`'s approval of `id` is recorded: given on chain (`approve`, `propose`), or, once
    ///         queued, counted by `queue` from an off-chain signature.
    /// @param id The proposal id.
    /// @param owner The owner asked about.
    /// @return Whether its bit is set in the proposal's approval bitmap; false if `owner` is not an owner now
    ///         or the epoch changed since the proposal was recorded.
    function hasApproved(bytes32 id, address owner) external view returns (bool);

    /// @notice The whole configuration and cap state now.
    /// @return The configuration; `caps` lists the caps in force now (scheduled changes whose time has come
    ///         applied, removed caps left out).
    function getConfig() external view returns (ConfigView memory);

    /// @notice The owners, in index order (the order used by approval bitmaps).
    /// @return The owners, in index order.
    function getOwners() external view returns (address[] memory);

    /// @notice The guardians.
    /// @return The guardians, in storage order (a removal moves the last one into its place).
    function getGuardians() external view returns (address[] memory);

    /// @notice Whether `account` is an owner.
    /// @param account Any address.
    /// @return Whether it is an owner now.
    function isOwner(address account) external view returns (bool);

    /// @notice Whether `account` is a guardian.
    /// @param account Any address.
    /// @return Whether it is a guardian now.
    function isGuardian(address account) external view returns (bool);

    /// @notice The threshold M.
    /// @return The approvals needed to queue: 1..the owner count.
    function threshold() external view returns (uint256);

    /// @notice The configuration epoch.
    /// @return The current epoch: 0 at deployment, one more at each owner or threshold change and at each
    ///         evacuation that starts a generation.
    function epoch() external view returns (uint32);

    /// @notice The timestamp until which the safe is frozen (0 or past: not frozen).
    /// @return A unix timestamp in seconds: the safe is frozen while the time is below it.
    function frozenUntil() external view returns (uint64);

    /// @notice The recovery configuration and evacuation state now (see RecoveryView).
    /// @return The recovery configuration and evacuation state.
    function getRecovery() external view returns (RecoveryView memory);

    /// @notice When `guardian` gains evacuation power (0: not a guardian). Freeze and cancel are immediate.
    /// @param guardian Any address.
    /// @return From when it may evacuate (unix seconds; the deployment time for the deployment's guardians),
    ///         or 0 if it is not a guardian.
    function evacuationPowerAt(address guardian) external view returns (uint64);

    /// @notice A raw storage word of this safe, for its lens (TreasurySafeLens) and for indexers.
    /// @dev The larger views (getConfig, getProposal, proposalState, hasApproved, remainingCap, scheduledCapChange,
    ///      getRecovery, evacuationPowerAt) are answered by the lens, which the safe reaches by STATICCALL with the
    ///      same calldata: the lens reads the safe through this function and can change nothing.
    /// @param slot The storage slot to read.
    /// @return value The 32-byte word stored there.
    function extsload(bytes32 slot) external view returns (bytes32 value);

    /// @notice What may still leave now in `asset` (type(uint256).max if uncapped).
    /// @param asset The asset (NATIVE_ASSET for the native coin).
    /// @return An amount in the asset's base units (wei for the native coin).
    function remainingCap(address asset) external view returns (uint256);

    /// @notice What a batch may do with capped token `asset`.
    /// @param asset The token asked about.
    /// @return quarantined Whether the token is quarantined (never read, never callable).
    /// @return selector The extra function allowed on it besides the measured ones (meaningful if `from` != 0).
    /// @return from When that extra function is allowed from (0: none).
    function callPolicy(address asset) external view returns (bool quarantined, bytes4 selector, uint64 from);

    /// @notice The loosening change of `asset`'s cap that is scheduled and not yet in force (all zero if none).
    /// @param asset The capped asset asked about (NATIVE_ASSET for the native coin).
    /// @return limit The new limit (0 together with period 0: the cap is to be removed).
    /// @return period The new period.
    /// @return effectiveAt When it takes effect.
    function scheduledCapChange(address asset)
        external
        view
        returns (uint128 limit, uint32 period, uint64 effectiveAt);
}
