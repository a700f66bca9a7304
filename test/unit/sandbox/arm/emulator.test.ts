import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startArm, type ArmHarness } from './harness.js';
import { NodePools } from '../../../../src/azure/nodepools.js';
import { toAzureError } from '../../../../src/azure/errors.js';
import { checkQuota } from '../../../../src/azure/quota.js';
import { listClusters } from '../../../../src/azure/target.js';

const spec = { vmSize: 'Standard_NC24ads_A100_v4', count: 1, labels: { team: 'ml' }, taints: ['sku=gpu:NoSchedule'] };

describe('ARM emulator through the real ContainerServiceClient', () => {
  let h: ArmHarness;
  let pools: NodePools;
  beforeEach(async () => {
    h = await startArm();
    pools = new NodePools(h.session(), { subscription: h.ctx.azure.subscriptionId, resourceGroup: 'kaito-rg', cluster: 'kaito-aks', location: 'eastus', discovered: false });
  });
  afterEach(() => h.close());

  it('lists the cluster with an fqdn equal to the sandbox host and the system pool', async () => {
    const clusters = await listClusters(h.session(), h.ctx.azure.subscriptionId);
    expect(clusters).toEqual([expect.objectContaining({ name: 'kaito-aks', resourceGroup: 'kaito-rg', location: 'eastus', fqdns: expect.arrayContaining(['127.0.0.1']) })]);
    const list = await pools.list();
    expect(list.map((p) => [p.name, p.mode, p.provisioningState])).toEqual([['nodepool1', 'System', 'Succeeded']]);
    expect(h.ctx.store.list('/nodes').items).toHaveLength(2);
  });

  it('creates a pool as an LRO (201 + Azure-AsyncOperation, polled to Succeeded) and Nodes with GPU capacity', async () => {
    const p = await pools.create('gpu1', spec);
    expect(p).toMatchObject({ name: 'gpu1', vmSize: 'Standard_NC24ads_A100_v4', provisioningState: 'Succeeded', createdByKaito: true, gpus: 1 });
    const put = h.ctx.requestLog.find((r) => r.method === 'PUT');
    expect(put?.status).toBe(201);
    expect(h.ctx.requestLog.some((r) => /\/operations\//.test(r.path))).toBe(true);
    const nodes = h.ctx.store.list('/nodes', undefined, (n) => n.metadata.labels?.agentpool === 'gpu1').items;
    expect(nodes).toHaveLength(1);
    const n = nodes[0] as unknown as { metadata: { labels: Record<string, string> }; spec: { taints: unknown[] }; status: { capacity: Record<string, string>; conditions: Array<{ type: string; status: string }> } };
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.azure.com/agentpool': 'gpu1', 'node.kubernetes.io/instance-type': 'Standard_NC24ads_A100_v4', 'kubernetes.io/os': 'linux', team: 'ml', 'kaito.sh/created-by': 'kaito-cli' });
    expect(n.spec.taints).toEqual([{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }]);
    expect(n.status.capacity['nvidia.com/gpu']).toBe('1');
    expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('refuses an immutable change with PropertyChangeNotAllowed and deletes pools with their Nodes', async () => {
    await pools.create('gpu1', spec);
    const err = await pools.create('gpu1', { ...spec, vmSize: 'Standard_NC48ads_A100_v4' }).catch((e) => e);
    expect(err.message).toMatch(/PropertyChangeNotAllowed: Changing property 'vmSize' is not allowed/);
    expect(err.exitCode).toBe(1);
    expect(await pools.delete('gpu1')).toBe(true);
    expect(await pools.get('gpu1')).toBeUndefined();
    expect(h.ctx.store.list('/nodes', undefined, (n) => n.metadata.labels?.agentpool === 'gpu1').items).toHaveLength(0);
    expect(h.ctx.requestLog.find((r) => r.method === 'DELETE')?.status).toBe(202);
  });

  it('a quota-exceeding create fails as an LRO with ARM\'s QuotaExceeded message, leaving a Failed pool', async () => {
    h.ctx.faults.quota.standardNCADSA100v4Family = 0;
    const q = await checkQuota(h.session(), h.ctx.azure.subscriptionId, 'eastus', spec.vmSize, 1);
    expect(q).toMatchObject({ family: 'standardNCADSA100v4Family', needed: 24, limit: 0, free: 0, ok: false });
    const err = await pools.create('gpu1', spec).catch((e) => e);
    expect(err.message).toMatch(/creating node pool gpu1 .*exceeding approved standardNCADSA100v4Family Cores quota/);
    expect((await pools.get('gpu1'))?.provisioningState).toBe('Failed');
  });

  it('counts existing pools in Compute usages', async () => {
    await pools.create('gpu1', { ...spec, count: 2 });
    const q = await checkQuota(h.session(), h.ctx.azure.subscriptionId, 'eastus', spec.vmSize, 1);
    expect(q.used).toBe(48);
  });

  it('401 without a valid token maps to an AuthError (exit 4); 403 for a principal without a role', async () => {
    const { AzureSession } = await import('../../../../src/azure/session.js');
    const { resolveArmCloud } = await import('../../../../src/azure/cloud.js');
    const bad = new AzureSession({ cloud: resolveArmCloud(h.baseUrl, {}), credential: { getToken: async () => ({ token: 'not-a-token', expiresOnTimestamp: Date.now() + 3600_000 }) }, ca: h.ca });
    const e401 = await new NodePools(bad, pools.target).list().catch((e) => e);
    expect(e401.exitCode).toBe(4);
    expect(e401.message).toMatch(/InvalidAuthenticationToken/);
    const stranger = h.arm.entra.issueAccessToken({ audience: h.baseUrl, authorized: false });
    const noRole = new AzureSession({ cloud: resolveArmCloud(h.baseUrl, {}), credential: { getToken: async () => ({ token: stranger.token, expiresOnTimestamp: stranger.expiresOn * 1000 }) }, ca: h.ca });
    const e403 = await new NodePools(noRole, pools.target).list().catch((e) => e);
    expect(e403.exitCode).toBe(4);
    expect(e403.message).toMatch(/AuthorizationFailed/);
  });

  it('persistent 429 becomes a clear error after the SDK retries', async () => {
    h.ctx.faults.arm429 = 1;
    const err = (await new NodePools(h.session({ maxRetries: 1 }), pools.target).list().then(() => undefined, (e: unknown) => toAzureError(e, 'x')))!;
    expect(err.message).toMatch(/kept throttling/);
    expect(h.ctx.requestLog.filter((r) => r.status === 429).length).toBe(2);
  });
});
