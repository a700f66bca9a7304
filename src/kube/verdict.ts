// The decision behind `kaito wait`: given what the cluster shows about one workspace (the Workspace, its
// Job, its pods, its NodeClaims), is it done, failed for a named reason, or still on its way (and in
// which phase)? Pure, so the state machine is tested with plain objects.
//
// Works for Kaito v0.10+ (status.state + conditions with observedGeneration) and v0.6 (conditions only;
// a failed tuning Job shows as JobStarted=False "job <ws> has failed N pods").
import { UsageError } from '../errors.js';
import type { KubeObject } from './client.js';

export type WaitFor = { kind: 'ready' } | { kind: 'succeeded' } | { kind: 'deleted' } | { kind: 'condition'; name: string; value: string };

export function parseWaitFor(text: string | undefined): WaitFor | undefined {
  if (text === undefined || text === '') return undefined;
  const t = text.trim();
  if (t === 'ready' || t === 'succeeded' || t === 'deleted' || t === 'delete') return { kind: t === 'delete' ? 'deleted' : t };
  const m = /^condition=([A-Za-z][A-Za-z0-9]*)(?:=(True|False|Unknown|true|false|unknown))?$/.exec(t);
  if (m) return { kind: 'condition', name: m[1], value: m[2] ? m[2][0].toUpperCase() + m[2].slice(1).toLowerCase() : 'True' };
  throw new UsageError(`--for ${text} is not understood`, 'use --for ready, succeeded, deleted or condition=NAME[=True|False|Unknown] (e.g. condition=WorkspaceSucceeded)');
}

export function describeWaitFor(f: WaitFor): string {
  return f.kind === 'condition' ? `condition ${f.name}=${f.value}` : f.kind;
}

export interface Condition { type: string; status: string; reason?: string; message?: string; observedGeneration?: number; lastTransitionTime?: string }

export interface Observed {
  /** undefined: not found (never created, or deleted) */
  workspace?: KubeObject;
  /** the tuning Job `<ws>` */
  job?: KubeObject;
  pods: KubeObject[];
  nodeClaims: KubeObject[];
}

export type Phase =
  | 'waiting for the controller'
  | 'provisioning node'
  | 'waiting for node'
  | 'scheduling'
  | 'pulling weights'
  | 'downloading data'
  | 'starting trainer'
  | 'training'
  | 'pushing adapter'
  | 'starting inference server'
  | 'succeeded'
  | 'ready'
  | 'deleting'
  | 'deleted'
  | 'failed';

export type Verdict =
  | { status: 'done'; phase: Phase; message: string }
  | { status: 'failed'; phase: Phase; reason: string; message: string; hint?: string; logFrom?: { pod: string; container: string; previous?: boolean } }
  | { status: 'pending'; phase: Phase; detail?: string };

export type WorkspaceKind = 'tuning' | 'inference';

export function workspaceKind(ws: KubeObject | undefined): WorkspaceKind {
  return ws?.tuning ? 'tuning' : 'inference';
}

export function defaultWaitFor(kind: WorkspaceKind): WaitFor {
  return kind === 'tuning' ? { kind: 'succeeded' } : { kind: 'ready' };
}

/** Conditions computed from the current spec; ones stamped with an older generation are ignored. */
export function freshConditions(ws: KubeObject): Condition[] {
  const gen = ws.metadata.generation;
  const conds = ((ws.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
  return conds.filter((c) => gen === undefined || c.observedGeneration === undefined || c.observedGeneration >= gen);
}

/** status.state, unless every generation-stamped condition says the status is about an older spec. */
function freshState(ws: KubeObject): string | undefined {
  const st = ws.status as { state?: string; conditions?: Condition[] } | undefined;
  const gen = ws.metadata.generation;
  const stamped = (st?.conditions ?? []).filter((c) => c.observedGeneration !== undefined);
  if (gen !== undefined && stamped.length > 0 && stamped.every((c) => (c.observedGeneration ?? 0) < gen)) return undefined;
  return st?.state;
}

const cond = (conds: Condition[], type: string) => conds.find((c) => c.type === type);

/** The Job belongs to this incarnation and revision of the workspace. */
function currentJob(ws: KubeObject, job: KubeObject | undefined): KubeObject | undefined {
  if (!job) return undefined;
  const owners = (job.metadata.ownerReferences ?? []) as Array<{ uid?: string; kind?: string }>;
  const owner = owners.find((o) => o.kind === 'Workspace');
  if (owner?.uid && ws.metadata.uid && owner.uid !== ws.metadata.uid) return undefined;
  const rev = 'workspace.kaito.io/revision';
  const wr = ws.metadata.annotations?.[rev];
  const jr = job.metadata.annotations?.[rev];
  if (wr && jr && wr !== jr) return undefined;
  return job;
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: object; terminated?: { reason?: string; exitCode?: number; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}
interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  conditions?: Condition[];
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
}

const IMAGE_PULL = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const FATAL_WAITING = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** InferenceReady=False reasons that name a cause the workspace will not recover from by itself. */
const FATAL_INFERENCE_REASONS = /ImagePull|CrashLoop|OOMKilled|ContainerStartError|PodEvicted|Unschedulable|Failed/i;

const QUOTA = /quota/i;

function podFailure(pod: KubeObject, kind: WorkspaceKind, nodesReady: boolean): Verdict | undefined {
  const st = (pod.status ?? {}) as PodStatus;
  const name = pod.metadata.name;
  const all = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
  for (const c of all) {
    const w = c.state?.waiting;
    if (w?.reason && IMAGE_PULL.has(w.reason))
      return { status: 'failed', phase: 'failed', reason: w.reason, message: `pod ${name}: container ${c.name} cannot pull its image (${w.reason})${w.message ? `: ${w.message}` : ''}`, hint: 'check the image name and tag, and that the pull secret grants access to the registry' };
    if (w?.reason && FATAL_WAITING.has(w.reason))
      return { status: 'failed', phase: 'failed', reason: w.reason, message: `pod ${name}: container ${c.name} is in ${w.reason} (restarted ${c.restartCount ?? 0} times)${w.message ? `: ${w.message}` : ''}`, logFrom: { pod: name, container: c.name, previous: true } };
    const t = c.state?.terminated ?? c.lastState?.terminated;
    if (t?.reason === 'OOMKilled')
      return { status: 'failed', phase: 'failed', reason: 'OOMKilled', message: `pod ${name}: container ${c.name} was OOMKilled (out of memory)`, hint: kind === 'tuning' ? 'use a larger --instance-type, qlora, or a smaller --batch-size' : 'use a larger --instance-type', logFrom: { pod: name, container: c.name, previous: !c.state?.terminated } };
  }
  if (st.phase === 'Failed' && st.reason === 'Evicted') return { status: 'failed', phase: 'failed', reason: 'Evicted', message: `pod ${name} was evicted: ${st.message ?? ''}`.trim() };
  const sched = cond(st.conditions ?? [], 'PodScheduled');
  // while Kaito is still bringing nodes up, Unschedulable is expected; afterwards it is final
  if (sched?.status === 'False' && sched.reason === 'Unschedulable' && nodesReady)
    return { status: 'failed', phase: 'failed', reason: 'Unschedulable', message: `pod ${name} cannot be scheduled: ${sched.message ?? ''}`.trim(), hint: 'check node labels/taints and GPU capacity (`kubectl describe pod ' + name + '`)' };
  return undefined;
}

function nodeClaimFailure(claims: KubeObject[]): Verdict | undefined {
  for (const nc of claims) {
    const conds = ((nc.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
    const launched = cond(conds, 'Launched');
    if (launched?.status === 'False' && launched.reason !== 'AwaitingReconciliation' && launched.message) {
      const quota = QUOTA.test(launched.message);
      return {
        status: 'failed',
        phase: 'failed',
        reason: quota ? 'QuotaExceeded' : launched.reason ?? 'LaunchFailed',
        message: `node for the workspace cannot be created (nodeclaim ${nc.metadata.name}): ${launched.message}`,
        hint: quota ? 'request more GPU quota for this VM family in the region (Azure portal: Usage + quotas), or pick another --instance-type' : 'see `kubectl describe nodeclaim ' + nc.metadata.name + '`',
      };
    }
  }
  return undefined;
}

function tuningPhase(pods: KubeObject[]): Phase | undefined {
  const pod = [...pods].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))[0];
  if (!pod) return undefined;
  const st = (pod.status ?? {}) as PodStatus;
  if (st.phase === 'Succeeded') return 'pushing adapter';
  if (st.phase === 'Failed') return 'training';
  const inits = st.initContainerStatuses ?? [];
  const runningInit = inits.find((c) => !c.state?.terminated);
  if (runningInit) {
    if (/weight|model/i.test(runningInit.name)) return 'pulling weights';
    if (/data|puller/i.test(runningInit.name)) return 'downloading data';
    return 'pulling weights';
  }
  if (st.phase === 'Pending' && inits.length === 0 && !(st.containerStatuses ?? []).length) return 'scheduling';
  const main = (st.containerStatuses ?? []).find((c) => c.name === pod.metadata.labels?.['job-name'] || c.name === pod.metadata.labels?.['kaito.sh/workspace']);
  // only a trainer that ended cleanly leads to the push; a non-zero exit is a failure the Job (or
  // status.state) is about to report, so the phase stays where the trainer was until then
  if (main?.state?.terminated) return main.state.terminated.exitCode === 0 ? 'pushing adapter' : 'training';
  if (main?.state?.running) return 'training';
  return inits.length > 0 || st.phase === 'Running' ? 'starting trainer' : 'scheduling';
}

function inferencePhase(pods: KubeObject[]): Phase | undefined {
  if (pods.length === 0) return undefined;
  const st = (pods[0].status ?? {}) as PodStatus;
  if ((st.initContainerStatuses ?? []).some((c) => !c.state?.terminated)) return 'pulling weights';
  if ((st.containerStatuses ?? []).some((c) => c.state?.running)) return 'starting inference server';
  return 'scheduling';
}

function progressPhase(ws: KubeObject, obs: Observed, kind: WorkspaceKind): Verdict {
  const conds = freshConditions(ws);
  if (ws.metadata.deletionTimestamp) return { status: 'pending', phase: 'deleting' };
  const podPhase = kind === 'tuning' ? tuningPhase(obs.pods) : inferencePhase(obs.pods);
  if (podPhase) return { status: 'pending', phase: podPhase };
  const rr = cond(conds, 'ResourceReady');
  const nodes = cond(conds, 'NodesReady') ?? cond(conds, 'NodeClaimReady');
  if (obs.nodeClaims.length > 0 || rr?.status === 'False' || nodes?.status === 'False') {
    const claimPending = obs.nodeClaims.some((nc) => cond(((nc.status as { conditions?: Condition[] })?.conditions ?? []) as Condition[], 'Ready')?.status !== 'True');
    if (claimPending || rr?.status !== 'True') return { status: 'pending', phase: 'provisioning node', detail: rr?.message || nodes?.message || undefined };
  }
  if (!ws.status || conds.length === 0) return { status: 'pending', phase: 'waiting for the controller' };
  return { status: 'pending', phase: 'scheduling' };
}

/** The verdict for one snapshot. */
export function evaluate(obs: Observed, target: WaitFor): Verdict {
  const ws = obs.workspace;
  if (target.kind === 'deleted') {
    if (!ws) return { status: 'done', phase: 'deleted', message: 'deleted' };
    return { status: 'pending', phase: 'deleting', detail: ws.metadata.finalizers?.length ? `finalizers: ${ws.metadata.finalizers.join(', ')}` : undefined };
  }
  if (!ws) return { status: 'failed', phase: 'deleted', reason: 'NotFound', message: 'the workspace does not exist (deleted while waiting?)' };
  const kind = workspaceKind(ws);
  const conds = freshConditions(ws);
  const state = freshState(ws);

  if (target.kind === 'condition') {
    const c = cond(conds, target.name);
    if (c?.status === target.value) return { status: 'done', phase: kind === 'tuning' ? 'succeeded' : 'ready', message: `${target.name}=${c.status}${c.reason ? ` (${c.reason})` : ''}` };
  } else {
    // success
    const wantSucceeded = target.kind === 'succeeded' || kind === 'tuning';
    if (wantSucceeded) {
      const ok = cond(conds, 'WorkspaceSucceeded');
      const job = currentJob(ws, obs.job);
      const jobDone = jobCondition(job, 'Complete');
      if (state === 'Succeeded' || ok?.status === 'True' || (kind === 'tuning' && jobDone)) return { status: 'done', phase: 'succeeded', message: kind === 'tuning' ? 'tuning succeeded' : 'succeeded' };
    } else {
      const ok = cond(conds, 'InferenceReady');
      if (state === 'Ready' || ok?.status === 'True') return { status: 'done', phase: 'ready', message: 'inference is ready' };
    }
  }

  // failures that will not heal by waiting
  if (ws.metadata.deletionTimestamp) return { status: 'failed', phase: 'deleting', reason: 'Deleting', message: 'the workspace is being deleted' };
  if (kind === 'tuning') {
    const job = currentJob(ws, obs.job);
    const failed = jobCondition(job, 'Failed');
    // compat W3: 0.6 says "job <ws> has failed N pods" on JobStarted=False only; 0.10+ also sets state Failed
    const started = cond(conds, 'JobStarted');
    const startFailed = started?.status === 'False' && started.reason === 'WorkspaceTuningJobStatusFailed' ? started : undefined;
    if (failed || state === 'Failed' || startFailed) {
      const pod = failedTuningPod(obs.pods, ws.metadata.name);
      const ok = cond(conds, 'WorkspaceSucceeded');
      const why = failed?.message || startFailed?.message || (ok?.status === 'False' ? ok.message : undefined) || 'the tuning job failed';
      return { status: 'failed', phase: 'failed', reason: failed?.reason ?? 'JobFailed', message: `tuning job ${ws.metadata.name} failed: ${why}${pod?.exit !== undefined ? ` (container ${pod.container} exited with code ${pod.exit})` : ''}`, logFrom: pod ? { pod: pod.pod, container: pod.container } : undefined, hint: 'fix the cause, then re-run `kaito tune` with the same flags (Kaito starts a new job when input or output change) or `kaito delete` it' };
    }
    // compat W1: with output.image a failed trainer never fails the pod (the pusher keeps waiting), so a
    // terminated non-zero trainer container `<ws>` is the root cause whatever the Job and Workspace say
    const trainer = failedTrainer(obs.pods, ws.metadata.name);
    if (trainer)
      return { status: 'failed', phase: 'failed', reason: 'TrainerFailed', message: `tuning job ${ws.metadata.name} failed: container ${trainer.container} in pod ${trainer.pod} exited with code ${trainer.exit}`, logFrom: { pod: trainer.pod, container: trainer.container }, hint: 'fix the cause, then re-run `kaito tune` with the same flags (Kaito starts a new job when input or output change) or `kaito delete` it' };
  } else {
    const ir = cond(conds, 'InferenceReady');
    if (state === 'Failed' || (ir?.status === 'False' && ir.reason && FATAL_INFERENCE_REASONS.test(ir.reason)))
      return { status: 'failed', phase: 'failed', reason: ir?.reason ?? 'Failed', message: `inference is not ready: ${ir?.reason ?? 'Failed'}${ir?.message ? `: ${ir.message}` : ''}`, logFrom: obs.pods[0] ? { pod: obs.pods[0].metadata.name, container: mainContainerOf(obs.pods[0], ws.metadata.name) } : undefined };
  }
  // compat W2: Kaito (0.10+) appends "(last reconcile error: ...)" to conditions; a permanent kind will not heal
  for (const c of conds) {
    const err = reconcileError(c.message);
    if (c.status === 'False' && err && PERMANENT_RECONCILE.test(err))
      return { status: 'failed', phase: 'failed', reason: 'ReconcileError', message: `Kaito cannot reconcile ${ws.metadata.name} (${c.type}): ${err}`, hint: /Unsupported SKU/i.test(err) ? 'set resource.instanceType to a GPU SKU Kaito knows (BYO nodes are not supported for tuning by this Kaito)' : 'fix the workspace spec, or see `kubectl describe workspace ' + ws.metadata.name + '`' };
  }
  const claimFail = nodeClaimFailure(obs.nodeClaims);
  if (claimFail) return claimFail;
  for (const c of conds) {
    if ((c.type === 'ResourceReady' || c.type === 'NodeClaimReady') && c.status === 'False' && c.message && QUOTA.test(c.message))
      return { status: 'failed', phase: 'failed', reason: 'QuotaExceeded', message: `GPU nodes cannot be provisioned: ${c.message}`, hint: 'request more GPU quota for this VM family in the region, or pick another --instance-type' };
  }
  const rr = cond(conds, 'ResourceReady');
  for (const p of obs.pods) {
    const f = podFailure(p, kind, rr?.status === 'True');
    if (f) return f;
  }
  return progressPhase(ws, obs, kind);
}

const PERMANENT_RECONCILE = /Unsupported SKU|not found|invalid/i;

/** The error Kaito appended to a condition message as " (last reconcile error: ERR)". */
export function reconcileError(message: string | undefined): string | undefined {
  const m = /\(last reconcile error: (.*)\)\s*$/s.exec(message ?? '');
  return m?.[1];
}

function failedTrainer(pods: KubeObject[], ws: string): { pod: string; container: string; exit: number } | undefined {
  for (const p of pods) {
    const st = (p.status ?? {}) as PodStatus;
    const c = (st.containerStatuses ?? []).find((x) => x.name === ws);
    const exit = c?.state?.terminated?.exitCode;
    if (exit !== undefined && exit !== 0) return { pod: p.metadata.name, container: ws, exit };
  }
  return undefined;
}

function jobCondition(job: KubeObject | undefined, type: 'Complete' | 'Failed'): Condition | undefined {
  const st = (job?.status ?? {}) as { conditions?: Condition[]; failed?: number; succeeded?: number };
  const c = cond(st.conditions ?? [], type);
  if (c?.status === 'True') return c;
  return undefined;
}

function failedTuningPod(pods: KubeObject[], ws: string): { pod: string; container: string; exit?: number } | undefined {
  for (const p of pods) {
    const st = (p.status ?? {}) as PodStatus;
    const c = (st.containerStatuses ?? []).find((x) => x.state?.terminated && (x.state.terminated.exitCode ?? 0) !== 0);
    if (c) return { pod: p.metadata.name, container: c.name, exit: c.state?.terminated?.exitCode };
  }
  const p = pods[0];
  return p ? { pod: p.metadata.name, container: ws } : undefined;
}

/** Tuning: the container named after the workspace; inference: the first container. */
export function mainContainerOf(pod: KubeObject, ws: string): string {
  const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
  if (containers.includes(ws)) return ws;
  return containers[0] ?? ws;
}
