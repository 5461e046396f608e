// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITreasurySafe} from "./interfaces/ITreasurySafe.sol";
import {ConfigRules} from "./libraries/ConfigRules.sol";
import {RollingCap} from "./libraries/RollingCap.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title TreasurySafeLens
/// @notice Answers the larger read-only views of TreasurySafe (getConfig, getProposal, proposalState, hasApproved,
///         remainingCap, scheduledCapChange, callPolicy, getRecovery, evacuationPowerAt) for the safe that calls it.
/// @dev Why: the implementation must stay under the EIP-170 size limit. The safe forwards those calls here by
///      STATICCALL with the same calldata and returns the answer as its own, so callers see one ABI (ITreasurySafe).
///      The lens reads its caller's storage through `extsload`: it holds no state, can change nothing, and a direct
///      call from an account that is not a safe simply fails. Its decoding mirrors the packed structs of
///      TreasurySafe (slots and bit offsets below); every view is covered by the unit tests, which would fail on
///      any drift between the two.
contract TreasurySafeLens {
    // Storage slots of TreasurySafe (`forge inspect TreasurySafe storageLayout`).
    uint256 private constant CONFIG_SLOT = 2;
    uint256 private constant OWNERS_SLOT = 3;
    uint256 private constant GUARDIANS_SLOT = 4;
    uint256 private constant CAPS_SLOT = 12;
    uint256 private constant RECORDS_SLOT = 60;
    uint256 private constant RECOVERY_SLOT = 61;
    uint256 private constant BACKUP_SLOT = 62;
    uint256 private constant PENDING_SLOT = 63;
    uint256 private constant LIST_SLOT = 64;
    uint256 private constant EXTRA_SELECTORS_SLOT = 81;

    address private constant SENTINEL = address(0x1);

    // The safe's constants, served as getters (the safe keeps them internal to stay under EIP-170).
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
    /// @notice Recovery and evacuation bounds (see TreasurySafe).
    uint32 public constant MIN_RECOVERY_DELAY = 7 days;
    uint256 public constant MAX_EXTRAS = 16;
    uint256 public constant MAX_EVACUATION_ASSETS = 16;
    uint256 public constant MAX_SIGNATURE_WINDOW = 30 days;
    uint256 public constant SWEEP_GAS = 330_000;
    /// @dev EIP-712 domain of the safe: name "TreasurySafe", version "1", the chain id, the safe (as OpenZeppelin's
    ///      EIP712 builds it; the safe builds the same).
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("TreasurySafe");
    bytes32 private constant VERSION_HASH = keccak256("1");
    /// @notice EIP-712 type hashes.
    bytes32 public constant CALL_TYPEHASH = keccak256("Call(address target,uint256 value,bytes data)");
    bytes32 public constant PROPOSAL_TYPEHASH = keccak256(
        "Proposal(Call[] calls,bytes32 salt,uint32 epoch)Call(address target,uint256 value,bytes data)"
    );
    bytes32 public constant EXTRA_TYPEHASH = keccak256("EvacuationExtra(address asset,address spender)");
    bytes32 public constant EVACUATION_TYPEHASH = keccak256(
        "Evacuation(address recovery,uint32 generation,EvacuationExtra[] extras,uint256 nonce,uint64 deadline)"
        "EvacuationExtra(address asset,address spender)"
    );
    bytes32 public constant ACCEPTANCE_TYPEHASH =
        keccak256("RecoveryAcceptance(address account,uint64 deadline)");

    /// @dev TreasurySafe.Config, decoded.
    struct Config {
        uint256 threshold;
        uint256 ownerCount;
        uint256 guardianCount;
        uint256 capCount;
        bool guardiansArmed;
        bool evacuated;
        uint32 epoch;
        uint32 delay;
        uint32 grace;
        uint32 freezeDuration;
        uint64 frozenUntil;
        uint32 generation;
    }

    /// @dev TreasurySafe.Record, decoded (status: 0 None, 1 Proposed, 2 Queued, 3 Executed, 4 Cancelled).
    struct Record {
        uint256 status;
        bool fastTrack;
        bool guardianProtected;
        uint32 epoch;
        uint32 approvals;
        uint64 eta;
        uint64 expiresAt;
        uint32 generation;
    }

    /// @dev TreasurySafe.Cap, decoded (internal: no function returns it).
    struct Cap {
        address asset;
        uint32 period;
        uint64 head;
        bool scheduled;
        bool quarantined;
        uint128 limit;
        uint96 lanes;
        uint128 nextLimit;
        uint32 nextPeriod;
        uint64 nextAt;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.proposalState.
    function proposalState(bytes32 id) external view returns (ITreasurySafe.ProposalState) {
        return _stateOf(_record(id), _config());
    }

    /// @notice See ITreasurySafe.getProposal.
    function getProposal(bytes32 id) external view returns (ITreasurySafe.ProposalView memory) {
        Record memory r = _record(id);
        return ITreasurySafe.ProposalView({
            state: _stateOf(r, _config()),
            epoch: r.epoch,
            approvals: r.approvals,
            eta: r.eta,
            expiresAt: r.expiresAt,
            fastTrack: r.fastTrack,
            guardianProtected: r.guardianProtected
        });
    }

    /// @notice See ITreasurySafe.hasApproved.
    function hasApproved(bytes32 id, address owner) external view returns (bool) {
        Record memory r = _record(id);
        uint256 node = _load(uint256(keccak256(abi.encode(owner, OWNERS_SLOT))));
        // Bitmaps are by owner index, which is only meaningful under the epoch they were set in.
        if (owner == SENTINEL || uint160(node) == 0 || r.epoch != _config().epoch) return false;
        return r.approvals & (uint256(1) << ((node >> 160) & 0xff)) != 0;
    }

    /// @notice See ITreasurySafe.getConfig.
    function getConfig() external view returns (ITreasurySafe.ConfigView memory view_) {
        Config memory cfg = _config();
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
        ITreasurySafe.CapView[] memory caps = new ITreasurySafe.CapView[](cfg.capCount);
        // slither-disable-next-line uninitialized-local: caps in force copied so far; counts from 0 (zero-initialised)
        uint256 n;
        for (uint256 i; i < cfg.capCount; ++i) {
            Cap memory c = _inForce(_cap(i));
            if (c.limit != 0) caps[n++] = _capView(c);
        }
        view_.caps = new ITreasurySafe.CapView[](n);
        for (uint256 i; i < n; ++i) {
            view_.caps[i] = caps[i];
        }
    }

    /// @notice See ITreasurySafe.remainingCap.
    function remainingCap(address asset) external view returns (uint256) {
        (bool found, Cap memory c) = _findCap(asset);
        if (found) c = _inForce(c);
        // Uncapped, or its removal has taken effect.
        // slither-disable-next-line incorrect-equality: limit 0 encodes a removal in force: configured, not a balance
        if (!found || c.limit == 0) return type(uint256).max;
        return _capView(c).remaining;
    }

    /// @notice See ITreasurySafe.scheduledCapChange.
    function scheduledCapChange(address asset) external view returns (uint128, uint32, uint64) {
        (bool found, Cap memory c) = _findCap(asset);
        // Only a change still to come: once its time has come it is the cap in force (getConfig, remainingCap).
        if (!found || !c.scheduled || block.timestamp >= c.nextAt) return (0, 0, 0);
        return (c.nextLimit, c.nextPeriod, c.nextAt);
    }

    /// @notice See ITreasurySafe.callPolicy.
    function callPolicy(address asset)
        external
        view
        returns (bool quarantined, bytes4 selector, uint64 from)
    {
        (bool found, Cap memory c) = _findCap(asset);
        quarantined = found && c.quarantined;
        // ExtraSelector packs (selector, from) from the low-order bytes of its slot.
        uint256 w = _load(uint256(keccak256(abi.encode(asset, EXTRA_SELECTORS_SLOT))));
        return (quarantined, bytes4(uint32(w)), uint64(w >> 32));
    }

    /// @notice See ITreasurySafe.getRecovery.
    function getRecovery() external view returns (ITreasurySafe.RecoveryView memory) {
        return _recoveryView();
    }

    /// @dev The recovery view of the calling safe (shared by getRecovery and evacuationDigest, which must read it
    ///      with the safe as msg.sender).
    function _recoveryView() internal view returns (ITreasurySafe.RecoveryView memory v) {
        uint256 recovery = _load(RECOVERY_SLOT);
        uint256 backup = _load(BACKUP_SLOT);
        uint256 pending = _load(PENDING_SLOT);
        address pendingAccount = address(uint160(pending));
        bool pendingAccepted = (pending >> 160) & 0xff != 0;
        uint64 effectiveAt = uint64((pending >> 168) & type(uint40).max);
        uint64 lapsesAt = uint64((pending >> 208) & type(uint40).max);
        // A scheduled change that accepted and whose time has come is the recovery address in force.
        if (pendingAccount != address(0) && pendingAccepted && block.timestamp >= effectiveAt) {
            (v.recovery, v.accepted) = (pendingAccount, true);
        } else {
            (v.recovery, v.accepted) = (address(uint160(recovery)), (recovery >> 160) & 0xff != 0);
            // Still scheduled: not lapsed (accepted ones never lapse).
            if (pendingAccepted || block.timestamp <= lapsesAt) {
                (v.pending, v.pendingAccepted, v.pendingEffectiveAt, v.pendingLapsesAt) =
                (pendingAccount, pendingAccepted, effectiveAt, lapsesAt);
            }
        }
        (v.backup, v.backupAccepted) = (address(uint160(backup)), (backup >> 160) & 0xff != 0);
        Config memory cfg = _config();
        (v.evacuated, v.evacuatedAt, v.generation) =
        (cfg.evacuated, uint64((recovery >> 168) & type(uint40).max), cfg.generation);
        uint256 n = (backup >> 168) & 0xff;
        v.evacuationList = new address[](n);
        for (uint256 i; i < n; ++i) {
            v.evacuationList[i] = address(uint160(_load(LIST_SLOT + i)));
        }
    }

    /// @notice See ITreasurySafe.evacuationPowerAt.
    function evacuationPowerAt(address guardian) external view returns (uint64) {
        uint256 count = _config().guardianCount;
        for (uint256 i; i < count; ++i) {
            uint256 word = _load(GUARDIANS_SLOT + i);
            if (guardian != address(0) && address(uint160(word)) == guardian) return uint64(word >> 160);
        }
        return 0;
    }

    /// @notice See ITreasurySafe.getOwners.
    function getOwners() external view returns (address[] memory) {
        return _ownerList(_config().ownerCount);
    }

    /// @notice See ITreasurySafe.getGuardians.
    function getGuardians() external view returns (address[] memory) {
        return _guardianList(_config().guardianCount);
    }

    /// @notice See ITreasurySafe.isGuardian.
    function isGuardian(address account) external view returns (bool) {
        return _isGuardian(account);
    }

    function _isGuardian(address account) internal view returns (bool) {
        if (account == address(0)) return false;
        address[] memory list = _guardianList(_config().guardianCount);
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }

    /// @notice See ITreasurySafe.threshold.
    function threshold() external view returns (uint256) {
        return _config().threshold;
    }

    /// @notice See ITreasurySafe.epoch.
    function epoch() external view returns (uint32) {
        return _config().epoch;
    }

    /// @notice See ITreasurySafe.frozenUntil.
    function frozenUntil() external view returns (uint64) {
        return _config().frozenUntil;
    }

    /// @notice See ITreasurySafe.isOwner.
    function isOwner(address account) public view returns (bool) {
        return
            account != SENTINEL && uint160(_load(uint256(keccak256(abi.encode(account, OWNERS_SLOT))))) != 0;
    }

    /// @notice See ITreasurySafe.recoveryChangeWait.
    function recoveryChangeWait() external view returns (uint256 wait) {
        Config memory cfg = _config();
        wait = cfg.delay > MIN_RECOVERY_DELAY ? cfg.delay : MIN_RECOVERY_DELAY;
        for (uint256 i; i < cfg.capCount; ++i) {
            Cap memory c = _cap(i);
            if (c.period > wait) wait = c.period;
            if (c.scheduled && c.nextPeriod > wait) wait = c.nextPeriod;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                DIGESTS
    //////////////////////////////////////////////////////////////*/

    /// @notice See ITreasurySafe.hashProposal (the safe computes the same digest itself for propose, queue, execute).
    function hashProposal(ITreasurySafe.Call[] calldata calls, bytes32 salt, uint32 proposalEpoch)
        external
        view
        returns (bytes32)
    {
        bytes32[] memory callHashes = new bytes32[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            callHashes[i] = keccak256(abi.encode(CALL_TYPEHASH, c.target, c.value, keccak256(c.data)));
        }
        return _typedData(
            keccak256(
                abi.encode(PROPOSAL_TYPEHASH, keccak256(abi.encodePacked(callHashes)), salt, proposalEpoch)
            )
        );
    }

    /// @notice See ITreasurySafe.eip712Domain (ERC-5267): the domain the calling safe signs proposals in.
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
        )
    {
        return (hex"0f", "TreasurySafe", "1", block.chainid, msg.sender, bytes32(0), new uint256[](0));
    }

    /// @notice The signature check of the calling safe's `evacuateBySig`, which forwards its own calldata here (same
    ///         selector): reverts unless `signature` is `guardian`'s (its key, or its EIP-1271 answer) over
    ///         evacuationDigest(extras, nonce, deadline), which also refuses an expired or too distant deadline. The
    ///         safe then checks the nonce and the guardian's evacuation power, and sweeps.
    function evacuateBySig(
        address guardian,
        ITreasurySafe.EvacuationExtra[] calldata extras,
        uint256 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external view {
        // Only the guardian's own key (or its EIP-1271 answer) signs for it.
        if (!_isValidSignature(guardian, evacuationDigest(extras, nonce, deadline), signature)) {
            revert ITreasurySafe.InvalidSignature(guardian);
        }
    }

    /// @notice The signature check of the calling safe's `acceptRecoveryBySig`, which forwards its own calldata here:
    ///         reverts unless `signature` is `account`'s over acceptanceDigest(account, deadline).
    function acceptRecoveryBySig(address account, uint64 deadline, bytes calldata signature) external view {
        // Acceptance proves the account is controlled on this chain: only its own key or EIP-1271 answer counts.
        if (!_isValidSignature(account, acceptanceDigest(account, deadline), signature)) {
            revert ITreasurySafe.InvalidSignature(account);
        }
    }

    /// @notice The argument check of the calling safe's `setDelay` (which forwards its calldata here): reverts unless
    ///         the new delay is within bounds and the grace still outlasts a freeze.
    function setDelay(uint32 newDelay) external view {
        Config memory cfg = _config();
        ConfigRules.checkTiming(newDelay, cfg.grace, cfg.freezeDuration);
    }

    /// @notice The argument check of the calling safe's `setGrace`.
    function setGrace(uint32 newGrace) external view {
        Config memory cfg = _config();
        ConfigRules.checkTiming(cfg.delay, newGrace, cfg.freezeDuration);
    }

    /// @notice The argument check of the calling safe's `setFreezeDuration`.
    function setFreezeDuration(uint32 newFreezeDuration) external view {
        Config memory cfg = _config();
        ConfigRules.checkTiming(cfg.delay, cfg.grace, newFreezeDuration);
    }

    /// @notice The argument check of the calling safe's `setCap`: the native coin or a contract other than the safe,
    ///         a limit, and a window within bounds.
    function setCap(address asset, uint128 limit, uint32 period) external view {
        ConfigRules.checkCap(asset, limit, period, msg.sender);
    }

    /// @notice The argument check of the calling safe's `setRecovery`: never zero, the safe, an owner or a guardian.
    function setRecovery(address account) external view {
        ConfigRules.checkRecovery(account, msg.sender, isOwner(account) || _isGuardian(account));
    }

    /// @notice See ITreasurySafe.domainSeparator.
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, msg.sender));
    }

    /// @notice See ITreasurySafe.evacuationDigest.
    function evacuationDigest(ITreasurySafe.EvacuationExtra[] calldata extras, uint256 nonce, uint64 deadline)
        public
        view
        returns (bytes32)
    {
        // A relayed signature is valid only until its deadline…
        if (block.timestamp > deadline) revert ITreasurySafe.SignatureExpired(deadline);
        // …and a long-lived one is a standing order nobody remembers: at most 30 days ahead.
        if (deadline > block.timestamp + MAX_SIGNATURE_WINDOW) {
            revert ITreasurySafe.DeadlineTooFar(deadline, uint64(block.timestamp + MAX_SIGNATURE_WINDOW));
        }
        bytes32[] memory hashes = new bytes32[](extras.length);
        for (uint256 i; i < extras.length; ++i) {
            hashes[i] = keccak256(abi.encode(EXTRA_TYPEHASH, extras[i].asset, extras[i].spender));
        }
        ITreasurySafe.RecoveryView memory v = _recoveryView();
        return _typedData(
            keccak256(
                abi.encode(
                    EVACUATION_TYPEHASH,
                    v.recovery,
                    v.generation,
                    keccak256(abi.encodePacked(hashes)),
                    nonce,
                    deadline
                )
            )
        );
    }

    /// @notice See ITreasurySafe.acceptanceDigest.
    function acceptanceDigest(address account, uint64 deadline) public view returns (bytes32) {
        // A relayed signature is valid only until its deadline, at most 30 days ahead: an acceptance has no nonce,
        // and a long-lived one could accept a later change back to this address after its key was lost.
        if (block.timestamp > deadline) revert ITreasurySafe.SignatureExpired(deadline);
        if (deadline > block.timestamp + MAX_SIGNATURE_WINDOW) {
            revert ITreasurySafe.DeadlineTooFar(deadline, uint64(block.timestamp + MAX_SIGNATURE_WINDOW));
        }
        return _typedData(keccak256(abi.encode(ACCEPTANCE_TYPEHASH, account, deadline)));
    }

    /*//////////////////////////////////////////////////////////////
                 CLASSIFICATION (for the safe's propose and queue)
    //////////////////////////////////////////////////////////////*/

    /// @notice Which special paths a batch of the calling safe may take; the safe asks only for batches of
    ///         value-less self-calls (any other batch takes none).
    /// @dev fastTrack: every call is a fast-track setter whose arguments tighten the safe as it stands now (each
    ///      setter re-checks at execution; a loosening call makes the whole batch wait the delay instead of being
    ///      fast-tracked and then refused forever).
    ///      freezeExempt: only unfreeze and cancel.
    ///      guardianProtected: only addGuardian, removeGuardian, reopen, unfreeze and cancel, at least one of them not
    ///      addGuardian: a rogue guardian must not block its own removal, the owners' early unfreeze, their cancels or
    ///      their reopen, by cancelling or by evacuating (which voids every other earlier batch).
    ///      allowedWhileEvacuated: every call tightens now (as for fastTrack), or is removeGuardian, reopen or
    ///      setRecovery.
    function classify(ITreasurySafe.Call[] calldata calls)
        external
        view
        returns (bool fastTrack, bool freezeExempt, bool guardianProtected, bool allowedWhileEvacuated)
    {
        Config memory cfg = _config();
        fastTrack = true;
        freezeExempt = true;
        guardianProtected = true;
        allowedWhileEvacuated = true;
        // slither-disable-next-line uninitialized-local: false until a remedy call (unfreeze, cancel, ...) is seen
        bool remedy;
        for (uint256 i; i < calls.length; ++i) {
            ITreasurySafe.Call calldata c = calls[i];
            if (c.target != msg.sender || c.value != 0 || c.data.length < 4) {
                return (false, false, false, false);
            }
            bytes4 selector = bytes4(c.data[:4]);
            bool tightens = _tightensNow(selector, c.data, cfg);
            fastTrack = fastTrack && tightens;
            allowedWhileEvacuated = allowedWhileEvacuated
                && (tightens
                    || selector == ITreasurySafe.reopen.selector
                    || selector == ITreasurySafe.removeGuardian.selector
                    || selector == ITreasurySafe.setRecovery.selector);
            bool exempt =
                selector == ITreasurySafe.unfreeze.selector || selector == ITreasurySafe.cancel.selector;
            freezeExempt = freezeExempt && exempt;
            if (
                exempt || selector == ITreasurySafe.removeGuardian.selector
                    || selector == ITreasurySafe.reopen.selector
            ) {
                remedy = true;
            } else if (selector != ITreasurySafe.addGuardian.selector) {
                guardianProtected = false;
            }
        }
        guardianProtected = guardianProtected && remedy;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev A signature by `signer`'s key (ECDSA, low s) or, for a contract, its EIP-1271 answer (mirrors
    ///      TreasurySafe._isValidSignature).
    function _isValidSignature(address signer, bytes32 digest, bytes calldata data)
        internal
        view
        returns (bool)
    {
        // slither-disable-next-line unused-return: the third value only details `err`, which the next line checks
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, data);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return
            signer.code.length != 0
                && SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, data);
    }

    /// @dev The EIP-712 digest of `structHash` in the calling safe's domain.
    function _typedData(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @dev Whether a self-call may skip the delay: a fast-track setter whose change tightens the safe as it stands.
    function _tightensNow(bytes4 s, bytes calldata data, Config memory cfg) internal view returns (bool) {
        if (!_isFastTrackSelector(s)) return false;
        if (s == ITreasurySafe.changeThreshold.selector || s == ITreasurySafe.removeOwner.selector) {
            // The threshold is the first argument of changeThreshold and the second of removeOwner, read where
            // the setter's ABI decoding reads it: bytes after the arguments are ignored there, so they must not
            // decide here either (reading the last word let trailing bytes fast-track a batch that then failed).
            uint256 end = s == ITreasurySafe.changeThreshold.selector ? 36 : 68;
            if (data.length < end) return false;
            return uint256(bytes32(data[end - 32:end])) >= cfg.threshold;
        }
        if (
            s == ITreasurySafe.setDelay.selector || s == ITreasurySafe.setGrace.selector
                || s == ITreasurySafe.setFreezeDuration.selector
        ) {
            if (data.length < 36) return false;
            uint256 value = uint256(bytes32(data[4:36]));
            if (s == ITreasurySafe.setDelay.selector) return value >= cfg.delay;
            if (s == ITreasurySafe.setGrace.selector) return value <= cfg.grace;
            return value >= cfg.freezeDuration;
        }
        if (s == ITreasurySafe.setCap.selector) {
            if (data.length < 100) return false;
            (address asset, uint256 limit, uint256 period) =
                abi.decode(data[4:100], (address, uint256, uint256));
            (bool found, Cap memory c) = _findCap(asset);
            if (found) c = _inForce(c);
            // No cap in force (none, or its removal has taken effect): a new cap only restricts.
            // slither-disable-next-line incorrect-equality: configured limit (0: removed) and period, not balances
            return !found || c.limit == 0 || (limit <= c.limit && period == c.period);
        }
        return true;
    }

    function _isFastTrackSelector(bytes4 s) internal pure returns (bool) {
        return s == ITreasurySafe.removeOwner.selector || s == ITreasurySafe.changeThreshold.selector
            || s == ITreasurySafe.addGuardian.selector || s == ITreasurySafe.setCap.selector
            || s == ITreasurySafe.setDelay.selector || s == ITreasurySafe.setGrace.selector
            || s == ITreasurySafe.setFreezeDuration.selector || s == ITreasurySafe.freeze.selector
            || s == ITreasurySafe.rearmGuardians.selector || s == ITreasurySafe.unfreeze.selector
            || s == ITreasurySafe.cancel.selector || s == ITreasurySafe.useBackupRecovery.selector
            || s == ITreasurySafe.cancelRecoveryChange.selector
            || s == ITreasurySafe.addEvacuationAsset.selector || s == ITreasurySafe.quarantine.selector
            || s == ITreasurySafe.disallowSelector.selector;
    }

    /// @dev The owners in index order: the linked list from the sentinel (mirrors TreasurySafe._ownerList).
    function _ownerList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        address current = SENTINEL;
        for (uint256 i; i < count; ++i) {
            current = address(uint160(_load(uint256(keccak256(abi.encode(current, OWNERS_SLOT))))));
            list[i] = current;
        }
    }

    function _guardianList(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = address(uint160(_load(GUARDIANS_SLOT + i)));
        }
    }

    function _load(uint256 slot) internal view returns (uint256) {
        return uint256(ITreasurySafe(msg.sender).extsload(bytes32(slot)));
    }

    function _config() internal view returns (Config memory c) {
        uint256 w = _load(CONFIG_SLOT);
        c.threshold = w & 0xff;
        c.ownerCount = (w >> 8) & 0xff;
        c.guardianCount = (w >> 16) & 0xff;
        c.capCount = (w >> 24) & 0xff;
        c.guardiansArmed = (w >> 32) & 0xff != 0;
        c.evacuated = (w >> 48) & 0xff != 0;
        c.epoch = uint32(w >> 56);
        c.delay = uint32(w >> 88);
        c.grace = uint32(w >> 120);
        c.freezeDuration = uint32(w >> 152);
        c.frozenUntil = uint64((w >> 184) & type(uint40).max);
        c.generation = uint32(w >> 224);
    }

    function _record(bytes32 id) internal view returns (Record memory r) {
        uint256 w = _load(uint256(keccak256(abi.encode(id, RECORDS_SLOT))));
        r.status = w & 0xff;
        r.fastTrack = (w >> 8) & 0xff != 0;
        r.guardianProtected = (w >> 24) & 0xff != 0;
        r.epoch = uint32(w >> 32);
        r.approvals = uint32(w >> 64);
        r.eta = uint64(w >> 96);
        r.expiresAt = uint64(w >> 160);
        r.generation = uint32(w >> 224);
    }

    function _cap(uint256 i) internal view returns (Cap memory c) {
        uint256 a = _load(CAPS_SLOT + 3 * i);
        uint256 b = _load(CAPS_SLOT + 3 * i + 1);
        uint256 n = _load(CAPS_SLOT + 3 * i + 2);
        c.asset = address(uint160(a));
        c.period = uint32(a >> 160);
        c.scheduled = (a >> 192) & 0xff != 0;
        c.quarantined = (a >> 200) & 0xff != 0;
        c.limit = uint128(b);
        c.lanes = uint96(b >> 128);
        c.head = uint32(b >> 224);
        c.nextLimit = uint128(n);
        c.nextPeriod = uint32(n >> 128);
        c.nextAt = uint64(n >> 160);
    }

    function _findCap(address asset) internal view returns (bool, Cap memory c) {
        uint256 count = _config().capCount;
        for (uint256 i; i < count; ++i) {
            c = _cap(i);
            if (c.asset == asset) return (true, c);
        }
        return (false, c);
    }

    /// @dev Mirrors TreasurySafe._stateOf.
    function _stateOf(Record memory r, Config memory cfg)
        internal
        view
        returns (ITreasurySafe.ProposalState)
    {
        if (r.status == 0) return ITreasurySafe.ProposalState.Unknown;
        if (r.status == 1) {
            return
                r.epoch == cfg.epoch
                    ? ITreasurySafe.ProposalState.Proposed
                    : ITreasurySafe.ProposalState.Stale;
        }
        if (r.status == 3) return ITreasurySafe.ProposalState.Executed;
        if (r.status == 4) return ITreasurySafe.ProposalState.Cancelled;
        // Queued in an earlier evacuation generation and not guardian-protected: voided (terminal).
        if (!r.guardianProtected && r.generation < cfg.generation) return ITreasurySafe.ProposalState.Voided;
        if (block.timestamp < r.eta) return ITreasurySafe.ProposalState.Queued;
        if (block.timestamp <= r.expiresAt) return ITreasurySafe.ProposalState.Ready;
        return ITreasurySafe.ProposalState.Expired;
    }

    /// @dev `c` as in force now, by the rule SafeCaps._settleCaps writes to storage: a scheduled change whose time has
    ///      come is applied (limit 0: removed).
    function _inForce(Cap memory c) internal view returns (Cap memory) {
        if (!c.scheduled || block.timestamp < c.nextAt) return c;
        if (c.nextLimit == 0) c.limit = 0;
        else c = _rebased(c, c.nextLimit, c.nextPeriod);
        return c;
    }

    /// @dev Mirrors TreasurySafe._rebased.
    function _rebased(Cap memory c, uint128 limit, uint32 period) internal view returns (Cap memory r) {
        uint256 usedUnits =
            RollingCap.usedUnits(c.lanes, c.head, RollingCap.indexAt(c.period, block.timestamp));
        // slither-disable-next-line incorrect-equality: unit count of past spends (0: no round-up carry)
        uint256 usedAmount = RollingCap.toAmount(usedUnits, c.limit) + (usedUnits == 0 ? 0 : 1);
        uint256 carried = RollingCap.toUnits(usedAmount, limit);
        if (carried > RollingCap.FULL) carried = RollingCap.FULL;
        uint64 head = RollingCap.indexAt(period, block.timestamp);
        // slither-disable-next-line unused-return: record(0, head, head, ..) returns `head` as the new head
        (uint96 lanes,) = RollingCap.record(0, head, head, carried);
        (r.asset, r.period, r.head, r.limit, r.lanes) = (c.asset, period, head, limit, lanes);
    }

    function _capView(Cap memory c) internal view returns (ITreasurySafe.CapView memory) {
        uint64 nowIndex = RollingCap.indexAt(c.period, block.timestamp);
        return ITreasurySafe.CapView({
            asset: c.asset,
            limit: c.limit,
            period: c.period,
            remaining: RollingCap.remaining(c.lanes, c.head, nowIndex, c.limit),
            nextRefillAt: RollingCap.nextRefillAt(c.lanes, c.head, nowIndex, c.period)
        });
    }
}
