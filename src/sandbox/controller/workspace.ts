// The Workspace reconciler: finalizer, nodes (./resources.ts), then the tuning Job or the inference
// StatefulSet + Services, then status (conditions, state, workerNodes) computed from what exists now.
// Runs synchronously against the in-process store; Pods move on their own (./tuning-pod.ts,
// ./inference-pod.ts) and every change they make re-queues the Workspace.
import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { getCondition, removeCondition, setCondition } from './conditions.js';
import { recordEvent } from './events.js';
import { ADAPTERS_ANNOTATION, adaptersHash, inferenceServices, inferenceStatefulSet, REVISION_ANNOTATION, tuningJob } from './manifests.js';
import { JOB_RES, NODECLAIM_RES, patchObject, patchStatus, POD_RES, STS_RES, SVC_RES, tryCreate, tryDelete, WS_LABEL, WS_RES } from './objects.js';
import { reconcileResources, workspaceClaims } from './resources.js';
import type { Condition, WorkspaceView } from './types.js';
import { viewWorkspace } from './workspace-view.js';

export const WORKSPACE_FINALIZER = 'workspace.finalizer.kaito.sh';
export const HASH_ANNOTATION = 'workspace.kaito.io/hash';

type JobStatus = { active?: number; succeeded?: number; failed?: number; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };

export class WorkspaceReconciler {
  constructor(private readonly ctx: SandboxContext) {}

  reconcile(namespace: string, name: string): void {
    const { store } = this.ctx;
    let ws = store.get(WS_RES, namespace, name);
    if (!ws) return;
    if (ws.metadata.deletionTimestamp) return this.finalize(ws);
    if (!ws.metadata.finalizers?.includes(WORKSPACE_FINALIZER)) {
      ws = patchObject(store, WS_RES, namespace, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), WORKSPACE_FINALIZER];
      })!;
    }
    const v = viewWorkspace(ws);
    if (v.tuning) ws = this.trackRevision(ws, v);

    const status = structuredClone((ws.status as Record<string, unknown> | undefined) ?? {});
    const conds = ((status.conditions as Condition[] | undefined) ??= []);
    const res = reconcileResources(this.ctx, ws, v, status, conds);
    if (!res.ready) this.notYetScheduled(v, status, conds);
    else if (v.tuning) this.reconcileTuning(ws, v, status, conds, res.workerNodes);
    else this.reconcileInference(ws, v, status, conds);
    if (this.ctx.kaitoVersion === '0.6') {
      delete status.state;
      delete status.targetNodeCount;
    }
    this.writeStatus(ws, status);
  }

  private writeStatus(ws: KObject, status: Record<string, unknown>): void {
    if (JSON.stringify(status) === JSON.stringify(ws.status ?? {})) return;
    patchStatus(this.ctx.store, WS_RES, ws.metadata.namespace, ws.metadata.name, (s) => {
      for (const k of Object.keys(s)) delete s[k];
      Object.assign(s, status);
    });
  }

  /** tuning input/output/config changes replace the Job: remembered as a hash and a revision counter */
  private trackRevision(ws: KObject, v: WorkspaceView): KObject {
    const t = v.tuning!;
    const hash = createHash('sha256').update(JSON.stringify({ input: t.input, output: t.output, config: t.config ?? '' })).digest('hex').slice(0, 16);
    const ann = ws.metadata.annotations ?? {};
    if (ann[HASH_ANNOTATION] === hash && ann[REVISION_ANNOTATION]) return ws;
    const revision = ann[REVISION_ANNOTATION] ? String(Number(ann[REVISION_ANNOTATION]) + 1) : '1';
    return (
      patchObject(this.ctx.store, WS_RES, v.namespace, v.name, (o) => {
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [HASH_ANNOTATION]: hash, [REVISION_ANNOTATION]: revision };
      }) ?? ws
    );
  }

  private notYetScheduled(v: WorkspaceView, status: Record<string, unknown>, conds: Condition[]): void {
    const gen = v.generation;
    if (v.tuning) {
      // a verdict about an older generation must not stand while the new one waits for nodes
      const done = getCondition(conds, 'WorkspaceSucceeded');
      if (done && done.observedGeneration !== gen) setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'waiting for resources', observedGeneration: gen });
      status.state = 'Pending';
      return;
    }
    const wasReady = status.state === 'Ready' || status.state === 'NotReady';
    setCondition(conds, { type: 'InferenceReady', status: 'False', reason: 'WorkspaceInferenceStatusPending', message: 'waiting for resources to be ready', observedGeneration: gen });
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'waiting for resources to be ready', observedGeneration: gen });
    status.state = wasReady ? 'NotReady' : 'Pending';
  }

  private reconcileTuning(ws: KObject, v: WorkspaceView, status: Record<string, unknown>, conds: Condition[], workerNodes: string[]): void {
    const { store } = this.ctx;
    const gen = v.generation;
    const revision = ws.metadata.annotations?.[REVISION_ANNOTATION] ?? '1';
    let job = store.get(JOB_RES, v.namespace, v.name);
    if (job && job.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
      this.ctx.log('kaito', `workspace ${v.namespace}/${v.name}: tuning spec changed, replacing job (revision ${revision})`);
      tryDelete(store, JOB_RES, v.namespace, v.name);
      for (const p of store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.['job-name'] === v.name).items) tryDelete(store, POD_RES, v.namespace, p.metadata.name);
      job = undefined;
      removeCondition(conds, 'JobStarted');
      setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: `tuning job replaced for revision ${revision}`, observedGeneration: gen });
    }
    if (!job) {
      const j = tuningJob(ws, v, revision, this.ctx.kaitoVersion);
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
    } else if (failedCond && this.ctx.kaitoVersion === '0.12') {
      setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspaceFailed', message: `tuning job ${v.name} failed: ${failedCond.reason ?? 'Failed'}: ${failedCond.message ?? ''}`.trim(), observedGeneration: gen });
      status.state = 'Failed';
    } else {
      // Kaito 0.6 never reports a failed tuning Job on the Workspace: it looks like it is still running
      setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspacePending', message: 'tuning job has not finished', observedGeneration: gen });
      status.state = (js.active ?? 0) > 0 || failedCond ? 'Running' : 'Pending';
    }
  }

  private reconcileInference(ws: KObject, v: WorkspaceView, status: Record<string, unknown>, conds: Condition[]): void {
    const { store } = this.ctx;
    const gen = v.generation;
    for (const svc of inferenceServices(ws, v)) {
      if (!store.get(SVC_RES, v.namespace, svc.metadata.name) && tryCreate(store, SVC_RES, svc) && (svc.spec as { type?: string }).type === 'LoadBalancer') {
        patchStatus(store, SVC_RES, v.namespace, svc.metadata.name, (s) => {
          s.loadBalancer = { ingress: [{ ip: `20.42.${(v.name.length * 7) % 250}.${(v.name.charCodeAt(0) * 3) % 250}`, ipMode: 'VIP' }] };
        });
      }
    }
    let sts = store.get(STS_RES, v.namespace, v.name);
    if (!sts) {
      sts = tryCreate(store, STS_RES, inferenceStatefulSet(ws, v, this.ctx.kaitoVersion));
      if (sts) recordEvent(store, ws, 'Normal', 'StatefulSetCreated', `Created inference statefulset ${v.name}`, 'kaito-workspace');
    } else if (sts.metadata.annotations?.[ADAPTERS_ANNOTATION] !== adaptersHash(v)) {
      // new adapter list: roll the pods so the server loads them
      const next = inferenceStatefulSet(ws, v, this.ctx.kaitoVersion);
      patchObject(store, STS_RES, v.namespace, v.name, (o) => {
        o.metadata.annotations = next.metadata.annotations;
        o.spec = next.spec;
      });
      for (const p of store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.[WS_LABEL] === v.name).items) tryDelete(store, POD_RES, v.namespace, p.metadata.name);
    }
    const replicas = v.count;
    const pods = store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.[WS_LABEL] === v.name && !o.metadata.deletionTimestamp).items;
    const ready = pods.filter((p) => podReady(p)).length;
    if (ready >= replicas) {
      setCondition(conds, { type: 'InferenceReady', status: 'True', reason: 'WorkspaceInferenceStatusSuccess', message: 'Inference has been deployed successfully', observedGeneration: gen });
      setCondition(conds, { type: 'WorkspaceSucceeded', status: 'True', reason: 'workspaceSucceeded', message: 'workspace succeeds', observedGeneration: gen });
      status.state = 'Ready';
      return;
    }
    const why = notReadyReason(pods, v, replicas, ready);
    const wasReady = status.state === 'Ready' || status.state === 'NotReady';
    setCondition(conds, { type: 'InferenceReady', status: 'False', reason: why.reason, message: why.message, observedGeneration: gen });
    setCondition(conds, { type: 'WorkspaceSucceeded', status: 'False', reason: 'WorkspaceNotReady', message: 'inference is not ready', observedGeneration: gen });
    status.state = wasReady ? 'NotReady' : 'Pending';
  }

  /** Deleting: owned objects and NodeClaims go first; the finalizer goes when no NodeClaim is left. */
  private finalize(ws: KObject): void {
    const { store } = this.ctx;
    const v = viewWorkspace(ws);
    const status = structuredClone((ws.status as Record<string, unknown> | undefined) ?? {});
    const conds = ((status.conditions as Condition[] | undefined) ??= []);
    setCondition(conds, { type: 'WorkspaceDeleting', status: 'True', reason: 'workspaceDeleted', message: 'workspace is being deleted', observedGeneration: v.generation });
    this.writeStatus(ws, status);
    tryDelete(store, JOB_RES, v.namespace, v.name);
    tryDelete(store, STS_RES, v.namespace, v.name);
    tryDelete(store, SVC_RES, v.namespace, v.name);
    tryDelete(store, SVC_RES, v.namespace, `${v.name}-headless`);
    for (const p of store.list(POD_RES, v.namespace, (o) => o.metadata.labels?.[WS_LABEL] === v.name).items) tryDelete(store, POD_RES, v.namespace, p.metadata.name);
    const claims = workspaceClaims(this.ctx, v);
    for (const c of claims) if (!c.metadata.deletionTimestamp) tryDelete(store, NODECLAIM_RES, undefined, c.metadata.name);
    if (workspaceClaims(this.ctx, v).length) return; // re-queued when the gpu-provisioner releases them
    if (!ws.metadata.finalizers?.includes(WORKSPACE_FINALIZER)) return;
    patchObject(store, WS_RES, v.namespace, v.name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== WORKSPACE_FINALIZER);
    });
  }
}

export function podReady(p: KObject): boolean {
  const conds = (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions;
  return conds?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

type CS = { name: string; state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } }; lastState?: { terminated?: { reason?: string } } };

/** InferenceReady=False reasons that name the cause, as Kaito reports them. */
function notReadyReason(pods: KObject[], v: WorkspaceView, replicas: number, ready: number): { reason: string; message: string } {
  for (const p of pods) {
    const st = (p.status ?? {}) as { phase?: string; reason?: string; containerStatuses?: CS[]; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
    if (st.reason === 'Evicted') return { reason: 'PodEvicted', message: `pod ${p.metadata.name} was evicted` };
    const sched = st.conditions?.find((c) => c.type === 'PodScheduled');
    if (sched?.status === 'False' && sched.reason === 'Unschedulable') return { reason: 'Unschedulable', message: `pod ${p.metadata.name} is unschedulable: ${sched.message ?? ''}` };
    for (const cs of st.containerStatuses ?? []) {
      const w = cs.state?.waiting;
      if (w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff') return { reason: 'ImagePullError', message: `pod ${p.metadata.name} container ${cs.name}: ${w.reason}: ${w.message ?? ''}`.trim() };
      if (w?.reason === 'CrashLoopBackOff') return { reason: cs.lastState?.terminated?.reason === 'OOMKilled' ? 'ContainerOOMKilled' : 'ContainerCrashLoopBackOff', message: `pod ${p.metadata.name} container ${cs.name}: ${w.message ?? 'back-off restarting failed container'}` };
      if (w?.reason === 'CreateContainerError' || w?.reason === 'CreateContainerConfigError') return { reason: 'ContainerStartError', message: `pod ${p.metadata.name} container ${cs.name}: ${w.message ?? w.reason}` };
    }
  }
  return { reason: 'WorkspaceInferenceStatusPending', message: `inference pods of ${v.name} are not ready yet (${ready}/${replicas} ready)` };
}
