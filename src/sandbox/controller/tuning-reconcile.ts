// The tuning side of the Workspace reconciler: the revision hash, the Job, and the tuning verdict (KAITO.md §4, §3).
import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context.js';
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
  if (!job) {
    const j = tuningJob(ws, v, revision, ctx);
    (j.metadata.annotations as Record<string, string>)['kaito.sh/worker-node'] = workerNodes[0] ?? '';
    job = tryCreate(store, JOB_RES, j) ?? store.get(JOB_RES, v.namespace, v.name);
    if (job) recordEvent(store, ws, 'Normal', 'JobCreated', `Created tuning job ${v.name}`, 'kaito-workspace');
  }
  if (!job) return;
  setCondition(conds, { type: 'JobStarted', status: 'True', reason: 'JobStarted', message: `Tuning job ${v.name} has started`, observedGeneration: gen });
  const js = (job.status ?? {}) as JobStatus;
  const failedCond = js.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if ((js.succeeded ?? 0) > 0) {
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'True', reason: 'WorkspaceSucceeded', message: 'workspace succeeds', observedGeneration: gen });
    status.state = 'Succeeded';
  } else if (failedCond && ctx.kaitoVersion === '0.12') {
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspaceFailed', message: `tuning job ${v.name} failed: ${failedCond.reason ?? 'Failed'}: ${failedCond.message ?? ''}`.trim(), observedGeneration: gen });
    status.state = 'Failed';
  } else {
    // Kaito 0.6 never reports a failed tuning Job on the Workspace: it looks like it is still running
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'tuning job has not finished', observedGeneration: gen });
    status.state = (js.active ?? 0) > 0 || failedCond ? 'Running' : 'Pending';
  }
}

