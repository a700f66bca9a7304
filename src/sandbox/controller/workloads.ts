// The built-in controllers a real cluster would run for Kaito's objects: the Job controller (one pod per
// tuning Job, Job status from that pod) and the StatefulSet controller (pods <sts>-0..n-1, ready counts),
// plus the "kubelet" that runs each pod (./tuning-pod.ts, ./inference-pod.ts).
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { nowIso } from './conditions.js';
import { recordEvent } from './events.js';
import { runInferencePod } from './inference-pod.js';
import { JOB_RES, ownerRef, patchStatus, podSuffix, POD_RES, STS_RES, tryCreate, WS_LABEL, WS_RES } from './objects.js';
import { TaskSet } from './sleep.js';
import { runTuningPod } from './tuning-pod.js';
import { podReady } from './inference-reconcile.js';

type PodPhase = { phase?: string; message?: string };

export class WorkloadControllers {
  private readonly pods = new TaskSet();

  constructor(private readonly ctx: SandboxContext) {}

  onEvent(e: StoreEvent): void {
    const o = e.object;
    const ns = o.metadata.namespace ?? 'default';
    if (e.resource === JOB_RES) {
      if (e.type !== 'DELETED') this.syncJob(ns, o.metadata.name);
    } else if (e.resource === STS_RES) {
      if (e.type !== 'DELETED') this.syncStatefulSet(ns, o.metadata.name);
    } else if (e.resource === POD_RES) {
      const key = `${ns}/${o.metadata.name}/${o.metadata.uid}`;
      if (e.type === 'DELETED') {
        this.pods.cancel(key);
        this.ctx.podLogs.removePod(ns, o.metadata.name);
      } else if (e.type === 'ADDED') this.startPod(o, key);
      const jobName = o.metadata.labels?.['job-name'];
      if (jobName) this.syncJob(ns, jobName);
      const sts = o.metadata.ownerReferences?.find((r) => r.kind === 'StatefulSet')?.name;
      if (sts) this.syncStatefulSet(ns, sts);
    }
  }

  resync(): void {
    for (const p of this.ctx.store.list(POD_RES).items) this.startPod(p, `${p.metadata.namespace}/${p.metadata.name}/${p.metadata.uid}`);
    for (const j of this.ctx.store.list(JOB_RES).items) this.syncJob(j.metadata.namespace ?? 'default', j.metadata.name);
    for (const s of this.ctx.store.list(STS_RES).items) this.syncStatefulSet(s.metadata.namespace ?? 'default', s.metadata.name);
  }

  stop(): void {
    this.pods.cancelAll();
  }

  private startPod(pod: KObject, key: string): void {
    if (this.pods.has(key)) return;
    const phase = (pod.status as PodPhase | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const wsName = pod.metadata.labels?.[WS_LABEL];
    if (!wsName || !this.ctx.store.get(WS_RES, pod.metadata.namespace, wsName)) return;
    const run = pod.metadata.labels?.['job-name'] ? runTuningPod : pod.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet') ? runInferencePod : undefined;
    if (!run) return;
    this.pods.start(key, (signal) => run(this.ctx, pod, signal), (err) => this.ctx.log('kubelet', `pod ${key}: ${String((err as Error)?.stack ?? err)}`));
  }

  private syncJob(ns: string, name: string): void {
    const { store } = this.ctx;
    const job = store.get(JOB_RES, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const pods = store.list(POD_RES, ns, (p) => p.metadata.labels?.['job-name'] === name && p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid) === true).items;
    const st = (job.status ?? {}) as { succeeded?: number; failed?: number; conditions?: unknown[] };
    const finished = (st.succeeded ?? 0) > 0 || (st.failed ?? 0) > 0;
    if (!pods.length && !finished) {
      const tpl = (job.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: Record<string, unknown> } }).template;
      const podName = `${name}-${podSuffix()}`;
      const created = tryCreate(store, POD_RES, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: { ...(tpl.metadata?.labels ?? {}), 'job-name': name, 'batch.kubernetes.io/job-name': name, 'controller-uid': job.metadata.uid ?? '', 'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '' },
          ownerReferences: [ownerRef(job)],
        },
        spec: { ...structuredClone(tpl.spec), nodeName: job.metadata.annotations?.['kaito.sh/worker-node'] || undefined, serviceAccountName: 'default' },
        status: { phase: 'Pending', qosClass: 'Burstable' },
      });
      if (created) {
        recordEvent(store, job, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`, 'job-controller');
        patchStatus(store, JOB_RES, ns, name, (s) => {
          s.startTime ??= nowIso();
          s.active = 1;
          s.ready = 0;
          s.terminating = 0;
          s.uncountedTerminatedPods = {};
        });
      }
      return;
    }
    if (finished) return;
    const pod = pods[0];
    const phase = (pod.status as PodPhase | undefined)?.phase;
    if (phase === 'Succeeded') {
      patchStatus(store, JOB_RES, ns, name, (s) => {
        const now = nowIso();
        s.active = 0;
        s.ready = 0;
        s.succeeded = 1;
        s.completionTime = now;
        s.conditions = [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
        ];
      });
      recordEvent(store, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
    } else if (phase === 'Failed') {
      patchStatus(store, JOB_RES, ns, name, (s) => {
        const now = nowIso();
        s.active = 0;
        s.ready = 0;
        s.failed = 1;
        s.conditions = [
          { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
        ];
      });
      recordEvent(store, job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
    } else {
      const ready = podReady(pod) ? 1 : 0;
      if ((job.status as { ready?: number } | undefined)?.ready !== ready) patchStatus(store, JOB_RES, ns, name, (s) => void (s.ready = ready));
    }
  }

  private syncStatefulSet(ns: string, name: string): void {
    const { store } = this.ctx;
    const sts = store.get(STS_RES, ns, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const spec = sts.spec as { replicas?: number; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> } };
    const replicas = spec.replicas ?? 1;
    const ws = store.get(WS_RES, ns, sts.metadata.labels?.[WS_LABEL] ?? name);
    const workers = ((ws?.status as { workerNodes?: string[] } | undefined)?.workerNodes ?? []);
    const revision = `${name}-${(sts.metadata.generation ?? 1).toString(16).padStart(10, '7')}`;
    for (let i = 0; i < replicas; i++) {
      const podName = `${name}-${i}`;
      if (store.get(POD_RES, ns, podName)) continue;
      const created = tryCreate(store, POD_RES, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: { ...(spec.template.metadata?.labels ?? {}), 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': revision },
          annotations: { ...(spec.template.metadata?.annotations ?? {}) },
          ownerReferences: [ownerRef(sts)],
        },
        spec: { ...structuredClone(spec.template.spec), nodeName: workers[i % Math.max(1, workers.length)], hostname: podName, subdomain: `${name}-headless`, restartPolicy: 'Always' },
        status: { phase: 'Pending', qosClass: 'Burstable' },
      });
      if (created) recordEvent(store, sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, 'statefulset-controller');
    }
    const pods = store.list(POD_RES, ns, (p) => p.metadata.ownerReferences?.some((r) => r.uid === sts.metadata.uid) === true).items;
    const ready = pods.filter(podReady).length;
    const want = { observedGeneration: sts.metadata.generation ?? 1, replicas: pods.length, readyReplicas: ready, availableReplicas: ready, currentReplicas: pods.length, updatedReplicas: pods.length, currentRevision: revision, updateRevision: revision, collisionCount: 0 };
    const cur = (sts.status ?? {}) as Record<string, unknown>;
    if (Object.entries(want).some(([k, val]) => cur[k] !== val)) patchStatus(store, STS_RES, ns, name, (s) => Object.assign(s, want));
  }
}
