// Issue 17 item 11: a pool Kaito's gpu-provisioner made for a workspace (its node labels carry kaito.sh/workspace and
// kaito.sh/workspacenamespace, compat N25) is listed with that workspace, and is not deleted from under it.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

describe('pools Kaito provisioned', () => {
  let sb: TestSandbox;
  let pool = '';
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 1200 });
    const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'inf1', '--instance-type', 'Standard_NC24ads_A100_v4', '--wait'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(d.code, d.stderr).toBe(0);
  }, 200_000);

  it('nodepool list and show name the workspace the pool was provisioned for', async () => {
    const r = await kaito(['nodepool', 'list', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const mine = JSON.parse(r.stdout).items.filter((p: { kaitoWorkspace?: string }) => p.kaitoWorkspace === 'default/inf1');
    expect(mine).toHaveLength(1);
    expect(mine[0].workspaces).toEqual(['default/inf1']);
    pool = mine[0].name;
    const table = await kaito(['nodepool', 'list'], { env: sb.cliEnv });
    expect(table.stdout).toMatch(new RegExp(`^${pool}\\s.*default/inf1`, 'm'));
    const show = await kaito(['nodepool', 'show', pool], { env: sb.cliEnv });
    expect(show.stdout).toMatch(/Workspaces:\s+default\/inf1/);
  });

  it('nodepool delete refuses it while the workspace is there (exit 2)', async () => {
    const r = await kaito(['nodepool', 'delete', pool], { env: sb.cliEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`node pool ${pool} is used by workspace default/inf1`));
  });

  it('a pool that does not exist is invalid input (exit 2), like a workspace', async () => {
    const r = await kaito(['nodepool', 'show', 'nosuch'], { env: sb.cliEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/node pool nosuch not found/);
  });
});
