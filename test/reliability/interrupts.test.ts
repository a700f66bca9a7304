// Ctrl-C (SIGINT) at each phase of tune, deploy and nodepool add: exit 130, nothing deleted, and every
// object that exists afterwards was named on stderr (nothing half-created goes unreported). The sandbox
// holds every response back (slow fault) and runs emulated time slowly, so each phase lasts long enough
// to be hit on purpose; the phase is recognised from the CLI's own output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKaito, type Running } from './proc.js';
import { mutations, startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

let sb: CampaignSandbox;
const ds = () => `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`;

async function interrupt(p: Running, at: RegExp | undefined) {
  if (at) expect(await p.waitFor('stderr', at, 30_000), `never saw ${at}: ${p.stderr()}`).toBeDefined();
  p.child.kill('SIGINT');
  return p.done;
}

/** Objects in the sandbox that belong to `ws` (by name prefix), as "kind/name". */
function objectsOf(ws: string): string[] {
  const out: string[] = [];
  for (const [kind, res] of [['workspace', 'kaito.sh/workspaces'], ['secret', '/secrets'], ['configmap', '/configmaps']] as const)
    for (const o of sb.ctx.store.list(res, 'default').items) if (o.metadata.name === ws || o.metadata.name.startsWith(`${ws}-`)) out.push(`${kind}/${o.metadata.name}`);
  return out;
}

function noDeletes(from: number): void {
  expect(mutations(sb, from).filter((m) => / DELETE /.test(m))).toEqual([]);
}

describe('Ctrl-C at every phase', () => {
  beforeAll(async () => {
    sb = await startCampaignSandbox(['slow=150'], { speed: 100 });
  }, 60_000);
  afterAll(async () => {
    await sb?.dispose();
  });

  const tuneArgs = (ws: string) => ['tune', '--preset', 'phi-4-mini-instruct', '--name', ws, '--dataset', ds(), '--output-image', `registry.kaito-sandbox.test/a/${ws}:1`, '--registry-username', 'u', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check', '--wait', '--debug'];
  const deployArgs = (ws: string) => ['deploy', '--preset', 'llama-3.1-8b-instruct', '--name', ws, '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin', '--wait', '--debug'];

  const cases: Array<{ name: string; args: (ws: string) => string[]; input: string; at: RegExp; expectObjects: RegExp[] }> = [
    { name: 'tune, before anything is applied', args: tuneArgs, input: 'pw-1234567\n', at: /^debug: GET /m, expectObjects: [] },
    { name: 'tune, after the push secret', args: tuneArgs, input: 'pw-1234567\n', at: /✓ secret\/\S+ created/, expectObjects: [/^secret\//] },
    { name: 'tune, during the wait', args: tuneArgs, input: 'pw-1234567\n', at: /✓ workspace\/\S+ created/, expectObjects: [/^secret\//, /^workspace\//] },
    { name: 'deploy, after the HF token secret', args: deployArgs, input: 'hf_0123456789\n', at: /✓ secret\/\S+ created/, expectObjects: [/^secret\//] },
    { name: 'deploy, during the wait', args: deployArgs, input: 'hf_0123456789\n', at: /✓ workspace\/\S+ created/, expectObjects: [/^secret\//, /^workspace\//] },
  ];

  for (const [i, c] of cases.entries()) {
    it(`${c.name}: exit 130, every object left is named on stderr, nothing deleted`, async () => {
      const ws = `int-${i}`;
      const from = sb.ctx.requestLog.length;
      const r = await interrupt(startKaito(c.args(ws), { env: sb.cliEnv, input: c.input, deadlineMs: 60_000 }), c.at);
      expect(r.code, r.stderr).toBe(130);
      expect(r.hung).toBe(false);
      // give a request that was in flight time to land, then look
      await new Promise((res) => setTimeout(res, 500));
      const left = objectsOf(ws);
      for (const re of c.expectObjects) expect(left.some((o) => re.test(o)), `${re} in ${left}`).toBe(true);
      for (const o of left) expect(r.stderr, `${o} exists but stderr does not say so`).toContain(o);
      noDeletes(from);
    }, 60_000);
  }

  it('nodepool add, during the long-running operation: exit 130, the pool is named and left alone', async () => {
    const from = sb.ctx.requestLog.length;
    const r = await interrupt(startKaito(['nodepool', 'add', 'intpool', '--instance-type', 'Standard_NV36ads_A10_v5'], { env: sb.cliEnv, deadlineMs: 60_000 }), /creating node pool intpool.*: \w+/);
    expect(r.code, r.stderr).toBe(130);
    const after = r.stderr.slice(r.stderr.search(/creating node pool intpool.*: \w+/));
    expect(after).toMatch(/intpool/);
    // the PUT went out: the pool exists in Azure and nothing deleted it
    expect(sb.ctx.requestLog.slice(from).some((e) => e.api === 'arm' && e.method === 'PUT' && /agentPools\/intpool/i.test(e.path))).toBe(true);
    noDeletes(from);
  }, 60_000);
});
