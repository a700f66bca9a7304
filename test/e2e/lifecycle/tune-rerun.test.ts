// Issue 12 items 4, 5, 7 against the sandbox (Kaito 0.12, NAP), through bin/kaito, kubectl as the independent client:
// compat R20 a changed training config is a new ConfigMap name -> new revision -> new Job, older ConfigMaps deleted;
// compat A30 --dry-run=server with training flags works although the webhook GETs tuning.config;
// compat R20a deploy --from-tuning of an r=32 adapter sets vllm max-lora-rank 32.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const tuneArgs = (name: string, extra: string[] = []) => [
  'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', datasetUrl(sb),
  '--output-image', 'registry.kaito-sandbox.test/adapters/' + name + ':1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', ...extra,
];
const cmNames = async (ws: string) => (await kubectl('get', 'configmaps', '-l', `kaito.sh/workspace=${ws}`, '-o', 'jsonpath={.items[*].metadata.name}')).split(/\s+/).filter(Boolean);

describe('training config re-runs, server dry runs, max-lora-rank', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
  });

  it('tune --dry-run=server --epochs 2 exits 0, says why, and leaves no objects', async () => {
    const r = await kaito([...tuneArgs('dry2', ['--epochs', '2']), '--dry-run=server'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/does not exist yet/);
    await expect(kubectl('get', 'workspace', 'dry2')).rejects.toThrow(/NotFound|not found/);
    expect(await cmNames('dry2')).toEqual([]);
  });

  it('new training flags: a new ConfigMap, "Kaito re-runs tuning", a new Job revision, the old ConfigMap deleted', async () => {
    const a = await kaito([...tuneArgs('rr', ['--epochs', '1']), '--wait'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(a.code, a.stderr).toBe(0);
    const first = await cmNames('rr');
    expect(first).toHaveLength(1);
    const rev1 = await kubectl('get', 'workspace', 'rr', '-o', 'jsonpath={.metadata.annotations.workspace\\.kaito\\.io/revision}');
    const b = await kaito(tuneArgs('rr', ['--epochs', '2']), { env: sb.cliEnv });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/training config changed: Kaito re-runs tuning/);
    const second = await cmNames('rr');
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    expect(await kubectl('get', 'workspace', 'rr', '-o', 'jsonpath={.tuning.config}')).toBe(second[0]);
    const w = await kaito(['wait', 'rr', '--timeout', '2m'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(w.code, w.stderr).toBe(0);
    // issue 17 item 10: waiting again on a finished workspace says so, not "succeeded after 35ms"
    const again = await kaito(['wait', 'rr', '--timeout', '2m'], { env: sb.cliEnv, timeoutMs: 150_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^rr: .* \(already; nothing to wait for\)$/m);
    expect(again.stderr).not.toMatch(/ after \d+ms/);
    const rev2 = await kubectl('get', 'workspace', 'rr', '-o', 'jsonpath={.metadata.annotations.workspace\\.kaito\\.io/revision}');
    expect(Number(rev2)).toBeGreaterThan(Number(rev1));
  });

  it('an adapter trained with --lora-r 32 is deployed with vllm max-lora-rank 32', async () => {
    const t = await kaito([...tuneArgs('r32', ['--lora-r', '32']), '--wait'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(t.code, t.stderr).toBe(0);
    const d = await kaito(['deploy', '--from-tuning', 'r32', '--name', 'r32-serve', '--instance-type', 'Standard_NV36ads_A10_v5', '--dry-run=client'], { env: sb.cliEnv });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/inference_config\.yaml: \|\s+vllm:\s+max-lora-rank: 32/);
    expect(d.stdout).toMatch(/config: r32-serve-inference/);
  });
});
