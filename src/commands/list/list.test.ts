// `kaito list` in-process: the Workspaces of a namespace (or all), as a table or documents.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito list (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('no workspaces: says so on stderr, exit 0, stdout empty', async () => {
    const r = await sandboxRun(sb, ['list']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'no workspaces in namespace default\n' });
  });

  it('a table with the Workspaces of the namespace', async () => {
    await submitTuning(sb, 'l1');
    sb.ctx.store.create('/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    await submitTuning(sb, 'l2', ['-n', 'team-b']);
    const r = await sandboxRun(sb, ['list']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['l1']);
  });

  it('-A: every namespace, with a NAMESPACE column', async () => {
    const r = await sandboxRun(sb, ['list', '-A']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+/);
    expect(r.stdout).toMatch(/^default\s+l1\s/m);
    expect(r.stdout).toMatch(/^team-b\s+l2\s/m);
  });

  it('-o json: items', async () => {
    const r = await sandboxRun(sb, ['list', '-A', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const items = JSON.parse(r.stdout).items as Array<{ name: string; namespace: string; type: string }>;
    expect(items.map((i) => `${i.namespace}/${i.name}`).sort()).toEqual(['default/l1', 'team-b/l2']);
    expect(items.every((i) => i.type === 'tuning')).toBe(true);
  });

  it('-o name', async () => {
    const r = await sandboxRun(sb, ['list', '-o', 'name']);
    expect(r).toEqual({ code: 0, stdout: 'workspace.kaito.sh/l1\n', stderr: '' });
  });

  it('an output format list does not have: exit 2', async () => {
    const r = await sandboxRun(sb, ['list', '-o', 'sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown output format "sarif"/);
    expect(r.stdout).toBe('');
  });

  it('no kubeconfig anywhere: exit 2 with the fix', async () => {
    const r = await sandboxRun(sb, ['list'], { extra: { KUBECONFIG: undefined } });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: no kubeconfig: --kubeconfig, KUBECONFIG and ~/.kube/config are all missing, and this is not a pod\n  get credentials (e.g. `az aks get-credentials -g RG -n CLUSTER`) or try the local sandbox: `kaito sandbox start`\n' });
  });

  it('~/.kube/config of the run\'s HOME is used when KUBECONFIG is unset', async () => {
    const { copyFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    mkdirSync(join(sb.home, '.kube'), { recursive: true });
    copyFileSync(sb.kubeconfigPath, join(sb.home, '.kube', 'config'));
    const r = await sandboxRun(sb, ['list', '-o', 'name'], { extra: { KUBECONFIG: undefined } });
    expect(r).toEqual({ code: 0, stdout: 'workspace.kaito.sh/l1\n', stderr: '' });
  });
});
