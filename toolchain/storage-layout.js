#!/usr/bin/env node
// Storage-layout gate: TreasurySafe's storage layout equals the committed snapshot
// (snapshots/storage-layout.json), and every slot TreasurySafeLens reads by number names the variable
// the snapshot puts there.
//
// Why: TreasurySafeLens serves the safe's views by reading raw slots through `extsload`, with the slot
// numbers as constants. A reordered or inserted state variable would make every view lie while every
// compile still succeeds. The snapshot makes a layout change a reviewed diff, and the cross-check ties
// the lens's constants to it.
//
// How: TreasurySafe is compiled with the pinned wasm solc asking only for `storageLayout`, which solc
// computes in analysis, before code generation (about 3 s; the layout does not depend on via-IR or the
// optimizer: it is the output `forge inspect TreasurySafe storageLayout` prints, without the code generation).
//
//   node toolchain/storage-layout.js            check (exit 1 on any difference)
//   node toolchain/storage-layout.js --update   rewrite the snapshot after an intended change
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SNAPSHOT = path.join(ROOT, 'snapshots', 'storage-layout.json');
const SAFE = 'contracts/TreasurySafe.sol';
const LENS = 'contracts/TreasurySafeLens.sol';

// The lens's slot constants and the TreasurySafe variable each one must be the slot of.
const LENS_SLOTS = {
  CONFIG_SLOT: '_config',
  OWNERS_SLOT: '_owners',
  GUARDIANS_SLOT: '_guardians',
  CAPS_SLOT: '_caps',
  RECORDS_SLOT: '_records',
  RECOVERY_SLOT: '_recovery',
  BACKUP_SLOT: '_backup',
  PENDING_SLOT: '_pending',
  LIST_SLOT: '_evacuationList',
  EXTRA_SELECTORS_SLOT: '_extraSelectors',
};

/** Remappings from foundry.toml's [profile.default] `remappings`, as [prefix, target] pairs. */
function remappings() {
  const toml = fs.readFileSync(path.join(ROOT, 'foundry.toml'), 'utf8');
  const block = /remappings\s*=\s*\[([\s\S]*?)\]/.exec(toml);
  if (!block) return [];
  return [...block[1].matchAll(/"([^"=]+)=([^"]+)"/g)].map((m) => [m[1], m[2]]);
}

function readImport(p) {
  let file = p;
  for (const [prefix, target] of remappings()) if (p.startsWith(prefix)) file = target + p.slice(prefix.length);
  try {
    return { contents: fs.readFileSync(path.join(ROOT, file), 'utf8') };
  } catch (e) {
    return { error: `cannot read ${p} (${file}): ${e.message}` };
  }
}

/** TreasurySafe's layout as a stable, reviewable list: one entry per state variable, in slot order. */
function layout() {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { [SAFE]: { content: fs.readFileSync(path.join(ROOT, SAFE), 'utf8') } },
    settings: { outputSelection: { [SAFE]: { TreasurySafe: ['storageLayout'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readImport }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage || e.message).join('\n'));
  const { storage, types } = output.contracts[SAFE].TreasurySafe.storageLayout;
  // A type as its label plus, for structs, the members' positions, for arrays and mappings the element's
  // description: the lens decodes packed fields at fixed bit offsets, so a member moving counts too.
  // (Type ids carry AST ids that change with any edit; labels and positions do not.)
  const describe = (id) => {
    const t = types[id];
    // `struct TreasurySafe.Config` → `struct Config` (enums too): which contract of the hierarchy declares a type does not
    // change where anything is stored.
    const d = { type: t.label.replace(/(struct|enum) \w+\./g, '$1 '), bytes: Number(t.numberOfBytes) };
    if (t.members)
      d.members = t.members.map((m) => ({ label: m.label, slot: Number(m.slot), offset: m.offset, ...describe(m.type) }));
    if (t.base) d.element = describe(t.base);
    if (t.value) d.value = describe(t.value);
    return d;
  };
  return storage.map((s) => ({ label: s.label, slot: Number(s.slot), offset: s.offset, ...describe(s.type) }));
}

/** Differences between the lens's slot constants and `entries`: list of messages. */
function lensMismatches(entries, lensSource) {
  const out = [];
  const bySlotName = Object.fromEntries(entries.map((e) => [e.label, e]));
  for (const [constant, label] of Object.entries(LENS_SLOTS)) {
    const m = new RegExp(`constant\\s+${constant}\\s*=\\s*(\\d+)\\s*;`).exec(lensSource);
    const entry = bySlotName[label];
    if (!m) out.push(`${LENS} no longer declares ${constant}: update LENS_SLOTS in toolchain/storage-layout.js`);
    else if (!entry) out.push(`TreasurySafe has no state variable ${label} (the lens's ${constant} reads it)`);
    else if (Number(m[1]) !== entry.slot || entry.offset !== 0)
      out.push(`${LENS}: ${constant} = ${m[1]}, but TreasurySafe.${label} is at slot ${entry.slot} offset ${entry.offset}`);
  }
  return out;
}

function render(entries) {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function main(argv) {
  const entries = layout();
  const problems = lensMismatches(entries, fs.readFileSync(path.join(ROOT, LENS), 'utf8'));
  if (argv.includes('--update')) {
    fs.writeFileSync(`${SNAPSHOT}.tmp`, render(entries));
    fs.renameSync(`${SNAPSHOT}.tmp`, SNAPSHOT);
    process.stdout.write(`storage-layout: wrote ${path.relative(ROOT, SNAPSHOT)} (${entries.length} variables)\n`);
  } else {
    let committed;
    try {
      committed = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8'));
    } catch (e) {
      problems.push(`cannot read ${path.relative(ROOT, SNAPSHOT)} (${e.message}): run with --update to create it`);
    }
    if (committed) {
      const key = (e) => `${e.label} slot ${e.slot} offset ${e.offset}: ${JSON.stringify(e)}`;
      const was = committed.map(key);
      const now = entries.map(key);
      for (const k of was) if (!now.includes(k)) problems.push(`moved or removed: ${k}`);
      for (const k of now) if (!was.includes(k)) problems.push(`new or moved:    ${k}`);
    }
  }
  if (problems.length) {
    process.stderr.write(
      `storage-layout: TreasurySafe's storage layout differs from the snapshot, or the lens reads the wrong slots:\n` +
        problems.map((p) => `  ${p}\n`).join('') +
        'If the change is intended, fix the lens constants, then run `node toolchain/storage-layout.js --update` ' +
        'and commit the snapshot.\n',
    );
    return 1;
  }
  if (!argv.includes('--update'))
    process.stdout.write(`storage-layout: ${entries.length} variables as in the snapshot; lens slots agree\n`);
  return 0;
}

module.exports = { layout, lensMismatches, LENS_SLOTS };

if (require.main === module) process.exit(main(process.argv.slice(2)));
