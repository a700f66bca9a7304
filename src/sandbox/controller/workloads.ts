// The built-in controllers a real cluster would run for Kaito's objects: the Job controller (one pod per
// tuning Job, Job status from that pod), the StatefulSet controller (pods <sts>-0..n-1, ready counts), the
// Deployment controller for Kaito 0.6's inference Deployments (pods <deploy>-<hash>-<rand>, compat I1),
// plus the "kubelet" that runs each pod (./tuning-pod.ts, ./inference-pod.ts).
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { runBarePod } from './bare-pod.js';
import { nowIso } from './conditions.js';
import { recordEvent } from './events.js';
import { runInferencePod } from './inference-pod.js';
import { JOB_RES, ownerRef, patchStatus, podSuffix, POD_RES, STS_RES, tryCreate, WS_LABEL, WS_RES } from './objects.js';
import { emuSleep, TaskSet } from './sleep.js';
import { runTuningPod } from './tuning-pod.js';
import { podReady } from './inference-reconcile.js';
import { DEPLOY_RES } from './inference-manifests.js';
import { createHash } from 'node:crypto';

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
    } else if (e.resource === DEPLOY_RES) {
      if (e.type !== 'DELETED' && o.metadata.labels?.[WS_LABEL]) this.syncDeployment(ns, o.metadata.name);
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
      const dep = o.metadata.ownerReferences?.find((r) => r.kind === 'Deployment')?.name;
      if (dep) this.syncDeployment(ns, dep);
    }
  }

  resync(): void {
    for (const p of this.ctx.store.list(POD_RES).items) this.startPod(p, `${p.metadata.namespace}/${p.metadata.name}/${p.metadata.uid}`);
    for (const j of this.ctx.store.list(JOB_RES).items) this.syncJob(j.metadata.namespace ?? 'default', j.metadata.name);
    for (const s of this.ctx.store.list(STS_RES).items) this.syncStatefulSet(s.metadata.namespace ?? 'default', s.metadata.name);
    for (const d of this.ctx.store.list(DEPLOY_RES, undefined, (o) => Boolean(o.metadata.labels?.[WS_LABEL])).items) this.syncDeployment(d.metadata.namespace ?? 'default', d.metadata.name);
  }

  stop(): void {
    this.pods.cancelAll();
  }

  private startPod(pod: KObject, key: string): void {
    if (this.pods.has(key)) return;
    const phase = (pod.status as PodPhase | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const wsName = pod.metadata.labels?.[WS_LABEL];
    if (!wsName && !pod.metadata.ownerReferences?.length) {
      // a plain pod: the kubelet runs it too
      this.pods.start(key, (signal) => runBarePod(this.ctx, pod, signal), (err) => this.ctx.log('kubelet', `pod ${key}: ${String((err as Error)?.stack ?? err)}`));
      return;
    }
    if (!wsName || !this.ctx.store.get(WS_RES, pod.metadata.namespace, wsName)) return;
    const run = pod.metadata.labels?.['job-name'] ? runTuningPod : pod.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet' || r.kind === 'Deployment') ? runInferencePod : undefined;
    if (!run) return;
    this.pods.start(key, (signal) => run(this.ctx, pod, signal), (err) => this.ctx.log('kubelet', `pod ${key}: ${String((err as Error)?.stack ?? err)}`));
  }

  // The Job controller as Kubernetes runs it for Kaito's tuning Jobs (restartPolicy Never, completions 1): a failed
  // pod is counted in status.failed and replaced after the pod-failure backoff (10 s doubling, at most 6 min) until
  // failed exceeds spec.backoffLimit (Kaito never sets it: the default 6, so 7 pods; compat T1), then Failed.
  private syncJob(ns: string, name: string): void {
    const { store } = this.ctx;
    const job = store.get(JOB_RES, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const st = (job.status ?? {}) as { succeeded?: number; failed?: number; conditions?: Array<{ type: string; status: string }> };
    if ((st.succeeded ?? 0) > 0 || st.conditions?.some((c) => c.type === 'Failed' && c.status === 'True')) return;
    const pods = store.list(POD_RES, ns, (p) => p.metadata.labels?.['job-name'] === name && p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid) === true).items;
    const phaseOf = (p: KObject) => (p.status as PodPhase | undefined)?.phase;
    const failed = pods.filter((p) => phaseOf(p) === 'Failed').length;
    const active = pods.filter((p) => phaseOf(p) !== 'Failed' && phaseOf(p) !== 'Succeeded');
    const backoffLimit = (job.spec as { backoffLimit?: number }).backoffLimit ?? 6;
    const now = nowIso();
    if (pods.some((p) => phaseOf(p) === 'Succeeded')) {
      patchStatus(store, JOB_RES, ns, name, (s) => {
        s.active = 0;
        s.ready = 0;
        s.succeeded = 1;
        s.failed = failed || undefined;
        s.completionTime = now;
        s.conditions = [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
        ];
      });
      recordEvent(store, job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      return;
    }
    if (failed > backoffLimit) {
      patchStatus(store, JOB_RES, ns, name, (s) => {
        s.active = 0;
        s.ready = 0;
        s.failed = failed;
        s.conditions = [
          { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now },
        ];
      });
      recordEvent(store, job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
      return;
    }
    const ready = active.some((p) => podReady(p)) ? 1 : 0;
    const cur = job.status as { active?: number; ready?: number; failed?: number } | undefined;
    if (cur?.active !== active.length || cur?.ready !== ready || (cur?.failed ?? 0) !== failed)
      patchStatus(store, JOB_RES, ns, name, (s) => {
        s.startTime ??= now;
        s.active = active.length;
        s.ready = ready;
        s.failed = failed || undefined;
        s.terminating = 0;
        s.uncountedTerminatedPods = {};
      });
    if (active.length) return;
    if (!failed) return this.createJobPod(job);
    // the next pod after the backoff; one pending replacement per failure count
    const key = `job-backoff/${ns}/${name}/${job.metadata.uid}/${failed}`;
    if (this.pods.has(key)) return;
    const delay = Math.min(10_000 * 2 ** (failed - 1), 360_000);
    this.pods.start(key, async (signal) => {
      await emuSleep(this.ctx, delay, signal);
      const again = store.get(JOB_RES, ns, name);
      if (again && again.metadata.uid === job.metadata.uid && !again.metadata.deletionTimestamp) this.createJobPod(again);
    }, (err) => this.ctx.log('job-controller', `job ${ns}/${name}: ${String((err as Error)?.message ?? err)}`));
  }

  private createJobPod(job: KObject): void {
    const { store } = this.ctx;
    const ns = job.metadata.namespace ?? 'default';
    const name = job.metadata.name;
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
      });
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

  /**
   * compat I1: Kaito 0.6's inference Deployment. Pods are named like a ReplicaSet's, `<deploy>-<template
   * hash>-<5 chars>`, labelled pod-template-hash; one per replica on distinct worker nodes. (The sandbox keeps
   * no ReplicaSet object: pods are owned by the Deployment directly.)
   */
  private syncDeployment(ns: string, name: string): void {
    const { store } = this.ctx;
    const dep = store.get(DEPLOY_RES, ns, name);
    if (!dep || dep.metadata.deletionTimestamp || !dep.metadata.labels?.[WS_LABEL]) return;
    const spec = dep.spec as { replicas?: number; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> } };
    const replicas = spec.replicas ?? 1;
    const ws = store.get(WS_RES, ns, dep.metadata.labels?.[WS_LABEL] ?? name);
    const workers = ((ws?.status as { workerNodes?: string[] } | undefined)?.workerNodes ?? []);
    const hash = createHash('sha256').update(JSON.stringify(spec.template)).digest('hex');
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    const templateHash = [...Buffer.from(hash, 'hex').subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
    const owned = () => store.list(POD_RES, ns, (p) => p.metadata.ownerReferences?.some((r) => r.uid === dep.metadata.uid) === true).items;
    let live = owned().filter((p) => !p.metadata.deletionTimestamp);
    for (let attempt = 0; live.length < replicas && attempt < replicas; attempt++) {
      const used = new Set(live.map((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName));
      const node = workers.find((w) => !used.has(w)) ?? workers[live.length % Math.max(1, workers.length)];
      const podName = `${name}-${templateHash}-${podSuffix()}`;
      const created = tryCreate(store, POD_RES, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: { ...(spec.template.metadata?.labels ?? {}), 'pod-template-hash': templateHash },
          annotations: { ...(spec.template.metadata?.annotations ?? {}) },
          ownerReferences: [ownerRef(dep)],
        },
        spec: { ...structuredClone(spec.template.spec), nodeName: node, restartPolicy: 'Always' },
        status: { phase: 'Pending', qosClass: 'Burstable' },
      });
      if (created) recordEvent(store, dep, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name}-${templateHash} to ${replicas}`, 'deployment-controller');
      live = owned().filter((p) => !p.metadata.deletionTimestamp);
    }
    const ready = live.filter(podReady).length;
    const available = ready >= replicas;
    const want = { observedGeneration: dep.metadata.generation ?? 1, replicas: live.length, readyReplicas: ready, availableReplicas: ready, updatedReplicas: live.length, unavailableReplicas: Math.max(0, replicas - ready) };
    const cur = (dep.status ?? {}) as Record<string, unknown>;
    const curAvail = (cur.conditions as Array<{ type: string; status: string }> | undefined)?.find((c) => c.type === 'Available')?.status;
    if (Object.entries(want).some(([k, val]) => cur[k] !== val) || curAvail !== (available ? 'True' : 'False'))
      patchStatus(store, DEPLOY_RES, ns, name, (s) => {
        const now = nowIso();
        Object.assign(s, want);
        s.conditions = [
          available
            ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now, lastTransitionTime: now }
            : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
          { type: 'Progressing', status: 'True', reason: available ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${name}-${templateHash}" ${available ? 'has successfully progressed' : 'is progressing'}.`, lastUpdateTime: now, lastTransitionTime: now },
        ];
      });
  }
}
