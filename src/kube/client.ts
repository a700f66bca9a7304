// The Kubernetes port. Authentication, TLS and the HTTP dispatcher come from @kubernetes/client-node's
// KubeConfig (tokens, client certificates, exec plugins such as kubelogin); requests are built here so
// that server-side apply, watch streams, logs and the service proxy all share one path with one
// retry policy, one error mapping and one --debug trace (secrets redacted).
import * as k8s from './k8s.js';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { Readable } from 'node:stream';
import { createSecureContext } from 'node:tls';
import type { ClusterTarget } from './target.js';
import { InterruptedError } from '../errors.js';
import { registerSecret } from '../ui/redact.js';
import { loadKubeConfig, type LoadedKubeConfig } from './config.js';
import { isRetryable, KubeApiError, parseStatus, toKaitoError } from './errors.js';
import type { KubeList, KubeObject } from '../core/kube-object.js';

export type { KubeList, KubeObject } from '../core/kube-object.js';

/**
 * What KubeClient.fetch answers: the parts of a fetch Response the CLI uses, over node:https (issue 16: fetch()
 * brought ~0.5 MB of WHATWG fetch code into every kubectl-like command's start-up; undici's request() parses HTTP with
 * a WebAssembly llhttp whose background optimisation Node 24 waits for at exit, ~100-200 ms on a short command; node's
 * own HTTP parser is native). The body is an async iterable of bytes; cancel() drops it.
 */
export interface KubeResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null;
  text(): Promise<string>;
}

function toKubeResponse(res: IncomingMessage): KubeResponse {
  // readers (text(), iteration) still see a broken body; one nobody reads must not crash the process
  res.on('error', () => {});
  return {
    status: res.statusCode ?? 0,
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    body: Object.assign(res as unknown as AsyncIterable<Uint8Array>, {
      cancel: () => {
        res.destroy();
        return Promise.resolve();
      },
    }),
    text: async () => {
      const parts: Buffer[] = [];
      for await (const c of res) parts.push(c as Buffer);
      // a body cut short (the connection closed before content-length): node ends the stream with aborted set
      if (!res.complete) throw Object.assign(new Error('the answer broke off'), { code: 'ECONNRESET' });
      return Buffer.concat(parts).toString('utf8');
    },
  };
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** retry 429/5xx/network errors (default: GET only) */
  retry?: boolean;
  /** raw body (string/Buffer/stream) instead of JSON */
  rawBody?: string | Buffer | NodeJS.ReadableStream;
  headers?: Record<string, string>;
}

/** Where each kind lives: [group ("" = core), version, plural, namespaced]. */
export const RESOURCES: Record<string, { group: string; version: string; plural: string; namespaced: boolean }> = {
  Workspace: { group: 'kaito.sh', version: 'v1beta1', plural: 'workspaces', namespaced: true },
  NodeClaim: { group: 'karpenter.sh', version: 'v1', plural: 'nodeclaims', namespaced: false },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Secret: { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  Pod: { group: '', version: 'v1', plural: 'pods', namespaced: true },
  Service: { group: '', version: 'v1', plural: 'services', namespaced: true },
  Event: { group: '', version: 'v1', plural: 'events', namespaced: true },
  Node: { group: '', version: 'v1', plural: 'nodes', namespaced: false },
  Namespace: { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  CustomResourceDefinition: { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false },
};

export function resourcePath(kind: string, namespace: string | undefined, name?: string, apiVersion?: string): string {
  const r = RESOURCES[kind];
  if (!r) throw new Error(`unknown kind ${kind}`);
  const gv = apiVersion ?? (r.group ? `${r.group}/${r.version}` : r.version);
  const base = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export interface KubeClientOptions {
  debug?: (msg: string) => void;
  warn?: (msg: string) => void;
  env?: NodeJS.ProcessEnv;
  /** attempts for retryable requests (default 5) */
  attempts?: number;
  /** where discovery answers are kept between runs, like kubectl's ~/.kube/cache (kube/kaito.ts); none: always ask */
  cacheDir?: string;
}

export class KubeClient {
  readonly kc: k8s.KubeConfig;
  readonly namespace: string;
  readonly server: string;
  readonly contextName: string;
  readonly source: string;
  private readonly debug: (msg: string) => void;
  private readonly attempts: number;
  /** every request made (method + path), for tests and benchmarks that count requests */
  requestCount = 0;
  readonly cacheDir?: string;
  /**
   * Set while a cached discovery answer is in use (kube/kaito.ts): called when a kaito.sh path turns out
   * not to be served (a 404 that is not about a named object), so the cache is dropped and the cluster
   * asked again before the error reaches the user.
   */
  onKaitoUnserved?: () => Promise<void>;

  constructor(loaded: LoadedKubeConfig, opts: KubeClientOptions = {}) {
    this.kc = loaded.kc;
    this.namespace = loaded.namespace;
    this.server = loaded.server.replace(/\/+$/, '');
    this.contextName = loaded.contextName;
    this.source = loaded.source;
    this.debug = opts.debug ?? (() => {});
    this.attempts = opts.attempts ?? 5;
    this.cacheDir = opts.cacheDir;
    const user = this.kc.getCurrentUser();
    registerSecret(user?.token);
    registerSecret(user?.password);
    registerSecret(user?.keyData);
    if (loaded.insecure) opts.warn?.(`the kubeconfig disables TLS verification for ${this.server} (insecure-skip-tls-verify)`);
  }

  static fromTarget(target: ClusterTarget, opts: KubeClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(target, opts.env), opts);
  }

  url(path: string, query?: RequestOptions['query']): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * The connection pool: one keep-alive agent per client (one TLS handshake, not one per request), made from the
   * kubeconfig's TLS material, which does not change while the process runs. A cluster with a proxy-url (or
   * HTTPS_PROXY, kube/config.ts) keeps client-node's own proxy agent. Credentials are taken fresh for every request
   * (exec tokens expire).
   */
  private agent?: HttpAgent;

  private async connection(): Promise<{ agent: HttpAgent; headers: Record<string, string>; auth?: string }> {
    const o: HttpsRequestOptions = {};
    await this.kc.applyToHTTPSOptions(o);
    if (!this.agent) {
      const cluster = this.kc.getCurrentCluster();
      if (cluster?.proxyUrl) this.agent = o.agent as HttpAgent;
      else {
        const tls = { ca: o.ca, cert: o.cert, key: o.key, pfx: o.pfx, passphrase: o.passphrase };
        for (const k of Object.keys(tls) as Array<keyof typeof tls>) if (tls[k] === undefined) delete tls[k];
        const common = { keepAlive: true, keepAliveMsecs: 30_000 };
        // one TLS context for every connection: given only the PEM options, node builds a new context (the CA parsed
        // again) for each connection, and a status command opens four at once
        this.agent = this.server.startsWith('http:')
          ? new HttpAgent(common)
          : new HttpsAgent({
              ...common,
              secureContext: createSecureContext(tls),
              ...(o.servername !== undefined ? { servername: o.servername } : {}),
              ...(o.rejectUnauthorized !== undefined ? { rejectUnauthorized: o.rejectUnauthorized } : {}),
            });
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    const bearer = headers.Authorization ?? headers.authorization;
    if (bearer) registerSecret(bearer.replace(/^\S+\s+/, ''));
    return { agent: this.agent, headers, auth: o.auth ?? undefined };
  }

  /**
   * One request with the kubeconfig's credentials and this client's connections, no retry, the response as node
   * gives it (the service proxy transport streams it through). `path` starts at the server's root.
   */
  async raw(method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer; signal?: AbortSignal } = {}): Promise<IncomingMessage> {
    const conn = await this.connection();
    this.requestCount++;
    const started = Date.now();
    const res = await this.send(new URL(this.server + path), method.toUpperCase(), { 'User-Agent': 'kaito-cli', ...opts.headers, ...conn.headers }, conn.agent, conn.auth, opts.body, opts.signal);
    this.debug(`${method.toUpperCase()} ${this.server}${path} -> ${res.statusCode} (${Date.now() - started} ms)`);
    return res;
  }

  private send(url: URL, method: string, headers: Record<string, string>, agent: HttpAgent, auth: string | undefined, body: string | Buffer | NodeJS.ReadableStream | undefined, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      // The signal is handled here, not given to node: node keeps an abort listener on a signal it was given for as
      // long as the signal lives, and aborting later destroys requests whose answers were read long ago; on Node 20
      // that surfaced as an uncaught AbortError. Here the listener goes when the answer has been read (or failed).
      const aborted = () => Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
      if (signal?.aborted) return reject(aborted());
      const req = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, { method, headers, agent, auth });
      let res: IncomingMessage | undefined;
      const onAbort = () => {
        const e = aborted();
        // whoever reads the answer sees the error through its listener or iterator; none must not crash the process
        res?.on('error', () => {}).destroy(e);
        req.destroy(e);
      };
      const detach = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('response', (r: IncomingMessage) => {
        res = r;
        r.once('close', detach);
        resolve(r);
      });
      // `on`: the request may report more than one error (the abort, then its socket); after the first they are no-ops
      req.on('error', (e) => {
        detach();
        reject(e);
      });
      if (body === undefined) req.end();
      else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
      else {
        const src = body instanceof Readable ? body : Readable.from(body as AsyncIterable<Buffer>);
        src.once('error', (e) => req.destroy(e));
        src.pipe(req);
      }
    });
  }

  /** Sends one request with the kubeconfig's credentials; returns the raw response (streaming body). */
  async fetch(method: string, path: string, opts: RequestOptions = {}): Promise<KubeResponse> {
    const url = this.url(path, opts.query);
    const retry = opts.retry ?? method === 'GET';
    const attempts = retry ? this.attempts : 1;
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      if (opts.signal?.aborted) throw new InterruptedError();
      const started = Date.now();
      try {
        const conn = await this.connection();
        const headers: Record<string, string> = { ...conn.headers, Accept: opts.accept ?? 'application/json', 'User-Agent': 'kaito-cli', ...opts.headers };
        let body: string | Buffer | NodeJS.ReadableStream | undefined;
        if (opts.rawBody !== undefined) body = opts.rawBody;
        else if (opts.body !== undefined) body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
        this.requestCount++;
        const res = toKubeResponse(await this.send(new URL(url), method.toUpperCase(), headers, conn.agent, conn.auth, body, opts.signal));
        this.debug(`${method.toUpperCase()} ${url} -> ${res.status} (${Date.now() - started} ms)`);
        if (retry && (res.status === 429 || res.status >= 500) && i < attempts - 1) {
          const ra = Number(res.headers.get('retry-after'));
          await res.body?.cancel().catch(() => {});
          lastErr = new KubeApiError(res.status, { message: `HTTP ${res.status}` });
          await this.backoff(i, Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined, opts.signal);
          continue;
        }
        return res;
      } catch (e) {
        if (opts.signal?.aborted) throw new InterruptedError();
        this.debug(`${method.toUpperCase()} ${url} failed: ${(e as Error).message} ${(e as { cause?: Error }).cause?.message ?? ''}`);
        lastErr = e;
        if (!retry || i === attempts - 1 || !isRetryable(e)) throw e;
        await this.backoff(i, undefined, opts.signal);
      }
    }
    throw lastErr;
  }

  /** JSON request; non-2xx answers throw KubeApiError with the Status. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const retry = opts.retry ?? method === 'GET';
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetch(method, path, opts);
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        // the connection broke after the headers: an idempotent request is simply asked again
        if (opts.signal?.aborted) throw new InterruptedError();
        if (!retry || attempt >= this.attempts - 1) throw e;
        this.debug(`${method.toUpperCase()} ${path}: the answer broke off (${(e as Error).message}); asking again`);
        await this.backoff(attempt, undefined, opts.signal);
        continue;
      }
      if (res.status >= 400) {
        const ra = Number(res.headers.get('retry-after'));
        const status = parseStatus(text);
        if (res.status === 404 && this.onKaitoUnserved && path.startsWith('/apis/kaito.sh/') && !status.details?.name) {
          const recheck = this.onKaitoUnserved;
          this.onKaitoUnserved = undefined;
          await recheck(); // throws "Kaito is not installed" when that is why
        }
        throw new KubeApiError(res.status, status, Number.isFinite(ra) ? ra : undefined);
      }
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

  get<T = KubeObject>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, opts);
  }

  /** GET that answers undefined on 404. */
  async getOptional<T = KubeObject>(path: string, opts: RequestOptions = {}): Promise<T | undefined> {
    try {
      return await this.get<T>(path, opts);
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** Server-side apply (fieldManager "kaito"). */
  apply<T = KubeObject>(obj: KubeObject, opts: { force?: boolean; dryRun?: boolean; signal?: AbortSignal; fieldManager?: string } = {}): Promise<T> {
    const path = resourcePath(obj.kind, obj.metadata.namespace ?? this.namespace, obj.metadata.name, obj.apiVersion);
    return this.request<T>('PATCH', path, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: opts.fieldManager ?? 'kaito', force: opts.force ?? true, dryRun: opts.dryRun ? 'All' : undefined },
      signal: opts.signal,
      retry: true, // apply is idempotent
    });
  }

  async delete(kind: string, namespace: string | undefined, name: string, opts: { signal?: AbortSignal; propagationPolicy?: string } = {}): Promise<boolean> {
    try {
      await this.request('DELETE', resourcePath(kind, namespace, name), { query: { propagationPolicy: opts.propagationPolicy ?? 'Background' }, signal: opts.signal, retry: true });
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 404) return false;
      throw e;
    }
  }

  /** Maps any error from this client to a one-line KaitoError with the right exit code. */
  error(e: unknown, what: string) {
    return toKaitoError(e, what, this.server);
  }

  private backoff(attempt: number, hintMs: number | undefined, signal?: AbortSignal): Promise<void> {
    const ms = hintMs ?? Math.min(4000, 200 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    return new Promise((resolve, reject) => {
      // the listener goes when the wait ends: parallel requests retrying on one signal must not pile them up
      const onAbort = () => {
        clearTimeout(t);
        reject(new InterruptedError());
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
