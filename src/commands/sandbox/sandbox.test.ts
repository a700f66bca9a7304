// `kaito sandbox start|status|env` in-process: start runs until the run's signal (Ctrl-C) and then stops cleanly;
// status and env read its state directory (under the run's HOME by default).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcEnv, kaitoInProcess, tempDir } from '../../../test/support/inproc.js';

describe('kaito sandbox (in-process)', () => {
  it('status without a sandbox: "not running" under the run\'s HOME, exit 1', async () => {
    const env = inProcEnv();
    const r = await kaitoInProcess(['sandbox', 'status'], { env });
    expect(r).toEqual({ code: 1, stdout: `not running (state dir ${join(env.HOME!, '.kaito', 'sandbox')})\n`, stderr: '' });
  });

  it('env without a sandbox: exit 2 and how to start one', async () => {
    const env = inProcEnv();
    const r = await kaitoInProcess(['sandbox', 'env'], { env });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: no sandbox state in ${join(env.HOME!, '.kaito', 'sandbox')}\n  start one with \`kaito sandbox start\` (or pass the --state-dir it used)\n` });
  });

  it('start: bad options are refused together, exit 2, nothing started', async () => {
    const env = inProcEnv();
    const one = await kaitoInProcess(['sandbox', 'start', '--port', '99999'], { env });
    expect(one).toEqual({ code: 2, stdout: '', stderr: 'error: --port 99999: use a port number from 0 to 65535 (0 picks a free one)\n' });
    const two = await kaitoInProcess(['sandbox', 'start', '--port', '-1', '--speed', '0', '--fault', 'bogus'], { env });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^error: invalid sandbox options\n  - --port -1: .*\n  - --speed 0: .*\n  - unknown --fault bogus: /);
    expect(existsSync(join(env.HOME!, '.kaito', 'sandbox'))).toBe(false);
  });

  it('start serves until Ctrl-C; meanwhile status, env and a command against it work; then it stops with exit 0', async () => {
    const env = inProcEnv();
    const stateDir = join(tempDir(), 'state');
    const ac = new AbortController();
    const seen: Record<string, { code: number; stdout: string; stderr: string }> = {};
    const r = await kaitoInProcess(['sandbox', 'start', '--port', '0', '--state-dir', stateDir, '--speed', '600'], {
      env,
      signal: ac.signal,
      interact: async (t) => {
        await t.waitFor(/Press Ctrl-C to stop\./);
        seen.status = await kaitoInProcess(['sandbox', 'status', '--state-dir', stateDir, '-o', 'json'], { env });
        seen.env = await kaitoInProcess(['sandbox', 'env', '--state-dir', stateDir], { env });
        const kubeconfig = /^export KUBECONFIG=(\S+)$/m.exec(seen.env.stdout)?.[1];
        seen.list = await kaitoInProcess(['list', '-A'], { env: { ...env, KUBECONFIG: kubeconfig } });
        ac.abort();
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^✓ sandbox running at https:\/\/127\.0\.0\.1:\d+ \(Kaito 0\.12, node auto-provisioning \(azure-gpu-provisioner\), speed x600\)\n/);
    expect(r.stderr).toContain(`  state: ${stateDir}\n`);
    expect(r.stderr).toMatch(/✓ sandbox stopped\n$/);
    expect(seen.status.code).toBe(0);
    expect(JSON.parse(seen.status.stdout)).toMatchObject({ running: true, stateDir, kaitoVersion: '0.12', speed: 600 });
    expect(seen.env.code, seen.env.stderr).toBe(0);
    expect(seen.env.stdout).toMatch(/^export KUBECONFIG=/m);
    expect(seen.env.stdout).toMatch(/^export KAITO_ARM_ENDPOINT=https:\/\/127\.0\.0\.1:\d+$/m);
    expect(seen.list).toEqual({ code: 0, stdout: '', stderr: 'no workspaces in any namespace\n' });
    // stopped: the state file is gone, status says so
    const after = await kaitoInProcess(['sandbox', 'status', '--state-dir', stateDir], { env });
    expect(after.code).toBe(1);
    expect(after.stdout).toBe(`not running (state dir ${stateDir})\n`);
  });
});
