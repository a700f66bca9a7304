// A robust list+watch of one collection (what client-node's Watch and informer do not give):
// list, then watch from the list's resourceVersion with bookmarks and a server-side timeout; when the
// stream ends, resume from the last seen resourceVersion; when it breaks, resume after a backoff;
// on 410 Gone, list again. No polling: between events the only open request is the watch.
import { AuthError, InterruptedError } from '../errors.js';
import type { KubeClient, KubeList, KubeObject } from './client.js';
import { isRetryable, KubeApiError, parseStatus, statusOf } from './errors.js';

export interface CollectionWatchOptions {
  /** collection path, e.g. /apis/kaito.sh/v1beta1/namespaces/ns/workspaces */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
  /** called with the full current set after every change (list or event) */
  onChange: (items: KubeObject[]) => void;
  /** a 404 on the collection (e.g. karpenter not installed) ends this watch quietly */
  optional?: boolean;
  debug?: (m: string) => void;
  /** server-side watch timeout (default 240-290 s, randomised so reconnects spread) */
  timeoutSeconds?: number;
}

interface WatchEvent { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: KubeObject & { code?: number; message?: string } }

class Gone extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new InterruptedError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new InterruptedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Runs until the signal aborts (resolves) or a fatal error (auth) rejects. */
export async function watchCollection(kube: KubeClient, o: CollectionWatchOptions): Promise<void> {
  const items = new Map<string, KubeObject>();
  const key = (x: KubeObject) => `${x.metadata.namespace ?? ''}/${x.metadata.name}`;
  const emit = () => o.onChange([...items.values()]);
  const debug = o.debug ?? (() => {});
  let rv: string | undefined;
  let failures = 0;
  const selectors = { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector };

  const list = async () => {
    const res = await kube.get<KubeList>(o.path, { query: selectors, signal: o.signal });
    items.clear();
    for (const it of res.items ?? []) items.set(key(it), it);
    rv = res.metadata?.resourceVersion;
    emit();
  };

  while (!o.signal.aborted) {
    try {
      if (rv === undefined) await list();
      const started = Date.now();
      await watchOnce();
      // the server ended the stream normally (timeoutSeconds, or a proxy cutting it): resume from rv;
      // a stream that ends at once, again and again, must not become a busy loop
      if (Date.now() - started < 1000) await sleep(200 + Math.random() * 300, o.signal);
    } catch (e) {
      if (o.signal.aborted) return;
      if (e instanceof Gone) {
        debug(`watch ${o.path}: resourceVersion ${rv} expired, listing again`);
        rv = undefined;
        continue;
      }
      const s = statusOf(e);
      if (s?.code === 401 || s?.code === 403) throw kube.error(e, `watch ${o.path}`);
      if (e instanceof AuthError) throw e;
      if (s?.code === 404 && o.optional) {
        items.clear();
        emit();
        return;
      }
      // only what a retry can fix is retried: 5xx/429 and broken connections
      if (!isRetryable(e) && (e as Error)?.message !== 'terminated') throw kube.error(e, `watch ${o.path}`);
      failures++;
      const ms = Math.min(5000, 100 * 2 ** Math.min(failures, 6)) * (0.75 + Math.random() * 0.5);
      debug(`watch ${o.path} broke (${(e as Error).message}); reconnecting in ${Math.round(ms)} ms`);
      try {
        await sleep(ms, o.signal);
      } catch {
        return;
      }
    }
  }

  async function watchOnce(): Promise<void> {
    const res = await kube.fetch('GET', o.path, {
      query: { ...selectors, watch: 1, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: o.timeoutSeconds ?? 240 + Math.floor(Math.random() * 50) },
      signal: o.signal,
      retry: false,
    });
    if (res.status === 410) {
      await res.body?.cancel().catch(() => {});
      throw new Gone();
    }
    if (res.status >= 400) throw new KubeApiError(res.status, parseStatus(await res.text()));
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) handle(JSON.parse(line) as WatchEvent);
      }
    }
  }

  function handle(ev: WatchEvent): void {
    if (ev.type === 'ERROR') {
      const code = ev.object.code;
      if (code === 410) throw new Gone();
      throw new KubeApiError(code ?? 500, { message: ev.object.message });
    }
    if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
    debug(`watch ${o.path}: ${ev.type} ${ev.object?.metadata?.name ?? ''} rv=${rv}`);
    if (ev.type === 'BOOKMARK') return;
    failures = 0;
    if (ev.type === 'DELETED') items.delete(key(ev.object));
    else items.set(key(ev.object), ev.object);
    emit();
  }
}
