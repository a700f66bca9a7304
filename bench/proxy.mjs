#!/usr/bin/env node
// `kaito proxy` against the upstream hit directly and through nginx (Debian's nginx, a purpose-built
// reverse proxy, as the cost of one extra hop on this machine), in the same run: 32 concurrent streaming
// clients, rounds interleaved (direct, kaito, nginx, direct, ...) so machine noise hits all alike.
// Reports added median latency, added median time to first byte, throughput ratio and the proxies' peak
// RSS. Usage: npm run build && node bench/proxy.mjs [--rounds N] [--requests N] [--clients N (default 32)] [--write]
// nginx: /usr/sbin/nginx (apt-get install nginx-light), or NGINX=path; --no-nginx leaves it out.
// The upstream is a small OpenAI-style SSE server in its own process (`node bench/proxy.mjs --upstream`):
// 32 tokens per answer, 1 ms apart. Everything listens on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

/** Starts a child and resolves with the first stdout line matching re. */
export function startChild(args, re, env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '' }) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} from ${args.join(' ')}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

function oneRequest(agent, base) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttfb;
    let bytes = 0;
    const req = request(`${base}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.on('data', (c) => {
        ttfb ??= performance.now() - t0;
        bytes += c.length;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve({ ttfb, total: performance.now() - t0, bytes }) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'hello' }] }));
  });
}

async function round(base, clients, perClient) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const samples = [];
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = 0; i < perClient; i++) samples.push(await oneRequest(agent, base));
  }));
  const wall = performance.now() - t0;
  agent.destroy();
  return { samples, wall };
}

function nginxVersion() {
  const r = spawnSync(process.env.NGINX ?? '/usr/sbin/nginx', ['-v'], { encoding: 'utf8' });
  return (r.stderr || r.stdout).match(/nginx\/(\S+)/)?.[1] ?? '?';
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * nginx as a streaming reverse proxy to the same upstream, configured as one would for SSE: HTTP/1.1 with
 * keep-alive to the upstream, no response buffering, no access log (kaito proxy's access log goes to a
 * stderr the bench ignores, so neither writes a log), one worker per core.
 */
async function startNginx(upstream) {
  const bin = process.env.NGINX ?? '/usr/sbin/nginx';
  if (!existsSync(bin)) throw new Error(`no nginx at ${bin}: apt-get install -y nginx-light, or pass --no-nginx`);
  const dir = mkdtempSync(join(tmpdir(), 'kaito-bench-nginx-'));
  const port = await freePort();
  const up = new URL(upstream);
  const conf = `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream model { server ${up.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://model;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${err}`);
    const ok = await new Promise((resolve) => {
      const r = request(`${base}/v1/models`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      r.on('error', () => resolve(false));
      r.end();
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, match: base, dir };
}

/** Peak RSS of nginx: the master and its workers together (each worker's own peak). */
function nginxPeakRssMiB(dir) {
  const master = Number(readFileSync(join(dir, 'nginx.pid'), 'utf8').trim());
  const pids = [master];
  try {
    for (const t of readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/)) if (t) pids.push(Number(t));
  } catch {
    // no children file: the master alone
  }
  return pids.reduce((a, p) => a + (Number.isFinite(p) && existsSync(`/proc/${p}/status`) ? peakRssMiB(p) : 0), 0);
}

async function main() {
  const rounds = arg('--rounds', 5);
  const perClient = arg('--requests', 20);
  const clients = arg('--clients', 32);
  const self = fileURLToPath(import.meta.url);
  const upstream = await startChild([self, '--upstream'], /^(http\S+)\n/);
  // KAITO_BENCH_PROFILE=DIR: the proxy writes a V8 CPU profile there when it stops
  const prof = process.env.KAITO_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KAITO_BENCH_PROFILE}`] : [];
  const proxy = await startChild([...prof, join(root, 'bin/kaito.js'), 'proxy', '--endpoint', upstream.match, '--port', '0'], /^(http\S+)\/v1\n/);
  const nginx = process.argv.includes('--no-nginx') ? undefined : await startNginx(upstream.match);
  const direct = { ttfb: [], total: [], rps: [] };
  const proxied = { ttfb: [], total: [], rps: [] };
  const viaNginx = { ttfb: [], total: [], rps: [] };
  const sides = [[upstream.match, direct], [proxy.match, proxied], ...(nginx ? [[nginx.match, viaNginx]] : [])];
  try {
    // warm-up: connections, JIT
    for (const [base] of sides) await round(base, clients, 3);
    for (let r = 0; r < rounds; r++) {
      for (const [base, acc] of sides) {
        const { samples, wall } = await round(base, clients, perClient);
        acc.ttfb.push(...samples.map((s) => s.ttfb));
        acc.total.push(...samples.map((s) => s.total));
        acc.rps.push((samples.length / wall) * 1000);
      }
    }
    const rss = peakRssMiB(proxy.child.pid);
    const nginxRss = nginx ? nginxPeakRssMiB(nginx.dir) : NaN;
    const res = {
      requests: direct.total.length,
      directMedianMs: median(direct.total),
      proxyMedianMs: median(proxied.total),
      addedMedianMs: median(proxied.total) - median(direct.total),
      directTtfbMs: median(direct.ttfb),
      proxyTtfbMs: median(proxied.ttfb),
      addedTtfbMs: median(proxied.ttfb) - median(direct.ttfb),
      directRps: median(direct.rps),
      proxyRps: median(proxied.rps),
      throughputRatio: median(proxied.rps) / median(direct.rps),
      proxyPeakRssMiB: rss,
    };
    const ng = nginx
      ? {
          medianMs: median(viaNginx.total),
          addedMedianMs: median(viaNginx.total) - median(direct.total),
          ttfbMs: median(viaNginx.ttfb),
          addedTtfbMs: median(viaNginx.ttfb) - median(direct.ttfb),
          rps: median(viaNginx.rps),
          throughputRatio: median(viaNginx.rps) / median(direct.rps),
          peakRssMiB: nginxRss,
        }
      : undefined;
    const f = (x) => x.toFixed(2);
    const verdict = (ok) => (ok ? 'met' : 'MISSED');
    const pct = (x) => `${(x * 100).toFixed(1)} %`;
    const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    const table = ng
      ? [
          `Node ${process.version}, ${clients} concurrent streaming clients, ${rounds} interleaved rounds x ${perClient} requests per client per side (${res.requests} requests each), 32 SSE tokens 1 ms apart; nginx ${nginxVersion()} with ${'`'}proxy_buffering off${'`'}, keep-alive upstream, one worker per core; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores at the end.`,
          '',
          '| metric | direct | via nginx | via kaito proxy | kaito vs nginx | target |',
          '|---|---|---|---|---|---|',
          `| median latency (ms) | ${f(res.directMedianMs)} | ${f(ng.medianMs)} (+${f(ng.addedMedianMs)}) | ${f(res.proxyMedianMs)} (+${f(res.addedMedianMs)}) | ${ratio(res.addedMedianMs, ng.addedMedianMs)} of the added | <= 1.5x ${verdict(res.addedMedianMs <= 1.5 * Math.max(ng.addedMedianMs, 0.01))} |`,
          `| median time to first byte (ms) | ${f(res.directTtfbMs)} | ${f(ng.ttfbMs)} (+${f(ng.addedTtfbMs)}) | ${f(res.proxyTtfbMs)} (+${f(res.addedTtfbMs)}) | ${ratio(res.addedTtfbMs, ng.addedTtfbMs)} of the added | <= 1.5x ${verdict(res.addedTtfbMs <= 1.5 * Math.max(ng.addedTtfbMs, 0.01))} |`,
          `| throughput (requests/s) | ${f(res.directRps)} | ${f(ng.rps)} (${pct(ng.throughputRatio)}) | ${f(res.proxyRps)} (${pct(res.throughputRatio)}) | ${pct(res.proxyRps / ng.rps)} | >= 90 % ${verdict(res.proxyRps / ng.rps >= 0.9)} |`,
          `| peak RSS (MiB) | | ${f(ng.peakRssMiB)} (master + workers) | ${f(res.proxyPeakRssMiB)} | | <= 150 MB ${verdict(res.proxyPeakRssMiB * 1.048576 <= 150)} |`,
        ].join('\n')
      : [
      `Node ${process.version}, ${clients} concurrent streaming clients, ${rounds} interleaved rounds x ${perClient} requests per client per side (${res.requests} requests each), 32 SSE tokens 1 ms apart.`,
      '',
      '| metric | direct | via kaito proxy | added / ratio | target |',
      '|---|---|---|---|---|',
      `| median latency (ms) | ${f(res.directMedianMs)} | ${f(res.proxyMedianMs)} | +${f(res.addedMedianMs)} | <= 2 ms ${verdict(res.addedMedianMs <= 2)} |`,
      `| median time to first byte (ms) | ${f(res.directTtfbMs)} | ${f(res.proxyTtfbMs)} | +${f(res.addedTtfbMs)} | <= 5 ms ${verdict(res.addedTtfbMs <= 5)} |`,
      `| throughput (requests/s) | ${f(res.directRps)} | ${f(res.proxyRps)} | ${(res.throughputRatio * 100).toFixed(1)} % | >= 90 % ${verdict(res.throughputRatio >= 0.9)} |`,
      `| proxy peak RSS (MiB) | | ${f(res.proxyPeakRssMiB)} | | <= 150 MB ${verdict(res.proxyPeakRssMiB * 1.048576 <= 150)} |`,
    ].join('\n');
    console.log(table);
    if (process.argv.includes('--write')) writeSection('Proxy', `Run: \`npm run build && node bench/proxy.mjs --write\` (bench/proxy.mjs).\n\n${table}\n`);
  } finally {
    proxy.child.kill('SIGINT');
    await new Promise((r) => (proxy.child.exitCode !== null ? r() : proxy.child.once('exit', r)));
    upstream.child.kill();
    if (nginx) {
      nginx.child.kill('SIGQUIT');
      await new Promise((r) => (nginx.child.exitCode !== null ? r() : nginx.child.once('exit', r)));
      rmSync(nginx.dir, { recursive: true, force: true });
    }
  }
}

/** Replaces (or appends) the "## NAME" section of bench/README.md, leaving the other sections alone. */
export function writeSection(name, body) {
  const file = join(root, 'bench/README.md');
  const text = readFileSync(file, 'utf8');
  const head = `## ${name}\n`;
  const start = text.indexOf(head);
  if (start < 0) return writeFileSync(file, text.replace(/\n*$/, '\n\n') + head + '\n' + body);
  const next = text.indexOf('\n## ', start + head.length);
  const end = next < 0 ? text.length : next + 1;
  writeFileSync(file, text.slice(0, start) + head + '\n' + body + (next < 0 ? '' : '\n') + text.slice(end));
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain && process.argv.includes('--upstream')) {
  const TOKENS = 32;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', parent: null }] }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let i = 0; i < TOKENS && !res.destroyed; i++) {
        await new Promise((r) => setTimeout(r, 1));
        res.write(`data: {"object":"chat.completion.chunk","model":"bench-model","choices":[{"index":0,"delta":{"content":"tok${i} "},"finish_reason":null}]}\n\n`);
      }
      res.write('data: {"object":"chat.completion.chunk","model":"bench-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n');
      res.end('data: [DONE]\n\n');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
} else if (isMain) {
  await main();
}

