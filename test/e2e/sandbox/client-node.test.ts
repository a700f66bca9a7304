// The real @kubernetes/client-node against the sandbox over HTTPS: CRUD with Status errors, 409 on a
// stale resourceVersion, server-side apply with managedFields conflicts, watch from a resourceVersion
// with bookmarks and resume after 410 Gone, server-side Table output, v1alpha1 served as v1beta1,
// pod logs and port-forward to the inference emulator.
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo, type Server } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

let sb: TestSandbox;
let kc: k8s.KubeConfig;
let co: k8s.CustomObjectsApi;
let core: k8s.CoreV1Api;
const group = 'kaito.sh';
const version = 'v1beta1';
const plural = 'workspaces';
const namespace = 'default';

const inferenceWs = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kaito.sh/v1beta1',
  kind: 'Workspace',
  metadata: { name, labels: { team: 'a' } },
  resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: name } } },
  inference: { preset: { name: 'phi-4-mini-instruct' } },
  ...extra,
});

const statusOf = (e: unknown) => {
  const err = e as { code?: number; body?: string };
  return { code: err.code, body: JSON.parse(err.body ?? '{}') as { kind: string; reason: string; message: string; details?: { causes?: Array<{ field: string }> } } };
};

async function expectApiError(p: Promise<unknown>): Promise<ReturnType<typeof statusOf>> {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error('expected the call to fail');
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; Date.now() < deadline && i < 1000; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('@kubernetes/client-node against the sandbox', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(sb.kubeconfigPath);
    co = kc.makeApiClient(k8s.CustomObjectsApi);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  it('rejects a wrong bearer token with a 401 Status', async () => {
    const bad = new k8s.KubeConfig();
    bad.loadFromString(JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: sb.url, 'certificate-authority-data': Buffer.from(sb.caPem).toString('base64') } }],
      users: [{ name: 'u', user: { token: 'not-the-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }));
    const s = await expectApiError(bad.makeApiClient(k8s.CoreV1Api).listNamespace()).catch(() => statusOf({}));
    expect(s.code).toBe(401);
    // the body is a Status, as the real API server sends it
    const raw = await new Promise<{ code?: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(new URL('/api/v1/namespaces', sb.url), { ca: sb.caPem }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ code: res.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(raw.code).toBe(401);
    expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('creates, gets, lists with selectors and pages, updates with 409 on a stale version, deletes', async () => {
    for (const n of ['cm-a', 'cm-b', 'cm-c']) await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: n, labels: { set: 'x', n } }, data: { k: n } } });
    const dup = await expectApiError(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm-a' } } }));
    expect(dup.code).toBe(409);
    expect(dup.body.reason).toBe('AlreadyExists');
    const sel = await core.listNamespacedConfigMap({ namespace, labelSelector: 'set=x,n in (cm-a,cm-c)' });
    expect(sel.items.map((c) => c.metadata?.name)).toEqual(['cm-a', 'cm-c']);
    const byName = await core.listNamespacedConfigMap({ namespace, fieldSelector: 'metadata.name=cm-b' });
    expect(byName.items.map((c) => c.metadata?.name)).toEqual(['cm-b']);
    const p1 = await core.listNamespacedConfigMap({ namespace, labelSelector: 'set=x', limit: 2 });
    expect(p1.items).toHaveLength(2);
    expect(p1.metadata?._continue).toBeTruthy();
    const p2 = await core.listNamespacedConfigMap({ namespace, labelSelector: 'set=x', limit: 2, _continue: p1.metadata?._continue });
    expect(p2.items.map((c) => c.metadata?.name)).toEqual(['cm-c']);
    expect(p2.metadata?._continue).toBeFalsy();

    const cur = await core.readNamespacedConfigMap({ name: 'cm-a', namespace });
    const updated = await core.replaceNamespacedConfigMap({ name: 'cm-a', namespace, body: { ...cur, data: { k: 'v2' } } });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(cur.metadata?.resourceVersion));
    const stale = await expectApiError(core.replaceNamespacedConfigMap({ name: 'cm-a', namespace, body: { ...cur, data: { k: 'v3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');

    const dry = await core.deleteNamespacedConfigMap({ name: 'cm-b', namespace, dryRun: 'All' });
    expect(dry).toBeTruthy();
    expect((await core.readNamespacedConfigMap({ name: 'cm-b', namespace })).data).toEqual({ k: 'cm-b' });
    await core.deleteNamespacedConfigMap({ name: 'cm-b', namespace });
    const gone = await expectApiError(core.readNamespacedConfigMap({ name: 'cm-b', namespace }));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "cm-b" not found' });
  });

  it('validates Workspaces (422 with causes), prunes unknown fields and keeps preset immutable', async () => {
    const bad = await expectApiError(co.createNamespacedCustomObject({ group, version, namespace, plural, body: inferenceWs('Bad_Name', { tuning: { method: 'qlora' } }) }));
    expect(bad.code).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    const fields = bad.body.details?.causes?.map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'spec', 'tuning.preset.name', 'tuning.input', 'tuning.output']));

    const created = (await co.createNamespacedCustomObject({ group, version, namespace, plural, body: { ...inferenceWs('pruned'), resource: { ...inferenceWs('pruned').resource, gpus: 4 } } })) as { resource: Record<string, unknown> };
    expect(created.resource).not.toHaveProperty('gpus');

    const patched = await expectApiError(
      co.patchNamespacedCustomObject({ group, version, namespace, plural, name: 'pruned', body: { inference: { preset: { name: 'mistral-7b' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)),
    );
    expect(patched.code).toBe(422);
    expect(patched.body.message).toMatch(/inference\.preset\.name: field is immutable/);
  });

  it('serves v1alpha1 objects as v1beta1 and back', async () => {
    await co.createNamespacedCustomObject({ group, version: 'v1alpha1', namespace, plural, body: { ...inferenceWs('alpha'), apiVersion: 'kaito.sh/v1alpha1' } });
    const beta = (await co.getNamespacedCustomObject({ group, version, namespace, plural, name: 'alpha' })) as { apiVersion: string };
    expect(beta.apiVersion).toBe('kaito.sh/v1beta1');
    const alpha = (await co.listNamespacedCustomObject({ group, version: 'v1alpha1', namespace, plural })) as { apiVersion: string; items: Array<{ apiVersion: string }> };
    expect(alpha.items[0].apiVersion).toBe('kaito.sh/v1alpha1');
  });

  it('server-side apply: creates, tracks managers, reports conflicts, force takes over, dropped fields go', async () => {
    const apply = (body: object, fieldManager: string, force = false) =>
      co.patchNamespacedCustomObject({ group, version, namespace, plural, name: 'ssa', body, fieldManager, force }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply));
    const first = (await apply({ ...inferenceWs('ssa'), metadata: { name: 'ssa', labels: { owner: 'cli', extra: 'yes' } } }, 'kaito-cli')) as { metadata: { managedFields: Array<{ manager: string; operation: string }> } };
    expect(first.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: 'kaito-cli', operation: 'Apply' }));

    const conflict = await expectApiError(apply({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'ssa', labels: { owner: 'someone-else' } } }, 'other'));
    expect(conflict.code).toBe(409);
    expect(conflict.body.message).toMatch(/conflict with "kaito-cli".*\.metadata\.labels\.owner/);

    const forced = (await apply({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'ssa', labels: { owner: 'someone-else' } } }, 'other', true)) as { metadata: { labels: Record<string, string> } };
    expect(forced.metadata.labels.owner).toBe('someone-else');

    // kaito-cli re-applies without the `extra` label: it is removed; `owner` now belongs to `other`
    const again = (await apply({ ...inferenceWs('ssa'), metadata: { name: 'ssa', labels: {} } }, 'kaito-cli')) as { metadata: { labels?: Record<string, string> } };
    expect(again.metadata.labels).toEqual({ owner: 'someone-else' });
  });

  it('watches from a resourceVersion with bookmarks and resumes with a fresh list after 410 Gone', async () => {
    const list = await core.listNamespacedConfigMap({ namespace });
    const rv = list.metadata!.resourceVersion!;
    const seen: string[] = [];
    const w = new k8s.Watch(kc);
    const ac = await w.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: rv, allowWatchBookmarks: true }, (type, obj) => {
      if (type !== 'BOOKMARK') seen.push(`${type} ${obj.metadata.name}`);
    }, () => {});
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w1' } } });
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace });
    await until('the watch events', async () => (seen.length >= 2 ? true : undefined));
    expect(seen).toEqual(['ADDED w1', 'DELETED w1']);
    ac.abort();

    // history compacted: resuming from the old version is 410 Gone (an ERROR event), and a fresh list works
    sb.ctx.store.compact();
    const events: Array<{ type: string; code?: number }> = [];
    let ended = false;
    await w.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: rv }, (type, obj) => events.push({ type, code: obj?.code }), () => (ended = true));
    await until('the 410 event', async () => (ended ? true : undefined));
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
    const fresh = await core.listNamespacedConfigMap({ namespace });
    const after: string[] = [];
    const ac2 = await w.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: fresh.metadata!.resourceVersion }, (type, obj) => after.push(`${type} ${obj.metadata.name}`), () => {});
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w2' } } });
    await until('the resumed watch event', async () => (after.length ? true : undefined));
    expect(after).toEqual(['ADDED w2']);
    ac2.abort();
  });

  it('answers Table requests with Kaito printer columns', async () => {
    const opts = k8s.setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    const t = (await co.listNamespacedCustomObject({ group, version, namespace, plural }, opts)) as { kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
    expect(t.kind).toBe('Table');
    expect(t.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Instance', 'ResourceReady', 'InferenceReady', 'JobStarted', 'WorkspaceSucceeded', 'TargetNodeCount', 'State', 'Age']);
    expect(t.rows.map((r) => r.cells[0])).toEqual(expect.arrayContaining(['pruned', 'alpha', 'ssa']));
  });

  it('reads pod logs and port-forwards to the inference emulator', async () => {
    const pod = await until('pruned-0 to be ready', async () => {
      const p = await core.readNamespacedPod({ name: 'pruned-0', namespace }).catch(() => undefined);
      return p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    }, 60_000);
    const container = pod.spec!.containers[0].name;
    const log = await core.readNamespacedPodLog({ name: 'pruned-0', namespace, container, tailLines: 5 });
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(0);
    expect(log.split('\n').filter(Boolean).length).toBeLessThanOrEqual(5);

    const pf = new k8s.PortForward(kc);
    const server: Server = createServer((socket) => {
      void pf.portForward(namespace, 'pruned-0', [5000], socket, null, socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: Array<{ id: string }> };
      expect(body.data[0].id).toBe('phi-4-mini-instruct');
    } finally {
      server.close();
    }
  });
});
