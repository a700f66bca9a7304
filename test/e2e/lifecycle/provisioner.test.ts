// What the CLI refuses because the cluster's Kaito cannot do it (compat C2, C3), through the built bin/kaito:
// exit 2, one line saying why and what to do, and no Workspace left in the cluster. The provisioner and
// version come from the controller Deployment the sandbox lays out like the Helm chart (compat N1, C1).
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

const SKU = 'Standard_NV36ads_A10_v5';
const tuneArgs = (sb: TestSandbox, name: string, extra: string[]) => ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--skip-dataset-check', ...extra];

async function noWorkspaces(kubectl: (...a: string[]) => Promise<string>): Promise<void> {
  expect(JSON.parse(await kubectl('get', 'workspaces', '-A', '-o', 'json')).items).toEqual([]);
}

describe('Kaito 0.12 BYO (--node-provisioner=byo)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12', nodeProvisioner: 'byo' });
  });

  it('the controller Deployment carries the chart labels, --node-provisioner=byo and image tag 0.12.0; no gpu-provisioner', async () => {
    const deps = JSON.parse(await kubectl('get', 'deployments', '-A', '-l', 'app.kubernetes.io/name=workspace', '-o', 'json')).items;
    expect(deps).toHaveLength(1);
    expect(deps[0].metadata.labels['app.kubernetes.io/instance']).toBeTruthy();
    expect(deps[0].spec.template.spec.containers[0].image).toMatch(/:0\.12\.0$/);
    expect(deps[0].spec.template.spec.containers[0].args).toContain('--node-provisioner=byo');
    await expect(kubectl('get', 'deployment', '-n', 'kube-system', 'gpu-provisioner')).rejects.toThrow(/not found/i);
  });

  it('doctor names the provisioner, the version and the Deployment', async () => {
    const r = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    const c = JSON.parse(r.stdout).checks.find((x: { id: string }) => x.id === 'kaito-controller');
    expect(c).toMatchObject({ status: 'ok' });
    expect(c.detail).toMatch(/kube-system\/kaito-workspace version 0\.12\.0.*node provisioner byo \(--node-provisioner=byo\)/);
  });

  it('tune is refused: Kaito 0.12 in BYO mode never creates the tuning Job (exit 2, nothing created)', async () => {
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', SKU], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const r = await kaito(tuneArgs(sb, 'byo-tune', ['--nodepool', 'gpua10']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/Kaito 0\.12\.0 in BYO mode cannot run tuning.*azure-gpu-provisioner or karpenter/);
    expect(r.stderr.trim().split('\n').filter((l) => /BYO mode cannot run tuning/.test(l))).toHaveLength(1);
    await noWorkspaces(kubectl);
  });
});

describe('Kaito 0.12 NAP (azure-gpu-provisioner)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12' });
  });

  it('the controller runs --node-provisioner=azure-gpu-provisioner next to a gpu-provisioner Deployment', async () => {
    const dep = JSON.parse(await kubectl('get', 'deployment', '-n', 'kube-system', 'kaito-workspace', '-o', 'json'));
    expect(dep.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'workspace' });
    expect(dep.spec.template.spec.containers[0].args).toContain('--node-provisioner=azure-gpu-provisioner');
    expect(await kubectl('get', 'deployment', '-n', 'kube-system', 'gpu-provisioner', '-o', 'name')).toMatch(/gpu-provisioner/);
  });

  it('tune and deploy --nodepool are refused: the pool would idle next to a new node (exit 2, nothing created)', async () => {
    const add = await kaito(['nodepool', 'add', 'gpu', '--instance-type', SKU], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const r = await kaito(tuneArgs(sb, 'nap-pool', ['--nodepool', 'gpu']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--nodepool gpu: Kaito 0\.12\.0 in NAP mode ignores existing pools.*drop --nodepool and use --instance-type/);
    const d = await kaito(['deploy', '--preset', 'phi-3-mini-128k-instruct', '--name', 'nap-chat', '--nodepool', 'gpu'], { env: sb.cliEnv });
    expect(d.code, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/--nodepool gpu: Kaito 0\.12\.0 in NAP mode ignores existing pools/);
    await noWorkspaces(kubectl);
    expect(JSON.parse(await kubectl('get', 'nodeclaims', '-o', 'json')).items).toEqual([]);
  });

  it('no controller Deployment to read the version from: --nodepool goes ahead as before, with a warning', async () => {
    await kubectl('delete', 'deployment', '-n', 'kube-system', 'kaito-workspace');
    const r = await kaito(tuneArgs(sb, 'nap-unknown', ['--nodepool', 'gpu', '--dry-run=server']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--nodepool gpu: cannot tell the Kaito version .*Kaito 0\.11\+ in NAP mode would leave the pool idle/);
    await noWorkspaces(kubectl);
  });
});
