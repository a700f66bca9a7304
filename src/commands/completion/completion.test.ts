// `kaito completion SHELL` and the `__complete` helper the scripts call, in-process.
import { describe, expect, it } from 'vitest';
import { kaitoInProcess } from '../../../test/support/inproc.js';

describe('kaito completion (in-process)', () => {
  it.each(['bash', 'zsh', 'fish'])('%s: a script that asks `kaito __complete`', async (shell) => {
    const r = await kaitoInProcess(['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('__complete --');
    expect(r.stdout).toMatch(/complete .*kaito/);
  });

  it('an unknown shell: exit 2 naming the ones it has', async () => {
    const r = await kaitoInProcess(['completion', 'tcsh']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: unsupported shell "tcsh"\n  use `kaito completion bash`, `zsh` or `fish`\n' });
  });

  it('no shell: exit 2', async () => {
    const r = await kaitoInProcess(['completion']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument 'shell'/);
  });

  it('__complete offers the commands for the first word', async () => {
    const r = await kaitoInProcess(['__complete', '--', '']);
    expect(r.code).toBe(0);
    const words = r.stdout.trimEnd().split('\n');
    for (const c of ['init', 'tune', 'deploy', 'chat', 'version']) expect(words).toContain(c);
  });

  it('__complete offers preset names after --preset', async () => {
    const r = await kaitoInProcess(['__complete', '--', 'deploy', '--preset', '']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('phi-4-mini-instruct');
  });
});
