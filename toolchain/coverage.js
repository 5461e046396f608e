#!/usr/bin/env node
// Line and branch coverage of the contracts from forge's LCOV report, with a floor.
//
//   node toolchain/coverage.js FILE.lcov [--prefix contracts/] [--min 95] [--markdown]
//
// Reads the LCOV tracefile `forge coverage --report lcov` writes, keeps the source files under --prefix,
// prints each file's lines and branches hit / found and the total, then lists every line and branch the
// tests never reach (so a drop names its cause), and exits 1 when the total line or branch figure is below
// --min percent. `make coverage` runs it. Branches: an LCOV BRDA entry counts as found whatever its count,
// as hit when its count is a number above zero ("-" means the branch's block was never reached).
'use strict';

const fs = require('node:fs');

/**
 * Parses an LCOV tracefile into { file: { lines: Map(line -> hits), branches: Map(key -> {line, block, branch,
 * hits}), functions: Map(name -> hits) } }. Several records of one file (one per test contract) are summed.
 */
function parseLcov(text) {
  const files = {};
  let cur = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) {
      const name = line.slice(3);
      files[name] ??= { lines: new Map(), branches: new Map(), functions: new Map() };
      cur = files[name];
    } else if (line === 'end_of_record') {
      cur = null;
    } else if (cur && line.startsWith('DA:')) {
      const [n, hits] = line.slice(3).split(',');
      const prev = cur.lines.get(Number(n)) ?? 0;
      cur.lines.set(Number(n), prev + Number(hits));
    } else if (cur && line.startsWith('BRDA:')) {
      const [n, block, branch, hits] = line.slice(5).split(',');
      const key = `${n},${block},${branch}`;
      const prev = cur.branches.get(key) ?? { line: Number(n), block, branch, hits: 0 };
      prev.hits += hits === '-' ? 0 : Number(hits);
      cur.branches.set(key, prev);
    } else if (cur && line.startsWith('FNDA:')) {
      const comma = line.indexOf(',');
      const fn = line.slice(comma + 1);
      cur.functions.set(fn, (cur.functions.get(fn) ?? 0) + Number(line.slice(5, comma)));
    }
  }
  return files;
}

/** Per-file and total figures for the files whose path starts with `prefix`. */
function summarise(files, prefix) {
  const rows = [];
  const total = { linesHit: 0, lines: 0, branchesHit: 0, branches: 0 };
  for (const name of Object.keys(files).filter((f) => f.startsWith(prefix)).sort()) {
    const f = files[name];
    const lineHits = [...f.lines.values()];
    const branches = [...f.branches.values()];
    const row = {
      name,
      linesHit: lineHits.filter((h) => h > 0).length,
      lines: lineHits.length,
      branchesHit: branches.filter((b) => b.hits > 0).length,
      branches: branches.length,
      missedLines: [...f.lines].filter(([, h]) => h === 0).map(([n]) => n).sort((a, b) => a - b),
      missedBranches: branches.filter((b) => b.hits === 0).map((b) => `${b.line}#${b.branch}`),
      missedFunctions: [...f.functions].filter(([, h]) => h === 0).map(([n]) => n).sort(),
    };
    rows.push(row);
    for (const k of Object.keys(total)) total[k] += row[k];
  }
  return { rows, total };
}

function pct(hit, found) {
  return found === 0 ? 100 : (100 * hit) / found;
}

function fmt(hit, found) {
  return `${pct(hit, found).toFixed(2)} % (${hit}/${found})`;
}

function render({ rows, total }, markdown) {
  const out = [];
  if (markdown) {
    out.push('| contract | lines | branches |', '|---|---:|---:|');
    for (const r of rows) out.push(`| \`${r.name}\` | ${fmt(r.linesHit, r.lines)} | ${fmt(r.branchesHit, r.branches)} |`);
    out.push(`| **total** | **${fmt(total.linesHit, total.lines)}** | **${fmt(total.branchesHit, total.branches)}** |`);
    return out.join('\n');
  }
  const width = Math.max(5, ...rows.map((r) => r.name.length));
  out.push(`${'file'.padEnd(width)}  ${'lines'.padStart(20)}  ${'branches'.padStart(20)}`);
  for (const r of rows) {
    out.push(`${r.name.padEnd(width)}  ${fmt(r.linesHit, r.lines).padStart(20)}  ${fmt(r.branchesHit, r.branches).padStart(20)}`);
  }
  out.push(`${'total'.padEnd(width)}  ${fmt(total.linesHit, total.lines).padStart(20)}  ${fmt(total.branchesHit, total.branches).padStart(20)}`);
  const missed = rows.filter((r) => r.missedLines.length || r.missedBranches.length || r.missedFunctions.length);
  if (missed.length) {
    out.push('', 'not reached by any test:');
    for (const r of missed) {
      const parts = [];
      if (r.missedFunctions.length) parts.push(`functions ${r.missedFunctions.join(', ')}`);
      if (r.missedLines.length) parts.push(`lines ${r.missedLines.join(', ')}`);
      if (r.missedBranches.length) parts.push(`branches (line#branch) ${r.missedBranches.join(', ')}`);
      out.push(`  ${r.name}: ${parts.join('; ')}`);
    }
  }
  return out.join('\n');
}

/** The failures of the floor, as messages (empty when both totals reach `min`). */
function belowFloor({ total }, min) {
  const failures = [];
  if (pct(total.linesHit, total.lines) < min) {
    failures.push(`line coverage ${fmt(total.linesHit, total.lines)} is below ${min} %`);
  }
  if (pct(total.branchesHit, total.branches) < min) {
    failures.push(`branch coverage ${fmt(total.branchesHit, total.branches)} is below ${min} %`);
  }
  return failures;
}

function main(argv) {
  const args = { prefix: 'contracts/', min: 95, markdown: false, file: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--prefix') args.prefix = argv[++i];
    else if (a === '--min') args.min = Number(argv[++i]);
    else if (a === '--markdown') args.markdown = true;
    else if (!a.startsWith('--') && args.file === null) args.file = a;
    else {
      console.error(`coverage.js: unknown argument ${a}\nusage: node toolchain/coverage.js FILE.lcov [--prefix contracts/] [--min 95] [--markdown]`);
      return 2;
    }
  }
  if (args.file === null || Number.isNaN(args.min)) {
    console.error('usage: node toolchain/coverage.js FILE.lcov [--prefix contracts/] [--min 95] [--markdown]');
    return 2;
  }
  let text;
  try {
    text = fs.readFileSync(args.file, 'utf8');
  } catch (e) {
    console.error(`coverage.js: cannot read ${args.file} (${e.code}): run \`make coverage\`, which writes it`);
    return 2;
  }
  const summary = summarise(parseLcov(text), args.prefix);
  if (summary.rows.length === 0) {
    console.error(`coverage.js: no source file under ${args.prefix} in ${args.file}`);
    return 1;
  }
  console.log(render(summary, args.markdown));
  const failures = belowFloor(summary, args.min);
  for (const f of failures) console.error(`coverage.js: ${f} (the floor, --min)`);
  return failures.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { parseLcov, summarise, belowFloor, render };
