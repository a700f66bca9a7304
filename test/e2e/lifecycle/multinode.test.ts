// compat R8: a vLLM model too big for one VM in NAP mode. Kaito 0.10+ sizes it with its node estimator (count is
// overridden) and runs it on several nodes; 0.11 halts above 3 nodes. The CLI warns (0.12) or refuses (0.11) up
// front; kubectl shows what the emulated Kaito did: targetNodeCount, one NodeClaim per node, StatefulSet replicas.
import { describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox } from '../../support/sandbox.js';
import { kubectlApply, kubectlFor } from './helpers.js';

const QWEN32_ON_A10 = ['--preset', 'qwen2.5-coder-32b-instruct', '--instance-type', 'Standard_NV36ads_A10_v5'];

describe('multi-node vLLM', () => {
  it('0.12: deploy warns of ~4 nodes; Kaito provisions 4 NodeClaims and a 4-replica StatefulSet; chat answers', async () => {
    const sb = await startTestSandbox({ kaitoVersion: '0.12', speed: 1200 });
    const kubectl = kubectlFor(() => sb);
    const r = await kaito(['deploy', ...QWEN32_ON_A10, '--name', 'big', '--wait', '--timeout', '30m'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Kaito 0\.12 runs it on ~4 nodes/);
    expect(await kubectl('get', 'workspace', 'big', '-o', 'jsonpath={.status.targetNodeCount}')).toBe('4');
    expect((await kubectl('get', 'nodeclaims', '-l', 'kaito.sh/workspace=big', '-o', 'name')).trim().split('\n')).toHaveLength(4);
    expect(await kubectl('get', 'statefulset', 'big', '-o', 'jsonpath={.spec.replicas}')).toBe('4');
    const c = await kaito(['chat', '--workspace', 'big', 'hello'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.length).toBeGreaterThan(0);
  }, 240_000);

  it('0.11: kaito refuses (exit 2); a Workspace applied with kubectl gets targetNodeCount 4, no NodeClaim, a NodeCountExceedsLimit event', async () => {
    const sb = await startTestSandbox({ kaitoVersion: '0.11' });
    const kubectl = kubectlFor(() => sb);
    const r = await kaito(['deploy', ...QWEN32_ON_A10, '--name', 'big'], { env: sb.cliEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Kaito 0\.11 halts above 3/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
    const rendered = await kaito(['render', 'deploy', ...QWEN32_ON_A10, '--name', 'big', '--kaito-version', '0.12']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(await kubectlApply(kubectl, rendered.stdout)).toBe('applied');
    let target = '';
    for (let i = 0; i < 40 && target !== '4'; i++) {
      target = await kubectl('get', 'workspace', 'big', '-o', 'jsonpath={.status.targetNodeCount}');
      if (target !== '4') await new Promise((res) => setTimeout(res, 250));
    }
    expect(target).toBe('4');
    const events = await kubectl('get', 'events', '--field-selector', 'involvedObject.name=big', '-o', 'jsonpath={.items[*].reason}');
    expect(events).toContain('NodeCountExceedsLimit');
    expect(await kubectl('get', 'nodeclaims', '-o', 'name')).toBe('');
  });
});
