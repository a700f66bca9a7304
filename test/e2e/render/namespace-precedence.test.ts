// flag > environment > kaito.yaml for the namespace of rendered objects
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';

const args = ['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', 'https://example.com/d.jsonl', '--output-image', 'myacr.azurecr.io/a:1', '--push-secret', 's', '--instance-type', 'Standard_NV36ads_A10_v5', '-o', 'json'];
const nsOf = (stdout: string) => JSON.parse(stdout).items[0].metadata.namespace;

describe('render: namespace precedence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-ns-'));
  writeFileSync(join(dir, 'kaito.yaml'), 'cluster:\n  namespace: from-file\n');

  it('kaito.yaml beats the default', async () => {
    const r = await kaito(args, { cwd: dir });
    expect(r.code).toBe(0);
    expect(nsOf(r.stdout)).toBe('from-file');
  });
  it('KAITO_NAMESPACE beats kaito.yaml', async () => {
    const r = await kaito(args, { cwd: dir, env: baseEnv({ KAITO_NAMESPACE: 'from-env' }) });
    expect(nsOf(r.stdout)).toBe('from-env');
  });
  it('-n beats KAITO_NAMESPACE', async () => {
    const r = await kaito([...args, '-n', 'from-flag'], { cwd: dir, env: baseEnv({ KAITO_NAMESPACE: 'from-env' }) });
    expect(nsOf(r.stdout)).toBe('from-flag');
  });
});
