// Wait benchmark. (1) Reaction time: the sandbox flips a Workspace condition (in-process, straight into
// its object store) while `kaito wait --for condition=X` and `kubectl wait --for=condition=X` wait for
// that same event; the time from the flip to each process exiting, medians of N rounds, both in one run.
// (2) Idle traffic: every request a waiting `kaito wait` makes over 60 seconds in which nothing changes
// (from its --debug trace, which logs each request when its response headers arrive).
// Usage: npm run build && node bench/wait.mjs [--rounds N] [--idle SECONDS]
import { loadStartSandbox, root } from './lib.mjs';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 21);
const IDLE_S = arg('idle', 60);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

const bin = join(root, 'bin', 'kaito.js');
const tmp = mkdtempSync(join(tmpdir(), 'kaito-bench-wait-'));
const startSandbox = await loadStartSandbox('sandbox-wait');
const sb = await startSandbox({ port: 0, stateDir: join(tmp, 'state'), speed: 600 });
const home = join(tmp, 'home');
mkdirSync(home);
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...sb.env };
const RES = 'kaito.sh/workspaces';
const WS = 'bench';

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let answeredAt;
    const answered = (d) => {
      if (answeredAt === undefined && opts.answer?.test(d)) answeredAt = performance.now();
    };
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      answered(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      answered(d);
      opts.onStderr?.(d);
    });
    child.on('exit', (code) => resolve({ code, out, err, at: performance.now(), answeredAt }));
    opts.onSpawn?.(child);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The sandbox itself sets the condition: one status write, one watch event for every watcher. */
function flip(type) {
  const o = sb.ctx.store.get(RES, 'default', WS);
  o.status.conditions.push({ type, status: 'True', reason: 'Bench', message: 'flipped by bench/wait.mjs', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), observedGeneration: o.metadata.generation });
  sb.ctx.store.update(RES, o, { subresource: 'status' });
}

try {
  // a finished tuning workspace: nothing else changes it while we measure
  const t = await run(process.execPath, [bin, 'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', WS, '--dataset', `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`, '--output-pvc', 'adapters', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check', '--wait']);
  if (t.code !== 0) throw new Error(`tune failed: ${t.err}`);

  const kaitoMs = [];
  const kubectlMs = [];
  const kaitoAnswerMs = [];
  const kubectlAnswerMs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const cond = `BenchFlip${i}`;
    const k = run(process.execPath, [bin, 'wait', WS, '--for', `condition=${cond}`, '--timeout', '2m'], { answer: / after / });
    const c = run(KUBECTL, ['wait', `--for=condition=${cond}`, `workspace/${WS}`, '--timeout=120s'], { answer: /condition met/ });
    await sleep(2500); // both are watching by now (start-up is ~0.2-0.5 s)
    const t0 = performance.now();
    flip(cond);
    const [kr, cr] = await Promise.all([k, c]);
    if (kr.code !== 0) throw new Error(`kaito wait exited ${kr.code}: ${kr.err}`);
    if (cr.code !== 0) throw new Error(`kubectl wait exited ${cr.code}: ${cr.err}`);
    kaitoMs.push(kr.at - t0);
    kubectlMs.push(cr.at - t0);
    kaitoAnswerMs.push(kr.answeredAt - t0);
    kubectlAnswerMs.push(cr.answeredAt - t0);
  }

  // idle: nothing changes for IDLE_S seconds while kaito wait waits
  const lines = [];
  let child;
  let started = 0;
  const idle = run(process.execPath, [bin, '--debug', 'wait', WS, '--for', 'condition=NeverHappens', '--timeout', '30m'], {
    onSpawn: (ch) => (child = ch),
    onStderr: (d) => {
      for (const l of d.split('\n')) if (/^debug: (GET|POST|PATCH|PUT|DELETE) /.test(l)) lines.push({ at: performance.now(), line: l.replace(/^debug: /, '').replace(/https:\/\/127\.0\.0\.1:\d+/, '').replace(/ \(\d+ ms\)$/, '') });
    },
  });
  await sleep(5000);
  started = performance.now();
  const kubeLogBefore = sb.ctx.requestLog.length;
  await sleep(IDLE_S * 1000);
  const during = lines.filter((l) => l.at >= started);
  const setup = lines.filter((l) => l.at < started);
  const finishedDuring = sb.ctx.requestLog.slice(kubeLogBefore).filter((e) => e.userAgent === 'kaito-cli');
  child.kill('SIGINT');
  const idleRes = await idle;

  const fmt = (x) => `${x.toFixed(0)} ms`;
  console.log(`## Wait\n`);
  console.log(`reaction time from the condition flip, ${ROUNDS} rounds (same event for both), medians (min-max):\n`);
  console.log(`| client | to its answer line | to process exit |`);
  console.log(`|---|---|---|`);
  const cell = (xs) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;
  console.log(`| kaito wait | ${cell(kaitoAnswerMs)} | ${cell(kaitoMs)} |`);
  console.log(`| kubectl wait | ${cell(kubectlAnswerMs)} | ${cell(kubectlMs)} |`);
  console.log(`\nkaito <= kubectl: answer ${median(kaitoAnswerMs) <= median(kubectlAnswerMs) ? 'yes' : 'NO'}, exit ${median(kaitoMs) <= median(kubectlMs) ? 'yes' : 'NO'}`);
  console.log(`\nidle ${IDLE_S} s: ${during.length} request(s) started by kaito wait, ${finishedDuring.length} finished; exit on SIGINT: ${idleRes.code}`);
  console.log(`requests made while setting up (before the idle window):`);
  for (const l of setup) console.log(`  ${l.line}`);
  if (during.length) for (const l of during) console.log(`  during idle: ${l.line}`);
} finally {
  await sb.stop();
  rmSync(tmp, { recursive: true, force: true });
}
