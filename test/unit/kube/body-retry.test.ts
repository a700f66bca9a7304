// A GET (or an idempotent apply) whose answer breaks after the headers is asked again; other requests are not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/kube/client.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that cuts the first `cuts` answers in the middle of the body. */
async function flakyServer(cuts: number): Promise<{ kube: KubeClient; hits: () => number }> {
  let n = 0;
  server = createServer((req, res) => {
    n++;
    const body = JSON.stringify({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'default' }, pad: 'x'.repeat(4000) });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
    if (n <= cuts) {
      res.write(body.slice(0, 100));
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k3n' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return { kube: new KubeClient({ kc, contextName: 'x', namespace: 'default', server: url, source: 'test', insecure: false }, { attempts: 4 }), hits: () => n };
}

describe('KubeClient: an answer cut mid-body', () => {
  it('is asked again for a GET', async () => {
    const { kube, hits } = await flakyServer(2);
    const ns = await kube.get<{ metadata: { name: string } }>('/api/v1/namespaces/default');
    expect(ns.metadata.name).toBe('default');
    expect(hits()).toBe(3);
  });

  it('gives up after the attempts, with the error', async () => {
    const { kube, hits } = await flakyServer(10);
    await expect(kube.get('/api/v1/namespaces/default')).rejects.toThrow();
    expect(hits()).toBe(4);
  });

  it('is not repeated for a POST (it could create twice)', async () => {
    const { kube, hits } = await flakyServer(1);
    await expect(kube.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'x' } } })).rejects.toThrow();
    expect(hits()).toBe(1);
  });
});
