// `kaito list` in-process against the in-process sandbox.
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxRun, startInProcSandbox } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startInProcSandbox();
});

describe('kaito list (in-process)', () => {
  it('no workspaces: says so', async () => {
    const r = await sandboxRun(sb, ['list']);
    console.log(r);
    expect(r.code).toBe(0);
  });
  it('doctor', async () => {
    const r = await sandboxRun(sb, ['doctor']);
    console.log(r);
  });
});
