// `kaito wait` machinery, also used by `kaito tune --wait` and `kaito deploy --wait`: watch the workspace,
// its Job, its pods and its NodeClaims (list+watch each, no polling), re-evaluate the verdict on every
// change, and end with success, a WorkspaceFailedError naming the root cause (exit 3), a TimeoutError
// naming the phase it was stuck in (exit 5), or InterruptedError on Ctrl-C (exit 130; nothing deleted).
import { InterruptedError, TimeoutError, UsageError, WorkspaceFailedError } from '../errors.js';
import { formatDuration } from '../core/duration.js';
import type { KubeClient, KubeObject } from './client.js';
import { resourcePath } from './client.js';
import { describeWaitFor, evaluate, type Observed, type Phase, type Verdict, type WaitFor, defaultWaitFor, workspaceKind } from './verdict.js';
import { watchCollection } from './watch.js';
import { workspaceNotFound } from './workspace.js';

export { parseWaitFor, defaultWaitFor, describeWaitFor, evaluate, workspaceKind, mainContainerOf, type WaitFor, type Verdict, type Phase, type Observed } from './verdict.js';

export const DEFAULT_TIMEOUT_MS = { tuning: 6 * 3_600_000, inference: 90 * 60_000 } as const;

export interface WaitOptions {
  name: string;
  namespace?: string;
  /** default: succeeded for tuning, ready for inference */
  for?: WaitFor;
  /** default: 6h tuning, 90m inference */
  timeoutMs?: number;
  signal: AbortSignal;
  /** Workspace API version to read (default kaito.sh/v1beta1) */
  apiVersion?: string;
  /** every phase change (and detail change), for the live line */
  onPhase?: (phase: Phase, detail: string | undefined, observed: Observed) => void;
  debug?: (m: string) => void;
  /** lines of the failing container's log to include (default 10) */
  logLines?: number;
}

export interface WaitResult {
  name: string;
  namespace: string;
  for: string;
  phase: Phase;
  message: string;
  elapsedMs: number;
  /** the workspace was already there on the first look: nothing was waited for (issue 17 item 10) */
  already?: boolean;
  workspace?: KubeObject;
}

export async function waitForWorkspace(kube: KubeClient, o: WaitOptions): Promise<WaitResult> {
  const ns = o.namespace ?? kube.namespace;
  const started = Date.now();
  const inner = new AbortController();
  const stopInner = () => inner.abort();
  o.signal.addEventListener('abort', stopInner, { once: true });
  const obs: Observed = { pods: [], nodeClaims: [] };
  const synced = { workspace: false, job: false, pods: false, nodeClaims: false };
  let target = o.for;
  let lastPhase: Phase = 'waiting for the controller';
  let lastDetail: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  try {
    return await new Promise<WaitResult>((resolve, reject) => {
      let settled = false;
      let waitedForChange = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        // close the watches after the caller has its answer: tearing down streams costs milliseconds
        setImmediate(() => inner.abort());
      };
      // issue 17 item 10: name what exists and how to pick it up again
      const interrupted = () =>
        new InterruptedError(`interrupted while waiting for workspace ${o.name} (${lastPhase}); it was not deleted and Kaito keeps working on it: \`kaito wait ${o.name}\` picks it up again, \`kaito delete ${o.name}\` removes it`);
      o.signal.addEventListener('abort', () => finish(() => reject(interrupted())), { once: true });
      if (o.signal.aborted) return finish(() => reject(interrupted()));

      const decide = () => {
        if (settled || !synced.workspace) return;
        if (!obs.workspace && target?.kind !== 'deleted' && lastPhase === 'waiting for the controller' && !seenWorkspace) {
          return finish(() => reject(workspaceNotFound(o.name, ns)));
        }
        if (obs.workspace) seenWorkspace = true;
        if (!target) target = defaultWaitFor(workspaceKind(obs.workspace));
        armTimer();
        // pods/claims/job not listed yet: only trust a success or the workspace's own verdict
        const v: Verdict = evaluate(obs, target);
        if (v.status === 'done') {
          const already = !waitedForChange;
          return finish(() => resolve({ name: o.name, namespace: ns, for: describeWaitFor(target!), phase: v.phase, message: v.message, elapsedMs: Date.now() - started, already, workspace: obs.workspace }));
        }
        if (v.status === 'failed') {
          if (!(synced.job && synced.pods && synced.nodeClaims) && v.reason !== 'NotFound') return;
          const verdict = v;
          return finish(() => {
            failure(kube, ns, verdict, o.logLines ?? 10, o.signal).then(reject, reject);
          });
        }
        waitedForChange = true;
        if (v.phase !== lastPhase || v.detail !== lastDetail) {
          lastPhase = v.phase;
          lastDetail = v.detail;
          o.onPhase?.(v.phase, v.detail, obs);
        }
      };
      let seenWorkspace = false;

      const armTimer = () => {
        if (timer || !target) return;
        const ms = o.timeoutMs ?? DEFAULT_TIMEOUT_MS[workspaceKind(obs.workspace)];
        const left = Math.max(0, ms - (Date.now() - started));
        timer = setTimeout(() => {
          finish(() =>
            reject(
              new TimeoutError(
                `timed out after ${formatDuration(ms)} waiting for ${o.name} to be ${describeWaitFor(target!)}; it was stuck in phase "${lastPhase}"${lastDetail ? ` (${lastDetail})` : ''}`,
                `see \`kaito status ${o.name}\` and \`kaito logs ${o.name}\`; wait longer with --timeout`,
              ),
            ),
          );
        }, left);
      };

      const run = (p: Promise<void>) =>
        p.catch((e) => {
          if (!inner.signal.aborted) finish(() => reject(kube.error(e, `watch workspace ${o.name}`)));
        });
      const wsPath = resourcePath('Workspace', ns, undefined, o.apiVersion ?? 'kaito.sh/v1beta1');
      const sel = `kaito.sh/workspace=${o.name}`;
      const common = { signal: inner.signal, debug: o.debug };
      run(watchCollection(kube, { ...common, path: wsPath, fieldSelector: `metadata.name=${o.name}`, onChange: (items) => { obs.workspace = items[0]; synced.workspace = true; decide(); } }));
      const needDetails = o.for?.kind !== 'deleted';
      if (needDetails) {
        run(watchCollection(kube, { ...common, path: resourcePath('Job', ns), fieldSelector: `metadata.name=${o.name}`, optional: true, onChange: (items) => { obs.job = items[0]; synced.job = true; decide(); } }));
        run(watchCollection(kube, { ...common, path: resourcePath('Pod', ns), labelSelector: sel, onChange: (items) => { obs.pods = items; synced.pods = true; decide(); } }));
        run(watchCollection(kube, { ...common, path: resourcePath('NodeClaim', undefined), labelSelector: sel, optional: true, onChange: (items) => { obs.nodeClaims = items; synced.nodeClaims = true; decide(); } }));
      } else {
        synced.job = synced.pods = synced.nodeClaims = true;
      }
    });
  } finally {
    if (timer) clearTimeout(timer);
    setImmediate(() => inner.abort());
    o.signal.removeEventListener('abort', stopInner);
  }
}

/** Builds the exit-3 error, with the last lines of the failing container's log. */
async function failure(kube: KubeClient, ns: string, v: Extract<Verdict, { status: 'failed' }>, lines: number, signal: AbortSignal): Promise<WorkspaceFailedError> {
  let msg = v.message;
  if (v.logFrom && lines > 0) {
    const tail = await logTail(kube, ns, v.logFrom.pod, v.logFrom.container, lines, v.logFrom.previous, signal).catch(() => []);
    if (tail.length > 0) msg += `\n  last ${tail.length} log lines of ${v.logFrom.pod} (container ${v.logFrom.container}):\n` + tail.map((l) => `    ${l}`).join('\n');
  }
  return new WorkspaceFailedError(msg, v.hint);
}

export async function logTail(kube: KubeClient, ns: string, pod: string, container: string, lines: number, previous: boolean | undefined, signal?: AbortSignal): Promise<string[]> {
  const path = `${resourcePath('Pod', ns, pod)}/log`;
  const get = async (prev: boolean) => {
    const res = await kube.fetch('GET', path, { query: { container, tailLines: lines, previous: prev || undefined }, accept: '*/*', signal });
    const text = await res.text();
    return res.status < 400 ? text : undefined;
  };
  let text = previous ? await get(true) : undefined;
  if (text === undefined || text.trim() === '') text = await get(false);
  return (text ?? '').split(/\r?\n/).filter((l) => l.trim() !== '').slice(-lines);
}
