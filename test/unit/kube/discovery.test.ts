// Kaito API discovery against a tiny fake API server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/kube/client.js';
import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverKaitoApi, DISCOVERY_TTL_MS } from '../../../src/kube/kaito.js';
import { KubeApiError } from '../../../src/kube/errors.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function clientFor(handler: (path: string) => [number, unknown], cacheDir?: string): Promise<KubeClient> {
  server = createServer((req, res) => {
    const [code, body] = handler(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k3n' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return new KubeClient({ kc, contextName: 'x', namespace: 'default', server: url, source: 'test', insecure: false }, { attempts: 1, cacheDir });
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

describe('the discovery cache (issue 16: like kubectl, 6 h on disk per server)', () => {
  it('the second command asks nothing; a stale entry is asked again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-disc-'));
    const seen: string[] = [];
    const handler = (p: string): [number, unknown] => {
      seen.push(p);
      return p === '/apis/kaito.sh' ? [200, group(['v1beta1', 'v1alpha1'])] : [404, {}];
    };
    const first = await clientFor(handler, dir);
    expect((await discoverKaitoApi(first)).apiVersion).toBe('kaito.sh/v1beta1');
    expect(seen).toEqual(['/apis/kaito.sh']);
    const second = new KubeClient({ kc: first.kc, contextName: 'x', namespace: 'default', server: first.server, source: 'test', insecure: false }, { attempts: 1, cacheDir: dir });
    expect(await discoverKaitoApi(second)).toEqual({ served: ['v1beta1', 'v1alpha1'], apiVersion: 'kaito.sh/v1beta1' });
    expect(seen).toEqual(['/apis/kaito.sh']);
    expect(second.requestCount).toBe(0);
    // older than the TTL: asked again
    const file = join(dir, 'discovery', readdirSync(join(dir, 'discovery'))[0]);
    const old = (Date.now() - DISCOVERY_TTL_MS - 60_000) / 1000;
    utimesSync(file, old, old);
    await discoverKaitoApi(second);
    expect(seen).toEqual(['/apis/kaito.sh', '/apis/kaito.sh']);
  });

  it('a kaito.sh path that is not served drops the entry and says Kaito is not installed in the same command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-disc-'));
    let installed = true;
    const seen: string[] = [];
    const unserved = { kind: 'Status', code: 404, message: 'the server could not find the requested resource' };
    const first = await clientFor((p) => {
      seen.push(p);
      if (p === '/apis/kaito.sh') return installed ? [200, group(['v1beta1'])] : [404, unserved];
      if (p.startsWith('/apis/kaito.sh/')) return installed ? [404, { kind: 'Status', code: 404, reason: 'NotFound', details: { name: 'ws', group: 'kaito.sh', kind: 'workspaces' } }] : [404, unserved];
      return [404, {}];
    }, dir);
    const next = () => new KubeClient({ kc: first.kc, contextName: 'x', namespace: 'default', server: first.server, source: 'test', insecure: false }, { attempts: 1, cacheDir: dir });
    const path = '/apis/kaito.sh/v1beta1/namespaces/default/workspaces/ws';
    await discoverKaitoApi(first);
    // a missing workspace (a 404 about a named object) keeps the entry
    const second = next();
    await discoverKaitoApi(second);
    await expect(second.get(path)).rejects.toBeInstanceOf(KubeApiError);
    expect(readdirSync(join(dir, 'discovery'))).toHaveLength(1);
    expect(seen).toEqual(['/apis/kaito.sh', path]);
    // Kaito uninstalled meanwhile: the cached answer is used, the path is not served, discovery is asked again
    installed = false;
    const third = next();
    await discoverKaitoApi(third);
    await expect(third.get(path)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/Kaito is not installed/) });
    expect(seen).toEqual(['/apis/kaito.sh', path, path, '/apis/kaito.sh']);
    expect(readdirSync(join(dir, 'discovery'))).toHaveLength(0);
  });
});
