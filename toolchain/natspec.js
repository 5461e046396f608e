#!/usr/bin/env node
// NatSpec gate: every external function, event and error of the interfaces in contracts/interfaces
// carries a @notice, a @param for each parameter and a @return for each return value.
//
// The interfaces are the specification (ITreasurySafe.sol's header says so): an undocumented
// parameter is a question every integrator has to answer by reading the implementation. solc already
// refuses a @param that names no parameter; this gate refuses the opposite, a parameter nobody named.
//
// How: the interfaces alone are compiled with the pinned wasm solc (the npm package `solc`, the same
// compiler the shim serves forge with), asking only for abi, devdoc and userdoc (no code generation,
// about a second), and each ABI entry is looked up in the documentation solc produced for it.
//
//   node toolchain/natspec.js [FILE.sol ...]    default: every .sol under contracts/interfaces
//
// Exit 0 when complete, 1 with one line per gap, 2 when the sources do not compile.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** The canonical signature solc keys devdoc/userdoc entries by, e.g. `queue((address,uint256,bytes)[],bytes32)`. */
function signature(entry) {
  const type = (p) => {
    if (!p.type.startsWith('tuple')) return p.type;
    return `(${p.components.map(type).join(',')})${p.type.slice('tuple'.length)}`;
  };
  return `${entry.name}(${entry.inputs.map(type).join(',')})`;
}

/** The documentation gaps of one compiled contract: `{abi, devdoc, userdoc}` → list of messages. */
function gaps(contractName, { abi, devdoc, userdoc }) {
  const out = [];
  const kinds = { function: 'methods', event: 'events', error: 'errors' };
  for (const entry of abi) {
    const section = kinds[entry.type];
    if (!section) continue; // constructor, fallback, receive: none in an interface
    const sig = signature(entry);
    const where = `${contractName}: ${entry.type} ${sig}`;
    // Errors may be declared more than once (solc keeps a list); one documented declaration suffices.
    const pick = (doc) => {
      const found = (doc[section] || {})[sig];
      return Array.isArray(found) ? found[0] || {} : found || {};
    };
    const dev = pick(devdoc);
    const user = pick(userdoc);
    if (!user.notice) out.push(`${where}: no @notice`);
    const params = dev.params || {};
    entry.inputs.forEach((input, i) => {
      if (!input.name) out.push(`${where}: parameter ${i} has no name (name it, then document it with @param)`);
      else if (!params[input.name]) out.push(`${where}: no @param ${input.name}`);
    });
    if (entry.type === 'function') {
      const returns = dev.returns || {};
      (entry.outputs || []).forEach((output, i) => {
        const key = output.name || `_${i}`;
        if (!returns[key]) out.push(`${where}: no @return for return value ${output.name || i}`);
      });
    }
  }
  return out;
}

/** Compiles `sources` ({path: content}) for documentation only; returns {contractName: {abi, devdoc, userdoc}}. */
function compileDocs(sources, readImport) {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([p, content]) => [p, { content }])),
    settings: { outputSelection: { '*': { '*': ['abi', 'devdoc', 'userdoc'] } } },
  };
  const callbacks = readImport ? { import: readImport } : {};
  const output = JSON.parse(solc.compile(JSON.stringify(input), callbacks));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) {
    const err = new Error(errors.map((e) => e.formattedMessage || e.message).join('\n'));
    err.compile = true;
    throw err;
  }
  const contracts = {};
  for (const [file, byName] of Object.entries(output.contracts || {})) {
    if (!(file in sources)) continue; // imported only
    for (const [name, c] of Object.entries(byName)) contracts[name] = c;
  }
  return contracts;
}

function main(argv) {
  const dir = path.join(ROOT, 'contracts', 'interfaces');
  const files = argv.length
    ? argv.map((f) => path.relative(ROOT, path.resolve(f)))
    : fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.sol'))
        .map((f) => path.join('contracts', 'interfaces', f));
  const sources = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
  const readImport = (p) => {
    try {
      return { contents: fs.readFileSync(path.join(ROOT, p), 'utf8') };
    } catch (e) {
      return { error: `cannot read ${p}: ${e.message}` };
    }
  };
  let contracts;
  try {
    contracts = compileDocs(sources, readImport);
  } catch (e) {
    if (!e.compile) throw e;
    process.stderr.write(`natspec: the interfaces do not compile:\n${e.message}\n`);
    return 2;
  }
  const problems = Object.entries(contracts).flatMap(([name, c]) => gaps(name, c));
  const entries = Object.values(contracts).reduce((n, c) => n + c.abi.length, 0);
  if (problems.length) {
    process.stderr.write(
      `natspec: ${problems.length} documentation gap(s) in ${files.join(', ')}; ` +
        'add the missing @notice/@param/@return above each declaration:\n' +
        problems.map((p) => `  ${p}\n`).join(''),
    );
    return 1;
  }
  process.stdout.write(
    `natspec: ${entries} functions, events and errors in ${Object.keys(contracts).length} interfaces fully documented\n`,
  );
  return 0;
}

module.exports = { gaps, compileDocs, signature };

if (require.main === module) process.exit(main(process.argv.slice(2)));
