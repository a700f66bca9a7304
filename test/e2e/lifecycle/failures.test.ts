// How `kaito wait` ends when the workspace cannot succeed, times out, or is interrupted; and the
// kubeconfig/auth errors every cluster command shares. Each scenario runs against its own sandbox.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito, KAITO_BIN } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

const tune = (sb: TestSandbox, name: string, extra: string[] = []) => [
  'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', ...extra,
];

const inferenceWorkspace = (name: string) => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      app: ${name}
inference:
  preset:
    name: phi-4-mini-instruct
`;

describe('Kaito 0.6 (no status.state): a failed tuning pod shows as JobStarted=False "job <ws> has failed N pods" (compat T2, W3)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.6', faults: ['tuning-fail'] });
  });
  it('tune --wait exits 3 with the job failure and the last log lines', async () => {
    const r = await kaito([...tune(sb, 'fail06', ['--instance-type', 'Standard_NV36ads_A10_v5']), '--wait'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/tuning job fail06 failed/);
    expect(r.stderr).toMatch(/last \d+ log lines of fail06-/);
    expect(r.stderr).toMatch(/Error|Traceback/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js/);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'fail06', '-o', 'json'));
    expect(ws.status.state).toBeUndefined();
    expect(ws.status.conditions).toContainEqual(expect.objectContaining({ type: 'JobStarted', status: 'False', reason: 'WorkspaceTuningJobStatusFailed', message: expect.stringMatching(/^job fail06 has failed [1-7] pods$/) }));
  });

  it('compat T1: the Job (no backoffLimit: Kubernetes default 6) retries: 7 failed pods, then Failed BackoffLimitExceeded', async () => {
    let job: { status?: { failed?: number; conditions?: Array<{ type: string; reason?: string }> } } = {};
    for (let i = 0; i < 240; i++) {
      job = JSON.parse(await kubectl('get', 'job', 'fail06', '-o', 'json'));
      if (job.status?.conditions?.some((c) => c.type === 'Failed')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(job.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Failed', reason: 'BackoffLimitExceeded' }));
    expect(job.status?.failed).toBe(7);
    const pods = (await kubectl('get', 'pods', '-l', 'job-name=fail06', '-o', 'jsonpath={.items[*].status.phase}')).split(' ');
    expect(pods).toEqual(Array(7).fill('Failed'));
    let msg = '';
    for (let i = 0; i < 40 && msg !== 'job fail06 has failed 7 pods'; i++) {
      msg = await kubectl('get', 'workspace', 'fail06', '-o', 'jsonpath={.status.conditions[?(@.type=="JobStarted")].message}');
      if (msg !== 'job fail06 has failed 7 pods') await new Promise((r) => setTimeout(r, 250));
    }
    expect(msg).toBe('job fail06 has failed 7 pods');
  });
});

describe('inference and provisioning failures (Kaito 0.12)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ faults: ['image-pull', 'quota=standardNVADSA10v5Family:0'] });
  });

  it('an inference workspace applied with kubectl that cannot pull its image: wait exits 3 naming ImagePull', async () => {
    const f = join(sb.home, '..', 'inf1.yaml');
    writeFileSync(f, inferenceWorkspace('inf1'));
    await kubectl('apply', '-f', f);
    const r = await kaito(['wait', 'inf1', '--timeout', '60s'], { env: sb.cliEnv, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/ImagePull/);
  });

  it('GPU quota exhausted: the workspace would stay Pending; wait exits 3 with the quota message', async () => {
    const r = await kaito([...tune(sb, 'quota1', ['--instance-type', 'Standard_NV36ads_A10_v5']), '--wait', '--skip-dataset-check'], { env: sb.cliEnv, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/quota/i);
    expect(r.stderr).toMatch(/standardNVADSA10v5Family/);
  });

  it('Ctrl-C exits 130 and deletes nothing', async () => {
    const child = spawn(process.execPath, [KAITO_BIN, 'wait', 'inf1', '--for', 'deleted', '--timeout', '5m'], { env: sb.cliEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // SIGINT once the wait is under way (it prints its first phase line)
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (err.includes('inf1:')) {
          clearInterval(t);
          resolve();
        }
      }, 50);
      setTimeout(() => { clearInterval(t); resolve(); }, 20_000);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, err).toBe(130);
    // issue 17 item 10: the message names the workspace, that it keeps running, and how to pick it up again
    expect(err).toMatch(/^error: interrupted while waiting for workspace inf1 \([^)]*\); it was not deleted and Kaito keeps working on it: `kaito wait inf1` picks it up again, `kaito delete inf1` removes it$/m);
    expect(await kubectl('get', 'workspace', 'inf1', '-o', 'name')).toMatch(/inf1/);
  });
});

describe('timeout', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 2 });
  });
  it('exits 5 naming the phase it was stuck in, and leaves the workspace alone', async () => {
    const t = await kaito([...tune(sb, 'slow1', ['--instance-type', 'Standard_NV36ads_A10_v5']), '--skip-dataset-check'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    const r = await kaito(['wait', 'slow1', '--timeout', '2s'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/timed out after 2s waiting for slow1 to be succeeded; it was stuck in phase "provisioning node"/);
    const s = await kaito(['status', 'slow1', '-o', 'json'], { env: sb.cliEnv });
    expect(JSON.parse(s.stdout).state).toBe('Pending');
  });
});

describe('a flaky API server: watch cut every second and 5xx bursts', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 200, faults: ['watch-cut=1', 'api-5xx=0.2'] });
  });
  it('tune --wait still ends correctly', async () => {
    const r = await kaito([...tune(sb, 'flaky1', ['--instance-type', 'Standard_NV36ads_A10_v5']), '--wait', '--skip-dataset-check', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).wait.phase).toBe('succeeded');
  });
});

describe('credentials', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  it('no kubeconfig at all: exit 2 with the fix', async () => {
    const r = await kaito(['wait', 'x'], { env: baseEnv({ HOME: '/nonexistent-home-kaito', KUBECONFIG: undefined }) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no kubeconfig/);
    expect(r.stderr).toMatch(/az aks get-credentials|kaito sandbox start/);
  });
  it('a wrong token: exit 4', async () => {
    const f = join(sb.home, '..', 'bad-kubeconfig');
    const { readFileSync } = await import('node:fs');
    writeFileSync(f, readFileSync(sb.kubeconfigPath, 'utf8').replace(sb.token, 'not-the-token'));
    const r = await kaito(['list'], { env: { ...sb.cliEnv, KUBECONFIG: f } });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/Unauthorized/);
    expect(r.stderr).not.toContain('not-the-token');
  });
});
