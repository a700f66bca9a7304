// Issue 19 item 2 on a Karpenter cluster (Kaito 0.12 `--node-provisioner=karpenter`): a NodePool Kaito wrote for a
// workspace that is gone is listed with its VM size and, with --yes, deleted (Karpenter then removes its NodeClaims);
// the NodePool of a live workspace and a NodePool Kaito did not write stay.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlApply, kubectlFor } from './helpers.js';
import { sandboxLinuxPrice } from './prices.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const names = async (kind: string, extra: string[] = []) => (await kubectl('get', kind, ...extra, '-o', 'jsonpath={.items[*].metadata.name}')).split(/\s+/).filter(Boolean);

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 60): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pool = (name: string, labels: string) => `
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: ${name}
  labels: { ${labels} }
spec:
  replicas: 1
  template:
    metadata: { labels: { ${labels.replace(/karpenter\.kaito\.sh\/managed-by: kaito,?\s*/, '')} } }
    spec:
      nodeClassRef: { group: karpenter.azure.com, kind: AKSNodeClass, name: image-family-ubuntu }
      requirements:
        - { key: node.kubernetes.io/instance-type, operator: In, values: [Standard_NC24ads_A100_v4] }
`;

describe('kaito gc (Kaito 0.12, karpenter)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12', nodeProvisioner: 'karpenter', speed: 600 });
    expect(await kubectlApply(kubectl, pool('default-ghost', 'karpenter.kaito.sh/managed-by: kaito, karpenter.kaito.sh/workspace-name: ghost, karpenter.kaito.sh/workspace-namespace: default'))).toBe('applied');
    expect(await kubectlApply(kubectl, pool('team-gpus', 'team: nlp'))).toBe('applied');
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'live1', '--dataset', datasetUrl(sb), '--epochs', '1', '--output-pvc', 'adapters', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    await until('the NodePool of live1', async () => ((await names('nodepools.karpenter.sh')).includes('default-live1') ? true : undefined));
    await until('the NodeClaim of the orphan pool', async () => ((await names('nodeclaims', ['-l', 'karpenter.sh/nodepool=default-ghost'])).length ? true : undefined));
  }, 120_000);

  it('lists only the orphan NodePool (its NodeClaims go with it)', async () => {
    const r = await kaito(['gc', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    // $/h: the pool's VM size at the sandbox price API's Linux figure, x the NodeClaims it has
    const nodes = (await names('nodeclaims', ['-l', 'karpenter.sh/nodepool=default-ghost'])).length;
    const region = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels.topology\\.kubernetes\\.io/region}');
    const usd = Math.round((await sandboxLinuxPrice(sb, 'Standard_NC24ads_A100_v4', region)) * nodes * 10000) / 10000;
    expect(nodes).toBeGreaterThan(0);
    expect(doc.items).toEqual([{ kind: 'NodePool', name: 'default-ghost', workspace: 'default/ghost', reason: 'workspace default/ghost no longer exists', instanceType: 'Standard_NC24ads_A100_v4', gpus: 1, nodes, usdPerHour: usd, deleted: false }]);
    expect(doc).toMatchObject({ usdPerHour: usd, region, unavailable: [] });
  });

  it('--yes deletes it and Karpenter removes its NodeClaims; the others stay', async () => {
    const r = await kaito(['gc', '--yes'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ nodepool\/default-ghost deleted/);
    await until('the orphan pool and its claims to go', async () => {
      const pools = await names('nodepools.karpenter.sh');
      const claims = await names('nodeclaims', ['-l', 'karpenter.sh/nodepool=default-ghost']);
      return !pools.includes('default-ghost') && claims.length === 0 ? true : undefined;
    });
    const pools = await names('nodepools.karpenter.sh');
    expect(pools).toEqual(expect.arrayContaining(['default-live1', 'team-gpus']));
  });
});
