// BYO clusters and GPU Feature Discovery (compat A32, N26): Kaito's webhook (v0.8+) refuses a preset inference
// Workspace unless nodes match its matchLabels and carry uniform nvidia.com/gpu.{product,count,memory} labels.
// The CLI checks the same before it applies (exit 2, nothing created) and in doctor; kubectl shows the webhook
// refusing the same Workspace, and the labels GFD put on the nodes.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { kubectlApply, kubectlFor } from './helpers.js';

const workspaceYaml = (name: string, labels: string) => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
resource:
  labelSelector:
    matchLabels:
      ${labels}
inference:
  preset:
    name: phi-4-mini-instruct
`;

const applyRefusal = (kubectl: ReturnType<typeof kubectlFor>, name: string, labels: string) => kubectlApply(kubectl, workspaceYaml(name, labels));

describe('Kaito 0.12 BYO with GPU Feature Discovery (the chart installs it)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12', nodeProvisioner: 'byo' });
  });

  it('no node matches the labels: kaito refuses (exit 2), the webhook refuses kubectl too', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'nomatch', '--labels', 'pool=none'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no node matches app=nomatch,pool=none|no node matches pool=none,app=nomatch/);
    expect(r.stderr).toMatch(/kaito nodepool add POOL --instance-type SKU/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
    expect(await applyRefusal(kubectl, 'nomatch', 'pool: none')).toMatch(/No nodes found matching the specified label selector/);
  });

  it('a pool made by `kaito nodepool add` gets the GFD labels; deploy --nodepool passes; doctor lists the GPUs', async () => {
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', 'Standard_NV36ads_A10_v5'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const labels = JSON.parse(await kubectl('get', 'nodes', '-l', 'agentpool=gpua10', '-o', 'jsonpath={.items[0].metadata.labels}'));
    expect(labels).toMatchObject({ 'nvidia.com/gpu.product': 'NVIDIA-A10', 'nvidia.com/gpu.count': '1', 'nvidia.com/gpu.memory': '23028' });
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'ok1', '--nodepool', 'gpua10', '--dry-run=server'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const d = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    const check = JSON.parse(d.stdout).checks.find((c: { id: string }) => c.id === 'byo-gpu-nodes');
    expect(check).toMatchObject({ status: 'ok', detail: expect.stringMatching(/GPU node.*NVIDIA-A10 x1/) });
  });
});

describe('Kaito 0.12 BYO without GPU Feature Discovery (fault no-gfd: installed with nodeProvisioner=byo only)', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12', nodeProvisioner: 'byo', faults: ['no-gfd'] });
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', 'Standard_NV36ads_A10_v5'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
  });

  it('doctor fails the BYO GPU nodes check with how to install GFD (exit 1)', async () => {
    const d = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    expect(d.code).toBe(1);
    const check = JSON.parse(d.stdout).checks.find((c: { id: string }) => c.id === 'byo-gpu-nodes');
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringMatching(/1 of 1 GPU nodes lack nvidia\.com\/gpu\.product/), hint: expect.stringMatching(/featureGates\.disableNodeAutoProvisioning=true/) });
  });

  it('deploy --nodepool is refused before anything is created (exit 2); kubectl meets the webhook', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'nogfd', '--nodepool', 'gpua10'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/lacks the GPU labels Kaito 0\.12\.0 reads \(nvidia\.com\/gpu\.product, nvidia\.com\/gpu\.count, nvidia\.com\/gpu\.memory\): install NVIDIA GPU Feature Discovery/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await kubectl('get', 'workspaces,secrets', '-l', 'kaito.sh/workspace=nogfd', '-o', 'name')).toBe('');
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
    expect(await applyRefusal(kubectl, 'nogfd', 'agentpool: gpua10')).toMatch(/missing required nvidia\.com labels on node /);
  });
});
