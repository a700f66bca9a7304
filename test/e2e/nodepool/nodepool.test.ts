// bin/kaito nodepool against the ARM emulator over HTTPS, with the credential path a user has:
// workload identity (federated token file) through DefaultAzureCredential, or `az` (--auth cli).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armEnv } from '../../../src/sandbox/arm/index.js';
import { startArm, type ArmHarness } from '../../unit/sandbox/arm/harness.js';
import { baseEnv, kaito } from '../../support/cli.js';

describe('kaito nodepool (built binary) against the sandbox ARM', () => {
  let h: ArmHarness;
  let env: NodeJS.ProcessEnv;
  const puts = () => h.ctx.requestLog.filter((r) => r.api === 'arm' && r.method === 'PUT').length;

  beforeAll(async () => {
    h = await startArm({ speed: 1000 });
    const a = armEnv(h.arm, { baseUrl: h.baseUrl, stateDir: h.dir, subscriptionId: h.ctx.azure.subscriptionId });
    env = baseEnv({ ...a.env, NODE_EXTRA_CA_CERTS: h.caFile, KUBECONFIG: h.kubeconfig(), HOME: h.dir });
  });
  afterAll(() => h.close());

  it('add creates a GPU pool (discovering the cluster from the kube context), re-run is unchanged', async () => {
    const r = await kaito(['nodepool', 'add', 'gpu1', '--instance-type', 'Standard_NC24ads_A100_v4', '--labels', 'team=ml', '-o', 'json'], { env });
    expect(r.stderr).toMatch(/creating node pool gpu1 \(Standard_NC24ads_A100_v4 x1\) in kaito-rg\/kaito-aks/);
    expect(r.stderr).toMatch(/✓ node pool gpu1 .* created/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ name: 'gpu1', vmSize: 'Standard_NC24ads_A100_v4', count: 1, provisioningState: 'Succeeded', gpus: 1, createdByKaito: true, nodeTaints: ['sku=gpu:NoSchedule'] });
    expect(doc.nodeLabels).toEqual({ team: 'ml', 'kaito.sh/created-by': 'kaito-cli' });
    const before = puts();
    const again = await kaito(['nodepool', 'add', 'gpu1', '--instance-type', 'Standard_NC24ads_A100_v4', '--labels', 'team=ml'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/node pool gpu1 unchanged/);
    expect(puts()).toBe(before);
  });

  it('a different immutable spec is refused naming the fields, exit 2, nothing sent', async () => {
    const before = puts();
    const r = await kaito(['nodepool', 'add', 'gpu1', '--instance-type', 'Standard_NC48ads_A100_v4', '--taints', 'none', '--labels', 'team=ml'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists .* different vmSize and taints/);
    expect(r.stderr).toMatch(/vmSize \(Standard_NC24ads_A100_v4 -> Standard_NC48ads_A100_v4\)/);
    expect(puts()).toBe(before);
  });

  it('list puts GPU pools first with the workspaces using them; show describes one', async () => {
    h.ctx.store.create('kaito.sh/workspaces', { apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'phi', namespace: 'default' }, resource: { labelSelector: { matchLabels: { agentpool: 'gpu1' } } } });
    const r = await kaito(['nodepool', 'list'], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VM SIZE\s+GPUS\s+COUNT\s+STATE\s+MODE\s+WORKSPACES$/);
    expect(lines[1]).toMatch(/^gpu1\s+Standard_NC24ads_A100_v4\s+1\s+1\s+Succeeded\s+User\s+default\/phi$/);
    expect(lines[2]).toMatch(/^nodepool1\s+Standard_D4s_v5\s+-\s+2\s+Succeeded\s+System\s+-$/);
    const j = await kaito(['nodepool', 'list', '-o', 'json'], { env });
    expect(JSON.parse(j.stdout).items.map((p: { name: string }) => p.name)).toEqual(['gpu1', 'nodepool1']);
    const s = await kaito(['nodepool', 'show', 'gpu1'], { env });
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^Workspaces:\s+default\/phi$/m);
  });

  it('delete refuses a pool a workspace uses (exit 2) and deletes it with --force', async () => {
    const r = await kaito(['nodepool', 'delete', 'gpu1'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/node pool gpu1 is used by workspace default\/phi/);
    const f = await kaito(['nodepool', 'delete', 'gpu1', '--force'], { env });
    expect(f.stderr).toMatch(/✓ node pool gpu1 deleted/);
    expect(f.code).toBe(0);
    expect(h.arm.getAgentPool('gpu1')).toBeUndefined();
    h.ctx.store.delete('kaito.sh/workspaces', 'default', 'phi');
  });

  it('quota exhausted: refused before any PUT, exit 1, with the numbers and where to ask for more', async () => {
    h.ctx.faults.quota.standardNVADSA10v5Family = 0;
    const before = puts();
    const r = await kaito(['nodepool', 'add', 'a10', '--instance-type', 'Standard_NV36ads_A10_v5'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs 36 vCPUs of standardNVADSA10v5Family in eastus, 0 of 0 free; request an increase at https:\/\/portal\.azure\.com\//);
    expect(puts()).toBe(before);
    delete h.ctx.faults.quota.standardNVADSA10v5Family;
  });

  it('a credential Entra rejects exits 4 with one line and no stack', async () => {
    const bad = join(h.dir, 'bad-token');
    writeFileSync(bad, 'not-a-federated-token', { mode: 0o600 });
    const r = await kaito(['nodepool', 'list'], { env: { ...env, AZURE_FEDERATED_TOKEN_FILE: bad } });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: .*no Azure credential worked/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--auth cli uses `az account get-access-token` (a fake az on PATH)', async () => {
    const bin = join(h.dir, 'fakebin');
    mkdirSync(bin, { recursive: true });
    const t = h.arm.entra.issueAccessToken({ audience: h.baseUrl });
    const expires = new Date(t.expiresOn * 1000);
    const out = JSON.stringify({ accessToken: t.token, expiresOn: expires.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '.000000'), expires_on: t.expiresOn, tokenType: 'Bearer', subscription: h.ctx.azure.subscriptionId, tenant: h.arm.entra.tenantId });
    writeFileSync(join(bin, 'az'), `#!/bin/sh\necho "$@" >> "${join(h.dir, 'az-args')}"\ncat <<'JSON'\n${out}\nJSON\n`);
    chmodSync(join(bin, 'az'), 0o755);
    const r = await kaito(['nodepool', 'list', '--auth', 'cli', '-o', 'name'], { env: { ...env, PATH: `${bin}:${env.PATH}`, AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('nodepool/nodepool1\n');
  });

  it('discovery: a kube context whose server is no AKS cluster of the subscription is a clear error', async () => {
    h.arm.addManagedCluster({ resourceGroup: 'other-rg', name: 'other', fqdn: 'other-dns-1a2b3c4d.hcp.westus2.azmk8s.io' });
    const r = await kaito(['nodepool', 'list'], { env: { ...env, KUBECONFIG: h.kubeconfig('https://other-dns-1a2b3c4d.hcp.westus2.azmk8s.io:443') } });
    expect(r.code).toBe(0);
    // the kube context points at the other cluster, so that is the one listed (it has no pools)
    expect(r.stderr).toMatch(/no node pools in other-rg\/other/);
    const none = await kaito(['nodepool', 'list'], { env: { ...env, KUBECONFIG: h.kubeconfig('https://nowhere.example.com:443') } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no AKS cluster whose API server is nowhere\.example\.com .* in subscription/);
  });

  it('--no-wait returns while the pool is Creating; --debug traces ARM without any token', async () => {
    const r = await kaito(['nodepool', 'add', 'gpu2', '--instance-type', 'Standard_NV36ads_A10_v5', '--no-wait', '--debug', '-o', 'json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).provisioningState).toBe('Creating');
    expect(r.stderr).toMatch(/debug: PUT https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*agentPools\/gpu2.* -> 201/);
    expect(r.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT (federated or access token) anywhere
    for (let i = 0; i < 100 && h.arm.getAgentPool('gpu2')?.properties.provisioningState !== 'Succeeded'; i++) await new Promise((r) => setTimeout(r, 50));
    const del = await kaito(['nodepool', 'delete', 'gpu2', '--no-wait'], { env });
    expect(del.code).toBe(0);
    expect(del.stderr).toMatch(/deletion of node pool gpu2 accepted/);
    expect(h.arm.getAgentPool('gpu2')?.properties.provisioningState ?? 'gone').toMatch(/Deleting|gone/);
  });

  it('persistent 429 ends in one clear line after the SDK retries (exit 1)', async () => {
    h.ctx.faults.arm429 = 1;
    try {
      const r = await kaito(['nodepool', 'list', '--cluster', 'kaito-aks', '--resource-group', 'kaito-rg'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/kept throttling the requests \(TooManyRequests\)/);
    } finally {
      h.ctx.faults.arm429 = 0;
    }
  });
});
