// `kaito init` in-process: with every flag (no terminal), its refusals, and the interactive wizard driven through
// a stdin/stderr the run treats as a terminal, with its lists coming live from the in-process sandbox.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../config/project.js';
import { inProcEnv, kaitoInProcess, sandboxDataset, sandboxRun, startInProcSandbox, tempDir } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

const SUB = '11111111-2222-3333-4444-555555555555';
const ALL = [
  '--subscription', SUB, '--resource-group', 'rg-ml', '--cluster', 'aks-gpu', '--context', 'aks-gpu', '-n', 'tuning',
  '--preset', 'phi-3-mini-128k-instruct', '--method', 'qlora',
  '--dataset', 'https://example.com/data/train.parquet',
  '--output-image', 'myacr.azurecr.io/adapters/phi3:v1', '--push-secret', 'acr-push',
  '--instance-type', 'Standard_NV36ads_A10_v5',
];
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {token: t0k3n-not-real}}]
contexts: [{name: aks-gpu, context: {cluster: c, user: u}}]
current-context: aks-gpu
`;

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir('kaito-init-');
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG, { mode: 0o600 });
  return { dir, env: inProcEnv({ KUBECONFIG: join(dir, 'kubeconfig'), KAITO_AZURE_AUTH: 'env' }) };
}

describe('kaito init --no-input (in-process)', () => {
  it('with every flag: kaito.yaml written in the run\'s directory, silently, exit 0', async () => {
    const { dir, env } = project();
    const r = await kaitoInProcess(['init', '--no-input', ...ALL], { cwd: dir, env });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '✓ wrote kaito.yaml\n' });
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8'))).toEqual({
      cluster: { subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', kubeContext: 'aks-gpu', namespace: 'tuning' },
      tune: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: ['https://example.com/data/train.parquet'], outputImage: 'myacr.azurecr.io/adapters/phi3:v1', pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
    });
  });

  it('no terminal implies --no-input: missing answers are named, exit 2, nothing written', async () => {
    const { dir, env } = project();
    const r = await kaitoInProcess(['init', '--preset', 'phi-4', '--output-image', 'myacr.azurecr.io/a:v1'], { cwd: dir, env: { ...env, AZURE_SUBSCRIPTION_ID: SUB } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe('error: kaito init cannot ask (stdin is not a terminal); pass --resource-group, --cluster, --dataset, --push-secret, --instance-type');
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });

  it('invalid flags: exit 2 listing every problem, nothing written', async () => {
    const { dir, env } = project();
    const r = await kaitoInProcess(['init', '--no-input', ...ALL, '--preset', 'llama-3.3-70b-instruct', '--push-secret', 'Bad_Name'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Bad_Name/);
    expect(r.stderr).toMatch(/llama-3\.3-70b-instruct/);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });

  it('an existing kaito.yaml is kept without --force (exit 2) and replaced with it', async () => {
    const { dir, env } = project();
    writeFileSync(join(dir, 'kaito.yaml'), 'tune:\n  preset: phi-4\n');
    const r = await kaitoInProcess(['init', '--no-input', ...ALL], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--force/);
    expect(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).toBe('tune:\n  preset: phi-4\n');
    const f = await kaitoInProcess(['init', '--no-input', '--force', ...ALL], { cwd: dir, env });
    expect(f.code, f.stderr).toBe(0);
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).tune?.preset).toBe('phi-3-mini-128k-instruct');
  });

  it('-o yaml prints the file it wrote', async () => {
    const { dir, env } = project();
    const r = await kaitoInProcess(['init', '--no-input', ...ALL, '-o', 'yaml'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, 'kaito.yaml'), 'utf8'));
  });
});

describe('kaito init in a terminal (in-process, against the sandbox)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
    sb.ctx.store.create('/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'acr-push', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } } as never);
  });

  it('offers what it finds live, checks the dataset, and writes kaito.yaml', async () => {
    const dir = tempDir('kaito-init-tty-');
    const enter = '\r';
    const r = await sandboxRun(sb, ['init'], {
      cwd: dir,
      tty: { stdin: true, stderr: true, stdout: true, columns: 120 },
      interact: async (t) => {
        await t.waitFor(/\? Azure subscription ID/);
        t.type(enter);
        await t.waitFor(/\? AKS cluster/);
        t.type(enter);
        await t.waitFor(/\? Kube context/);
        t.type(enter);
        await t.waitFor(/\? Namespace for the workspaces/);
        t.type(enter);
        await t.waitFor(/\? Model preset to tune/);
        t.type(enter);
        await t.waitFor(/\? Tuning method/);
        t.type(enter);
        await t.waitFor(/\? Dataset URL/);
        t.type(sandboxDataset(sb, 'kaito-ops-messages.jsonl') + enter);
        await t.waitFor(/\? Image to push the adapter to/, { timeoutMs: 30_000 });
        t.type('myacr.azurecr.io/adapters/phi3:v1' + enter);
        await t.waitFor(/\? docker-registry Secret that can push the image/);
        t.type(enter);
        await t.waitFor(/\? GPU VM size/);
        t.type(enter);
        await t.waitFor(/✓ wrote kaito\.yaml/);
      },
    });
    expect(r.code, r.stderr).toBe(0);
    const cfg = parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8'));
    expect(cfg.cluster).toMatchObject({ subscription: sb.env.AZURE_SUBSCRIPTION_ID, resourceGroup: sb.env.KAITO_RESOURCE_GROUP, name: sb.env.KAITO_CLUSTER });
    const screen = stripVTControlCharacters(r.stderr);
    expect(screen).toMatch(/✓ \d+ records \(messages\)/);
    expect(screen).toMatch(/Standard_NC24ads_A100_v4 +1x A100 80 GiB +fits +recommended +quota \d+\/\d+ vCPUs free/);
    expect(screen).toMatch(/^Next steps:$/m);
    expect(cfg.tune).toMatchObject({ instanceType: 'Standard_NV36ads_A10_v5', dataset: [sandboxDataset(sb, 'kaito-ops-messages.jsonl')], outputImage: 'myacr.azurecr.io/adapters/phi3:v1', pushSecret: 'acr-push' });
  });
});
