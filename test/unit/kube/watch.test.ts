// The wait loop against a fake event source: a small HTTP server on 127.0.0.1 that serves list and
// watch for workspaces, cuts streams, answers 410 and 500, and counts requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../../../src/kube/client.js';
import { waitForWorkspace } from '../../../src/kube/wait.js';
import { watchCollection } from '../../../src/kube/watch.js';

interface Fake {
  server: Server;
  kube: KubeClient;
  requests: string[];
  /** what each watch request does, in order; the last one repeats */
  watches: Array<(res: ServerResponse) => void>;
  list: () => { items: KubeObject[]; rv: string };
}

let fake: Fake | undefined;
afterEach(async () => {
  fake?.server.closeAllConnections();
  await new Promise((r) => fake?.server.close(r));
  fake = undefined;
});

const ws = (rv: string, conditions: Array<Record<string, unknown>> = [], state?: string): KubeObject => ({
  apiVersion: 'kaito.sh/v1beta1',
  kind: 'Workspace',
  metadata: { name: 'w', namespace: 'default', uid: 'u1', generation: 1, resourceVersion: rv },
  tuning: { preset: { name: 'phi-4' }, method: 'qlora' },
  status: { conditions, ...(state ? { state } : {}) },
});
const event = (type: string, object: unknown) => JSON.stringify({ type, object }) + '\n';

async function startFake(list: Fake['list'], watches: Fake['watches']): Promise<Fake> {
  const requests: string[] = [];
  let w = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.searchParams.get('watch') ? ' watch rv=' + url.searchParams.get('resourceVersion') : ''}`);
    res.setHeader('Content-Type', 'application/json');
    if (!url.pathname.includes('/workspaces')) {
      // jobs/pods/nodeclaims: empty lists, and watches that stay open
      if (url.searchParams.get('watch')) return void res.writeHead(200).flushHeaders();
      return void res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
    }
    if (url.searchParams.get('watch')) {
      const h = f.watches[Math.min(w++, f.watches.length - 1)];
      return h(res);
    }
    const l = f.list();
    res.end(JSON.stringify({ kind: 'WorkspaceList', apiVersion: 'kaito.sh/v1beta1', metadata: { resourceVersion: l.rv }, items: l.items }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'default' }],
    currentContext: 'x',
  });
  const kube = new KubeClient({ kc, contextName: 'x', namespace: 'default', server: `http://127.0.0.1:${port}`, source: 'test', insecure: false }, { attempts: 3 });
  const f: Fake = { server, kube, requests, watches, list };
  fake = f;
  return f;
}

describe('watchCollection', () => {
  it('lists, watches from the list resourceVersion, resumes after a cut and re-lists on 410', async () => {
    let listCalls = 0;
    const seen: string[] = [];
    const ac = new AbortController();
    const f = await startFake(
      () => ({ items: [ws(listCalls++ === 0 ? '10' : '30')], rv: listCalls === 1 ? '10' : '30' }),
      [
        (res) => res.end(event('MODIFIED', ws('11'))), // cut after one event
        (res) => res.end(event('ERROR', { kind: 'Status', code: 410, message: 'too old resource version' })),
        (res) => {
          res.write(event('BOOKMARK', { kind: 'Workspace', metadata: { resourceVersion: '31' } }));
          res.write(event('MODIFIED', ws('32', [], 'Succeeded')));
        },
      ],
    );
    const done = watchCollection(f.kube, {
      path: '/apis/kaito.sh/v1beta1/namespaces/default/workspaces',
      signal: ac.signal,
      onChange: (items) => {
        seen.push(items.map((i) => i.metadata.resourceVersion).join(','));
        if ((items[0]?.status as { state?: string })?.state === 'Succeeded') ac.abort();
      },
    });
    await done;
    expect(seen).toEqual(['10', '11', '30', '32']);
    const watches = f.requests.filter((r) => r.includes('watch'));
    expect(watches[0]).toContain('rv=10');
    expect(watches[1]).toContain('rv=11');
    expect(watches[2]).toContain('rv=30');
  });

  it('backs off and reconnects after a 500 on the watch', async () => {
    const ac = new AbortController();
    let n = 0;
    const f = await startFake(
      () => ({ items: [ws('5')], rv: '5' }),
      [
        (res) => res.writeHead(500).end(JSON.stringify({ kind: 'Status', code: 500, message: 'boom' })),
        (res) => res.end(event('MODIFIED', ws('6', [], 'Succeeded'))),
      ],
    );
    await watchCollection(f.kube, { path: '/apis/kaito.sh/v1beta1/namespaces/default/workspaces', signal: ac.signal, onChange: (items) => { n++; if ((items[0]?.status as { state?: string })?.state) ac.abort(); } });
    expect(n).toBe(2);
    expect(f.requests.filter((r) => r.includes('watch'))).toHaveLength(2);
  });
});

describe('waitForWorkspace', () => {
  it('ends on the decisive event without polling: one list and one watch per collection', async () => {
    const f = await startFake(
      () => ({ items: [ws('5', [{ type: 'JobStarted', status: 'True', observedGeneration: 1 }])], rv: '5' }),
      [(res) => {
        res.write(event('MODIFIED', ws('6', [{ type: 'JobStarted', status: 'True', observedGeneration: 1 }])));
        setTimeout(() => res.write(event('MODIFIED', ws('7', [{ type: 'WorkspaceSucceeded', status: 'True', observedGeneration: 1 }], 'Succeeded'))), 100);
      }],
    );
    const phases: string[] = [];
    const r = await waitForWorkspace(f.kube, { name: 'w', signal: new AbortController().signal, timeoutMs: 10_000, onPhase: (p) => phases.push(p) });
    expect(r).toMatchObject({ phase: 'succeeded', for: 'succeeded' });
    const wsReqs = f.requests.filter((q) => q.includes('/workspaces'));
    expect(wsReqs).toHaveLength(2);
    expect(f.requests).toHaveLength(8); // list + watch for workspace, job, pods, nodeclaims
  });

  it('times out with exit 5 naming the phase', async () => {
    const f = await startFake(() => ({ items: [ws('5', [{ type: 'ResourceReady', status: 'False', message: 'waiting for nodes', observedGeneration: 1 }])], rv: '5' }), [(res) => void res.writeHead(200).flushHeaders()]);
    await expect(waitForWorkspace(f.kube, { name: 'w', signal: new AbortController().signal, timeoutMs: 300 })).rejects.toMatchObject({ exitCode: 5, message: expect.stringMatching(/stuck in phase "provisioning node" \(waiting for nodes\)/) });
  });

  it('Ctrl-C rejects with exit 130', async () => {
    const f = await startFake(() => ({ items: [ws('5')], rv: '5' }), [(res) => void res.writeHead(200).flushHeaders()]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(waitForWorkspace(f.kube, { name: 'w', signal: ac.signal, timeoutMs: 10_000 })).rejects.toMatchObject({ exitCode: 130 });
  });

  it('a missing workspace is a usage error (exit 2)', async () => {
    const f = await startFake(() => ({ items: [], rv: '5' }), [(res) => void res.writeHead(200).flushHeaders()]);
    await expect(waitForWorkspace(f.kube, { name: 'w', signal: new AbortController().signal, timeoutMs: 10_000 })).rejects.toMatchObject({ exitCode: 2 });
  });
});
