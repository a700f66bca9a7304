// `kaito chat --endpoint` against a controllable fake server: one-shot, piped, -o json, legacy /chat,
// 429 storms, model selection and errors. The sandbox-backed tests live in chat-sandbox.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';
import { startFake, type FakeServer } from './fake-openai.js';

describe('kaito chat --endpoint', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFake({ models: [{ id: 'base-model', parent: null }, { id: 'my-adapter', parent: 'base-model' }] });
  });
  afterAll(() => fake.close());

  it('one-shot from arguments prints only the answer on stdout, using the single adapter', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url, 'what', 'is', 'kaito?'], { env: baseEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('echo(1): what is kaito?\n');
    const req = fake.requests.filter((q) => q.path === '/v1/chat/completions').at(-1)!;
    expect(req.body.model).toBe('my-adapter');
    expect(req.body.stream).toBe(true);
    expect(req.body.messages).toEqual([{ role: 'user', content: 'what is kaito?' }]);
  });

  it('reads a piped prompt from stdin, sends --system and sampling flags', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url + '/v1', '--system', 'be brief', '--temperature', '0.2', '--max-tokens', '64', '--top-p', '0.9', '--model', 'base-model'], { env: baseEnv(), input: 'piped question\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('echo(1): piped question\n');
    const req = fake.requests.at(-1)!;
    expect(req.body).toMatchObject({ model: 'base-model', temperature: 0.2, max_tokens: 64, top_p: 0.9, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'piped question' }] });
  });

  it('-o json prints one document with model, content, finish_reason, usage, ttft_ms, latency_ms', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url, '-o', 'json', 'hello'], { env: baseEnv() });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc).sort()).toEqual(['content', 'finish_reason', 'latency_ms', 'model', 'ttft_ms', 'usage']);
    expect(doc).toMatchObject({ model: 'my-adapter', content: 'echo(1): hello', finish_reason: 'stop', usage: { completion_tokens: 2 } });
    expect(typeof doc.ttft_ms).toBe('number');
    expect(doc.latency_ms).toBeGreaterThanOrEqual(doc.ttft_ms);
  });

  it('--no-stream asks for a whole answer', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url, '--no-stream', '-o', 'json', 'whole'], { env: baseEnv() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ content: 'echo(1): whole', finish_reason: 'stop' });
    expect(fake.requests.at(-1)!.body.stream).toBe(false);
  });

  it('refuses an unknown --model naming what is served (exit 2)', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url, '--model', 'nope', 'hi'], { env: baseEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('model "nope" is not served');
    expect(r.stderr).toContain('base-model, my-adapter');
  });

  it('reports every bad sampling flag at once (exit 2)', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url, '--temperature', 'hot', '--max-tokens', '0', 'hi'], { env: baseEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--temperature');
    expect(r.stderr).toContain('--max-tokens');
  });

  it('an empty stdin is a usage error', async () => {
    const r = await kaito(['chat', '--endpoint', fake.url], { env: baseEnv(), input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin was empty');
  });

  it('an unreachable endpoint is one clear line, exit 1', async () => {
    const dead = await startFake();
    const url = dead.url;
    await dead.close();
    const r = await kaito(['chat', '--endpoint', url, 'hi'], { env: baseEnv(), timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the inference server/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 90_000);
});

describe('kaito chat: legacy POST /chat', () => {
  it('falls back when /v1/models is missing and prints {"Result"}', async () => {
    const legacy = await startFake({ legacy: true });
    try {
      const r = await kaito(['chat', '--endpoint', legacy.url, '--temperature', '0.5', '--max-tokens', '20', '-o', 'json', 'old', 'server'], { env: baseEnv() });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ content: 'echo(1): old server', finish_reason: null, usage: null });
      const post = legacy.requests.find((q) => q.path === '/chat')!;
      // compat I4: v0.6's text-generation /chat takes a prompt; return_full_text false stops the echo
      expect(post.body).toEqual({ prompt: 'old server', return_full_text: false, generate_kwargs: { temperature: 0.5, max_new_tokens: 20 } });
    } finally {
      await legacy.close();
    }
  });
});

describe('kaito chat: 429 storm', () => {
  it('many concurrent one-shots beyond the server limit are all answered via Retry-After', async () => {
    // the first 4 requests are refused whatever the timing, so the retry path runs even when the 8 CLIs do not overlap
    const busy = await startFake({ maxConcurrent: 2, first429: 4, tokenDelayMs: 40, retryAfter: '1' });
    try {
      const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => kaito(['chat', '--endpoint', busy.url, `question ${i}`], { env: baseEnv(), timeoutMs: 90_000 })));
      runs.forEach((r, i) => {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(`echo(1): question ${i}\n`);
      });
      expect(busy.rejected429).toBeGreaterThanOrEqual(4);
    } finally {
      await busy.close();
    }
  }, 120_000);
});
