// tune -> wait -> status -> list -> logs -> delete against the sandbox (NAP, Kaito 0.12), through bin/kaito,
// with kubectl as an independent client to check what is left in the cluster.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const dataset = () => datasetUrl(sb);
const tuneArgs = (name: string, extra: string[] = []) => [
  'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', dataset(),
  '--output-image', 'registry.kaito-sandbox.test/adapters/' + name + ':1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', ...extra,
];

describe('tune lifecycle (Kaito 0.12, NAP)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
  });

  it('tune --wait creates the workspace and follows it to success', async () => {
    const r = await kaito([...tuneArgs('ok1'), '--wait', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/✓ workspace\/ok1 created/);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ workspace: 'ok1', namespace: 'default', apiVersion: 'kaito.sh/v1beta1', action: 'created', wait: { phase: 'succeeded' } });
    expect(doc.objects).toContainEqual({ kind: 'Workspace', name: 'ok1', action: 'created' });
    const ws = JSON.parse(await kubectl('get', 'workspace', 'ok1', '-o', 'json'));
    expect(ws.tuning.preset.name).toBe('phi-3-mini-128k-instruct');
  });

  it('the same command again is unchanged and exits 0; -o name prints the workspace', async () => {
    const rv = await kubectl('get', 'workspace', 'ok1', '-o', 'jsonpath={.metadata.resourceVersion}');
    const r = await kaito([...tuneArgs('ok1'), '-o', 'name'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('workspace.kaito.sh/ok1\n');
    expect(r.stderr).toMatch(/workspace\/ok1 unchanged/);
    expect(await kubectl('get', 'workspace', 'ok1', '-o', 'jsonpath={.metadata.resourceVersion}')).toBe(rv);
  });

  it('an immutable change is refused before sending: exit 2, fields listed, nothing changed', async () => {
    const before = await kubectl('get', 'workspace', 'ok1', '-o', 'json');
    const r = await kaito([...tuneArgs('ok1', ['--method', 'lora']).filter((a) => a !== 'Standard_NV36ads_A10_v5' && a !== '--instance-type'), '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/method: qlora -> lora/);
    expect(r.stderr).toMatch(/instanceType: Standard_NV36ads_A10_v5 -> Standard_NC24ads_A100_v4/);
    expect(r.stderr).toMatch(/kaito delete ok1/);
    expect(JSON.parse(await kubectl('get', 'workspace', 'ok1', '-o', 'json')).metadata.resourceVersion).toBe(JSON.parse(before).metadata.resourceVersion);
  });

  it('--dry-run=server goes through admission and creates nothing', async () => {
    const r = await kaito([...tuneArgs('dry1'), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: 'dry1', dryRun: 'server', action: 'created' });
    await expect(kubectl('get', 'workspace', 'dry1')).rejects.toThrow(/NotFound|not found/);
  });

  it('status, list and wait agree on the finished workspace', async () => {
    const s = await kaito(['status', 'ok1', '-o', 'json'], { env: sb.cliEnv });
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ name: 'ok1', type: 'tuning', state: 'Succeeded' });
    const l = await kaito(['list', '-o', 'json'], { env: sb.cliEnv });
    expect(l.code, l.stderr).toBe(0);
    expect(JSON.parse(l.stdout).items.map((i: { name: string }) => i.name)).toContain('ok1');
    const w = await kaito(['wait', 'ok1', '--timeout', '30s'], { env: sb.cliEnv });
    expect(w.code, w.stderr).toBe(0);
  });

  it('logs --progress renders the trainer output as progress', async () => {
    const r = await kaito(['logs', 'ok1', '--progress'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/step \d+\/\d+/);
  });

  it('delete --wait removes it (the finalizer is gone)', async () => {
    const r = await kaito(['delete', 'ok1', '--wait', '--timeout', '60s'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    await expect(kubectl('get', 'workspace', 'ok1')).rejects.toThrow(/NotFound|not found/);
  });
});
