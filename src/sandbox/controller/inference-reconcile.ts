// The inference side of the Workspace reconciler: Services, the inference workload, and InferenceReady (KAITO.md §6, §3).
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { setCondition } from './conditions.js';
import { recordEvent } from './events.js';
import { adaptersHash, DEPLOY_RES, inferenceServices, inferenceWorkload, usesDeployment } from './inference-manifests.js';
import { ADAPTERS_ANNOTATION } from './manifests.js';
import { patchObject, patchStatus, POD_RES, STS_RES, SVC_RES, tryCreate, tryDelete, WS_LABEL } from './objects.js';
import type { Condition, WorkspaceView } from './types.js';

export function reconcileInference(ctx: SandboxContext, ws: KObject, v: WorkspaceView, status: Record<string, unknown>, conds: Condition[]): void {
  const { store } = ctx;
  const gen = v.generation;
  for (const svc of inferenceServices(ws, v, ctx)) {
    if (!store.get(SVC_RES, v.namespace, svc.metadata.name) && tryCreate(store, SVC_RES, svc) && (svc.spec as { type?: string }).type === 'LoadBalancer') {
      patchStatus(store, SVC_RES, v.namespace, svc.metadata.name, (s) => {
        s.loadBalancer = { ingress: [{ ip: `20.42.${(v.name.length * 7) % 250}.${(v.name.charCodeAt(0) * 3) % 250}`, ipMode: 'VIP' }] };
      });
    }
  }
  // compat I1: a Deployment on 0.6, a StatefulSet on 0.10+
  const res = usesDeployment(v, ctx) ? DEPLOY_RES : STS_RES;
  const kindWord = res === DEPLOY_RES ? 'deployment' : 'statefulset';
  let sts = store.get(res, v.namespace, v.name);
  if (!sts) {
    sts = tryCreate(store, res, inferenceWorkload(ws, v, ctx));
    if (sts) recordEvent(store, ws, 'Normal', res === DEPLOY_RES ? 'DeploymentCreated' : 'StatefulSetCreated', `Created inference ${kindWord} ${v.name}`, 'kaito-workspace');
  } else if (sts.metadata.annotations?.[ADAPTERS_ANNOTATION] !== adaptersHash(v)) {
    // new adapter list: roll the pods so the server loads them
    const next = inferenceWorkload(ws, v, ctx);
    patchObject(store, res, v.namespace, v.name, (o) => {
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
    for (const cs of [...((st as { initContainerStatuses?: CS[] }).initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
      const w = cs.state?.waiting;
      if (w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff') return { reason: 'ImagePullError', message: `pod ${p.metadata.name} container ${cs.name}: ${w.reason}: ${w.message ?? ''}`.trim() };
      if (w?.reason === 'CrashLoopBackOff') return { reason: cs.lastState?.terminated?.reason === 'OOMKilled' ? 'ContainerOOMKilled' : 'ContainerCrashLoopBackOff', message: `pod ${p.metadata.name} container ${cs.name}: ${w.message ?? 'back-off restarting failed container'}` };
      if (w?.reason === 'CreateContainerError' || w?.reason === 'CreateContainerConfigError') return { reason: 'ContainerStartError', message: `pod ${p.metadata.name} container ${cs.name}: ${w.message ?? w.reason}` };
    }
  }
  return { reason: 'WorkspaceInferenceStatusPending', message: `inference pods of ${v.name} are not ready yet (${ready}/${replicas} ready)` };
}
