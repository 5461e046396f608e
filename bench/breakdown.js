#!/usr/bin/env node
// bench/breakdown.js: where a transaction's gas goes, by opcode, from an anvil struct-log trace.
//
// Usage: node bench/breakdown.js RPC_URL TX_HASH [TOP]
//
// Prints gasUsed, the intrinsic cost (21,000 + calldata), refunds and the TOP (default 12) opcodes by
// exclusive cost: a CALL-family step is charged its own cost (cold access, value transfer, precompile
// work) without the gas its callee spent, which is charged to the callee's own steps. Used by bench.js
// --breakdown; plain node, no dependencies.
'use strict';

const [url, hash, topArg] = process.argv.slice(2);
if (!url || !hash) {
  process.stderr.write('usage: node bench/breakdown.js RPC_URL TX_HASH [TOP]\n');
  process.exit(2);
}
const TOP = Number(topArg || 12);

async function rpc(method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

function calldataCost(input) {
  const hex = input.startsWith('0x') ? input.slice(2) : input;
  let cost = 0;
  for (let i = 0; i < hex.length; i += 2) cost += hex.slice(i, i + 2) === '00' ? 4 : 16;
  return cost;
}

async function main() {
  const [tx, receipt, trace] = await Promise.all([
    rpc('eth_getTransactionByHash', [hash]),
    rpc('eth_getTransactionReceipt', [hash]),
    rpc('debug_traceTransaction', [hash, {disableStorage: true, disableMemory: true, disableStack: true}]),
  ]);
  const steps = trace.structLogs;
  const byOp = new Map();
  const add = (op, gas) => byOp.set(op, (byOp.get(op) || 0) + gas);

  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const next = steps[i + 1];
    if (!next || next.depth < s.depth) {
      // Last step of a frame (STOP, RETURN, REVERT…): its own reported cost.
      add(s.op, s.gasCost);
    } else if (next.depth === s.depth) {
      add(s.op, s.gas - next.gas);
    } else {
      // Entered a callee: find the caller's next step; charge the caller the difference minus what the
      // callee used (callee start gas minus what it had left after its last step).
      let j = i + 1;
      while (j < steps.length && steps[j].depth > s.depth) j++;
      const last = steps[j - 1];
      const calleeUsed = next.gas - (last.gas - last.gasCost);
      const after = j < steps.length ? steps[j].gas : s.gas - calleeUsed;
      add(s.op, s.gas - after - calleeUsed);
    }
  }

  const gasUsed = Number(receipt.gasUsed);
  const intrinsic = 21000 + calldataCost(tx.input);
  const executed = [...byOp.values()].reduce((a, b) => a + b, 0);
  const refund = intrinsic + executed - gasUsed;
  const rows = [...byOp.entries()].sort((a, b) => b[1] - a[1]);
  const top = rows.slice(0, TOP);
  const rest = rows.slice(TOP).reduce((a, [, g]) => a + g, 0);

  console.log(`gasUsed ${gasUsed} = intrinsic ${intrinsic} (21000 + calldata ${intrinsic - 21000})` +
    ` + execution ${executed} - refund ${refund}`);
  for (const [op, gas] of top) console.log(`  ${op.padEnd(14)} ${String(gas).padStart(7)}`);
  console.log(`  ${'(other)'.padEnd(14)} ${String(rest).padStart(7)}`);
}

main().catch((e) => {
  process.stderr.write(`breakdown.js: ${e.message}\n`);
  process.exit(1);
});
