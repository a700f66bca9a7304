// The one GET helper for URLs the CLI itself fetches (datasets, nothing cluster-bound): http/https only,
// bounded redirects, KAITO_RESOLVE pins, a connect/header timeout, an idle timeout on the body and an overall
// deadline. TLS verification is never relaxed: Node's default trust store plus NODE_EXTRA_CA_CERTS (which
// node:https reads at start-up) decide, or an explicit `ca` for callers that hold their own CA.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { InterruptedError, OperationError, TimeoutError, UsageError } from '../errors.js';
import { parseResolve, pinnedLookup } from './resolve.js';
import { proxyFor } from './proxy-env.js';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { registerSecret } from '../ui/redact.js';

export interface HttpGetOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** connect until response headers, per hop (default 30 s) */
  timeoutMs?: number;
  /** longest silence while the body streams (default 30 s) */
  idleTimeoutMs?: number;
  /** the whole exchange including the body; the caller closes it with response.done() (default none) */
  deadlineMs?: number;
  /** default 5 */
  maxRedirects?: number;
  /** source of KAITO_RESOLVE (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** extra trusted CA certificates (PEM), added to Node's store, never replacing verification */
  ca?: string | Buffer;
}

export interface HttpResponse {
  /** the URL after redirects */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** the body; iterating it throws TimeoutError / InterruptedError / OperationError on trouble */
  body: IncomingMessage;
  /** stop the timers and release the connection (safe to call twice) */
  done(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Parses and checks a URL the user gave: http or https only. */
export function parseHttpUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a valid URL`, 'give an http:// or https:// URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${u.protocol.replace(/:$/, '')} URLs are not supported: ${safeUrl(u)}`, 'give an http:// or https:// URL');
  return u;
}

/** The URL without credentials or query (which may hold SAS tokens): what messages show. */
export function safeUrl(u: URL | string): string {
  try {
    const x = new URL(String(u));
    x.username = '';
    x.password = '';
    const q = x.search ? '?…' : '';
    x.search = '';
    x.hash = '';
    return x.toString() + q;
  } catch {
    return '<invalid URL>';
  }
}

export async function httpGet(rawUrl: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  const pins = parseResolve((opts.env ?? process.env).KAITO_RESOLVE);
  const lookup = pinnedLookup(pins);
  const maxRedirects = opts.maxRedirects ?? 5;
  const deadline = opts.deadlineMs !== undefined ? Date.now() + opts.deadlineMs : undefined;
  let url = parseHttpUrl(rawUrl);
  const visited: string[] = [];
  for (let hop = 0; ; hop++) {
    // issue 17 item 3: HTTPS_PROXY / NO_PROXY; a host pinned by KAITO_RESOLVE is reached directly (its address is local knowledge)
    const proxy = pins.has(url.hostname.toLowerCase()) ? undefined : proxyFor(url, opts.env ?? process.env);
    const res = await request(url, opts, lookup, deadline, proxy);
    if (REDIRECTS.has(res.status)) {
      const location = res.headers.location;
      res.done();
      if (!location) throw new OperationError(`${safeUrl(url)} answered ${res.status} without a Location header`);
      visited.push(url.toString());
      const next = new URL(location, url);
      if (visited.includes(next.toString())) throw new UsageError(`${safeUrl(rawUrl)} redirects in a loop`, 'give the final download URL of the file');
      if (hop >= maxRedirects) throw new UsageError(`${safeUrl(rawUrl)} redirects more than ${maxRedirects} times`, 'give the final download URL of the file');
      url = parseHttpUrl(next.toString());
      continue;
    }
    return res;
  }
}

function proxyAgent(url: URL, proxy: string): http.Agent {
  const p = new URL(proxy);
  if (p.password) registerSecret(decodeURIComponent(p.password));
  return url.protocol === 'https:' ? new HttpsProxyAgent({ proxy: p, keepAlive: false }) : new HttpProxyAgent({ proxy: p, keepAlive: false });
}

function request(url: URL, opts: HttpGetOptions, lookup: ReturnType<typeof pinnedLookup>, deadline: number | undefined, proxy?: string): Promise<HttpResponse> {
  const mod = url.protocol === 'https:' ? https : http;
  const shown = safeUrl(url);
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new InterruptedError());
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const req = mod.request(url, {
      method: opts.method ?? 'GET',
      headers: { 'user-agent': 'kaito-cli', accept: '*/*', ...opts.headers },
      lookup,
      // an explicit CA joins the public roots; without one Node's default store (with NODE_EXTRA_CA_CERTS) applies
      ca: opts.ca ? [...tls.rootCertificates, opts.ca] : undefined,
      // a fresh connection per request: nothing keeps the process alive afterwards (through the proxy when one applies)
      agent: proxy ? proxyAgent(url, proxy) : false,
    });
    const fail = (err: Error) => {
      clearTimeout(timer);
      req.destroy(err);
    };
    const onAbort = () => fail(new InterruptedError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    // one timer: the header timeout first, then the overall deadline while the body streams
    const headerMs = opts.timeoutMs ?? 30_000;
    const untilDeadline = deadline !== undefined ? deadline - Date.now() : Infinity;
    timer = setTimeout(
      () => fail(new TimeoutError(`${shown} did not answer within ${Math.round(Math.min(headerMs, untilDeadline) / 1000)} s`, 'check the URL, or try again later')),
      Math.max(1, Math.min(headerMs, untilDeadline)),
    );
    req.on('error', (err) => {
      cleanup();
      reject(toKaitoError(err, shown));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      if (deadline !== undefined) {
        timer = setTimeout(
          () => res.destroy(new TimeoutError(`${shown} is too slow: the download did not finish in time`, 'check the server, or try again later')),
          Math.max(1, deadline - Date.now()),
        );
      }
      const idleMs = opts.idleTimeoutMs ?? 30_000;
      res.setTimeout(idleMs, () => res.destroy(new TimeoutError(`${shown} stopped sending data for ${Math.round(idleMs / 1000)} s`, 'check the server, or try again later')));
      // errors other than ours (socket reset mid-body) become OperationErrors for the iterating reader
      res.on('error', () => undefined);
      res.on('close', cleanup);
      resolve({
        url: url.toString(),
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: wrapErrors(res, shown, opts.signal),
        done() {
          cleanup();
          if (!res.complete) res.destroy();
        },
      });
    });
    req.end();
  });
}

/** Makes iteration errors typed: a reset socket mid-body is an OperationError, ours pass through. */
function wrapErrors(res: IncomingMessage, shown: string, signal?: AbortSignal): IncomingMessage {
  const orig = res[Symbol.asyncIterator].bind(res);
  res[Symbol.asyncIterator] = function () {
    const it = orig();
    return {
      // once Ctrl-C fired, whatever the torn-down socket reports is the interrupt
      next: () => it.next().catch((e: unknown) => Promise.reject(signal?.aborted ? new InterruptedError() : toKaitoError(e, shown))),
      return: (v?: unknown) => (it.return ? it.return(v) : Promise.resolve({ done: true as const, value: undefined })),
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterableIterator<Buffer>;
  } as typeof res[typeof Symbol.asyncIterator];
  return res;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_NOT_YET_VALID',
]);

export function toKaitoError(err: unknown, shown: string): Error {
  if (err instanceof TimeoutError || err instanceof InterruptedError || err instanceof OperationError || err instanceof UsageError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  if (TLS_CODES.has(code)) {
    return new OperationError(`cannot verify the TLS certificate of ${shown} (${code})`, 'if the server uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate', { cause: err });
  }
  // issue 17 item 14: a saved URL of the sandbox's dataset host while that sandbox is gone (or not exported)
  const sandboxPort = /^https?:\/\/datasets\.kaito-sandbox\.test(?::(\d+))?/.exec(shown)?.[1];
  if (/^https?:\/\/datasets\.kaito-sandbox\.test/.test(shown) && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')) {
    return new OperationError(
      `cannot reach ${shown}: it is on a kaito sandbox${code === 'ECONNREFUSED' ? ` (port ${sandboxPort ?? 443}) that is not running` : ' and this shell does not resolve its host'}`,
      code === 'ECONNREFUSED' ? `start it again with \`kaito sandbox start${sandboxPort ? ` --port ${sandboxPort}` : ''}\`, then \`eval "$(kaito sandbox env)"\`` : 'run `eval "$(kaito sandbox env)"` (it sets KAITO_RESOLVE for the dataset host)',
      { cause: err },
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new OperationError(`cannot resolve the host of ${shown}`, 'check the URL; names known only locally can be pinned with KAITO_RESOLVE=host=ip', { cause: err });
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EPIPE') {
    return new OperationError(`cannot reach ${shown} (${code})`, 'check the URL and that the server is up', { cause: err });
  }
  if (code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || e?.message === 'aborted') {
    return new OperationError(`the connection to ${shown} broke off`, 'try again', { cause: err });
  }
  return new OperationError(`fetching ${shown} failed: ${e?.message ?? String(err)}`, undefined, { cause: err });
}
