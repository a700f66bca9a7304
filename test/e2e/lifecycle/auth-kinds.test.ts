// Issue 17 item 18: the three ways a real AKS kubeconfig authenticates, each driving the lifecycle through bin/kaito
// and kubectl: a bearer token, a client certificate (`az aks get-credentials --admin`) and an exec plugin (kubelogin
// on Entra ID clusters; the sandbox ships a small one). A certificate the CA did not sign, or an expired one, is
// exit 4 with one clear line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

describe.each([
  ['kaito-sandbox', 'token'],
  ['kaito-sandbox-cert', 'client certificate'],
  ['kaito-sandbox-exec', 'exec plugin'],
])('context %s (%s)', (context) => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 1200 });
  });

  it('kubectl and kaito: tune -> wait -> deploy --from-tuning -> chat', async () => {
    expect(await kubectl('--context', context, 'get', 'namespaces', '-o', 'name')).toMatch(/namespace\/default/);
    await kubectl('--context', context, 'create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
    const env = { ...sb.cliEnv, KAITO_CONTEXT: context };
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'auth', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/a/auth:1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait'], { env, timeoutMs: 180_000 });
    expect(t.code, t.stderr).toBe(0);
    const d = await kaito(['deploy', '--from-tuning', 'auth', '--name', 'auth-serve', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait'], { env, timeoutMs: 180_000 });
    expect(d.code, d.stderr).toBe(0);
    const c = await kaito(['chat', '--workspace', 'auth-serve', 'hello'], { env, timeoutMs: 60_000 });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.length).toBeGreaterThan(0);
    expect(await kubectl('--context', context, 'get', 'workspaces', '-o', 'name')).toMatch(/auth-serve/);
  }, 300_000);
});

describe('certificates the sandbox refuses', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });

  const withCert = (name: string, cert: { certPem: string; keyPem: string }) => {
    const kc = YAML.parse(readFileSync(sb.kubeconfigPath, 'utf8'));
    const user = kc.users.find((u: { name: string }) => u.name === 'kaito-sandbox-cert');
    user.user['client-certificate-data'] = Buffer.from(cert.certPem).toString('base64');
    user.user['client-key-data'] = Buffer.from(cert.keyPem).toString('base64');
    const f = join(sb.home, `${name}.kubeconfig`);
    writeFileSync(f, YAML.stringify(kc), { mode: 0o600 });
    return { ...sb.cliEnv, KUBECONFIG: f, KAITO_CONTEXT: 'kaito-sandbox-cert' };
  };

  it('an expired client certificate: exit 4, one line, no key material anywhere', async () => {
    const expired = await sb.issueClientCert({ notBefore: new Date(Date.now() - 2 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const env = withCert('expired', expired);
    const plain = await kaito(['list'], { env });
    expect(plain.code).toBe(4);
    expect(plain.stderr).toMatch(/^error: .*Unauthorized\n  .*\n$/);
    const r = await kaito(['list', '--debug'], { env });
    expect(r.code).toBe(4);
    const b64key = Buffer.from(expired.keyPem).toString('base64');
    expect(r.stdout + r.stderr).not.toContain(expired.keyPem.split('\n')[1]);
    expect(r.stdout + r.stderr).not.toContain(b64key.slice(0, 40));
  });

  it('a certificate from another CA: exit 4', async () => {
    const other = await startTestSandbox();
    const foreign = await other.issueClientCert();
    const r = await kaito(['list'], { env: withCert('foreign', foreign) });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Unauthorized/);
  });
});
