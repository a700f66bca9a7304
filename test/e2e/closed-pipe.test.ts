// Issue 17 item 1: a reader that goes away (`kaito chat ... | head -c 10`) ends the command quietly, exit 0,
// with no "Unhandled 'error' event" / EPIPE stack trace. The pipe is closed by the reader before the CLI's
// first write (the fake server sends its first token only after a delay), so the write always meets EPIPE.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, KAITO_BIN } from '../support/cli.js';
import { startFake, type FakeServer } from './inference/fake-openai.js';

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KAITO_BIN, ...args], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before anything was written
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stderr });
    });
  });
}

describe('a closed stdout', () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await startFake({ tokenDelayMs: 200 });
  });
  afterAll(() => fake.close());

  it('chat streaming into a pipe whose reader left: exit 0, nothing on stderr', async () => {
    const r = await runWithClosedStdout(['chat', '--endpoint', fake.url, 'a', 'long', 'enough', 'question']);
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|node:events|\n\s+at /);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
