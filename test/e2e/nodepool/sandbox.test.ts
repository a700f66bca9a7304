// The same commands against the full sandbox (kube API + ARM on one HTTPS port), with exactly the env
// `kaito sandbox env` exports: Nodes of a CLI-made pool show up in the Kubernetes API.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

describe('kaito nodepool against the full sandbox', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 1000 });
  });

  it('creates a pool whose GPU Nodes appear in the kube API, discovers the cluster without --cluster, deletes it', async () => {
    const env = { ...sb.cliEnv, KAITO_CLUSTER: '', KAITO_RESOURCE_GROUP: '' };
    const add = await kaito(['nodepool', 'add', 'gpua10', '--instance-type', 'Standard_NV36ads_A10_v5', '-o', 'name'], { env });
    expect(add.stderr).toMatch(/✓ node pool gpua10/);
    expect(add.code).toBe(0);
    expect(add.stdout).toBe('nodepool/gpua10\n');
    const nodes = sb.ctx.store.list('/nodes', undefined, (n) => n.metadata.labels?.agentpool === 'gpua10').items;
    expect(nodes).toHaveLength(1);
    expect(nodes[0].metadata.labels?.['node.kubernetes.io/instance-type']).toBe('Standard_NV36ads_A10_v5');
    const list = await kaito(['nodepool', 'list', '-o', 'json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).items[0]).toMatchObject({ name: 'gpua10', gpus: 1, workspaces: [] });
    const del = await kaito(['nodepool', 'delete', 'gpua10'], { env });
    expect(del.code).toBe(0);
    expect(sb.ctx.store.list('/nodes', undefined, (n) => n.metadata.labels?.agentpool === 'gpua10').items).toHaveLength(0);
  });
});
