// `kaito logs` in-process: the trainer's (or inference server's) log lines, the progress view, and errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito logs (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await submitTuning(sb, 'g1');
    const w = await sandboxRun(sb, ['wait', 'g1', '--timeout', '10m']);
    if (w.code !== 0) throw new Error(w.stderr);
  });

  it('--tail 3: the trainer\'s last three lines on stdout', async () => {
    const r = await sandboxRun(sb, ['logs', 'g1', '--tail', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/'train_loss'/);
    expect(lines[2]).toMatch(/^Fine-tuning completed\./);
  });

  it('--progress: the log as a progress view', async () => {
    const r = await sandboxRun(sb, ['logs', 'g1', '--progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[█+\] step (\d+)\/\1 100%/m);
    expect(r.stdout).toMatch(/done \(train loss [\d.]+\)/);
  });

  it('-f on a finished pod ends when the log does', async () => {
    const r = await sandboxRun(sb, ['logs', 'g1', '-f', '--tail', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Fine-tuning completed\./);
  });

  it('a --tail that is not a number: exit 2', async () => {
    const r = await sandboxRun(sb, ['logs', 'g1', '--tail', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --tail/);
    expect(r.stdout).toBe('');
  });

  it('a container the pod does not have: exit 2 naming the ones it has', async () => {
    const r = await sandboxRun(sb, ['logs', 'g1', '-c', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*nope/);
  });

  it('a workspace that does not exist: exit 2, the shared not-found rule', async () => {
    const r = await sandboxRun(sb, ['logs', 'ghost']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
  });
});
