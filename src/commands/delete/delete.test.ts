// `kaito delete` in-process: the Workspace goes (with --wait, until its finalizer is done).
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterObject, deployInference, RES, sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito delete (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('--wait: deleted, the finalizer ran, nothing left in the store', async () => {
    await deployInference(sb, 'x1');
    const r = await sandboxRun(sb, ['delete', 'x1', '--wait', '--timeout', '2m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^✓ workspace\/x1 deleted\n/);
    expect(r.stderr).toMatch(/^x1: deleted after /m);
    expect(clusterObject(sb, RES.workspaces, 'x1')).toBeUndefined();
  });

  it('-o name without --wait', async () => {
    await submitTuning(sb, 'x2');
    const r = await sandboxRun(sb, ['delete', 'x2', '-o', 'name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('workspace.kaito.sh/x2\n');
    const left = clusterObject(sb, RES.workspaces, 'x2');
    // gone, or going (the controller's finalizer)
    expect(left === undefined || left.metadata.deletionTimestamp !== undefined).toBe(true);
  });

  it('a workspace that does not exist: exit 2, nothing deleted', async () => {
    const before = sb.ctx.store.list(RES.workspaces).items.length;
    const r = await sandboxRun(sb, ['delete', 'ghost']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
    expect(sb.ctx.store.list(RES.workspaces).items.length).toBe(before);
  });

  it('no name: commander refuses, exit 2', async () => {
    const r = await sandboxRun(sb, ['delete']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument 'ws'/);
  });

  it('a --timeout that is not a duration: exit 2, the Workspace kept', async () => {
    await submitTuning(sb, 'x3');
    const r = await sandboxRun(sb, ['delete', 'x3', '--wait', '--timeout', 'later']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --timeout later/);
    expect(clusterObject(sb, RES.workspaces, 'x3')!.metadata.deletionTimestamp).toBeUndefined();
  });
});
