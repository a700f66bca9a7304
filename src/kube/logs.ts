// Pod logs: one-shot reads and a follow that survives dropped streams. Lines are requested with
// timestamps; after a drop the stream resumes with sinceTime=<last timestamp> and lines already seen
// at that timestamp are skipped, so nothing is printed twice and nothing is lost.
import { InterruptedError } from '../errors.js';
import type { KubeClient } from './client.js';
import { resourcePath } from './client.js';
import { KubeApiError, parseStatus, statusOf } from './errors.js';

export interface LogLine { time?: string; text: string }

export interface FollowOptions {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  signal: AbortSignal;
  onLine: (l: LogLine) => void;
  debug?: (m: string) => void;
  /** max reconnects in a row without a new line (default 30) */
  maxRetries?: number;
  /** true: stop following when the container has terminated (checked after a stream ends) */
  stopWhenTerminated?: () => Promise<boolean>;
}

const TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/s;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new InterruptedError());
    }, { once: true });
  });

/** Streams a container's log; resolves when it ends (container finished) or the signal aborts. */
export async function streamLogs(kube: KubeClient, o: FollowOptions): Promise<void> {
  const path = `${resourcePath('Pod', o.namespace, o.pod)}/log`;
  let lastTs: string | undefined;
  let seenAtLast = new Set<string>();
  let first = true;
  let retries = 0;
  const max = o.maxRetries ?? 30;
  while (!o.signal.aborted) {
    const query: Record<string, string | number | boolean | undefined> = { container: o.container, timestamps: true, follow: o.follow || undefined };
    if (first) {
      query.tailLines = o.tailLines;
      query.sinceSeconds = o.sinceSeconds;
    } else if (lastTs) query.sinceTime = lastTs.replace(/\.\d+/, '');
    let gotLine = false;
    try {
      const res = await kube.fetch('GET', path, { query, accept: '*/*', signal: o.signal, retry: first });
      if (res.status >= 400) throw new KubeApiError(res.status, parseStatus(await res.text()));
      first = false;
      if (res.body) {
        const decoder = new TextDecoder();
        let buf = '';
        const emit = (raw: string) => {
          const m = TS.exec(raw);
          const time = m?.[1];
          const text = m ? m[2] : raw;
          if (time && lastTs) {
            if (time < lastTs) return;
            if (time === lastTs && seenAtLast.has(text)) return;
          }
          if (time && time !== lastTs) {
            lastTs = time;
            seenAtLast = new Set();
          }
          seenAtLast.add(text);
          gotLine = true;
          o.onLine({ time, text });
        };
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            emit(buf.slice(0, nl).replace(/\r$/, ''));
            buf = buf.slice(nl + 1);
          }
        }
        if (buf) emit(buf);
      }
      if (!o.follow) return;
      // the stream ended: the container stopped, or the connection was cut
      if (o.stopWhenTerminated && (await o.stopWhenTerminated().catch(() => false))) return;
    } catch (e) {
      if (o.signal.aborted) return;
      const s = statusOf(e);
      // a container that has not started yet answers 400 ("waiting to start", PodInitializing): -f waits for it
      const starting = s?.code === 400 && /waiting to start|PodInitializing|ContainerCreating/i.test(s.status.message ?? '');
      if (s && (s.code === 401 || s.code === 403 || s.code === 404 || (s.code === 400 && !(o.follow && starting)))) throw kube.error(e, `read logs of ${o.pod}/${o.container}`);
      if (!o.follow) throw kube.error(e, `read logs of ${o.pod}/${o.container}`);
      o.debug?.(`log stream of ${o.pod}/${o.container} broke: ${(e as Error).message}`);
    }
    retries = gotLine ? 0 : retries + 1;
    if (retries > max) return;
    await sleep(Math.min(5000, 200 * 2 ** Math.min(retries, 5)), o.signal).catch(() => undefined);
  }
}
