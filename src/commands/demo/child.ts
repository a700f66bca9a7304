// Runs one step as a real child process of this same CLI (node + the bin script that is running now), so
// the demo goes through exactly the code users run. Output is streamed through as it arrives; Ctrl-C
// (the demo's abort signal) is forwarded as SIGINT, and a child that does not end in time is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { StreamName } from './prefix.js';

export interface ChildSpec {
  /** the node binary and the kaito bin script */
  node: string;
  script: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** written to stdin, which is then closed; without it stdin is /dev/null */
  input?: string;
  /** SIGINT after this many ms (then SIGKILL after KILL_GRACE_MS) */
  timeoutMs: number;
  signal: AbortSignal;
  onOutput(chunk: string, from: StreamName): void;
}

export interface ChildResult {
  /** the exit code; 128+N when ended by signal N */
  exitCode: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
}

export interface RunningChild {
  pid: number | undefined;
  /** resolves when the process has exited and its pipes are closed */
  done: Promise<ChildResult>;
  /** asks it to stop the way Ctrl-C does */
  interrupt(): void;
  /** SIGKILL, for the process-exit safety net */
  kill(): void;
}

const KILL_GRACE_MS = 5_000;

export function startChild(spec: ChildSpec): RunningChild {
  const started = Date.now();
  const child: ChildProcess = spawn(spec.node, [spec.script, ...spec.args], {
    env: spec.env,
    cwd: spec.cwd,
    stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const interrupt = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    interrupt();
  }, spec.timeoutMs);
  const onAbort = () => interrupt();
  spec.signal.addEventListener('abort', onAbort, { once: true });
  if (spec.signal.aborted) interrupt();

  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    spec.onOutput(d, 'out');
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => spec.onOutput(d, 'err'));
  if (spec.input !== undefined) {
    // a child that exits before reading its stdin must not crash the demo with EPIPE
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(spec.input);
  }

  const done = new Promise<ChildResult>((resolve) => {
    const finish = (exitCode: number, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      spec.signal.removeEventListener('abort', onAbort);
      resolve({ exitCode, signal, timedOut, ms: Date.now() - started, stdout });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      spec.onOutput(`cannot start ${spec.node}: ${e.code ?? e.message}\n`, 'err');
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), signal));
  });
  return { pid: child.pid, done, interrupt, kill: () => void child.kill('SIGKILL') };
}
