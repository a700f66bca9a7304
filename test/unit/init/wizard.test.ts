import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/config/project.js';
import { UsageError } from '../../../src/errors.js';
import { fakeSources, runInit, SUB, tmpProject } from './helpers.js';

const URL_OK = 'https://huggingface.co/datasets/philschmid/dolly-15k-oai-style/resolve/main/data/train-00000-of-00001.parquet';
const IMAGE = 'myacr.azurecr.io/adapters/phi3:v1';

function written(dir: string) {
  return parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8'));
}

describe('kaito init wizard (scripted answers)', () => {
  it('asks everything with lists from Azure and the cluster, and writes kaito.yaml', async () => {
    const dir = tmpProject();
    const sources = fakeSources();
    const r = await runInit({
      dir,
      sources,
      answers: [
        { ask: /subscription/i, answer: SUB },
        { ask: /AKS cluster/, answer: 'rg-ml/aks-gpu' },
        { ask: /Kube context/, answer: '' }, // default: the context named after the cluster
        { ask: /Namespace/, answer: '' }, // default: that context's namespace
        { ask: /preset/i, answer: 'phi-3-mini-128k-instruct' },
        { ask: /method/i, answer: '' }, // qlora
        { ask: /Dataset URL/, answer: URL_OK },
        { ask: /Image to push/, answer: IMAGE },
        { ask: /docker-registry Secret/, answer: 'acr-push' },
        { ask: /Where should/, answer: 'instanceType' },
        { ask: /GPU VM size/, answer: 'Standard_NV36ads_A10_v5' },
      ],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.remaining()).toBe(0);
    expect(written(dir)).toEqual({
      cluster: { subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', kubeContext: 'aks-gpu', namespace: 'ml' },
      tune: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
    });
    expect(sources.datasetChecks).toEqual([URL_OK]);
    // the checker's note is printed after the answer, never while the prompt is drawn
    expect(r.stderr).toContain('  ✓ 120 records (messages)');
    const t = r.prompter!.transcript;
    // hints: clusters with their resource group and region, presets with size and fit, SKUs with fit and quota
    expect(t.find((q) => /AKS cluster/.test(q.message))!.choices).toEqual([
      'aks-dev  (resource group rg-dev, westeurope)',
      'aks-gpu  (resource group rg-ml, eastus)',
      'another cluster (type its name)',
    ]);
    expect(t.find((q) => /Kube context/.test(q.message))!.default).toBe('aks-gpu');
    const presets = t.find((q) => /preset/i.test(q.message))!.choices!;
    expect(presets).toHaveLength(9);
    expect(presets.find((c) => c.startsWith('phi-3-mini-128k-instruct'))).toMatch(/3\.8B\s+7\.1 GiB\s+qlora ~\d+(\.\d)? GiB, fits A10 24 GiB/);
    // issue 17 item 12: the same answer as `kaito presets show phi-4` (QLoRA 16.3 GiB fits Standard_NV36ads_A10_v5)
    expect(presets.find((c) => c.startsWith('phi-4 '))).toMatch(/qlora ~16\.3 GiB, fits A10 24 GiB$/);
    const skus = t.find((q) => /GPU VM size/.test(q.message))!.choices!;
    expect(skus.find((c) => c.startsWith('Standard_NV36ads_A10_v5'))).toMatch(/1x A10 24 GiB\s+fits\s+recommended\s+quota 36\/72 vCPUs free/);
    expect(skus.find((c) => c.startsWith('Standard_NC24ads_A100_v4'))).toMatch(/quota 0\/0 vCPUs free \(too little: request more\)/);
    // next steps on stderr, nothing on stdout
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('✓ wrote kaito.yaml');
    expect(r.stderr).toMatch(/kaito doctor/);
    expect(r.stderr).toMatch(/# submit phi-3-mini-128k-instruct-qlora and follow it to the end\n  kaito tune --wait\n/);
    expect(r.stderr).toMatch(/kaito deploy --from-tuning phi-3-mini-128k-instruct-qlora --wait/);
    expect(r.stderr).not.toMatch(/nodepool add/);
    expect(r.stderr).not.toMatch(/create secret/);
  });

  it('asks only what the flags did not give', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: fakeSources(),
      globals: { subscription: SUB, resourceGroup: 'rg-ml', cluster: 'aks-gpu', context: 'aks-gpu', namespace: 'tuning' },
      flags: { preset: 'phi-4-mini-instruct', outputImage: IMAGE, pushSecret: 'acr-push' },
      answers: [
        { ask: /method/i, answer: 'lora' },
        { ask: /Dataset URL/, answer: URL_OK },
        { ask: /Where should/, answer: 'instanceType' },
        { ask: /GPU VM size/, answer: '' },
      ],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.transcript.map((q) => q.message)).toEqual([
      'Tuning method',
      expect.stringMatching(/^Dataset URL/),
      'Where should the tuning job run?',
      'GPU VM size',
    ]);
    const c = written(dir);
    expect(c.cluster).toEqual({ subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', kubeContext: 'aks-gpu', namespace: 'tuning' });
    expect(c.tune).toMatchObject({ preset: 'phi-4-mini-instruct', method: 'lora', pushSecret: 'acr-push' });
    // the default VM size is the smallest recommended one the model fits
    expect(c.tune!.instanceType).toMatch(/^Standard_/);
  });

  it('re-asks an invalid answer with the validator message', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: fakeSources({ azure: async () => undefined, pushSecrets: async () => undefined }),
      answers: [
        'my-subscription', SUB,
        'rg ml', 'rg-ml',
        'aks.gpu', 'aks-gpu',
        '', // context: the one named after the cluster
        'Tuning_NS', 'tuning',
        'phi-3-mini-128k-instruct', 'qlora',
        'ftp://example.com/d.parquet', 'http://169.254.169.254/latest', 'https://example.com/broken.jsonl', `${URL_OK}?sig=abc`, URL_OK,
        'MyACR/Adapter Image', IMAGE,
        'Push_Secret', 'acr-push',
        'nodepool', 'GPU-pool-1', 'gpu1',
      ],
    });
    expect(r.code).toBe(0);
    const refused = r.prompter!.transcript.filter((q) => q.error).map((q) => [q.answer, q.error]);
    expect(refused).toEqual([
      ['my-subscription', expect.stringMatching(/must be a subscription ID/)],
      ['rg ml', expect.stringMatching(/may contain only letters/)],
      ['aks.gpu', expect.stringMatching(/may contain only letters/)],
      ['Tuning_NS', expect.stringMatching(/lower-case letters, digits and "-"/)],
      ['ftp://example.com/d.parquet', expect.stringMatching(/only http and https/)],
      ['http://169.254.169.254/latest', expect.stringMatching(/cloud metadata/)],
      ['https://example.com/broken.jsonl', 'is not a dataset Kaito can train on: 3 error(s)'],
      [`${URL_OK}?sig=abc`, expect.stringMatching(/kaito\.yaml never holds secrets/)],
      ['MyACR/Adapter Image', expect.stringMatching(/image reference|spaces/)],
      ['Push_Secret', expect.stringMatching(/lower-case/)],
      ['GPU-pool-1', expect.stringMatching(/1-12 lower-case letters and digits/)],
    ]);
    const c = written(dir);
    expect(c.cluster).toMatchObject({ subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', namespace: 'tuning' });
    expect(c.tune).toMatchObject({ dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', nodepool: 'gpu1' });
    expect(c.tune!.instanceType).toBeUndefined();
    // a pool the wizard could not find comes first in the next steps
    expect(r.stderr).toMatch(/kaito nodepool add gpu1 --instance-type Standard_NV36ads_A10_v5/);
  });

  it('does not offer VM sizes the model does not fit, and lists node pools with their fit', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: fakeSources(),
      globals: { subscription: SUB, resourceGroup: 'rg-ml', cluster: 'aks-gpu', context: 'aks-gpu', namespace: 'ml' },
      flags: { preset: 'qwen2.5-coder-32b-instruct', method: 'lora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push' },
      answers: ['instanceType', 'Standard_NV36ads_A10_v5', 'Standard_NC24ads_A100_v4'],
    });
    // 32B in bf16 is ~60 GiB: the A10 is shown but refused with the reason
    const t = r.prompter!.transcript;
    expect(t[1].error).toMatch(/needs ~\d+(\.\d)? GiB per GPU, has 24/);
    expect(t[1].choices!.find((c) => c.startsWith('Standard_NV36ads_A10_v5'))).toMatch(/does-not-fit.*\(disabled\)$/);
    expect(r.code).toBe(0);
    expect(written(dir).tune!.instanceType).toBe('Standard_NC24ads_A100_v4');

    const dir2 = tmpProject();
    const r2 = await runInit({
      dir: dir2,
      sources: fakeSources(),
      globals: { subscription: SUB, resourceGroup: 'rg-ml', cluster: 'aks-gpu', context: 'aks-gpu', namespace: 'ml' },
      flags: { preset: 'phi-3-mini-128k-instruct', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push' },
      answers: ['', 'nodepool', 'gpua10'],
    });
    const pools = r2.prompter!.transcript[2].choices!;
    expect(pools).toEqual([
      'system  (Standard_D4s_v5) (disabled)',
      'gpua10  (Standard_NV36ads_A10_v5, fits)',
      'ws4f1c2a9e0  (Standard_NV36ads_A10_v5, fits) (disabled)',
      'a new node pool (type its name)',
    ]);
    expect(written(dir2).tune).toMatchObject({ nodepool: 'gpua10' });
    expect(r2.stderr).not.toMatch(/nodepool add/);
  });

  it('warns when the namespace it writes does not exist, and the next steps create it first (issue 17 item 4)', async () => {
    const dir = tmpProject();
    const asked: string[] = [];
    const r = await runInit({
      dir,
      sources: fakeSources({ namespaceExists: async (_c, ns) => (asked.push(ns), ns !== 'tuning') }),
      globals: { subscription: SUB, resourceGroup: 'rg-ml', cluster: 'aks-gpu', context: 'aks-gpu', namespace: 'tuning' },
      flags: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
      answers: [],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual(['tuning']);
    expect(r.stderr).toMatch(/warning: namespace tuning does not exist yet: create it with `kubectl create namespace tuning`/);
    expect(r.stderr).toMatch(/# the namespace tuning does not exist yet\n  kubectl create namespace tuning\n  # check kube access/);
  });

  it('types the cluster in when Azure is not reachable, and skips the context without a kubeconfig', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: { azure: async () => undefined, kubeContexts: async () => undefined },
      flags: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
      answers: [SUB, 'rg-ml', 'aks-gpu', ''],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.transcript.map((q) => q.message)).toEqual(['Azure subscription ID', 'Resource group of the AKS cluster', 'AKS cluster name', 'Namespace for the workspaces']);
    expect(r.stderr).toMatch(/Azure is not reachable/);
    expect(r.stderr).toMatch(/no kubeconfig found/);
    expect(written(dir).cluster).toEqual({ subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', namespace: 'default' });
  });

  it('offers environment values as defaults', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      env: { AZURE_SUBSCRIPTION_ID: SUB, AZURE_RESOURCE_GROUP: 'rg-env', KAITO_CLUSTER: 'aks-env' },
      sources: {},
      flags: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
      answers: ['', '', '', ''],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.transcript.map((q) => q.default)).toEqual([SUB, 'rg-env', 'aks-env', 'default']);
    expect(written(dir).cluster).toMatchObject({ subscription: SUB, resourceGroup: 'rg-env', name: 'aks-env' });
  });

  it('refuses bad flags before asking anything, all problems at once', async () => {
    const dir = tmpProject();
    const p = runInit({
      dir,
      sources: fakeSources(),
      globals: { subscription: 'nope', namespace: 'Bad_NS' },
      flags: { preset: 'mistral-7b', dataset: ['http://localhost/x.jsonl'], instanceType: 'Standard_D4s_v5', nodepool: 'gpu' },
      answers: [],
    });
    const e = (await p.catch((x: unknown) => x)) as UsageError;
    expect(e).toBeInstanceOf(UsageError);
    expect(e.exitCode).toBe(2);
    expect(e.problems).toEqual([
      expect.stringMatching(/^--subscription "nope" must be a subscription ID/),
      expect.stringMatching(/^--namespace "Bad_NS" must be lower-case/),
      expect.stringMatching(/^--preset "mistral-7b" cannot be tuned \(inference only\); tunable presets: phi-3-medium-128k-instruct/),
      expect.stringMatching(/^--instance-type "Standard_D4s_v5" is not a GPU size Kaito supports/),
      expect.stringMatching(/^--dataset "http:\/\/localhost\/x\.jsonl" points at localhost/),
      '--instance-type and --nodepool both give the placement: pass only one',
    ]);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
  });

  it('refuses a --context that the kubeconfig does not have', async () => {
    const e = (await runInit({ dir: tmpProject(), sources: fakeSources(), globals: { context: 'prod' }, answers: [] }).catch((x: unknown) => x)) as UsageError;
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('--context "prod" is not a context of /home/me/.kube/config');
    expect(e.hint).toBe('use one of: kind-local, aks-gpu');
  });
});

describe('kaito init and an existing kaito.yaml', () => {
  const EXISTING = [
    'cluster:',
    `  subscription: ${SUB}`,
    '  resourceGroup: rg-old',
    '  name: aks-old',
    '  nodeProvisioning: byo',
    'tune:',
    '  preset: phi-3-mini-4k-instruct',
    '  method: lora',
    `  dataset: [${URL_OK}]`,
    `  outputImage: ${IMAGE}`,
    '  pushSecret: old-push',
    '  nodepool: oldpool',
    '  labels: {team: nlp}',
    'deploy:',
    '  runtime: transformers',
    '',
  ].join('\n');

  it('asks before overwriting; "no" changes nothing', async () => {
    const dir = tmpProject();
    writeFileSync(join(dir, 'kaito.yaml'), EXISTING);
    const r = await runInit({ dir, sources: fakeSources(), answers: [{ ask: /already exists\. Overwrite/, answer: false }] });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/kept kaito\.yaml; nothing was changed/);
    expect(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).toBe(EXISTING);
  });

  it('"yes" re-asks with the old values as defaults and keeps what init does not ask about', async () => {
    const dir = tmpProject();
    writeFileSync(join(dir, 'kaito.yaml'), EXISTING);
    const r = await runInit({
      dir,
      sources: fakeSources({ azure: async () => undefined, kubeContexts: async () => undefined, pushSecrets: async () => undefined }),
      flags: { instanceType: 'Standard_NC24ads_A100_v4' },
      answers: [true, '', '', '', '', '', '', '', '', ''],
    });
    expect(r.code).toBe(0);
    const c = written(dir);
    expect(c).toEqual({
      cluster: { subscription: SUB, resourceGroup: 'rg-old', name: 'aks-old', namespace: 'default', nodeProvisioning: 'byo' },
      tune: { preset: 'phi-3-mini-4k-instruct', method: 'lora', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'old-push', instanceType: 'Standard_NC24ads_A100_v4', labels: { team: 'nlp' } },
      deploy: { runtime: 'transformers' },
    });
  });

  it('--force overwrites without asking', async () => {
    const dir = tmpProject();
    writeFileSync(join(dir, 'kaito.yaml'), 'this: is: not: valid\n');
    const r = await runInit({
      dir,
      interactive: false,
      globals: { subscription: SUB, resourceGroup: 'rg', cluster: 'aks' },
      flags: { force: true, preset: 'phi-3-mini-128k-instruct', outputPvc: 'adapters', datasetPvc: 'data', nodepool: 'gpu' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/is not valid .*its values are not reused/);
    expect(written(dir).tune).toEqual({ preset: 'phi-3-mini-128k-instruct', method: 'qlora', datasetPvc: 'data', outputPvc: 'adapters', nodepool: 'gpu' });
  });
});

describe('kaito init without a prompter (--no-input, CI, no TTY)', () => {
  const ALL = { preset: 'phi-3-mini-128k-instruct', dataset: [URL_OK], outputImage: IMAGE, pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' };

  it('names every missing flag and writes nothing', async () => {
    const dir = tmpProject();
    const e = (await runInit({ dir, interactive: false, globals: { input: false } }).catch((x: unknown) => x)) as UsageError;
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('kaito init cannot ask (--no-input); pass --subscription, --resource-group, --cluster, --preset, --dataset, --output-image, --instance-type');
    expect(e.problems).toHaveLength(7);
    expect(existsSync(join(dir, 'kaito.yaml'))).toBe(false);
    const e2 = (await runInit({ dir, interactive: false, globals: { subscription: SUB, resourceGroup: 'rg', cluster: 'aks' }, flags: { ...ALL, pushSecret: undefined } }).catch((x: unknown) => x)) as UsageError;
    expect(e2.message).toMatch(/pass --push-secret$/);
  });

  it('says why it cannot ask', async () => {
    const ci = (await runInit({ dir: tmpProject(), interactive: false, env: { CI: 'true' } }).catch((x: unknown) => x)) as UsageError;
    expect(ci.message).toMatch(/^kaito init cannot ask \(CI is set\)/);
    const tty = (await runInit({ dir: tmpProject(), interactive: false }).catch((x: unknown) => x)) as UsageError;
    expect(tty.message).toMatch(/^kaito init cannot ask \(stdin is not a terminal\)/);
  });

  it('takes the environment as answers, checks them, and writes silently', async () => {
    const dir = tmpProject();
    const r = await runInit({ dir, interactive: false, env: { AZURE_SUBSCRIPTION_ID: SUB, KAITO_RESOURCE_GROUP: 'rg', KAITO_CLUSTER: 'aks' }, flags: ALL });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('✓ wrote kaito.yaml');
    expect(written(dir).cluster).toEqual({ subscription: SUB, resourceGroup: 'rg', name: 'aks' });
    const bad = (await runInit({ dir: tmpProject(), interactive: false, env: { AZURE_SUBSCRIPTION_ID: 'x', KAITO_RESOURCE_GROUP: 'rg', KAITO_CLUSTER: 'aks' }, flags: ALL }).catch((x: unknown) => x)) as UsageError;
    expect(bad.message).toMatch(/^subscription \(from AZURE_SUBSCRIPTION_ID\) "x" must be a subscription ID/);
  });

  it('an existing file without --force is a usage error', async () => {
    const dir = tmpProject();
    writeFileSync(join(dir, 'kaito.yaml'), 'workspace: x\n');
    const e = (await runInit({ dir, interactive: false, globals: { subscription: SUB, resourceGroup: 'rg', cluster: 'aks' }, flags: ALL }).catch((x: unknown) => x)) as UsageError;
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('kaito.yaml already exists');
    expect(e.hint).toMatch(/--force/);
    expect(readFileSync(join(dir, 'kaito.yaml'), 'utf8')).toBe('workspace: x\n');
  });

  it('-o json prints the written config on stdout', async () => {
    const dir = tmpProject();
    const r = await runInit({ dir, interactive: false, globals: { subscription: SUB, resourceGroup: 'rg', cluster: 'aks', output: 'json', config: 'cfg/kaito.yaml' }, flags: { ...ALL, workspace: 'my-tune' } }).catch((e: unknown) => e);
    // the folder of --config must exist: a usage error naming it, not a stack
    expect(r).toBeInstanceOf(UsageError);
    expect((r as UsageError).message).toMatch(/folder .*cfg does not exist/);
    const r2 = await runInit({ dir, interactive: false, globals: { subscription: SUB, resourceGroup: 'rg', cluster: 'aks', output: 'json' }, flags: { ...ALL, workspace: 'my-tune' } });
    expect(JSON.parse(r2.stdout)).toMatchObject({ tune: { name: 'my-tune' }, workspace: 'my-tune' });
  });
});
