// An in-process sandbox for end-to-end tests: port 0, a fresh state dir, fast emulated time, and an env
// for the built CLI (test/support/cli.ts) pointing at it with an isolated HOME. Registers afterAll to
// stop it, so call it from a describe block or beforeAll.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { baseEnv } from './cli.js';

export interface TestSandbox extends Sandbox {
  /** env for kaito()/spawned tools: the sandbox env, an isolated HOME, no CI colour noise */
  cliEnv: NodeJS.ProcessEnv;
  /** the isolated HOME directory */
  home: string;
}

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<TestSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'kaito-sbx-'));
  const home = join(root, 'home');
  const sb = await startSandbox({ port: 0, speed: 600, stateDir: join(root, 'state'), ...opts });
  const cliEnv = baseEnv({ ...sb.env, HOME: home, NO_COLOR: '1' });
  afterAll(async () => {
    await sb.stop();
    rmSync(root, { recursive: true, force: true });
  });
  return Object.assign(sb, { cliEnv, home });
}
