// `kaito chat` in-process: one prompt to the inference emulator through the API server's service proxy.
import { beforeAll, describe, expect, it } from 'vitest';
import { deployInference, sandboxRun, startInProcSandbox, submitTuning } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito chat (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await deployInference(sb, 'c1');
  });

  it('a prompt as arguments: the answer on stdout, streamed', async () => {
    const before = sb.ctx.requestLog.length;
    const r = await sandboxRun(sb, ['chat', '--workspace', 'c1', 'hello', 'there']);
    expect(sb.ctx.requestLog.slice(before)).toContainEqual(expect.objectContaining({ api: 'inference', method: 'POST', path: '/v1/chat/completions', status: 200 }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\[emulated\] This is the Kaito sandbox answering as phi-4-mini-instruct \(no GPU, no real model; reply [0-9a-f]+\)\..*\n$/);
  });

  it('--no-stream with the only inference Workspace picked without --workspace', async () => {
    const r = await sandboxRun(sb, ['chat', '--no-stream', '--max-tokens', '16', 'hi']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[emulated\] /);
  });

  it('a prompt on stdin (not a terminal)', async () => {
    const r = await sandboxRun(sb, ['chat', '--workspace', 'c1'], { input: 'what is kaito?\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[emulated\] /);
  });

  it('a --temperature out of range: exit 2, nothing sent', async () => {
    const before = sb.ctx.requestLog.length;
    const r = await sandboxRun(sb, ['chat', '--workspace', 'c1', '--temperature', '9', 'hi']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*--temperature/);
    expect(sb.ctx.requestLog.slice(before).some((l) => /chat\/completions/.test(JSON.stringify(l)))).toBe(false);
  });

  it('a tuning Workspace cannot be chatted with: exit 2 and why', async () => {
    await submitTuning(sb, 'tun1');
    const r = await sandboxRun(sb, ['chat', '--workspace', 'tun1', 'hi']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*tun1/);
    expect(r.stdout).toBe('');
  });

  it('a workspace that does not exist: exit 2, the shared not-found rule', async () => {
    const r = await sandboxRun(sb, ['chat', '--workspace', 'ghost', 'hi']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
  });
});
