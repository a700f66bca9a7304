// The wizard's placement question follows what the cluster's Kaito can do (docs/kaito-compat.md C rows; KAITO.md §7):
// NAP on 0.11+ provisions its own node (a pre-created pool would idle), BYO runs on a pool the user names,
// and only where Kaito could do either (NAP up to 0.10, or an unknown cluster) is the user asked.
import { describe, expect, it } from 'vitest';
import { napIgnoresPools } from '../../../src/commands/init/sources.js';
import { fakeSources, runInit, SUB, tmpProject } from './helpers.js';

const URL_OK = 'https://huggingface.co/datasets/philschmid/dolly-15k-oai-style/resolve/main/data/train-00000-of-00001.parquet';
const IMAGE = 'myacr.azurecr.io/adapters/phi3:v1';

const upToPlacement = [
  { ask: /subscription/i, answer: SUB },
  { ask: /AKS cluster/, answer: 'rg-ml/aks-gpu' },
  { ask: /Kube context/, answer: '' },
  { ask: /Namespace/, answer: '' },
  { ask: /preset/i, answer: 'phi-3-mini-128k-instruct' },
  { ask: /method/i, answer: '' },
  { ask: /Dataset URL/, answer: URL_OK },
  { ask: /Image to push/, answer: IMAGE },
  { ask: /docker-registry Secret/, answer: 'acr-push' },
];

describe('kaito init placement per Kaito version and provisioning mode', () => {
  it('NAP on Kaito 0.12: no node pool question, Kaito provisions a node of the chosen size', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: fakeSources({ kaito: async () => ({ mode: 'nap', version: '0.12.0' }) }),
      answers: [...upToPlacement, { ask: /GPU VM size/, answer: 'Standard_NV36ads_A10_v5' }],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.remaining()).toBe(0);
    expect(r.prompter!.transcript.some((q) => /Where should/.test(q.message))).toBe(false);
    expect(r.stderr).toMatch(/Kaito 0\.12\.0 provisions a GPU node for each workspace/);
    expect(r.stderr).not.toMatch(/nodepool add/);
  });

  it('BYO: straight to the node pool, and a new pool is created first', async () => {
    const dir = tmpProject();
    const r = await runInit({
      dir,
      sources: fakeSources({ kaito: async () => ({ mode: 'byo', version: '0.12.0' }), azure: async () => ({ clusters: async () => [{ name: 'aks-gpu', resourceGroup: 'rg-ml' }] }) }),
      answers: [...upToPlacement, { ask: /Node pool name/, answer: 'gpu1' }],
    });
    expect(r.code).toBe(0);
    expect(r.prompter!.transcript.some((q) => /Where should/.test(q.message))).toBe(false);
    expect(r.stderr).toMatch(/brings its own GPU nodes \(Kaito BYO mode\)/);
    expect(r.stderr).toMatch(/BYO: Kaito uses the nodes you give it\)\n  kaito nodepool add gpu1 --instance-type /);
  });

  it('NAP on Kaito 0.10 (or an unknown cluster): the user chooses, and the pool choice says where it works', async () => {
    for (const kaito of [async () => ({ mode: 'nap' as const, version: '0.10.0' }), async () => undefined]) {
      const dir = tmpProject();
      const r = await runInit({ dir, sources: fakeSources({ kaito }), answers: [...upToPlacement, { ask: /Where should/, answer: 'instanceType' }, { ask: /GPU VM size/, answer: 'Standard_NV36ads_A10_v5' }] });
      expect(r.code).toBe(0);
      const q = r.prompter!.transcript.find((x) => /Where should/.test(x.message));
      expect(q).toBeDefined();
    }
  });

  it('napIgnoresPools: only NAP on 0.11 and newer', () => {
    expect(napIgnoresPools({ mode: 'nap', version: '0.11.0' })).toBe(true);
    expect(napIgnoresPools({ mode: 'nap', version: '0.12.3' })).toBe(true);
    expect(napIgnoresPools({ mode: 'nap', version: '0.10.0' })).toBe(false);
    expect(napIgnoresPools({ mode: 'nap', version: '0.6.0' })).toBe(false);
    expect(napIgnoresPools({ mode: 'byo', version: '0.12.0' })).toBe(false);
    expect(napIgnoresPools({ mode: 'nap' })).toBe(false);
    expect(napIgnoresPools(undefined)).toBe(false);
  });
});
