import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig, type ProjectConfig } from '../../../src/config/project.js';
import { renderProjectConfig, writeProjectConfig } from '../../../src/config/writer.js';

const FULL: ProjectConfig = {
  workspace: 'phi-3-mini-128k-instruct-qlora',
  tune: {
    pushSecret: 'acr-push',
    method: 'qlora',
    preset: 'phi-3-mini-128k-instruct',
    dataset: ['https://huggingface.co/datasets/philschmid/dolly-15k-oai-style/resolve/main/data/train-00000-of-00001.parquet'],
    outputImage: 'myacr.azurecr.io/adapters/phi-3:v1',
    instanceType: 'Standard_NV36ads_A10_v5',
    labels: { z: '1', a: 'true' },
  },
  cluster: {
    namespace: '2024',
    subscription: '11111111-2222-3333-4444-555555555555',
    resourceGroup: 'rg-ml',
    name: 'aks-gpu',
    kubeContext: 'aks-gpu',
  },
};

describe('kaito.yaml writer', () => {
  it('round-trips through the loader', () => {
    expect(parseProjectConfig(renderProjectConfig(FULL))).toEqual(FULL);
  });

  it('is stable: keys in schema order, whatever order the config was built in', () => {
    const text = renderProjectConfig(FULL);
    const shuffled: ProjectConfig = { cluster: FULL.cluster, workspace: FULL.workspace, tune: { ...FULL.tune, labels: { a: 'true', z: '1' } } };
    expect(renderProjectConfig(shuffled)).toBe(text);
    const keys = text.split('\n').filter((l) => /^\s*[a-zA-Z]+:/.test(l)).map((l) => l.trim().split(':')[0]);
    expect(keys).toEqual([
      'cluster', 'subscription', 'resourceGroup', 'name', 'kubeContext', 'namespace',
      'tune', 'preset', 'method', 'dataset', 'outputImage', 'pushSecret', 'instanceType', 'labels', 'a', 'z',
      'workspace',
    ]);
  });

  it('comments the file and each section, and quotes values YAML would misread', () => {
    const text = renderProjectConfig(FULL);
    expect(text).toMatch(/^# kaito\.yaml: the project file/);
    expect(text).toContain('# Precedence: command-line flag > environment variable > this file > built-in default.');
    expect(text).toMatch(/# Where commands run[^\n]*\n[^\n]*\ncluster:\n/);
    expect(text).toMatch(/# Defaults for `kaito tune`[^\n]*\ntune:\n/);
    expect(text).toMatch(/namespace: "2024"/);
    expect(text).toMatch(/a: "true"/);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toMatch(/\n\n\n/);
  });

  it('leaves out unset keys and empty sections', () => {
    const text = renderProjectConfig({ cluster: { name: 'aks' }, tune: {}, deploy: { labels: {} } });
    expect(text).toContain('cluster:\n  name: aks\n');
    expect(text).not.toMatch(/^tune:/m);
    expect(text).not.toMatch(/^deploy:/m);
  });

  it('writes atomically with mode 0644', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-w-'));
    const path = join(dir, 'kaito.yaml');
    const text = writeProjectConfig(path, FULL);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });
});
