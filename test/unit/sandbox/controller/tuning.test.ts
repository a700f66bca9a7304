import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKaitoController } from '../../../../src/sandbox/controller/index.js';
import type { KObject } from '../../../../src/sandbox/store.js';
import { startDatasetServer, type DatasetServer } from './dataset-server.js';
import { cond, testContext, tuningWorkspace, waitFor, type TestSandbox } from './helpers.js';

let sb: TestSandbox | undefined;
let ds: DatasetServer | undefined;
afterEach(async () => {
  sb?.abort.abort();
  await ds?.close();
  ds = undefined;
});

const WS = 'kaito.sh/workspaces';
const state = (w: KObject | undefined) => (w?.status as { state?: string } | undefined)?.state;

function shortConfig(ctx: TestSandbox['ctx'], name: string, steps = 60) {
  ctx.store.create('/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data: { 'training_config.yaml': `training_config:\n  TrainingArguments:\n    max_steps: ${steps}\n    logging_steps: 10\n    learning_rate: 0.0001\n` },
  });
}

const logsOf = (ctx: TestSandbox['ctx'], pod: string, c: string) => ctx.podLogs.read('default', pod, c).map((l) => l.text).join('\n');

describe('tuning workspaces', () => {
  it('v0.12: Job + pod run to Succeeded with realistic logs, then state Succeeded', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short');
    ctx.store.create(WS, tuningWorkspace('tune', { config: 'short' }));
    const running = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'tune');
      return state(w) === 'Running' && w;
    }, 20_000, 'Running');
    expect(cond(running, 'JobStarted')?.status).toBe('True');
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'tune');
      return state(w) === 'Succeeded' && w;
    }, 30_000, 'Succeeded');
    expect(cond(ws, 'WorkspaceSucceeded')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(ws.metadata.annotations?.['workspace.kaito.io/revision']).toBe('1');
    const job = ctx.store.get('batch/jobs', 'default', 'tune')!;
    expect((job.status as { succeeded: number }).succeeded).toBe(1);
    const pods = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['job-name'] === 'tune').items;
    expect(pods).toHaveLength(1);
    const pod = pods[0];
    expect(pod.metadata.name).toMatch(/^tune-[a-z0-9]{5}$/);
    expect(pod.metadata.labels).toMatchObject({ 'kaito.sh/workspace': 'tune', 'job-name': 'tune' });
    const spec = pod.spec as { initContainers: Array<{ name: string }>; containers: Array<{ name: string }> };
    expect(spec.initContainers.map((c) => c.name)).toEqual(['model-weights-downloader', 'data-downloader']);
    expect(spec.containers.map((c) => c.name)).toEqual(['tune', 'pusher', 'pause']);
    expect((pod.status as { phase: string }).phase).toBe('Succeeded');
    const main = logsOf(ctx, pod.metadata.name, 'tune');
    expect(main).toMatch(/^\s*\d+%\|.*\| \d+\/60 \[\d\d:\d\d<\d\d:\d\d, /m);
    expect(main).toMatch(/\{'loss': \d+\.\d+, 'grad_norm': [\d.]+, 'learning_rate': [\d.e-]+, 'epoch': [\d.]+\}/);
    expect(main).toContain("'train_runtime'");
    expect(logsOf(ctx, pod.metadata.name, 'model-weights-downloader')).toContain('microsoft/Phi-3-mini-128k-instruct');
    expect(logsOf(ctx, pod.metadata.name, 'pusher')).toMatch(/adapter_model\.safetensors[\s\S]*Pushed \[registry\] myacr\.azurecr\.io\/adapter:1/);
  });

  it('v0.6: succeeds without status.state', async () => {
    sb = testContext({ version: '0.6' });
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short');
    ctx.store.create(WS, tuningWorkspace('tune', { config: 'short' }));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'tune');
      return cond(w, 'WorkspaceSucceeded')?.status === 'True' && w;
    }, 30_000, 'WorkspaceSucceeded');
    expect(state(ws)).toBeUndefined();
    expect((ws.status as Record<string, unknown>).targetNodeCount).toBeUndefined();
    expect(cond(ws, 'NodesReady')).toBeUndefined();
  });

  // output to a volume (no pusher sidecar), so a failed trainer fails the pod
  const toVolume = (w: KObject): KObject => {
    (w.tuning as { output: unknown }).output = { volumeSource: { persistentVolumeClaim: { claimName: 'adapters' } } };
    return w;
  };
  const containerState = (pod: KObject, name: string) => (pod.status as { containerStatuses: Array<{ name: string; state: { terminated?: { exitCode: number }; running?: object } }> }).containerStatuses.find((c) => c.name === name)!.state;

  it('the tuning Job sets no backoffLimit (Kubernetes default 6), like Kaito (compat T1)', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, tuningWorkspace('tune'));
    const job = await waitFor(ctx, () => ctx.store.get('batch/jobs', 'default', 'tune'), 20_000, 'job');
    expect(job.spec).not.toHaveProperty('backoffLimit');
  });

  it('tuning-fail on v0.12: traceback, exit 1, Job failed, workspace Failed with Kaito\'s reasons (compat T2)', async () => {
    sb = testContext({ faults: { tuningFail: true } });
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short');
    ctx.store.create(WS, toVolume(tuningWorkspace('tune', { config: 'short' })));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'tune');
      return state(w) === 'Failed' && w;
    }, 30_000, 'Failed');
    expect(cond(ws, 'JobStarted')).toMatchObject({ status: 'False', reason: 'WorkspaceTuningJobStatusFailed', message: 'tuning job failed' });
    expect(cond(ws, 'WorkspaceSucceeded')).toMatchObject({ status: 'False', reason: 'workspaceFailed', message: 'tuning job failed' });
    const pod = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['job-name'] === 'tune').items[0];
    expect(logsOf(ctx, pod.metadata.name, 'tune')).toMatch(/Traceback \(most recent call last\):[\s\S]*(OutOfMemoryError|KeyError)/);
    expect(containerState(pod, 'tune').terminated?.exitCode).toBe(1);
  });

  it('tuning-fail on v0.6: JobStarted=False "job <ws> has failed N pods", no state (compat T2)', async () => {
    sb = testContext({ version: '0.6', faults: { tuningFail: true } });
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short');
    ctx.store.create(WS, toVolume(tuningWorkspace('tune', { config: 'short' })));
    const ws = await waitFor(ctx, () => {
      const w = ctx.store.get(WS, 'default', 'tune');
      return cond(w, 'JobStarted')?.status === 'False' && w;
    }, 30_000, 'JobStarted False');
    expect(cond(ws, 'JobStarted')).toMatchObject({ reason: 'WorkspaceTuningJobStatusFailed', message: 'job tune has failed 1 pods' });
    expect(cond(ws, 'WorkspaceSucceeded')?.status).not.toBe('True');
    expect(state(ws)).toBeUndefined();
  });

  it('tuning-fail with output.image: the trainer exits 1 but the pusher waits forever; pod Running, no Failed (compat T4)', async () => {
    sb = testContext({ faults: { tuningFail: true } });
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short');
    ctx.store.create(WS, tuningWorkspace('tune', { config: 'short' }));
    const pod = await waitFor(ctx, () => {
      const p = ctx.store.list('/pods', 'default', (o) => o.metadata.labels?.['job-name'] === 'tune').items[0];
      return p && containerState(p, 'tune')?.terminated && p;
    }, 30_000, 'trainer terminated');
    // give the controllers time to react to the trainer's exit
    await new Promise((r) => setTimeout(r, 300));
    const now = ctx.store.get('/pods', 'default', pod.metadata.name)!;
    expect(containerState(now, 'tune').terminated?.exitCode).toBe(1);
    expect(containerState(now, 'pusher').running).toBeDefined();
    expect(containerState(now, 'pause').running).toBeDefined();
    expect((now.status as { phase: string }).phase).toBe('Running');
    expect(logsOf(ctx, now.metadata.name, 'tune')).toMatch(/Traceback/);
    const job = ctx.store.get('batch/jobs', 'default', 'tune')!;
    expect((job.status as { active?: number; failed?: number }).active).toBe(1);
    expect((job.status as { failed?: number }).failed ?? 0).toBe(0);
    const ws = ctx.store.get(WS, 'default', 'tune')!;
    expect(state(ws)).toBe('Running');
    expect(cond(ws, 'WorkspaceSucceeded')?.status).toBe('False');
    expect(cond(ws, 'WorkspaceSucceeded')?.reason).not.toMatch(/failed/i);
  });

  it('BYO tuning without instanceType on v0.10+: no Job, conditions carry the reconcile error; 0.6 still creates the Job (compat T3)', async () => {
    const { makeAgentPoolNode } = await import('../../../../src/sandbox/controller/node-factory.js');
    for (const version of ['0.12', '0.10', '0.6'] as const) {
      sb?.abort.abort();
      sb = testContext({ version, provisioner: 'byo' });
      const { ctx } = sb;
      createKaitoController(ctx);
      ctx.store.create('/nodes', makeAgentPoolNode(ctx, { pool: 'gpu', vmSize: 'Standard_NC24ads_A100_v4', index: 0, salt: '12345678', nodeLabels: { app: 'tune' }, nodeTaints: [], ready: true }));
      ctx.store.create(WS, tuningWorkspace('tune', { instanceType: '' }));
      if (version === '0.6') {
        await waitFor(ctx, () => ctx.store.get('batch/jobs', 'default', 'tune'), 20_000, 'job on 0.6');
        continue;
      }
      const ws = await waitFor(ctx, () => {
        const w = ctx.store.get(WS, 'default', 'tune');
        return cond(w, 'JobStarted')?.message?.includes('last reconcile error') && w;
      }, 20_000, `reconcile error on ${version}`);
      expect(cond(ws, 'JobStarted')).toMatchObject({ status: 'False', reason: 'WorkspaceTuningJobStatusPending', message: "Tuning job has not started (last reconcile error: invalid value: Unsupported SKU '' for cloud provider: sku)" });
      expect(cond(ws, 'WorkspaceSucceeded')?.message).toContain("(last reconcile error: invalid value: Unsupported SKU ''");
      expect(state(ws)).toBe('Pending');
      expect(ctx.store.get('batch/jobs', 'default', 'tune')).toBeUndefined();
    }
  });

  it('an input change replaces the Job and bumps workspace.kaito.io/revision', async () => {
    sb = testContext();
    const { ctx } = sb;
    createKaitoController(ctx);
    shortConfig(ctx, 'short', 2000);
    ctx.store.create(WS, tuningWorkspace('tune', { config: 'short' }));
    const firstJob = await waitFor(ctx, () => ctx.store.get('batch/jobs', 'default', 'tune'), 20_000, 'job');
    expect(firstJob.metadata.annotations?.['workspace.kaito.io/revision']).toBe('1');
    const cur = ctx.store.get(WS, 'default', 'tune')!;
    (cur.tuning as { input: unknown }).input = { urls: ['https://example.com/data/other.jsonl'] };
    ctx.store.update(WS, cur, { keepStatus: true });
    const secondJob = await waitFor(ctx, () => {
      const j = ctx.store.get('batch/jobs', 'default', 'tune');
      return j && j.metadata.uid !== firstJob.metadata.uid && j;
    }, 20_000, 'replaced job');
    expect(secondJob.metadata.annotations?.['workspace.kaito.io/revision']).toBe('2');
    const ws = ctx.store.get(WS, 'default', 'tune')!;
    expect(ws.metadata.annotations?.['workspace.kaito.io/revision']).toBe('2');
    expect(ws.metadata.generation).toBe(2);
    await waitFor(ctx, () => cond(ctx.store.get(WS, 'default', 'tune'), 'WorkspaceSucceeded')?.observedGeneration === 2, 10_000, 'observedGeneration 2');
    const pods = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['job-name'] === 'tune').items;
    expect(pods.every((p) => p.metadata.ownerReferences?.[0].uid === secondJob.metadata.uid)).toBe(true);
  });

  it('downloads the dataset from the dataset host for real and sizes the run from it; a 404 fails like data-downloader', async () => {
    const host = 'datasets.kaito.sandbox';
    ds = await startDatasetServer(host, { '/kaito-ops-messages.jsonl': readFileSync(new URL('../../../../datasets/kaito-ops-messages.jsonl', import.meta.url)) });
    sb = testContext({ baseUrl: `https://127.0.0.1:${ds.port}`, datasetHost: host, caPem: ds.caPem, speed: 20_000 });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create(WS, tuningWorkspace('good', { urls: [`https://${host}:${ds.port}/kaito-ops-messages.jsonl`] }));
    ctx.store.create(WS, tuningWorkspace('missing', { urls: [`https://${host}:${ds.port}/nope.jsonl`] }));
    await waitFor(ctx, () => state(ctx.store.get(WS, 'default', 'missing')) === 'Failed', 30_000, 'missing Failed');
    const bad = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['job-name'] === 'missing').items[0];
    expect(logsOf(ctx, bad.metadata.name, 'data-downloader')).toMatch(/HTTP status code: 404[\s\S]*after 3 attempts/);
    const dl = (bad.status as { initContainerStatuses: Array<{ name: string; state: { terminated?: { exitCode: number } } }> }).initContainerStatuses.find((c) => c.name === 'data-downloader')!;
    expect(dl.state.terminated?.exitCode).toBe(1);
    await waitFor(ctx, () => state(ctx.store.get(WS, 'default', 'good')) === 'Succeeded', 30_000, 'good Succeeded');
    const good = ctx.store.list('/pods', 'default', (p) => p.metadata.labels?.['job-name'] === 'good').items[0];
    expect(logsOf(ctx, good.metadata.name, 'good')).toContain('Num examples = 300');
    expect(logsOf(ctx, good.metadata.name, 'good')).toContain('Total optimization steps = 900');
    expect(ds.hits.some((h) => h.startsWith(host))).toBe(true);
  });
});
