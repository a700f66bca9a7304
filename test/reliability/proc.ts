// Runs the built bin/kaito as a child process in its own process group, with a hard deadline, and tells
// whether anything it started outlived it (a leaked process). Shared by the vitest suites and
// bench/campaign.mjs (which bundles this directory), so it imports nothing from vitest.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const KAITO_BIN = process.env.KAITO_BIN ?? fileURLToPath(new URL('../../bin/kaito.js', import.meta.url));

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** killed at the deadline */
  hung: boolean;
  /** a process of its group was still alive after it exited (then killed) */
  leaked: boolean;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves when the text matches, or undefined when the process ends or timeoutMs passes first */
  waitFor(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray | undefined>;
  done: Promise<ProcResult>;
}

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  /** SIGKILL (the whole group) after this many ms: a hang */
  deadlineMs?: number;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function startKaito(args: string[], opts: StartOptions): Running {
  const started = Date.now();
  // detached: its own process group, so children it forks can be found (and killed) after it exits
  const child = spawn(process.execPath, [KAITO_BIN, ...args], { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(opts.input ?? '');
  let hung = false;
  const deadline = setTimeout(() => {
    hung = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, opts.deadlineMs ?? 60_000);
  const done = new Promise<ProcResult>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let finished = false;
    const finish = () => {
      if (finished || !exit) return;
      finished = true;
      clearTimeout(deadline);
      const pgid = child.pid!;
      const leaked = groupAlive(pgid);
      if (leaked) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* raced */
        }
      }
      resolve({ ...exit, stdout: out, stderr: err, hung, leaked, ms: Date.now() - started });
    };
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // a grandchild holding the pipes would delay 'close': do not wait for it for long
      setTimeout(finish, 2000).unref();
    });
    child.on('close', () => setImmediate(finish));
    child.on('error', (e) => {
      exit = { code: null, signal: null };
      err += String(e);
      finish();
    });
  });
  const waitFor = (stream: 'stdout' | 'stderr', re: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray | undefined>((resolve) => {
      const until = Date.now() + timeoutMs;
      const tick = () => {
        const m = (stream === 'stdout' ? out : err).match(re);
        if (m) return resolve(m);
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > until) return resolve(undefined);
        setTimeout(tick, 10);
      };
      tick();
    });
  return { child, stdout: () => out, stderr: () => err, waitFor, done };
}

export function runKaito(args: string[], opts: StartOptions): Promise<ProcResult> {
  return startKaito(args, opts).done;
}

/** Runs fn over items with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A stack frame in output: the CLI prints stacks only with --debug. */
export const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;
