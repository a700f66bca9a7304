// ChatClient against a fake Transport: retries (429/503 with Retry-After, connection errors), the
// legacy fallback, error lines. Sleeping is faked, so no test waits.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChatClient } from '../../../src/inference/client.js';
import type { Transport, UpstreamRequest, UpstreamResponse } from '../../../src/inference/transport.js';

type Reply = { status: number; body: string | string[]; headers?: Record<string, string> } | Error;

function fakeTransport(replies: Reply[]) {
  const seen: UpstreamRequest[] = [];
  const t: Transport & { seen: UpstreamRequest[] } = {
    description: 'fake',
    seen,
    async request(req): Promise<UpstreamResponse> {
      seen.push(req);
      const r = replies.shift();
      if (!r) throw new Error('no more replies');
      if (r instanceof Error) throw r;
      const parts = Array.isArray(r.body) ? r.body : [r.body];
      return { status: r.status, headers: r.headers ?? {}, body: Readable.from(parts.map((p) => Buffer.from(p))) as never };
    },
    async close() {},
  };
  return t;
}

const sse = (...contents: string[]) => [...contents.map((c) => `data: ${JSON.stringify({ choices: [{ delta: { content: c } }] })}\n\n`), `data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: 'stop' }] })}\n\n`, 'data: [DONE]\n\n'];
const SSE_HEADERS = { 'content-type': 'text/event-stream' };

function client(replies: Reply[]) {
  const t = fakeTransport(replies);
  const sleeps: number[] = [];
  let clock = 0;
  const c = new ChatClient(t, { sleep: async (ms) => void (sleeps.push(ms), (clock += ms)), now: () => clock, random: () => 0 });
  return { c, t, sleeps };
}

describe('ChatClient', () => {
  it('streams tokens to onToken in order and returns the whole answer', async () => {
    const { c, t } = client([{ status: 200, body: sse('a', 'b', 'c'), headers: SSE_HEADERS }]);
    const tokens: string[] = [];
    const r = await c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }], onToken: (x) => tokens.push(x) });
    expect(tokens).toEqual(['a', 'b', 'c']);
    expect(r).toMatchObject({ model: 'm', content: 'abc', finish_reason: 'stop' });
    expect(JSON.parse(String(t.seen[0].body))).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true } });
  });

  it('retries 429 honouring Retry-After, then answers', async () => {
    const busy = { status: 429, body: '{"error":{"message":"busy"}}', headers: { 'retry-after': '2' } };
    const { c, sleeps } = client([busy, busy, { status: 200, body: sse('ok'), headers: SSE_HEADERS }]);
    const r = await c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    expect(r.content).toBe('ok');
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('gives up on a 429 that never ends with one clear line', async () => {
    const busy = { status: 429, body: '{"error":{"message":"queue full"}}', headers: { 'retry-after': '1' } };
    const { c, sleeps } = client(Array.from({ length: 20 }, () => busy));
    await expect(c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] })).rejects.toThrow(/still busy \(HTTP 429\) after retrying: queue full/);
    expect(sleeps.length).toBe(9);
  });

  it('retries 503 with backoff and a refused connection a few times', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { c, sleeps } = client([{ status: 503, body: 'starting' }, refused, { status: 200, body: sse('back'), headers: SSE_HEADERS }]);
    expect((await c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] })).content).toBe('back');
    expect(sleeps).toEqual([125, 250]);
  });

  it('does not retry other errors, and names the server message', async () => {
    const { c, sleeps } = client([{ status: 400, body: '{"object":"error","message":"max_tokens too large"}' }]);
    await expect(c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] })).rejects.toThrow(/HTTP 400: max_tokens too large/);
    expect(sleeps).toEqual([]);
  });

  it('maps 401/403 to an AuthError (exit 4)', async () => {
    const { c } = client([{ status: 403, body: '{"kind":"Status","message":"services \\"x\\" is forbidden"}' }]);
    await expect(c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] })).rejects.toMatchObject({ exitCode: 4 });
  });

  it('fails when the stream ends before the answer is complete', async () => {
    const { c } = client([{ status: 200, body: ['data: {"choices":[{"delta":{"content":"half"}}]}\n\n'], headers: SSE_HEADERS }]);
    await expect(c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }] })).rejects.toThrow(/ended before the answer was complete/);
  });

  it('switches to the legacy API when /v1/models is missing, and posts prompt + return_full_text false + generate_kwargs (compat I4)', async () => {
    const { c, t } = client([{ status: 404, body: '{"detail":"Not Found"}' }, { status: 200, body: '{"Result":"old answer"}' }]);
    expect(await c.listModels()).toBe('legacy');
    const r = await c.chat({ model: 'p', messages: [{ role: 'user', content: 'q' }], params: { max_tokens: 10, temperature: 0.1 } });
    expect(r).toMatchObject({ content: 'old answer', finish_reason: null, usage: null });
    expect(t.seen).toHaveLength(2);
    expect(t.seen[1].path).toBe('/chat');
    expect(JSON.parse(String(t.seen[1].body))).toEqual({ prompt: 'q', return_full_text: false, generate_kwargs: { temperature: 0.1, max_new_tokens: 10 } });
  });

  it('legacy: a conversation is flattened into one prompt, never sent as messages', async () => {
    const { c, t } = client([{ status: 404, body: '{}' }, { status: 200, body: '{"Result":"done"}' }]);
    await c.listModels();
    const messages = [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'hi' }, { role: 'assistant' as const, content: 'hello' }, { role: 'user' as const, content: 'again' }];
    expect((await c.chat({ model: 'p', messages })).content).toBe('done');
    const body = JSON.parse(String(t.seen[1].body));
    expect(body).toEqual({ prompt: 'system: be brief\nuser: hi\nassistant: hello\nuser: again\nassistant:', return_full_text: false, generate_kwargs: {} });
  });

  it('legacy: a 400 from /chat is reported with the server detail, not retried as something else', async () => {
    const { c, t } = client([{ status: 404, body: '{}' }, { status: 400, body: '{"detail":"Text generation parameter prompt required"}' }]);
    await c.listModels();
    await expect(c.chat({ model: 'p', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(/HTTP 400: Text generation parameter prompt required/);
    expect(t.seen).toHaveLength(2);
  });

  it('a 404 from the API server itself (no Service) is not mistaken for the legacy API', async () => {
    const { c } = client([{ status: 404, body: '{"kind":"Status","message":"services \\"ws\\" not found"}' }]);
    await expect(c.listModels()).rejects.toThrow(/services "ws" not found/);
  });
});

describe('ChatClient: answers that break off mid-body', () => {
  /** 'broken': a 200 whose body errors after the first bytes, like a connection reset */
  function brokenTransport(replies: Array<Reply | 'broken'>) {
    const t = fakeTransport([]);
    t.request = async (req) => {
      t.seen.push(req);
      const r = replies.shift();
      if (r === 'broken') {
        const body = (async function* () {
          yield Buffer.from('{"data":[');
          throw new Error('other side closed');
        })();
        return { status: 200, headers: { 'content-type': 'application/json' }, body: body as never };
      }
      if (!r || r instanceof Error) throw r ?? new Error('no more replies');
      return { status: r.status, headers: r.headers ?? {}, body: Readable.from([Buffer.from(r.body as string)]) as never };
    };
    return new ChatClient(t, { sleep: async () => {}, now: () => 0, random: () => 0 });
  }

  it('GET /v1/models is asked again and succeeds', async () => {
    const c = brokenTransport(['broken', { status: 200, body: '{"data":[{"id":"m"}]}' }]);
    expect(await c.listModels()).toEqual([{ id: 'm' }]);
  });

  it('three broken answers end in one line that says what was being done', async () => {
    const c = brokenTransport(['broken', 'broken', 'broken']);
    await expect(c.listModels()).rejects.toThrow(/^list models through fake: the answer broke off \(other side closed\)$/);
  });

  it('a non-streamed chat answer that breaks off is one clear line, not retried', async () => {
    const c = brokenTransport(['broken', { status: 200, body: '{}' }]);
    await expect(c.chat({ model: 'm', messages: [{ role: 'user', content: 'q' }], stream: false })).rejects.toThrow(/^the answer broke off: other side closed$/);
  });
});
