// Issue 17 item 5: a workspace that does not exist is reported the same way by every command that names one:
// exit 2, "workspace NAME not found in namespace NS", how to list them; `logs -f` does not wait for its pods.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';

describe('a workspace that does not exist', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });

  it.each([
    [['status', 'ghost']],
    [['logs', 'ghost']],
    [['logs', 'ghost', '-f']],
    [['wait', 'ghost', '--timeout', '30s']],
    [['delete', 'ghost']],
    [['chat', '--workspace', 'ghost', 'hi']],
  ])('%j: exit 2, one rule', async (args) => {
    const r = await kaito(args, { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/^error: workspace ghost not found in namespace default\n  list them with `kaito list` \(-A for every namespace\), or pass -n NAMESPACE\n$/);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
