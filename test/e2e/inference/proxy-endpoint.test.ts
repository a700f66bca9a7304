// `kaito proxy --endpoint` in front of a controllable fake server: the official openai client (stream
// and non-stream), /healthz, access lines, client disconnects, upstream restarts, API keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';
import { startFake, type FakeServer } from './fake-openai.js';
import { startKaito, type Running } from './spawn.js';

describe('kaito proxy --endpoint', () => {
  let fake: FakeServer;
  let proxy: Running;
  let base: string;
  beforeAll(async () => {
    fake = await startFake({ tokenDelayMs: 5 });
    proxy = startKaito(['proxy', '--endpoint', fake.url, '--port', '0'], baseEnv());
    base = (await proxy.waitStdout(/^(http:\/\/127\.0\.0\.1:\d+\/v1)\n/))[1];
  });
  afterAll(async () => {
    await proxy?.stop();
    await fake?.close();
  });

  it('prints only the base URL on stdout and the rest on stderr', async () => {
    // two pipes: stderr's line may arrive after stdout's on a busy machine, so wait for it
    await proxy.waitStderr(/forwarding/);
    expect(proxy.stdout()).toBe(`${base}\n`);
    expect(proxy.stderr()).toContain('forwarding');
  });

  it('serves the official openai client, non-streaming', async () => {
    const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['base-model']);
    const c = await client.chat.completions.create({ model: 'base-model', messages: [{ role: 'user', content: 'secret prompt words' }] });
    expect(c.choices[0].message.content).toBe('echo(1): secret prompt words');
    expect(c.choices[0].finish_reason).toBe('stop');
  });

  it('serves the official openai client, streaming', async () => {
    const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'base-model', stream: true, messages: [{ role: 'user', content: 'stream me please' }] });
    const parts: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) parts.push(chunk.choices[0].delta.content);
    expect(parts.join('')).toBe('echo(1): stream me please');
    expect(parts.length).toBeGreaterThan(1);
  });

  it('answers /healthz and logs one access line per request without the prompt', async () => {
    const res = await fetch(base.replace(/\/v1$/, '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    await proxy.waitStderr(/GET \/healthz 200 \d+ms/);
    expect(proxy.stderr()).toMatch(/POST \/v1\/chat\/completions 200 \d+ms/);
    expect(proxy.stderr()).not.toContain('secret prompt words');
  });

  it('a client that disconnects mid-stream aborts its upstream request', async () => {
    const slow = await startFake({ tokenDelayMs: 200, answer: () => 'one two three four five six seven eight nine ten' });
    const p = startKaito(['proxy', '--endpoint', slow.url, '--port', '0'], baseEnv());
    try {
      const url = new URL((await p.waitStdout(/^(http\S+)\n/))[1] + '/chat/completions');
      await new Promise<void>((resolve, reject) => {
        const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.once('data', () => {
            // first bytes arrived: hang up while the model is still generating
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => (e.message.includes('socket hang up') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
        req.end(JSON.stringify({ model: 'base-model', stream: true, messages: [{ role: 'user', content: 'x' }] }));
      });
      const deadline = Date.now() + 10_000;
      while (!slow.requests.some((r) => r.path === '/v1/chat/completions' && r.aborted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const upstream = slow.requests.find((r) => r.path === '/v1/chat/completions')!;
      expect(upstream.aborted).toBe(true);
      expect(upstream.finished).toBe(false);
      await p.waitStderr(/client disconnected/);
    } finally {
      await p.stop();
      await slow.close();
    }
  });

  it('rejects paths outside /v1 with 404', async () => {
    const res = await fetch(base.replace(/\/v1$/, '/admin'));
    expect(res.status).toBe(404);
  });

  it('survives the upstream going away: a request made while it is down succeeds once it is back', async () => {
    const up = await startFake();
    const port = Number(new URL(up.url).port);
    const p = startKaito(['proxy', '--endpoint', up.url, '--port', '0'], baseEnv());
    try {
      const url = (await p.waitStdout(/^(http\S+)\n/))[1];
      await up.close();
      const pending = fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'are you back' }] }) });
      await new Promise((r) => setTimeout(r, 700));
      const again = await startFakeOn(port);
      try {
        const res = await pending;
        expect(res.status).toBe(200);
        expect(((await res.json()) as any).choices[0].message.content).toBe('echo(1): are you back');
      } finally {
        await again.close();
      }
    } finally {
      await p.stop();
    }
  });

  it('stops on Ctrl-C with exit code 0', async () => {
    const p = startKaito(['proxy', '--endpoint', fake.url, '--port', '0'], baseEnv());
    await p.waitStdout(/\/v1\n/);
    p.child.kill('SIGINT');
    expect((await p.exited).code).toBe(0);
    expect(p.stderr()).toContain('proxy stopped');
  });
});

describe('kaito proxy: API key', () => {
  it('any address but loopback requires --api-key (exit 2, nothing bound)', async () => {
    const r = await kaito(['proxy', '--endpoint', 'http://127.0.0.1:9', '--host', '0.0.0.0', '--port', '0'], { env: baseEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--api-key');
  });

  it('with --api-key FILE, requests without the key get 401 and with it succeed; the key is never printed', async () => {
    const fake = await startFake();
    const dir = mkdtempSync(join(tmpdir(), 'kaito-proxy-'));
    const keyFile = join(dir, 'key');
    const key = 'k-0123456789abcdef';
    writeFileSync(keyFile, key + '\n');
    const p = startKaito(['proxy', '--endpoint', fake.url, '--port', '0', '--api-key', keyFile], baseEnv());
    try {
      const base = (await p.waitStdout(/^(http\S+)\n/))[1];
      const none = await fetch(`${base}/models`);
      expect(none.status).toBe(401);
      const wrong = await fetch(`${base}/models`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const client = new OpenAI({ baseURL: base, apiKey: key, maxRetries: 0 });
      expect((await client.models.list()).data.length).toBe(1);
      // the proxy's key is not passed on upstream
      expect(fake.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
      expect(p.stdout() + p.stderr()).not.toContain(key);
    } finally {
      await p.stop();
      await fake.close();
    }
  });

  it('reads the key from stdin with --api-key -', async () => {
    const fake = await startFake();
    const p = startKaito(['proxy', '--endpoint', fake.url, '--port', '0', '--api-key', '-'], baseEnv(), 'stdin-key-123456\n');
    try {
      const base = (await p.waitStdout(/^(http\S+)\n/))[1];
      expect((await fetch(`${base}/models`)).status).toBe(401);
      expect((await fetch(`${base}/models`, { headers: { authorization: 'Bearer stdin-key-123456' } })).status).toBe(200);
    } finally {
      await p.stop();
      await fake.close();
    }
  });
});

async function startFakeOn(port: number): Promise<FakeServer> {
  // the fake picks its own port; re-listen the same server object on the old one
  const f = await startFake();
  await new Promise<void>((r) => f.server.close(() => r()));
  await new Promise<void>((r) => f.server.listen(port, '127.0.0.1', () => r()));
  f.url = `http://127.0.0.1:${port}`;
  return f;
}

describe('kaito proxy: an upstream that breaks before the answer begins (issue 17 item 17)', () => {
  it.each([[false], [true]])('stream=%s: retried within the bound, the client gets the whole answer', async (stream) => {
    const flaky = await startFake({ breakFirst: 2 });
    const p = startKaito(['proxy', '--endpoint', flaky.url, '--port', '0'], baseEnv());
    try {
      const url = (await p.waitStdout(/^(http:\/\/127\.0\.0\.1:\d+\/v1)\n/))[1];
      const client = new OpenAI({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
      let text = '';
      if (stream) {
        const s = await client.chat.completions.create({ model: 'base-model', stream: true, messages: [{ role: 'user', content: 'cut twice' }] });
        for await (const ch of s) text += ch.choices[0]?.delta?.content ?? '';
      } else {
        const c = await client.chat.completions.create({ model: 'base-model', messages: [{ role: 'user', content: 'cut twice' }] });
        text = c.choices[0].message.content ?? '';
      }
      expect(text).toBe('echo(1): cut twice');
      expect(flaky.broken).toBe(2);
      expect(flaky.requests.filter((q) => q.path === '/v1/chat/completions')).toHaveLength(3);
    } finally {
      await p.stop();
      await flaky.close();
    }
  });
});
