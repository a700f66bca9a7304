// The sandbox's OCI registry (registry.kaito-sandbox.test, ACR-style token exchange) end to end through the built CLI:
// local file -> `kaito tune --dataset ./file` (pushed there) -> the emulated puller reads the image's /data -> the
// emulated pusher pushes a real adapter image -> `kaito adapter inspect|pull` fetch it, with the run's LoRA r/alpha.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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

describe('the sandbox registry', () => {
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
