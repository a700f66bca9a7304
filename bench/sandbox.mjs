// Sandbox benchmark: (1) 200 inference Workspaces created over HTTPS and reconciled to Ready at maximum
// speed; (2) watch event delivery latency from write (the create request leaving the client) to the event
// arriving on an open watch. Bundles src/sandbox/index.ts with esbuild first, so it needs no build.
// Usage: node bench/sandbox.mjs [--workspaces N] [--events N]
import { loadStartSandbox } from './lib.mjs';
import { Agent, request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const WORKSPACES = arg('workspaces', 200);
const EVENTS = arg('events', 500);

const tmp = mkdtempSync(join(tmpdir(), 'kaito-bench-sbx-'));
const startSandbox = await loadStartSandbox('sandbox');
const sb = await startSandbox({ port: 0, stateDir: join(tmp, 'state'), speed: 1e7, faults: ['quota=standardNCADSA100v4Family:100000'] }); // room for 200 A100 nodes
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: sb.caPem });
const headers = { Authorization: `Bearer ${sb.token}`, 'Content-Type': 'application/json' };

function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.url), { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** Opens a watch and calls onEvent for every event; returns a function that closes it. */
function watch(path, onEvent) {
  const req = request(new URL(path, sb.url), { headers, ca: sb.caPem }, (res) => {
    let buf = '';
    res.setEncoding('utf8').on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) onEvent(JSON.parse(line), performance.now());
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// (1) reconcile throughput
const ws = (i) => ({
  apiVersion: 'kaito.sh/v1beta1',
  kind: 'Workspace',
  metadata: { name: `bench-${i}` },
  resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: `bench-${i}` } } },
  inference: { preset: { name: 'phi-4-mini-instruct' } },
});
const ready = new Set();
let allReady;
const done = new Promise((r) => (allReady = r));
const stopWs = watch('/apis/kaito.sh/v1beta1/namespaces/default/workspaces?watch=1', (e) => {
  if (e.object?.status?.conditions?.some((c) => c.type === 'InferenceReady' && c.status === 'True')) ready.add(e.object.metadata.name);
  if (ready.size >= WORKSPACES) allReady();
});
await new Promise((r) => setTimeout(r, 100));
const t0 = performance.now();
await Promise.all(Array.from({ length: WORKSPACES }, (_, i) => call('POST', '/apis/kaito.sh/v1beta1/namespaces/default/workspaces', ws(i))));
const created = performance.now();
const timeout = setTimeout(() => allReady('timeout'), 120_000);
const outcome = await done;
clearTimeout(timeout);
const t1 = performance.now();
stopWs();

// (2) watch latency
const sent = new Map();
const lat = [];
let got;
const stopCm = watch('/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=' + (await call('GET', '/api/v1/namespaces/default/configmaps')).metadata.resourceVersion, (e, at) => {
  const s = sent.get(e.object?.metadata?.name);
  if (e.type === 'ADDED' && s !== undefined) {
    lat.push(at - s);
    got?.();
  }
});
await new Promise((r) => setTimeout(r, 100));
for (let i = 0; i < EVENTS; i++) {
  const name = `lat-${i}`;
  const arrived = new Promise((r) => (got = r));
  sent.set(name, performance.now());
  await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name }, data: { i: String(i) } });
  await arrived;
}
stopCm();

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
console.log(`workspaces: ${WORKSPACES} created in ${(created - t0).toFixed(0)} ms, all Ready after ${(t1 - t0).toFixed(0)} ms${outcome === 'timeout' ? ` (TIMEOUT: ${ready.size} ready)` : ''}`);
console.log(`watch latency over ${lat.length} events: median ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(2)} ms`);
agent.destroy();
await sb.stop();
rmSync(tmp, { recursive: true, force: true });
