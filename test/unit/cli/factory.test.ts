// The command context's factory (src/cli/factory.ts): nothing is built until asked, each client once per run,
// overrides replace parts (and the rest uses them), and run(argv, { factory }) hands them to the command.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createContext } from '../../../src/cli/context.js';
import { sleep } from '../../../src/cli/factory.js';
import type { AzureSession } from '../../../src/azure/session.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { InterruptedError, UsageError } from '../../../src/errors.js';
import { run } from '../../../src/main.js';
import { createIOStreams } from '../../../src/ui/iostreams.js';

const dir = mkdtempSync(join(tmpdir(), 'kaito-factory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kubeconfig = join(dir, 'config');
writeFileSync(
  kubeconfig,
  `apiVersion: v1\nkind: Config\ncurrent-context: one\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: one\n  context: {cluster: c, user: u, namespace: ns-one}\n- name: two\n  context: {cluster: c, user: u, namespace: ns-two}\nusers:\n- name: u\n  user: {token: t0ken-for-test}\n`,
);

const io = (env: NodeJS.ProcessEnv = {}) => createIOStreams({ env: { HOME: dir, ...env }, stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() });
const ctxWith = (overrides = {}, globals = {}) => createContext(io(), { input: true, color: false, kubeconfig, ...globals }, new AbortController().signal, dir, overrides);

describe('the factory on the command context', () => {
  it('builds the kube client for the resolved target once, on first use', async () => {
    const ctx = ctxWith({}, { namespace: 'flag-ns' });
    const a = await ctx.kube();
    expect(a.namespace).toBe('flag-ns');
    expect(a.contextName).toBe('one');
    expect(await ctx.kube()).toBe(a);
  });

  it('a given target gets its own client (init asks about contexts the user picks)', async () => {
    const ctx = ctxWith();
    const two = await ctx.kube({ kubeconfig, context: 'two' });
    expect(two.contextName).toBe('two');
    expect(two.namespace).toBe('ns-two');
    expect(await ctx.kube({ kubeconfig, context: 'two' })).toBe(two);
    expect(await ctx.kube()).not.toBe(two);
  });

  it('a target that cannot be loaded is a usage error, and is not kept', async () => {
    const ctx = createContext(io(), { input: true, color: false, kubeconfig: join(dir, 'missing') }, new AbortController().signal, dir);
    await expect(ctx.kube()).rejects.toThrow(UsageError);
    await expect(ctx.kube()).rejects.toThrow(/kubeconfig .*missing not found/);
  });

  it('overrides replace a part, and the other parts use them (node pools ask the overridden arm)', async () => {
    const fakeKube = { namespace: 'fake' } as unknown as KubeClient;
    const arm = vi.fn(async () => {
      throw new UsageError('no Azure in this test');
    });
    const ctx = ctxWith({ kube: async () => fakeKube, arm, now: () => 42 });
    expect(await ctx.kube()).toBe(fakeKube);
    expect(ctx.now()).toBe(42);
    await expect(ctx.nodePools('cli')).rejects.toThrow('no Azure in this test');
    expect(arm).toHaveBeenCalledWith('cli');
  });

  it('the ARM session takes --arm-endpoint from the target, and one session per set of options', async () => {
    const ctx = createContext(io({ KAITO_AZURE_AUTH: 'cli' }), { input: true, color: false, armEndpoint: 'https://arm.example.test' }, new AbortController().signal, dir);
    const s: AzureSession = await ctx.arm();
    expect(s.cloud.endpoint).toBe('https://arm.example.test');
    expect(await ctx.arm()).toBe(s);
    expect(await ctx.arm(undefined, { armEndpoint: 'https://other.example.test', maxRetries: 1 })).not.toBe(s);
  });

  it('sleep resolves, and rejects with InterruptedError when its signal aborts', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    await expect(sleep(1, ac.signal)).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('run(argv, { factory })', () => {
  it('the command gets the factory given to run()', async () => {
    const kube = vi.fn(async () => {
      throw new UsageError('the fake cluster says no', 'a hint from the test');
    });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += String(d)));
    const code = await run(['node', 'kaito', 'list', '--kubeconfig', kubeconfig], { env: { HOME: dir }, stderr, factory: { kube } });
    expect(kube).toHaveBeenCalledTimes(1);
    expect(code).toBe(2);
    expect(err).toContain('error: the fake cluster says no');
    expect(err).toContain('a hint from the test');
  });
});
