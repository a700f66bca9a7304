// Secrets: distinct values are planted (registry password and HF token on stdin, the proxy API key on stdin,
// the kubeconfig bearer token, a client key in the kubeconfig, the Azure federated token) and every output
// of tune, deploy, nodepool add, chat and proxy (with --debug) plus every file the CLI wrote (kaito.yaml
// from `kaito init`, anything under HOME and the working directory) is searched for them, raw and base64.
// Files holding credentials that the CLI writes (`kaito sandbox start`: kubeconfig, env, federated token)
// must be 0600.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki } from '../../src/sandbox/certs.js';
import { plant, secretHits } from './campaign.js';
import { runKaito, startKaito, type ProcResult } from './proc.js';
import { startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

let sb: CampaignSandbox;
let cwd: string;
let env: NodeJS.ProcessEnv;
let clientKey: string;
const planted = plant();
const outputs: Array<{ what: string; text: string }> = [];

function keep(what: string, r: ProcResult): ProcResult {
  outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
  return r;
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe('secrets never leave the process', () => {
  beforeAll(async () => {
    sb = await startCampaignSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'kaito-sec-'));
    // the same user with a client certificate and key as well as the token (the token authenticates)
    const pki = await createPki(['kaito-client']);
    clientKey = pki.keyPem;
    const kc = YAML.parse(readFileSync(sb.kubeconfigPath, 'utf8'));
    kc.users[0].user['client-certificate-data'] = Buffer.from(pki.certPem).toString('base64');
    kc.users[0].user['client-key-data'] = Buffer.from(pki.keyPem).toString('base64');
    const kcPath = join(cwd, 'kubeconfig-with-client-key');
    writeFileSync(kcPath, YAML.stringify(kc), { mode: 0o600 });
    env = { ...sb.cliEnv, KUBECONFIG: kcPath };
  }, 60_000);
  afterAll(async () => {
    await sb?.dispose();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('tune, deploy, nodepool add, chat and proxy with --debug print none of them', async () => {
    const ds = `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`;
    const o = { env, cwd, deadlineMs: 60_000 };
    const tune = keep('tune', await runKaito(['tune', '--preset', 'phi-4-mini-instruct', '--name', 'sec-tune', '--dataset', ds, '--output-image', 'registry.kaito-sandbox.test/a/sec:1', '--registry-username', 'robot', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait', '--debug'], { ...o, input: planted.registryPassword + '\n' }));
    expect(tune.code, tune.stderr).toBe(0);
    expect(tune.stderr).toMatch(/^debug: /m);
    const dep = keep('deploy', await runKaito(['deploy', '--preset', 'llama-3.1-8b-instruct', '--name', 'sec-dep', '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin', '--wait', '--debug', '-o', 'yaml'], { ...o, input: planted.hfToken + '\n' }));
    expect(dep.code, dep.stderr).toBe(0);
    const np = keep('nodepool add', await runKaito(['nodepool', 'add', 'secpool', '--instance-type', 'Standard_NV36ads_A10_v5', '--debug'], o));
    expect(np.code, np.stderr).toBe(0);
    const chat = keep('chat', await runKaito(['chat', '--workspace', 'sec-dep', '--debug', '-o', 'json', 'hello'], o));
    expect(chat.code, chat.stderr).toBe(0);
    const p = startKaito(['proxy', 'sec-dep', '--port', '0', '--api-key', '-', '--debug'], { ...o, input: planted.proxyApiKey + '\n' });
    const url = (await p.waitFor('stdout', /^(http:\/\/127\.0\.0\.1:\d+\/v1)$/m))?.[1];
    expect(url).toBeDefined();
    const ok = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${planted.proxyApiKey}` } });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${url}/models`, { headers: { authorization: 'Bearer wrong-key-0000' } });
    expect(bad.status).toBe(401);
    outputs.push({ what: 'proxy 401 body', text: await bad.text() });
    p.child.kill('SIGINT');
    const pr = keep('proxy', await p.done);
    expect(pr.code, pr.stderr).toBe(0);
    // the secrets were really in use: the Secrets exist in the cluster
    expect(sb.ctx.store.get('/secrets', 'default', 'sec-tune-push')).toBeDefined();
    expect(sb.ctx.store.get('/secrets', 'default', 'sec-dep-hf-token')).toBeDefined();
    // bad input with a secret on stdin, with --debug
    keep('tune bad', await runKaito(['tune', '--preset', 'mistral-7b-instruct', '--dataset', ds, '--output-image', 'r.example/a:1', '--registry-username', 'u', '--registry-password-stdin', '--instance-type', 'Standard_NV36ads_A10_v5', '--debug'], { ...o, input: planted.registryPassword + '\n' }));
    const secrets = [planted.registryPassword, planted.hfToken, planted.proxyApiKey, ...sb.sandboxSecrets];
    expect(secretHits(outputs.map((x) => x.text), secrets)).toEqual([]);
    // the client key: its PEM body lines
    const keyBody = clientKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(outputs.filter((x) => keyBody.some((l) => x.text.includes(l))).map((x) => x.what)).toEqual([]);
  }, 170_000);

  it('kaito init writes kaito.yaml without any secret, and no file the CLI wrote holds one', async () => {
    const r = keep('init', await runKaito(['init', '--no-input', '--preset', 'phi-4-mini-instruct', '--dataset', `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`, '--skip-dataset-check', '--output-image', 'registry.kaito-sandbox.test/a/x:1', '--push-secret', 'sec-tune-push', '--instance-type', 'Standard_NV36ads_A10_v5', '--subscription', sb.env.AZURE_SUBSCRIPTION_ID, '--resource-group', sb.env.KAITO_RESOURCE_GROUP, '--cluster', sb.env.KAITO_CLUSTER], { env, cwd, deadlineMs: 60_000 }));
    expect(r.code, r.stderr).toBe(0);
    const yaml = readFileSync(join(cwd, 'kaito.yaml'), 'utf8');
    expect(yaml).toMatch(/phi-4-mini-instruct/);
    const secrets = [planted.registryPassword, planted.hfToken, planted.proxyApiKey, ...sb.sandboxSecrets];
    const written = [...filesUnder(cwd).filter((f) => !f.endsWith('kubeconfig-with-client-key')), ...filesUnder(sb.home)];
    const texts = written.map((f) => readFileSync(f, 'latin1'));
    expect(secretHits(texts, secrets)).toEqual([]);
  }, 90_000);

  it('`kaito sandbox start` writes its kubeconfig, env and federated token 0600', async () => {
    const dir = join(cwd, 'state');
    const p = startKaito(['sandbox', 'start', '--port', '0', '--state-dir', dir], { env: { ...env, KUBECONFIG: '' }, deadlineMs: 60_000 });
    try {
      expect(await p.waitFor('stderr', /sandbox running at/)).toBeDefined();
      const envFile = readFileSync(join(dir, 'env'), 'utf8');
      const fed = /AZURE_FEDERATED_TOKEN_FILE=(.+)/.exec(envFile)?.[1];
      for (const f of [join(dir, 'kubeconfig'), join(dir, 'env'), fed!]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      const token = YAML.parse(readFileSync(join(dir, 'kubeconfig'), 'utf8')).users[0].user.token as string;
      expect(secretHits([p.stdout(), p.stderr()], [token, readFileSync(fed!, 'utf8').trim()])).toEqual([]);
    } finally {
      p.child.kill('SIGINT');
      const r = await p.done;
      expect(r.code).toBe(0);
    }
  }, 90_000);
});
