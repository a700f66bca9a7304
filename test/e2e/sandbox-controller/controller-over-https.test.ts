// The emulated controller and inference emulator seen through the sandbox's real HTTPS API, with the real
// @kubernetes/client-node and kubectl: a tuning run on the sandbox's own parquet dataset, an inference
// workspace answering /v1/models through the service proxy, and deletion with the finalizer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

const run = promisify(execFile);
const group = 'kaito.sh';
const version = 'v1beta1';
const plural = 'workspaces';
const namespace = 'default';

let sb: TestSandbox;
let co: k8s.CustomObjectsApi;
let core: k8s.CoreV1Api;

type Ws = { metadata: { finalizers?: string[] }; status?: { state?: string; conditions?: Array<{ type: string; status: string; reason: string; message: string }> } };

async function waitWorkspace(name: string, ok: (w: Ws) => boolean, timeoutMs = 30_000): Promise<Ws> {
  const deadline = Date.now() + timeoutMs;
  let last: Ws | undefined;
  while (Date.now() < deadline) {
    last = (await co.getNamespacedCustomObject({ group, version, namespace, plural, name })) as Ws;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`workspace ${name} did not get there: ${JSON.stringify(last?.status)}`);
}

describe('emulated Kaito over the sandbox HTTPS API', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    co = kc.makeApiClient(k8s.CustomObjectsApi);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  it('tunes on the sandbox dataset host and the trainer log shows the real record count', async () => {
    const url = `https://${sb.ctx.datasetHost}:${sb.port}/kaito-ops-prompt-completion.parquet`;
    await co.createNamespacedCustomObject({
      group, version, namespace, plural,
      body: {
        apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'tune-e2e' },
        resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: 'tune-e2e' } } },
        tuning: { preset: { name: 'phi-3-mini-128k-instruct' }, method: 'qlora', input: { urls: [url] }, output: { image: 'myacr.azurecr.io/adapter:1', imagePushSecret: 'push' } },
      },
    });
    const ws = await waitWorkspace('tune-e2e', (w) => w.status?.state === 'Succeeded' || w.status?.state === 'Failed', 60_000);
    expect(ws.status?.state).toBe('Succeeded');
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=tune-e2e' });
    const pod = pods.items[0].metadata!.name!;
    const log = await core.readNamespacedPodLog({ namespace, name: pod, container: 'tune-e2e' });
    expect(log).toContain('Num examples = 300');
    const dl = await core.readNamespacedPodLog({ namespace, name: pod, container: 'data-downloader' });
    expect(dl).toContain('Successfully downloaded');
    expect(sb.ctx.requestLog.some((e) => e.api === 'dataset' && e.path.includes('kaito-ops-prompt-completion.parquet') && e.status === 200)).toBe(true);
  });

  it('serves an inference workspace: Ready, /v1/models through the service proxy (kubectl get --raw), then delete', async () => {
    await co.createNamespacedCustomObject({
      group, version, namespace, plural,
      body: {
        apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'phi-e2e' },
        resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: 'phi-e2e' } } },
        inference: { preset: { name: 'phi-4-mini-instruct' }, adapters: [{ source: { name: 'ops', image: 'myacr.azurecr.io/ops:1' } }] },
      },
    });
    const ws = await waitWorkspace('phi-e2e', (w) => w.status?.state === 'Ready', 60_000);
    expect(ws.status?.conditions?.find((c) => c.type === 'InferenceReady')?.status).toBe('True');
    const { stdout } = await run('kubectl', ['--kubeconfig', sb.kubeconfigPath, 'get', '--raw', `/api/v1/namespaces/${namespace}/services/phi-e2e:80/proxy/v1/models`], { timeout: 30_000 });
    const models = JSON.parse(stdout) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['phi-4-mini-instruct', 'ops']);

    await co.deleteNamespacedCustomObject({ group, version, namespace, plural, name: 'phi-e2e' });
    const deadline = Date.now() + 30_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      try {
        await co.getNamespacedCustomObject({ group, version, namespace, plural, name: 'phi-e2e' });
        await new Promise((r) => setTimeout(r, 100));
      } catch (e) {
        gone = (e as { code?: number }).code === 404;
        if (!gone) throw e;
      }
    }
    expect(gone).toBe(true);
    const claims = sb.ctx.store.list('karpenter.sh/nodeclaims').items.filter((c) => c.metadata.labels?.['kaito.sh/workspace'] === 'phi-e2e');
    expect(claims).toHaveLength(0);
  });
});
