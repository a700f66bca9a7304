// BYO mode (node auto-provisioning off): placement preflight, --nodepool, delete --with-nodepool; doctor;
// logs -f; the push Secret created from stdin. kubectl is the independent client.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

describe('BYO mode', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  const tune = (name: string, extra: string[]) => ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--skip-dataset-check', ...extra];
  beforeAll(async () => {
    sb = await startTestSandbox({ nodeProvisioning: 'byo' });
  });

  it('doctor reports the controller in BYO mode and exits 0', async () => {
    const r = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    const doc = JSON.parse(r.stdout);
    const kube = doc.checks.filter((c: { group: string }) => c.group === 'kubernetes');
    expect(kube.find((c: { id: string }) => c.id === 'kaito-controller')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/BYO/) });
    expect(kube.find((c: { id: string }) => c.id === 'kaito-crd')).toMatchObject({ status: 'ok', detail: expect.stringContaining('kaito.sh/v1beta1') });
    expect(kube.find((c: { id: string }) => c.id === 'tuning-templates')).toMatchObject({ status: 'ok' });
    expect(kube.every((c: { status: string }) => c.status !== 'fail')).toBe(true);
  });

  it('--instance-type without a pool is refused before anything is created (exit 2)', async () => {
    const r = await kaito(tune('byo-bad', ['--instance-type', 'Standard_NV36ads_A10_v5']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/BYO/);
    await expect(kubectl('get', 'workspace', 'byo-bad')).rejects.toThrow(/not found/i);
  });

  it('a --nodepool that does not exist is refused with the fix (exit 2)', async () => {
    const r = await kaito(tune('byo-nopool', ['--nodepool', 'nosuch']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--nodepool nosuch: no such node pool/);
  });

  // tuning on BYO is refused on Kaito 0.8+ (compat C2, test/e2e/lifecycle/provisioner.test.ts): inference shows the pool placement
  it('deploy --nodepool on a pool made by `kaito nodepool add` runs there; delete --with-nodepool removes both', async () => {
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', 'Standard_NV36ads_A10_v5'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const r = await kaito(['deploy', '--preset', 'phi-3-mini-128k-instruct', '--name', 'byo1', '--nodepool', 'gpua10', '--wait', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'byo1', '-o', 'json'));
    expect(ws.resource.instanceType ?? '').toBe('');
    expect(ws.resource.labelSelector.matchLabels.agentpool).toBe('gpua10');
    const d = await kaito(['delete', 'byo1', '--with-nodepool', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(d.code, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ deleted: true, nodepool: { name: 'gpua10', deleted: true } });
    await expect(kubectl('get', 'workspace', 'byo1')).rejects.toThrow(/not found/i);
    expect(await kubectl('get', 'nodes', '-l', 'agentpool=gpua10', '-o', 'name')).toBe('');
  });
});

describe('NAP mode extras', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 100 });
  });

  it('--registry-username + --registry-password-stdin creates the push Secret first and never prints the password', async () => {
    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'sec1', '--dataset', datasetUrl(sb), '--output-image', 'myacr.azurecr.io/adapters/sec1:1', '--registry-username', 'bob', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--debug', '-o', 'json'], { env: sb.cliEnv, input: 'hunter2-very-secret\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('hunter2-very-secret');
    expect(r.stdout + r.stderr).not.toContain(Buffer.from('hunter2-very-secret').toString('base64'));
    const objs = JSON.parse(r.stdout).objects;
    expect(objs[0]).toMatchObject({ kind: 'Secret', action: 'created' });
    const s = JSON.parse(await kubectl('get', 'secret', objs[0].name, '-o', 'json'));
    expect(s.type).toBe('kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from(s.data['.dockerconfigjson'], 'base64').toString());
    expect(cfg.auths['myacr.azurecr.io'].password).toBe('hunter2-very-secret');
    const ws = JSON.parse(await kubectl('get', 'workspace', 'sec1', '-o', 'json'));
    expect(ws.tuning.output.imagePushSecret).toBe(objs[0].name);
  });

  it('logs -f follows the trainer until the container ends; --tail limits the backlog', async () => {
    await kaito(['wait', 'sec1', '--for', 'condition=JobStarted', '--timeout', '60s'], { env: sb.cliEnv, timeoutMs: 90_000 });
    const r = await kaito(['logs', 'sec1', '-f'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train_runtime/);
    const lines = r.stdout.trim().split('\n');
    expect(new Set(lines.filter((l) => l.startsWith("{'loss'"))).size).toBe(lines.filter((l) => l.startsWith("{'loss'")).length);
    const t = await kaito(['logs', 'sec1', '--tail', '3'], { env: sb.cliEnv });
    expect(t.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('status with one workspace needs no name; list -A shows the namespace', async () => {
    const s = await kaito(['status'], { env: sb.cliEnv });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Workspace:\s+sec1/);
    const l = await kaito(['list', '-A'], { env: sb.cliEnv });
    expect(l.stdout).toMatch(/^NAMESPACE\s+NAME\s+TYPE/m);
    expect(l.stdout).toMatch(/default\s+sec1\s+tuning\/qlora/);
  });
});
