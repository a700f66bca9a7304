import { describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';

describe('kaito presets', () => {
  it('list --tunable shows exactly the tunable presets; -o json/name work', async () => {
    const r = await kaito(['presets', 'list', '--tunable', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(9);
    const j = await kaito(['presets', 'list', '-o', 'json']);
    const doc = JSON.parse(j.stdout);
    expect(doc.presets.length).toBeGreaterThanOrEqual(22);
    // compat R1: phi-3-small has no preset in any Kaito tag
    expect(doc.presets.map((p: { name: string }) => p.name).filter((n: string) => n.startsWith('phi-3-small'))).toEqual([]);
    expect(doc.presets.find((p: { name: string }) => p.name === 'llama-3.3-70b-instruct').gated).toBe(true);
    const t = await kaito(['presets', 'list']);
    expect(t.stdout).toMatch(/^NAME\s+TUNABLE\s+WEIGHTS/);
  });

  it('show prints fit verdicts per SKU and how they are estimated', async () => {
    const r = await kaito(['presets', 'show', 'phi-3-mini-128k-instruct']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Standard_NV36ads_A10_v5 \*\s+fits/);
    expect(r.stdout).toContain('arXiv:2305.14314');
    const j = JSON.parse((await kaito(['presets', 'show', 'qwen2.5-coder-32b-instruct', '-o', 'json'])).stdout);
    const a10 = j.fit.find((f: { sku: string }) => f.sku === 'Standard_NV36ads_A10_v5');
    expect(a10.lora.verdict).toBe('does-not-fit');
    expect(a10.inference.verdict).toBe('does-not-fit');
  });

  it('show prints what each Kaito release offers (compat R1)', async () => {
    const r = await kaito(['presets', 'show', 'mistral-7b']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^  0\.10  serve, tune \(qlora, lora\); runtimes vllm, transformers$/m);
    expect(r.stdout).toMatch(/^  0\.11  serve, no tuning; runtimes vllm, transformers$/m);
    const g = await kaito(['presets', 'show', 'gemma-3-4b-instruct']);
    expect(g.stdout).toMatch(/^  0\.6   not available$/m);
    const j = JSON.parse((await kaito(['presets', 'show', 'phi-4-mini-instruct', '-o', 'json'])).stdout);
    expect(j.versions['0.10']).toEqual({ serve: true, tune: true, runtimes: ['vllm', 'transformers'] });
    expect(j.versions['0.11']).toEqual({ serve: true, tune: true, runtimes: ['vllm'] });
  });

  it('an unknown name exits 2 with "did you mean"', async () => {
    const r = await kaito(['presets', 'show', 'phi4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no preset named "phi4": did you mean phi-4/);
  });
});
