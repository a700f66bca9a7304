// One failing input per rule: each must be refused with a line naming the flag (UsageError, exit 2),
// and all problems of one invocation are reported together.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { DeployFlags, TuneFlags } from '../../../src/core/render/index.js';
// core reports FlagProblems; the command turns them into the usage error a user sees (exit 2)
import { deployInput as deployInputFromFlags, tuneInput as tuneInputFromFlags } from '../../../src/commands/shared/flag-input.js';
import { ctxFor } from './render-helpers.js';

const tuneOk: TuneFlags = { preset: 'phi-3-mini-128k-instruct', dataset: ['https://example.com/d.parquet'], outputImage: 'myacr.azurecr.io/out:1', pushSecret: 'push' };
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
  throw new Error('expected a UsageError');
}
const tuneProblems = (f: TuneFlags, c: Parameters<typeof ctxFor>[0] = {}) => problemsOf(() => tuneInputFromFlags({ ...tuneOk, ...f }, {}, ctxFor(c)));
const deployProblems = (f: DeployFlags, c: Parameters<typeof ctxFor>[0] = {}) => problemsOf(() => deployInputFromFlags({ ...deployOk, ...f }, {}, ctxFor(c)));

describe('tune rules', () => {
  const cases: Array<[string, TuneFlags, RegExp, Parameters<typeof ctxFor>[0]?]> = [
    ['preset required', { preset: undefined }, /--preset is required/],
    ['unknown preset with did-you-mean', { preset: 'phi-3-mini' }, /no such preset \(did you mean phi-3-mini-/],
    ['preset must be tunable', { preset: 'mistral-7b' }, /--preset mistral-7b cannot be tuned/],
    ['method lora|qlora', { method: 'full' }, /--method full: use lora or qlora/],
    ['name is a DNS-1123 label', { name: 'My_WS' }, /--name "My_WS" must be lower-case/],
    ['name at most 63', { name: 'a'.repeat(64) }, /at most 63/],
    ['dataset required', { dataset: undefined }, /a dataset is required/],
    ['exactly one dataset source', { datasetPvc: 'data' }, /use only one of --dataset, --dataset-pvc/],
    ['dataset URL http(s)', { dataset: ['ftp://example.com/d.csv'] }, /only http and https/],
    ['dataset URL not loopback', { dataset: ['http://127.0.0.1/d.csv'] }, /loopback/],
    ['dataset URL not localhost', { dataset: ['https://localhost:8443/d.csv'] }, /localhost/],
    ['dataset URL not private', { dataset: ['http://192.168.1.5/d.csv'] }, /private address/],
    ['dataset URL not link-local', { dataset: ['http://169.254.10.1/d.csv'] }, /link-local/],
    ['dataset URL not metadata', { dataset: ['http://169.254.169.254/metadata'] }, /metadata service/],
    ['dataset URL not IPv6 loopback', { dataset: ['http://[::1]/d'] }, /loopback/],
    ['dataset URL not decimal-encoded loopback', { dataset: ['http://2130706433/d'] }, /loopback/],
    ['dataset image reference', { dataset: undefined, datasetImage: 'Not An Image' }, /--dataset-image "Not An Image"/],
    ['dataset pull secret only with image', { datasetPullSecret: 'x' }, /--dataset-pull-secret only applies/],
    ['output required', { outputImage: undefined, pushSecret: undefined }, /an output is required/],
    ['exactly one output', { outputPvc: 'out' }, /use only one of --output-image and --output-pvc/],
    ['output image reference', { outputImage: 'https://myacr.azurecr.io/x' }, /not a URL/],
    ['output image needs a push secret', { pushSecret: undefined }, /--output-image needs a push secret/],
    ['registry username needs password stdin', { pushSecret: undefined, registryUsername: 'bot' }, /--registry-username needs --registry-password-stdin/],
    ['password stdin needs username', { registryPasswordStdin: true }, /--registry-password-stdin needs --registry-username/],
    ['push secret name', { pushSecret: 'Bad Secret' }, /--push-secret "Bad Secret"/],
    ['tuning SKU in Kaito table', { instanceType: 'Standard_D4s_v5' }, /not a GPU size Kaito can tune on/],
    ['instance type looks like a VM size', { instanceType: 'a100' }, /not an Azure VM size/],
    ['GPU misfit refused', { preset: 'qwen2.5-coder-32b-instruct', method: 'lora', instanceType: 'Standard_NV36ads_A10_v5' }, /predicted not to fit Standard_NV36ads_A10_v5.*--force/],
    ['label syntax', { labels: 'novalue' }, /is not KEY=VALUE/],
    ['label key syntax', { labels: 'bad key=x' }, /label key "bad key"/],
    ['label value syntax', { labels: 'k=-bad-' }, /label value "-bad-"/],
    ['reserved label keys', { labels: 'kaito.sh/workspace=x' }, /reserved by Kaito/],
    ['nodepool name', { nodepool: 'GPU_Pool' }, /--nodepool "GPU_Pool"/],
    ['NAP nodepool needs its vmSize', { nodepool: 'gpu' }, /in NAP mode instanceType is the pool's vmSize/],
    ['BYO forbids instance type', { instanceType: 'Standard_NC24ads_A100_v4' }, /cannot be used in BYO mode/, { mode: 'byo' }],
    ['epochs positive', { epochs: '0' }, /--epochs must be a number > 0/],
    ['max steps whole', { maxSteps: '1.5' }, /--max-steps must be a whole number/],
    ['learning rate number', { learningRate: 'fast' }, /--learning-rate must be a number/],
    ['batch size whole', { batchSize: '-1' }, /--batch-size must be a whole number/],
    ['lora r whole', { loraR: 'x' }, /--lora-r must be a whole number/],
    ['lora alpha whole', { loraAlpha: '0' }, /--lora-alpha must be a whole number/],
    ['lora dropout range', { loraDropout: '1.5' }, /--lora-dropout must be a number in \[0, 1\)/],
    ['target modules names', { targetModules: 'q proj' }, /"q proj" is not a module name/],
    ['tuning config vs config file', { tuningConfig: 'cm', configFile: 'x.yaml' }, /only one of --tuning-config and --config-file/, { files: { 'x.yaml': 'training_config: {}\n' } }],
    ['tuning config vs params', { tuningConfig: 'cm', epochs: '1' }, /training flags cannot change/],
    ['config file missing', { configFile: 'nope.yaml' }, /--config-file nope.yaml: no such file/],
    ['config file YAML', { configFile: 'c.yaml' }, /invalid YAML/, { files: { 'c.yaml': 'training_config: [\n' } }],
    ['config file top-level key', { configFile: 'c.yaml' }, /needs a top-level "training_config:"/, { files: { 'c.yaml': 'foo: 1\n' } }],
    ['config file sections', { configFile: 'c.yaml' }, /unknown section "Optimizer"/, { files: { 'c.yaml': 'training_config:\n  Optimizer: {}\n  QuantizationConfig: {load_in_4bit: true}\n' } }],
    ['config file booleans', { configFile: 'c.yaml' }, /load_in_4bit must be true or false/, { files: { 'c.yaml': 'training_config:\n  QuantizationConfig: {load_in_4bit: "yes"}\n' } }],
    ['config file not both 4 and 8 bit', { configFile: 'c.yaml' }, /cannot both be true/, { files: { 'c.yaml': 'training_config:\n  QuantizationConfig: {load_in_4bit: true, load_in_8bit: true}\n' } }],
    ['qlora needs quantization', { configFile: 'c.yaml' }, /method qlora needs QuantizationConfig/, { files: { 'c.yaml': 'training_config:\n  QuantizationConfig: {load_in_4bit: false}\n' } }],
    ['lora must not quantize', { method: 'lora', configFile: 'c.yaml' }, /method lora must not quantize/, { files: { 'c.yaml': 'training_config:\n  QuantizationConfig: {load_in_4bit: true}\n' } }],
    ['output_dir under /mnt', { configFile: 'c.yaml' }, /output_dir "\/mnt" cleans to \/mnt or escapes it \(Kaito rejects it\): use \/mnt\/<dir>/, { files: { 'c.yaml': 'training_config:\n  QuantizationConfig: {load_in_4bit: true}\n  TrainingArguments: {output_dir: /mnt}\n' } }],
    ['api version', { apiVersion: 'kaito.sh/v2' }, /--api-version kaito.sh\/v2/],
  ];
  for (const [rule, flags, re, c] of cases)
    it(rule, () => {
      expect(tuneProblems(flags, c).join('\n')).toMatch(re);
    });

  it('reports every problem at once', () => {
    const p = tuneProblems({ name: 'BAD', dataset: ['http://10.0.0.1/x'], pushSecret: undefined, epochs: 'x' });
    expect(p.length).toBeGreaterThanOrEqual(4);
  });

  it('--force turns a predicted misfit into a warning', () => {
    const { warnings } = tuneInputFromFlags({ ...tuneOk, preset: 'qwen2.5-coder-32b-instruct', method: 'lora', instanceType: 'Standard_NV36ads_A10_v5', force: true }, {}, ctxFor({}));
    expect(warnings.join('\n')).toMatch(/predicted not to fit.*--force: rendering anyway/);
  });

  it('flags win over kaito.yaml, whose values fill the gaps', () => {
    const { input } = tuneInputFromFlags({ preset: 'phi-4-mini-instruct', datasetPvc: 'flagdata' }, { preset: 'phi-3-mini-4k-instruct', method: 'lora', dataset: ['https://example.com/x'], outputPvc: 'out', instanceType: 'Standard_NC24ads_A100_v4' }, ctxFor({}));
    expect(input.preset).toBe('phi-4-mini-instruct');
    expect(input.method).toBe('lora');
    expect(input.dataset).toEqual({ kind: 'pvc', claim: 'flagdata' });
    expect(input.output).toEqual({ kind: 'pvc', claim: 'out' });
    expect(input.placement.instanceType).toBe('Standard_NC24ads_A100_v4');
  });

  it('default name is <preset>-<method> cut to a DNS-1123 label', () => {
    const { input } = tuneInputFromFlags({ ...tuneOk, preset: 'phi-3.5-mini-instruct', method: 'lora' }, {}, ctxFor({}));
    expect(input.name).toBe('phi-3-5-mini-instruct-lora');
  });
});

describe('deploy rules', () => {
  const cases: Array<[string, DeployFlags, RegExp, Parameters<typeof ctxFor>[0]?]> = [
    ['preset required', { preset: undefined }, /--preset is required/],
    ['unknown preset', { preset: 'llama-3-8b' }, /no such preset/],
    ['gated preset needs a secret', { preset: 'llama-3.1-8b-instruct' }, /gated on Hugging Face: pass --model-access-secret/],
    ['secret xor token stdin', { modelAccessSecret: 'hf', hfTokenStdin: true }, /only one of --model-access-secret and --hf-token-stdin/],
    ['runtime available for preset', { preset: 'gpt-oss-20b', runtime: 'transformers' }, /--runtime transformers is not available for gpt-oss-20b/],
    ['adapter syntax', { adapter: ['just-an-image:1'] }, /is not NAME=IMAGE/],
    ['adapter name label', { adapter: ['My_Adapter=myacr.azurecr.io/a:1'] }, /--adapter name "My_Adapter"/],
    ['adapter image', { adapter: ['a=UPPER/Case'] }, /--adapter a: image "UPPER\/Case"/],
    ['adapter names unique', { adapter: ['a=myacr.azurecr.io/a:1', 'a=myacr.azurecr.io/b:1'] }, /used twice/],
    ['at most 10 adapters', { adapter: Array.from({ length: 11 }, (_, i) => `a${i}=myacr.azurecr.io/a:${i}`) }, /at most 10 adapters/],
    ['vLLM rejects strength', { adapter: ['a=myacr.azurecr.io/a:1,strength=0.5'] }, /vLLM runtime does not accept an adapter strength/],
    ['strength range', { runtime: 'transformers', adapter: ['a=myacr.azurecr.io/a:1,strength=2'] }, /strength must be a number in \[0, 1\]/],
    ['adapter pull secret needs adapters', { adapterPullSecret: 'x' }, /--adapter-pull-secret needs --adapter/],
    ['from-tuning needs a cluster in render', { fromTuning: 'ws' }, /--from-tuning ws needs the cluster/],
    ['GPU misfit refused', { preset: 'llama-3.3-70b-instruct', modelAccessSecret: 'hf', instanceType: 'Standard_NV36ads_A10_v5', runtime: 'transformers' }, /predicted not to fit/],
    ['inference config YAML', { configFile: 'i.yaml' }, /invalid YAML/, { files: { 'i.yaml': 'a: [\n' } }],
    ['inference config mapping', { configFile: 'i.yaml' }, /must be a YAML mapping/, { files: { 'i.yaml': '- a\n' } }],
    ['name label', { name: 'x.y' }, /--name "x.y"/],
    ['labels', { labels: 'karpenter.kaito.sh/workspace-name=x' }, /reserved by Kaito/],
  ];
  for (const [rule, flags, re, c] of cases)
    it(rule, () => {
      expect(deployProblems(flags, c).join('\n')).toMatch(re);
    });

  it('with a resolved --from-tuning the adapter and preset come from the tuning workspace', () => {
    const { input } = deployInputFromFlags({}, {}, { ...ctxFor({}), renderOnly: false, fromTuning: { workspace: 'phi-tuned', preset: 'phi-3-mini-128k-instruct', image: 'myacr.azurecr.io/out:1' } });
    expect(input.preset).toBe('phi-3-mini-128k-instruct');
    expect(input.adapters).toEqual([{ name: 'phi-tuned', image: 'myacr.azurecr.io/out:1' }]);
  });
});
