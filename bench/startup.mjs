#!/usr/bin/env node
// Cold start-up of the built CLI against bare `node -e 0`, interleaved so machine noise hits every
// command alike. Usage: npm run build && node bench/startup.mjs [--runs N] [--write]
// --write replaces the table in the "## Startup" section of bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/kaito.js');
const runsArg = process.argv.indexOf('--runs');
const runs = Math.max(15, runsArg > 0 ? Number(process.argv[runsArg + 1]) : 21);
const cwd = mkdtempSync(join(tmpdir(), 'kaito-bench-'));
const env = { PATH: process.env.PATH, HOME: cwd, NODE_OPTIONS: '' };

const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'kaito --help', args: [bin, '--help'] },
  { name: 'kaito presets list', args: [bin, 'presets', 'list'] },
  {
    name: 'kaito render tune',
    args: [bin, 'render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', 'https://example.com/d.parquet', '--output-image', 'myacr.azurecr.io/out:1', '--push-secret', 'acr-push', '--instance-type', 'Standard_NV36ads_A10_v5', '--epochs', '2'],
  },
];

const times = cases.map(() => []);
for (let i = 0; i < runs; i++) {
  for (let c = 0; c < cases.length; c++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, cases[c].args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cases[c].name} exited ${r.status}: ${r.stderr}`);
    times[c].push(ms);
  }
}
rmSync(cwd, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(times[0]);
const targets = { 'kaito --help': 1.3, 'kaito render tune': 2 };
const rows = cases.map((c, i) => {
  const m = median(times[i]);
  const ratio = m / base;
  const target = targets[c.name];
  const min = Math.min(...times[i]);
  return `| ${c.name} | ${m.toFixed(0)} | ${ratio.toFixed(2)}x | ${min.toFixed(0)} | ${(min / Math.min(...times[0])).toFixed(2)}x | ${target ? `<= ${target}x ${ratio <= target ? 'met' : 'MISSED'}` : ''} |`;
});
const table = [
  `Node ${process.version}, ${runs} interleaved runs each, wall time (ms) of a fresh process: the median (what the targets`,
  'are about) and the fastest run (less sensitive to other load on the machine).',
  '',
  '| command | median ms | vs bare node | fastest ms | vs bare node | target (median) |',
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const readme = join(root, 'bench/README.md');
  const text = existsSync(readme) ? readFileSync(readme, 'utf8') : '# Benchmarks\n';
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  const notes = [
    '',
    `Load average during the run: ${load} on ${(await import('node:os')).cpus().length} cores (other work on the machine inflates every row; compare ratios from a quiet machine).`,
    '',
    'The bench runs node with a clean environment: in a shell with NODE_EXTRA_CA_CERTS set every node start reads',
    'a CA bundle (~30 ms), which made the earlier baseline look like 71 ms and the ratios look better than they are.',
    'Bare node starts in ~22 ms here, so 1.3x leaves ~7 ms and 2x ~22 ms for everything kaito does.',
    '',
    'Floor, measured the same way (fastest of 31, clean env, load ~8): an empty `.mjs` file 1.20x; a file that only',
    'imports commander from node_modules 1.62x; a one-file bundle of just the --help path 1.84x. So `--help` <= 1.3x',
    'cannot be met by any ESM CLI built on commander on Node 20: the ESM loader plus loading commander already',
    'exceed it. Before/after this round (same run, fastest): presets list 97 -> 66 ms, render tune 83 -> 72 ms,',
    '--help 43 -> 43 ms (its gains are ~1 ms each, below the noise at this load).',
    '',
    'Where the time goes (cpu profiles, `process.moduleLoadList`, import timings of each chunk):',
    '- `--help` pays for the ESM loader itself (an empty `.mjs` costs ~3-5 ms over `node -e 0`), loading and compiling',
    '  commander plus the command definitions (~150 KB), building 19 commands with ~150 options (~5 ms, all JIT-cold',
    '  code) and formatting the help (~3 ms). A one-file bundle of only that path was within noise of the split build, so',
    '  the file count is not the issue, and minifying (whitespace/syntax) changed nothing measurable. Done: commander',
    '  no longer loads node:child_process at start (it pulled in net, dgram and streams; it is only needed for',
    '  executable subcommands, which kaito does not have), the require/__dirname shim (node:module) is only in the',
    '  chunks that use it, and main.ts touches process.stderr only when writing to it (a piped stderr loads',
    '  node:net). What is left is commander doing its work cold: meeting 1.3x reliably would need V8 code caching',
    '  (module.enableCompileCache is Node >= 22.1) or a help path that does not build the command tree.',
    '- `presets list` and `render tune` no longer parse YAML data files: the build writes dist/catalog.json (text and',
    '  parsed document of presets/*.yaml, skus.yaml, templates/*.yaml; scripts/catalog-snapshot.mjs) and the loaders',
    '  use a document only when the file still has exactly that text. `render tune` also writes its manifests and',
    '  training_config.yaml with src/core/yaml-emit.ts (byte-identical to the library, which it falls back to for',
    '  anything unusual), so the yaml stringifier never runs cold.',
    '- `yaml` is no longer loaded at start-up by `render tune|deploy` and `presets list|show` (src/core/yaml-lib.ts):',
    '  the harness preloads it only when a kaito.yaml exists or `-o yaml` is asked for; render re-runs its pure steps',
    '  after loading it when a user file (--config-file) or a value the small emitter leaves to the library needs it;',
    '  the admission check uses the training config object instead of parsing the rendered text back. Every other',
    '  command preloads it as before. test/e2e/render/lazy-yaml.test.ts runs a package copy without node_modules.',
    '  Gain at this load: render tune ~3.1x -> ~2.9x (the 262 KB yaml chunk: read, compile, evaluate).',
    '- Where the rest of `render tune` goes (import timings, fastest of 5): dist/main.js with commander and all',
    '  def.ts ~7 ms, the render chunks (render core 48 KB, presets, templates, catalog snapshot) ~7 ms; the rest is',
    '  the ESM loader for bin/ (~3-5 ms), building the command tree (~5 ms), chalk (15 KB, loaded for every command',
    '  even with colour off), and rendering with cold JIT. Next steps, not done: a no-colour stub instead of chalk',
    '  when colorEnabled is false, registering only the invoked command\'s def.ts, and V8 code caching (Node >= 22.1).',
  ].join('\n');
  const section = `## Startup\n\nRun: \`npm run build && node bench/startup.mjs --write\` (bench/startup.mjs).\n\n${table}\n${notes}\n`;
  const re = /## Startup\n[\s\S]*?(?=\n## |$)/;
  writeFileSync(readme, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`);
}
