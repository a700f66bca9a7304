// compat A30: the webhook's tuning ConfigMap lookup and training_config.yaml checks (v0.12 tuning_config_validation.go).
import { describe, expect, it } from 'vitest';
import { validateWorkspace } from '../../../../src/sandbox/kube/admission.js';
import type { KObject } from '../../../../src/sandbox/store.js';

const ws = (tuning: Record<string, unknown>): KObject =>
  ({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'w', namespace: 'ml' }, resource: { instanceType: 'Standard_NV36ads_A10_v5', labelSelector: { matchLabels: { a: 'b' } } },
    tuning: { preset: { name: 'phi-3-mini-128k-instruct' }, method: 'qlora', input: { urls: ['https://example.com/d.parquet'] }, output: { image: 'r.example/a:1', imagePushSecret: 'p' }, ...tuning } }) as KObject;
const cm = (text: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'training_config.yaml': text } }) as KObject;
const QLORA = 'training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n  TrainingArguments:\n    output_dir: /mnt/results\n';
const store = (m: Record<string, KObject>) => (ns: string, name: string) => m[`${ns}/${name}`];
const msgs = (k: KObject, l: ReturnType<typeof store>) => validateWorkspace(k, 'nap', { lookup: l }).map((c) => `${c.field}: ${c.message}`);

describe('tuning ConfigMap admission (compat A30)', () => {
  it('rejects a tuning.config that does not exist in the workspace namespace', () => {
    expect(msgs(ws({ config: 'mine' }), store({}))).toEqual(["tuning.config: ConfigMap 'mine' specified in 'config' not found in namespace 'ml'"]);
  });
  it('without tuning.config checks <method>-params-template in kube-system', () => {
    expect(msgs(ws({}), store({ 'kube-system/qlora-params-template': cm(QLORA) }))).toEqual([]);
    expect(msgs(ws({}), store({}))[0]).toMatch(/qlora-params-template.*not found in namespace 'kube-system'/);
  });
  it('accepts a valid ConfigMap and ignores other top-level keys', () => {
    expect(msgs(ws({ config: 'c' }), store({ 'ml/c': cm(QLORA + 'extra: 1\n') }))).toEqual([]);
  });
  it('checks sections, quantization per method and output_dir', () => {
    expect(msgs(ws({ config: 'c' }), store({ 'ml/c': cm('training_config:\n  Bogus: {}\n') })).join('\n')).toMatch(/Unrecognized section: Bogus[\s\S]*qlora/);
    expect(msgs(ws({ config: 'c', method: 'lora' }), store({ 'ml/c': cm(QLORA) }))[0]).toMatch(/method 'lora'.*must not be true/);
    expect(msgs(ws({ config: 'c' }), store({ 'ml/c': cm('training_config:\n  QuantizationConfig:\n    load_in_4bit: true\n    load_in_8bit: true\n') }))[0]).toMatch(/Cannot set both/);
    expect(msgs(ws({ config: 'c' }), store({ 'ml/c': cm(QLORA.replace('/mnt/results', '../etc')) }))[0]).toMatch(/Invalid output_dir/);
    expect(msgs(ws({ config: 'c' }), store({ 'ml/c': cm('other: 1\n') }))[0]).toMatch(/training_config' key to contain a map/);
  });
  it('without a lookup (updates) nothing is read', () => {
    expect(validateWorkspace(ws({ config: 'gone' }), 'nap')).toEqual([]);
  });
});
