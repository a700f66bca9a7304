// `kaito proxy` in-process: a local OpenAI-compatible endpoint in front of an inference Workspace; the run's
// signal stands in for Ctrl-C (exit 0, "proxy stopped").
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployInference, sandboxRun, startInProcSandbox, tempDir } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito proxy (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await deployInference(sb, 'p1');
  });

  it('serves /v1 for the Workspace: one URL on stdout, the access log on stderr, Ctrl-C ends it with 0', async () => {
    const ac = new AbortController();
    let answer: { choices: Array<{ message: { content: string } }> } | undefined;
    let models: { data: Array<{ id: string }> } | undefined;
    const r = await sandboxRun(sb, ['proxy', 'p1', '--port', '0'], {
      signal: ac.signal,
      interact: async (t) => {
        await t.waitFor(/^http:\/\/127\.0\.0\.1:\d+\/v1\n$/, { on: 'stdout' });
        const base = t.stdout().trim();
        models = (await (await fetch(`${base}/models`)).json()) as typeof models;
        const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'phi-4-mini-instruct', messages: [{ role: 'user', content: 'secret prompt words' }] }) });
        answer = (await res.json()) as typeof answer;
        await t.waitFor(/POST \/v1\/chat\/completions 200/);
        ac.abort();
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
    expect(r.stderr).toMatch(/^forwarding http:\/\/127\.0\.0\.1:\d+\/v1 -> workspace default\/p1 /m);
    expect(r.stderr).toMatch(/proxy stopped\n$/);
    expect(r.stderr).not.toContain('secret prompt words');
    expect(models!.data.map((m) => m.id)).toContain('phi-4-mini-instruct');
    expect(answer!.choices[0].message.content).toMatch(/^\[emulated\] /);
  });

  it('--api-key FILE: requests without the key are refused with 401', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'key.txt'), 'k-0123456789abcdef\n');
    const ac = new AbortController();
    const statuses: number[] = [];
    const r = await sandboxRun(sb, ['proxy', 'p1', '--port', '0', '--api-key', 'key.txt'], {
      cwd: dir,
      signal: ac.signal,
      interact: async (t) => {
        await t.waitFor(/\/v1\n$/, { on: 'stdout' });
        const base = t.stdout().trim();
        statuses.push((await fetch(`${base}/models`)).status);
        statuses.push((await fetch(`${base}/models`, { headers: { authorization: 'Bearer k-0123456789abcdef' } })).status);
        ac.abort();
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(statuses).toEqual([401, 200]);
    expect(r.stderr).toMatch(/API key required/);
    expect(r.stderr).not.toContain('k-0123456789abcdef');
  });

  it('a non-loopback --host without --api-key: exit 2 before anything listens', async () => {
    const r = await sandboxRun(sb, ['proxy', 'p1', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: --host 0\.0\.0\.0 exposes the model beyond this machine: add --api-key FILE .*\n  fix the flag and run again\n$/);
  });

  it('a bad --port: exit 2', async () => {
    const r = await sandboxRun(sb, ['proxy', 'p1', '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --port must be a number from 0 to 65535 \(got "70000"\)/);
  });

  it('--api-key - from a terminal is refused', async () => {
    const r = await sandboxRun(sb, ['proxy', 'p1', '--port', '0', '--api-key', '-'], { tty: { stdin: true } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --api-key - reads the key from stdin, but stdin is a terminal/);
  });

  it('a workspace that does not exist: exit 2', async () => {
    const r = await sandboxRun(sb, ['proxy', 'ghost', '--port', '0']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: workspace ghost not found in namespace default\n  list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE\n' });
  });
});
