// The emulated inference pod loads its adapters from the sandbox registry the way Kaito does (compat G4): one
// init container `puller-<name>` per adapter image pulls it and moves its /data to /mnt/adapter/<name>. A tuned
// adapter (real image, pushed by the emulated pusher) is loaded with the r/alpha of its adapter_config.json and
// answers chat; an adapter image that is not in the registry keeps the pod in Init (the puller exits 1 and the
// kubelet backs off: CrashLoopBackOff) and `deploy --wait` fails with that cause.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { kubectlFor } from '../lifecycle/helpers.js';

const DATASET = 'https://datasets.kaito-sandbox.test/kaito-ops-messages.parquet';
let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const reg = () => `registry.kaito-sandbox.test:${sb.port}`;

type Pod = { metadata: { name: string }; spec: { initContainers?: Array<{ name: string; image: string }> }; status: { initContainerStatuses?: Array<{ name: string; restartCount: number; state: Record<string, { reason?: string; exitCode?: number; message?: string }> }> } };
const podsOf = async (ws: string) => JSON.parse(await kubectl('get', 'pods', '-n', 'default', '-l', `kaito.sh/workspace=${ws}`, '-o', 'json')).items as Pod[];

beforeAll(async () => {
  sb = await startTestSandbox({ speed: 2000 });
}, 60_000);

describe('inference adapters from the sandbox registry', () => {
  it('tune -> deploy --from-tuning: the puller init container fetches the adapter image; r/alpha come from it; chat answers as the adapter', async () => {
    const out = `${reg()}/adapters/loaded:v1`;
    const tune = await kaito(['tune', '--preset', 'phi-4-mini-instruct', '--dataset', DATASET, '--output-image', out, '--registry-username', 'u', '--registry-password-stdin',
      '--name', 'ld-tune', '--lora-r', '16', '--lora-alpha', '32', '--skip-dataset-check', '--wait'], { env: sb.cliEnv, input: 'password-1234\n', timeoutMs: 180_000 });
    expect(tune.code, tune.stderr).toBe(0);

    const deploy = await kaito(['deploy', '--from-tuning', 'ld-tune', '--name', 'ld', '--wait'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(deploy.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(deploy.code, deploy.stderr).toBe(0);

    const [pod] = await podsOf('ld');
    expect(pod!.spec.initContainers).toEqual([expect.objectContaining({ name: 'puller-ld-tune', image: 'mcr.microsoft.com/aks/skopeo:1.14.4-6' })]);
    expect(pod!.status.initContainerStatuses?.[0]).toMatchObject({ name: 'puller-ld-tune', restartCount: 0, state: { terminated: { exitCode: 0 } } });
    const pullerLog = await kubectl('logs', pod!.metadata.name, '-n', 'default', '-c', 'puller-ld-tune');
    expect(pullerLog).toContain(`skopeo copy --dest-decompress docker://${out}`);
    expect(pullerLog).toContain('mv -f /tmp/tmp.kaito/rootfs/data /mnt/adapter/ld-tune');
    const serverLog = await kubectl('logs', pod!.metadata.name, '-n', 'default', '-c', 'ld');
    expect(serverLog).toContain("Loaded new LoRA adapter: name 'ld-tune', path '/mnt/adapter/ld-tune'");
    expect(serverLog).toMatch(/adapter 'ld-tune' from .*adapters\/loaded:v1: adapter_config\.json r=16 lora_alpha=32/);

    const models = JSON.parse(await kubectl('get', '--raw', `/api/v1/namespaces/default/services/ld:80/proxy/v1/models`));
    expect(models.data.map((m: { id: string; parent: string | null }) => [m.id, m.parent])).toEqual([['phi-4-mini-instruct', null], ['ld-tune', 'phi-4-mini-instruct']]);
    const chat = await kaito(['chat', '--workspace', 'ld', 'how', 'do', 'I', 'scale?'], { env: sb.cliEnv });
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toMatch(/answering as ld-tune\b/);
  }, 400_000);

  it('an adapter image missing from the registry: the pod stays in Init (puller CrashLoopBackOff) and deploy --wait fails with that cause', async () => {
    const missing = `${reg()}/adapters/none:v1`;
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'nope', '--adapter', `gone=${missing}`, '--wait', '--timeout', '30m'], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/container puller-gone is in CrashLoopBackOff/);
    expect(r.stderr).toMatch(/manifest unknown/);

    const [pod] = await podsOf('nope');
    const st = pod!.status.initContainerStatuses?.find((c) => c.name === 'puller-gone');
    expect(st?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(st?.restartCount).toBeGreaterThan(0);
    const prev = await kubectl('logs', pod!.metadata.name, '-n', 'default', '-c', 'puller-gone', '--previous');
    expect(prev).toMatch(/level=fatal msg="Error initializing source docker:\/\/.*adapters\/none:v1: reading manifest: manifest unknown/);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'nope', '-n', 'default', '-o', 'json'));
    const ready = (ws.status.conditions as Array<{ type: string; status: string; reason: string }>).find((c) => c.type === 'InferenceReady');
    expect(ready).toMatchObject({ status: 'False', reason: 'ContainerCrashLoopBackOff' });
    expect(ws.status.state).not.toBe('Ready');
  }, 200_000);
});
