#!/usr/bin/env node
// Push throughput of `kaito dataset push` for a ~200 MB JSON Lines file to the REAL distribution registry on loopback,
// side by side with `skopeo copy` of the same file's image (from an OCI layout), and peak RSS (GNU time's %M). Each run
// pushes to a fresh repository. Four columns: kaito cold (a file it has not seen: validate + pack + upload), skopeo
// upload (the built image's blobs uploaded), kaito warm (the unchanged file pushed before: cross-repository mount) and
// skopeo warm (its blob-info cache knows where the blob is: the same mount). Usage: npm run build && node bench/registry.mjs [--runs N] (default 3; medians reported).
// Needs /usr/bin/docker-registry, skopeo and /usr/bin/time (scripts/test-packages.sh installs the first two).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, createWriteStream, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  // its log goes to a file: the timed runs below block this process (execFileSync), and a pipe nobody drains fills
  // up and stalls the registry mid-request
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'w');
  const proc = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const host = await new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const log = readFileSync(logFile, 'utf8');
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) return resolve(m[1]);
      if (Date.now() - started > 20_000) return reject(new Error(`docker-registry did not start:\n${log}`));
      setTimeout(poll, 50);
    };
    poll();
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
  // the by-hand column's data/ folder: a hard link, made before kaito's first push (a new link changes the file's
  // ctime, which is part of kaito's cache key)
  const hand = join(dir, 'hand');
  mkdirSync(join(hand, 'data'), { recursive: true });
  linkSync(file, join(hand, 'data', 'train.jsonl'));
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
  // by hand, what a user without kaito does for the same image: tar the data/ folder (deterministic entries), gzip -1,
  // sha256 both, write the config, manifest and index of an OCI layout, then skopeo copy it (uploads: localhost:PORT)
  const handScript = join(dir, 'by-hand.sh');
  writeFileSync(handScript, [
    'set -eu',
    'cd "$1"; rm -rf layout; mkdir -p layout/blobs/sha256',
    'tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - data | tee layer.tar | gzip -1 > layer.tar.gz',
    'diff=$(sha256sum < layer.tar | cut -d" " -f1); lay=$(sha256sum < layer.tar.gz | cut -d" " -f1); lsize=$(stat -c %s layer.tar.gz)',
    'mv layer.tar.gz layout/blobs/sha256/$lay; rm layer.tar',
    'printf \'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}\' "$diff" > cfg',
    'cfg=$(sha256sum < cfg | cut -d" " -f1); csize=$(stat -c %s cfg); mv cfg layout/blobs/sha256/$cfg',
    'printf \'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}\' "$cfg" "$csize" "$lay" "$lsize" > man',
    'man=$(sha256sum < man | cut -d" " -f1); msize=$(stat -c %s man); mv man layout/blobs/sha256/$man',
    'printf \'{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}\' "$man" "$msize" > layout/index.json',
    'echo \'{"imageLayoutVersion":"1.0.0"}\' > layout/oci-layout',
    'skopeo --policy "$2" copy --dest-tls-verify=false oci:layout:latest "$3"',
    '',
  ].join('\n'));
  // a copy of the cache from the first push per run: it knows the file, and only 127.0.0.1:PORT as where it went
  const packedCache = (i) => {
    const d = join(dir, `packed-cache-${i}`);
    cpSync(warmCache, d, { recursive: true });
    return d;
  };
  const cols = { kaitoCold: [], kaitoPacked: [], byHand: [], skopeoUpload: [], kaitoWarm: [], skopeoWarm: [] };
  for (let i = 0; i < RUNS; i++) {
    cols.kaitoCold.push(timedRss(process.execPath, [kaitoBin, 'dataset', 'push', file, `${reg.host}/bench/kaito-cold-${i}:v1`], { ...env, KAITO_CACHE_DIR: join(dir, `cold-cache-${i}`) }));
    // validated before (the cache knows the file) but never pushed to this host: packs again and uploads
    cols.kaitoPacked.push(timedRss(process.execPath, [kaitoBin, 'dataset', 'push', file, `${uploadHost}/bench/kaito-packed-${i}:v1`], { ...env, KAITO_CACHE_DIR: packedCache(i) }));
    cols.byHand.push(timedRss('sh', [handScript, hand, policy, `docker://${uploadHost}/bench/hand-${i}:v1`], env));
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
    // the whole job without validation: kaito pack + upload vs tar + gzip -1 + skopeo copy
    ratioPackUpload: +(r.byHand.medianMs / r.kaitoPacked.medianMs).toFixed(2),
    ratioWarm: +(r.skopeoWarm.medianMs / r.kaitoWarm.medianMs).toFixed(2),
    loadavg: (await import('node:os')).loadavg().map((x) => +x.toFixed(1)),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
