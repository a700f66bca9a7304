// Starts a long-running `kaito` (proxy, REPL) as a child process and reads its output as it comes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { KAITO_BIN } from '../../support/cli.js';

export interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** resolves when stdout matches (rejects after timeoutMs) */
  waitStdout(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  waitStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export function startKaito(args: string[], env: NodeJS.ProcessEnv, input?: string): Running {
  const child = spawn(process.execPath, [KAITO_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  const waitFor = (get: () => string, re: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () => {
        const m = get().match(re);
        if (m) return resolve(m);
        if (child.exitCode !== null) return reject(new Error(`kaito exited (${child.exitCode}) before ${re}: ${err}`));
        if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${re}; stdout=${out} stderr=${err}`));
        setTimeout(tick, 25);
      };
      tick();
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitStdout: (re, t) => waitFor(() => out, re, t),
    waitStderr: (re, t) => waitFor(() => err, re, t),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
