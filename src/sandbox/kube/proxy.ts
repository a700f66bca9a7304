// The API server's proxy subresource: /api/v1/namespaces/{ns}/services/{name}[:port]/proxy/{path} (and
// pods/{name}/proxy/...) for any method, streamed both ways to the inference emulator of the pod behind
// the Service. 503 when no ready pod backs it, like the real "no endpoints available".
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { selectorMatches } from './selectors.js';
import { isTuningPod, serveTuningMetrics } from '../controller/tuning-metrics.js';
import { ApiError, notFound } from './status.js';

type Obj = Record<string, any>;

export interface InferenceTarget {
  handle(target: { namespace: string; pod: string }, req: IncomingMessage, res: ServerResponse, path: string): void;
}

/** "name", "name:port", "scheme:name:port" (URL-decoded already) -> name and port. */
export function parseProxyName(raw: string): { name: string; port?: string; scheme?: string } {
  const parts = raw.split(':');
  if (parts.length === 3) return { scheme: parts[0], name: parts[1], port: parts[2] || undefined };
  if (parts.length === 2) return { name: parts[0], port: parts[1] || undefined };
  return { name: raw };
}

export function podReady(p: Obj): boolean {
  if (p.metadata?.deletionTimestamp) return false;
  return ((p.status?.conditions as Obj[]) ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The ready pod behind a Service: the first by name among those its selector matches. */
export function podForService(ctx: SandboxContext, ns: string, svc: Obj): Obj | undefined {
  const pods = ctx.store.list('/pods', ns, (p) => selectorMatches(svc.spec?.selector, p.metadata.labels)).items as Obj[];
  return pods.find(podReady);
}

export function serveProxy(ctx: SandboxContext, inference: InferenceTarget | undefined, req: IncomingMessage, res: ServerResponse, kind: 'Service' | 'Pod', ns: string, rawName: string, rest: string, search: string): void {
  const { name, port } = parseProxyName(rawName);
  let pod: Obj | undefined;
  if (kind === 'Service') {
    const svc = ctx.store.get('/services', ns, name) as Obj | undefined;
    if (!svc) throw notFound('services', name);
    if (port && !((svc.spec?.ports as Obj[]) ?? []).some((p) => String(p.port) === port || p.name === port))
      throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${rawName}"`);
    pod = podForService(ctx, ns, svc);
    if (!pod) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  } else {
    pod = ctx.store.get('/pods', ns, name) as Obj | undefined;
    if (!pod) throw notFound('pods', name);
    // a tuning pod serves Kaito's metrics server on 5000 (compat T6), not the inference emulator
    if (isTuningPod(pod as never)) return serveTuningMetrics(ctx, pod as never, port, '/' + rest + search, req.method ?? 'GET', res);
    if (!podReady(pod)) throw new ApiError(503, 'ServiceUnavailable', `pod "${name}" is not ready`);
  }
  if (!inference) throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: the inference emulator is not running`);
  inference.handle({ namespace: ns, pod: pod.metadata.name }, req, res, '/' + rest + search);
}
