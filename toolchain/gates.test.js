// Tests of the documentation and storage-layout gates (toolchain/natspec.js, toolchain/storage-layout.js).
// Run: node --test toolchain/ (make test does). Each gate must pass the repository and fail on a planted gap.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const natspec = require('./natspec.js');
const storage = require('./storage-layout.js');

function docGaps(source) {
  const contracts = natspec.compileDocs({ 'I.sol': source });
  return Object.entries(contracts).flatMap(([name, c]) => natspec.gaps(name, c));
}

const HEADER = '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.28;\n';

test('natspec: a fully documented interface has no gap', () => {
  const gaps = docGaps(`${HEADER}
interface I {
    /// @notice Moves.
    /// @param to Where.
    /// @param amount How much, in wei.
    /// @return ok Always true.
    function move(address to, uint256 amount) external returns (bool ok);
    /// @notice Moved.
    /// @param to Where.
    event Moved(address indexed to);
    /// @notice Too much.
    /// @param limit The limit.
    error TooMuch(uint256 limit);
    /// @notice A tuple argument, keyed by its canonical signature.
    /// @param calls The calls.
    /// @return The count (an unnamed return documented in order).
    function batch(Call[] calldata calls) external returns (uint256);
    struct Call { address target; bytes data; }
}`);
  assert.deepEqual(gaps, []);
});

test('natspec: each missing @notice, @param, @return and an unnamed parameter is reported', () => {
  const gaps = docGaps(`${HEADER}
interface I {
    /// @notice Moves.
    /// @param to Where.
    function move(address to, uint256 amount) external returns (bool ok);
    /// @param to Where.
    event Moved(address indexed to);
    /// @notice Too much.
    error TooMuch(uint256);
}`);
  assert.deepEqual(gaps.sort(), [
    'I: error TooMuch(uint256): parameter 0 has no name (name it, then document it with @param)',
    'I: event Moved(address): no @notice',
    'I: function move(address,uint256): no @param amount',
    'I: function move(address,uint256): no @return for return value ok',
  ]);
});

test('natspec: the repository interfaces compile for documentation', () => {
  const dir = path.join(__dirname, '..', 'contracts', 'interfaces');
  const sources = Object.fromEntries(
    fs.readdirSync(dir).map((f) => [`contracts/interfaces/${f}`, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
  const contracts = natspec.compileDocs(sources, () => ({ error: 'the interfaces import nothing' }));
  assert.ok(contracts.ITreasurySafe.abi.length > 50, 'ITreasurySafe has its functions, events and errors');
});

test('storage-layout: the lens constants agree with the layout, and a wrong one is reported', () => {
  const entries = storage.layout();
  const lens = fs.readFileSync(path.join(__dirname, '..', 'contracts', 'TreasurySafeLens.sol'), 'utf8');
  assert.deepEqual(storage.lensMismatches(entries, lens), []);
  const records = entries.find((e) => e.label === '_records');
  const planted = lens.replace(/RECORDS_SLOT = \d+;/, `RECORDS_SLOT = ${records.slot + 1};`);
  assert.deepEqual(storage.lensMismatches(entries, planted), [
    `contracts/TreasurySafeLens.sol: RECORDS_SLOT = ${records.slot + 1}, but TreasurySafe._records is at slot ${records.slot} offset 0`,
  ]);
});

test('storage-layout: the layout describes packed struct members, so a moved field shows', () => {
  const config = storage.layout().find((e) => e.label === '_config');
  assert.equal(config.bytes, 32, 'the config is one slot');
  const epoch = config.members.find((m) => m.label === 'epoch');
  assert.ok(epoch && epoch.type === 'uint32' && epoch.slot === 0, 'epoch is a uint32 in the config slot');
});
