import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig, parseProjectConfig } from '../../../src/config/project.js';
import { UsageError } from '../../../src/errors.js';

/** The UsageError's message plus its problem lines, as the user sees them. */
function errorOf(text: string): { lines: string[]; err: UsageError } {
  try {
    parseProjectConfig(text, 'kaito.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const err = e as UsageError;
    expect(err.exitCode).toBe(2);
    return { lines: [err.message, ...err.problems], err };
  }
  throw new Error('expected a UsageError');
}

describe('kaito.yaml loader', () => {
  it('reads a complete file', () => {
    const c = parseProjectConfig(
      [
        'cluster:',
        '  subscription: 11111111-2222-3333-4444-555555555555',
        '  resourceGroup: rg-ml',
        '  name: aks-gpu',
        '  kubeContext: aks-gpu',
        '  namespace: tuning',
        'tune:',
        '  preset: phi-3-mini-128k-instruct',
        '  method: qlora',
        '  dataset: [https://example.com/d.parquet]',
        '  outputImage: myacr.azurecr.io/adapters/phi3:v1',
        '  pushSecret: acr-push',
        '  instanceType: Standard_NV36ads_A10_v5',
        '  labels: {team: nlp}',
        'deploy:',
        '  runtime: vllm',
        'workspace: phi-3-mini-128k-instruct-qlora',
      ].join('\n'),
    );
    expect(c.cluster?.namespace).toBe('tuning');
    expect(c.tune?.dataset).toEqual(['https://example.com/d.parquet']);
    expect(c.tune?.labels).toEqual({ team: 'nlp' });
    expect(c.deploy?.runtime).toBe('vllm');
    expect(c.workspace).toBe('phi-3-mini-128k-instruct-qlora');
  });

  it('treats an empty file and empty sections as no configuration', () => {
    expect(parseProjectConfig('')).toEqual({});
    expect(parseProjectConfig('# only a comment\n')).toEqual({});
    expect(parseProjectConfig('tune:\n')).toEqual({});
  });

  it('normalises YAML numbers to strings and a single dataset to a list', () => {
    const c = parseProjectConfig('cluster:\n  namespace: 2024\ntune:\n  dataset: https://example.com/a.jsonl\n  labels: {ver: 2, on: true}\n');
    expect(c.cluster?.namespace).toBe('2024');
    expect(c.tune?.dataset).toEqual(['https://example.com/a.jsonl']);
    expect(c.tune?.labels).toEqual({ ver: '2', on: 'true' });
  });

  it('names the key and the line of an unknown key', () => {
    const { lines } = errorOf('cluster:\n  name: aks\n  nmespace: x\n');
    expect(lines[0]).toBe('kaito.yaml:3: unknown key "cluster.nmespace" (known: subscription, resourceGroup, name, kubeContext, namespace, armEndpoint, nodeProvisioning)');
    expect(errorOf('\n\nclustr:\n  name: x\n').lines[0]).toMatch(/^kaito\.yaml:3: unknown key "clustr"/);
  });

  it('names the key and the line of a wrong type', () => {
    expect(errorOf('tune:\n  preset:\n    - a\n').lines[0]).toMatch(/^kaito\.yaml:3: "tune\.preset" must be a string$/);
    expect(errorOf('tune: phi\n').lines[0]).toMatch(/^kaito\.yaml:1: "tune" must be a mapping/);
    expect(errorOf('tune:\n  labels: [a]\n').lines[0]).toMatch(/^kaito\.yaml:2: "tune\.labels" must be a mapping/);
    expect(errorOf('tune:\n  dataset:\n    - {url: x}\n').lines[0]).toMatch(/^kaito\.yaml:3: "tune\.dataset" must be a list of strings/);
    expect(errorOf('- a\n- b\n').lines[0]).toMatch(/^kaito\.yaml:1: the top level must be a mapping/);
  });

  it('names the key, the line, the allowed values and the bad value of an enum', () => {
    expect(errorOf('\ntune:\n  method: full\n').lines[0]).toBe('kaito.yaml:3: "tune.method" must be one of lora, qlora (got "full")');
    expect(errorOf('cluster:\n  nodeProvisioning: karpenter\n').lines[0]).toMatch(/^kaito\.yaml:2: "cluster\.nodeProvisioning" must be one of auto, nap, byo/);
  });

  it('checks formats: namespace, subscription, image, dataset URL, node pool name', () => {
    const { lines, err } = errorOf(
      ['cluster:', '  subscription: my-sub', '  namespace: Tuning_NS', 'tune:', '  outputImage: MyACR/Adapter', '  dataset: [ftp://x/y]', '  nodepool: GPU-pool-1'].join('\n'),
    );
    expect(err.message).toBe('kaito.yaml has 5 problems');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^kaito\.yaml:2: "cluster\.subscription" must be a subscription ID/),
      expect.stringMatching(/^kaito\.yaml:3: "cluster\.namespace" must be lower-case/),
      expect.stringMatching(/^kaito\.yaml:5: "tune\.outputImage" is not a valid image reference/),
      expect.stringMatching(/^kaito\.yaml:6: "tune\.dataset" uses ftp: only http and https/),
      expect.stringMatching(/^kaito\.yaml:7: "tune\.nodepool" must be 1-12 lower-case/),
    ]);
  });

  it('reports invalid YAML with its line', () => {
    const { lines } = errorOf('cluster:\n  name: aks\n  namespace: [a\n');
    expect(lines[0]).toMatch(/^kaito\.yaml:\d+: invalid YAML: /);
    expect(errorOf('tune:\n\tpreset: x\n').lines[0]).toMatch(/^kaito\.yaml:2: invalid YAML/);
  });

  it('refuses duplicate keys, naming the line of the second one', () => {
    const { lines } = errorOf('cluster:\n  name: a\n  name: b\n');
    expect(lines[0]).toMatch(/^kaito\.yaml:3: duplicate key/);
  });

  it('refuses secret-looking keys anywhere, and credentials inside dataset URLs', () => {
    expect(errorOf('tune:\n  registryPassword: hunter2\n').lines[0]).toBe(
      'kaito.yaml:2: "tune.registryPassword" looks like a secret; kaito.yaml never holds secrets (pass them on stdin)',
    );
    expect(errorOf('hfToken: abc\n').lines[0]).toMatch(/^kaito\.yaml:1: "hfToken" looks like a secret/);
    expect(errorOf('deploy:\n  apiKey: x\n').lines[0]).toMatch(/"deploy\.apiKey" looks like a secret/);
    const sas = errorOf('tune:\n  dataset:\n    - https://acct.blob.core.windows.net/d/x.parquet?sv=2024&sig=abc\n');
    expect(sas.lines[0]).toMatch(/^kaito\.yaml:3: "tune\.dataset" carries a signature\/token/);
    // the error must not echo anything that looks like the secret key's value
    expect(errorOf('tune:\n  registryPassword: hunter2\n').lines.join('\n')).not.toContain('hunter2');
  });

  it('reports every problem at once', () => {
    const { err } = errorOf('foo: 1\ntune:\n  method: x\n  bar: y\n');
    expect(err.problems).toHaveLength(3);
  });

  it('a missing default file is no configuration; a missing --config file is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-cfg-'));
    expect(loadProjectConfig(undefined, dir)).toMatchObject({ exists: false, config: {} });
    expect(() => loadProjectConfig('other.yaml', dir)).toThrow(/config file other\.yaml not found/);
    writeFileSync(join(dir, 'kaito.yaml'), 'workspace: ws1\n');
    expect(loadProjectConfig(undefined, dir)).toMatchObject({ exists: true, config: { workspace: 'ws1' } });
  });
});
