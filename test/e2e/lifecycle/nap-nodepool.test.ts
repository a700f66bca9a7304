// NAP mode placement on a CLI-made pool (BYO is covered in byo-doctor.test.ts): `kaito nodepool add`, then
// `kaito tune --nodepool` selects the pool's nodes by agentpool only, instanceType is the pool's vmSize,
// Kaito reuses those nodes (no NodeClaim), and `kaito delete --with-nodepool` removes workspace and pool.
// Kaito 0.10 counts such nodes; 0.11+ pins pods to nodes labelled for the workspace, so there the CLI
// refuses --nodepool in NAP mode (compat C3, test/e2e/lifecycle/provisioner.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

describe('Kaito 0.10 NAP mode: tune --nodepool on a pool made by `kaito nodepool add`', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  const SKU = 'Standard_NV36ads_A10_v5';
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.10' });
  });

  it('runs on the pool without provisioning, then delete --with-nodepool removes both', async () => {
    const add = await kaito(['nodepool', 'add', 'gpu', '--instance-type', SKU], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const poolNodes = (await kubectl('get', 'nodes', '-l', 'agentpool=gpu', '-o', 'name')).trim().split('\n').filter(Boolean);
    expect(poolNodes).toHaveLength(1);

    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'nap1', '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--nodepool', 'gpu', '--wait', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: 'nap1', wait: { phase: 'succeeded' } });

    const ws = JSON.parse(await kubectl('get', 'workspace', 'nap1', '-o', 'json'));
    expect(ws.resource.labelSelector.matchLabels).toEqual({ agentpool: 'gpu' });
    expect(ws.resource.instanceType).toBe(SKU);
    expect(ws.status.state).toBe('Succeeded');
    expect(JSON.parse(await kubectl('get', 'nodeclaims', '-o', 'json')).items).toEqual([]);
    // the pool is still the one node `nodepool add` made: nothing was provisioned next to it
    expect((await kubectl('get', 'nodes', '-l', 'agentpool=gpu', '-o', 'name')).trim().split('\n')).toEqual(poolNodes);

    const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'kaito.sh/workspace=nap1', '-o', 'json')).items as Array<{ spec: { nodeName?: string } }>;
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) expect(`node/${p.spec.nodeName}`).toBe(poolNodes[0]);

    const list = await kaito(['nodepool', 'list', '-o', 'json'], { env: sb.cliEnv });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).items.find((p: { name: string }) => p.name === 'gpu')).toMatchObject({ vmSize: SKU, createdByKaito: true, workspaces: ['default/nap1'] });

    const d = await kaito(['delete', 'nap1', '--with-nodepool', '--wait', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(d.code, d.stderr).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ workspace: 'nap1', deleted: true, waited: true, nodepool: { name: 'gpu', deleted: true } });
    await expect(kubectl('get', 'workspace', 'nap1')).rejects.toThrow(/not found/i);
    expect(await kubectl('get', 'nodes', '-l', 'agentpool=gpu', '-o', 'name')).toBe('');
    const after = await kaito(['nodepool', 'list', '-o', 'json'], { env: sb.cliEnv });
    expect(JSON.parse(after.stdout).items.map((p: { name: string }) => p.name)).toEqual(['nodepool1']);
  });
});
