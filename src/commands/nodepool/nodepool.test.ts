// `kaito nodepool add|list|show|delete` in-process against the sandbox's ARM emulator (the cluster discovered
// from the kube context, workload identity from the run's env).
import { beforeAll, describe, expect, it } from 'vitest';
import { deployInference, sandboxRun, startInProcSandbox } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito nodepool (in-process)', () => {
  let sb: TestSandbox;
  const armPuts = () => sb.ctx.requestLog.filter((r) => r.api === 'arm' && r.method === 'PUT').length;
  beforeAll(async () => {
    sb = await startInProcSandbox({ speed: 3000 });
  });

  it('list: the system pool', async () => {
    const r = await sandboxRun(sb, ['nodepool', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+VM SIZE\s+GPUS\s+COUNT\s+STATE\s+MODE\s+WORKSPACES$/m);
    expect(r.stdout).toMatch(/^nodepool1\s+Standard_D4s_v5\s+-\s+2\s+Succeeded\s+System\s+-$/m);
  });

  it('add creates a GPU pool; show and list -o json see it', async () => {
    const r = await sandboxRun(sb, ['nodepool', 'add', 'gpu1', '--instance-type', 'Standard_NC24ads_A100_v4', '--labels', 'team=ml', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/creating node pool gpu1 \(Standard_NC24ads_A100_v4 x1\) in kaito-sandbox-rg\/kaito-sandbox/);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'gpu1', vmSize: 'Standard_NC24ads_A100_v4', count: 1, provisioningState: 'Succeeded', gpus: 1, createdByKaito: true });
    const show = await sandboxRun(sb, ['nodepool', 'show', 'gpu1']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Standard_NC24ads_A100_v4/);
    const list = await sandboxRun(sb, ['nodepool', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).items.map((p: { name: string }) => p.name)).toContain('gpu1');
    // the Kubernetes side: the pool's node joined the cluster with the pool's label
    const nodes = sb.ctx.store.list('/nodes').items.filter((n) => n.metadata.labels?.agentpool === 'gpu1');
    expect(nodes).toHaveLength(1);
  });

  it('the same add again is unchanged: no PUT', async () => {
    const before = armPuts();
    const r = await sandboxRun(sb, ['nodepool', 'add', 'gpu1', '--instance-type', 'Standard_NC24ads_A100_v4', '--labels', 'team=ml']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/unchanged/);
    expect(armPuts()).toBe(before);
  });

  it('--dry-run prints the agent pool body and creates nothing', async () => {
    const before = armPuts();
    const r = await sandboxRun(sb, ['nodepool', 'add', 'gpu2', '--instance-type', 'Standard_NV36ads_A10_v5', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ properties: { vmSize: 'Standard_NV36ads_A10_v5', count: 1, mode: 'User', nodeTaints: ['sku=gpu:NoSchedule'] } });
    expect(r.stderr).toBe('dry run: node pool gpu2 not created\n');
    expect(armPuts()).toBe(before);
  });

  it('bad input: a pool name AKS refuses, a count out of range: exit 2, nothing sent', async () => {
    const before = armPuts();
    const r = await sandboxRun(sb, ['nodepool', 'add', 'GPU_1', '--instance-type', 'Standard_NV36ads_A10_v5', '--count', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(/GPU_1/);
    expect(armPuts()).toBe(before);
  });

  it('GPU quota exhausted (fault quota): add fails naming the quota, no pool left', async () => {
    sb.ctx.faults.quota.standardNVADSA10v5Family = 0;
    try {
      const r = await sandboxRun(sb, ['nodepool', 'add', 'gpu3', '--instance-type', 'Standard_NV36ads_A10_v5']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/quota/i);
      const list = await sandboxRun(sb, ['nodepool', 'list', '-o', 'json']);
      expect(JSON.parse(list.stdout).items.map((p: { name: string }) => p.name)).not.toContain('gpu3');
    } finally {
      delete sb.ctx.faults.quota.standardNVADSA10v5Family;
    }
  });

  it('show of a pool that does not exist: exit 2', async () => {
    const r = await sandboxRun(sb, ['nodepool', 'show', 'nope']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: node pool nope not found in kaito-sandbox-rg/kaito-sandbox\n  list the pools with `kaito nodepool list`\n' });
  });

  it('delete of a pool a Workspace uses is refused; --force deletes it', async () => {
    sb.ctx.store.create('kaito.sh/workspaces', { apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'phi', namespace: 'default' }, resource: { labelSelector: { matchLabels: { agentpool: 'gpu1' } } } } as never);
    const refused = await sandboxRun(sb, ['nodepool', 'delete', 'gpu1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/node pool gpu1 is used by workspace default\/phi/);
    const r = await sandboxRun(sb, ['nodepool', 'delete', 'gpu1', '--force']);
    expect(r.code, r.stderr).toBe(0);
    const list = await sandboxRun(sb, ['nodepool', 'list', '-o', 'json']);
    expect(JSON.parse(list.stdout).items.map((p: { name: string }) => p.name)).not.toContain('gpu1');
  });

  it('a pool Kaito provisioned for a Workspace lists that Workspace', async () => {
    await deployInference(sb, 'inf1');
    const r = await sandboxRun(sb, ['nodepool', 'list', '-o', 'json']);
    const mine = JSON.parse(r.stdout).items.filter((p: { kaitoWorkspace?: string }) => p.kaitoWorkspace === 'default/inf1');
    expect(mine).toHaveLength(1);
  });
});
