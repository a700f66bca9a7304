// One view of a workspace for `kaito status` / `kaito list`: type, preset, state (derived on Kaito
// versions without status.state), conditions, nodes, job and pod states, endpoint, age, progress.
import type { KubeObject } from './client.js';
import { freshConditions, workspaceKind, type Condition } from './verdict.js';
import type { GpuSample } from '../core/gpu-metrics.js';
import { detectOverfitting, type TrainingProgress } from '../core/trainlog/index.js';

export interface PodSummary { name: string; phase: string; ready: string; restarts: number; reason?: string; node?: string }

export interface WorkspaceSummary {
  name: string;
  namespace: string;
  type: 'tuning' | 'inference';
  preset: string;
  method?: string;
  instanceType?: string;
  state: string;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  nodes: string[];
  targetNodeCount?: number;
  job?: { name: string; active: number; succeeded: number; failed: number; state: string };
  pods: PodSummary[];
  endpoint?: { clusterIP?: string; serviceProxy: string; loadBalancer?: string };
  created?: string;
  age: string;
  progress?: {
    step?: number; total?: number; epoch?: number; loss?: number; etaSeconds?: number; done: boolean;
    /** with --eval-split: the latest eval loss, every eval loss so far, and the trainer's final train loss */
    evalLoss?: number; evalLosses?: number[]; trainLoss?: number;
    /** the eval loss rose while the train loss fell (see core/trainlog detectOverfitting) */
    overfitting?: boolean;
  };
  /** a running tuning job's GPUs, from Kaito's metrics server through the pod proxy (core/gpu-metrics.ts) */
  gpus?: GpuSample[];
}

export function age(created: string | undefined, now = Date.now()): string {
  if (!created) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** status.state when Kaito writes it (v0.9+), else derived from the conditions and the Job. */
export function deriveState(ws: KubeObject, job?: KubeObject): string {
  const st = ws.status as { state?: string } | undefined;
  if (ws.metadata.deletionTimestamp) return 'Deleting';
  if (st?.state) return st.state;
  const conds = freshConditions(ws);
  const c = (t: string) => conds.find((x) => x.type === t);
  if (workspaceKind(ws) === 'tuning') {
    if (c('WorkspaceSucceeded')?.status === 'True') return 'Succeeded';
    const jc = ((job?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((x) => x.status === 'True' && (x.type === 'Failed' || x.type === 'Complete'));
    if (jc?.type === 'Failed') return 'Failed';
    if (jc?.type === 'Complete') return 'Succeeded';
    if (c('JobStarted')?.status === 'True') return 'Running';
    return 'Pending';
  }
  if (c('InferenceReady')?.status === 'True') return 'Ready';
  if (c('InferenceReady')?.status === 'False' && c('ResourceReady')?.status === 'True') return 'NotReady';
  return 'Pending';
}

export function summarizePod(p: KubeObject): PodSummary {
  const st = (p.status ?? {}) as { phase?: string; containerStatuses?: Array<{ ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string }; terminated?: { reason?: string } } }>; initContainerStatuses?: Array<{ name: string; state?: { waiting?: { reason?: string }; terminated?: object; running?: object } }> };
  const cs = st.containerStatuses ?? [];
  const waiting = [...cs].map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).find(Boolean);
  const init = (st.initContainerStatuses ?? []).find((c) => !c.state?.terminated);
  return {
    name: p.metadata.name,
    phase: st.phase ?? 'Unknown',
    ready: `${cs.filter((c) => c.ready).length}/${cs.length || ((p.spec as { containers?: unknown[] })?.containers?.length ?? 0)}`,
    restarts: cs.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    reason: waiting ?? (init ? `Init:${init.name}${init.state?.waiting?.reason ? ` ${init.state.waiting.reason}` : ''}` : undefined),
    node: (p.spec as { nodeName?: string } | undefined)?.nodeName,
  };
}

export function summarize(
  ws: KubeObject,
  extra: { job?: KubeObject; pods?: KubeObject[]; service?: KubeObject; server?: string; progress?: TrainingProgress } = {},
): WorkspaceSummary {
  const type = workspaceKind(ws);
  const spec = (type === 'tuning' ? ws.tuning : ws.inference) as { preset?: { name?: string }; method?: string } | undefined;
  const res = (ws.resource ?? {}) as { instanceType?: string };
  const st = (ws.status ?? {}) as { workerNodes?: string[]; targetNodeCount?: number; conditions?: Condition[] };
  const ns = ws.metadata.namespace ?? '';
  const s: WorkspaceSummary = {
    name: ws.metadata.name,
    namespace: ns,
    type,
    preset: spec?.preset?.name ?? '',
    ...(type === 'tuning' ? { method: spec?.method } : {}),
    instanceType: res.instanceType || undefined,
    state: deriveState(ws, extra.job),
    conditions: (st.conditions ?? []).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) })),
    nodes: st.workerNodes ?? [],
    ...(st.targetNodeCount !== undefined ? { targetNodeCount: st.targetNodeCount } : {}),
    pods: (extra.pods ?? []).map(summarizePod),
    created: ws.metadata.creationTimestamp,
    age: age(ws.metadata.creationTimestamp),
  };
  if (extra.job) {
    const js = (extra.job.status ?? {}) as { active?: number; succeeded?: number; failed?: number; conditions?: Condition[] };
    const done = (js.conditions ?? []).find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
    s.job = { name: extra.job.metadata.name, active: js.active ?? 0, succeeded: js.succeeded ?? 0, failed: js.failed ?? 0, state: done?.type ?? ((js.active ?? 0) > 0 ? 'Running' : 'Pending') };
  }
  if (extra.service) {
    const sv = extra.service.spec as { clusterIP?: string; ports?: Array<{ name?: string; port: number }> } | undefined;
    const port = sv?.ports?.find((p) => p.name === 'http')?.port ?? sv?.ports?.[0]?.port ?? 80;
    const lb = (extra.service.status as { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } } | undefined)?.loadBalancer?.ingress?.[0];
    s.endpoint = {
      clusterIP: sv?.clusterIP,
      serviceProxy: `${extra.server ?? ''}/api/v1/namespaces/${ns}/services/${ws.metadata.name}:${port}/proxy/`,
      ...(lb ? { loadBalancer: lb.ip ?? lb.hostname } : {}),
    };
  }
  if (extra.progress && (extra.progress.step !== undefined || extra.progress.done)) {
    const p = extra.progress;
    s.progress = { step: p.step, total: p.total, epoch: p.epoch, loss: p.loss, etaSeconds: p.etaS, done: p.done };
    if (p.finalLoss !== undefined) s.progress.trainLoss = p.finalLoss;
    if (p.evalLoss !== undefined) {
      s.progress.evalLoss = p.evalLoss;
      s.progress.evalLosses = (p.evals ?? []).map((e) => e.loss);
      s.progress.overfitting = detectOverfitting(p) !== undefined;
    }
  }
  return s;
}

export function conditionCell(s: WorkspaceSummary, type: string): string {
  return s.conditions.find((c) => c.type === type)?.status ?? '';
}
