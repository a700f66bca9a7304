// `kaito demo` in-process: its option checks. The demo itself runs every step as a child process of the
// kaito script (process.argv[1]), so its full run is covered by the spawned-binary test
// test/e2e/demo (a vitest worker is not that script).
import { describe, expect, it } from 'vitest';
import { kaitoInProcess } from '../../../test/support/inproc.js';

describe('kaito demo (in-process)', () => {
  it('--speed 0: exit 2, one error with an example, nothing started', async () => {
    const r = await kaitoInProcess(['demo', '--speed', '0']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: --speed 0: use a positive number up to 100000, e.g. --speed 100\n' });
  });

  it('--speed that is not a number', async () => {
    const r = await kaitoInProcess(['demo', '--speed', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --speed fast: use a positive number up to 100000, e.g. --speed 100\n');
  });

  it('several bad options: listed together under one error', async () => {
    const r = await kaitoInProcess(['demo', '--speed', '-3', '--fault', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: invalid demo options\n  - --speed -3: .*\n  - unknown --fault nonsense: .*\n  fix them and run again\n$/);
  });

  it('an output format it does not print: exit 2', async () => {
    const r = await kaitoInProcess(['demo', '-o', 'table']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown output format "table"/);
  });
});

describe('kaito demo: a step that fails (no GPU quota: fault quota=FAMILY:0)', () => {
  it('stops at the first step, names it and its command, cleans up: exit 1', async () => {
    const { KAITO_BIN } = await import('../../../test/support/cli.js');
    // the demo's steps are children running the kaito script this process was started as: the built bin
    const saved = process.argv[1];
    process.argv[1] = KAITO_BIN;
    try {
      const r = await kaitoInProcess(['demo', '--speed', '6000', '--fault', 'quota=standardNVADSA10v5Family:0', '-o', 'json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/sandbox running at https:\/\/127\.0\.0\.1:\d+ with faults quota=standardNVADSA10v5Family:0/);
      expect(r.stderr).toMatch(/^error: the demo failed at step "doctor": `kaito doctor[^`]*` exited with code 1/m);
      expect(r.stderr).toMatch(/the sandbox is stopped and its files are removed/);
      const doc = JSON.parse(r.stdout);
      expect(doc.steps[0]).toMatchObject({ name: 'doctor', exitCode: 1 });
    } finally {
      process.argv[1] = saved;
    }
  });
});
