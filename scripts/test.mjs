#!/usr/bin/env node
// `npm test` after the build: the whole suite once on the Node.js running this script (CI: the machine's
// Node 20, the oldest `engines` allows) and once more on Node 24, the active LTS, taken from the npm
// registry's official binary package (node-<platform>-<arch>), installed into node_modules/.cache on first
// use. Each pass is a full vitest run with that Node: the test processes, the sandbox and every spawned
// `kaito` run on it. The passes run one after the other (two cores); the exit code is non-zero if any failed.
//   KAITO_TEST_NODES=current  only the running Node (a quick local loop); CI always runs both
//   extra arguments go to vitest (e.g. a file filter)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE24 = '24.22.3'; // pinned: the same binary on every machine, bumped on purpose
const vitestArgs = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);

function node24() {
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const prefix = join(root, 'node_modules', '.cache', `kaito-node-${NODE24}`);
  const bin = join(prefix, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    console.log(`+ npm install ${pkg}@${NODE24} (Node ${NODE24} for the second test pass)`);
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${NODE24}`], { stdio: 'inherit', cwd: root });
    if (r.status !== 0 || !existsSync(bin)) {
      console.error(`cannot install ${pkg}@${NODE24} from the npm registry; run the first pass only with KAITO_TEST_NODES=current`);
      process.exit(1);
    }
  }
  return bin;
}

const passes = [{ name: `Node ${process.versions.node}`, node: process.execPath }];
if (process.env.KAITO_TEST_NODES !== 'current' && major < 24) passes.push({ name: `Node ${NODE24}`, node: node24() });

const results = [];
for (const p of passes) {
  console.log(`\n=== test pass on ${p.name} (${p.node})\n`);
  const started = Date.now();
  const r = spawnSync(p.node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...vitestArgs], { stdio: 'inherit', cwd: root, env: process.env });
  results.push({ ...p, code: r.status ?? 1, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log('');
for (const r of results) console.log(`test pass on ${r.name}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`} in ${r.seconds} s`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
