// The golden cases: every tunable preset x method, and a spread of inference features.
import { loadPresets } from '../../../src/core/presets.js';
import type { DeployFlags, TuneFlags } from '../../../src/core/render/index.js';

export type GoldenCase =
  | { name: string; kind: 'tune'; flags: TuneFlags; mode?: 'nap' | 'byo'; namespace?: string; files?: Record<string, string> }
  | { name: string; kind: 'deploy'; flags: DeployFlags; mode?: 'nap' | 'byo'; namespace?: string; files?: Record<string, string> };

const tuneBase: TuneFlags = { dataset: ['https://example.com/data/dolly-15k-oai-style.parquet'], outputImage: 'myacr.azurecr.io/adapters/out:1', pushSecret: 'acr-push' };

export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  for (const p of loadPresets().filter((x) => x.tunable))
    for (const m of p.methods) cases.push({ name: `tune-${p.name}-${m}`, kind: 'tune', flags: { ...tuneBase, preset: p.name, method: m, force: true, instanceType: 'Standard_NC24ads_A100_v4' } });
  cases.push(
    { name: 'tune-params-configmap', kind: 'tune', namespace: 'ml', flags: { ...tuneBase, preset: 'phi-3-mini-128k-instruct', epochs: '3', maxSteps: '500', learningRate: '0.0002', batchSize: '2', loraR: '16', loraAlpha: '32', loraDropout: '0.05', targetModules: 'qkv_proj,o_proj' } },
    { name: 'tune-config-file', kind: 'tune', flags: { ...tuneBase, preset: 'qwen2.5-coder-7b-instruct', method: 'lora', configFile: 'train.yaml', epochs: '1' }, files: { 'train.yaml': 'training_config:\n  QuantizationConfig:\n    load_in_4bit: false\n  TrainingArguments:\n    output_dir: /mnt/results/run1\n    save_strategy: "no"\n' } },
    { name: 'tune-image-dataset-pvc-output', kind: 'tune', flags: { preset: 'phi-3.5-mini-instruct', datasetImage: 'myacr.azurecr.io/data:1', datasetPullSecret: 'acr-pull', outputPvc: 'adapters', tuningConfig: 'my-params', labels: 'team=ml' } },
    { name: 'tune-pvc-dataset-registry-user', kind: 'tune', flags: { preset: 'phi-4-mini-instruct', datasetPvc: 'data', outputImage: 'myacr.azurecr.io/out:2', registryUsername: 'bot', registryPasswordStdin: true } },
    { name: 'tune-nodepool-nap', kind: 'tune', flags: { ...tuneBase, preset: 'phi-3-mini-4k-instruct', nodepool: 'gpua10', instanceType: 'Standard_NV36ads_A10_v5' } },
    { name: 'tune-nodepool-byo', kind: 'tune', mode: 'byo', flags: { ...tuneBase, preset: 'phi-3-mini-4k-instruct', nodepool: 'gpua10' } },
    { name: 'tune-v1alpha1', kind: 'tune', flags: { ...tuneBase, preset: 'phi-3-mini-4k-instruct', apiVersion: 'kaito.sh/v1alpha1' } },
    { name: 'deploy-phi-4-mini-default', kind: 'deploy', flags: { preset: 'phi-4-mini-instruct' } },
    { name: 'deploy-adapters', kind: 'deploy', flags: { preset: 'phi-3-mini-128k-instruct', adapter: ['support=myacr.azurecr.io/adapters/support:1', 'sql=myacr.azurecr.io/adapters/sql:2'], adapterPullSecret: 'acr-pull', instanceType: 'Standard_NV36ads_A10_v5' } },
    { name: 'deploy-transformers-strength', kind: 'deploy', flags: { preset: 'phi-3-mini-4k-instruct', runtime: 'transformers', adapter: ['a=myacr.azurecr.io/a:1,strength=0.7'] } },
    { name: 'deploy-gated-secret', kind: 'deploy', flags: { preset: 'llama-3.1-8b-instruct', modelAccessSecret: 'hf-token', instanceType: 'Standard_NC24ads_A100_v4' } },
    { name: 'deploy-gated-hf-token-stdin', kind: 'deploy', flags: { preset: 'gemma-3-27b-instruct', hfTokenStdin: true, name: 'gemma' } },
    { name: 'deploy-load-balancer', kind: 'deploy', namespace: 'serving', flags: { preset: 'mistral-7b-instruct', loadBalancer: true, runtime: 'vllm' } },
    { name: 'deploy-v1alpha1', kind: 'deploy', flags: { preset: 'deepseek-r1-distill-qwen-14b', apiVersion: 'kaito.sh/v1alpha1', instanceType: 'Standard_NC24ads_A100_v4' } },
    { name: 'deploy-nodepool-nap', kind: 'deploy', flags: { preset: 'qwen2.5-coder-7b-instruct', nodepool: 'gpu', instanceType: 'Standard_NC24ads_A100_v4', labels: 'env=prod' } },
    { name: 'deploy-nodepool-byo', kind: 'deploy', mode: 'byo', flags: { preset: 'qwen2.5-coder-7b-instruct', nodepool: 'gpu' } },
    { name: 'deploy-large-multi-gpu', kind: 'deploy', flags: { preset: 'llama-3.3-70b-instruct', modelAccessSecret: 'hf-token', instanceType: 'Standard_NC96ads_A100_v4' } },
    { name: 'deploy-inference-config', kind: 'deploy', flags: { preset: 'gpt-oss-20b', configFile: 'inference.yaml' }, files: { 'inference.yaml': 'vllm:\n  max-model-len: 8192\n  gpu-memory-utilization: 0.9\n' } },
    { name: 'deploy-hf-id', kind: 'deploy', flags: { preset: 'Qwen/Qwen3-0.6B', instanceType: 'Standard_NV36ads_A10_v5' } },
  );
  return cases;
}
