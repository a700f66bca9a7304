// `kaito gc` in-process: finds what Kaito or the CLI left for Workspaces that are gone; deletes only with --yes.
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterObject, RES, sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito gc (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('nothing to collect: says so, exit 0', async () => {
    const r = await sandboxRun(sb, ['gc']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'nothing to collect: every NodeClaim, NodePool, agent pool, ConfigMap and Secret made by Kaito or kaito has its workspace\n' });
  });

  describe('with orphans (made straight in the API server store)', () => {
    beforeAll(async () => {
      const store = sb.ctx.store;
      store.create(RES.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost-tuning-0123abcd', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'kaito-cli', 'kaito.sh/workspace': 'ghost' } }, data: { 'training_config.yaml': 'training_config: {}' } } as never);
      store.create(RES.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost-notes', namespace: 'default', labels: { 'kaito.sh/workspace': 'ghost' } }, data: { note: 'the user\'s own' } } as never);
      store.create(RES.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ghost-push', namespace: 'default', labels: { 'app.kubernetes.io/managed-by': 'kaito-cli' } }, type: 'Opaque', data: { k: 'dg==' } } as never);
      // a live workspace whose CLI-made secret must stay
      await submitTuning(sb, 'keep1');
    });

    it('lists them as a table and deletes nothing without --yes', async () => {
      const r = await sandboxRun(sb, ['gc']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^KIND\s+NAME\s+INSTANCE\s+\$\/H\s+WHY/);
      expect(r.stdout).toMatch(/ConfigMap\s+default\/ghost-tuning-0123abcd\s+-\s+made by kaito/);
      expect(r.stdout).toMatch(/Secret\s+default\/ghost-push/);
      expect(r.stdout).not.toMatch(/ghost-notes|keep1/);
      expect(r.stderr).toMatch(/nothing deleted: run `kaito gc --yes` to delete them/);
      expect(clusterObject(sb, RES.configmaps, 'ghost-tuning-0123abcd')).toBeDefined();
    });

    it('-o json: exactly the orphans', async () => {
      const r = await sandboxRun(sb, ['gc', '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.deleted).toBe(false);
      expect(doc.items.map((i: { kind: string; name: string }) => `${i.kind}/${i.name}`).sort()).toEqual(['ConfigMap/ghost-tuning-0123abcd', 'Secret/ghost-push']);
    });

    it('--yes deletes the orphans; the user\'s ConfigMap and the live workspace\'s secret stay', async () => {
      const r = await sandboxRun(sb, ['gc', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/✓ deleted 2 of 2/);
      expect(clusterObject(sb, RES.configmaps, 'ghost-tuning-0123abcd')).toBeUndefined();
      expect(clusterObject(sb, RES.secrets, 'ghost-push')).toBeUndefined();
      expect(clusterObject(sb, RES.configmaps, 'ghost-notes')).toBeDefined();
      expect(clusterObject(sb, RES.secrets, 'keep1-push')).toBeDefined();
      expect(clusterObject(sb, RES.workspaces, 'keep1')).toBeDefined();
    });
  });

  it('an output format gc does not print: exit 2', async () => {
    const r = await sandboxRun(sb, ['gc', '-o', 'sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown output format "sarif"/);
  });

  it('no cluster: exit 2 with the fix', async () => {
    const r = await sandboxRun(sb, ['gc'], { extra: { KUBECONFIG: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no kubeconfig/);
  });
});
