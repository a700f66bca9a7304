import { afterEach, describe, expect, it } from 'vitest';
import { createKaitoController } from '../../../../src/sandbox/controller/index.js';
import { inferenceWorkspace, testContext, waitFor, type TestSandbox } from './helpers.js';

let sb: TestSandbox | undefined;
afterEach(() => sb?.abort.abort());

type CS = { restartCount: number; ready: boolean; lastState: { terminated?: { exitCode: number } } };

describe('pod-restart fault', () => {
  it('restarts the inference pod every S seconds: restartCount grows, previous logs kept, NotReady then Ready again', async () => {
    sb = testContext({ faults: { podRestartSeconds: 0.3 } });
    const { ctx } = sb;
    createKaitoController(ctx);
    ctx.store.create('kaito.sh/workspaces', inferenceWorkspace('phi'));
    await waitFor(ctx, () => (ctx.store.get('kaito.sh/workspaces', 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    const states = new Set<string>();
    const unsub = ctx.store.subscribe((e) => {
      if (e.resource === 'kaito.sh/workspaces') states.add(String((e.object.status as { state?: string })?.state));
    });
    const cs = await waitFor(ctx, () => {
      const s = (ctx.store.get('/pods', 'default', 'phi-0')?.status as { containerStatuses?: CS[] } | undefined)?.containerStatuses?.[0];
      return s && s.restartCount >= 1 && s.ready && s;
    }, 10_000, 'restarted and ready');
    unsub();
    expect(cs.lastState.terminated?.exitCode).toBe(137);
    expect(states.has('NotReady')).toBe(true);
    expect(ctx.podLogs.read('default', 'phi-0', 'phi', { previous: true }).map((l) => l.text).join('\n')).toContain('engine core process died');
  });

  it('stops every timer when the sandbox signal aborts', async () => {
    sb = testContext({ faults: { podRestartSeconds: 0.05 } });
    const { ctx, abort } = sb;
    createKaitoController(ctx);
    ctx.store.create('kaito.sh/workspaces', inferenceWorkspace('phi'));
    await waitFor(ctx, () => (ctx.store.get('kaito.sh/workspaces', 'default', 'phi')?.status as { state?: string })?.state === 'Ready', 20_000, 'Ready');
    abort.abort();
    const rv = ctx.store.resourceVersion;
    await new Promise((r) => setTimeout(r, 300));
    expect(ctx.store.resourceVersion).toBe(rv);
  });
});
