// `kaito init` as CI runs it: the built binary, no terminal. All flags: the file is written silently.
// Missing answers: exit 2 naming the flags, nothing written.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/config/project.js';
import { baseEnv, kaito } from '../../support/cli.js';

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
  const dir = mkdtempSync(join(tmpdir(), 'kaito-ci-'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG, { mode: 0o600 });
  return { dir, env: baseEnv({ HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'kubeconfig'), KAITO_AZURE_AUTH: 'env' }) };
}

describe('kaito init --no-input (built binary)', () => {
  it('with every flag writes kaito.yaml silently and exits 0', async () => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', ...ALL], { cwd: dir, env });
    expect(r.stderr).toBe('✓ wrote kaito.yaml\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8'))).toEqual({
      cluster: { subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', kubeContext: 'aks-gpu', namespace: 'tuning' },
      tune: {
        preset: 'phi-3-mini-128k-instruct',
        method: 'qlora',
        dataset: ['https://example.com/data/train.parquet'],
        outputImage: 'myacr.azurecr.io/adapters/phi3:v1',
        pushSecret: 'acr-push',
        instanceType: 'Standard_NV36ads_A10_v5',
      },
    });
  });

  it('a pipe instead of a terminal, or CI, implies --no-input', async () => {
    const { dir, env } = project();
    const piped = await kaito(['init'], { cwd: dir, env });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/^error: kaito init cannot ask \(stdin is not a terminal\); pass --subscription, --resource-group, --cluster, --preset, --dataset, --output-image, --instance-type\n/);
    const ci = await kaito(['init'], { cwd: dir, env: { ...env, CI: 'true' } });
    expect(ci.code).toBe(2);
    expect(ci.stderr).toMatch(/cannot ask \(CI is set\)/);
    const r = await kaito(['init', ...ALL], { cwd: dir, env: { ...env, CI: '1' } });
    expect(r.code).toBe(0);
  });

  it('missing answers: exit 2 naming exactly the missing flags, nothing written, no stack', async () => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', '--preset', 'phi-4', '--output-image', 'myacr.azurecr.io/a:v1'], { cwd: dir, env: { ...env, AZURE_SUBSCRIPTION_ID: SUB } });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('error: kaito init cannot ask (--no-input); pass --resource-group, --cluster, --dataset, --push-secret, --instance-type');
    expect(r.stderr).toMatch(/^ {2}- --push-secret NAME {3}the docker-registry Secret that can push --output-image$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });

  it('invalid flags: exit 2 listing every problem', async () => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', ...ALL, '--preset', 'llama-3.3-70b-instruct', '--push-secret', 'Bad_Name', '--context', 'nope'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 2 invalid values$/m);
    expect(r.stderr).toMatch(/--preset "llama-3\.3-70b-instruct" cannot be tuned/);
    expect(r.stderr).toMatch(/--push-secret "Bad_Name" must be lower-case/);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
    // with the values fixed, the unknown context is next
    const ctx = await kaito(['init', '--no-input', ...ALL, '--context', 'nope'], { cwd: dir, env });
    expect(ctx.code).toBe(2);
    expect(ctx.stderr).toMatch(/--context "nope" is not a context of .*kubeconfig/);
    expect(ctx.stderr).toMatch(/use one of: aks-gpu/);
  });

  it('an existing kaito.yaml is kept without --force (exit 2) and replaced with it', async () => {
    const { dir, env } = project();
    writeFileSync(join(dir, 'kaito.yaml'), 'workspace: old\n');
    const r = await kaito(['init', '--no-input', ...ALL], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: kaito.yaml already exists\n  pass --force to overwrite it (nothing was changed)\n');
    expect(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).toBe('workspace: old\n');
    const f = await kaito(['init', '--no-input', '--force', ...ALL], { cwd: dir, env });
    expect(f.code).toBe(0);
    // what init does not ask about survives the rewrite
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).workspace).toBe('old');
  });

  it('--config and KAITO_CONFIG choose the file; -o yaml prints it', async () => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', '--config', 'ci.yaml', '-o', 'yaml', ...ALL], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, 'ci.yaml'), 'utf8'));
    const e = await kaito(['init', '--no-input', ...ALL], { cwd: dir, env: { ...env, KAITO_CONFIG: 'env.yaml' } });
    expect(e.code).toBe(0);
    expect(existsSync(join(dir, 'env.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });

  it('never writes a secret: a dataset URL with a SAS signature is refused', async () => {
    const { dir, env } = project();
    const args = ALL.map((a) => (a.startsWith('https://example.com') ? 'https://acct.blob.core.windows.net/d/train.parquet?sv=2024-01-01&sig=c2VjcmV0' : a));
    const r = await kaito(['init', '--no-input', ...args], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dataset .* carries a signature\/token in its query; kaito\.yaml never holds secrets/);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });
});
