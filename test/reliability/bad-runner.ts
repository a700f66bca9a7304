// Runs bad-input corpus entries against a live sandbox and judges each one (shared by bad-inputs.test.ts
// and bench/campaign.mjs; no vitest import).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BadInput } from './bad-inputs.js';
import { pool, runKaito, STACK_FRAME, type ProcResult } from './proc.js';
import type { CampaignSandbox } from './sandbox.js';

export interface BadResult {
  entry: BadInput;
  r: ProcResult;
  /** what is wrong with the answer (empty: rejected as it should be) */
  problems: string[];
}

/** What counts as "one message": the lines that are not "  - problem" lines. */
export function messageLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() && !/^\s+- /.test(l));
}

export async function runBadInputs(sb: CampaignSandbox, entries: BadInput[], secret: string, concurrency = 4): Promise<BadResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'kaito-bad-'));
  const fill = (s: string, dir: string) =>
    s
      .replaceAll('{DS}', `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`)
      .replaceAll('{SECRET}', secret)
      .replace(/\{F:([^}]+)\}/g, (_, f: string) => join(dir, f));
  const kubeconfigVariant = (kind: string) => {
    const text = readFileSync(sb.kubeconfigPath, 'utf8');
    if (kind === 'WRONG_TOKEN_KUBECONFIG') return text.replace(sb.token, 'not-the-token-0123456789');
    return text.replace(/server: \S+/, 'server: https://127.0.0.1:1');
  };
  try {
    return await pool(entries, concurrency, async (e, i) => {
      const dir = join(root, String(i));
      mkdirSync(dir);
      for (const [name, body] of Object.entries(e.files ?? {})) {
        const content = typeof body === 'string' && /_KUBECONFIG$/.test(body) ? kubeconfigVariant(body) : typeof body === 'string' ? fill(body, dir) : body;
        writeFileSync(join(dir, name), content);
      }
      const env = { ...sb.cliEnv, ...Object.fromEntries(Object.entries(e.env ?? {}).map(([k, v]) => [k, fill(v, dir)])) };
      const r = await runKaito(e.args.map((a) => fill(a, dir)), { env, cwd: dir, input: e.input === undefined ? '' : fill(e.input, dir), deadlineMs: 60_000 });
      const problems: string[] = [];
      const lines = messageLines(r.stderr);
      if (r.hung) problems.push('hung');
      if (r.code !== e.code) problems.push(`exit ${r.code} (want ${e.code})`);
      if (lines.length < 1 || lines.length > 2) problems.push(`${lines.length} message lines`);
      if (!/^(error: |✗ )/m.test(r.stderr)) problems.push('no error line');
      if (STACK_FRAME.test(r.stderr)) problems.push('stack trace');
      if (r.stdout !== '' && !e.report) problems.push('output on stdout');
      if (r.leaked) problems.push('leaked a process');
      if ([r.stdout, r.stderr].some((t) => t.includes(secret) || t.includes(Buffer.from(secret).toString('base64')))) problems.push('echoed the secret');
      return { entry: e, r, problems };
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
