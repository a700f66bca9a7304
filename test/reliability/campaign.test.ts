// The fault campaign at CI size: every command x fault cell runs a few times (bench/campaign.mjs runs 50+).
// Hard guarantees are asserted for every cell: no hang, no duplicate object, no leaked process or socket,
// no wrong outcome, no secret in any output. Clean failures (exit 1, one clear line) are allowed only
// where the fault breaks a stream the CLI cannot replay, and are reported in the table.
import { describe, expect, it } from 'vitest';
import { COMMANDS, FAULTS, runCampaign, secretHits, type CampaignResult } from './campaign.js';

const N = Number(process.env.KAITO_CAMPAIGN_N ?? 2);

describe('fault campaign (CI size)', () => {
  let result: CampaignResult;

  it(`runs ${COMMANDS.length} commands x ${Object.keys(FAULTS).length} faults x ${N} runs`, async () => {
    result = await runCampaign({ n: N, concurrency: 3, debugEvery: 2, log: (l) => process.stderr.write(`  ${l}\n`) });
    expect(result.cells).toHaveLength(COMMANDS.length * Object.keys(FAULTS).length);
    const runs = result.cells.reduce((a, c) => a + c.runs, 0);
    expect(runs).toBe(COMMANDS.length * Object.keys(FAULTS).length * N);
  }, 900_000); // an outer bound only: each run has its own hard deadline (DEADLINE_MS) that judges hangs, so a busy machine is not a failure

  it('no hang, duplicate, leaked process or leaked socket in any cell', () => {
    const bad = result.cells.filter((c) => c.hangs || c.duplicates || c.leakedProcesses || c.leakedSockets);
    expect(bad.map((c) => `${c.command} x ${c.fault}: ${JSON.stringify(c)}`)).toEqual([]);
  });

  it('no wrong outcome: every run either did the job or failed cleanly (exit 1, or 3 for a pod caught restarting)', () => {
    const wrong = result.records.filter((r) => r.verdict === 'wrong');
    expect(wrong.map((r) => `${r.command} x ${r.fault} #${r.run}: ${r.why}`)).toEqual([]);
  });

  it('without a fault, and under faults a client can retry through, every run succeeds', () => {
    // resets cut streams mid-body (chat answers, proxy SSE) that cannot be replayed without duplicating output;
    // KAITO_CAMPAIGN_STRICT=1 holds the reset cells to the same bar (it reproduces the open kube-client bug:
    // a GET whose body is cut, "read secret/X: terminated", is not retried)
    // and a pod caught mid-restart makes chat/proxy refuse with exit 3 "not ready" (the SPEC's answer)
    const mustSucceed = result.cells.filter((c) => process.env.KAITO_CAMPAIGN_STRICT === '1' || (c.fault !== 'reset' && !(c.fault === 'pod-restart' && (c.command === 'chat' || c.command === 'proxy'))));
    // api-5xx and arm-429 are dice: a run whose retries all hit the fault (about 1 in 250 in the bench) ends
    // cleanly with exit 1; one such run per fault is tolerated, two would mean the retries are not working
    const slack = (fault: string) => (fault === 'api-5xx' || fault === 'arm-429' ? 1 : 0);
    const short = (fault: string) => mustSucceed.filter((c) => c.fault === fault).reduce((a, c) => a + c.runs - c.ok, 0);
    expect(mustSucceed.filter((c) => c.ok + c.cleanFail !== c.runs || short(c.fault) > slack(c.fault)).map((c) => `${c.command} x ${c.fault}: ${c.ok}/${c.runs} ${c.examples.join(' / ')}`)).toEqual([]);
  });

  it('no planted secret (raw or base64) in any stdout/stderr, --debug runs included', () => {
    expect(result.outputs.some((o) => o.includes('debug: '))).toBe(true);
    expect(secretHits(result.outputs, result.secrets)).toEqual([]);
  });
});
