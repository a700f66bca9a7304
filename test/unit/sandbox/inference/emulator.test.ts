import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createInferenceEmulator, type InferenceOptions } from '../../../../src/sandbox/inference/index.js';
import type { KaitoVersion } from '../../../../src/sandbox/context.js';
import { inferenceWorkspace, testContext, type TestSandbox } from '../controller/helpers.js';

let sb: TestSandbox | undefined;
let server: Server | undefined;
afterEach(async () => {
  sb?.abort.abort();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A workspace with a ready pod ws-0 in the store and a local HTTP server that hands every request to the emulator. */
async function setup(opts: { version?: KaitoVersion; runtime?: string; preset?: string; adapters?: string[]; ready?: boolean; emulator?: InferenceOptions } = {}) {
  sb = testContext({ version: opts.version });
  const { ctx } = sb;
  ctx.store.create('kaito.sh/workspaces', inferenceWorkspace('ws', { runtime: opts.runtime, adapters: opts.adapters, preset: opts.preset }));
  ctx.store.create('/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ws-0', namespace: 'default', labels: { 'kaito.sh/workspace': 'ws' } },
    spec: { containers: [{ name: 'ws', image: 'x' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  });
  const emu = createInferenceEmulator(ctx, { tokenDelayMs: 1, ...opts.emulator });
  server = createServer((req, res) => emu.handle({ namespace: 'default', pod: 'ws-0' }, req, res, req.url ?? '/'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { ctx, base, post };
}

describe('inference emulator', () => {
  it('GET /health and /v1/models: base model plus one entry per adapter', async () => {
    const { base } = await setup({ adapters: ['legal', 'medical'] });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { object: string; data: Array<{ id: string; parent: string | null }> };
    expect(models.object).toBe('list');
    expect(models.data.map((m) => m.id)).toEqual(['phi-4-mini-instruct', 'legal', 'medical']);
    expect(models.data[1].parent).toBe('phi-4-mini-instruct');
  });

  it('non-streaming chat: deterministic, labelled as emulated, names the model, with usage', async () => {
    const { post } = await setup({ adapters: ['legal'] });
    const ask = async () => (await (await post('/v1/chat/completions', { model: 'legal', messages: [{ role: 'user', content: 'hello there' }] })).json()) as { object: string; model: string; choices: Array<{ message: { role: string; content: string }; finish_reason: string }>; usage: { completion_tokens: number; total_tokens: number } };
    const a = await ask();
    const b = await ask();
    expect(a.object).toBe('chat.completion');
    expect(a.model).toBe('legal');
    expect(a.choices[0].message.role).toBe('assistant');
    expect(a.choices[0].message.content).toMatch(/emulated/);
    expect(a.choices[0].message.content).toContain('legal');
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.choices[0].finish_reason).toBe('stop');
    expect(a.usage.completion_tokens).toBeGreaterThan(5);
    const other = (await (await post('/v1/chat/completions', { model: 'legal', messages: [{ role: 'user', content: 'something else' }] })).json()) as typeof a;
    expect(other.choices[0].message.content).not.toBe(a.choices[0].message.content);
  });

  it('streaming chat: SSE chunks, a usage chunk on request, then [DONE]; max_tokens gives finish_reason length', async () => {
    const { post } = await setup();
    const res = await post('/v1/chat/completions', { model: 'phi-4-mini-instruct', stream: true, stream_options: { include_usage: true }, max_tokens: 6, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { object: string; choices: Array<{ delta: { content?: string; role?: string }; finish_reason: string | null }>; usage?: { completion_tokens: number } });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(text.split(' ').length).toBe(6);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(6);
  });

  it('POST /v1/completions works, unknown model is a 404 with an OpenAI-style error', async () => {
    const { post } = await setup();
    const ok = (await (await post('/v1/completions', { model: 'phi-4-mini-instruct', prompt: 'Once' })).json()) as { object: string; choices: Array<{ text: string }> };
    expect(ok.object).toBe('text_completion');
    expect(ok.choices[0].text).toMatch(/emulated/);
    const nf = await post('/v1/chat/completions', { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ object: 'error', code: 404, message: expect.stringContaining('nope') });
  });

  it('answers 429 beyond the concurrency limit', async () => {
    const { post } = await setup({ emulator: { maxConcurrent: 2, tokenDelayMs: 20 } });
    const body = { model: 'phi-4-mini-instruct', stream: true, messages: [{ role: 'user', content: 'q' }] };
    const results = await Promise.all(Array.from({ length: 5 }, () => post('/v1/chat/completions', body).then(async (r) => (await r.text(), r.status))));
    expect(results.filter((s) => s === 200).length).toBe(2);
    expect(results.filter((s) => s === 429).length).toBe(3);
    // slots are released once streams end
    expect((await post('/v1/chat/completions', { ...body, stream: false })).status).toBe(200);
  });

  it('503 while the pod is not ready', async () => {
    const { base } = await setup({ ready: false });
    const res = await fetch(`${base}/v1/models`);
    expect(res.status).toBe(503);
    expect((await fetch(`${base}/health`)).status).toBe(503);
  });

  it('0.6 + transformers: only POST /chat and /health, no OpenAI routes', async () => {
    const { base, post } = await setup({ version: '0.6', runtime: 'transformers' });
    expect((await fetch(`${base}/v1/models`)).status).toBe(404);
    const r1 = (await (await post('/chat', { prompt: 'What is Kaito?', generate_kwargs: { max_new_tokens: 50 } })).json()) as { Result: string };
    expect(r1.Result).toMatch(/^What is Kaito\? .*emulated/);
    // compat I4: no echo with return_full_text false; `messages` is the conversational pipeline's, refused (400)
    const r3 = (await (await post('/chat', { prompt: 'What is Kaito?', return_full_text: false })).json()) as { Result: string };
    expect(r3.Result).toMatch(/^\[emulated\]/);
    expect(r3.Result).not.toContain('What is Kaito?');
    expect(r1.Result).toBe(`What is Kaito? ${(await (await post('/chat', { prompt: 'What is Kaito?', return_full_text: false, generate_kwargs: { max_new_tokens: 50 } })).json() as { Result: string }).Result}`);
    const r2 = await post('/chat', { messages: [{ role: 'user', content: 'hi' }] });
    expect(r2.status).toBe(400);
    expect(await r2.json()).toEqual({ detail: 'Text generation parameter prompt required' });
    expect((await post('/chat', {})).status).toBe(400);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('served model name: the preset on 0.6/0.10, the lower-cased HF id tail on 0.11+ (compat I3)', async () => {
    for (const [version, preset, want] of [['0.10', 'mistral-7b', 'mistral-7b'], ['0.11', 'mistral-7b', 'mistral-7b-v0.3'], ['0.12', 'gemma-3-4b-instruct', 'gemma-3-4b-it']] as const) {
      const { base, post } = await setup({ version, preset });
      const ids = ((await (await fetch(`${base}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
      expect(ids).toEqual([want]);
      expect((await post('/v1/chat/completions', { model: want, messages: [{ role: 'user', content: 'x' }] })).status).toBe(200);
      sb?.abort.abort();
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });

  it('0.12 + transformers serves the OpenAI routes', async () => {
    const { base } = await setup({ runtime: 'transformers' });
    expect((await fetch(`${base}/v1/models`)).status).toBe(200);
  });

  it('a client that disconnects stops its stream and frees its slot', async () => {
    const { ctx, post } = await setup({ emulator: { maxConcurrent: 1, tokenDelayMs: 50 } });
    const ac = new AbortController();
    const res = await fetch(`${(server!.address() as AddressInfo).port ? `http://127.0.0.1:${(server!.address() as AddressInfo).port}` : ''}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'long' }] }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await reader.cancel().catch(() => undefined);
    // once the server notices, the single slot is free again
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], max_tokens: 1 })).status;
    }
    expect(status).toBe(200);
    expect(ctx.requestLog.some((e) => e.api === 'inference' && e.status === 499)).toBe(true);
  });
});
