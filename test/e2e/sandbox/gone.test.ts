// Issue 17 item 14: a saved dataset URL of a sandbox that is no longer running says so, and how to bring it back.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('a dataset URL on a sandbox that is gone', () => {
  it('dataset validate: exit 1, "a kaito sandbox (port N) that is not running", the start command', async () => {
    const port = await closedPort();
    const url = `https://datasets.kaito-sandbox.test:${port}/kaito-ops-messages.parquet`;
    const r = await kaito(['dataset', 'validate', url], { env: baseEnv({ KAITO_RESOLVE: 'datasets.kaito-sandbox.test=127.0.0.1' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`it is on a kaito sandbox (port ${port}) that is not running`);
    expect(r.stderr).toContain(`kaito sandbox start --port ${port}`);
  });
});
