// Kaito API discovery against a tiny fake API server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/kube/client.js';
import { discoverKaitoApi } from '../../../src/kube/kaito.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function clientFor(handler: (path: string) => [number, unknown]): Promise<KubeClient> {
  server = createServer((req, res) => {
    const [code, body] = handler(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k3n' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return new KubeClient({ kc, contextName: 'x', namespace: 'default', server: url, source: 'test', insecure: false }, { attempts: 1 });
}

const group = (versions: string[]) => ({ kind: 'APIGroup', name: 'kaito.sh', versions: versions.map((v) => ({ groupVersion: `kaito.sh/${v}`, version: v })) });

describe('discoverKaitoApi', () => {
  it('prefers v1beta1, falls back to v1alpha1', async () => {
    expect(await discoverKaitoApi(await clientFor(() => [200, group(['v1beta1', 'v1alpha1'])]))).toEqual({ served: ['v1beta1', 'v1alpha1'], apiVersion: 'kaito.sh/v1beta1' });
    server!.close();
    expect((await discoverKaitoApi(await clientFor(() => [200, group(['v1alpha1'])]))).apiVersion).toBe('kaito.sh/v1alpha1');
  });
  it('no kaito.sh group: Kaito is not installed, exit 1 with the fix', async () => {
    const kube = await clientFor(() => [404, { kind: 'Status', code: 404, message: 'the server could not find the requested resource' }]);
    await expect(discoverKaitoApi(kube)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/Kaito is not installed/), hint: expect.stringMatching(/enable-ai-toolchain-operator/) });
  });
  it('401 is an auth error (exit 4)', async () => {
    const kube = await clientFor(() => [401, { kind: 'Status', code: 401, message: 'Unauthorized' }]);
    await expect(discoverKaitoApi(kube)).rejects.toMatchObject({ exitCode: 4 });
  });
});
