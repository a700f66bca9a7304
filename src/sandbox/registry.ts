// The sandbox's OCI registry, registry.kaito-sandbox.test (SPEC "The sandbox"): the distribution API
// (distribution-spec v1.1: blobs HEAD/GET, uploads POST/PATCH/GET/PUT with Content-Range and Range, manifests
// PUT/GET/HEAD with Docker-Content-Digest, tags/list) behind ACR-style token auth (Azure Container Registry
// "AAD OAuth" docs, compat G1): GET /v2/ answers 401 with a Bearer challenge whose realm is
// /oauth2/token; POST /oauth2/exchange trades an Entra access token (the sandbox Entra's, ARM audience, as
// `az acr login` sends) for a refresh token; POST /oauth2/token trades it (or GET with Basic credentials, ACR's
// admin/token users) for an access token scoped to repository:NAME:pull[,push]. Storage is in memory.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.js';
import type { EntraEmulator } from './arm/index.js';

export const REGISTRY_HOST = 'registry.kaito-sandbox.test';
const MAX_UPLOAD = 512 * 1024 * 1024;
const MAX_BODY = 4 * 1024 * 1024;

interface Manifest { body: Buffer; mediaType: string }
interface Repo { manifests: Map<string, Manifest>; tags: Map<string, string>; blobs: Set<string> }
interface Upload { repo: string; chunks: Buffer[]; size: number }
interface Grant { repo: string; actions: Set<string>; exp: number }

export interface SandboxRegistry {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** in-process API for the emulated puller: the image's files under /data (layers untarred in order), or why not */
  readImage(ref: string): Promise<{ files: Map<string, Buffer> } | { error: string }>;
  /** in-process API for the emulated pusher: stores an image (blobs, manifest, tag) and returns its digest */
  putImage(ref: string, blobs: Buffer[], manifest: Buffer, mediaType: string): string;
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** "registry.kaito-sandbox.test:PORT/a/b:tag" -> {repo, reference}; undefined for another registry. */
export function sandboxRef(ref: string): { repo: string; reference: string } | undefined {
  const m = /^registry\.kaito-sandbox\.test(?::\d+)?\/([a-z0-9._/-]+?)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(ref);
  if (!m) return undefined;
  return { repo: m[1]!, reference: m[3] ?? m[2] ?? 'latest' };
}

export function createSandboxRegistry(ctx: SandboxContext, entra: EntraEmulator): SandboxRegistry {
  const blobs = new Map<string, Buffer>();
  const repos = new Map<string, Repo>();
  const uploads = new Map<string, Upload>();
  const refreshTokens = new Map<string, { sub: string; exp: number }>();
  const grants = new Map<string, Grant>();
  const repo = (name: string) => {
    let r = repos.get(name);
    if (!r) repos.set(name, (r = { manifests: new Map(), tags: new Map(), blobs: new Set() }));
    return r;
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    ctx.requestLog.push({ time: Date.now(), api: 'registry', method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, status, userAgent: req.headers['user-agent'] });
    const buf = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-length': String(buf.length), ...(Buffer.isBuffer(body) ? {} : { 'content-type': 'application/json' }), 'docker-distribution-api-version': 'registry/2.0', ...headers });
    res.end(req.method === 'HEAD' ? undefined : buf);
  };
  const err = (req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    send(req, res, status, { errors: [{ code, message, detail: null }] }, headers);
  const origin = (req: IncomingMessage) => `https://${req.headers.host ?? REGISTRY_HOST}`;
  const challenge = (req: IncomingMessage, scope?: string) => ({
    'www-authenticate': `Bearer realm="${origin(req)}/oauth2/token",service="${REGISTRY_HOST}"${scope ? `,scope="${scope}"` : ''}`,
  });

  async function body(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req) {
      n += (c as Buffer).length;
      if (n > max) return undefined;
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function entraSubject(token: string): string | undefined {
    const claims = entra.verify(token);
    if (!claims || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now() || claims.tid !== entra.tenantId) return undefined;
    return String(claims.oid ?? claims.sub ?? 'unknown');
  }

  function issueAccess(scope: string | null): { access_token: string } {
    const token = randomBytes(24).toString('base64url');
    const m = /^repository:([^:]+):(.+)$/.exec(scope ?? '');
    grants.set(token, { repo: m?.[1] ?? '', actions: new Set((m?.[2] ?? '').split(',')), exp: Date.now() + 3600_000 });
    return { access_token: token };
  }

  async function oauth(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/oauth2/exchange' && req.method === 'POST') {
      const form = new URLSearchParams((await body(req, MAX_BODY))?.toString() ?? '');
      if (form.get('grant_type') !== 'access_token') return send(req, res, 400, { error: 'unsupported_grant_type' });
      const sub = entraSubject(form.get('access_token') ?? '');
      if (!sub) return send(req, res, 401, { error: 'invalid_token', error_description: 'the Entra access token is invalid or expired' });
      const refresh = randomBytes(24).toString('base64url');
      refreshTokens.set(refresh, { sub, exp: Date.now() + 3 * 3600_000 });
      return send(req, res, 200, { refresh_token: refresh });
    }
    if (path === '/oauth2/token') {
      if (req.method === 'POST') {
        const form = new URLSearchParams((await body(req, MAX_BODY))?.toString() ?? '');
        const rt = refreshTokens.get(form.get('refresh_token') ?? '');
        if (form.get('grant_type') !== 'refresh_token' || !rt || rt.exp < Date.now()) return send(req, res, 401, { error: 'invalid_grant' });
        return send(req, res, 200, issueAccess(form.get('scope')));
      }
      if (req.method === 'GET') {
        // Basic credentials (ACR's admin user or a repository-scoped token): any user with a non-empty password
        const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
        const i = decoded.indexOf(':');
        if (i <= 0 || i === decoded.length - 1) return send(req, res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
        return send(req, res, 200, issueAccess(url.searchParams.get('scope')));
      }
    }
    return err(req, res, 404, 'NOT_FOUND', 'not found');
  }

  function authorised(req: IncomingMessage, name: string, action: 'pull' | 'push'): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const g = m ? grants.get(m[1]!) : undefined;
    return !!g && g.exp > Date.now() && g.repo === name && g.actions.has(action);
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    if (path === '/v2/' || path === '/v2') {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (m && grants.has(m[1]!)) return send(req, res, 200, {});
      return err(req, res, 401, 'UNAUTHORIZED', 'authentication required', challenge(req));
    }
    const m = /^\/v2\/(.+?)\/(blobs\/uploads\/?([^/]*)|blobs\/(sha256:[a-f0-9]{64})|manifests\/([^/]+)|tags\/list)$/.exec(path);
    if (!m) return err(req, res, 404, 'NOT_FOUND', 'not found');
    const name = m[1]!;
    const write = req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT' || req.method === 'DELETE';
    const action = write ? 'push' : 'pull';
    if (!authorised(req, name, action)) return err(req, res, 401, 'UNAUTHORIZED', 'authentication required', challenge(req, `repository:${name}:${write ? 'pull,push' : 'pull'}`));
    const r = repo(name);
    if (m[2]!.startsWith('blobs/uploads')) {
      const id = m[3];
      if (!id && req.method === 'POST') {
        const uuid = randomUUID();
        uploads.set(uuid, { repo: name, chunks: [], size: 0 });
        return send(req, res, 202, undefined, { location: `/v2/${name}/blobs/uploads/${uuid}`, range: '0-0', 'docker-upload-uuid': uuid });
      }
      const up = id ? uploads.get(id) : undefined;
      if (!up || up.repo !== name) return err(req, res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
      const range = () => ({ location: `/v2/${name}/blobs/uploads/${id}`, range: `0-${Math.max(0, up.size - 1)}`, 'docker-upload-uuid': id! });
      if (req.method === 'GET') return send(req, res, 204, undefined, range());
      if (req.method === 'PATCH' || req.method === 'PUT') {
        const cr = req.headers['content-range'];
        if (req.method === 'PATCH' && typeof cr === 'string') {
          const c = /^(\d+)-(\d+)$/.exec(cr);
          if (!c || Number(c[1]) !== up.size) return err(req, res, 416, 'BLOB_UPLOAD_INVALID', `range ${cr} does not continue the upload at ${up.size}`, range());
        }
        const data = await body(req, MAX_UPLOAD - up.size);
        if (!data) return err(req, res, 413, 'SIZE_INVALID', 'upload too large for the sandbox registry');
        if (data.length) {
          up.chunks.push(data);
          up.size += data.length;
        }
        if (req.method === 'PATCH') return send(req, res, 202, undefined, range());
        const digest = url.searchParams.get('digest') ?? '';
        const all = Buffer.concat(up.chunks);
        if (sha(all) !== digest) return err(req, res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
        uploads.delete(id!);
        blobs.set(digest, all);
        r.blobs.add(digest);
        return send(req, res, 201, undefined, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
      }
      return err(req, res, 405, 'UNSUPPORTED', 'method not allowed');
    }
    if (m[4]) {
      const digest = m[4];
      const b = r.blobs.has(digest) ? blobs.get(digest) : undefined;
      if (!b) return err(req, res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
      return send(req, res, 200, b, { 'content-type': 'application/octet-stream', 'docker-content-digest': digest });
    }
    if (m[5]) {
      const reference = decodeURIComponent(m[5]);
      if (req.method === 'PUT') {
        const b = await body(req, MAX_BODY);
        if (!b) return err(req, res, 413, 'SIZE_INVALID', 'manifest too large');
        let doc: { config?: { digest?: string }; layers?: Array<{ digest?: string }>; manifests?: Array<{ digest?: string }> };
        try {
          doc = JSON.parse(b.toString('utf8'));
        } catch {
          return err(req, res, 400, 'MANIFEST_INVALID', 'manifest invalid');
        }
        const refs = [doc.config?.digest, ...(doc.layers ?? []).map((l) => l.digest)].filter(Boolean) as string[];
        const missing = refs.find((d) => !r.blobs.has(d));
        if (missing) return err(req, res, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missing}`);
        const digest = sha(b);
        if (reference.startsWith('sha256:') && reference !== digest) return err(req, res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
        r.manifests.set(digest, { body: b, mediaType: String(req.headers['content-type'] ?? '').split(';')[0]! });
        if (!reference.startsWith('sha256:')) r.tags.set(reference, digest);
        return send(req, res, 201, undefined, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
      }
      const digest = reference.startsWith('sha256:') ? reference : r.tags.get(reference);
      const mf = digest ? r.manifests.get(digest) : undefined;
      if (!mf) return err(req, res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      return send(req, res, 200, mf.body, { 'content-type': mf.mediaType, 'docker-content-digest': digest! });
    }
    return send(req, res, 200, { name, tags: [...r.tags.keys()] });
  }

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'https://x');
      const path = url.pathname;
      const run = path.startsWith('/oauth2/') ? oauth(req, res, path, url) : api(req, res, path, url);
      run.catch((e: Error) => {
        if (!res.headersSent) err(req, res, 500, 'UNKNOWN', e.message);
        else res.destroy();
      });
    },
    async readImage(ref) {
      const sr = sandboxRef(ref);
      if (!sr) return { error: `${ref} is not on ${REGISTRY_HOST}` };
      const r = repos.get(sr.repo);
      const digest = sr.reference.startsWith('sha256:') ? sr.reference : r?.tags.get(sr.reference);
      const mf = digest ? r?.manifests.get(digest) : undefined;
      if (!r || !mf) return { error: `manifest unknown: ${ref}` };
      const doc = JSON.parse(mf.body.toString('utf8')) as { layers?: Array<{ digest: string; mediaType: string }> };
      const files = new Map<string, Buffer>();
      const [{ gunzipSync }, tar] = await Promise.all([import('node:zlib'), import('tar-stream')]);
      for (const l of doc.layers ?? []) {
        const blob = blobs.get(l.digest);
        if (!blob) return { error: `blob unknown: ${l.digest}` };
        const raw = /gzip/.test(l.mediaType) ? gunzipSync(blob) : blob;
        const ex = tar.default.extract();
        await new Promise<void>((resolve, reject) => {
          ex.on('entry', (h, stream, next) => {
            const parts: Buffer[] = [];
            stream.on('data', (c: unknown) => void parts.push(c as Buffer));
            stream.on('end', () => {
              const n = h.name.replace(/^\.?\//, '');
              if (h.type === 'file' && n.startsWith('data/')) files.set(n.slice(5), Buffer.concat(parts));
              next();
            });
          });
          ex.on('finish', () => resolve());
          ex.on('error', reject);
          ex.end(raw);
        });
      }
      return { files };
    },
    putImage(ref, blobList, manifest, mediaType) {
      const sr = sandboxRef(ref);
      if (!sr) throw new Error(`${ref} is not on ${REGISTRY_HOST}`);
      const r = repo(sr.repo);
      for (const b of blobList) {
        const d = sha(b);
        blobs.set(d, b);
        r.blobs.add(d);
      }
      const digest = sha(manifest);
      r.manifests.set(digest, { body: manifest, mediaType });
      if (!sr.reference.startsWith('sha256:')) r.tags.set(sr.reference, digest);
      return digest;
    },
  };
}
