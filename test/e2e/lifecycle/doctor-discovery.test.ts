// doctor's "AKS cluster" check against the ARM emulator alone: the cluster discovered from the kube
// context, and a cluster named by env that is not the one the kube context talks to (a warning, not a
// failure). All traffic stays on 127.0.0.1: the kube context always points at the emulator's host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armEnv } from '../../../src/sandbox/arm/index.js';
import { startArm, type ArmHarness } from '../../unit/sandbox/arm/harness.js';
import { baseEnv, kaito } from '../../support/cli.js';

interface Report { id: string; status: string; detail: string; hint?: string }

describe('kaito doctor: which AKS cluster', () => {
  let h: ArmHarness;
  let env: NodeJS.ProcessEnv;
  const aks = async (extra: NodeJS.ProcessEnv) => {
    const r = await kaito(['doctor', '-o', 'json'], { env: { ...env, ...extra } });
    return (JSON.parse(r.stdout).checks as Report[]).find((c) => c.id === 'aks-cluster')!;
  };

  beforeAll(async () => {
    h = await startArm({ speed: 1000 });
    const a = armEnv(h.arm, { baseUrl: h.baseUrl, stateDir: h.dir, subscriptionId: h.ctx.azure.subscriptionId });
    env = baseEnv({ ...a.env, NODE_EXTRA_CA_CERTS: h.caFile, KUBECONFIG: h.kubeconfig(), HOME: h.dir, NO_COLOR: '1' });
    h.arm.addManagedCluster({ resourceGroup: 'other-rg', name: 'other', fqdn: 'other-dns-1a2b3c4d.hcp.westus2.azmk8s.io' });
  });
  afterAll(() => h.close());

  it('without --cluster, the cluster whose API server is the kube context server is found', async () => {
    expect(env.KAITO_CLUSTER).toBeUndefined();
    expect(await aks({})).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^kaito-rg\/kaito-aks in eastus .*found as the cluster behind the kube context$/) });
  });

  it('a cluster named by env that the kube context does not talk to is a warning with the fix', async () => {
    const c = await aks({ KAITO_RESOURCE_GROUP: 'other-rg', KAITO_CLUSTER: 'other' });
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/^other-rg\/other .*but kube context \S+ points at 127\.0\.0\.1, not at its API server \(other-dns-1a2b3c4d\.hcp\.westus2\.azmk8s\.io\)$/);
    expect(c.hint).toMatch(/az aks get-credentials -g other-rg -n other/);
  });

  it('a cluster that does not exist fails the check naming it', async () => {
    const c = await aks({ KAITO_RESOURCE_GROUP: 'kaito-rg', KAITO_CLUSTER: 'nosuch' });
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/kaito-rg\/nosuch/);
  });
});
