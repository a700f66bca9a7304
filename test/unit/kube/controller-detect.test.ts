// Finding the Kaito controller the way the Helm chart labels it (compat C1), against a tiny fake API server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/kube/client.js';
import { findKaitoController, kaitoVersionAtLeast } from '../../../src/kube/kaito.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

type Handler = (path: string, query: URLSearchParams) => [number, unknown];
const seen: string[] = [];

async function clientFor(handler: Handler): Promise<KubeClient> {
  seen.length = 0;
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    seen.push(`${u.pathname}${u.search}`);
    const [code, body] = handler(u.pathname, u.searchParams);
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k3n' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  return new KubeClient({ kc, contextName: 'x', namespace: 'default', server: url, source: 'test', insecure: false }, { attempts: 1 });
}

const dep = (ns: string, name: string, tag: string, args: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/name': 'workspace', 'app.kubernetes.io/instance': name } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'manager', image: `mcr.microsoft.com/aks/kaito/workspace:${tag}`, args }] } } },
  status: { readyReplicas: 1 },
});
const list = (...items: unknown[]) => ({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items });
const notFound = { kind: 'Status', code: 404, message: 'not found' };
const forbidden = { kind: 'Status', code: 403, reason: 'Forbidden', message: 'deployments.apps is forbidden' };

describe('findKaitoController (compat C1)', () => {
  it('Helm release `workspace` in kaito-system with --node-provisioner=byo is BYO, found by label', async () => {
    const kube = await clientFor((path, q) => {
      if (path === '/apis/apps/v1/deployments' && q.get('labelSelector') === 'app.kubernetes.io/name=workspace')
        return [200, list(dep('kaito-system', 'workspace', '0.12.0', ['--feature-gates=vLLM=true', '--node-provisioner=byo']))];
      return [404, notFound];
    });
    expect(await findKaitoController(kube)).toMatchObject({ namespace: 'kaito-system', name: 'workspace', version: '0.12.0', provisioner: 'byo', mode: 'byo', modeSource: '--node-provisioner=byo' });
    expect(seen[0]).toMatch(/labelSelector=app.kubernetes.io%2Fname%3Dworkspace/);
  });

  it('reads karpenter and azure-gpu-provisioner from --node-provisioner; v0.10 BYO from the feature gate', async () => {
    let items: unknown[] = [];
    const kube = await clientFor((path) => (path === '/apis/apps/v1/deployments' ? [200, list(...items)] : [404, notFound]));
    items = [dep('kaito-system', 'kaito-workspace', '0.12.0', ['--node-provisioner=karpenter', '--karpenter-node-classes=[]'])];
    expect(await findKaitoController(kube)).toMatchObject({ provisioner: 'karpenter', mode: 'nap', version: '0.12.0' });
    items = [dep('kube-system', 'kaito-workspace', '0.11.0', ['--feature-gates=vLLM=true', '--node-provisioner=azure-gpu-provisioner'])];
    expect(await findKaitoController(kube)).toMatchObject({ provisioner: 'azure-gpu-provisioner', mode: 'nap', version: '0.11.0' });
    items = [dep('kube-system', 'kaito-workspace', '0.10.0', ['--feature-gates=vLLM=true,disableNodeAutoProvisioning=true'])];
    expect(await findKaitoController(kube)).toMatchObject({ provisioner: 'byo', mode: 'byo', version: '0.10.0' });
    items = [dep('kube-system', 'kaito-workspace', '0.6.0', ['--feature-gates=vLLM=true'])];
    expect(await findKaitoController(kube)).toMatchObject({ provisioner: 'azure-gpu-provisioner', mode: 'nap', version: '0.6.0' });
    items = [];
    expect(await findKaitoController(kube)).toBeUndefined();
  });

  it('listing forbidden: falls back to the known names', async () => {
    const kube = await clientFor((path) => {
      if (path === '/apis/apps/v1/deployments') return [403, forbidden];
      if (path === '/apis/apps/v1/namespaces/kaito-system/deployments/workspace') return [200, dep('kaito-system', 'workspace', '0.11.0', ['--node-provisioner=byo'])];
      if (path.startsWith('/apis/apps/v1/namespaces/')) return [404, notFound];
      return [404, notFound];
    });
    expect(await findKaitoController(kube)).toMatchObject({ namespace: 'kaito-system', name: 'workspace', provisioner: 'byo', version: '0.11.0' });
  });

  it('kaitoVersionAtLeast', () => {
    expect(kaitoVersionAtLeast('0.12.0', '0.11')).toBe(true);
    expect(kaitoVersionAtLeast('0.10.0', '0.11')).toBe(false);
    expect(kaitoVersionAtLeast('v0.8.1', '0.8')).toBe(true);
    expect(kaitoVersionAtLeast(undefined, '0.8')).toBe(false);
    expect(kaitoVersionAtLeast('latest', '0.8')).toBe(false);
  });
});
