// compat R20: content-named training ConfigMap (a changed config is a new tuning.config, so Kaito re-runs);
// compat R20a: an adapter trained with r > 16 gets vllm max-lora-rank in the inference config.
import { describe, expect, it } from 'vitest';
import { renderTuning, tuneInputFromFlags, type TuneFlags } from '../../../src/core/render/index.js';
import { withMaxLoraRank } from '../../../src/core/render/inference.js';
import { yamlLib } from '../../../src/core/yaml-lib.js';
import { ctxFor } from './render-helpers.js';

const base: TuneFlags = { preset: 'phi-3-mini-128k-instruct', name: 't1', dataset: ['https://example.com/d.parquet'], outputImage: 'r.example/a:1', pushSecret: 'push', instanceType: 'Standard_NV36ads_A10_v5' };
const render = (extra: Partial<TuneFlags>) => renderTuning(tuneInputFromFlags({ ...base, ...extra }, {}, ctxFor({})).input);

describe('tuning ConfigMap name carries its content hash (compat R20)', () => {
  it('names the ConfigMap <ws>-tuning-<8 hex>, labels it with the workspace and points tuning.config at it', () => {
    const [cm, ws] = render({ epochs: '2' });
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toMatch(/^t1-tuning-[0-9a-f]{8}$/);
    expect(cm.metadata.labels?.['kaito.sh/workspace']).toBe('t1');
    expect((ws.tuning as { config: string }).config).toBe(cm.metadata.name);
  });
  it('is deterministic, and a changed training flag changes the name (new revision in Kaito)', () => {
    expect(render({ epochs: '2' })[0].metadata.name).toBe(render({ epochs: '2' })[0].metadata.name);
    expect(render({ epochs: '3' })[0].metadata.name).not.toBe(render({ epochs: '2' })[0].metadata.name);
  });
});

describe('max-lora-rank for adapters trained with r > 16 (compat R20a)', () => {
  it('adds nothing for r <= 16 or unknown r', () => {
    expect(withMaxLoraRank(undefined, 8)).toBeUndefined();
    expect(withMaxLoraRank(undefined, 16)).toBeUndefined();
    expect(withMaxLoraRank('vllm:\n  max-model-len: 1024\n', undefined)).toBe('vllm:\n  max-model-len: 1024\n');
  });
  it('picks the smallest vLLM rank >= r', () => {
    expect(yamlLib().parse(withMaxLoraRank(undefined, 32)!)).toEqual({ vllm: { 'max-lora-rank': 32 } });
    expect(yamlLib().parse(withMaxLoraRank(undefined, 17)!)).toEqual({ vllm: { 'max-lora-rank': 32 } });
    expect(yamlLib().parse(withMaxLoraRank(undefined, 100)!)).toEqual({ vllm: { 'max-lora-rank': 128 } });
  });
  it('merges into a --config-file, keeping its keys, and respects a rank that is already large enough', () => {
    expect(yamlLib().parse(withMaxLoraRank('vllm:\n  max-model-len: 1024\nother: 1\n', 64)!)).toEqual({ vllm: { 'max-model-len': 1024, 'max-lora-rank': 64 }, other: 1 });
    expect(withMaxLoraRank('vllm:\n  max-lora-rank: 128\n', 64)).toBe('vllm:\n  max-lora-rank: 128\n');
  });
});
