// kaito render --kaito-version and the rules that were stricter than Kaito, through the built binary
// (compat R1-R5): bad input is one or two lines on stderr, exit 2, nothing on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kaito, type CliResult } from '../../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kaito-render-version-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = ['--output-image', 'myacr.azurecr.io/out:1', '--push-secret', 'acr-push'];
const tune = (preset: string, ...more: string[]) => ['render', 'tune', '--preset', preset, '--dataset', 'https://example.com/d.jsonl', ...out, '--instance-type', 'Standard_NC24ads_A100_v4', ...more];

function refused(r: CliResult, re: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(re);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('kaito render --kaito-version', () => {
  it('mistral-7b tunes on 0.10, is refused on 0.12 (the default) and 0.11', async () => {
    const ok = await kaito(tune('mistral-7b', '--kaito-version', '0.10'), { cwd: tmp });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('name: mistral-7b');
    refused(await kaito(tune('mistral-7b'), { cwd: tmp }), /^error: --preset mistral-7b cannot be tuned on Kaito 0\.12 \(tuned only in Kaito 0\.6, 0\.10\): pick a preset it tunes/);
    refused(await kaito(tune('mistral-7b', '--kaito-version', '0.11'), { cwd: tmp }), /cannot be tuned on Kaito 0\.11/);
  });

  it('refuses presets, runtimes and tuning SKUs the release lacks', async () => {
    refused(await kaito(['render', 'deploy', '--preset', 'gpt-oss-20b', '--kaito-version', '0.6'], { cwd: tmp }), /^error: --preset gpt-oss-20b does not exist in Kaito 0\.6 \(it is in Kaito 0\.10, 0\.11, 0\.12\)/);
    refused(await kaito(['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--runtime', 'transformers', '--kaito-version', '0.12'], { cwd: tmp }), /not available for phi-4-mini-instruct on Kaito 0\.12.*use --runtime vllm/);
    const tf = await kaito(['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--runtime', 'transformers', '--kaito-version', '0.10'], { cwd: tmp });
    expect(tf.code).toBe(0);
    refused(await kaito(['render', 'tune', '--preset', 'phi-4', '--dataset', 'https://example.com/d.jsonl', ...out, '--instance-type', 'Standard_NC4as_T4_v3'], { cwd: tmp }), /Standard_NC4as_T4_v3 is not in Kaito 0\.12's GPU SKU table \(it is in Kaito 0\.6, 0\.10, 0\.11\)/);
    refused(await kaito(['render', 'deploy', '--preset', 'phi-4', '--kaito-version', '0.9'], { cwd: tmp }), /^error: --kaito-version 0\.9: use one of 0\.6, 0\.10, 0\.11, 0\.12$/m);
  });

  it('reports release problems together with the other flag problems', async () => {
    const r = await kaito(['render', 'tune', '--preset', 'mistral-7b', '--dataset', 'https://example.com/d.jsonl', '--output-image', 'myacr.azurecr.io/out:1'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 2 problems with the tune flags:/m);
    expect(r.stderr).toMatch(/^  - --preset mistral-7b cannot be tuned on Kaito 0\.12/m);
    expect(r.stderr).toMatch(/^  - --output-image needs a push secret/m);
  });
});

describe('rules no stricter than Kaito', () => {
  it('a kaito.sh/ label key Kaito does not reserve is accepted (compat R3)', async () => {
    const r = await kaito(tune('phi-4', '--labels', 'kaito.sh/team=ml'), { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kaito.sh/team: ml');
  });

  it('dataset URLs whose saved name the trainer cannot pick are refused (compat R4)', async () => {
    refused(await kaito(['render', 'tune', '--preset', 'phi-4', '--dataset', 'https://example.com/download?f=a.jsonl', ...out], { cwd: tmp }),
      /^error: --dataset https:\/\/example.com\/download\?f=a.jsonl is saved as "download", a file name Kaito's trainer does not recognise.*serve the file under a name such as data\.jsonl/);
    const ok = await kaito(['render', 'tune', '--preset', 'phi-4', '--dataset', 'https://example.com/Train.JSONL?sig=abc', ...out, '--instance-type', 'Standard_NC24ads_A100_v4'], { cwd: tmp });
    expect(ok.code).toBe(0);
  });

  it('output_dir: /mnt/a/../b is accepted, results is refused with the fix /mnt/<dir> (compat R5)', async () => {
    const cfg = (dir: string) => `training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: ${dir}}\n`;
    writeFileSync(join(tmp, 'ok.yaml'), cfg('/mnt/tmp/../results'));
    writeFileSync(join(tmp, 'bad.yaml'), cfg('results'));
    const ok = await kaito(tune('phi-4', '--config-file', 'ok.yaml'), { cwd: tmp });
    expect(ok.code).toBe(0);
    refused(await kaito(tune('phi-4', '--config-file', 'bad.yaml'), { cwd: tmp }),
      /^error: --config-file bad.yaml: TrainingArguments.output_dir "results" is not under \/mnt\/<dir>: Kaito accepts it but mounts the results volume at \/mnt\/results .*use \/mnt\/<dir>/);
  });
});

describe('compat R8: a vLLM model too big for one VM in NAP mode', () => {
  const deploy = (v: string, ...extra: string[]) => ['render', 'deploy', '--preset', 'qwen2.5-coder-32b-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--kaito-version', v, ...extra];
  it('0.10 and 0.12 run it multi-node: rendered, with a warning naming the node count', async () => {
    for (const v of ['0.10', '0.12']) {
      const r = await kaito(deploy(v), { cwd: tmp });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`Kaito ${v.replace('.', '\\.')} runs it on ~4 nodes \\(multi-node vLLM`));
      expect(r.stdout).toMatch(/kind: Workspace/);
    }
  });
  it('0.11 halts above 3 nodes, 0.6 has no estimator, transformers never goes multi-node: refused', async () => {
    refused(await kaito(deploy('0.11'), { cwd: tmp }), /needs ~4 GPUs: 4 nodes of Standard_NV36ads_A10_v5, and Kaito 0\.11 halts above 3/);
    refused(await kaito(deploy('0.6'), { cwd: tmp }), /is predicted not to fit Standard_NV36ads_A10_v5/);
    refused(await kaito(deploy('0.12', '--runtime', 'transformers'), { cwd: tmp }), /is predicted not to fit Standard_NV36ads_A10_v5/);
    const two = await kaito(['render', 'deploy', '--preset', 'qwen2.5-coder-32b-instruct', '--instance-type', 'Standard_NV72ads_A10_v5', '--kaito-version', '0.11'], { cwd: tmp });
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/runs it on ~2 nodes/);
  });
});
