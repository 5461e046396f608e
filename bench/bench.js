#!/usr/bin/env node
// bench/bench.js: tsafe side by side with Safe + OpenZeppelin TimelockController, in one run, from
// real transaction receipts (issue 14).
//
// Usage: node bench/bench.js [--out FILE] [--breakdown] [--no-build] [--peers-only] [--rpc-url URL]
//        (or `make bench`, which writes bench/RESULTS.md with --breakdown)
//
// Starts its own anvil on loopback (a free port, hardfork prague, fixed genesis time, 12 s a block: the
// same figures on every run; stopped at exit, also on failure), unless --rpc-url names a fresh anvil
// already running (the bench warps its clock). Deploys, from build artifacts only (no copied source):
//   tsafe      TreasurySafeFactory (forge build of this repository) through the deterministic deployer;
//   Safe 1.4.1 Safe + SafeProxyFactory from @safe-global/safe-contracts;
//   Safe 1.5.0 Safe + SafeProxyFactory from @safe-global/safe-smart-account;
//   OZ         TimelockController from @openzeppelin/contracts' build/contracts;
// and checks each Safe singleton's and factory's runtime code hash, artifact and deployed, against the
// canonical one in @safe-global/safe-deployments (a mismatch fails the run). Then runs the same flows on
// every system as real transactions (anvil mines one block per transaction): first use on a fresh safe,
// then a repeat on the same safe. Prints a markdown report (stdout; progress on stderr): per flow the sum
// of receipts' gasUsed and the ratio tsafe / peer, for first use and repeat, then every transaction.
// --breakdown adds gas by opcode for tsafe's main transactions (bench/breakdown.js; needs the spawned
// anvil, which then runs with --steps-tracing; tracing does not change gas).
'use strict';

const {spawn, execFileSync} = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const NM = path.join(ROOT, 'node_modules');
const BIN = (tool) => path.join(NM, '@foundry-rs', `${tool}-linux-amd64`, 'bin', tool);

function die(msg, code = 1) {
  process.stderr.write(`bench.js: ${msg}\n`);
  process.exit(code);
}
const usage = (msg) => die(msg, 2); // bad arguments: exit 2, as the CLI does for bad input
const log = (msg) => process.stderr.write(`bench.js: ${msg}\n`);

let viem;
let accounts;
let chains;
try {
  viem = require('viem');
  accounts = require('viem/accounts');
  chains = require('viem/chains');
} catch (e) {
  die(`viem is not installed (${e.message}): run 'make deps' (npm ci) first`);
}
const {createPublicClient, createWalletClient, createTestClient, http, encodeFunctionData, keccak256,
  getAddress, pad, toHex, concat, parseEther, zeroAddress, zeroHash} = viem;

// --- arguments -------------------------------------------------------------------------------------
const opts = {out: '', breakdown: false, build: true, rpcUrl: '', tsafe: true};
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--out') {
      opts.out = args[++i] || usage('--out needs a file');
    } else if (a === '--breakdown') {
      opts.breakdown = true;
    } else if (a === '--no-build') {
      opts.build = false;
    } else if (a === '--peers-only') {
      opts.tsafe = false; // the peers alone: no forge build needed
      opts.build = false;
    } else if (a === '--rpc-url') {
      opts.rpcUrl = args[++i] || usage('--rpc-url needs a URL');
    } else if (a === '-h' || a === '--help') {
      const head = fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 21);
      process.stdout.write(head.map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    } else {
      usage(`unknown argument '${a}' (try --help)`);
    }
  }
  if (opts.breakdown && opts.rpcUrl) usage('--breakdown needs the anvil the bench starts itself (drop --rpc-url)');
}

// --- artifacts --------------------------------------------------------------------------------------
function readJson(file, hint) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return die(`cannot read ${path.relative(ROOT, file)} (${e.code || e.message}): ${hint}`);
  }
}
const DEPS_HINT = "run 'make deps' (npm ci) first";
const pkgVersion = (name) => readJson(path.join(NM, name, 'package.json'), DEPS_HINT).version;

const SAFE_PKGS = {
  '1.4.1': '@safe-global/safe-contracts',
  '1.5.0': '@safe-global/safe-smart-account',
};
function safeArtifacts(version) {
  const dir = path.join(NM, SAFE_PKGS[version], 'build', 'artifacts', 'contracts');
  const pkg = pkgVersion(SAFE_PKGS[version]);
  if (pkg !== version) die(`${SAFE_PKGS[version]} is ${pkg}, expected ${version}: ${DEPS_HINT}`);
  return {
    safe: readJson(path.join(dir, 'Safe.sol', 'Safe.json'), DEPS_HINT),
    factory: readJson(path.join(dir, 'proxies', 'SafeProxyFactory.sol', 'SafeProxyFactory.json'), DEPS_HINT),
  };
}
// The canonical runtime code hash of a Safe contract, from @safe-global/safe-deployments.
function canonicalCodeHash(version, asset) {
  const file = path.join(NM, '@safe-global', 'safe-deployments', 'src', 'assets', `v${version}`, `${asset}.json`);
  const j = readJson(file, DEPS_HINT);
  const hash = j.deployments && j.deployments.canonical && j.deployments.canonical.codeHash;
  if (!hash) die(`no canonical codeHash in ${path.relative(ROOT, file)}`);
  return hash.toLowerCase();
}
function checkArtifactHash(label, artifact, expected) {
  const got = keccak256(artifact.deployedBytecode).toLowerCase();
  if (got !== expected) {
    die(`${label}: the artifact's runtime code hash ${got} is not the canonical ${expected} ` +
      '(@safe-global/safe-deployments): wrong package version or a modified artifact');
  }
}

// --- anvil -------------------------------------------------------------------------------------------
let anvil = null;
function stopAnvil() {
  // SIGKILL: the node is throwaway (no state to save), and it must be gone when the bench has exited.
  if (anvil && anvil.exitCode === null) anvil.kill('SIGKILL');
}
process.on('exit', stopAnvil);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopAnvil();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}

function startAnvil() {
  return new Promise((resolve, reject) => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--hardfork', 'prague', '--timestamp', '1750000000'];
    if (opts.breakdown) args.push('--steps-tracing');
    anvil = spawn(BIN('anvil'), args, {stdio: ['ignore', 'pipe', 'pipe']});
    let buf = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error('anvil did not report a port within 20 s')), 20000);
    function finish(err, url) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(url);
    }
    anvil.on('error', (e) => finish(new Error(`cannot start anvil (${e.message}): ${DEPS_HINT}`)));
    anvil.on('exit', (code) => finish(new Error(`anvil exited with code ${code} before listening:\n${buf}`)));
    anvil.stderr.on('data', (d) => { if (!done) buf += d; });
    anvil.stdout.on('data', (d) => {
      if (done) return; // later output (one line per transaction) is drained and dropped
      buf += d;
      const m = buf.match(/Listening on (127\.0\.0\.1:\d+)/);
      if (m) finish(null, `http://${m[1]}`);
    });
  });
}

// --- the chain --------------------------------------------------------------------------------------
// anvil's first dev accounts (mnemonic "test test … junk"): public test keys, never real funds.
// Account 0 deploys and keeps (executes), accounts 1 to 3 own every safe, account 4 is tsafe's guardian,
// account 5 every tsafe's recovery address (it accepts before the evacuation flow).
const MNEMONIC = 'test test test test test test test test test test test junk';
const [DEPLOYER, O1, O2, O3, GUARD, RECOVERY] =
  [0, 1, 2, 3, 4, 5].map((i) => accounts.mnemonicToAccount(MNEMONIC, {addressIndex: i}));
const OWNERS = [O1, O2, O3];
const KEEPER = DEPLOYER; // sends the executes: anyone may
// An existing account holding ETH and tokens: anvil's account 9.
const EXISTING = getAddress('0xa0Ee7A142d267C1f36714E4a8F75612F20a79720');
// Fresh, never-used addresses, derived from a label so every run uses the same ones.
let freshCount = 0;
const fresh = () => getAddress(`0x${keccak256(toHex(`tsafe.bench.fresh-recipient.${freshCount++}`)).slice(26)}`);

const NATIVE = getAddress('0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE');
const DELAY = 172800n; // 2 days, tsafe's and the timelock's
const GRACE = 1209600; // 14 days
const FREEZE = 259200; // 3 days
const HOUR = 3600n;
const ONE_ETH = parseEther('1');
const TOKENS = parseEther('1000'); // 1,000 tokens of 18 decimals
const CREATE2_DEPLOYER = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
const TSAFE_FACTORY_SALT = keccak256(toHex('tsafe.TreasurySafeFactory.v1')); // = script/Deploy.s.sol

let pub;
let test;
const wallets = new Map();
function wallet(account) {
  if (!wallets.has(account.address)) {
    wallets.set(account.address,
      createWalletClient({account, chain: chains.foundry, transport: http(pub.transport.url)}));
  }
  return wallets.get(account.address);
}

// send(from, {to, data, value}) → receipt. anvil mines each transaction in a block of its own at once
// (automine); a receipt whose status is not success fails the run.
async function send(from, tx, what) {
  let hash;
  try {
    hash = await wallet(from).sendTransaction({to: tx.to, data: tx.data, value: tx.value || 0n,
      ...(tx.accessList ? {accessList: tx.accessList} : {})});
  } catch (e) {
    die(`${what}: the transaction was refused: ${e.shortMessage || e.message}`);
  }
  // anvil answers with the hash before its automine has sealed the block: wait for the receipt.
  const r = await pub.waitForTransactionReceipt({hash, pollingInterval: 20, timeout: 30000});
  if (r.status !== 'success') die(`${what}: transaction ${hash} reverted`);
  if (!(r.gasUsed > 0n)) die(`${what}: transaction ${hash} reports gasUsed ${r.gasUsed}`);
  r.intrinsic = intrinsicGas(tx.data, !tx.to, tx.accessList);
  return r;
}
async function deploy(from, artifact, args, what) {
  const data = args && args.length
    ? viem.encodeDeployData({abi: artifact.abi, bytecode: artifact.bytecode, args})
    : artifact.bytecode;
  const r = await send(from, {data}, what);
  if (!r.contractAddress) die(`${what}: no contract address in the receipt`);
  return r;
}
const call = (address, abi, functionName, args = []) => pub.readContract({address, abi, functionName, args});
const enc = (abi, functionName, args = []) => encodeFunctionData({abi, functionName, args});
// Mines an empty block `seconds` after the latest one: the next transaction's block comes 12 s later.
async function warp(seconds) {
  const {timestamp} = await pub.getBlock();
  await test.setNextBlockTimestamp({timestamp: timestamp + BigInt(seconds)});
  await test.mine({blocks: 1});
}

// --- recording --------------------------------------------------------------------------------------
// One record per counted transaction: system, flow, phase ('first' | 'repeat'), tx label, gasUsed, hash.
const TXS = [];
function record(system, flow, phase, tx, receipt) {
  TXS.push({system, flow, phase, tx, gas: Number(receipt.gasUsed), hash: receipt.transactionHash,
    intrinsic: receipt.intrinsic});
}
// 21,000 + calldata (4 per zero byte, 16 per other byte). The EIP-7623 floor (10 and 40 per byte) stays
// below gasUsed for every transaction here; contract creations pay 32,000 + 2 per initcode word on top,
// an EIP-2930 access list 2,400 per address and 1,900 per storage key.
function intrinsicGas(data, create, accessList = []) {
  const hex = (data || '0x').slice(2);
  let gas = 21000;
  for (const e of accessList) gas += 2400 + 1900 * e.storageKeys.length;
  for (let i = 0; i < hex.length; i += 2) gas += hex.slice(i, i + 2) === '00' ? 4 : 16;
  if (create) gas += 32000 + 2 * Math.ceil(hex.length / 64);
  return gas;
}

// --- tsafe -----------------------------------------------------------------------------------------
const T = {};

function tsafeConfig(capAsset, capLimit, capPeriod, moreCaps = []) {
  return {
    owners: OWNERS.map((o) => o.address),
    threshold: 2n,
    guardians: [GUARD.address],
    delay: Number(DELAY),
    grace: GRACE,
    freezeDuration: FREEZE,
    caps: [{asset: capAsset, limit: capLimit, period: capPeriod}, ...moreCaps],
    recovery: RECOVERY.address,
    backupRecovery: zeroAddress,
  };
}
const ethCapConfig = () => tsafeConfig(NATIVE, parseEther('10'), 86400); // 10 ETH per day
const tokenCapConfig = () => tsafeConfig(T.token, parseEther('250000'), 604800); // 250,000 per 7 days

let tsafeSalt = 0n;
async function tsafeDeploy(config, rec) {
  const salt = pad(toHex(tsafeSalt++));
  const addr = await call(T.factory, T.factoryAbi, 'predictSafeAddress', [config, salt]);
  const r = await send(DEPLOYER, {to: T.factory, data: enc(T.factoryAbi, 'createSafe', [config, salt])},
    'tsafe createSafe');
  if ((await pub.getCode({address: addr})) === undefined) die(`tsafe createSafe did not deploy ${addr}`);
  if (rec) rec('createSafe', r);
  return addr;
}
// A fresh safe holding 100 ETH (ETH cap) or 1,000,000 tokens (token cap); its set-up is not counted.
async function tsafeFunded(kind) {
  const safe = await tsafeDeploy(kind === 'erc20' ? tokenCapConfig() : ethCapConfig());
  if (kind === 'erc20') {
    await send(DEPLOYER, {to: T.token, data: enc(T.tokenAbi, 'mint', [safe, parseEther('1000000')])}, 'mint');
  } else {
    await send(DEPLOYER, {to: safe, value: parseEther('100')}, 'fund the tsafe');
  }
  return safe;
}

// The EIP-2930 access list a sender would attach: what eth_createAccessList returns for the transaction,
// less the entry of the transaction's own `to` (the safe: already warm, so its entry costs 2,400 for
// nothing and each of its slots saves only 100) and of the precompiles (warm too). What stays is cold
// elsewhere: the implementation the clone delegates to, the ETH recipient, and for a token transfer the
// token and its balance slots. A listed address saves 100 (2,600 cold − 2,400 listed − 100 warm), a
// listed slot 100 (2,100 − 1,900 − 100).
async function accessListFor(from, tx) {
  const {accessList} = await pub.createAccessList({account: from.address, to: tx.to, data: tx.data,
    value: tx.value || 0n});
  return accessList.filter((e) => e.address.toLowerCase() !== tx.to.toLowerCase() && BigInt(e.address) > 0xffn);
}
// send(), with the access list of accessListFor when `lists` is set.
async function sendListed(from, tx, what, lists) {
  return send(from, lists ? {...tx, accessList: await accessListFor(from, tx)} : tx, what);
}

let tsafeProposalSalt = 0n;
// One timelocked proposal on `safe`: approvals by signatures (two owners sign off chain, owner 1 queues)
// or on chain (owner 1 proposes, owner 2 approves, owner 2 queues), then the keeper executes after the delay.
// `lists`: queue and execute carry an EIP-2930 access list (accessListFor).
async function tsafeProposal(safe, calls, approvals, rec, lists = false) {
  const salt = pad(toHex(++tsafeProposalSalt));
  const epoch = await call(safe, T.safeAbi, 'epoch');
  const id = await call(safe, T.safeAbi, 'hashProposal', [calls, salt, epoch]);
  if (approvals === 'signatures') {
    const sigs = [];
    for (const o of [O1, O2]) sigs.push({signer: o.address, data: await o.sign({hash: id})});
    rec('queue', await sendListed(O1, {to: safe, data: enc(T.safeAbi, 'queue', [calls, salt, sigs])}, 'tsafe queue',
      lists));
  } else {
    rec('propose', await send(O1, {to: safe, data: enc(T.safeAbi, 'propose', [calls, salt])}, 'tsafe propose'));
    rec('approve', await send(O2, {to: safe, data: enc(T.safeAbi, 'approve', [id])}, 'tsafe approve'));
    rec('queue', await send(O2, {to: safe, data: enc(T.safeAbi, 'queue', [calls, salt, []])}, 'tsafe queue'));
  }
  const delay = (await call(safe, T.safeAbi, 'getConfig')).delay;
  await warp(delay);
  rec('execute', await sendListed(KEEPER, {to: safe, data: enc(T.safeAbi, 'execute', [calls, salt, epoch])},
    'tsafe execute', lists));
  const state = await call(safe, T.safeAbi, 'proposalState', [id]);
  if (state !== 6) die(`tsafe proposal ${id} is in state ${state} after execute, not Executed (6)`);
}

// --- Safe + OpenZeppelin TimelockController ------------------------------------------------------------
const OZ = {};
const S = {}; // per Safe version: singleton, factory, abis

// A 2-of-3 Safe proxy without fallback handler; returns [address, receipt].
let safeSaltNonce = 0n;
async function safeDeploy(v) {
  const s = S[v];
  const init = enc(s.safeAbi, 'setup',
    [OWNERS.map((o) => o.address), 2n, zeroAddress, '0x', zeroAddress, zeroAddress, 0n, zeroAddress]);
  const args = [s.singleton, init, safeSaltNonce++];
  const {result: addr} = await pub.simulateContract({address: s.factory, abi: s.factoryAbi,
    functionName: 'createProxyWithNonce', args, account: DEPLOYER});
  const r = await send(DEPLOYER, {to: s.factory, data: enc(s.factoryAbi, 'createProxyWithNonce', args)},
    `Safe ${v} createProxyWithNonce`);
  const threshold = await call(addr, s.safeAbi, 'getThreshold');
  if (threshold !== 2n) die(`Safe ${v} proxy ${addr}: threshold ${threshold}, expected 2`);
  return [addr, r];
}
// The timelock the Safe schedules into: minDelay 2 days, the Safe the only proposer (and canceller),
// execution open to anyone (keepers welcome, as in tsafe), no admin. The timelock holds the funds.
async function timelockDeploy(safe) {
  const r = await deploy(DEPLOYER, OZ.timelock, [DELAY, [safe], [zeroAddress], zeroAddress], 'TimelockController');
  return [r.contractAddress, r];
}
async function peerFunded(v, kind) {
  const [safe] = await safeDeploy(v);
  const [timelock] = await timelockDeploy(safe);
  if (kind === 'erc20') {
    await send(DEPLOYER, {to: T.token, data: enc(T.tokenAbi, 'mint', [timelock, parseEther('1000000')])}, 'mint');
  } else {
    await send(DEPLOYER, {to: timelock, value: parseEther('100')}, 'fund the timelock');
  }
  return {safe, timelock};
}

// execTransaction(to, value 0, data, CALL) on `safe`, approved by owners 1 and 2: off-chain EIP-712
// signatures (owner 1 sends), or on chain (owners 1 and 2 call approveHash, the keeper sends).
async function safeExec(v, safe, to, data, approvals, rec) {
  const s = S[v];
  const nonce = await call(safe, s.safeAbi, 'nonce');
  const txArgs = [to, 0n, data, 0, 0n, 0n, 0n, zeroAddress, zeroAddress];
  const hash = await call(safe, s.safeAbi, 'getTransactionHash', [...txArgs, nonce]);
  const signers = [O1, O2].slice().sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  let sigs;
  let sender;
  if (approvals === 'signatures') {
    sigs = concat(await Promise.all(signers.map((o) => o.sign({hash}))));
    sender = O1;
  } else {
    for (const o of [O1, O2]) {
      rec(`approveHash (owner ${o === O1 ? 1 : 2})`,
        await send(o, {to: safe, data: enc(s.safeAbi, 'approveHash', [hash])}, `Safe ${v} approveHash`));
    }
    // An approved hash is signature type v = 1: r = the owner, s = 0.
    sigs = concat(signers.map((o) => concat([pad(o.address), zeroHash, '0x01'])));
    sender = KEEPER;
  }
  const r = await send(sender, {to: safe, data: enc(s.safeAbi, 'execTransaction', [...txArgs, sigs])},
    `Safe ${v} execTransaction`);
  // A failing inner call does not revert execTransaction: it emits ExecutionFailure and bumps the nonce.
  const ok = r.logs.some((l) => l.address.toLowerCase() === safe.toLowerCase() && l.topics[0] === S.executionSuccess);
  if (!ok) die(`Safe ${v} execTransaction ${r.transactionHash}: no ExecutionSuccess (the inner call failed)`);
  rec('execTransaction → schedule', r);
}

let peerOpSalt = 0n;
// One timelocked operation: the Safe schedules (target, value, data) into its timelock, the keeper executes
// it after the delay.
async function peerOperation(v, p, target, value, data, approvals, rec) {
  const salt = pad(toHex(++peerOpSalt));
  const delay = await call(p.timelock, OZ.abi, 'getMinDelay');
  const schedule = enc(OZ.abi, 'schedule', [target, value, data, zeroHash, salt, delay]);
  await safeExec(v, p.safe, p.timelock, schedule, approvals, rec);
  await warp(delay);
  rec('execute', await send(KEEPER, {to: p.timelock, data: enc(OZ.abi, 'execute', [target, value, data, zeroHash, salt])},
    'TimelockController execute'));
  const id = await call(p.timelock, OZ.abi, 'hashOperation', [target, value, data, zeroHash, salt]);
  if (!(await call(p.timelock, OZ.abi, 'isOperationDone', [id]))) die(`timelock operation ${id} not done`);
}

// --- flows ---------------------------------------------------------------------------------------------
const SYSTEMS = [
  {key: 'tsafe', label: 'tsafe'},
  {key: '1.4.1', label: 'Safe 1.4.1 + OZ TimelockController'},
  {key: '1.5.0', label: 'Safe 1.5.0 + OZ TimelockController'},
];
// kind: eth | erc20; recipient: existing | fresh; approvals: signatures | onchain.
const TRANSFER_FLOWS = [];
for (const approvals of ['signatures', 'onchain']) {
  for (const kind of ['eth', 'erc20']) {
    for (const recipient of ['existing', 'fresh']) {
      const what = kind === 'eth' ? 'ETH' : 'ERC-20';
      const how = approvals === 'signatures' ? 'two signatures' : 'on-chain approvals';
      TRANSFER_FLOWS.push({id: `${kind}-${recipient}-${approvals}`, kind, recipient, approvals,
        label: `timelocked 2-of-3 ${what} transfer, ${recipient} recipient, ${how}`});
    }
  }
}
// tsafe alone, the two-signature transfers to the existing recipient again, queue and execute sending an
// access list: reported in rows of their own, beside the plain figures (a sender without a list pays those).
const LISTED_FLOWS = ['eth', 'erc20'].map((kind) => ({id: `${kind}-existing-signatures-al`, kind,
  plain: `${kind}-existing-signatures`,
  label: `the same ${kind === 'eth' ? 'ETH' : 'ERC-20'} transfer (existing recipient, two signatures), ` +
    'tsafe sending EIP-2930 access lists (eth_createAccessList, less the safe\'s own entry)'}));
const transferCall = (kind, to) => (kind === 'eth'
  ? {target: to, value: ONE_ETH, data: '0x'}
  : {target: T.token, value: 0n, data: enc(T.tokenAbi, 'transfer', [to, TOKENS])});
const recipientFor = (flow) => (flow.recipient === 'existing' ? EXISTING : fresh());

async function runFlows() {
  // Deploy: tsafe's createSafe; a 2-of-3 Safe proxy without fallback handler; then, for context, the
  // Safe proxy plus the TimelockController it schedules into (what a Safe + timelock treasury costs).
  for (const phase of ['first', 'repeat']) {
    const rec = (sys, flow) => (tx, r) => record(sys, flow, phase, tx, r);
    if (opts.tsafe) await tsafeDeploy(ethCapConfig(), rec('tsafe', 'deploy'));
    for (const v of ['1.4.1', '1.5.0']) {
      const [safe, r] = await safeDeploy(v);
      rec(v, 'deploy')('createProxyWithNonce', r);
      rec(v, 'deploy+timelock')('createProxyWithNonce', r);
      rec(v, 'deploy+timelock')('TimelockController', (await timelockDeploy(safe))[1]);
    }
  }

  for (const flow of TRANSFER_FLOWS) {
    // --peers-only has no build, hence no token: ETH flows only.
    if (!opts.tsafe && flow.kind === 'erc20') continue;
    log(`flow: ${flow.label}`);
    const tsafe = opts.tsafe && (await tsafeFunded(flow.kind));
    const peers = {'1.4.1': await peerFunded('1.4.1', flow.kind), '1.5.0': await peerFunded('1.5.0', flow.kind)};
    for (const phase of ['first', 'repeat']) {
      const c = transferCall(flow.kind, recipientFor(flow));
      if (tsafe) await tsafeProposal(tsafe, [c], flow.approvals, (tx, r) => record('tsafe', flow.id, phase, tx, r));
      for (const v of ['1.4.1', '1.5.0']) {
        const to = flow.recipient === 'existing' ? c : transferCall(flow.kind, recipientFor(flow));
        await peerOperation(v, peers[v], to.target, to.value, to.data, flow.approvals,
          (tx, r) => record(v, flow.id, phase, tx, r));
      }
    }
  }

  if (opts.tsafe) {
    for (const flow of LISTED_FLOWS) {
      log(`flow: ${flow.label}`);
      const tsafe = await tsafeFunded(flow.kind);
      for (const phase of ['first', 'repeat']) {
        await tsafeProposal(tsafe, [transferCall(flow.kind, EXISTING)], 'signatures',
          (tx, r) => record('tsafe', flow.id, phase, tx, r), true);
      }
    }
  }

  // A configuration change through the timelock: shorten the delay by one hour (a loosening, so tsafe
  // waits the full delay, like the timelock). tsafe: setDelay; peers: the timelock's updateDelay.
  log('flow: configuration change through the timelock');
  {
    const tsafe = opts.tsafe && (await tsafeFunded('eth'));
    const peers = {'1.4.1': await peerFunded('1.4.1', 'eth'), '1.5.0': await peerFunded('1.5.0', 'eth')};
    for (const [phase, shorter] of [['first', DELAY - HOUR], ['repeat', DELAY - 2n * HOUR]]) {
      if (tsafe) {
        const c = {target: tsafe, value: 0n, data: enc(T.safeAbi, 'setDelay', [Number(shorter)])};
        await tsafeProposal(tsafe, [c], 'signatures', (tx, r) => record('tsafe', 'config', phase, tx, r));
        const now = (await call(tsafe, T.safeAbi, 'getConfig')).delay;
        if (BigInt(now) !== shorter) die(`tsafe setDelay: delay is ${now}, expected ${shorter}`);
      }
      for (const v of ['1.4.1', '1.5.0']) {
        const p = peers[v];
        await peerOperation(v, p, p.timelock, 0n, enc(OZ.abi, 'updateDelay', [shorter]), 'signatures',
          (tx, r) => record(v, 'config', phase, tx, r));
        const d = await call(p.timelock, OZ.abi, 'getMinDelay');
        if (d !== shorter) die(`timelock updateDelay: minDelay is ${d}, expected ${shorter}`);
      }
    }
  }
}

// The evacuation (tsafe only): a safe with ETH and two capped tokens whose recovery address accepted; the
// guardian evacuates (first use), then, after new inflows, anyone re-sweeps (repeat). Set-up not counted.
async function runEvacuation() {
  log('flow: evacuation');
  const caps = [{asset: T.token, limit: parseEther('250000'), period: 604800},
    {asset: T.token2, limit: parseEther('250000'), period: 604800}];
  const safe = await tsafeDeploy(tsafeConfig(NATIVE, parseEther('10'), 86400, caps));
  await send(RECOVERY, {to: safe, data: enc(T.safeAbi, 'acceptRecovery', [])}, 'tsafe acceptRecovery');
  const fund = async () => {
    await send(DEPLOYER, {to: safe, value: parseEther('100')}, 'fund the tsafe');
    for (const t of [T.token, T.token2]) {
      await send(DEPLOYER, {to: t, data: enc(T.tokenAbi, 'mint', [safe, parseEther('1000000')])}, 'mint');
    }
  };
  for (const [phase, who] of [['first', GUARD], ['repeat', KEEPER]]) {
    await fund();
    const before = await pub.getBalance({address: RECOVERY.address});
    const r = await send(who, {to: safe, data: enc(T.safeAbi, 'evacuate', [[]])}, 'tsafe evacuate');
    record('tsafe', 'evacuate', phase, 'evacuate', r);
    if ((await pub.getBalance({address: safe})) !== 0n) die('tsafe evacuate left ETH in the safe');
    if ((await pub.getBalance({address: RECOVERY.address})) - before !== parseEther('100')) {
      die('tsafe evacuate did not send the ETH to the recovery address');
    }
    for (const t of [T.token, T.token2]) {
      if ((await call(t, T.tokenAbi, 'balanceOf', [safe])) !== 0n) die(`tsafe evacuate left ${t} in the safe`);
    }
  }
}

// --- report ---------------------------------------------------------------------------------------------
const fmt = (n) => (n === undefined ? '' : n.toLocaleString('en-US'));
const sum = (system, flow, phase) => {
  const txs = TXS.filter((t) => t.system === system && t.flow === flow && t.phase === phase);
  return txs.length ? txs.reduce((a, t) => a + t.gas, 0) : undefined;
};
const ratio = (a, b) => (a && b ? (a / b).toFixed(3) : '');

const FLOW_ROWS = () => [
  {id: 'deploy', label: 'deploy a 2-of-3 (tsafe: + 1 guardian, 1 cap; Safe: proxy, no fallback handler)',
    target: {peer: '1.5.0', max: 1.0}},
  {id: 'deploy+timelock', label: 'deploy a 2-of-3 with its timelock (Safe: proxy + TimelockController)',
    tsafe: 'deploy'},
  ...TRANSFER_FLOWS.map((f) => ({id: f.id, label: f.label,
    target: f.approvals === 'signatures' ? {peer: 'cheaper', max: 0.9} : undefined})),
  // Against the peers' plain figures of the same transfer.
  ...LISTED_FLOWS.map((f) => ({id: f.id, label: f.label, peers: f.plain, target: {peer: 'cheaper', max: 0.9}})),
  {id: 'config', label: 'configuration change through the timelock (delay − 1 hour), two signatures'},
  {id: 'evacuate', label: 'tsafe evacuation (SPEC §3.7): a guardian sweeps ETH and two capped ERC-20s to the ' +
    'accepted recovery address (repeat: a re-sweep by anyone after new inflows); no peer has one',
  target: {abs: 150000}},
];

function summaryTable(phase) {
  const lines = [
    '| flow | tsafe | Safe 1.4.1 + OZ TC | tsafe / 1.4.1 | Safe 1.5.0 + OZ TC | tsafe / 1.5.0 | target | verdict |',
    '|---|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const row of FLOW_ROWS()) {
    const t = sum('tsafe', row.tsafe || row.id, phase);
    const a = sum('1.4.1', row.peers || row.id, phase);
    const b = sum('1.5.0', row.peers || row.id, phase);
    let target = '';
    let verdict = '';
    if (row.target && row.target.abs && t) {
      target = `≤ ${fmt(row.target.abs)} gas`;
      verdict = t <= row.target.abs ? 'meets' : `misses by ${fmt(t - row.target.abs)} gas`;
    } else if (row.target && t) {
      const peer = row.target.peer === 'cheaper' ? Math.min(a, b) : sum(row.target.peer, row.peers || row.id, phase);
      const peerName = row.target.peer === 'cheaper' ? 'the cheaper Safe' : `Safe ${row.target.peer}`;
      const r = t / peer;
      target = `≤ ${row.target.max.toFixed(2)}× ${peerName}`;
      const limit = Math.floor(peer * row.target.max);
      verdict = r <= row.target.max
        ? `meets (${r.toFixed(3)}×)`
        : `misses by ${fmt(t - limit)} gas (${r.toFixed(3)}×)`;
    }
    lines.push(`| ${row.label} | ${t === undefined ? '—' : fmt(t)} | ${fmt(a) || '—'} | ${ratio(t, a)} | ` +
      `${fmt(b) || '—'} | ${ratio(t, b)} | ${target} | ${verdict} |`);
  }
  return lines.join('\n');
}

function txTable() {
  const lines = ['| flow | system | phase | transaction | gasUsed | intrinsic | execution |',
    '|---|---|---|---|---:|---:|---:|'];
  const label = Object.fromEntries(SYSTEMS.map((s) => [s.key, s.label]));
  for (const row of FLOW_ROWS()) {
    for (const s of SYSTEMS) {
      for (const phase of ['first', 'repeat']) {
        const txs = TXS.filter((t) => t.system === s.key && t.flow === row.id && t.phase === phase);
        for (const t of txs) {
          lines.push(`| ${row.id} | ${label[s.key]} | ${phase} | ${t.tx} | ${fmt(t.gas)} | ${fmt(t.intrinsic)} | ` +
            `${fmt(t.gas - t.intrinsic)} |`);
        }
        if (txs.length > 1) {
          lines.push(`| ${row.id} | ${label[s.key]} | ${phase} | **flow total** | **${fmt(sum(s.key, row.id, phase))}** | | |`);
        }
      }
    }
  }
  return lines.join('\n');
}

function breakdown(url) {
  const out = ['Gas by opcode of tsafe\'s transactions (exclusive: a call\'s own cost, its callee\'s steps listed',
    'under their opcodes), from anvil\'s step traces:', '', '```'];
  const wanted = ['deploy', 'eth-existing-signatures', 'erc20-existing-signatures'];
  for (const t of TXS.filter((x) => x.system === 'tsafe' && wanted.includes(x.flow))) {
    out.push(`== ${t.flow} / ${t.phase} / ${t.tx}`);
    out.push(execFileSync(process.execPath, [path.join(__dirname, 'breakdown.js'), url, t.hash], {encoding: 'utf8'})
      .trimEnd());
  }
  out.push('```');
  return out.join('\n');
}

function report(versions) {
  return `# tsafe gas benchmark: side by side with Safe + OpenZeppelin TimelockController

Generated by \`make bench\` (\`node bench/bench.js --breakdown --out bench/RESULTS.md\`) in one run on
anvil ${versions.anvil}, hardfork prague, with tsafe's contracts as \`forge build\` compiles them
(foundry.toml) and the peers from their registry packages' build artifacts: Safe 1.4.1
(@safe-global/safe-contracts ${versions['1.4.1']}), Safe 1.5.0 (@safe-global/safe-smart-account
${versions['1.5.0']}), each with its SafeProxyFactory and its runtime code hash checked against
@safe-global/safe-deployments ${versions.deployments}; TimelockController from @openzeppelin/contracts
${versions.oz}. Do not edit by hand: re-run the command. Method and analysis: bench/README.md.

Every figure is a sum of receipts' \`gasUsed\` (21,000 + calldata + execution − refunds), one transaction
per block. **First use**: the flow's first run on a freshly deployed safe (and timelock); **repeat**: the
same flow again on the same safe. tsafe: owner 1 queues with two EIP-712 signatures (or owner 1 proposes,
owner 2 approves and queues), a keeper executes after the 2-day delay; the execute measures and charges
a cap and checks the freeze. Safe: one execTransaction (two EIP-712 signatures, or two approveHash
transactions and a keeper's execTransaction) that calls the timelock's \`schedule\`, then a keeper's
\`execute\` on the timelock after its 2-day delay; the timelock holds the funds. Fresh recipients are
new, never-used addresses (ETH transfer pays 25,000 for the new account, a token transfer 20,000 for the
new balance slot); the existing recipient holds ETH and tokens.

## First use

${summaryTable('first')}

## Repeat (same safe, second time)

${summaryTable('repeat')}

## Every transaction

${txTable()}
`;
}

// --- main ---------------------------------------------------------------------------------------------
async function main() {
  // Peers: artifacts and their canonical code hashes, before anything runs.
  for (const v of ['1.4.1', '1.5.0']) {
    const a = safeArtifacts(v);
    checkArtifactHash(`Safe ${v} Safe.json`, a.safe, canonicalCodeHash(v, 'safe'));
    checkArtifactHash(`Safe ${v} SafeProxyFactory.json`, a.factory, canonicalCodeHash(v, 'safe_proxy_factory'));
    S[v] = {artifacts: a, safeAbi: a.safe.abi, factoryAbi: a.factory.abi};
  }
  S.executionSuccess = viem.toEventSelector(S['1.4.1'].safeAbi.find((e) => e.type === 'event' && e.name === 'ExecutionSuccess'));
  OZ.timelock = readJson(path.join(NM, '@openzeppelin', 'contracts', 'build', 'contracts', 'TimelockController.json'), DEPS_HINT);
  OZ.abi = OZ.timelock.abi;

  // tsafe: build (forge caches; only the factory, its implementation and the bench token), then artifacts.
  if (opts.tsafe && opts.build) {
    log('building contracts/TreasurySafeFactory.sol and test/gas/FlowGas.t.sol (forge build)');
    try {
      execFileSync(BIN('forge'), ['build', 'script/Deploy.s.sol', 'test/gas/FlowGas.t.sol'],
        {cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit']});
    } catch (e) {
      die(`forge build failed (${e.message})`);
    }
  }
  const BUILD_HINT = "run 'forge build' (or drop --no-build)";
  const art = (dir, name) => readJson(path.join(ROOT, 'out', dir, `${name}.json`), BUILD_HINT);
  const factoryArt = opts.tsafe && art('TreasurySafeFactory.sol', 'TreasurySafeFactory');
  if (opts.tsafe) {
    T.factoryAbi = factoryArt.abi;
    // The one ABI callers use: the implementation serves its views through the lens (its fallback).
    T.safeAbi = art('ITreasurySafe.sol', 'ITreasurySafe').abi;
    T.tokenArt = art('FlowGas.t.sol', 'GasToken');
    T.tokenAbi = T.tokenArt.abi;
  }

  const url = opts.rpcUrl || (await startAnvil());
  pub = createPublicClient({chain: chains.foundry, transport: http(url), pollingInterval: 50});
  test = createTestClient({mode: 'anvil', chain: chains.foundry, transport: http(url)});
  const chainId = await pub.getChainId().catch((e) => die(`no node at ${url}: ${e.shortMessage || e.message}`));
  if (chainId !== 31337) die(`chain id ${chainId}: the bench runs on a local anvil (31337) only`);
  const anvilVersion = (await pub.request({method: 'web3_clientVersion'})).replace(/^anvil\/v?/, '');
  // Block times from the genesis time plus 12 s a block plus the warps, never the wall clock: tsafe's cap
  // lanes are aligned to absolute time (whether an execute landed in the sub-period of the previous charge
  // moved its gas by 2,800 until the cap's head shared the lanes' slot). Same times, same gas, every run.
  if (!opts.rpcUrl) await pub.request({method: 'anvil_setBlockTimestampInterval', params: [12]});
  log(`anvil ${anvilVersion} at ${url}`);

  // Not counted: the systems' one-off deployments and the token.
  if (opts.tsafe) {
    const f = await send(DEPLOYER, {to: CREATE2_DEPLOYER, data: concat([TSAFE_FACTORY_SALT, factoryArt.bytecode.object])},
      'tsafe factory through the deterministic deployer');
    T.factory = viem.getContractAddress({opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: TSAFE_FACTORY_SALT,
      bytecode: factoryArt.bytecode.object});
    if (!(await pub.getCode({address: T.factory}))) die(`no tsafe factory at ${T.factory} (receipt ${f.transactionHash})`);
    T.token = (await deploy(DEPLOYER, {abi: T.tokenAbi, bytecode: T.tokenArt.bytecode.object}, [], 'GasToken'))
      .contractAddress;
    await send(DEPLOYER, {to: T.token, data: enc(T.tokenAbi, 'mint', [EXISTING, ONE_ETH])}, 'mint');
    T.token2 = (await deploy(DEPLOYER, {abi: T.tokenAbi, bytecode: T.tokenArt.bytecode.object}, [], 'GasToken'))
      .contractAddress;
    await send(DEPLOYER, {to: T.token2, data: enc(T.tokenAbi, 'mint', [EXISTING, ONE_ETH])}, 'mint');
    log(`tsafe factory ${T.factory}, token ${T.token}`);
  }
  for (const v of ['1.4.1', '1.5.0']) {
    const a = S[v].artifacts;
    S[v].singleton = (await deploy(DEPLOYER, a.safe, [], `Safe ${v} singleton`)).contractAddress;
    S[v].factory = (await deploy(DEPLOYER, a.factory, [], `Safe ${v} SafeProxyFactory`)).contractAddress;
    for (const [what, addr, asset] of [['Safe', S[v].singleton, 'safe'], ['SafeProxyFactory', S[v].factory, 'safe_proxy_factory']]) {
      const code = await pub.getCode({address: addr});
      const got = keccak256(code || '0x').toLowerCase();
      const want = canonicalCodeHash(v, asset);
      if (got !== want) die(`Safe ${v} ${what} at ${addr}: deployed code hash ${got} is not the canonical ${want}`);
    }
    log(`Safe ${v}: singleton ${S[v].singleton}, factory ${S[v].factory} (canonical code hashes)`);
  }

  await runFlows();
  if (opts.tsafe) await runEvacuation();

  const versions = {
    anvil: anvilVersion.split('-')[0],
    '1.4.1': pkgVersion('@safe-global/safe-contracts'),
    '1.5.0': pkgVersion('@safe-global/safe-smart-account'),
    deployments: pkgVersion('@safe-global/safe-deployments'),
    oz: pkgVersion('@openzeppelin/contracts'),
  };
  let text = report(versions);
  if (opts.breakdown) text += `\n## Where tsafe's gas goes\n\n${breakdown(url)}\n`;
  process.stdout.write(text);
  if (opts.out) {
    fs.writeFileSync(opts.out, text);
    log(`wrote ${opts.out}`);
  }
}

main().then(() => {
  stopAnvil();
  process.exit(0);
}, (e) => die(e.stack || e.message));
