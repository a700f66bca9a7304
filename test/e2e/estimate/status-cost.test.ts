// Issue 14 end to end: `kaito status` of a tuning workspace shows the elapsed cost and, while it runs, a projection
// from the trainer's step rate in its log; once finished, the actual hours and cost beside the estimate `kaito tune`
// made. The sandbox runs slowly enough (speed 120) for the run to be seen in progress; every loop is bounded.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl } from '../lifecycle/helpers.js';

let sb: TestSandbox;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('status cost of a tuning workspace', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 120 });
  });

  it('running: elapsed cost and a projection from the step rate; finished: actual beside the estimate', async () => {
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'c1', '--dataset', datasetUrl(sb), '--output-pvc', 'out', '--instance-type', 'Standard_NV36ads_A10_v5', '-o', 'json'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    const est = JSON.parse(t.stdout).estimate;
    // poll (bounded) until the trainer has logged steps
    let running: Record<string, any> | undefined;
    for (let i = 0; i < 240 && !running; i++) {
      const s = await kaito(['status', 'c1', '-o', 'json'], { env: sb.cliEnv });
      expect(s.code, s.stderr).toBe(0);
      const doc = JSON.parse(s.stdout);
      if (doc.progress?.step > 0 && !doc.progress.done && doc.cost?.finished === false) running = doc;
      else if (doc.cost?.finished) break;
      else await sleep(250);
    }
    expect(running, 'status saw the run in progress').toBeDefined();
    const c = running!.cost;
    expect(c).toMatchObject({ instanceType: 'Standard_NV36ads_A10_v5', usdPerHour: 3.2, region: 'eastus', finished: false });
    expect(c.elapsedHours).toBeGreaterThan(0);
    expect(c.projectedHours).toBeGreaterThanOrEqual(c.elapsedHours);
    expect(c.projectedHours).toBeCloseTo(c.elapsedHours + running!.progress.etaSeconds / 3600, 2);
    expect(c.elapsedUsd).toBeCloseTo(c.elapsedHours * 3.2, 1);
    expect(c.estimate).toEqual({ hours: est.hours, usd: est.usd });

    const w = await kaito(['wait', 'c1', '--timeout', '10m'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(w.code, w.stderr).toBe(0);
    const done = await kaito(['status', 'c1'], { env: sb.cliEnv });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^Cost: {9}actual \d+ min \(\$\d+\.\d\d\) at \$3\.20\/h in eastus \(Azure Retail Prices API(, cached [^)]*)?\)$/m);
    expect(done.stdout).toMatch(/^ {14}estimated \d+ min - \d+ min \(\$\d+\.\d\d - \$\d+\.\d\d\) at submission$/m);
    const j = JSON.parse((await kaito(['status', 'c1', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(j.cost).toMatchObject({ finished: true, projectedHours: null });
    expect(j.cost.elapsedHours).toBeGreaterThanOrEqual(c.elapsedHours);
  }, 300_000);

  it('an inference workspace has no cost block in status; a workspace not tuned from here says there is no estimate', async () => {
    const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--name', 'inf1'], { env: sb.cliEnv });
    expect(d.code, d.stderr).toBe(0);
    const s = JSON.parse((await kaito(['status', 'inf1', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(s.cost).toBeUndefined();
    // the same tuning workspace seen from another machine (another cache dir): no estimate to compare
    const other = JSON.parse((await kaito(['status', 'c1', '-o', 'json'], { env: { ...sb.cliEnv, KAITO_CACHE_DIR: `${sb.home}/other-cache` } })).stdout);
    expect(other.cost.estimate).toBeNull();
    expect(other.cost.unavailable).toContain('no estimate to compare: this workspace was not submitted by `kaito tune` on this machine');
  });
});
