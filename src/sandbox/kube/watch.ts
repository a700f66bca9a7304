// Watch streams: newline-delimited {"type","object"} events from a resourceVersion (or the current
// state as ADDED events), label/field selectors, BOOKMARKs, timeoutSeconds, Table events for kubectl,
// and 410 Gone as an ERROR event when the version was compacted away. Streams end on timeout, the
// watch-cut fault, the client leaving or the sandbox stopping.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import { StoreError, type KObject } from '../store.js';
import type { ResourceDef } from './resources.js';
import { status } from './status.js';

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  timeoutSeconds?: number;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  filter: (o: KObject) => boolean;
  present: (o: KObject) => KObject;
  /** Table conversion for kubectl get -w: (objects, first event?) => Table */
  table?: (objs: KObject[], first: boolean) => unknown;
  apiVersion: string;
}

/** Real seconds between BOOKMARK events (client-node's Watch gives up after 30 s of silence). */
export const BOOKMARK_INTERVAL_MS = 5000;

export function serveWatch(ctx: SandboxContext, r: ResourceDef, req: IncomingMessage, res: ServerResponse, opts: WatchOptions): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let first = true;
  let closed = false;
  const write = (type: string, obj: unknown) => {
    if (closed) return;
    res.write(JSON.stringify({ type, object: obj }) + '\n');
  };
  const emit = (type: string, o: KObject) => {
    const p = opts.present(o);
    if (opts.table) {
      write(type, opts.table([p], first));
      first = false;
    } else write(type, p);
  };
  const timers: NodeJS.Timeout[] = [];
  let stopWatch: () => void = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t); // also clears intervals
    stopWatch();
    ctx.signal.removeEventListener('abort', close);
    res.end();
  };
  req.on('close', close);
  res.on('close', close);
  ctx.signal.addEventListener('abort', close, { once: true });

  const rvParam = opts.resourceVersion;
  let fromRV: number | undefined = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
  if (fromRV !== undefined && !Number.isFinite(fromRV)) {
    write('ERROR', status(400, 'BadRequest', `invalid resource version "${rvParam}"`));
    close();
    return;
  }
  const initial = fromRV === undefined || opts.sendInitialEvents;
  try {
    if (initial) {
      const { items, resourceVersion } = ctx.store.list(r.key, opts.namespace, opts.filter);
      for (const o of items) emit('ADDED', o);
      fromRV = Number(resourceVersion);
      if (opts.sendInitialEvents && opts.bookmarks)
        write('BOOKMARK', { kind: r.kind, apiVersion: opts.apiVersion, metadata: { resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } } });
    }
    stopWatch = ctx.store.watch(
      r.key,
      fromRV,
      (e) => {
        if (opts.filter(e.object)) emit(e.type, e.object);
      },
      opts.namespace,
    );
  } catch (e) {
    if (e instanceof StoreError && e.status === 410) {
      write('ERROR', status(410, 'Expired', e.message));
      close();
      return;
    }
    throw e;
  }
  if (opts.bookmarks) {
    const every = setInterval(() => write('BOOKMARK', { kind: r.kind, apiVersion: opts.apiVersion, metadata: { resourceVersion: ctx.store.resourceVersion } }), BOOKMARK_INTERVAL_MS);
    timers.push(every);
  }
  if (opts.timeoutSeconds) timers.push(setTimeout(close, opts.timeoutSeconds * 1000));
  if (ctx.faults.watchCutSeconds) timers.push(setTimeout(close, ctx.faults.watchCutSeconds * 1000));
}
