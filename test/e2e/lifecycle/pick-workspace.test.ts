// Issue 17 item 7: after tune + deploy there are two workspaces; status/wait/logs without a name no longer fail with
// "2 workspaces: name one": logs takes the tuning one, status and wait the newest, and each says which it took.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl } from './helpers.js';

describe('no workspace named, two in the namespace', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 1200 });
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'tuned', '--dataset', datasetUrl(sb), '--output-pvc', 'adapters', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(t.code, t.stderr).toBe(0);
    // created a second later than the tuning one, so "newest" is well defined
    await new Promise((r) => setTimeout(r, 1100));
    const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'served', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(d.code, d.stderr).toBe(0);
  }, 200_000);

  it('logs takes the tuning workspace and says so', async () => {
    const r = await kaito(['logs'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^using workspace tuned \(the newest tuning workspace of 2 in namespace default: served, tuned\); name one, or set `workspace:` in kaito\.yaml$/m);
    expect(r.stdout.length).toBeGreaterThan(0);
  });

  it('status takes the newest and says so', async () => {
    const r = await kaito(['status', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^using workspace served \(the newest of 2 in namespace default: served, tuned\)/m);
    expect(JSON.parse(r.stdout).name).toBe('served');
  });
});
