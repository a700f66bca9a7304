// The yaml library is not loaded at start-up by render/presets (bench/README.md "Startup"): it comes in
// through the harness (kaito.yaml, -o yaml) or a retried render step (a user's file, a value the small
// emitter leaves to the library). In this repository a missed case would still work, because the
// synchronous fallback finds node_modules/yaml; so these run a copy of the built package that has no
// node_modules anywhere above it, as after `npm i -g`, and must print exactly what the repository prints.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAITO_BIN, baseEnv } from '../../support/cli.js';

const repo = dirname(dirname(KAITO_BIN));
let copy: string;
let work: string;

function run(bin: string, args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: baseEnv({ HOME: work }), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'kaito-pkg-'));
  work = mkdtempSync(join(tmpdir(), 'kaito-work-'));
  for (const d of ['bin', 'dist', 'presets', 'templates', 'package.json']) cpSync(join(repo, d), join(copy, d), { recursive: true });
  writeFileSync(join(work, 'train.yaml'), 'training_config:\n  TrainingArguments:\n    num_train_epochs: 3\n    learning_rate: 0.0002\n');
});
afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const tune = ['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--output-image', 'myacr.azurecr.io/out:1', '--push-secret', 'acr-push', '--instance-type', 'Standard_NV36ads_A10_v5'];

describe('the yaml library loads when it is needed, without node_modules', () => {
  it('the copy cannot reach node_modules/yaml', () => {
    let dir = copy;
    for (let i = 0; i < 10 && dirname(dir) !== dir; i++, dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules', 'yaml'))).toBe(false);
  });

  const cases: Array<[string, string[], (() => void)?]> = [
    ['plain render tune (the emitter writes everything)', [...tune, '--dataset', 'https://example.com/d.parquet']],
    ['a dataset URL the emitter leaves to the library', [...tune, '--dataset', 'https://example.com/d.parquet?a=1&b=two']],
    ['a user --config-file', [...tune, '--dataset', 'https://example.com/d.parquet', '--config-file', 'train.yaml', '--method', 'lora']],
    ['an --output-dir with a value left to the library', [...tune, '--dataset', 'https://example.com/d.parquet?x=1', '--output-dir', 'out']],
    ['render deploy', ['render', 'deploy', '--preset', 'phi-4-mini-instruct']],
    ['presets list -o yaml', ['presets', 'list', '--tunable', '-o', 'yaml']],
  ];
  for (const [what, args] of cases)
    it(what, () => {
      const mine = run(join(copy, 'bin', 'kaito.js'), args);
      const ref = run(KAITO_BIN, args);
      expect(mine.stderr).toBe(ref.stderr);
      expect(mine.code).toBe(0);
      expect(ref.code).toBe(0);
      expect(mine.stdout).toBe(ref.stdout);
      expect(mine.stdout + mine.stderr).not.toBe('');
    });

  it('a kaito.yaml in the working directory', () => {
    const dir = mkdtempSync(join(work, 'proj-'));
    writeFileSync(join(dir, 'kaito.yaml'), 'tune:\n  preset: phi-4-mini-instruct\n  method: lora\n  dataset: [https://e.com/d.parquet]\n  outputPvc: adapters\n  instanceType: Standard_NC24ads_A100_v4\n');
    const mine = run(join(copy, 'bin', 'kaito.js'), ['render', 'tune', '--name', 'mine'], dir);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    expect(mine.stdout).toBe(run(KAITO_BIN, ['render', 'tune', '--name', 'mine'], dir).stdout);
    expect(mine.stdout).toContain('claimName: adapters');
  });
});
