// GET /api/v1/namespaces/{ns}/pods/{name}/log: container logs from ctx.podLogs with container,
// follow, tailLines, sinceSeconds, sinceTime, previous, timestamps and limitBytes, as the kubelet serves them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import type { LogLine } from '../logs.js';
import { boolParam, intParam } from './http.js';
import { ApiError, badRequest, notFound } from './status.js';

type Obj = Record<string, any>;

function containerState(pod: Obj, container: string): Obj | undefined {
  const all = [...((pod.status?.initContainerStatuses as Obj[]) ?? []), ...((pod.status?.containerStatuses as Obj[]) ?? [])];
  return all.find((c) => c.name === container);
}

export function servePodLog(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, ns: string, name: string, q: URLSearchParams): void {
  const pod = ctx.store.get('/pods', ns, name) as Obj | undefined;
  if (!pod) throw notFound('pods', name);
  const names = [...((pod.spec?.initContainers as Obj[]) ?? []), ...((pod.spec?.containers as Obj[]) ?? [])].map((c) => String(c.name));
  const main = ((pod.spec?.containers as Obj[]) ?? []).map((c) => String(c.name));
  let container = q.get('container') ?? '';
  if (!container) {
    if (main.length !== 1) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.join(' ')}]${names.length > main.length ? ` or one of the init containers: [${names.filter((n) => !main.includes(n)).join(' ')}]` : ''}`);
    container = main[0];
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const state = containerState(pod, container)?.state as Obj | undefined;
  const previous = boolParam(q, 'previous');
  if (!ctx.podLogs.has(ns, name, container) && (!state || state.waiting)) {
    const reason = state?.waiting?.reason ?? 'ContainerCreating';
    throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const sinceTime = q.get('sinceTime');
  let sinceSeconds = intParam(q, 'sinceSeconds');
  if (sinceTime && sinceSeconds === undefined) sinceSeconds = Math.max(0, (Date.now() - Date.parse(sinceTime)) / 1000);
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const timestamps = boolParam(q, 'timestamps');
  const follow = boolParam(q, 'follow') && !previous;
  let sent = 0;
  let done = false;
  const fmt = (l: LogLine) => (timestamps ? `${new Date(l.time).toISOString().replace('Z', '000000Z')} ` : '') + l.text + '\n';
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
  let stop = () => {};
  const finish = () => {
    if (done) return;
    done = true;
    stop();
    ctx.signal.removeEventListener('abort', finish);
    res.end();
  };
  const write = (l: LogLine) => {
    if (done) return;
    const s = fmt(l);
    if (limitBytes !== undefined && sent + Buffer.byteLength(s) > limitBytes) {
      res.write(Buffer.from(s).subarray(0, limitBytes - sent));
      return finish();
    }
    sent += Buffer.byteLength(s);
    res.write(s);
  };
  for (const l of ctx.podLogs.read(ns, name, container, { tailLines, sinceSeconds, previous })) write(l);
  const terminated = !!state?.terminated;
  if (!follow || terminated || done) return finish();
  stop = ctx.podLogs.follow(ns, name, container, write, finish);
  req.on('close', finish);
  res.on('close', finish);
  ctx.signal.addEventListener('abort', finish, { once: true });
}
