// `kaito status` in-process: one Workspace's state, conditions, pods, progress and cost.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito status (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await submitTuning(sb, 's1');
    const w = await sandboxRun(sb, ['wait', 's1', '--timeout', '10m']);
    if (w.code !== 0) throw new Error(w.stderr);
  });

  it('a finished tuning Workspace: the human view', async () => {
    const r = await sandboxRun(sb, ['status', 's1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Workspace:\s+s1 \(namespace default\)$/m);
    expect(r.stdout).toMatch(/^Type:\s+tuning \(qlora\)$/m);
    expect(r.stdout).toMatch(/^State:\s+Succeeded$/m);
    expect(r.stdout).toMatch(/^Progress:\s+step (\d+)\/\1 100%/m);
    expect(r.stdout).toMatch(/^  WorkspaceSucceeded\s+True\s+WorkspaceSucceeded$/m);
  });

  it('-o json: the documented document', async () => {
    const r = await sandboxRun(sb, ['status', 's1', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 's1', namespace: 'default', type: 'tuning', state: 'Succeeded' });
  });

  it('without a name and one Workspace in the namespace: that one', async () => {
    const r = await sandboxRun(sb, ['status', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('s1');
  });

  it('a workspace that does not exist: exit 2, the shared not-found rule', async () => {
    const r = await sandboxRun(sb, ['status', 'ghost']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
  });

  it('a bad -n: exit 2 before any request', async () => {
    const r = await sandboxRun(sb, ['status', 's1', '-n', 'Bad NS']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --namespace "Bad NS": /);
  });
});

describe('kaito status: a wrong token (exit 4)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('the API server refuses the credentials: exit 4 and what to do', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const kc = join(sb.home, 'bad-kubeconfig');
    writeFileSync(kc, readFileSync(sb.kubeconfigPath, 'utf8').replace(sb.token, 'not-the-token'));
    const r = await sandboxRun(sb, ['status', 'x'], { extra: { KUBECONFIG: kc } });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toContain('not-the-token');
  });
});

describe('kaito status: the API server keeps failing (fault api-5xx=1)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox({ faults: ['api-5xx=1'] });
  });

  it('exits non-zero with one error, no stack trace', async () => {
    const r = await sandboxRun(sb, ['status', 'x']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
