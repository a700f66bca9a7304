// The emulated Kubernetes API server: authentication, routing of discovery, OpenAPI and resource
// requests, the verbs, and the subresources (status, log, proxy, portforward). Errors are Status objects.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { kaitoCrds, workspaceColumns, nodeClaimColumns } from './crds.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { startGarbageCollector } from './gc.js';
import { boolParam, dryRun, intParam, parseBody, readBody, sendError, sendJSON, wantsTable } from './http.js';
import { managerFromUserAgent } from './managed-fields.js';
import { openapiV3For, openapiV3Root } from './openapi.js';
import { Registry, type WriteOptions } from './registry.js';
import { apiVersionOf, findResource, type ResourceDef } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, badRequest, methodNotAllowed, notFound, status } from './status.js';
import { tableColumns, toTable } from './table.js';
import { serveWatch } from './watch.js';
import { reviewSelfAccess } from './access-review.js';
import { servePodLog } from './pod-log.js';
import { serveProxy, type InferenceTarget } from './proxy.js';
import { servePortForward } from './portforward.js';

export interface KubeApiOptions {
  token: string;
  /** the inference emulator behind Services and pods, when it is running */
  inference?: InferenceTarget;
}

export interface KubeApi {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  stop(): void;
}

interface Route {
  r: ResourceDef;
  version: string;
  namespace?: string;
  name?: string;
  sub?: string;
  rest?: string;
}

/** Parses /api/v1/... and /apis/{g}/{v}/... resource paths. */
export function parseResourcePath(pathname: string): Route | undefined {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1]) [group, version, rest] = ['', segs[1], segs.slice(2)];
  else if (segs[0] === 'apis' && segs[2]) [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  else return undefined;
  if (!rest.length) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const r = findResource(group, version, rest[0]);
  if (!r) return undefined;
  if (r.namespaced !== (namespace !== undefined) && !(r.namespaced && rest.length === 1)) return undefined;
  // the raw (undecoded) remainder for proxy paths
  const raw = pathname.split('/').filter(Boolean);
  const restRaw = raw.slice(raw.length - rest.length + 3).join('/');
  return { r, version, namespace, name: rest[1], sub: rest[2], rest: rest.length > 3 ? restRaw : undefined };
}

/** A client certificate the sandbox CA signed and that is valid now (the TLS layer checked both). */
function clientCertOk(req: IncomingMessage): boolean {
  const sock = req.socket as TLSSocket;
  return typeof sock.getPeerCertificate === 'function' && sock.authorized === true && Boolean(sock.getPeerCertificate()?.subject);
}

function authenticated(req: IncomingMessage, token: string): boolean {
  return tokenOk(req.headers.authorization, token) || clientCertOk(req);
}

function tokenOk(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Paths kubectl needs to start up; the api-5xx fault spares them so the client can still begin. */
const DISCOVERY = /^\/(version|api|apis|openapi\/.*|healthz|livez|readyz)\/?$|^\/apis\/[^/]+(\/[^/]+)?\/?$|^\/api\/v1\/?$/;

export function createKubeApi(ctx: SandboxContext, opts: KubeApiOptions): KubeApi {
  const registry = new Registry(ctx);
  const stopGc = startGarbageCollector(ctx);
  const serverAddress = () => new URL(ctx.baseUrl()).host;

  const crdColumns = (r: ResourceDef) =>
    r.key === 'kaito.sh/workspaces' ? workspaceColumns(ctx.kaitoVersion) : r.key === 'karpenter.sh/nodeclaims' ? nodeClaimColumns : undefined;

  async function handleResource(req: IncomingMessage, res: ServerResponse, url: URL, route: Route): Promise<void> {
    const { r, version, namespace, name, sub } = route;
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const present = (o: KObject) => registry.present(r, version, o);

    if (r.kind === 'SelfSubjectAccessReview') {
      if (method !== 'POST' || name) throw methodNotAllowed();
      return sendJSON(res, 201, reviewSelfAccess(parseBody(await readBody(req), req.headers['content-type'])));
    }
    if (sub === 'log' && r.kind === 'Pod' && name) return servePodLog(ctx, req, res, namespace!, name, q);
    if (sub === 'proxy' && name && (r.kind === 'Service' || r.kind === 'Pod')) return serveProxy(ctx, opts.inference, req, res, r.kind, namespace!, name, route.rest ?? '', url.search);
    if (sub === 'portforward') throw new ApiError(400, 'BadRequest', 'port-forward needs a WebSocket upgrade (v4.channel.k8s.io); SPDY is not supported by the sandbox');
    if (sub && sub !== 'status') throw notFound(`${r.plural}/${sub}`, name ?? '', r.group);
    if (sub === 'status' && !r.subresources.includes('status')) throw notFound(`${r.plural}/status`, name ?? '', r.group);

    const writeOpts = (body?: unknown): WriteOptions => ({
      dryRun: dryRun(q, body),
      fieldManager: q.get('fieldManager') || managerFromUserAgent(req.headers['user-agent']),
      fieldValidation: q.get('fieldValidation') || 'Warn',
      warnings: [],
    });
    const reply = (code: number, body: unknown, w?: WriteOptions) => {
      const headers: Record<string, string> = {};
      if (w?.warnings.length) headers.Warning = w.warnings.map((m) => `299 - ${JSON.stringify(m)}`).join(', ');
      sendJSON(res, code, body, headers);
    };

    if (!name) {
      // collection
      const filter = (() => {
        const l = parseLabelSelector(q.get('labelSelector'));
        const f = parseFieldSelector(q.get('fieldSelector'));
        return (o: KObject) => l(o) && f(o);
      })();
      if (method === 'GET') {
        const table = wantsTable(req.headers.accept) ? tableColumns(r.kind, crdColumns(r)) : undefined;
        if (boolParam(q, 'watch')) {
          return serveWatch(ctx, r, req, res, {
            namespace,
            resourceVersion: q.get('resourceVersion') ?? undefined,
            timeoutSeconds: intParam(q, 'timeoutSeconds'),
            bookmarks: boolParam(q, 'allowWatchBookmarks'),
            sendInitialEvents: boolParam(q, 'sendInitialEvents'),
            filter,
            present,
            apiVersion: apiVersionOf(r, version),
            table: table ? (objs, first) => toTable(objs, table, {}, q.get('includeObject'), first) : undefined,
          });
        }
        const { items, resourceVersion } = ctx.store.list(r.key, namespace, filter);
        const limit = intParam(q, 'limit');
        let start = 0;
        const cont = q.get('continue');
        if (cont) {
          try {
            const c = JSON.parse(Buffer.from(cont, 'base64url').toString()) as { after: string };
            start = items.findIndex((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > c.after);
            if (start < 0) start = items.length;
          } catch {
            throw badRequest('invalid continue token');
          }
        }
        const page = limit ? items.slice(start, start + limit) : items.slice(start);
        const meta: Record<string, unknown> = { resourceVersion };
        if (limit && start + limit < items.length) {
          const last = page[page.length - 1];
          meta.continue = Buffer.from(JSON.stringify({ after: `${last.metadata.namespace ?? ''}/${last.metadata.name}`, rv: resourceVersion })).toString('base64url');
          meta.remainingItemCount = items.length - start - page.length;
        }
        page.forEach(present);
        if (table) return sendJSON(res, 200, toTable(page, table, meta, q.get('includeObject')));
        return sendJSON(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r, version), metadata: meta, items: page });
      }
      if (method === 'POST') {
        const body = parseBody(await readBody(req), req.headers['content-type']);
        const w = writeOpts();
        return reply(201, present(registry.create(r, version, namespace, body, w)), w);
      }
      if (method === 'DELETE') {
        const body = await readOptionalJson(req);
        const { items } = ctx.store.list(r.key, namespace, filter);
        const deleted = items.map((o) => registry.delete(r, o.metadata.namespace, o.metadata.name, { dryRun: dryRun(q, body), propagationPolicy: q.get('propagationPolicy') ?? (body?.propagationPolicy as string | undefined) }).object);
        return sendJSON(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r, version), metadata: { resourceVersion: ctx.store.resourceVersion }, items: deleted.map(present) });
      }
      throw methodNotAllowed();
    }

    // one object
    const subres = sub === 'status' ? 'status' : undefined;
    switch (method) {
      case 'GET': {
        const o = present(registry.get(r, namespace, name));
        if (wantsTable(req.headers.accept)) return sendJSON(res, 200, toTable([o], tableColumns(r.kind, crdColumns(r)), { resourceVersion: o.metadata.resourceVersion }, q.get('includeObject')));
        return sendJSON(res, 200, o);
      }
      case 'PUT': {
        const body = parseBody(await readBody(req), req.headers['content-type']);
        const w = writeOpts();
        return reply(200, present(registry.update(r, version, namespace, name, body, w, subres)), w);
      }
      case 'PATCH': {
        const ct = req.headers['content-type'] ?? '';
        const body = parseBody(await readBody(req), ct);
        const w = { ...writeOpts(), force: boolParam(q, 'force') };
        const { object, created } = registry.patch(r, version, namespace, name, ct, body, w, subres);
        return reply(created ? 201 : 200, present(object), w);
      }
      case 'DELETE': {
        const body = await readOptionalJson(req);
        const pre = (body?.preconditions ?? {}) as { uid?: string; resourceVersion?: string };
        const { object, gone } = registry.delete(r, namespace, name, {
          dryRun: dryRun(q, body),
          propagationPolicy: q.get('propagationPolicy') ?? (body?.propagationPolicy as string | undefined),
          uid: pre.uid,
          resourceVersion: pre.resourceVersion,
        });
        return sendJSON(res, gone ? 200 : 202, present(object));
      }
      default:
        throw methodNotAllowed();
    }
  }

  async function readOptionalJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const buf = await readBody(req);
    if (!buf.length) return undefined;
    return parseBody(buf, req.headers['content-type']) as Record<string, unknown>;
  }

  function serveNonResource(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const p = url.pathname.replace(/\/$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (p === '/version') return sendJSON(res, 200, versionInfo()), true;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return true;
    }
    if (p === '/api') return sendJSON(res, 200, apiVersions(serverAddress())), true;
    if (p === '/apis') return sendJSON(res, 200, apiGroupList()), true;
    if (p === '/openapi/v3') return sendJSON(res, 200, openapiV3Root()), true;
    if (p.startsWith('/openapi/v3/')) {
      const doc = openapiV3For(p.slice('/openapi/v3/'.length));
      if (!doc) throw notFound('openapi', p);
      return sendJSON(res, 200, doc), true;
    }
    if (p === '/openapi/v2' || p === '/swagger-2.0.0.pb-v1' || p === '/swagger.json')
      throw new ApiError(404, 'NotFound', 'the sandbox serves OpenAPI v3 only (/openapi/v3)');
    let m = /^\/api\/(v1)$/.exec(p);
    if (m) return sendJSON(res, 200, apiResourceList('', m[1])), true;
    m = /^\/apis\/([^/]+)$/.exec(p);
    if (m) {
      const g = apiGroup(m[1]);
      if (!g) throw notFound('groups', m[1]);
      return sendJSON(res, 200, g), true;
    }
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const l = apiResourceList(m[1], m[2]);
      if (!l) throw notFound('groupversions', `${m[1]}/${m[2]}`);
      return sendJSON(res, 200, l), true;
    }
    return false;
  }

  function log(req: IncomingMessage, res: ServerResponse, url: URL) {
    res.on('finish', () => {
      ctx.requestLog.push({ time: Date.now(), api: 'kube', method: req.method ?? 'GET', path: url.pathname + url.search, status: res.statusCode, userAgent: req.headers['user-agent'] });
      if (ctx.requestLog.length > 100_000) ctx.requestLog.splice(0, 50_000);
    });
  }

  function fault(url: URL): ApiError | undefined {
    const p = ctx.faults.api5xx;
    if (!p || DISCOVERY.test(url.pathname) || Math.random() >= p) return undefined;
    return Math.random() < 0.5
      ? new ApiError(500, 'InternalError', 'Internal error occurred: injected by the sandbox (--fault api-5xx)')
      : new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request (injected by the sandbox: --fault api-5xx)', { retryAfterSeconds: 1 });
  }

  return {
    handle(req, res, url) {
      log(req, res, url);
      if (!authenticated(req, opts.token)) return sendJSON(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      const run = async () => {
        const f = fault(url);
        if (f) throw f;
        if (serveNonResource(req, res, url)) return;
        const route = parseResourcePath(url.pathname);
        if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        await handleResource(req, res, url, route);
      };
      run().catch((e) => {
        if (ctx.signal.aborted && res.headersSent) return void res.end();
        sendError(res, e);
      });
    },
    upgrade(req, socket, head, url) {
      const route = parseResourcePath(url.pathname);
      const reject = (code: number, msg: string) => {
        socket.end(`HTTP/1.1 ${code} ${msg}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(status(code, code === 401 ? 'Unauthorized' : 'BadRequest', msg))}`);
      };
      ctx.requestLog.push({ time: Date.now(), api: 'kube', method: req.method ?? 'GET', path: url.pathname + url.search, status: 101, userAgent: req.headers['user-agent'] });
      if (!authenticated(req, opts.token)) return reject(401, 'Unauthorized');
      if (!route || route.r.kind !== 'Pod' || route.sub !== 'portforward' || !route.name) return reject(400, 'only pods/portforward can be upgraded');
      servePortForward(ctx, opts.inference, req, socket, head, route.namespace!, route.name, url.searchParams);
    },
    stop() {
      stopGc();
    },
  };
}

export { kaitoCrds };
