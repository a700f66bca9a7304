#!/usr/bin/env node
// `kaito chat` one-shot: time to the first answer token on stdout, against the same request made
// directly. Three ways, interleaved, medians over N runs:
//   kaito chat        spawn `kaito chat --endpoint UP "hello"` -> first byte on its stdout
//   direct, new node  spawn `node -e <fetch the same SSE request>` -> first token it prints
//   direct, warm      the same request from this (already running) process -> first content chunk
// The upstream is bench/proxy.mjs --upstream (32 SSE tokens 1 ms apart) in its own process.
// Usage: npm run build && node bench/chat.mjs [--runs N] [--write]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, writeSection } from './proxy.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', NO_COLOR: '1' };
const body = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'hello' }] });

function firstStdoutByte(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let first;
    let err = '';
    child.stdout.once('data', () => (first = performance.now() - t0));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 && first !== undefined ? resolve(first) : reject(new Error(`${args.join(' ')}: exit ${code} ${err}`))));
  });
}

async function warmDirect(up) {
  const t0 = performance.now();
  const res = await fetch(`${up}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let first;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first === undefined && dec.decode(value).includes('"content"')) first = performance.now() - t0;
  }
  return first;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const upstream = await startChild([join(root, 'bench/proxy.mjs'), '--upstream'], /^(http\S+)\n/);
const up = upstream.match;
const directScript = `const r=await fetch(${JSON.stringify(up + '/v1/chat/completions')},{method:'POST',headers:{'content-type':'application/json'},body:${JSON.stringify(body)}});const d=new TextDecoder();for await(const c of r.body){const m=/"content":"([^"]*)"/.exec(d.decode(c));if(m){process.stdout.write(m[1]);}}`;
const t = { kaito: [], cold: [], warm: [] };
try {
  await warmDirect(up);
  for (let i = 0; i < runs; i++) {
    t.kaito.push(await firstStdoutByte([join(root, 'bin/kaito.js'), 'chat', '--endpoint', up, 'hello']));
    t.cold.push(await firstStdoutByte(['--input-type=module', '-e', directScript]));
    t.warm.push(await warmDirect(up));
  }
} finally {
  upstream.child.kill();
}
const f = (x) => x.toFixed(1);
const table = [
  `Node ${process.version}, ${runs} interleaved runs, medians; upstream: 32 SSE tokens 1 ms apart on 127.0.0.1.`,
  '',
  '| how | time to first token (ms) |',
  '|---|---|',
  `| \`kaito chat --endpoint URL "hello"\` (process start to first stdout byte) | ${f(median(t.kaito))} |`,
  `| the same request from a fresh \`node -e\` fetch (process start to first token printed) | ${f(median(t.cold))} |`,
  `| the same request from a running process (request to first content chunk) | ${f(median(t.warm))} |`,
  '',
  `kaito chat adds ${f(median(t.kaito) - median(t.cold))} ms over a bare node client: loading the CLI, GET /v1/models to choose the model, then the request.`,
].join('\n');
console.log(table);
if (process.argv.includes('--write')) writeSection('Chat', `Run: \`npm run build && node bench/chat.mjs --write\` (bench/chat.mjs).\n\n${table}\n`);
