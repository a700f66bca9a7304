#!/usr/bin/env node
// `kaito proxy` against the upstream hit directly, in the same run: 32 concurrent streaming clients,
// rounds interleaved (direct, proxy, direct, proxy, ...) so machine noise hits both alike.
// Reports added median latency, added median time to first byte, throughput ratio and the proxy's
// peak RSS. Usage: npm run build && node bench/proxy.mjs [--rounds N] [--requests N] [--write]
// The upstream is a small OpenAI-style SSE server in its own process (`node bench/proxy.mjs --upstream`):
// 32 tokens per answer, 1 ms apart. Everything listens on 127.0.0.1.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, Agent } from 'node:http';
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function main() {
  const rounds = arg('--rounds', 5);
  const perClient = arg('--requests', 20);
  const clients = 32;
  const self = fileURLToPath(import.meta.url);
  const upstream = await startChild([self, '--upstream'], /^(http\S+)\n/);
  const proxy = await startChild([join(root, 'bin/kaito.js'), 'proxy', '--endpoint', upstream.match, '--port', '0'], /^(http\S+)\/v1\n/);
  const direct = { ttfb: [], total: [], rps: [] };
  const proxied = { ttfb: [], total: [], rps: [] };
  try {
    // warm-up: connections, JIT
    await round(upstream.match, clients, 3);
    await round(proxy.match, clients, 3);
    for (let r = 0; r < rounds; r++) {
      for (const [base, acc] of [[upstream.match, direct], [proxy.match, proxied]]) {
        const { samples, wall } = await round(base, clients, perClient);
        acc.ttfb.push(...samples.map((s) => s.ttfb));
        acc.total.push(...samples.map((s) => s.total));
        acc.rps.push((samples.length / wall) * 1000);
      }
    }
    const rss = peakRssMiB(proxy.child.pid);
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
    const f = (x) => x.toFixed(2);
    const verdict = (ok) => (ok ? 'met' : 'MISSED');
    const table = [
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
    upstream.child.kill();
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

