// `kaito version` in-process (test/support/inproc.ts): no cluster, no child process.
import { describe, expect, it } from 'vitest';
import { kaitoInProcess } from '../../../test/support/inproc.js';
import { VERSION } from '../../version.js';

describe('kaito version (in-process)', () => {
  it('prints the version, node and platform', async () => {
    const r = await kaitoInProcess(['version']);
    expect(r).toEqual({ code: 0, stdout: `kaito ${VERSION} (node ${process.versions.node}, ${process.platform}/${process.arch})\n`, stderr: '' });
  });

  it('-o json is one document', async () => {
    const r = await kaitoInProcess(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ version: VERSION, node: process.versions.node, platform: `${process.platform}/${process.arch}` });
    expect(r.stderr).toBe('');
  });

  it('--version prints only the version', async () => {
    const r = await kaitoInProcess(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('refuses an output format it does not have: exit 2, one error, nothing on stdout', async () => {
    const r = await kaitoInProcess(['version', '-o', 'table']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*table/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an extra argument (commander): exit 2', async () => {
    const r = await kaitoInProcess(['version', 'extra']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: too many arguments/);
  });
});
