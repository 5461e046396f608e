// Tests of the solc shim (toolchain/solc). Run: node --test toolchain/solc.test.js (make test does).
//
// The shim must look exactly like a native solc to forge and foundry-compilers in the two modes
// they use, and fail loudly in every other mode.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SHIM = path.join(__dirname, 'solc');
const PINNED = require('solc/package.json').version; // 0.8.37 from package-lock.json

/// Runs the shim as forge does: the file itself (shebang), not `node solc`.
function solc(args, { input = '', cwd } = {}) {
  const r = spawnSync(SHIM, args, { input, cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'solc-shim-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, contents);
}

function standardJson(sources) {
  return JSON.stringify({
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  });
}

const errorsOf = (out) => (out.errors || []).filter((e) => e.severity === 'error');

test('--version prints the native form of the pinned version', () => {
  const r = solc(['--version']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'solc, the solidity compiler commandline interface');
  assert.match(lines[1], new RegExp(`^Version: ${PINNED.replace(/\./g, '\\.')}\\+commit\\.[0-9a-f]{8}\\.Linux\\.g\\+\\+$`));
  assert.equal(lines.length, 2);
});

test('--standard-json resolves imports through --base-path and --include-path', (t) => {
  const dir = tmpdir(t);
  const base = path.join(dir, 'project');
  const include = path.join(dir, 'deps');
  write(
    path.join(base, 'src/Main.sol'),
    'pragma solidity ^0.8.0;\nimport {Local} from "src/Local.sol";\nimport {Dep} from "dep/Dep.sol";\n' +
      'contract Main is Local, Dep { function f() external pure returns (uint256) { return 7; } }\n',
  );
  write(path.join(base, 'src/Local.sol'), 'pragma solidity ^0.8.0;\ncontract Local {}\n');
  write(path.join(include, 'dep/Dep.sol'), 'pragma solidity ^0.8.0;\ncontract Dep {}\n');

  const input = standardJson({ 'src/Main.sol': { content: fs.readFileSync(path.join(base, 'src/Main.sol'), 'utf8') } });
  const r = solc(['--base-path', base, '--include-path', include, '--standard-json'], { input, cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(errorsOf(out), []);
  assert.ok(out.contracts['src/Main.sol'].Main.evm.bytecode.object.length > 0, 'Main compiled to bytecode');
  assert.ok(out.sources['dep/Dep.sol'], 'the include-path import was loaded');
  assert.ok(out.sources['src/Local.sol'], 'the base-path import was loaded');
});

test('--standard-json accepts --flag=value forms and --allow-paths', (t) => {
  const dir = tmpdir(t);
  const outside = path.join(dir, 'outside');
  write(path.join(outside, 'Far.sol'), 'pragma solidity ^0.8.0;\ncontract Far {}\n');
  const far = path.join(outside, 'Far.sol');
  const input = standardJson({ 'A.sol': { content: `pragma solidity ^0.8.0;\nimport "${far}";\ncontract A is Far {}\n` } });
  const r = solc([`--base-path=${path.join(dir, 'base')}`, `--allow-paths=${outside}`, '--standard-json'], { input, cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(errorsOf(JSON.parse(r.stdout)), []);
});

test('an import outside the allowed paths fails', (t) => {
  const dir = tmpdir(t);
  const base = path.join(dir, 'base');
  fs.mkdirSync(base);
  write(path.join(dir, 'secret/Secret.sol'), 'pragma solidity ^0.8.0;\ncontract Secret {}\n');
  const secret = path.join(dir, 'secret/Secret.sol');
  const input = standardJson({ 'A.sol': { content: `pragma solidity ^0.8.0;\nimport "${secret}";\ncontract A {}\n` } });
  const r = solc(['--base-path', base, '--standard-json'], { input, cwd: dir });
  assert.equal(r.status, 0, 'like native solc, import errors are reported in the JSON output');
  const errors = errorsOf(JSON.parse(r.stdout));
  assert.ok(errors.length > 0, 'the import must fail');
  assert.match(errors.map((e) => e.formattedMessage || e.message).join('\n'), /outside the allowed paths/);
});

test('unsupported arguments exit 2 and say what is supported', () => {
  for (const args of [['--bin', 'A.sol'], ['A.sol'], ['--ast-compact-json'], []]) {
    const r = solc(args);
    assert.equal(r.status, 2, `solc ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^solc-shim: error: /, `solc ${args.join(' ')}`);
    assert.match(r.stderr, /supports only `--version` and `--standard-json`/, `solc ${args.join(' ')}`);
    assert.equal(r.stdout, '');
  }
});

test('--standard-json with empty stdin fails clearly', () => {
  const r = solc(['--standard-json'], { input: '' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /expects the Standard JSON input on stdin, got nothing/);
  assert.equal(r.stdout, '');
});

test('--standard-json with invalid JSON fails clearly', () => {
  const r = solc(['--standard-json'], { input: '{not json' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /stdin is not valid JSON/);
});

test('a path option without its value fails clearly', () => {
  const r = solc(['--standard-json', '--base-path']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--base-path needs a value/);
});
