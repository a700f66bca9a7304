// A small, controllable inference server for tests and benchmarks: OpenAI /v1 (streamed and not),
// the legacy POST /chat, a concurrency limit answered with 429 + Retry-After, slow token streams, and
// a record of what each request carried and whether its client went away. Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOptions {
  legacy?: boolean;
  models?: Array<{ id: string; parent?: string | null }>;
  /** ms between streamed tokens */
  tokenDelayMs?: number;
  /** words per answer (default: the answer text's own words) */
  answer?: (messages: Array<{ role: string; content: string }>) => string;
  /** requests in flight above this get 429 */
  maxConcurrent?: number;
  /** the first this many chat completion requests get their headers (200), then the connection is cut before any body byte */
  breakFirst?: number;
  /** the first this many chat completion requests get 429, whatever the concurrency (deterministic on a busy machine) */
  first429?: number;
  retryAfter?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  aborted: boolean;
  finished: boolean;
}

export interface FakeServer {
  url: string;
  server: Server;
  requests: RecordedRequest[];
  rejected429: number;
  /** chat completion requests cut by breakFirst */
  broken: number;
  inFlight: number;
  opts: FakeOptions;
  close(): Promise<void>;
}

export const defaultAnswer = (messages: Array<{ role: string; content: string }>) => {
  const users = messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1]?.content ?? '';
  return `echo(${users.length}): ${last}`;
};

export async function startFake(opts: FakeOptions = {}): Promise<FakeServer> {
  const state: FakeServer = { url: '', server: undefined as unknown as Server, requests: [], rejected429: 0, broken: 0, inFlight: 0, opts, close: async () => {} };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined, aborted: false, finished: false };
    state.requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    const json = (status: number, doc: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(doc));
      rec.finished = true;
    };
    const url = req.url ?? '/';
    if (url === '/health') return json(200, { status: 'ok' });
    if (opts.legacy) {
      if (url === '/chat' && req.method === 'POST') {
        const msgs = rec.body.messages ?? [{ role: 'user', content: rec.body.prompt }];
        return json(200, { Result: (opts.answer ?? defaultAnswer)(msgs) });
      }
      return json(404, { detail: 'Not Found' });
    }
    if (url === '/v1/models') return json(200, { object: 'list', data: (opts.models ?? [{ id: 'base-model', parent: null }]).map((m) => ({ object: 'model', owned_by: 'fake', ...m })) });
    if (url === '/v1/chat/completions' && req.method === 'POST') {
      const forced = opts.first429 !== undefined && state.rejected429 < opts.first429;
      if (forced || (opts.maxConcurrent !== undefined && state.inFlight >= opts.maxConcurrent)) {
        state.rejected429++;
        return json(429, { error: { message: 'queue full' } }, { 'retry-after': opts.retryAfter ?? '1' });
      }
      if (opts.breakFirst !== undefined && state.broken < opts.breakFirst) {
        state.broken++;
        res.writeHead(200, { 'content-type': rec.body.stream ? 'text/event-stream' : 'application/json' });
        res.flushHeaders();
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      state.inFlight++;
      try {
        const answer = (opts.answer ?? defaultAnswer)(rec.body.messages);
        const words = answer.split(/(?<= )/);
        const model = rec.body.model;
        if (!rec.body.stream) {
          if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs! * words.length));
          return json(200, { id: 'x', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length } });
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const send = (doc: unknown) => res.write(`data: ${JSON.stringify(doc)}\n\n`);
        send({ id: 'x', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
        for (const w of words) {
          if (res.destroyed) return;
          if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
          if (res.destroyed) return;
          send({ id: 'x', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
        }
        send({ id: 'x', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        if (rec.body.stream_options?.include_usage) send({ id: 'x', object: 'chat.completion.chunk', model, choices: [], usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length } });
        res.end('data: [DONE]\n\n');
        rec.finished = true;
      } finally {
        state.inFlight--;
      }
      return;
    }
    return json(404, { error: { message: `no route ${url}` } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.server = server;
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  return state;
}
