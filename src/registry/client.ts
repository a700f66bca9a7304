// A client of the OCI distribution API (distribution-spec v1.1 "Pull", "Push"; docker token auth spec):
// bearer challenges from WWW-Authenticate, Basic, ACR's /oauth2/exchange; blob HEAD, chunked resumable uploads,
// manifest PUT/GET, blob GET with redirects. HTTPS always; loopback registries may answer plain HTTP.
// Secrets never reach a message: tokens and passwords are registered for redaction and headers are never logged.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { proxyFor } from '../net/proxy-env.js';
import { AuthError, InterruptedError, OperationError } from '../errors.js';
import { registerSecret } from '../ui/redact.js';
import type { RegistryCredential } from './auth.js';
import { apiHost, isLoopbackRegistry, type ImageRef } from './reference.js';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;
const MANIFEST_ACCEPT = [MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerManifest, MEDIA.dockerList].join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: { os?: string; architecture?: string } }

export interface RegistryClientOptions {
  credential?: RegistryCredential;
  debug?: (msg: string) => void;
  signal?: AbortSignal;
  /** extra trusted CA (PEM) */
  ca?: string;
  /** a net lookup (KAITO_RESOLVE pins, e.g. the sandbox's registry.kaito-sandbox.test) */
  lookup?: import('node:net').LookupFunction;
  /** bytes per PATCH; default 64 MiB */
  chunkSize?: number;
  /** the environment whose HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply (net/proxy-env.ts); none: no proxy */
  env?: NodeJS.ProcessEnv;
  /** tries of one request or upload step on 429/5xx/broken connection; default 5 */
  attempts?: number;
  /** first backoff in ms (doubles); default 500 */
  backoffMs?: number;
}

interface Resp { status: number; headers: Record<string, string | string[] | undefined>; body: Dispatcher.ResponseData['body'] }

type Action = 'pull' | 'pull,push';

class Retryable extends Error {
  constructor(message: string, readonly status?: number, readonly retryAfterMs?: number) {
    super(message);
  }
}

const header = (h: Resp['headers'], name: string): string | undefined => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Parses `Bearer realm="...",service="...",scope="..."` (RFC 7235 auth-params). */
export function parseChallenge(value: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\S+)\s*(.*)$/.exec(value);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /([a-zA-Z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m?.[2] ?? ''))) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme, params };
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export class RegistryClient {
  readonly ref: ImageRef;
  private readonly opts: RegistryClientOptions;
  private readonly host: string;
  private base?: string;
  private authHeader?: string;
  private authAction?: Action;
  private readonly direct: Dispatcher;
  private readonly proxies = new Map<string, Dispatcher>();

  constructor(ref: ImageRef, opts: RegistryClientOptions = {}) {
    this.ref = ref;
    this.opts = opts;
    this.host = apiHost(ref.registry);
    this.direct = new Agent({ connect: { ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.lookup ? { lookup: opts.lookup } : {}) }, headersTimeout: 120_000, bodyTimeout: 300_000 });
  }

  /**
   * The registry, its token realm and the blob storage it redirects to may each be behind HTTPS_PROXY (or HTTP_PROXY
   * for plain http) or excluded by NO_PROXY, as with docker and skopeo: chosen per URL. Through a
   * proxy the proxy resolves the host (a KAITO_RESOLVE pin does not apply), as curl does.
   */
  private dispatcherFor(url: string): Dispatcher {
    // loopback never goes through a proxy (Go's ProxyFromEnvironment, which docker and skopeo use, says the same)
    const proxy = this.opts.env && !isLoopbackRegistry(new URL(url).host) ? proxyFor(url, this.opts.env) : undefined;
    if (!proxy) return this.direct;
    let d = this.proxies.get(proxy);
    if (!d) {
      const p = new URL(proxy);
      if (p.password) registerSecret(decodeURIComponent(p.password));
      this.debug(`through the proxy ${p.protocol}//${p.host} for ${new URL(url).host}`);
      d = new ProxyAgent({ uri: proxy, requestTls: this.opts.ca ? { ca: this.opts.ca } : undefined, headersTimeout: 120_000, bodyTimeout: 300_000 });
      this.proxies.set(proxy, d);
    }
    return d;
  }

  get registry(): string {
    return this.ref.registry;
  }

  async close(): Promise<void> {
    await Promise.all([this.direct, ...this.proxies.values()].map((d) => d.close().catch(() => undefined)));
  }

  private debug(msg: string) {
    this.opts.debug?.(msg);
  }

  private repoPath(): string {
    return `/v2/${this.ref.repository}`;
  }

  /** HTTPS, or for a loopback registry plain HTTP when it does not speak TLS (as docker does). */
  private async baseUrl(): Promise<string> {
    if (this.base) return this.base;
    const https = `https://${this.host}`;
    if (!isLoopbackRegistry(this.ref.registry)) return (this.base = https);
    try {
      const r = await request(`${https}/v2/`, { method: 'GET', dispatcher: this.dispatcherFor(`${https}/v2/`), signal: this.opts.signal });
      await r.body.dump();
      return (this.base = https);
    } catch (e) {
      if (this.opts.signal?.aborted) throw new InterruptedError();
      this.debug(`${https} does not speak TLS (${(e as Error).message}); loopback registry, using http`);
      return (this.base = `http://${this.host}`);
    }
  }

  private async raw(method: Dispatcher.HttpMethod, url: string, headers: Record<string, string>, body?: Readable | Buffer | string): Promise<Resp> {
    if (this.opts.signal?.aborted) throw new InterruptedError();
    let r: Dispatcher.ResponseData;
    try {
      r = await request(url, { method, headers, body, dispatcher: this.dispatcherFor(url), signal: this.opts.signal });
    } catch (e) {
      if (this.opts.signal?.aborted) throw new InterruptedError();
      const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = err.code ?? err.cause?.code ?? err.name;
      if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(String(code))) throw new OperationError(`cannot verify the TLS certificate of registry ${this.ref.registry} (${code})`, 'if the registry uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate');
      throw new Retryable(`cannot reach registry ${this.ref.registry}: ${code}`);
    }
    this.debug(`${method} ${url.replace(/([?&](?:_state|token|sig|signature|X-Amz-Signature)=)[^&]+/gi, '$1…')} -> ${r.statusCode}`);
    return { status: r.statusCode, headers: r.headers, body: r.body };
  }

  /** Finds how the registry wants to be authenticated (GET /v2/ and its challenge) and gets a token for the action. */
  async authenticate(action: Action): Promise<void> {
    if (this.authAction === action || (this.authAction === 'pull,push' && action === 'pull')) return;
    const base = await this.baseUrl();
    const r = await this.withRetry(() => this.raw('GET', `${base}/v2/`, {}), 'reach the registry');
    await r.body.dump();
    this.authAction = action;
    if (r.status !== 401) return; // anonymous access (or 404 on registries without /v2/ ping) is decided per request
    const challenge = header(r.headers, 'www-authenticate');
    await this.answerChallenge(challenge, action);
  }

  private async answerChallenge(challenge: string | undefined, action: Action): Promise<void> {
    const cred = this.opts.credential;
    if (!challenge) throw this.authFailed(401);
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === 'basic') {
      if (!cred || cred.kind !== 'basic') throw this.authFailed(401);
      this.authHeader = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      registerSecret(this.authHeader.slice(6));
      return;
    }
    if (scheme !== 'bearer' || !params.realm) throw new OperationError(`registry ${this.ref.registry} asked for an authentication scheme kaito does not speak (${scheme})`);
    const scope = `repository:${this.ref.repository}:${action}`;
    const token = await this.fetchToken(params.realm, params.service, scope);
    registerSecret(token);
    this.authHeader = `Bearer ${token}`;
  }

  /** docker token auth spec (GET with Basic, or POST with a refresh token: OAuth2 form); ACR's /oauth2/exchange first. */
  private async fetchToken(realm: string, service: string | undefined, scope: string): Promise<string> {
    const cred = this.opts.credential;
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new OperationError(`registry ${this.ref.registry} sent a token realm that is not a URL`);
    }
    if (realmUrl.protocol !== 'https:' && !(realmUrl.protocol === 'http:' && isLoopbackRegistry(realmUrl.host))) throw new OperationError(`registry ${this.ref.registry} sent a token realm over plain HTTP (${realmUrl.origin}); refusing to send credentials there`);
    let refresh: string | undefined;
    if (cred?.kind === 'refresh-token') refresh = cred.token;
    if (cred?.kind === 'acr-entra') refresh = await this.acrExchange(realmUrl, service);
    let r: Resp;
    if (refresh) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, scope, ...(service ? { service } : {}), client_id: 'kaito' });
      r = await this.withRetry(() => this.raw('POST', realmUrl.toString(), { 'content-type': 'application/x-www-form-urlencoded' }, form.toString()), 'get a registry token');
    } else {
      const u = new URL(realmUrl);
      if (service) u.searchParams.set('service', service);
      u.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (cred?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      r = await this.withRetry(() => this.raw('GET', u.toString(), headers), 'get a registry token');
    }
    if (r.status === 401 || r.status === 403) {
      await r.body.dump();
      throw this.authFailed(r.status);
    }
    if (r.status !== 200) {
      await r.body.dump();
      throw new OperationError(`registry ${this.ref.registry}'s token service answered ${r.status}`);
    }
    const doc = (await r.body.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = doc.token ?? doc.access_token;
    if (!token) throw new OperationError(`registry ${this.ref.registry}'s token service sent no token`);
    return token;
  }

  /** ACR: Entra access token -> ACR refresh token (POST /oauth2/exchange, as `az acr login` does). */
  private async acrExchange(realm: URL, service: string | undefined): Promise<string> {
    const cred = this.opts.credential as Extract<RegistryCredential, { kind: 'acr-entra' }>;
    let aad: string;
    try {
      aad = await cred.getToken();
    } catch (e) {
      throw new AuthError(`cannot get an Entra token for registry ${this.ref.registry}: ${(e as Error).message.split('\n')[0]}`, 'run `az login`, or pass --registry-username USER --registry-password-stdin');
    }
    registerSecret(aad);
    const url = new URL('/oauth2/exchange', realm);
    const form = new URLSearchParams({ grant_type: 'access_token', service: service ?? this.ref.registry, access_token: aad });
    const r = await this.withRetry(() => this.raw('POST', url.toString(), { 'content-type': 'application/x-www-form-urlencoded' }, form.toString()), 'exchange the Entra token');
    if (r.status !== 200) {
      await r.body.dump();
      if (r.status === 401 || r.status === 403) throw new AuthError(`registry ${this.ref.registry} refused the Entra token (${r.status})`, 'your identity needs the AcrPull (or AcrPush) role on the registry');
      throw new OperationError(`registry ${this.ref.registry}'s /oauth2/exchange answered ${r.status}`);
    }
    const doc = (await r.body.json().catch(() => ({}))) as { refresh_token?: string };
    if (!doc.refresh_token) throw new OperationError(`registry ${this.ref.registry}'s /oauth2/exchange sent no refresh token`);
    registerSecret(doc.refresh_token);
    return doc.refresh_token;
  }

  private authFailed(status: number): AuthError {
    const who = this.opts.credential ? `the credentials from ${this.opts.credential.source}` : 'anonymous access';
    if (status === 403) return new AuthError(`registry ${this.ref.registry} denied access to ${this.ref.repository} (403) for ${who}`, 'use an identity allowed to push/pull this repository');
    const c = this.opts.credential;
    const fix = !c
      ? `log in: docker login ${this.ref.registry}, or pass --registry-username USER --registry-password-stdin`
      : c.kind === 'refresh-token'
        ? `its identity token has expired or was revoked: log in again (\`az acr login -n ${this.ref.registry.split('.')[0]}\` for ACR, or \`docker login ${this.ref.registry}\`)`
        : 'check the user name and password (or run `docker login` again)';
    return new AuthError(`registry ${this.ref.registry} refused ${who} for ${this.ref.repository} (401)`, fix);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.authHeader ? { authorization: this.authHeader } : {}), ...extra };
  }

  /** Runs fn, retrying 429/5xx/broken connections with backoff (Retry-After honoured, capped at 30 s). */
  private async withRetry(fn: () => Promise<Resp>, what: string): Promise<Resp> {
    const attempts = this.opts.attempts ?? 5;
    let delay = this.opts.backoffMs ?? 500;
    for (let i = 1; ; i++) {
      let failure: Retryable;
      try {
        const r = await fn();
        if (r.status !== 429 && r.status < 500) return r;
        await r.body.dump();
        failure = new Retryable(`registry ${this.ref.registry} answered ${r.status}`, r.status, retryAfter(r));
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        failure = e;
      }
      if (i >= attempts) throw this.gaveUp(failure, what, i);
      const wait = failure.retryAfterMs ?? delay;
      this.debug(`${failure.message}; retry ${i}/${attempts - 1} in ${wait} ms`);
      await sleep(wait, this.opts.signal);
      delay *= 2;
    }
  }

  private gaveUp(f: Retryable, what: string, tries: number): OperationError {
    const why = f.status === 429 ? `registry ${this.ref.registry} kept answering 429 Too Many Requests` : f.message;
    return new OperationError(`cannot ${what}: ${why} (${tries} tries)`, f.status === 429 ? 'the registry is rate-limiting; wait a minute and run the command again' : 'run the command again when the registry is reachable; an upload resumes where the registry has the bytes');
  }

  /** A request that is authenticated, retried, and re-authenticated once on 401 (expired or narrower token). */
  private async call(method: Dispatcher.HttpMethod, path: string, action: Action, extra: Record<string, string> = {}, body?: () => Buffer | string | undefined): Promise<Resp> {
    await this.authenticate(action);
    const base = await this.baseUrl();
    const url = path.startsWith('http') ? path : base + path;
    let r = await this.withRetry(() => this.raw(method, url, this.headers(extra), body?.()), `${method} ${path.startsWith('http') ? new URL(path).pathname : path}`);
    if (r.status === 401) {
      const challenge = header(r.headers, 'www-authenticate');
      await r.body.dump();
      await this.answerChallenge(challenge, action);
      r = await this.withRetry(() => this.raw(method, url, this.headers(extra), body?.()), `${method} ${path}`);
    }
    if (r.status === 401 || r.status === 403) {
      await r.body.dump();
      throw this.authFailed(r.status);
    }
    return r;
  }

  private async failure(r: Resp, what: string): Promise<OperationError> {
    const text = await r.body.text().catch(() => '');
    let detail = '';
    try {
      const e = (JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> }).errors?.[0];
      if (e) detail = `: ${e.code ?? ''}${e.message ? ` ${e.message}` : ''}`.slice(0, 200);
    } catch {
      /* not the spec's error body */
    }
    if (r.status === 404) return new OperationError(`${what}: not found in ${this.ref.registry}/${this.ref.repository} (404${detail})`, 'check the image name and tag');
    return new OperationError(`${what}: registry ${this.ref.registry} answered ${r.status}${detail}`);
  }

  async blobExists(digest: string, action: Action = 'pull'): Promise<boolean> {
    const r = await this.call('HEAD', `${this.repoPath()}/blobs/${digest}`, action);
    await r.body.dump();
    if (r.status === 200) return true;
    if (r.status === 404) return false;
    throw await this.failure(r, `check blob ${digest.slice(0, 19)}`);
  }

  /**
   * Cross-repository mount (distribution-spec "Mounting a blob from another repository"): 201 means the registry now
   * has the blob in this repository without an upload. A 202 is the spec's "cannot mount, here is an upload session
   * instead": that session is cancelled and false returned, so the caller uploads as usual.
   */
  async mountBlob(digest: string, from: string): Promise<boolean> {
    const q = new URLSearchParams({ mount: digest, from });
    const r = await this.call('POST', `${this.repoPath()}/blobs/uploads/?${q}`, 'pull,push', { 'content-length': '0' });
    await r.body.dump();
    if (r.status === 201) return true;
    if (r.status === 202) {
      const loc = header(r.headers, 'location');
      if (loc) await this.call('DELETE', this.resolve(loc), 'pull,push').then((d) => d.body.dump(), () => undefined);
      return false;
    }
    this.debug(`mount of ${digest.slice(0, 19)} from ${from} answered ${r.status}; uploading instead`);
    return false;
  }

  /**
   * Uploads a blob unless the registry has it. open(start) streams the content from byte `start` (never the whole
   * blob in memory); `checked` says the caller has just asked (HEAD) and the answer was no. Chunks go as PATCH with Content-Range; after a 5xx/429/broken connection the upload's status
   * (GET on its location: Range 0-N) says where to resume.
   */
  async pushBlob(desc: { digest: string; size: number }, open: (start: number, end: number) => Readable, onProgress?: (sent: number) => void, checked = false): Promise<'exists' | 'uploaded'> {
    if (!checked && (await this.blobExists(desc.digest, 'pull,push'))) {
      onProgress?.(desc.size);
      return 'exists';
    }
    const chunk = Math.max(1, this.opts.chunkSize ?? 64 * 1024 * 1024);
    const attempts = this.opts.attempts ?? 5;
    let location = await this.startUpload();
    let offset = 0;
    let failures = 0;
    let delay = this.opts.backoffMs ?? 500;
    while (offset < desc.size) {
      const end = Math.min(desc.size, offset + chunk) - 1;
      let problem: Retryable | undefined;
      try {
        // a 'data' listener would start the flow before undici reads the body (and lose what came first): count in a pipe
        let stream: Readable = open(offset, end);
        if (onProgress) {
          let sent = offset;
          const source = stream;
          const counter = new Transform({
            transform(b: Buffer, _e, cb) {
              onProgress((sent += b.length));
              cb(null, b);
            },
          });
          source.on('error', (e) => counter.destroy(e));
          stream = source.pipe(counter);
        }
        const r = await this.raw('PATCH', location, this.headers({ 'content-type': 'application/octet-stream', 'content-length': String(end - offset + 1), 'content-range': `${offset}-${end}` }), stream);
        if (r.status === 202) {
          await r.body.dump();
          location = this.resolve(header(r.headers, 'location') ?? location);
          const range = parseRange(header(r.headers, 'range'));
          offset = range !== undefined ? range + 1 : end + 1;
          failures = 0;
          continue;
        }
        if (r.status === 429 || r.status >= 500) {
          await r.body.dump();
          problem = new Retryable(`registry ${this.ref.registry} answered ${r.status}`, r.status, retryAfter(r));
        } else if (r.status === 401 || r.status === 403) {
          await r.body.dump();
          throw this.authFailed(r.status);
        } else if (r.status === 416) {
          await r.body.dump();
          problem = new Retryable(`registry ${this.ref.registry} answered 416 (range not satisfiable)`);
        } else {
          throw await this.failure(r, `upload blob ${desc.digest.slice(0, 19)}`);
        }
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        problem = e;
      }
      failures++;
      if (failures >= attempts) throw this.gaveUp(problem, `upload blob ${desc.digest.slice(0, 19)}`, failures);
      const wait = problem.retryAfterMs ?? delay;
      this.debug(`${problem.message} during upload at byte ${offset}; asking the registry where to resume in ${wait} ms`);
      await sleep(wait, this.opts.signal);
      delay *= 2;
      const status = await this.uploadStatus(location);
      if (status) {
        location = status.location;
        offset = status.next;
      } else {
        location = await this.startUpload();
        offset = 0;
      }
      onProgress?.(offset);
    }
    const put = new URL(location);
    put.searchParams.set('digest', desc.digest);
    const r = await this.call('PUT', put.toString(), 'pull,push', { 'content-length': '0' });
    if (r.status !== 201 && r.status !== 204 && r.status !== 200) throw await this.failure(r, `finish blob ${desc.digest.slice(0, 19)}`);
    await r.body.dump();
    return 'uploaded';
  }

  private resolve(loc: string): string {
    return new URL(loc, this.base).toString();
  }

  private async startUpload(): Promise<string> {
    const r = await this.call('POST', `${this.repoPath()}/blobs/uploads/`, 'pull,push', { 'content-length': '0' });
    if (r.status !== 202) throw await this.failure(r, 'start an upload');
    await r.body.dump();
    const loc = header(r.headers, 'location');
    if (!loc) throw new OperationError(`registry ${this.ref.registry} started an upload without a Location`);
    return this.resolve(loc);
  }

  /** GET on the upload URL: 204 with Range "0-N" (distribution-spec "Resuming an upload"); undefined when it is gone. */
  private async uploadStatus(location: string): Promise<{ location: string; next: number } | undefined> {
    const r = await this.call('GET', location, 'pull,push');
    await r.body.dump();
    if (r.status === 404) return undefined;
    if (r.status !== 204 && r.status !== 202 && r.status !== 200) throw new OperationError(`cannot resume the upload: registry ${this.ref.registry} answered ${r.status}`);
    const range = parseRange(header(r.headers, 'range'));
    return { location: this.resolve(header(r.headers, 'location') ?? location), next: range !== undefined ? range + 1 : 0 };
  }

  async pushManifest(body: Buffer, mediaType: string, tag: string): Promise<string> {
    const digest = `sha256:${sha256Hex(body)}`;
    const r = await this.call('PUT', `${this.repoPath()}/manifests/${tag}`, 'pull,push', { 'content-type': mediaType }, () => body);
    if (r.status !== 201 && r.status !== 200 && r.status !== 202) throw await this.failure(r, `push the manifest ${tag}`);
    await r.body.dump();
    return digest;
  }

  /** GET a manifest by tag or digest; its digest is computed and must match the reference and the registry's claim. */
  async getManifest(reference: string): Promise<{ mediaType: string; digest: string; body: Buffer; json: Record<string, unknown> }> {
    const r = await this.call('GET', `${this.repoPath()}/manifests/${reference}`, 'pull', { accept: MANIFEST_ACCEPT });
    if (r.status !== 200) throw await this.failure(r, `image ${this.ref.registry}/${this.ref.repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of r.body as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > MAX_MANIFEST_BYTES) throw new OperationError(`the manifest of ${this.ref.repository} is larger than 4 MiB; refusing it`);
      chunks.push(c);
    }
    const body = Buffer.concat(chunks);
    const digest = `sha256:${sha256Hex(body)}`;
    const claimed = header(r.headers, 'docker-content-digest');
    if (reference.startsWith('sha256:') && reference !== digest) throw new OperationError(`the manifest the registry sent for ${reference} has digest ${digest}; refusing it`, 'the registry (or something between) altered the manifest');
    if (claimed && claimed.startsWith('sha256:') && claimed !== digest) throw new OperationError(`the manifest of ${this.ref.repository} hashes to ${digest} but the registry says ${claimed}; refusing it`, 'the registry (or something between) altered the manifest');
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new OperationError(`the manifest of ${this.ref.repository} is not JSON`);
    }
    const mediaType = String(json.mediaType ?? header(r.headers, 'content-type') ?? '').split(';')[0]!.trim();
    return { mediaType, digest, body, json };
  }

  /** A blob's bytes as a stream (redirects followed; Authorization not sent to another host). Digest checked by the caller. */
  async getBlob(digest: string): Promise<Readable> {
    let r = await this.call('GET', `${this.repoPath()}/blobs/${digest}`, 'pull');
    let url = `${await this.baseUrl()}${this.repoPath()}/blobs/${digest}`;
    for (let hops = 0; r.status >= 300 && r.status < 400 && hops < 5; hops++) {
      const loc = header(r.headers, 'location');
      await r.body.dump();
      if (!loc) break;
      const next = new URL(loc, url);
      const same = next.host === new URL(url).host;
      url = next.toString();
      r = await this.withRetry(() => this.raw('GET', url, same ? this.headers() : {}), `download blob ${digest.slice(0, 19)}`);
    }
    if (r.status === 401 || r.status === 403) {
      await r.body.dump();
      throw this.authFailed(r.status);
    }
    if (r.status !== 200) throw await this.failure(r, `blob ${digest.slice(0, 19)}`);
    return r.body as unknown as Readable;
  }
}

function retryAfter(r: Resp): number | undefined {
  const v = header(r.headers, 'retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.min(30_000, Math.max(0, s * 1000));
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.min(30_000, Math.max(0, t - Date.now())) : undefined;
}

/** "0-1234" (or "bytes=0-1234") -> 1234 */
export function parseRange(v: string | undefined): number | undefined {
  const m = /^(?:bytes=)?(\d+)-(\d+)$/.exec((v ?? '').trim());
  return m ? Number(m[2]) : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new InterruptedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
