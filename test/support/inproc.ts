// Runs a kaito command in this vitest worker, no child process: run() from src/main.ts with its own stdout,
// stderr, stdin, env (an isolated HOME unless one is given), cwd and TTY facts. What only a real process shows
// (signals, closed pipes, packaging, a real terminal) stays with the spawned-binary tests (test/support/cli.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { run } from '../../src/main.js';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import type { TtyFacts } from '../../src/ui/iostreams.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { baseEnv } from './cli.js';
import { onFileEnd } from './inproc-cleanup.js';
import type { TestSandbox } from './sandbox.js';

export interface InProcResult { code: number; stdout: string; stderr: string }

export interface Terminal {
  /** what the command has written to stderr so far */
  stderr(): string;
  stdout(): string;
  /** types into stdin */
  type(text: string): void;
  /** resolves when stderr (or stdout with on: 'stdout'), without terminal escapes, matches; rejects after timeoutMs (default 20 s) */
  waitFor(pattern: RegExp | string, o?: { on?: 'stdout' | 'stderr'; timeoutMs?: number }): Promise<void>;
}

export interface InProcOptions {
  /** the whole environment the command sees (default: PATH, a fresh HOME, NO_COLOR) */
  env?: NodeJS.ProcessEnv;
  /** written to stdin, then stdin ends (unless `interact` drives it) */
  input?: string;
  /** where relative paths and kaito.yaml are resolved (default: a fresh empty directory) */
  cwd?: string;
  /** TTY facts (default: nothing is a TTY, as under a pipe) */
  tty?: TtyFacts;
  /** aborting it is a Ctrl-C */
  signal?: AbortSignal;
  /** drives an interactive command (stdin stays open until it returns) */
  interact?: (t: Terminal) => Promise<void>;
}

/** Like process.stdout/stderr, which Readable.pipe() never ends: prompt libraries pipe into them and end their side. */
function terminalLike(s: PassThrough): PassThrough {
  s.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') s.write(chunk as string);
    return s;
  }) as PassThrough['end'];
  return s;
}

/** A fresh temporary directory (HOME, project folder). */
export function tempDir(prefix = 'kaito-inproc-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** PATH, a fresh HOME and NO_COLOR, plus `extra`. */
export function inProcEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: tempDir('kaito-home-'), NO_COLOR: '1', ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

// @azure/identity reads its settings (AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE, ...) from process.env itself,
// not from the env kaito passes it: the run's AZURE_* values stand in for the process's while it runs
const AZURE_KEY = /^AZURE_/;

export async function kaitoInProcess(args: string[], opts: InProcOptions = {}): Promise<InProcResult> {
  const env = opts.env ?? inProcEnv();
  const cwd = opts.cwd ?? tempDir('kaito-cwd-');
  const stdout = terminalLike(new PassThrough());
  const stderr = terminalLike(new PassThrough());
  const stdin = new PassThrough();
  // the run ends when the caller's signal fires, or when `interact` fails
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (opts.signal?.aborted) ac.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), changed()));
  stderr.setEncoding('utf8').on('data', (d: string) => ((err += d), changed()));
  if (opts.tty?.stdin) Object.assign(stdin, { setRawMode: () => stdin });
  if (!opts.interact) stdin.end(opts.input ?? '');
  else if (opts.input !== undefined) stdin.write(opts.input);

  const savedAzure = Object.fromEntries(Object.keys({ ...process.env, ...env }).filter((k) => AZURE_KEY.test(k)).map((k) => [k, process.env[k]]));
  for (const k of Object.keys(savedAzure)) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  const savedCwd = process.cwd();
  // fs calls on relative paths follow the process's directory: the run's cwd stands in for it (forks pool)
  process.chdir(cwd);
  try {
    const running = run(['node', 'kaito', ...args], { stdout, stderr, stdin, env, cwd, tty: opts.tty, signal: ac.signal });
    if (opts.interact) {
      const terminal: Terminal = {
        stderr: () => err,
        stdout: () => out,
        type: (text) => void stdin.write(text),
        waitFor: (pattern, o = {}) =>
          new Promise<void>((resolve, reject) => {
            // what a terminal shows: colours and cursor moves stripped
            const seen = () => stripVTControlCharacters(o.on === 'stdout' ? out : err);
            const hit = () => (typeof pattern === 'string' ? seen().includes(pattern) : pattern.test(seen()));
            if (hit()) return resolve();
            const timer = setTimeout(() => {
              listeners.delete(check);
              reject(new Error(`timed out waiting for ${String(pattern)} on ${o.on ?? 'stderr'}; it has:\n${seen()}`));
            }, o.timeoutMs ?? 20_000);
            const check = () => {
              if (!hit()) return;
              clearTimeout(timer);
              listeners.delete(check);
              resolve();
            };
            listeners.add(check);
          }),
      };
      const settled = running.then(() => undefined);
      try {
        await Promise.race([opts.interact(terminal), settled]);
      } catch (e) {
        ac.abort();
        stdin.end();
        await running.catch(() => undefined);
        throw e;
      }
      stdin.end();
    }
    const code = await running;
    // let the last writes through the PassThroughs land
    await new Promise((r) => setImmediate(r));
    return { code, stdout: out, stderr: err };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    process.chdir(savedCwd);
    for (const [k, v] of Object.entries(savedAzure)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * The in-process sandbox, as test/support/sandbox.ts starts it (port 0, a fresh state dir and HOME), but signed by
 * the CA this worker trusts (test/support/inproc-setup.ts), emulated time x3000 unless told, and stopped when the
 * test file ends (test/support/inproc-file-setup.ts, which also works when workers are reused across files).
 */
export async function startInProcSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  const dir = process.env.KAITO_TEST_CA_DIR;
  if (!dir) throw new Error('KAITO_TEST_CA_DIR is not set: run the in-process tests through vitest.config.ts or vitest.fast.config.ts (globalSetup test/support/inproc-setup.ts)');
  const ca = { certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'ca.key'), 'utf8') };
  const root = tempDir('kaito-sbx-');
  const home = join(root, 'home');
  mkdirSync(home);
  const sb = await startSandbox({ port: 0, speed: 3000, stateDir: join(root, 'state'), ...opts, ca });
  onFileEnd(async () => {
    await sb.stop();
    rmSync(root, { recursive: true, force: true });
  });
  return Object.assign(sb, { cliEnv: baseEnv({ ...sb.env, HOME: home, NO_COLOR: '1' }), home });
}

/** kaitoInProcess with the sandbox's env (its HOME, KUBECONFIG, Azure settings) plus `extra`. */
export function sandboxRun(sb: TestSandbox, args: string[], opts: Omit<InProcOptions, 'env'> & { extra?: NodeJS.ProcessEnv } = {}): Promise<InProcResult> {
  const env: NodeJS.ProcessEnv = { ...sb.cliEnv, PATH: process.env.PATH, ...opts.extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return kaitoInProcess(args, { ...opts, env });
}

/** A sample dataset the sandbox serves, by URL. */
export const sandboxDataset = (sb: TestSandbox, file = 'kaito-ops-messages.parquet') => `https://datasets.kaito-sandbox.test:${sb.port}/${file}`;
/** An image reference in the sandbox's registry. */
export const sandboxImage = (sb: TestSandbox, repo: string) => `registry.kaito-sandbox.test:${sb.port}/${repo}`;

/** An object as the sandbox's API server holds it (read straight from its store, not through kaito). */
export function clusterObject(sb: TestSandbox, resource: string, name: string, namespace: string | undefined = 'default'): Record<string, any> | undefined {
  return sb.ctx.store.get(resource, namespace, name) as Record<string, any> | undefined;
}
/** store resource keys the tests read */
export const RES = { workspaces: 'kaito.sh/workspaces', secrets: '/secrets', configmaps: '/configmaps', nodeclaims: 'karpenter.sh/nodeclaims', pods: '/pods' } as const;

/** `kaito tune` arguments for a small QLoRA run on an A10 that pushes to the sandbox registry. */
export function tuneArgs(sb: TestSandbox, name: string, extra: string[] = []): string[] {
  return ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', sandboxDataset(sb), '--output-image', sandboxImage(sb, `adapters/${name}:1`),
    '--registry-username', 'u', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', ...extra];
}

/** Submits a tuning Workspace through `kaito tune` (no dataset check) and throws unless it was created. */
export async function submitTuning(sb: TestSandbox, name: string, extra: string[] = []): Promise<void> {
  const r = await sandboxRun(sb, [...tuneArgs(sb, name), '--skip-dataset-check', ...extra], { input: 'pw\n' });
  if (r.code !== 0) throw new Error(`kaito tune ${name} exited ${r.code}: ${r.stderr}`);
}

/** Deploys phi-4-mini-instruct through `kaito deploy --wait` and throws unless inference became ready. */
export async function deployInference(sb: TestSandbox, name: string, extra: string[] = []): Promise<void> {
  const r = await sandboxRun(sb, ['deploy', '--preset', 'phi-4-mini-instruct', '--name', name, '--instance-type', 'Standard_NC24ads_A100_v4', '--wait', '--timeout', '10m', ...extra]);
  if (r.code !== 0) throw new Error(`kaito deploy ${name} exited ${r.code}: ${r.stderr}`);
}
