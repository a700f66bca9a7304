// Runs the built bin/kaito as a user would: a child process with its own env, stdin and no TTY.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAITO_BIN = fileURLToPath(new URL('../../bin/kaito.js', import.meta.url));

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** written to stdin, then stdin is closed */
  input?: string;
  cwd?: string;
  /** kill after this many ms (default 60 s) */
  timeoutMs?: number;
}

/** A clean env: no CI (unless given), no colour, HOME isolated by the caller when it matters. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // a caller that keeps the real HOME still gets a cache dir of this test process's own (prices, data images), so runs
  // and the two Node passes never see each other's cache
  const cache = extra.HOME === undefined && extra.KAITO_CACHE_DIR === undefined ? { KAITO_CACHE_DIR: testCacheDir() } : {};
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', ...cache, ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

let cacheDir: string | undefined;
function testCacheDir(): string {
  cacheDir ??= mkdtempSync(join(tmpdir(), 'kaito-test-cache-'));
  return cacheDir;
}

export function kaito(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAITO_BIN, ...args], {
      env: opts.env ?? baseEnv(),
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
