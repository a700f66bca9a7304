#!/usr/bin/env node
// Push throughput of `kaito dataset push` for a ~200 MB JSON Lines file to the REAL distribution registry on loopback,
// side by side with `skopeo copy` of the same file's image (from an OCI layout), and peak RSS (GNU time's %M). Each run
// pushes to a fresh repository. Four columns: kaito cold (a file it has not seen: validate + pack + upload), skopeo
// upload (the built image's blobs uploaded), kaito warm (the unchanged file pushed before: cross-repository mount) and
// skopeo warm (its blob-info cache knows where the blob is: the same mount). Usage: npm run build && node bench/registry.mjs [--runs N] (default 3; medians reported).
// Needs /usr/bin/docker-registry, skopeo and /usr/bin/time (scripts/test-packages.sh installs the first two).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const dir = mkdtempSync(join(tmpdir(), 'kaito-bench-reg-'));
const kaitoBin = join(root, 'bin', 'kaito.js');

const record = (i) => {
  const messages = [];
  if (i % 3 === 0) messages.push({ role: 'system', content: 'You help operators of AKS clusters that run Kaito.' });
  for (let t = 0; t <= i % 3; t++) {
    messages.push({ role: 'user', content: `Question ${i}.${t}: why is workspace ws-${i % 977} pending in namespace ns-${i % 31}? `.repeat(1 + (i % 2)) });
    messages.push({ role: 'assistant', content: `Answer ${i}.${t}: check the NodeClaim conditions and the GPU quota for Standard_NC24ads_A100_v4 in the region. `.repeat(1 + ((i >> 1) % 3)) });
  }
  return { messages };
};

async function startRegistry() {
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'registry')}\nhttp:\n  addr: 127.0.0.1:0\n  secret: bench\n`);
  const proc = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const host = await new Promise((resolve, reject) => {
    let log = '';
    const t = setTimeout(() => reject(new Error(`docker-registry did not start:\n${log}`)), 20_000);
    const on = (d) => {
      log += d;
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    proc.stderr.on('data', on);
    proc.stdout.on('data', on);
  });
  return { host, stop: () => proc.kill('SIGTERM') };
}

/** wall ms and peak RSS (KiB) of a command, through GNU time */
function timedRss(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = execFileSync('sh', ['-c', `/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1`, 'sh', cmd, ...args], { env, encoding: 'utf8' });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, rssKiB: Number(r.trim().split('\n').pop()) };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const reg = await startRegistry();
try {
  const file = join(dir, 'train.jsonl');
  const w = createWriteStream(file);
  for (let i = 0; i < 250_000; i++) if (!w.write(JSON.stringify(record(i)) + '\n')) await new Promise((r) => w.once('drain', r));
  await new Promise((r) => w.end(r));
  const bytes = statSync(file).size;
  const env = { ...process.env, DOCKER_CONFIG: join(dir, 'docker'), CI: '1' };
  const warmCache = join(dir, 'warm-cache');
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  // the same file's image, as an OCI layout for skopeo; kaito's cache of it (warm runs) from this first push
  execFileSync(process.execPath, [kaitoBin, 'dataset', 'push', file, `${reg.host}/bench/prep:v1`], { env: { ...env, KAITO_CACHE_DIR: warmCache }, stdio: 'ignore' });
  execFileSync('skopeo', ['--policy', policy, 'copy', '--src-tls-verify=false', `docker://${reg.host}/bench/prep:v1`, `oci:${join(dir, 'layout')}:latest`], { stdio: 'ignore' });
  const layer = JSON.parse(execFileSync('skopeo', ['--policy', policy, 'inspect', '--raw', `oci:${join(dir, 'layout')}:latest`], { encoding: 'utf8' })).layers[0];
  // skopeo remembers where it saw each blob (its blob-info cache, per registry host) and mounts it from there: that is
  // the warm column. Through "localhost:PORT" instead of "127.0.0.1:PORT" it knows no location and uploads.
  const uploadHost = reg.host.replace('127.0.0.1', 'localhost');
  const cols = { kaitoCold: [], skopeoUpload: [], kaitoWarm: [], skopeoWarm: [] };
  for (let i = 0; i < RUNS; i++) {
    cols.kaitoCold.push(timedRss(process.execPath, [kaitoBin, 'dataset', 'push', file, `${reg.host}/bench/kaito-cold-${i}:v1`], { ...env, KAITO_CACHE_DIR: join(dir, `cold-cache-${i}`) }));
    cols.skopeoUpload.push(timedRss('skopeo', ['--policy', policy, 'copy', '--dest-tls-verify=false', `oci:${join(dir, 'layout')}:latest`, `docker://${uploadHost}/bench/skopeo-up-${i}:v1`], env));
    cols.kaitoWarm.push(timedRss(process.execPath, [kaitoBin, 'dataset', 'push', file, `${reg.host}/bench/kaito-warm-${i}:v1`], { ...env, KAITO_CACHE_DIR: warmCache }));
    cols.skopeoWarm.push(timedRss('skopeo', ['--policy', policy, 'copy', '--dest-tls-verify=false', `oci:${join(dir, 'layout')}:latest`, `docker://${reg.host}/bench/skopeo-warm-${i}:v1`], env));
  }
  const mib = bytes / 1048576;
  const sum = (xs) => {
    const ms = median(xs.map((x) => x.ms));
    return { medianMs: Math.round(ms), mibPerS: +(mib / (ms / 1000)).toFixed(1), peakRssMiB: +(median(xs.map((x) => x.rssKiB)) / 1024).toFixed(1), allMs: xs.map((x) => Math.round(x.ms)) };
  };
  const r = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, sum(v)]));
  const result = {
    file: { bytes, mib: +mib.toFixed(1), layerBytes: layer.size },
    runs: RUNS,
    ...r,
    // throughput ratio kaito/skopeo (time skopeo / time kaito): like for like
    ratioCold: +(r.skopeoUpload.medianMs / r.kaitoCold.medianMs).toFixed(2),
    ratioWarm: +(r.skopeoWarm.medianMs / r.kaitoWarm.medianMs).toFixed(2),
    loadavg: (await import('node:os')).loadavg().map((x) => +x.toFixed(1)),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
