// An in-process sandbox for end-to-end tests: port 0, a fresh state dir, fast emulated time, and an env
// for the built CLI (test/support/cli.ts) pointing at it with an isolated HOME.
// Call it from beforeAll (or a test). Every sandbox started is stopped by an afterAll this module
// registers at import time: vitest ignores afterAll hooks registered from inside a running beforeAll.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { baseEnv } from './cli.js';

export interface TestSandbox extends Sandbox {
  /** env for kaito()/spawned tools: the sandbox env, an isolated HOME, no colour */
  cliEnv: NodeJS.ProcessEnv;
  /** the isolated HOME directory */
  home: string;
}

const running: Array<() => Promise<void>> = [];

afterAll(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'kaito-sbx-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const sb = await startSandbox({ port: 0, speed: 600, stateDir: join(root, 'state'), ...opts });
  const cliEnv = baseEnv({ ...sb.env, HOME: home, NO_COLOR: '1' });
  running.push(async () => {
    await sb.stop();
    rmSync(root, { recursive: true, force: true });
  });
  return Object.assign(sb, { cliEnv, home });
}
