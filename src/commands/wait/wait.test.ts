// `kaito wait` in-process: follows a Workspace to a phase; its exit codes for success, failure, timeout.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito wait (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await submitTuning(sb, 'w1');
  });

  it('follows a tuning Workspace through its phases to success: exit 0', async () => {
    const r = await sandboxRun(sb, ['wait', 'w1', '--timeout', '10m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^w1: training$/m);
    expect(r.stderr).toMatch(/^w1: tuning succeeded after /m);
  });

  it('-o json: the phase it reached', async () => {
    const r = await sandboxRun(sb, ['wait', 'w1', '--for', 'succeeded', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: 'w1', namespace: 'default', phase: 'succeeded' });
  });

  it('--for condition=NAME waits for a condition', async () => {
    const r = await sandboxRun(sb, ['wait', 'w1', '--for', 'condition=WorkspaceSucceeded', '--timeout', '1m']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a --for it does not understand: exit 2, what it takes', async () => {
    const r = await sandboxRun(sb, ['wait', 'w1', '--for', 'bogus']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --for bogus is not understood\n  use --for ready, succeeded, deleted or condition=NAME[=True|False|Unknown] (e.g. condition=WorkspaceSucceeded)\n' });
  });

  it('a --timeout that is not a duration: exit 2', async () => {
    const r = await sandboxRun(sb, ['wait', 'w1', '--timeout', 'soon']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --timeout soon is not a duration\n  use e.g. --timeout 90m, 6h, 1h30m or 45s\n' });
  });

  it('a workspace that does not exist: exit 2, the shared not-found rule', async () => {
    const r = await sandboxRun(sb, ['wait', 'ghost', '--timeout', '30s']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
  });

  it('Ctrl-C (the run\'s signal) while waiting: exit 130, the Workspace is kept', async () => {
    await submitTuning(sb, 'w2');
    const ac = new AbortController();
    const r = await sandboxRun(sb, ['wait', 'w2', '--for', 'condition=Never', '--timeout', '10m'], {
      signal: ac.signal,
      interact: async (t) => {
        await t.waitFor(/w2: /);
        ac.abort();
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^error: interrupted while waiting for workspace w2/m);
    expect(sb.ctx.store.get('kaito.sh/workspaces', 'default', 'w2')).toBeDefined();
  });
});

describe('kaito wait: timeout (emulated time at real speed)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox({ speed: 1 });
    await submitTuning(sb, 'slow1');
  });

  it('exits 5 naming the phase it was stuck in', async () => {
    const r = await sandboxRun(sb, ['wait', 'slow1', '--timeout', '1s']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/timed out after 1s waiting for slow1 to be succeeded; it was stuck in phase "/);
  });
});

describe('kaito wait: the trainer fails (fault tuning-fail)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox({ faults: ['tuning-fail'] });
    await submitTuning(sb, 'f1');
  });

  it('exits 3 with the failure', async () => {
    const r = await sandboxRun(sb, ['wait', 'f1', '--timeout', '10m']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/f1/);
    expect(r.stderr).toMatch(/^error: /m);
  });
});
