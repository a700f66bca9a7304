// The tuning side of the Workspace reconciler: the revision hash, the Job, and the tuning verdict (KAITO.md §4, §3).
import { createHash } from 'node:crypto';
import { versionAtLeast, type SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { removeCondition, setCondition } from './conditions.js';
import { recordEvent } from './events.js';
import { REVISION_ANNOTATION } from './manifests.js';
import { JOB_RES, patchObject, POD_RES, tryCreate, tryDelete, WS_RES } from './objects.js';
import { tuningJob } from './tuning-manifests.js';
import type { Condition, WorkspaceView } from './types.js';

export const HASH_ANNOTATION = 'workspace.kaito.io/hash';

type JobStatus = { active?: number; succeeded?: number; failed?: number; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };

/** tuning input/output/config changes replace the Job: remembered as a hash and a revision counter */
export function trackRevision(ctx: SandboxContext, ws: KObject, v: WorkspaceView): KObject {
  const t = v.tuning!;
  const hash = createHash('sha256').update(JSON.stringify({ input: t.input, output: t.output, config: t.config ?? '' })).digest('hex').slice(0, 16);
  const ann = ws.metadata.annotations ?? {};
  if (ann[HASH_ANNOTATION] === hash && ann[REVISION_ANNOTATION]) return ws;
  const revision = ann[REVISION_ANNOTATION] ? String(Number(ann[REVISION_ANNOTATION]) + 1) : '1';
  return (
    patchObject(ctx.store, WS_RES, v.namespace, v.name, (o) => {
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [HASH_ANNOTATION]: hash, [REVISION_ANNOTATION]: revision };
    }) ?? ws
  );
}


export function reconcileTuning(ctx: SandboxContext, ws: KObject, v: WorkspaceView, status: Record<string, unknown>, conds: Condition[], workerNodes: string[]): void {
  const { store } = ctx;
  const gen = v.generation;
  const revision = ws.metadata.annotations?.[REVISION_ANNOTATION] ?? '1';
  let job = store.get(JOB_RES, v.namespace, v.name);
  if (job && job.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
    ctx.log('kaito', `workspace ${v.namespace}/${v.name}: tuning spec changed, replacing job (revision ${revision})`);
    tryDelete(store, JOB_RES, v.namespace, v.name);
    for (const p of store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.['job-name'] === v.name).items) tryDelete(store, POD_RES, v.namespace, p.metadata.name);
    job = undefined;
    removeCondition(conds, 'JobStarted');
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: `tuning job replaced for revision ${revision}`, observedGeneration: gen });
  }
  // compat T3: from 0.10 Kaito sizes the tuning pod from the SKU table; with no instanceType (BYO) the lookup
  // fails, no Job is created, and every condition carries the error as "(last reconcile error: ...)"
  if (!job && !v.instanceType && versionAtLeast(ctx.kaitoVersion, '0.10')) {
    const err = `invalid value: Unsupported SKU '${v.instanceType ?? ''}' for cloud provider: sku`;
    const withErr = (m: string) => `${m} (last reconcile error: ${err})`;
    setCondition(conds, { type: 'JobStarted', status: 'False', reason: 'WorkspaceTuningJobStatusPending', message: withErr('Tuning job has not started'), observedGeneration: gen });
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'workspacePending', message: withErr('workspace is initializing, tuning job has not started'), observedGeneration: gen });
    status.state = 'Pending';
    return;
  }
  if (!job) {
    const j = tuningJob(ws, v, revision, ctx);
    (j.metadata.annotations as Record<string, string>)['kaito.sh/worker-node'] = workerNodes[0] ?? '';
    job = tryCreate(store, JOB_RES, j) ?? store.get(JOB_RES, v.namespace, v.name);
    if (job) recordEvent(store, ws, 'Normal', 'JobCreated', `Created tuning job ${v.name}`, 'kaito-workspace');
  }
  if (!job) return;
  const js = (job.status ?? {}) as JobStatus;
  const failedPods = js.failed ?? 0;
  if (failedPods > 0 && ctx.kaitoVersion === '0.6') {
    // compat T2: 0.6 reports the failed pod count on JobStarted only; state/WorkspaceSucceeded say nothing
    setCondition(conds, { type: 'JobStarted', status: 'False', reason: 'WorkspaceTuningJobStatusFailed', message: `job ${v.name} has failed ${failedPods} pods`, observedGeneration: gen });
    return;
  }
  if (failedPods > 0) {
    // compat T2: 0.10+ the Workspace is Failed at the first failed pod and stays so, even if a retry succeeds
    setCondition(conds, { type: 'JobStarted', status: 'False', reason: 'WorkspaceTuningJobStatusFailed', message: 'tuning job failed', observedGeneration: gen });
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'workspaceFailed', message: 'tuning job failed', observedGeneration: gen });
    status.state = 'Failed';
    return;
  }
  setCondition(conds, { type: 'JobStarted', status: 'True', reason: 'JobStarted', message: `Tuning job ${v.name} has started`, observedGeneration: gen });
  if ((js.succeeded ?? 0) > 0) {
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'True', reason: 'WorkspaceSucceeded', message: 'workspace succeeds', observedGeneration: gen });
    status.state = 'Succeeded';
  } else {
    // compat T4: with output.image a failed trainer leaves the pusher waiting: the pod stays Running, no failure here
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'tuning job has not finished', observedGeneration: gen });
    status.state = (js.active ?? 0) > 0 ? 'Running' : 'Pending';
  }
}
