// `kaito proxy`: a local OpenAI-compatible endpoint. Every /v1/* request is forwarded through a
// Transport (service proxy, port-forward or a direct URL); a streamed answer goes back chunk by chunk as
// it arrives (each upstream chunk is written to the client at once, with backpressure) once its first chunk
// is there, a non-streamed one whole, so an upstream that breaks before the answer begins is retried.
// A client that goes away aborts its upstream request, so the model stops generating for nobody.
// While the inference pod restarts (connection refused, 502/503), a request is retried briefly before
// the upstream error is passed through. Exported for in-process use (`kaito demo`, benchmarks, tests).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { isConnectionError, isKubeStatus } from './client.js';
import { nextRetryDelay, parseRetryAfter, PROXY_RETRY, sleep, type RetryPolicy } from './retry.js';
import { discard, headerValue, readText, type Transport, type UpstreamResponse } from './transport.js';

export interface ProxyOptions {
  transport: Transport;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** when set, every /v1 request must carry `Authorization: Bearer <apiKey>` */
  apiKey?: string;
  /** one line per request (method, path, status, duration) */
  accessLog?: (line: string) => void;
  /** --debug: also log request bodies (secrets are redacted by the caller's logger) */
  debugLog?: (line: string) => void;
  retry?: RetryPolicy;
  /** largest request body accepted (chat requests are small) */
  maxBodyBytes?: number;
}

export interface RunningProxy {
  /** base URL for OpenAI clients, e.g. http://127.0.0.1:8080/v1 */
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Headers that describe one hop and must not be forwarded (RFC 9110 7.6.1), plus ours. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'authorization', 'proxy-authorization', 'content-length', 'expect']);

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const retry = opts.retry ?? PROXY_RETRY;
  const expected = opts.apiKey ? Buffer.from(`Bearer ${opts.apiKey}`) : undefined;
  const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    let logged = false;
    const log = (status: number | string, note = '') => {
      if (logged) return;
      logged = true;
      opts.accessLog?.(`${req.method} ${path} ${status} ${Math.round(performance.now() - started)}ms${note}`);
    };
    handle(req, res, log).catch((e) => {
      if (!res.headersSent) sendError(res, 502, `kaito proxy: upstream failed: ${(e as Error).message}`, 'upstream_error');
      else res.destroy();
      log(res.headersSent ? res.statusCode : 502, ` (${(e as Error).message})`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, log: (s: number | string, note?: string) => void): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok', upstream: opts.transport.description }));
      return log(200);
    }
    if (expected) {
      const got = Buffer.from(req.headers.authorization ?? '');
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
        req.resume();
        sendError(res, 401, 'missing or invalid API key: send Authorization: Bearer <key>', 'invalid_api_key');
        return log(401);
      }
    }
    if (!(path === '/v1' || path.startsWith('/v1/'))) {
      req.resume();
      sendError(res, 404, `kaito proxy forwards /v1/* only (got ${path})`, 'not_found');
      return log(404);
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      sendError(res, 413, `request body larger than ${maxBody} bytes`, 'request_too_large');
      return log(413);
    }
    if (body.length > 0) opts.debugLog?.(`${req.method} ${path} body: ${body.toString('utf8').slice(0, 2000)}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;

    // the client going away (before or during the answer) aborts the upstream request
    const upstreamAbort = new LightAbort();
    const onClose = () => {
      if (!res.writableFinished) upstreamAbort.abort(new Error('client disconnected'));
    };
    res.on('close', onClose);

    const upstream = await forward(url, req.method ?? 'GET', headers, body, upstreamAbort as unknown as AbortSignal);
    if (!upstream) {
      log(499, ' (client disconnected)');
      return;
    }
    const outHeaders: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upstream.headers)) if (!HOP.has(k) && v !== undefined) outHeaders[k] = v;
    // no flushHeaders(): the answer has begun (primed() holds its first chunk), so the headers leave in the same write
    // as that chunk (one syscall and one packet fewer per request than headers first, then the chunk)
    res.writeHead(upstream.status, outHeaders);
    // every upstream chunk is written as soon as it arrives, with backpressure (pipe), and without the
    // per-chunk promise of an async iterator or the AbortController that stream.pipeline() makes and
    // aborts for every request (issue 16: a CPU profile of this hot path showed pipeline's abort,
    // DOMException and event dispatch at ~0.5 ms per request)
    const src = upstream.body as unknown as Readable;
    await new Promise<void>((resolve) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        res.off('close', onClose);
        res.off('close', onResClose);
        res.off('finish', onFinish);
        src.off('error', onSrcError);
        if (!err) log(upstream.status);
        else if (upstreamAbort.aborted) {
          src.destroy();
          log(upstream.status, ' (client disconnected)');
        } else {
          // upstream broke mid-answer: the client must see a broken response, not a clean end
          res.destroy();
          log(upstream.status, ` (upstream broke: ${err.message})`);
        }
        resolve();
      };
      const onFinish = () => settle();
      const onSrcError = (e: Error) => settle(e);
      const onResClose = () => settle(res.writableFinished ? undefined : new Error('client disconnected'));
      res.once('finish', onFinish);
      res.once('close', onResClose);
      src.once('error', onSrcError);
      src.pipe(res);
    });
  }

  /** Sends the request upstream, retrying while the service is briefly unavailable. undefined: client gone. */
  async function forward(url: string, method: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<UpstreamResponse | undefined> {
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) return undefined;
      let res: UpstreamResponse | undefined;
      let failure: unknown;
      try {
        res = await opts.transport.request({ method, path: url, headers, body: body.length > 0 ? body : undefined, signal });
      } catch (e) {
        if (signal.aborted) return undefined;
        if (!isConnectionError(e)) throw e;
        failure = e;
      }
      // a 5xx that the Kubernetes API server answered itself (a Status, not the model's answer): the request
      // never reached the model, so it is sent again like a 503 (found by the campaign's api-5xx fault)
      let apiServerFailure = false;
      if (res && res.status >= 500 && res.status !== 502 && res.status !== 503 && (headerValue(res.headers, 'content-type') ?? '').includes('json')) {
        try {
          const text = await readText(res.body, 1024 * 1024);
          res = { ...res, body: Readable.from([Buffer.from(text)]) as unknown as UpstreamResponse['body'] };
          apiServerFailure = isKubeStatus(text);
        } catch (e) {
          // the error answer itself broke off: nothing reached the client yet, so it is a connection failure
          res = undefined;
          failure = e;
        }
      }
      // 429 goes straight back: the client's own retry logic (OpenAI SDKs have one) decides
      let unavailable = failure !== undefined || apiServerFailure || res!.status === 502 || res!.status === 503;
      if (!unavailable) {
        // issue 17 item 17: nothing goes to the client before the answer has begun (a whole JSON body, or the first
        // chunk of a stream), so an upstream that breaks before that is retried like a refused connection; only an
        // answer already partly delivered may end broken
        try {
          return await primed(res!, maxBody);
        } catch (e) {
          if (signal.aborted) return undefined;
          failure = e;
          res = undefined;
          unavailable = true;
        }
      }
      const delay = nextRetryDelay(attempt, res ? parseRetryAfter(headerValue(res.headers, 'retry-after')) : undefined, performance.now() - t0, retry);
      if (delay === undefined) {
        if (res) return res;
        throw failure;
      }
      if (res) discard(res.body);
      try {
        await sleep(delay, signal);
      } catch {
        return undefined;
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/v1`,
    host: addr.address,
    port: addr.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * An abort signal without EventTarget: on Node 20 creating an AbortController/AbortSignal per proxied
 * request showed in the proxy's CPU profile (issue 16). undici's request() and retry.sleep() use only
 * these members (aborted, reason, addEventListener/removeEventListener of 'abort', once).
 */
class LightAbort {
  aborted = false;
  reason: unknown;
  private listeners: Array<() => void> = [];
  addEventListener(_type: 'abort', fn: () => void): void {
    this.listeners.push(fn);
  }
  removeEventListener(_type: 'abort', fn: () => void): void {
    const i = this.listeners.indexOf(fn);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const fn of this.listeners.splice(0)) fn();
  }
}

/** The upstream answer once it has begun: a non-streamed body read whole (bounded), a stream with its first chunk
 *  buffered. Rejects when the body breaks before that. */
async function primed(res: UpstreamResponse, maxBytes: number): Promise<UpstreamResponse> {
  const body = res.body as unknown as Readable;
  const sse = (headerValue(res.headers, 'content-type') ?? '').includes('text/event-stream');
  if (!sse) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const c of res.body) {
      size += c.length;
      if (size > maxBytes) throw new Error(`upstream answer larger than ${maxBytes} bytes`);
      parts.push(Buffer.from(c));
    }
    return { ...res, body: Readable.from(parts.length ? [Buffer.concat(parts)] : []) as unknown as UpstreamResponse['body'] };
  }
  if (typeof body.once !== 'function' || typeof body.read !== 'function') return res;
  // wait until the stream holds data or has ended; the data stays buffered for pipeline() to send
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      body.off('readable', onReadable);
      body.off('error', onError);
      body.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReadable = () => {
      if (body.readableLength > 0 || body.readableEnded) done();
    };
    const onError = (e: Error) => done(e);
    const onClose = () => done(body.readableEnded || body.readableLength > 0 ? undefined : Object.assign(new Error('upstream closed before the answer began'), { code: 'ECONNRESET' }));
    body.on('readable', onReadable);
    body.once('error', onError);
    body.once('close', onClose);
    onReadable();
  });
  return res;
}

function sendError(res: ServerResponse, status: number, message: string, code: string): void {
  const body = JSON.stringify({ error: { message, type: status === 401 ? 'invalid_request_error' : 'proxy_error', code } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else parts.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(parts)));
    req.on('error', reject);
  });
}
