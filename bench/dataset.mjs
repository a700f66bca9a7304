#!/usr/bin/env node
// Dataset validation throughput and peak memory (issue 8): a generated 200k-record messages jsonl and the
// same records as parquet, plus a 50k-record jsonl to show that jsonl memory does not grow with the file.
// Each measurement runs in a fresh node process (peak RSS = that process's maxRSS); the median of RUNS is
// reported. Usage: node bench/dataset.mjs [--runs N]. Needs no build: src/dataset is bundled with esbuild.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { messagesParquet } from '../scripts/parquet-messages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const dir = mkdtempSync(join(tmpdir(), 'kaito-bench-ds-'));

try {
  // bundled inside the package (a git-ignored .dist-tmp-* folder) so it finds presets/ like the CLI does
  const libDir = join(root, `.dist-tmp-bench-${process.pid}`);
  const lib = join(libDir, 'dataset.mjs');
  await build({ entryPoints: [join(root, 'src/dataset/index.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: lib, logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });

  // deterministic records: 1-3 exchanges, some with a system prompt, ~100-400 chars per message
  const record = (i) => {
    const messages = [];
    if (i % 3 === 0) messages.push({ role: 'system', content: 'You help operators of AKS clusters that run Kaito.' });
    for (let t = 0; t <= i % 3; t++) {
      messages.push({ role: 'user', content: `Question ${i}.${t}: why is workspace ws-${i % 977} pending in namespace ns-${i % 31}? `.repeat(1 + (i % 2)) });
      messages.push({ role: 'assistant', content: `Answer ${i}.${t}: check the NodeClaim conditions and the GPU quota for Standard_NC24ads_A100_v4 in the region. `.repeat(1 + ((i >> 1) % 3)) });
    }
    return { messages };
  };
  const writeJsonl = async (file, n) => {
    const w = createWriteStream(file);
    for (let i = 0; i < n; i++) if (!w.write(JSON.stringify(record(i)) + '\n')) await new Promise((r) => w.once('drain', r));
    await new Promise((r) => w.end(r));
  };
  const files = { jsonl50k: join(dir, 'd50k.jsonl'), jsonl200k: join(dir, 'd200k.jsonl'), parquet200k: join(dir, 'd200k.parquet') };
  await writeJsonl(files.jsonl50k, 50_000);
  await writeJsonl(files.jsonl200k, 200_000);
  const rows = Array.from({ length: 200_000 }, (_, i) => record(i).messages);
  writeFileSync(files.parquet200k, messagesParquet(rows, { rowGroupSize: 10_000 }));
  rows.length = 0;

  const child = `
    const { validateDataset } = await import(${JSON.stringify(lib)});
    const t0 = performance.now();
    const r = await validateDataset(process.argv[1], { preset: 'phi-4-mini-instruct' });
    const ms = performance.now() - t0;
    if (!r.valid) throw new Error('bench data should be valid: ' + JSON.stringify(r.counts));
    console.log(JSON.stringify({ ms, records: r.stats.records, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = [];
  for (const [name, file] of Object.entries(files)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child, file], { cwd: root, encoding: 'utf8' })));
    const ms = median(runs.map((r) => r.ms));
    results.push({
      file: name,
      sizeMiB: +(statSync(file).size / 1048576).toFixed(1),
      records: runs[0].records,
      medianMs: Math.round(ms),
      recordsPerSec: Math.round(runs[0].records / (ms / 1000)),
      peakRssMiB: Math.round(median(runs.map((r) => r.maxRssMiB))),
    });
  }
  console.table(results);
  console.log(JSON.stringify({ node: process.version, runs: RUNS, results }));
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(root, `.dist-tmp-bench-${process.pid}`), { recursive: true, force: true });
}
