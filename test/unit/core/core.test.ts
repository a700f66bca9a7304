import { describe, expect, it } from 'vitest';
import { fit, inferenceFit, trainingEstimate } from '../../../src/core/fit.js';
import { checkDatasetUrl, checkImageRef, didYouMean, toDnsLabel } from '../../../src/core/names.js';
import { getPreset, getSku, loadPresets, loadSkus, type Preset } from '../../../src/core/presets.js';
import { objectsToJSON, objectsToYAML, renderTuning, tuneInputFromFlags, type KubeObject } from '../../../src/core/render/index.js';
import { schemaProblems, WORKSPACE_SCHEMA } from '../../../src/core/schema.js';
import { workspaceAdmissionProblems, tuningConfigMapProblems } from '../../../src/core/validate.js';
import { ctxFor } from './render-helpers.js';

const TUNABLE = ['phi-3-mini-4k-instruct', 'phi-3-mini-128k-instruct', 'phi-3-medium-4k-instruct', 'phi-3-medium-128k-instruct', 'phi-3.5-mini-instruct', 'phi-4', 'phi-4-mini-instruct', 'qwen2.5-coder-7b-instruct', 'qwen2.5-coder-32b-instruct'];

describe('catalog', () => {
  it('holds exactly the tunable presets of Kaito and at least 13 inference-only ones (phi-3-small removed: compat R1)', () => {
    const all = loadPresets();
    expect(all.filter((p) => p.tunable).map((p) => p.name).sort()).toEqual([...TUNABLE].sort());
    expect(all.filter((p) => !p.tunable).length).toBeGreaterThanOrEqual(13);
    for (const p of all) for (const s of p.recommendedSkus) expect(getSku(s), `${p.name}: ${s}`).toBeDefined();
  });
  it('knows the SKU table with quota families', () => {
    expect(loadSkus()).toHaveLength(16);
    expect(getSku('standard_nc24ads_a100_v4')).toMatchObject({ gpus: 1, gpuMemoryGiB: 80, vcpus: 24, quotaFamily: 'standardNCADSA100v4Family' });
    expect(getSku('Standard_NV36ads_A10_v5')?.quotaFamily).toBe('standardNVADSA10v5Family');
    expect(getPreset('llama-3.3-70b-instruct')?.gated).toBe(true);
    expect(getPreset('phi-3-mini-128k-instruct')?.contextLength).toBe(131072);
  });
});

describe('fit', () => {
  const p = (n: string) => getPreset(n) as Preset;
  const s = (n: string) => getSku(n)!;
  it('follows the clear cases of Kaito guidance', () => {
    expect(fit(p('phi-3-mini-128k-instruct'), s('Standard_NV36ads_A10_v5'), 'qlora').verdict).toBe('fits');
    expect(fit(p('qwen2.5-coder-32b-instruct'), s('Standard_NV36ads_A10_v5'), 'lora').verdict).toBe('does-not-fit');
    expect(fit(p('phi-4'), s('Standard_NC24ads_A100_v4'), 'lora').verdict).toBe('fits');
    expect(fit(p('llama-3.3-70b-instruct'), s('Standard_NV36ads_A10_v5'), 'inference').verdict).toBe('does-not-fit');
    expect(fit(p('llama-3.3-70b-instruct'), s('Standard_NC96ads_A100_v4'), 'inference').verdict).toBe('fits');
  });
  it('uses the documented inference formula', () => {
    const r = inferenceFit(p('phi-4'), s('Standard_NV36ads_A10_v5'));
    expect(r.availableGiB).toBeCloseTo(24 * 0.84 - 2.3, 1);
    expect(r.requiredGiB).toBeCloseTo(1.02 * 27.3, 1);
    expect(r.verdict).toBe('does-not-fit');
  });
  it('qlora needs about a third of the lora weights memory', () => {
    const q = trainingEstimate(p('phi-4'), 'qlora');
    const l = trainingEstimate(p('phi-4'), 'lora');
    expect(q.weightsGiB / l.weightsGiB).toBeGreaterThan(0.3);
    expect(q.weightsGiB / l.weightsGiB).toBeLessThan(0.36);
    expect(trainingEstimate(p('phi-4'), 'lora', 4).activationsGiB).toBeGreaterThan(l.activationsGiB);
  });
});

describe('names', () => {
  it('cuts anything into a DNS-1123 label', () => {
    expect(toDnsLabel('phi-3.5-mini-instruct-qlora')).toBe('phi-3-5-mini-instruct-qlora');
    expect(toDnsLabel('-A_B-')).toBe('a-b');
    expect(toDnsLabel('x'.repeat(70) + '-y').length).toBeLessThanOrEqual(63);
  });
  it('accepts normal image references and refuses broken ones', () => {
    for (const ok of ['nginx', 'myacr.azurecr.io/a/b:1.0', 'localhost:5000/x@sha256:' + 'a'.repeat(64), 'ghcr.io/org/img_name:v1-rc.1']) expect(checkImageRef(ok), ok).toBeNull();
    for (const bad of ['', 'UPPER/x', 'a b', 'https://x.io/a', 'x:tag:tag']) expect(checkImageRef(bad), bad).not.toBeNull();
  });
  it('allows public URLs, refuses local ones textually', () => {
    expect(checkDatasetUrl('https://huggingface.co/datasets/x/resolve/main/a.parquet')).toBeNull();
    expect(checkDatasetUrl('http://[fe80::1]/x')).toMatch(/link-local/);
    expect(checkDatasetUrl('http://[fd00::1]/x')).toMatch(/private/);
    expect(checkDatasetUrl('http://metadata.google.internal/x')).toMatch(/metadata/);
    expect(checkDatasetUrl('http://172.20.0.1/x')).toMatch(/private/);
    expect(checkDatasetUrl('http://172.32.0.1/x')).toBeNull();
    expect(checkDatasetUrl('http://[::ffff:127.0.0.1]/x')).toMatch(/loopback/);
  });
  it('compat R7: Kaito 0.12 refuses what its webhook refuses; older releases only what is the pod itself', () => {
    // what Go's IsPrivate / IsLinkLocal* do not cover is accepted even on 0.12
    for (const ok of ['http://100.64.0.1/d.csv', 'http://168.63.129.16/d.csv', 'http://metadata.azure.com/d.csv', 'http://224.0.1.1/d.csv', 'http://[ff05::1]/d.csv'])
      expect(checkDatasetUrl(ok, '0.12'), ok).toBeNull();
    expect(checkDatasetUrl('http://224.0.0.251/d.csv', '0.12')).toMatch(/link-local multicast/);
    expect(checkDatasetUrl('http://[ff02::1]/d.csv', '0.12')).toMatch(/link-local multicast/);
    expect(checkDatasetUrl('http://metadata.google/d.csv', '0.12')).toMatch(/metadata.*Kaito 0\.12's webhook refuses/);
    for (const rel of ['0.6', '0.10', '0.11']) {
      for (const ok of ['http://10.1.2.3/d.csv', 'http://[fd00::1]/d.csv', 'http://169.254.169.254/d.csv', 'http://metadata.google.internal/d.csv'])
        expect(checkDatasetUrl(ok, rel), `${rel} ${ok}`).toBeNull();
      for (const bad of ['http://localhost/d.csv', 'http://127.0.0.1/d.csv', 'http://[::1]/d.csv', 'http://0.0.0.0/d.csv', 'ftp://x.io/d.csv'])
        expect(checkDatasetUrl(bad, rel), `${rel} ${bad}`).not.toBeNull();
    }
    expect(checkDatasetUrl('http://127.0.0.1/d.csv', '0.10')).toMatch(/the tuning pod itself/);
  });
  it('suggests near names', () => {
    expect(didYouMean('phi4', ['phi-4', 'phi-4-mini-instruct', 'gpt-oss-20b'])).toContain('phi-4');
  });
});

describe('schema and admission', () => {
  const ws = (): KubeObject => ({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'w' }, resource: { instanceType: 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: 'w' } } }, tuning: { preset: { name: 'phi-4' }, method: 'qlora', input: { urls: ['https://e.com/x'] }, output: { image: 'r/x:1', imagePushSecret: 's' } } });
  it('flags fields the API server would prune and wrong types', () => {
    const w = ws() as KubeObject & { tuning: Record<string, unknown> };
    w.tuning.output = { volume: {} };
    (w as Record<string, unknown>).spec = {};
    (w.resource as Record<string, unknown>).count = '1';
    const p = schemaProblems(w, WORKSPACE_SCHEMA).join('\n');
    expect(p).toMatch(/tuning.output.volume: unknown field/);
    expect(p).toMatch(/spec: unknown field/);
    expect(p).toMatch(/resource.count: must be an integer/);
  });
  it('applies each webhook rule', () => {
    const check = (mut: (w: Record<string, any>) => void, mode?: 'nap' | 'byo') => {
      const w = ws() as Record<string, any>;
      mut(w);
      return workspaceAdmissionProblems(w as KubeObject, { nodeProvisioning: mode }).join('\n');
    };
    expect(check(() => {})).toBe('');
    expect(check((w) => (w.metadata.name = 'Bad'))).toMatch(/metadata.name/);
    expect(check((w) => (w.inference = { preset: { name: 'x' } }))).toMatch(/exactly one of inference and tuning/);
    expect(check((w) => (w.resource.labelSelector.matchLabels = { 'kaito.sh/workspace': 'w' }))).toMatch(/needs at least one key Kaito does not reserve/);
    expect(check((w) => delete w.resource.instanceType, 'nap')).toMatch(/instanceType is required/);
    expect(check(() => {}, 'byo')).toMatch(/must be empty/);
    expect(check((w) => (w.tuning.method = 'full'))).toMatch(/method must be lora or qlora/);
    expect(check((w) => (w.tuning.input.image = 'x'))).toMatch(/exactly one of urls, image and volumeSource/);
    expect(check((w) => (w.tuning.input.urls = ['http://127.0.0.1/x']))).toMatch(/loopback/);
    expect(check((w) => (w.tuning.output = { image: 'x' }))).toMatch(/requires tuning.output.imagePushSecret/);
    expect(check((w) => (w.tuning.output = {}))).toMatch(/exactly one of image and volumeSource/);
    expect(check((w) => (w.resource.count = 2))).toMatch(/count must be at most 1/);
    const inf = (adapters: unknown[], runtime?: string) =>
      check((w) => {
        delete w.tuning;
        w.inference = { preset: { name: 'p' }, adapters };
        if (runtime) w.metadata.annotations = { 'kaito.sh/runtime': runtime };
      });
    expect(inf(Array.from({ length: 11 }, (_, i) => ({ source: { name: `a${i}`, image: 'x' } })))).toMatch(/at most 10/);
    expect(inf([{ source: { name: 'a' } }, { source: { name: 'a' } }])).toMatch(/duplicate adapter name/);
    expect(inf([{ source: { name: 'a', urls: ['https://x'] } }])).toMatch(/cannot use urls/);
    expect(inf([{ source: { name: 'a' }, strength: '0.5' }])).toMatch(/not supported by the vLLM runtime/);
    expect(inf([{ source: { name: 'a' }, strength: '0.5' }], 'transformers')).toBe('');
    expect(check((w) => { delete w.tuning; w.inference = { preset: { name: 'p' }, template: {} }; })).toMatch(/exactly one of preset and template/);
  });
  it('checks tuning ConfigMaps', () => {
    const cm = (text: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'training_config.yaml': text } });
    expect(tuningConfigMapProblems(cm('training_config:\n  QuantizationConfig: {load_in_4bit: true}\n'), 'qlora')).toEqual([]);
    expect(tuningConfigMapProblems(cm('training_config:\n  TrainingArguments: {output_dir: /tmp/x}\n'), 'lora').join()).toMatch(/under \/mnt/);
  });
});

describe('determinism and serialisation', () => {
  const flags = { preset: 'phi-4-mini-instruct', dataset: ['https://e.com/d.jsonl'], outputPvc: 'out', epochs: '2', labels: 'z=1,a=2' };
  it('same flags give the same bytes; key order is apiVersion, kind, metadata first', () => {
    const a = objectsToYAML(renderTuning(tuneInputFromFlags(flags, {}, ctxFor({})).input));
    const b = objectsToYAML(renderTuning(tuneInputFromFlags({ ...flags, labels: 'a=2,z=1' }, {}, ctxFor({})).input));
    expect(a).toBe(b);
    for (const doc of a.split('---\n')) expect(doc).toMatch(/^apiVersion: .*\nkind: .*\nmetadata:\n/);
  });
  it('-o json is a v1 List', () => {
    const j = JSON.parse(objectsToJSON(renderTuning(tuneInputFromFlags(flags, {}, ctxFor({})).input)));
    expect(j.kind).toBe('List');
    expect(j.items.map((o: KubeObject) => o.kind)).toEqual(['ConfigMap', 'Workspace']);
  });
});
