// Tuning failures as real Kaito shows (or hides) them, and `kaito wait` reading them (compat T2-T4, W1-W3).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

describe('Kaito 0.12, tuning-fail with --output-image: the pusher keeps the pod Running (compat T4, W1)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ faults: ['tuning-fail'] });
  });
  it('wait exits 3 naming the trainer exit code and its traceback; Kaito itself never says Failed', async () => {
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'hang1', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/adapters/hang1:1', '--registry-username', 'u', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check'], { env: sb.cliEnv, input: 'password-1234\n' });
    expect(t.code, t.stderr).toBe(0);
    const r = await kaito(['wait', 'hang1', '--timeout', '2m'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/container hang1 in pod hang1-[a-z0-9]{5} exited with code 1/);
    expect(r.stderr).toMatch(/last \d+ log lines of hang1-[a-z0-9]{5} \(container hang1\)/);
    expect(r.stderr).toMatch(/Traceback|Error/);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'hang1', '-o', 'json'));
    expect(ws.status.state).not.toBe('Failed');
    const job = JSON.parse(await kubectl('get', 'job', 'hang1', '-o', 'json'));
    expect(job.status.failed ?? 0).toBe(0);
    expect(job.spec.backoffLimit ?? 6).toBe(6);
    const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'job-name=hang1', '-o', 'json'));
    expect(pods.items[0].status.phase).toBe('Running');
  });
});

describe('Kaito 0.12, tuning-fail to a PVC: Failed at the first failed pod (compat T1, T2)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ faults: ['tuning-fail'] });
  });
  it('tune --wait exits 3 with the trainer log; the Workspace says Failed with Kaito\'s reasons', async () => {
    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'fail12', '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check', '--wait'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/tuning job fail12 failed/);
    expect(r.stderr).toMatch(/last \d+ log lines of fail12-[a-z0-9]{5} \(container fail12\)/);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'fail12', '-o', 'json'));
    expect(ws.status.state).toBe('Failed');
    expect(ws.status.conditions).toContainEqual(expect.objectContaining({ type: 'JobStarted', status: 'False', reason: 'WorkspaceTuningJobStatusFailed', message: 'tuning job failed' }));
    expect(ws.status.conditions).toContainEqual(expect.objectContaining({ type: 'WorkspaceSucceeded', status: 'False', reason: 'workspaceFailed', message: 'tuning job failed' }));
    const job = JSON.parse(await kubectl('get', 'job', 'fail12', '-o', 'json'));
    expect(job.spec.backoffLimit ?? 6).toBe(6);
  });
});

describe('Kaito 0.12 BYO: a tuning Workspace without instanceType never gets a Job (compat T3, W2)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ nodeProvisioner: 'byo' });
  });
  it('wait exits 3 with the reconcile error instead of hanging until the timeout', async () => {
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', 'Standard_NV36ads_A10_v5'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const f = join(sb.home, '..', 'byo-tune.yaml');
    writeFileSync(f, `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: byotune
resource:
  labelSelector:
    matchLabels:
      agentpool: gpua10
tuning:
  preset:
    name: phi-3-mini-128k-instruct
  method: qlora
  input:
    urls:
      - ${datasetUrl(sb)}
  output:
    volumeSource:
      emptyDir: {}
`);
    await kubectl('apply', '-f', f);
    const r = await kaito(['wait', 'byotune', '--timeout', '2m'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/Unsupported SKU '' for cloud provider/);
    expect(r.stderr).not.toMatch(/timed out/);
    await expect(kubectl('get', 'job', 'byotune')).rejects.toThrow(/not found/i);
  });
});
