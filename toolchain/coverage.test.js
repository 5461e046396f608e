// Tests of the coverage floor (toolchain/coverage.js). Run: node --test toolchain/ (make test does).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');

const coverage = require('./coverage.js');

// Two contracts and a test file, as forge coverage writes them: a line reached twice (two records of the
// same file are summed), an unreached branch block ("-"), an unreached function.
const LCOV = `TN:
SF:contracts/A.sol
FN:3,A.f
FNDA:2,A.f
FN:9,A.g
FNDA:0,A.g
DA:3,2
DA:4,2
DA:9,0
BRDA:4,0,0,2
BRDA:4,0,1,0
end_of_record
SF:contracts/safe/B.sol
DA:1,1
BRDA:1,0,0,-
end_of_record
SF:test/T.sol
DA:1,0
end_of_record
SF:contracts/A.sol
DA:9,0
end_of_record
`;

test('coverage: only files under the prefix count, with their missed lines, branches and functions', () => {
  const s = coverage.summarise(coverage.parseLcov(LCOV), 'contracts/');
  assert.deepEqual(s.rows.map((r) => r.name), ['contracts/A.sol', 'contracts/safe/B.sol']);
  assert.deepEqual(s.total, { linesHit: 3, lines: 4, branchesHit: 1, branches: 3 });
  const a = s.rows[0];
  assert.deepEqual(a.missedLines, [9]);
  assert.deepEqual(a.missedBranches, ['4#1']);
  assert.deepEqual(a.missedFunctions, ['A.g']);
  assert.deepEqual(s.rows[1].missedBranches, ['1#0']);
});

test('coverage: the floor fails on lines and on branches separately, and passes at the floor', () => {
  const s = coverage.summarise(coverage.parseLcov(LCOV), 'contracts/');
  assert.deepEqual(coverage.belowFloor(s, 95), [
    'line coverage 75.00 % (3/4) is below 95 %',
    'branch coverage 33.33 % (1/3) is below 95 %',
  ]);
  assert.deepEqual(coverage.belowFloor(s, 75).length, 1);
  assert.deepEqual(coverage.belowFloor(s, 33), []);
});

test('coverage: the markdown table has a row per contract and the total', () => {
  const s = coverage.summarise(coverage.parseLcov(LCOV), 'contracts/');
  const md = coverage.render(s, true).split('\n');
  assert.equal(md.length, 5);
  assert.equal(md[4], '| **total** | **75.00 % (3/4)** | **33.33 % (1/3)** |');
});

test('coverage: a branch reached in one record and not in another counts as reached', () => {
  const text = 'SF:contracts/C.sol\nDA:1,0\nBRDA:1,0,0,-\nend_of_record\nSF:contracts/C.sol\nDA:1,3\nBRDA:1,0,0,3\nend_of_record\n';
  const s = coverage.summarise(coverage.parseLcov(text), 'contracts/');
  assert.deepEqual(s.total, { linesHit: 1, lines: 1, branchesHit: 1, branches: 1 });
});
