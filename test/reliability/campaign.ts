// The fault campaign: each command (tune->wait, nodepool add, deploy->wait, chat, proxy) runs N times
// against a sandbox that injects one fault, as child processes of the real bin/kaito with a hard deadline.
// Every run is judged (right outcome, clean failure, wrong outcome, hang), and after each command x fault
// cell the sandbox's object store is checked for duplicates, the process group for leaked processes and
// the sandbox server for leaked connections. Every byte the CLI prints is kept for the secret grep.
// Used by test/reliability/campaign.test.ts (small N) and bench/campaign.mjs (N >= 50).
import { randomBytes } from 'node:crypto';
import { pool, runKaito, startKaito, STACK_FRAME, type ProcResult } from './proc.js';
import { list, RES, socketsAbove, startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

export const FAULTS: Record<string, string[]> = {
  none: [],
  'watch-cut': ['watch-cut=0.2'],
  'api-5xx': ['api-5xx=0.2'],
  'arm-429': ['arm-429=0.3'],
  'pod-restart': ['pod-restart=0.5'],
  slow: ['slow=100'],
  reset: ['reset=0.05'],
};

export const COMMANDS = ['tune-wait', 'nodepool-add', 'deploy-wait', 'chat', 'proxy'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** ok: the command did what was asked (exit 0); clean-fail: exit 1 with a one- or two-line reason, no stack,
 * state consistent (an acceptable answer to a broken network, counted apart); wrong: anything else. */
export type Verdict = 'ok' | 'clean-fail' | 'wrong' | 'hang';

export interface RunRecord {
  command: CommandName;
  fault: string;
  run: number;
  verdict: Verdict;
  code: number | null;
  leaked: boolean;
  ms: number;
  why?: string;
}

export interface Cell {
  command: CommandName;
  fault: string;
  runs: number;
  ok: number;
  cleanFail: number;
  wrong: number;
  hangs: number;
  duplicates: number;
  leakedProcesses: number;
  leakedSockets: number;
  /** a few reasons of wrong outcomes / clean failures */
  examples: string[];
}

export interface Planted {
  registryPassword: string;
  hfToken: string;
  proxyApiKey: string;
}

export interface CampaignOptions {
  n: number;
  concurrency?: number;
  faults?: string[];
  commands?: readonly CommandName[];
  /** hard deadline of one run */
  deadlineMs?: number;
  /** every k-th run adds --debug (default 4) */
  debugEvery?: number;
  log?: (line: string) => void;
}

export interface CampaignResult {
  cells: Cell[];
  records: RunRecord[];
  /** every stdout/stderr the CLI produced (for the secret grep) */
  outputs: string[];
  /** every secret value the campaign planted or the sandboxes handed out */
  secrets: string[];
}

const DEADLINE_MS = 60_000;
const TUNE_PRESET = 'phi-3-mini-128k-instruct';
const DEPLOY_PRESET = 'llama-3.1-8b-instruct'; // gated: needs the HF token, which the campaign plants

export function plant(): Planted {
  const r = () => randomBytes(12).toString('hex');
  return { registryPassword: `regpw-${r()}`, hfToken: `hf_${r()}`, proxyApiKey: `pk-${r()}` };
}

/** stderr is "one or two lines" (plus `  - ` problem lines) and has no stack frame. */
export function cleanError(stderr: string, debug = false): boolean {
  // with --debug, trace lines and the stack are expected: judge what is left
  if (debug) stderr = stderr.split('\n').filter((l) => !/^debug: /.test(l) && !/^\s+at /.test(l) && !/^[A-Za-z]*Error: /.test(l) && !/^\s*\[cause\]|^\s*[{}]\s*$/.test(l)).join('\n');
  const lines = stderr.split('\n').filter((l) => l.trim() && !/^\s+- /.test(l));
  const errAt = lines.findIndex((l) => l.startsWith('error: '));
  return errAt >= 0 && lines.length - errAt <= 2 && !STACK_FRAME.test(stderr);
}

interface Ctx {
  sb: CampaignSandbox;
  fault: string;
  tag: string;
  planted: Planted;
  outputs: string[];
  deadlineMs: number;
  debug(i: number): string[];
}

/** SPEC exit 3 "inference not ready for a named reason": caught mid-restart (pod-restart fault), chat and
 * proxy refuse a workspace whose pods are not ready at that instant, naming the state. Honest, not a bug. */
function notReadyNow(stderr: string): boolean {
  return /is not ready to answer: state NotReady/.test(stderr);
}

function judge(r: ProcResult, ok: () => string | undefined, debug = false): { verdict: Verdict; why?: string } {
  if (r.hung) return { verdict: 'hang', why: `killed at the deadline; stderr: ${r.stderr.slice(-300)}` };
  if (r.code === 0) {
    const bad = ok();
    return bad ? { verdict: 'wrong', why: bad } : { verdict: 'ok' };
  }
  if ((r.code === 1 || (r.code === 3 && notReadyNow(r.stderr))) && cleanError(r.stderr, debug)) return { verdict: 'clean-fail', why: r.stderr.split('\n').find((l) => l.startsWith('error: ')) };
  return { verdict: 'wrong', why: `exit ${r.code ?? r.signal}: ${r.stderr.trim().slice(-400)}` };
}

function keep(c: Ctx, r: ProcResult): ProcResult {
  c.outputs.push(r.stdout, r.stderr);
  return r;
}

const json = (s: string): any => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

type Scenario = {
  setup?(c: Ctx): Promise<void>;
  run(c: Ctx, i: number): Promise<{ r: ProcResult; verdict: Verdict; why?: string }>;
  /** duplicate objects after all runs of the cell */
  duplicates(c: Ctx, n: number): number;
  concurrency?: number;
};

const datasetUrl = (c: Ctx) => `https://datasets.kaito-sandbox.test:${c.sb.port}/kaito-ops-messages.parquet`;

/** How many objects of `res` belong to workspace ws beyond `max`. */
function extra(c: Ctx, res: string, ws: string, max: number): number {
  const n = list(c.sb, res, (o) => o.metadata.labels?.['kaito.sh/workspace'] === ws).length;
  return Math.max(0, n - max);
}

const SCENARIOS: Record<CommandName, Scenario> = {
  'tune-wait': {
    async run(c, i) {
      const ws = `tw-${c.tag}-${i}`;
      const r = keep(c, await runKaito(['tune', '--preset', TUNE_PRESET, '--name', ws, '--dataset', datasetUrl(c), '--output-image', `registry.kaito-sandbox.test/adapters/${ws}:1`, '--registry-username', 'u', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check', '--wait', '--timeout', '2h', '-o', 'json', ...c.debug(i)], { env: c.sb.cliEnv, input: c.planted.registryPassword + '\n', deadlineMs: c.deadlineMs }));
      return { r, ...judge(r, () => {
        const doc = json(r.stdout);
        if (doc?.wait?.phase !== 'succeeded') return `wait phase ${doc?.wait?.phase}`;
        if (!c.sb.ctx.store.get(RES.workspaces, 'default', ws)) return 'workspace missing';
        if (!c.sb.ctx.store.get(RES.secrets, 'default', `${ws}-push`)) return 'push secret missing';
        return undefined;
      }, c.debug(i).length > 0) };
    },
    duplicates(c, n) {
      let d = 0;
      for (let i = 0; i < n; i++) {
        const ws = `tw-${c.tag}-${i}`;
        d += extra(c, RES.jobs, ws, 1) + extra(c, RES.nodeclaims, ws, 1);
        d += Math.max(0, list(c.sb, RES.secrets, (o) => o.metadata.name.startsWith(`${ws}-`)).length - 1);
      }
      d += Math.max(0, list(c.sb, RES.workspaces, (o) => o.metadata.name.startsWith(`tw-${c.tag}-`)).length - n);
      return d;
    },
  },
  'nodepool-add': {
    async run(c, i) {
      const name = `p${c.tag.replace(/[^a-z0-9]/g, '').slice(0, 6)}${i}`.slice(0, 12);
      const r = keep(c, await runKaito(['nodepool', 'add', name, '--instance-type', 'Standard_NV36ads_A10_v5', '-o', 'json', ...c.debug(i)], { env: c.sb.cliEnv, deadlineMs: c.deadlineMs }));
      return { r, ...judge(r, () => {
        const doc = json(r.stdout);
        if (doc?.provisioningState !== 'Succeeded') return `provisioningState ${doc?.provisioningState}`;
        if (list(c.sb, RES.nodes, (o) => o.metadata.labels?.agentpool === name).length !== 1) return 'node count != 1';
        return undefined;
      }, c.debug(i).length > 0) };
    },
    duplicates(c) {
      // one Node per pool of count 1, across every pool the cell made
      const pools = new Map<string, number>();
      for (const n of list(c.sb, RES.nodes)) {
        const p = n.metadata.labels?.agentpool ?? '';
        pools.set(p, (pools.get(p) ?? 0) + 1);
      }
      let d = 0;
      for (const [p, count] of pools) if (p.startsWith('p') && count > 1) d += count - 1;
      return d;
    },
  },
  'deploy-wait': {
    async run(c, i) {
      const ws = `dw-${c.tag}-${i}`;
      const r = keep(c, await runKaito(['deploy', '--preset', DEPLOY_PRESET, '--name', ws, '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin', '--wait', '--timeout', '2h', '-o', 'json', ...c.debug(i)], { env: c.sb.cliEnv, input: c.planted.hfToken + '\n', deadlineMs: c.deadlineMs }));
      return { r, ...judge(r, () => {
        const doc = json(r.stdout);
        if (doc?.wait?.phase !== 'ready') return `wait phase ${doc?.wait?.phase}`;
        if (!c.sb.ctx.store.get(RES.secrets, 'default', `${ws}-hf-token`)) return 'hf token secret missing';
        return undefined;
      }, c.debug(i).length > 0) };
    },
    duplicates(c, n) {
      let d = 0;
      for (let i = 0; i < n; i++) {
        const ws = `dw-${c.tag}-${i}`;
        d += extra(c, RES.statefulsets, ws, 1) + extra(c, RES.nodeclaims, ws, 1);
        d += Math.max(0, list(c.sb, RES.secrets, (o) => o.metadata.name.startsWith(`${ws}-`)).length - 1);
      }
      d += Math.max(0, list(c.sb, RES.workspaces, (o) => o.metadata.name.startsWith(`dw-${c.tag}-`)).length - n);
      return d;
    },
  },
  chat: {
    setup: (c) => ensureTarget(c),
    async run(c, i) {
      const r = keep(c, await runKaito(['chat', '--workspace', 'target', `question ${i} from the campaign`, ...c.debug(i)], { env: c.sb.cliEnv, deadlineMs: c.deadlineMs }));
      return { r, ...judge(r, () => (/^\[emulated\] .+answering as phi-4-mini-instruct/.test(r.stdout) ? undefined : `unexpected answer: ${r.stdout.slice(0, 120)}`), c.debug(i).length > 0) };
    },
    duplicates: () => 0,
  },
  proxy: {
    setup: (c) => ensureTarget(c),
    // one at a time: the open-connection check after the requests must see only this proxy's sockets
    concurrency: 1,
    async run(c, i) {
      const p = startKaito(['proxy', 'target', '--port', '0', '--api-key', '-', ...c.debug(i)], { env: c.sb.cliEnv, input: c.planted.proxyApiKey + '\n', deadlineMs: c.deadlineMs });
      const url = (await p.waitFor('stdout', /^(http:\/\/127\.0\.0\.1:\d+\/v1)$/m, c.deadlineMs - 5000))?.[1];
      const problems: string[] = [];
      if (url) {
        const anon = await fetch(`${url}/models`, { signal: AbortSignal.timeout(20_000) }).then((x) => x.status).catch(() => 0);
        if (anon !== 401) problems.push(`a request without the API key got ${anon}, not 401`);
        for (let k = 0; k < 3; k++) problems.push(...(await proxyExchange(url, k, c.planted.proxyApiKey)));
        // the proxy's upstream connections are pooled: a handful at most once closing ones are gone
        const until = Date.now() + 2000;
        while (c.sb.connections() > 6 && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
        const open = c.sb.connections();
        if (open > 6) problems.push(`leak:${open} connections open to the sandbox after 9 requests`);
      } else problems.push('no URL printed');
      p.child.kill('SIGINT');
      const r = keep(c, await p.done);
      if (r.hung) return { r, verdict: 'hang', why: 'proxy did not stop' };
      // refused to start (the workspace could not be read, or its pod is restarting): the chat rules apply
      if (!url && (r.code === 1 || (r.code === 3 && notReadyNow(r.stderr))) && cleanError(r.stderr, c.debug(i).length > 0)) return { r, verdict: 'clean-fail', why: r.stderr.split('\n').find((l) => l.startsWith('error: ')) };
      if (r.code !== 0 || (STACK_FRAME.test(r.stderr) && !c.debug(i).length)) return { r, verdict: 'wrong', why: `exit ${r.code}${url ? ' after serving' : ' before serving'}: ${r.stderr.split('\n').filter((l) => !/^\s+at /.test(l)).slice(-4).join(' | ').slice(0, 400)}` };
      const hard = problems.filter((x) => !x.startsWith('clean:'));
      if (hard.length) return { r, verdict: 'wrong', why: hard.join('; ') };
      if (problems.length) return { r, verdict: 'clean-fail', why: problems.join('; ') };
      return { r, verdict: 'ok' };
    },
    duplicates: () => 0,
  },
};

/** One inference workspace for chat and proxy, created (and retried) with the transient faults paused. */
async function ensureTarget(c: Ctx): Promise<void> {
  if (c.sb.ctx.store.get(RES.workspaces, 'default', 'target')) return;
  const f = c.sb.ctx.faults;
  const saved = { api5xx: f.api5xx, arm429: f.arm429, reset: f.reset, slowMs: f.slowMs, watchCutSeconds: f.watchCutSeconds };
  Object.assign(f, { api5xx: 0, arm429: 0, reset: 0, slowMs: 0, watchCutSeconds: undefined });
  try {
    const r = await runKaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'target', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait', '--timeout', '2h'], { env: c.sb.cliEnv, deadlineMs: 60_000 });
    if (r.code !== 0) throw new Error(`setup: deploy target failed: ${r.stderr}`);
  } finally {
    Object.assign(f, saved);
  }
}

/** Three kinds of exchange through the proxy; a 5xx JSON error is a clean failure, anything else broken is not. */
/** fetch as an OpenAI SDK would: 429 and 5xx answers are tried again (twice, after a short pause). */
async function fetchLikeSdk(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init);
    if ((res.status !== 429 && res.status < 500) || attempt >= 2) return res;
    await res.arrayBuffer().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
  }
}

async function proxyExchange(base: string, k: number, key: string): Promise<string[]> {
  const auth = { authorization: `Bearer ${key}` };
  const body = (stream: boolean) => JSON.stringify({ model: 'phi-4-mini-instruct', stream, messages: [{ role: 'user', content: `hello ${k}` }] });
  const signal = AbortSignal.timeout(20_000);
  try {
    const models = await fetchLikeSdk(`${base}/models`, { headers: auth, signal });
    const m = await models.text();
    if (models.status !== 200) return [classify('models', models.status, m)];
    const one = await fetchLikeSdk(`${base}/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: body(false), signal });
    const t = await one.text();
    if (one.status !== 200) return [classify('chat', one.status, t)];
    if (!/answering as/.test(json(t)?.choices?.[0]?.message?.content ?? '')) return [`chat: 200 without an answer: ${t.slice(0, 120)}`];
    const st = await fetchLikeSdk(`${base}/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: body(true), signal });
    const s = await st.text().catch((e: Error) => `__broken__ ${e.message}`);
    if (st.status !== 200) return [classify('stream', st.status, s)];
    // a stream cut upstream after the headers went out can only end early: it must not end as if complete
    if (s.startsWith('__broken__')) return [`clean: stream cut (${s.slice(11, 80)})`];
    if (!/data: \[DONE\]/.test(s)) return [/"error"/.test(s) ? 'clean: stream ended with an error event' : `stream: ended without [DONE] or an error event`];
    return [];
  } catch (e) {
    // an answer whose upstream broke after its headers went out can only be cut short towards the client
    // too (the proxy must not end it as if complete); the proxy itself must live on (checked by the caller)
    const msg = (e as Error).message;
    if (/terminated|other side closed|socket/i.test(msg) || /terminated|other side closed|socket/i.test(String((e as { cause?: Error }).cause?.message))) return [`clean: answer cut (${msg})`];
    return [`request failed: ${msg}`];
  }
}

function classify(what: string, status: number, text: string): string {
  const err = json(text)?.error;
  return status >= 500 && err?.message ? `clean: ${what} ${status} ${String(err.message).slice(0, 100)}` : `${what}: ${status} ${text.slice(0, 120)}`;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const faults = opts.faults ?? process.env.KAITO_CAMPAIGN_FAULTS?.split(',') ?? Object.keys(FAULTS);
  const commands = opts.commands ?? (process.env.KAITO_CAMPAIGN_COMMANDS?.split(',') as CommandName[] | undefined) ?? COMMANDS;
  const planted = plant();
  const cells: Cell[] = [];
  const records: RunRecord[] = [];
  const outputs: string[] = [];
  const secrets = [planted.registryPassword, planted.hfToken, planted.proxyApiKey];
  for (const fault of faults) {
    const sb = await startCampaignSandbox(FAULTS[fault]);
    secrets.push(...sb.sandboxSecrets);
    try {
      const baseline = sb.connections();
      for (const command of commands) {
        const sc = SCENARIOS[command];
        const tag = fault.replace(/[^a-z0-9]/g, '');
        const c: Ctx = { sb, fault, tag, planted, outputs, deadlineMs: opts.deadlineMs ?? DEADLINE_MS, debug: (i) => (i % (opts.debugEvery ?? 4) === 0 ? ['--debug'] : []) };
        await sc.setup?.(c);
        const cell: Cell = { command, fault, runs: 0, ok: 0, cleanFail: 0, wrong: 0, hangs: 0, duplicates: 0, leakedProcesses: 0, leakedSockets: 0, examples: [] };
        const runs = await pool(Array.from({ length: opts.n }, (_, i) => i), sc.concurrency ?? opts.concurrency ?? 3, async (i) => {
          const { r, verdict, why } = await sc.run(c, i);
          return { command, fault, run: i, verdict, code: r.code, leaked: r.leaked, ms: r.ms, why } satisfies RunRecord;
        });
        for (const rec of runs) {
          cell.runs++;
          if (rec.verdict === 'ok') cell.ok++;
          else if (rec.verdict === 'clean-fail') cell.cleanFail++;
          else if (rec.verdict === 'hang') cell.hangs++;
          else cell.wrong++;
          if (rec.leaked) cell.leakedProcesses++;
          if (rec.why?.startsWith('leak:') || rec.why?.includes('; leak:')) cell.leakedSockets++;
          if (rec.why && cell.examples.length < 3 && !cell.examples.includes(rec.why)) cell.examples.push(rec.why);
        }
        cell.duplicates = sc.duplicates(c, opts.n);
        cell.leakedSockets += await socketsAbove(sb, baseline);
        records.push(...runs);
        cells.push(cell);
        opts.log?.(`${command} x ${fault}: ${cell.ok}/${cell.runs} ok, ${cell.cleanFail} clean failures, ${cell.wrong} wrong, ${cell.hangs} hangs, ${cell.duplicates} duplicates, ${cell.leakedProcesses}+${cell.leakedSockets} leaks${cell.examples.length ? ' — ' + cell.examples[0].slice(0, 200) : ''}`);
      }
    } finally {
      await sb.dispose();
    }
  }
  return { cells, records, outputs, secrets };
}

/** Occurrences of any secret (raw or base64) in the texts. */
export function secretHits(texts: string[], secrets: string[]): string[] {
  const forms = secrets.flatMap((s) => [s, Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url')]);
  const hits: string[] = [];
  for (const t of texts) for (const f of forms) if (f.length >= 8 && t.includes(f)) hits.push(`${f.slice(0, 6)}… in: ${t.slice(Math.max(0, t.indexOf(f) - 80), t.indexOf(f) + 20).replace(f, '<SECRET>')}`);
  return hits;
}
