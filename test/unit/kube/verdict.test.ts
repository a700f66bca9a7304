import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/client.js';
import { evaluate, parseWaitFor, reconcileError, type Observed } from '../../../src/kube/verdict.js';

const ws = (over: Partial<KubeObject> & { conditions?: Array<Record<string, unknown>>; state?: string; generation?: number; tuning?: boolean } = {}): KubeObject => ({
  apiVersion: 'kaito.sh/v1beta1',
  kind: 'Workspace',
  metadata: { name: 'w', namespace: 'default', uid: 'u1', generation: over.generation ?? 1 },
  resource: { instanceType: 'Standard_NV36ads_A10_v5', labelSelector: { matchLabels: { app: 'w' } } },
  ...(over.tuning === false ? { inference: { preset: { name: 'phi-4-mini-instruct' } } } : { tuning: { preset: { name: 'phi-4' }, method: 'qlora' } }),
  status: { ...(over.state ? { state: over.state } : {}), conditions: over.conditions ?? [] },
});
const obs = (w: KubeObject | undefined, rest: Partial<Observed> = {}): Observed => ({ workspace: w, pods: [], nodeClaims: [], ...rest });
const c = (type: string, status: string, extra: Record<string, unknown> = {}) => ({ type, status, reason: type, message: '', ...extra });
const pod = (name: string, status: Record<string, unknown>, containers = ['w']): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { 'kaito.sh/workspace': 'w', 'job-name': 'w' }, creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: containers.map((n) => ({ name: n })) }, status });

describe('parseWaitFor', () => {
  it('accepts the documented forms', () => {
    expect(parseWaitFor('ready')).toEqual({ kind: 'ready' });
    expect(parseWaitFor('succeeded')).toEqual({ kind: 'succeeded' });
    expect(parseWaitFor('deleted')).toEqual({ kind: 'deleted' });
    expect(parseWaitFor('condition=InferenceReady')).toEqual({ kind: 'condition', name: 'InferenceReady', value: 'True' });
    expect(parseWaitFor('condition=JobStarted=false')).toEqual({ kind: 'condition', name: 'JobStarted', value: 'False' });
    expect(parseWaitFor(undefined)).toBeUndefined();
  });
  it('refuses anything else with exit 2', () => {
    expect(() => parseWaitFor('done')).toThrow(/--for done is not understood/);
    expect(() => parseWaitFor('condition=')).toThrow();
  });
});

describe('evaluate: a tuning workspace through its life (Kaito 0.12)', () => {
  const succeeded = { kind: 'succeeded' as const };
  it('walks the phases and ends with success', () => {
    expect(evaluate(obs(ws()), succeeded)).toMatchObject({ status: 'pending', phase: 'waiting for the controller' });
    expect(evaluate(obs(ws({ conditions: [c('ResourceReady', 'False', { message: 'creating nodeclaim' })] }), { nodeClaims: [{ apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name: 'wsabc' }, status: {} }] }), succeeded)).toMatchObject({ status: 'pending', phase: 'provisioning node', detail: 'creating nodeclaim' });
    const init = (name: string) => pod('w-1', { phase: 'Pending', initContainerStatuses: [{ name: 'model-weights-downloader', state: name === 'model-weights-downloader' ? { running: {} } : { terminated: { exitCode: 0 } } }, { name: 'data-downloader', state: name === 'data-downloader' ? { running: {} } : { waiting: {} } }] });
    expect(evaluate(obs(ws(), { pods: [init('model-weights-downloader')] }), succeeded).phase).toBe('pulling weights');
    expect(evaluate(obs(ws(), { pods: [init('data-downloader')] }), succeeded).phase).toBe('downloading data');
    expect(evaluate(obs(ws(), { pods: [pod('w-1', { phase: 'Running', containerStatuses: [{ name: 'w', state: { running: {} } }] })] }), succeeded).phase).toBe('training');
    expect(evaluate(obs(ws(), { pods: [pod('w-1', { phase: 'Running', containerStatuses: [{ name: 'w', state: { terminated: { exitCode: 0 } } }, { name: 'pusher', state: { running: {} } }] }, ['w', 'pusher'])] }), succeeded).phase).toBe('pushing adapter');
    expect(evaluate(obs(ws({ state: 'Succeeded', conditions: [c('WorkspaceSucceeded', 'True', { observedGeneration: 1 })] })), succeeded)).toMatchObject({ status: 'done', phase: 'succeeded' });
  });

  it('a trainer that exited non-zero while the pusher still waits (pod Running, Job active) is the root cause (compat W1)', () => {
    const crashed = pod('w-1', { phase: 'Running', containerStatuses: [{ name: 'w', state: { terminated: { exitCode: 1, reason: 'Error' } } }, { name: 'pusher', state: { running: {} } }, { name: 'pause', state: { running: {} } }] }, ['w', 'pusher', 'pause']);
    const running = ws({ state: 'Running', conditions: [c('JobStarted', 'True'), c('WorkspaceSucceeded', 'False', { reason: 'workspacePending' })] });
    const v = evaluate(obs(running, { pods: [crashed] }), succeeded);
    expect(v).toMatchObject({ status: 'failed', phase: 'failed', reason: 'TrainerFailed', logFrom: { pod: 'w-1', container: 'w' } });
    expect(v.status === 'failed' && v.message).toMatch(/container w in pod w-1 exited with code 1/);
    // a sidecar that ended is not the trainer
    const sidecar = pod('w-1', { phase: 'Running', containerStatuses: [{ name: 'w', state: { running: {} } }, { name: 'pusher', state: { terminated: { exitCode: 2 } } }] }, ['w', 'pusher']);
    expect(evaluate(obs(running, { pods: [sidecar] }), succeeded).status).toBe('pending');
    const failedPod = pod('w-1', { phase: 'Failed', containerStatuses: [{ name: 'w', state: { terminated: { exitCode: 137 } } }] });
    expect(evaluate(obs(ws(), { pods: [failedPod] }), succeeded).phase).not.toBe('pushing adapter');
  });

  it('ignores status computed for an older generation', () => {
    const stale = ws({ generation: 2, state: 'Succeeded', conditions: [c('WorkspaceSucceeded', 'True', { observedGeneration: 1 })] });
    expect(evaluate(obs(stale), succeeded).status).toBe('pending');
    const fresh = ws({ generation: 2, state: 'Succeeded', conditions: [c('WorkspaceSucceeded', 'True', { observedGeneration: 2 })] });
    expect(evaluate(obs(fresh), succeeded).status).toBe('done');
  });

  it('state Failed ends with the job failure and names the failing container', () => {
    const v = evaluate(obs(ws({ state: 'Failed', conditions: [c('WorkspaceSucceeded', 'False', { message: 'job failed' })] }), { pods: [pod('w-1', { phase: 'Failed', containerStatuses: [{ name: 'w', state: { terminated: { exitCode: 1 } } }] })] }), succeeded);
    expect(v).toMatchObject({ status: 'failed', logFrom: { pod: 'w-1', container: 'w' } });
    expect(v.status === 'failed' && v.message).toMatch(/exited with code 1/);
  });
});

describe('evaluate: Kaito 0.6 (no state) reads the Job', () => {
  const job = (cond: string, uid = 'u1'): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'w', ownerReferences: [{ kind: 'Workspace', uid }] }, status: { failed: 1, conditions: [{ type: cond, status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } });
  it('a failed Job is a failure even though WorkspaceSucceeded stays pending', () => {
    const v = evaluate(obs(ws({ conditions: [c('JobStarted', 'True'), c('WorkspaceSucceeded', 'False', { reason: 'Pending' })] }), { job: job('Failed') }), { kind: 'succeeded' });
    expect(v).toMatchObject({ status: 'failed', reason: 'BackoffLimitExceeded' });
  });
  it('JobStarted=False WorkspaceTuningJobStatusFailed "job w has failed 1 pods" is a failure before the Job gives up (compat W3)', () => {
    const w = ws({ conditions: [c('JobStarted', 'False', { reason: 'WorkspaceTuningJobStatusFailed', message: 'job w has failed 1 pods' })] });
    const active: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'w', ownerReferences: [{ kind: 'Workspace', uid: 'u1' }] }, status: { active: 1, failed: 1 } };
    const v = evaluate(obs(w, { job: active }), { kind: 'succeeded' });
    expect(v).toMatchObject({ status: 'failed' });
    expect(v.status === 'failed' && v.message).toMatch(/job w has failed 1 pods/);
  });
  it('a Job of an older incarnation (other owner uid) is ignored', () => {
    expect(evaluate(obs(ws(), { job: job('Failed', 'old-uid') }), { kind: 'succeeded' }).status).toBe('pending');
  });
  it('a complete Job is success', () => {
    expect(evaluate(obs(ws(), { job: job('Complete') }), { kind: 'succeeded' }).status).toBe('done');
  });
});

describe('evaluate: root causes', () => {
  it('image pull errors, crash loops and OOM kills end the wait', () => {
    const inf = ws({ tuning: false });
    const waiting = (reason: string) => pod('w-0', { phase: 'Pending', containerStatuses: [{ name: 'w', restartCount: 3, state: { waiting: { reason, message: 'boom' } } }] });
    expect(evaluate(obs(inf, { pods: [waiting('ImagePullBackOff')] }), { kind: 'ready' })).toMatchObject({ status: 'failed', reason: 'ImagePullBackOff' });
    expect(evaluate(obs(inf, { pods: [waiting('ErrImagePull')] }), { kind: 'ready' })).toMatchObject({ status: 'failed', reason: 'ErrImagePull' });
    expect(evaluate(obs(inf, { pods: [waiting('CrashLoopBackOff')] }), { kind: 'ready' })).toMatchObject({ status: 'failed', reason: 'CrashLoopBackOff', logFrom: { previous: true } });
    const oom = pod('w-0', { phase: 'Running', containerStatuses: [{ name: 'w', state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }] });
    expect(evaluate(obs(inf, { pods: [oom] }), { kind: 'ready' })).toMatchObject({ status: 'failed', reason: 'OOMKilled' });
  });

  it('InferenceReady=False with a named reason ends the wait', () => {
    const v = evaluate(obs(ws({ tuning: false, conditions: [c('InferenceReady', 'False', { reason: 'ContainerCrashLoopBackOff', message: 'x' })] })), { kind: 'ready' });
    expect(v).toMatchObject({ status: 'failed', reason: 'ContainerCrashLoopBackOff' });
  });

  it('Unschedulable only counts once the nodes are ready', () => {
    const p = pod('w-0', { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    expect(evaluate(obs(ws({ tuning: false, conditions: [c('ResourceReady', 'False')] }), { pods: [p] }), { kind: 'ready' }).status).toBe('pending');
    expect(evaluate(obs(ws({ tuning: false, conditions: [c('ResourceReady', 'True')] }), { pods: [p] }), { kind: 'ready' })).toMatchObject({ status: 'failed', reason: 'Unschedulable' });
  });

  it('a NodeClaim that cannot launch for quota ends the wait with the quota message', () => {
    const nc: KubeObject = { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name: 'wsabc' }, status: { conditions: [{ type: 'Launched', status: 'False', reason: 'LaunchFailed', message: 'InsufficientVCPUQuota ... standardNVADSA10v5Family Cores quota' }] } };
    const v = evaluate(obs(ws({ conditions: [c('ResourceReady', 'False')] }), { nodeClaims: [nc] }), { kind: 'succeeded' });
    expect(v).toMatchObject({ status: 'failed', reason: 'QuotaExceeded' });
    expect(v.status === 'failed' && v.hint).toMatch(/quota/);
  });

  it('a launch still awaiting reconciliation is not a failure', () => {
    const nc: KubeObject = { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim', metadata: { name: 'wsabc' }, status: { conditions: [{ type: 'Launched', status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation' }] } };
    expect(evaluate(obs(ws(), { nodeClaims: [nc] }), { kind: 'succeeded' })).toMatchObject({ status: 'pending', phase: 'provisioning node' });
  });
});

describe('evaluate: deleted and conditions', () => {
  it('deleted is done when the object is gone, pending while finalizers remain', () => {
    expect(evaluate(obs(undefined), { kind: 'deleted' }).status).toBe('done');
    const w = ws();
    w.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    w.metadata.finalizers = ['workspace.finalizer.kaito.sh'];
    expect(evaluate(obs(w), { kind: 'deleted' })).toMatchObject({ status: 'pending', phase: 'deleting' });
  });
  it('condition=NAME[=VALUE] matches the fresh condition only', () => {
    const w = ws({ generation: 3, conditions: [c('JobStarted', 'True', { observedGeneration: 2 })] });
    expect(evaluate(obs(w), { kind: 'condition', name: 'JobStarted', value: 'True' }).status).toBe('pending');
    const w2 = ws({ generation: 3, conditions: [c('JobStarted', 'True', { observedGeneration: 3 })] });
    expect(evaluate(obs(w2), { kind: 'condition', name: 'JobStarted', value: 'True' }).status).toBe('done');
  });
  it('a workspace that vanished while waiting for success is a failure', () => {
    expect(evaluate(obs(undefined), { kind: 'succeeded' })).toMatchObject({ status: 'failed', reason: 'NotFound' });
  });
});

describe('evaluate: Kaito reconcile errors (compat W2)', () => {
  const sku = "Tuning job has not started (last reconcile error: invalid value: Unsupported SKU '' for cloud provider: sku)";
  it('a permanent reconcile error on a condition ends the wait naming it', () => {
    const w = ws({ state: 'Pending', conditions: [c('JobStarted', 'False', { reason: 'WorkspaceTuningJobStatusPending', message: sku }), c('WorkspaceSucceeded', 'False', { reason: 'workspacePending', message: 'workspace is initializing, tuning job has not started' })] });
    const v = evaluate(obs(w), { kind: 'succeeded' });
    expect(v).toMatchObject({ status: 'failed', reason: 'ReconcileError' });
    expect(v.status === 'failed' && v.message).toContain("Unsupported SKU '' for cloud provider");
    expect(reconcileError(sku)).toBe("invalid value: Unsupported SKU '' for cloud provider: sku");
  });
  it('a transient reconcile error keeps waiting', () => {
    const w = ws({ state: 'Pending', conditions: [c('JobStarted', 'False', { message: 'Tuning job has not started (last reconcile error: Operation cannot be fulfilled on workspaces.kaito.sh "w": the object has been modified)' })] });
    expect(evaluate(obs(w), { kind: 'succeeded' }).status).toBe('pending');
    expect(evaluate(obs(ws({ conditions: [c('JobStarted', 'False', { message: 'not started' })] })), { kind: 'succeeded' }).status).toBe('pending');
  });
});
