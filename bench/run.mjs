#!/usr/bin/env node
// Runs every benchmark in bench/ one after another (each compares against its own baseline in the same
// run and prints its table). `npm run bench` builds first. Pass names to run a subset:
//   node bench/run.mjs startup wait
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.replace(/\.mjs$/, ''));
const names = wanted.length ? wanted : all;
let failed = 0;
for (const n of names) {
  if (!all.includes(n)) {
    console.error(`no benchmark bench/${n}.mjs (have: ${all.join(', ')})`);
    process.exit(2);
  }
  console.error(`\n=== bench/${n}.mjs ===`);
  const r = spawnSync(process.execPath, [`${dir}${n}.mjs`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
