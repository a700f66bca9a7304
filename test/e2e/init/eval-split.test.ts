// Issue 19: `kaito init --eval-split F --delete-after` writes tune.evalSplit / tune.deleteAfter, which render and
// tune then use; a bad fraction is exit 2 with nothing written.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/config/project.js';
import { baseEnv, kaito } from '../../support/cli.js';

const ALL = [
  '--subscription', '11111111-2222-3333-4444-555555555555', '--resource-group', 'rg-ml', '--cluster', 'aks-gpu', '--context', 'aks-gpu', '-n', 'tuning',
  '--preset', 'phi-3-mini-128k-instruct', '--method', 'qlora', '--dataset', 'https://example.com/data/train.parquet', '--skip-dataset-check',
  '--output-image', 'myacr.azurecr.io/adapters/phi3:v1', '--push-secret', 'acr-push', '--instance-type', 'Standard_NV36ads_A10_v5',
];
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]
users: [{name: u, user: {token: t0k3n-not-real}}]
contexts: [{name: aks-gpu, context: {cluster: c, user: u}}]
current-context: aks-gpu
`;

function project(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-init-eval-'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG, { mode: 0o600 });
  return { dir, env: baseEnv({ HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'kubeconfig'), KAITO_AZURE_AUTH: 'env' }) };
}

describe('kaito init --eval-split / --delete-after', () => {
  it('writes them to kaito.yaml; render tune then holds out that fraction', async () => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', ...ALL, '--eval-split', '0.15', '--delete-after'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).tune).toMatchObject({ evalSplit: '0.15', deleteAfter: 'true' });
    const render = await kaito(['render', 'tune'], { cwd: dir, env });
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toMatch(/train_test_split: 0\.85\b/);
    expect(render.stdout).toMatch(/eval_strategy: steps/);
  });

  it.each(['0.5', '0', 'x'])('--eval-split %s is exit 2 and writes nothing', async (v) => {
    const { dir, env } = project();
    const r = await kaito(['init', '--no-input', ...ALL, '--eval-split', v], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--eval-split must be a fraction greater than 0 and less than 0.5`);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });
});
