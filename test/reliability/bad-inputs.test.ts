// Runs the bad-input corpus (bad-inputs.ts) against a live sandbox through the real binary. Each entry must
// end with its exit code, say so in one or two lines (plus "  - " problem lines), print no stack, echo no
// planted secret, and leave the cluster and Azure exactly as they were.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUTS, type BadInput } from './bad-inputs.js';
import { secretHits } from './campaign.js';
import { pool, runKaito, STACK_FRAME, type ProcResult } from './proc.js';
import { mutations, snapshot, startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

const SECRET = `planted-${Math.random().toString(36).slice(2)}-s3cr3t`;
let sb: CampaignSandbox;
let root: string;
const results = new Map<string, ProcResult>();
let before: string[];
let after: string[];
let changes: string[];

function fill(s: string, dir: string): string {
  return s
    .replaceAll('{DS}', `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`)
    .replaceAll('{SECRET}', SECRET)
    .replace(/\{F:([^}]+)\}/g, (_, f: string) => join(dir, f));
}

function kubeconfigVariant(kind: string): string {
  const text = readFileSync(sb.kubeconfigPath, 'utf8');
  if (kind === 'WRONG_TOKEN_KUBECONFIG') return text.replace(sb.token, 'not-the-token-0123456789');
  return text.replace(/server: \S+/, 'server: https://127.0.0.1:1');
}

async function runEntry(e: BadInput, i: number): Promise<ProcResult> {
  const dir = join(root, String(i));
  mkdirSync(dir);
  for (const [name, body] of Object.entries(e.files ?? {})) {
    const content = typeof body === 'string' && /_KUBECONFIG$/.test(body) ? kubeconfigVariant(body) : typeof body === 'string' ? fill(body, dir) : body;
    writeFileSync(join(dir, name), content);
  }
  const env = { ...sb.cliEnv, ...Object.fromEntries(Object.entries(e.env ?? {}).map(([k, v]) => [k, fill(v, dir)])) };
  return runKaito(e.args.map((a) => fill(a, dir)), { env, cwd: dir, input: e.input === undefined ? '' : fill(e.input, dir), deadlineMs: 60_000 });
}

/** What counts as "one message": the lines that are not "  - problem" lines. */
function messageLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() && !/^\s+- /.test(l));
}

describe(`bad-input corpus (${BAD_INPUTS.length} entries) against a live sandbox`, () => {
  beforeAll(async () => {
    sb = await startCampaignSandbox();
    root = mkdtempSync(join(tmpdir(), 'kaito-bad-'));
    before = snapshot(sb);
    const from = sb.ctx.requestLog.length;
    const rs = await pool(BAD_INPUTS, 4, (e, i) => runEntry(e, i));
    BAD_INPUTS.forEach((e, i) => results.set(e.id, rs[i]));
    after = snapshot(sb);
    changes = mutations(sb, from);
  }, 170_000);
  afterAll(async () => {
    await sb?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has at least 100 entries with unique ids, and every code other than 2 says why', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(BAD_INPUTS.map((e) => e.id)).size).toBe(BAD_INPUTS.length);
    expect(BAD_INPUTS.filter((e) => e.code !== 2 && !e.why).map((e) => e.id)).toEqual([]);
  });

  it('every entry ends with its exit code', () => {
    const wrong = BAD_INPUTS.filter((e) => !e.known && results.get(e.id)!.code !== e.code).map((e) => `${e.id}: exit ${results.get(e.id)!.code} (want ${e.code}) ${results.get(e.id)!.stderr.trim().slice(0, 300)}`);
    expect(wrong).toEqual([]);
  });

  it('every message is one or two lines (plus problem lines), with no stack and nothing on stdout', () => {
    const bad = BAD_INPUTS.filter((e) => !e.known).filter((e) => {
      const r = results.get(e.id)!;
      const lines = messageLines(r.stderr);
      return r.hung || lines.length < 1 || lines.length > 2 || STACK_FRAME.test(r.stderr) || !/^(error: |✗ )/m.test(r.stderr) || (r.stdout !== '' && !e.report);
    }).map((e) => `${e.id}: ${JSON.stringify(results.get(e.id)!.stderr.slice(0, 400))} stdout=${JSON.stringify(results.get(e.id)!.stdout.slice(0, 80))}`);
    expect(bad).toEqual([]);
  });

  it('nothing was created or changed in the cluster or in Azure', () => {
    expect(changes).toEqual([]);
    expect(after).toEqual(before);
  });

  it('the planted secret is never echoed (raw or base64)', () => {
    const outs = [...results.values()].flatMap((r) => [r.stdout, r.stderr]);
    expect(secretHits(outs, [SECRET])).toEqual([]);
  });

  it('known bugs still open are few and named (reported to their owners)', () => {
    const known = BAD_INPUTS.filter((e) => e.known);
    for (const e of known) process.stderr.write(`  known: ${e.id}: exit ${results.get(e.id)!.code} (want ${e.code}) - ${e.known}\n`);
    expect(known.length).toBeLessThanOrEqual(4);
  });

  it('no process outlived its command', () => {
    expect(BAD_INPUTS.filter((e) => results.get(e.id)!.leaked).map((e) => e.id)).toEqual([]);
  });
});
