// The whole inference journey against the sandbox through the built CLI: tune, deploy --from-tuning,
// chat with the adapter (one-shot, piped, -o json), add/remove adapters, the proxy with the official
// openai client over the API server's service proxy, gated presets with --hf-token-stdin, a workspace
// that is not ready, the legacy /chat of Kaito 0.6 + transformers, and pods that keep restarting.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox } from '../../support/sandbox.js';
import { startKaito } from './spawn.js';

const DATASET = 'https://datasets.kaito-sandbox.test/kaito-ops-messages.parquet';

describe('deploy --from-tuning and chat with the adapter (Kaito 0.12)', async () => {
  const sb = await startTestSandbox();
  const env = sb.cliEnv;

  it('refuses --from-tuning of a missing or unfinished tuning workspace (exit 2, nothing created)', async () => {
    const missing = await kaito(['deploy', '--from-tuning', 'nope'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--from-tuning nope: no such workspace');

    // an unfinished tuning, whatever the machine's speed: a sandbox at real-world speed (x1) spends minutes on
    // the GPU node alone, so the tuning is still Pending when deploy asks (issue 16: no reliance on timing)
    const slow = await startTestSandbox({ speed: 1 });
    try {
      const started = await kaito(['tune', '--preset', 'phi-4-mini-instruct', '--dataset', DATASET, '--output-image', 'registry.kaito-sandbox.test/adapters/early:1', '--registry-username', 'u', '--registry-password-stdin', '--name', 'early', '--skip-dataset-check'], { env: slow.cliEnv, input: 'password-1234\n' });
      expect(started.code).toBe(0);
      const early = await kaito(['deploy', '--from-tuning', 'early'], { env: slow.cliEnv });
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/--from-tuning early: the tuning has not succeeded \(state (Pending|Running)/);
      expect(slow.ctx.store.get('kaito.sh/workspaces', 'default', 'phi-4-mini-instruct')).toBeUndefined();
    } finally {
      await slow.stop();
    }
  });

  it('deploys the adapter of a finished tuning, idempotently, and chats with it', async () => {
    const tune = await kaito(['tune', '--preset', 'phi-4-mini-instruct', '--dataset', DATASET, '--output-image', 'registry.kaito-sandbox.test/adapters/ops:1', '--registry-username', 'u', '--registry-password-stdin', '--name', 'ops-tune', '--skip-dataset-check', '--wait'], { env, input: 'password-1234\n', timeoutMs: 120_000 });
    expect(tune.stderr).toContain('succeeded');
    expect(tune.code).toBe(0);

    const deploy = await kaito(['deploy', '--from-tuning', 'ops-tune', '--name', 'ops', '--wait', '-o', 'json'], { env, timeoutMs: 120_000 });
    expect(deploy.code).toBe(0);
    const doc = JSON.parse(deploy.stdout);
    expect(doc).toMatchObject({ workspace: 'ops', action: 'created', preset: 'phi-4-mini-instruct', adapters: [{ name: 'ops-tune', image: 'registry.kaito-sandbox.test/adapters/ops:1' }], wait: { phase: expect.any(String) } });
    const ws = sb.ctx.store.get('kaito.sh/workspaces', 'default', 'ops')!;
    expect((ws.inference as any).adapters).toEqual([{ source: { name: 'ops-tune', image: 'registry.kaito-sandbox.test/adapters/ops:1', imagePullSecrets: ['ops-tune-push'] } }]);
    expect((ws.inference as any).preset.name).toBe('phi-4-mini-instruct');

    const again = await kaito(['deploy', '--from-tuning', 'ops-tune', '--name', 'ops', '-o', 'name'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('workspace.kaito.sh/ops\n');
    expect(again.stderr).toContain('workspace/ops unchanged');

    // one-shot: stdout is only the answer, from the adapter (the only inference workspace is the default)
    const one = await kaito(['chat', 'how', 'do', 'I', 'scale?'], { env });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^\[emulated\] .*answering as ops-tune\b.*\n$/);
    expect(one.stdout.split('\n').length).toBe(2);

    const piped = await kaito(['chat', '--workspace', 'ops'], { env, input: 'a piped question\n' });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/answering as ops-tune/);

    const json = await kaito(['chat', '-o', 'json', '--model', 'phi-4-mini-instruct', 'base please'], { env });
    expect(json.code).toBe(0);
    const res = JSON.parse(json.stdout);
    expect(res).toMatchObject({ model: 'phi-4-mini-instruct', finish_reason: 'stop', usage: { completion_tokens: expect.any(Number) } });
    expect(res.content).toMatch(/answering as phi-4-mini-instruct/);
    expect(res.ttft_ms).toBeLessThanOrEqual(res.latency_ms);
  }, 240_000);

  it('serves the official openai client through `kaito proxy` over the service proxy', async () => {
    const p = startKaito(['proxy', 'ops', '--port', '0'], env);
    try {
      const base = (await p.waitStdout(/^(http:\/\/127\.0\.0\.1:\d+\/v1)\n/))[1];
      const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
      const models = await client.models.list();
      expect(models.data.map((m) => m.id).sort()).toEqual(['ops-tune', 'phi-4-mini-instruct']);
      const c = await client.chat.completions.create({ model: 'ops-tune', messages: [{ role: 'user', content: 'non-stream' }] });
      expect(c.choices[0].message.content).toMatch(/answering as ops-tune/);
      const stream = await client.chat.completions.create({ model: 'ops-tune', stream: true, messages: [{ role: 'user', content: 'stream' }] });
      let text = '';
      let chunks = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        chunks++;
      }
      expect(chunks).toBeGreaterThan(5);
      expect(text).toMatch(/answering as ops-tune/);
      await p.waitStderr(/POST \/v1\/chat\/completions 200/);
    } finally {
      await p.stop();
    }
  }, 120_000);

  it('--via port-forward reaches pod <ws>-0 port 5000 over the WebSocket tunnel (chat and proxy)', async () => {
    const r = await kaito(['chat', '--workspace', 'ops', '--via', 'port-forward', '-o', 'json', 'through the tunnel'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model: 'ops-tune', finish_reason: 'stop' });
    const p = startKaito(['proxy', 'ops', '--via', 'port-forward', '--port', '0'], env);
    try {
      const base = (await p.waitStdout(/^(http\S+)\n/))[1];
      const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => client.chat.completions.create({ model: 'ops-tune', messages: [{ role: 'user', content: `pf ${i}` }] })));
      for (const a of answers) expect(a.choices[0].message.content).toMatch(/answering as ops-tune/);
    } finally {
      await p.stop();
    }
  }, 120_000);

  it('a 429 storm through the sandbox emulator: concurrent one-shot chats are all answered', async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, (_, i) => kaito(['chat', '--workspace', 'ops', `storm ${i}`], { env, timeoutMs: 120_000 })));
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/answering as ops-tune/);
    }
  }, 180_000);

  it('removes and re-adds adapters on the running deployment by re-applying', async () => {
    const base = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'ops', '-o', 'json'], { env });
    expect(base.code).toBe(0);
    expect(JSON.parse(base.stdout)).toMatchObject({ action: 'configured', adapters: [] });
    expect((sb.ctx.store.get('kaito.sh/workspaces', 'default', 'ops')!.inference as any).adapters).toBeUndefined();
    const two = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'ops', '--adapter', 'a1=registry.kaito-sandbox.test/adapters/ops:1', '--adapter', 'a2=registry.kaito-sandbox.test/adapters/ops:1', '--wait', '-o', 'json'], { env, timeoutMs: 120_000 });
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout).adapters.map((a: { name: string }) => a.name)).toEqual(['a1', 'a2']);
    // two adapters: the default model is the base one
    const r = await kaito(['chat', '-o', 'json', '--workspace', 'ops', 'which model'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model).toBe('phi-4-mini-instruct');
  }, 180_000);

  it('--dry-run prints what render deploy prints; --dry-run=server changes nothing', async () => {
    const flags = ['--preset', 'phi-4-mini-instruct', '--name', 'dry', '--instance-type', 'Standard_NC24ads_A100_v4'];
    const client = await kaito(['deploy', ...flags, '--dry-run'], { env });
    const render = await kaito(['render', 'deploy', ...flags], { env });
    expect(client.code).toBe(0);
    expect(client.stdout).toBe(render.stdout);
    expect(client.stdout).toContain('kind: Workspace');
    const server = await kaito(['deploy', ...flags, '--dry-run=server', '-o', 'json'], { env });
    expect(server.code).toBe(0);
    expect(JSON.parse(server.stdout)).toMatchObject({ workspace: 'dry', action: 'created', dryRun: 'server' });
    expect(sb.ctx.store.get('kaito.sh/workspaces', 'default', 'dry')).toBeUndefined();
  });

  it('--hf-token-stdin creates the HF_TOKEN Secret before the workspace and never prints the token', async () => {
    const token = 'hf_sandboxTokenValue123456';
    const r = await kaito(['deploy', '--preset', 'llama-3.1-8b-instruct', '--name', 'llama', '--hf-token-stdin', '-o', 'json'], { env, input: token + '\n' });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(token);
    const secret = sb.ctx.store.get('/secrets', 'default', 'llama-hf-token')!;
    expect(Buffer.from((secret.data as Record<string, string>).HF_TOKEN, 'base64').toString()).toBe(token);
    const ws = sb.ctx.store.get('kaito.sh/workspaces', 'default', 'llama')!;
    expect((ws.inference as any).preset.presetOptions).toEqual({ modelAccessSecret: 'llama-hf-token' });
    expect(JSON.parse(r.stdout).objects.map((o: { kind: string }) => o.kind)).toEqual(['Secret', 'Workspace']);
  });

  it('with two inference workspaces, chat asks which one (exit 2)', async () => {
    const r = await kaito(['chat', 'hi'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/inference workspaces in namespace default: say which one/);
    expect(r.stderr).toContain('llama');
  });
});

describe('a workspace that is not ready is refused with its state (exit 3)', async () => {
  const sb = await startTestSandbox({ faults: ['image-pull'] });
  it('chat and proxy name the state and reason', async () => {
    const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'stuck'], { env: sb.cliEnv });
    expect(d.code).toBe(0);
    // let the controller get as far as the image pull
    await kaito(['wait', 'stuck', '--timeout', '20s'], { env: sb.cliEnv, timeoutMs: 60_000 });
    const r = await kaito(['chat', '--workspace', 'stuck', 'hello'], { env: sb.cliEnv });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/workspace stuck is not ready to answer: state \w+/);
    const p = await kaito(['proxy', 'stuck', '--port', '0'], { env: sb.cliEnv });
    expect(p.code).toBe(3);
    expect(p.stdout).toBe('');
  }, 120_000);
});

describe('legacy POST /chat (Kaito 0.6, transformers runtime)', async () => {
  const sb = await startTestSandbox({ kaitoVersion: '0.6' });
  it('deploys with --runtime transformers and chats through /chat', async () => {
    const d = await kaito(['deploy', '--preset', 'phi-3-mini-4k-instruct', '--runtime', 'transformers', '--name', 'old', '--wait'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(d.code).toBe(0);
    const r = await kaito(['chat', '-o', 'json', '--max-tokens', '8', 'hello', 'legacy'], { env: sb.cliEnv });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ model: 'phi-3-mini-4k-instruct', usage: null });
    // compat I4: one POST /chat with the prompt and return_full_text false: the answer does not echo it
    expect(doc.content).toMatch(/^\[emulated\]/);
    expect(doc.content).not.toContain('hello legacy');
    expect(sb.ctx.requestLog.filter((e) => e.api === 'inference' && e.path === '/chat').map((e) => e.status)).toEqual([200]);
    expect(sb.ctx.requestLog.some((e) => e.api === 'inference' && e.path === '/v1/models' && e.status === 404)).toBe(true);
  }, 120_000);
});

describe('the proxy survives inference pods restarting (fault pod-restart)', async () => {
  const sb = await startTestSandbox({ faults: ['pod-restart=1'] });
  it('requests made across restarts all succeed', async () => {
    const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'flaky', '--wait'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(d.code).toBe(0);
    // the proxy refuses to start while the pod is between lives (exit 3): start it in a ready moment
    let p = startKaito(['proxy', 'flaky', '--port', '0'], sb.cliEnv);
    for (let i = 0; i < 5 && (await Promise.race([p.exited.then((e) => e.code), p.waitStdout(/\/v1\n/).then(() => 'up')])) === 3; i++) {
      await new Promise((r) => setTimeout(r, 300));
      p = startKaito(['proxy', 'flaky', '--port', '0'], sb.cliEnv);
    }
    try {
      const base = (await p.waitStdout(/^(http\S+)\n/))[1];
      const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 });
      const started = Date.now();
      let ok = 0;
      // keep asking for 3.5 s: at least three restarts happen meanwhile
      while (Date.now() - started < 3_500) {
        const c = await client.chat.completions.create({ model: 'phi-4-mini-instruct', messages: [{ role: 'user', content: 'still there?' }] });
        expect(c.choices[0].message.content).toMatch(/answering as phi-4-mini-instruct/);
        ok++;
      }
      expect(ok).toBeGreaterThan(3);
      // the pod really restarted while we were asking
      const pod = sb.ctx.store.get('/pods', 'default', 'flaky-0')!;
      expect((pod.status as any).containerStatuses[0].restartCount).toBeGreaterThanOrEqual(2);
    } finally {
      await p.stop();
    }
  }, 180_000);
});
