// The sandbox's OCI registry (registry.kaito-sandbox.test, ACR-style token exchange) end to end through the built CLI:
// local file -> `kaito tune --dataset ./file` (pushed there) -> the emulated puller reads the image's /data -> the
// emulated pusher pushes a real adapter image -> `kaito adapter inspect|pull` fetch it, with the run's LoRA r/alpha.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../../src/paths.js';
import { baseEnv, kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { kubectlFor } from '../lifecycle/helpers.js';

const SAMPLE = join(datasetsDir(), 'kaito-ops-prompt-completion.jsonl');
let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const reg = () => `registry.kaito-sandbox.test:${sb.port}`;

beforeAll(async () => {
  sb = await startTestSandbox({ speed: 2000 });
}, 60_000);

/** POST a form over HTTPS to the sandbox (its CA; a sandbox host name resolved to 127.0.0.1), the JSON answer. */
function postForm(url: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const u = new URL(url);
  const data = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: u.port, path: u.pathname, method: 'POST', servername: u.hostname, ca: readFileSync(sb.env.NODE_EXTRA_CA_CERTS!), headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as Record<string, string> }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('the sandbox registry', () => {
  it("the docker config's identitytoken (what `az acr login` writes) is exchanged for an access token; a stale one fails clearly", async () => {
    // what az acr login does: an Entra token (here the sandbox's workload identity), exchanged at /oauth2/exchange for
    // the registry's refresh token, which it stores as auths[registry].identitytoken
    const entra = await postForm(`${sb.env.AZURE_AUTHORITY_HOST}/${sb.env.AZURE_TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: sb.env.AZURE_CLIENT_ID!,
      scope: 'https://containerregistry.azure.net/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: readFileSync(sb.env.AZURE_FEDERATED_TOKEN_FILE!, 'utf8').trim(),
    });
    expect(entra.status, JSON.stringify(entra.body)).toBe(200);
    const exchanged = await postForm(`https://${reg()}/oauth2/exchange`, { grant_type: 'access_token', service: 'registry.kaito-sandbox.test', tenant: sb.env.AZURE_TENANT_ID!, access_token: entra.body.access_token! });
    expect(exchanged.status).toBe(200);
    const identitytoken = exchanged.body.refresh_token!;
    const docker = join(sb.home, 'docker-idtok');
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { [reg()]: { identitytoken } } }));
    // no Entra settings at all: the docker config is the only credential there is
    const { AZURE_CLIENT_ID: _a, AZURE_TENANT_ID: _t, AZURE_FEDERATED_TOKEN_FILE: _f, AZURE_AUTHORITY_HOST: _h, AZURE_TOKEN_CREDENTIALS: _c, ...rest } = sb.cliEnv;
    const env = baseEnv({ ...rest, KAITO_ACR_HOSTS: '', DOCKER_CONFIG: docker });
    const r = await kaito(['dataset', 'push', SAMPLE, `${reg()}/data/idtok:v1`, '--debug'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^registry\\.kaito-sandbox\\.test:${sb.port}/data/idtok@sha256:[a-f0-9]{64}\\n$`));
    expect(r.stderr).toMatch(/POST https:\/\/registry\.kaito-sandbox\.test:\d+\/oauth2\/token -> 200/);
    expect(r.stdout + r.stderr).not.toContain(identitytoken);
    // a token the registry does not know (expired, revoked): exit 4, one line naming the registry, never the token
    writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { [reg()]: { identitytoken: 'stale-' + identitytoken } } }));
    const stale = await kaito(['dataset', 'push', SAMPLE, `${reg()}/data/idtok:v2`], { env });
    expect(stale.code).toBe(4);
    expect(stale.stderr).toMatch(/^error: registry registry\.kaito-sandbox\.test:\d+ refused the credentials from .*config\.json for data\/idtok \(401\)$/m);
    expect(stale.stderr).toMatch(/identity token has expired or was revoked: log in again \(`az acr login -n registry` for ACR/);
    expect(stale.stdout + stale.stderr).not.toContain(identitytoken);
  });

  it('dataset push with the CLI\'s Entra credential (exchanged like az acr login); anonymous is refused', async () => {
    const r = await kaito(['dataset', 'push', SAMPLE, `${reg()}/data/ops:v1`, '--debug'], { env: sb.cliEnv });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^registry\\.kaito-sandbox\\.test:${sb.port}/data/ops@sha256:[a-f0-9]{64}\\n$`));
    expect(r.stderr).toMatch(/credentials from Entra/);
    expect(r.stderr).toMatch(/POST https:\/\/registry\.kaito-sandbox\.test:\d+\/oauth2\/exchange -> 200/);
    // without the sandbox's Entra settings the CLI has no credential: 401 -> exit 4
    const { AZURE_CLIENT_ID: _a, AZURE_TENANT_ID: _t, AZURE_FEDERATED_TOKEN_FILE: _f, AZURE_AUTHORITY_HOST: _h, AZURE_TOKEN_CREDENTIALS: _c, ...rest } = sb.cliEnv;
    const anon = await kaito(['dataset', 'push', SAMPLE, `${reg()}/data/ops:v2`], { env: baseEnv({ ...rest, KAITO_ACR_HOSTS: '' }) });
    expect(anon.code).toBe(4);
    expect(anon.stderr).toMatch(/refused anonymous access for data\/ops \(401\)/);
  });

  it('local file -> tune -> the puller reads it -> the pusher pushes an adapter image -> adapter inspect and pull', async () => {
    const out = `${reg()}/adapters/phi3:v1`;
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--name', 'sbx-reg', '--dataset', SAMPLE, '--output-image', out,
      '--registry-username', 'demo', '--registry-password-stdin', '--lora-r', '16', '--lora-alpha', '32', '--epochs', '1', '--wait', '--timeout', '10m', '--debug'], { env: sb.cliEnv, input: 'sandbox-password', timeoutMs: 180_000 });
    expect(t.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout + t.stderr).not.toContain('sandbox-password');
    expect(t.stderr).toMatch(/pushed .*kaito-ops-prompt-completion\.jsonl as registry\.kaito-sandbox\.test:\d+\/adapters\/phi3-data:[a-f0-9]{12}/);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'sbx-reg', '-n', 'default', '-o', 'json'));
    expect(ws.tuning.input.image).toMatch(/\/adapters\/phi3-data:[a-f0-9]{12}$/);
    const pods = JSON.parse(await kubectl('get', 'pods', '-n', 'default', '-l', 'kaito.sh/workspace=sbx-reg', '-o', 'json')).items as Array<{ metadata: { name: string } }>;
    expect(pods.length).toBeGreaterThan(0);
    const puller = await kubectl('logs', pods[0]!.metadata.name, '-n', 'default', '-c', 'puller');
    expect(puller).toContain("'/data/kaito-ops-prompt-completion.jsonl' -> '/mnt/data/data/kaito-ops-prompt-completion.jsonl'");

    const i = await kaito(['adapter', 'inspect', out, '-o', 'json'], { env: sb.cliEnv });
    expect(i.code).toBe(0);
    expect(JSON.parse(i.stdout)).toMatchObject({ baseModel: 'phi-3-mini-128k-instruct', peftType: 'LORA', lora: { r: 16, alpha: 32 } });
    const dir = mkdtempSync(join(tmpdir(), 'kaito-sbx-adapter-'));
    const p = await kaito(['adapter', 'pull', out, dir], { env: sb.cliEnv });
    expect(p.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'))).toMatchObject({ r: 16, lora_alpha: 32, peft_type: 'LORA' });
  }, 200_000);

  it('a data image that is not there: the puller fails the way skopeo does and the tuning fails', async () => {
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--name', 'sbx-missing', '--dataset-image', `${reg()}/data/none:v1`,
      '--output-image', `${reg()}/adapters/none:v1`, '--registry-username', 'demo', '--registry-password-stdin', '--wait', '--timeout', '10m'], { env: sb.cliEnv, input: 'x-password', timeoutMs: 180_000 });
    expect(t.code).toBe(3);
    const pods = JSON.parse(await kubectl('get', 'pods', '-n', 'default', '-l', 'kaito.sh/workspace=sbx-missing', '-o', 'json')).items as Array<{ metadata: { name: string } }>;
    const puller = await kubectl('logs', pods[0]!.metadata.name, '-n', 'default', '-c', 'puller');
    expect(puller).toMatch(/manifest unknown/);
  }, 200_000);
});
