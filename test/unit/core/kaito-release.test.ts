// Issue 12: the catalog per Kaito release (compat R1, R2) and the rules that were stricter than Kaito (R3-R5).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { modelAccessSecretProblem, parseKaitoRelease, releaseForVersion, releaseSkuProblem, versionProblems } from '../../../src/core/kaito-release.js';
import { datasetFileNameProblem, isReservedLabelKey } from '../../../src/core/names.js';
import { KAITO_RELEASES, getPreset, loadPresets, presetAt } from '../../../src/core/presets.js';
import type { DeployFlags, TuneFlags } from '../../../src/core/render/index.js';
// core reports FlagProblems; the command turns them into the usage error a user sees (exit 2)
import { deployInput as deployInputFromFlags, tuneInput as tuneInputFromFlags } from '../../../src/commands/shared/flag-input.js';
import { outputDirProblem } from '../../../src/core/training-config.js';
import { workspaceAdmissionProblems } from '../../../src/core/validate.js';
import { datasetsDir } from '../../../src/paths.js';
import { ctxFor } from './render-helpers.js';

const tuneOk: TuneFlags = { preset: 'phi-4', dataset: ['https://example.com/d.parquet'], outputImage: 'myacr.azurecr.io/out:1', pushSecret: 'push', instanceType: 'Standard_NC24ads_A100_v4' };
const deployOk: DeployFlags = { preset: 'phi-4-mini-instruct' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const u = e as UsageError;
    expect(u.exitCode).toBe(2);
    return u.problems.length ? u.problems : [u.message];
  }
  return [];
}
const tune = (f: TuneFlags) => problemsOf(() => tuneInputFromFlags({ ...tuneOk, ...f }, {}, ctxFor({})));
const deploy = (f: DeployFlags) => problemsOf(() => deployInputFromFlags({ ...deployOk, ...f }, {}, ctxFor({})));

describe('catalog per Kaito release (compat R1)', () => {
  it('has no phi-3-small presets (none in any Kaito tag)', () => {
    expect(getPreset('phi-3-small-8k-instruct')).toBeUndefined();
    expect(getPreset('phi-3-small-128k-instruct')).toBeUndefined();
  });

  it('records every preset for 0.12, and the release-only ones only where Kaito has them', () => {
    for (const p of loadPresets()) expect(p.versions['0.12'], p.name).toBeDefined();
    for (const n of ['gemma-3-4b-instruct', 'gpt-oss-20b', 'ministral-3-8b-instruct']) {
      expect(presetAt(getPreset(n)!, '0.6'), n).toBeUndefined();
      expect(presetAt(getPreset(n)!, '0.10'), n).toBeDefined();
    }
    expect(presetAt(getPreset('phi-4-mini-instruct')!, '0.10')!.runtimes).toEqual(['vllm', 'transformers']);
    expect(presetAt(getPreset('phi-4-mini-instruct')!, '0.11')!.runtimes).toEqual(['vllm']);
    expect(presetAt(getPreset('mistral-7b')!, '0.10')!.tunable).toBe(true);
    expect(presetAt(getPreset('mistral-7b')!, '0.11')!.tunable).toBe(false);
  });

  it('parses release flags', () => {
    expect(KAITO_RELEASES.map((r) => parseKaitoRelease(r))).toEqual(['0.6', '0.10', '0.11', '0.12']);
    expect(parseKaitoRelease('v0.10.2')).toBe('0.10');
    expect(parseKaitoRelease('0.9')).toBeUndefined();
  });
});

describe('versionProblems (compat R1, R2)', () => {
  it('refuses tuning mistral-7b from 0.11, allows it on 0.6 and 0.10', () => {
    expect(versionProblems({ workload: 'tune', preset: 'mistral-7b', method: 'qlora' }, '0.12')).toEqual([expect.stringMatching(/^--preset mistral-7b cannot be tuned on Kaito 0\.12 \(tuned only in Kaito 0\.6, 0\.10\): pick a preset/)]);
    expect(versionProblems({ workload: 'tune', preset: 'mistral-7b', method: 'qlora' }, '0.10')).toEqual([]);
  });
  it('refuses presets a release lacks and runtimes it dropped', () => {
    expect(versionProblems({ workload: 'deploy', preset: 'gpt-oss-20b' }, '0.6')).toEqual([expect.stringMatching(/does not exist in Kaito 0\.6 \(it is in Kaito 0\.10, 0\.11, 0\.12\)/)]);
    expect(versionProblems({ workload: 'deploy', preset: 'phi-4-mini-instruct', runtime: 'transformers' }, '0.11')).toEqual([expect.stringMatching(/--runtime transformers is not available for phi-4-mini-instruct on Kaito 0\.11.*use --runtime vllm$/)]);
    expect(versionProblems({ workload: 'deploy', preset: 'phi-4-mini-instruct', runtime: 'transformers' }, '0.10')).toEqual([]);
    expect(versionProblems({ workload: 'deploy', preset: 'ministral-3-3b-instruct', runtime: 'transformers' }, '0.12')).toHaveLength(1);
  });
  it('refuses tuning instance types the release SKU table lacks (v0.8+ only)', () => {
    expect(releaseSkuProblem('Standard_NC4as_T4_v3', '0.12')).toMatch(/not in Kaito 0\.12's GPU SKU table \(it is in Kaito 0\.6, 0\.10, 0\.11\)/);
    expect(releaseSkuProblem('Standard_NC4as_T4_v3', '0.11')).toBeNull();
    expect(releaseSkuProblem('Standard_NC6s_v3', '0.10')).toMatch(/it is in Kaito 0\.6\)/);
    expect(releaseSkuProblem('Standard_NC6s_v3', '0.6')).toBeNull();
    expect(versionProblems({ workload: 'deploy', preset: 'phi-4', instanceType: 'Standard_NC4as_T4_v3' }, '0.12')).toEqual([]);
  });
});

describe('render --kaito-version (compat R1, R2)', () => {
  it('defaults to 0.12 and reports release problems with the other flag problems', () => {
    expect(tune({ preset: 'mistral-7b' })).toEqual([expect.stringMatching(/cannot be tuned on Kaito 0\.12/)]);
    expect(tune({ preset: 'mistral-7b', kaitoVersion: '0.10' })).toEqual([]);
    const ps = tune({ kaitoVersion: '0.12', instanceType: 'Standard_NC4as_T4_v3', pushSecret: undefined });
    expect(ps).toEqual(expect.arrayContaining([expect.stringMatching(/Standard_NC4as_T4_v3 is not in Kaito 0\.12's GPU SKU table/), expect.stringMatching(/--output-image needs a push secret/)]));
    expect(tune({ kaitoVersion: '1.0' })).toEqual([expect.stringMatching(/^--kaito-version 1\.0: use one of 0\.6, 0\.10, 0\.11, 0\.12$/)]);
  });
  it('deploy refuses presets and runtimes the release lacks', () => {
    expect(deploy({ preset: 'gemma-3-4b-instruct', kaitoVersion: '0.6' })).toEqual([expect.stringMatching(/does not exist in Kaito 0\.6/)]);
    expect(deploy({ runtime: 'transformers' })).toEqual([expect.stringMatching(/not available for phi-4-mini-instruct on Kaito 0\.12/)]);
    expect(deploy({ runtime: 'transformers', kaitoVersion: '0.10' })).toEqual([]);
    expect(deploy({ preset: 'Qwen/Qwen3-8B', kaitoVersion: '0.6', instanceType: 'Standard_NC24ads_A100_v4' })).toEqual([expect.stringMatching(/Kaito 0\.6 serves only its own presets/)]);
  });
});

describe('rules that were stricter than Kaito', () => {
  it('reserves exactly the 8 label keys Kaito sets itself (compat R3)', () => {
    expect(isReservedLabelKey('kaito.sh/workspace')).toBe(true);
    expect(isReservedLabelKey('karpenter.kaito.sh/inferenceset-namespace')).toBe(true);
    expect(isReservedLabelKey('kaito.sh/team')).toBe(false);
    expect(isReservedLabelKey('karpenter.kaito.sh/pool')).toBe(false);
    expect(tune({ labels: 'kaito.sh/team=ml' })).toEqual([]);
    expect(tune({ labels: 'kaito.sh/workspacenamespace=x' })).toEqual([expect.stringMatching(/label key "kaito.sh\/workspacenamespace" is reserved by Kaito/)]);
    const ws = { apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'w' }, resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { 'kaito.sh/team': 'ml' } } }, inference: { preset: { name: 'phi-4' } } };
    expect(workspaceAdmissionProblems(ws as never).filter((p) => p.includes('labelSelector'))).toEqual([]);
  });

  it('output_dir: refuses only what Kaito rejects or what loses the adapter, with the fix /mnt/<dir> (compat R5)', () => {
    expect(outputDirProblem('/mnt/results')).toBeNull();
    expect(outputDirProblem('/mnt/tmp/../results')).toBeNull();
    expect(outputDirProblem('/mnt/results/')).toBeNull();
    expect(outputDirProblem('/mnt')).toMatch(/cleans to \/mnt or escapes it \(Kaito rejects it\): use \/mnt\/<dir>/);
    expect(outputDirProblem('/mnt/../etc')).toMatch(/cleans to \/mnt or escapes it/);
    expect(outputDirProblem('results')).toMatch(/^is not under \/mnt\/<dir>: Kaito accepts it but mounts the results volume at \/mnt\/results.*use \/mnt\/<dir>/);
    expect(outputDirProblem('//mnt/results')).toMatch(/is not under \/mnt\/<dir>/);
    expect(outputDirProblem('/out')).toMatch(/mounts the results volume at \/mnt\/out/);
  });

  it('refuses dataset URLs whose saved file name the trainer would not pick (compat R4)', () => {
    expect(datasetFileNameProblem('https://example.com/data')).toMatch(/^is saved as "data", a file name Kaito's trainer does not recognise.*data\.jsonl/);
    expect(datasetFileNameProblem('https://example.com/dl?file=a.jsonl')).toMatch(/saved as "dl"/);
    expect(datasetFileNameProblem('https://example.com/dl?file=a.jsonl', true)).toBeNull();
    expect(tune({ dataset: ['https://example.com/dl?file=a.jsonl'], kaitoVersion: '0.6' })).toEqual([]);
    expect(datasetFileNameProblem('https://example.com/Train.JSONL?sig=x#y')).toBeNull();
    expect(datasetFileNameProblem('https://example.com/x.json.bak')).toBeNull();
    expect(datasetFileNameProblem('https://example.com/my-webdataset.tar')).toBeNull();
    expect(tune({ dataset: ['https://example.com/download'] })).toEqual([expect.stringMatching(/^--dataset https:\/\/example.com\/download is saved as "download"/)]);
    // the sandbox's sample datasets stay acceptable
    for (const f of readdirSync(datasetsDir()).filter((f) => !f.endsWith('.md'))) expect(datasetFileNameProblem(`https://127.0.0.1:8443/${f}`), f).toBeNull();
  });
});

describe('releaseForVersion (compat R6)', () => {
  it('maps a controller image tag to the catalog release whose rules apply', () => {
    expect(releaseForVersion('0.12.0')).toBe('0.12');
    expect(releaseForVersion('v0.11.2')).toBe('0.11');
    expect(releaseForVersion('0.6.0')).toBe('0.6');
    expect(releaseForVersion('0.9.1')).toBe('0.6'); // newest catalogued release not newer than it
    expect(releaseForVersion('0.13.0')).toBe('0.12');
    expect(releaseForVersion('1.0.0')).toBe('0.12');
    expect(releaseForVersion('0.4.0')).toBe('0.6');
    expect(releaseForVersion(undefined)).toBeUndefined();
    expect(releaseForVersion('latest')).toBeUndefined();
  });
});

describe('modelAccessSecretProblem (compat R9)', () => {
  it('0.6 and 0.10 refuse a secret for presets that do not download at run time; 0.11+ accept it', () => {
    expect(modelAccessSecretProblem('phi-4', '0.6', '--model-access-secret')).toMatch(/^--model-access-secret: Kaito 0\.6 rejects a model access secret for phi-4/);
    expect(modelAccessSecretProblem('llama-3.1-8b-instruct', '0.6', '--model-access-secret')).toBeNull();
    expect(modelAccessSecretProblem('gemma-3-4b-instruct', '0.10', '--hf-token-stdin')).toBeNull();
    expect(modelAccessSecretProblem('gpt-oss-20b', '0.10', '--hf-token-stdin')).toMatch(/gpt-oss-20b/);
    expect(modelAccessSecretProblem('phi-4', '0.11', '--model-access-secret')).toBeNull();
    expect(modelAccessSecretProblem('phi-4', '0.12', '--model-access-secret')).toBeNull();
  });
});
