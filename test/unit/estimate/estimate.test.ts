// The pure estimate (src/core/estimate) and the price parsing (src/azure/prices.ts): property tests over seeded
// random inputs (a small LCG: bounded, reproducible) and the price item rules.
import { describe, expect, it } from 'vitest';
import { costOf, estimateTuning, exceedsMaxCost, gpuSpecFor, projectRunning, EstimateError, type TuningEstimateInput } from '../../../src/core/estimate/index.js';
import { classifyItem, pickPrices, retailFilter, snapshotPrices, loadSnapshot, isRegionName, PriceDataError } from '../../../src/azure/prices.js';
import { parseFilter } from '../../../src/sandbox/prices.js';
import { loadSkus, loadPresets } from '../../../src/core/presets.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const skus = loadSkus();
const presets = loadPresets().filter((p) => p.methods.length > 0);

function randomInput(r: () => number): TuningEstimateInput {
  const sku = skus[Math.floor(r() * skus.length)];
  const p = presets[Math.floor(r() * presets.length)];
  const records = 1 + Math.floor(r() * 200_000);
  return {
    parametersB: p.parametersB,
    weightsGiB: p.weightsGiB,
    method: r() < 0.5 ? 'lora' : 'qlora',
    gpuModel: sku.gpuModel,
    gpus: sku.gpus,
    gpuMemoryGiB: sku.gpuMemoryGiB,
    datasetRecords: records,
    datasetTokens: records * (20 + Math.floor(r() * 2000)),
    datasetBytes: records * 800,
    epochs: 1 + Math.floor(r() * 5),
    batchSize: 1 + Math.floor(r() * 8),
    provisionsNode: r() < 0.5,
  };
}

describe('tuning estimate properties (300 seeded cases each)', () => {
  it('doubling the epochs doubles the compute part (and the tokens)', () => {
    const r = lcg(14);
    for (let i = 0; i < 300; i++) {
      const a = randomInput(r);
      const x = estimateTuning(a);
      const y = estimateTuning({ ...a, epochs: a.epochs! * 2 });
      expect(y.flops / x.flops).toBeCloseTo(2, 9);
      expect(y.computeHours.expected / x.computeHours.expected).toBeCloseTo(2, 9);
      expect(y.tokens / x.tokens).toBeCloseTo(2, 3);
      // overheads do not scale with epochs: the wall time grows by less than twice
      expect(y.hours.expected).toBeLessThan(2 * x.hours.expected);
    }
  });
  it('a bigger GPU (more peak throughput, same count) lowers the time', () => {
    const r = lcg(7);
    const a10 = skus.find((s) => s.name === 'Standard_NV36ads_A10_v5')!;
    const a100 = skus.find((s) => s.name === 'Standard_NC24ads_A100_v4')!;
    const h100 = skus.find((s) => s.name === 'Standard_NC40ads_H100_v5')!;
    for (let i = 0; i < 300; i++) {
      const a = randomInput(r);
      const on = (s: typeof a10) => estimateTuning({ ...a, gpuModel: s.gpuModel, gpus: s.gpus, gpuMemoryGiB: s.gpuMemoryGiB });
      const [t1, t2, t3] = [on(a10), on(a100), on(h100)];
      for (const k of ['low', 'expected', 'high'] as const) {
        expect(t2.hours[k]).toBeLessThan(t1.hours[k]);
        expect(t3.hours[k]).toBeLessThan(t2.hours[k]);
      }
    }
  });
  it('more GPUs of the same kind lower the compute time', () => {
    const r = lcg(3);
    for (let i = 0; i < 300; i++) {
      const a = { ...randomInput(r), gpuModel: 'A100', gpuMemoryGiB: 80, gpus: 1 };
      const one = estimateTuning(a);
      const four = estimateTuning({ ...a, gpus: 4, gpuMemoryGiB: 320 });
      expect(four.computeHours.expected).toBeLessThan(one.computeHours.expected);
    }
  });
  it('the physical floor (100 % of peak) is never above low, and low <= expected <= high', () => {
    const r = lcg(99);
    for (let i = 0; i < 300; i++) {
      const e = estimateTuning(randomInput(r));
      expect(e.floorHours).toBeGreaterThan(0);
      expect(e.floorHours).toBeLessThanOrEqual(e.computeHours.low);
      expect(e.floorHours).toBeLessThanOrEqual(e.hours.low);
      expect(e.hours.low).toBeLessThanOrEqual(e.hours.expected);
      expect(e.hours.expected).toBeLessThanOrEqual(e.hours.high);
    }
  });
  it('QLoRA costs more compute than LoRA for the same run (recomputed forward)', () => {
    const r = lcg(5);
    for (let i = 0; i < 100; i++) {
      const a = randomInput(r);
      expect(estimateTuning({ ...a, method: 'qlora' }).flops).toBeGreaterThan(estimateTuning({ ...a, method: 'lora' }).flops);
    }
  });
});

describe('tuning estimate arithmetic', () => {
  const base: TuningEstimateInput = { parametersB: 3.8, weightsGiB: 7.1, method: 'qlora', gpuModel: 'A100', gpus: 1, gpuMemoryGiB: 80, datasetRecords: 10_000, datasetTokens: 5_000_000, datasetBytes: 20e6, epochs: 3, batchSize: 1, provisionsNode: true };
  it('computes FLOPs as tokens x 6N for QLoRA and divides by peak x utilisation', () => {
    const e = estimateTuning(base);
    expect(e.tokens).toBe(15_000_000);
    expect(e.flops).toBeCloseTo(15e6 * 6 * 3.8e9, -6);
    expect(e.floorHours).toBeCloseTo(e.flops / 312e12 / 3600, 9);
    const stepS = 0.05 + 0.0147 * 3.8;
    expect(e.computeHours.expected).toBeCloseTo((e.flops / (312e12 * 0.3) + 30_000 * stepS) / 3600, 9);
    expect(e.steps).toBe(30_000);
  });
  it('max_steps wins over epochs and sets the tokens from the global batch', () => {
    const e = estimateTuning({ ...base, maxSteps: 500, batchSize: 2 });
    expect(e.steps).toBe(500);
    expect(e.epochs).toBeCloseTo(500 / 5000, 6);
    expect(e.tokens).toBe(Math.round(5_000_000 * 0.1));
  });
  it('an existing pool has no provisioning overhead', () => {
    expect(estimateTuning({ ...base, provisionsNode: false }).overheadHours.expected).toBeLessThan(estimateTuning(base).overheadHours.expected);
  });
  it('refuses what it cannot estimate instead of making a number up', () => {
    expect(() => estimateTuning({ ...base, gpuModel: 'MI300X' })).toThrow(EstimateError);
    expect(() => estimateTuning({ ...base, datasetTokens: 0 })).toThrow(/no tokens/);
  });
  it('every catalog SKU has a datasheet peak', () => {
    for (const s of skus) expect(gpuSpecFor(s.gpuModel, s.gpuMemoryGiB / s.gpus), s.name).toBeDefined();
    expect(gpuSpecFor('H100', 94)!.model).toBe('H100 NVL');
    expect(gpuSpecFor('H100', 80)!.model).toBe('H100 SXM');
  });
  it('cost = hours x $/h x nodes; --max-cost compares the high end', () => {
    const c = costOf({ low: 1, expected: 2, high: 4 }, 3.5, 2);
    expect(c).toEqual({ usdPerHour: 7, usd: { low: 7, expected: 14, high: 28 } });
    expect(exceedsMaxCost(c, 27.99)).toBe(true);
    expect(exceedsMaxCost(c, 28)).toBe(false);
  });
  it('projects a running job from its step rate', () => {
    const p = projectRunning(1.5, 100, 400, 1, 4);
    expect(p.elapsedUsd).toBe(6);
    expect(p.projectedHours).toBeCloseTo(4.5, 9);
    expect(p.projectedUsd).toBeCloseTo(18, 9);
    expect(projectRunning(0.2, undefined, 400, undefined, 4).projectedHours).toBeUndefined();
  });
});

describe('calibration (docs/estimates.md): Llama 2 7B on one A100, 50,000 steps of micro-batch 1, median 110 tokens', () => {
  // Raschka, "Finetuning LLMs with LoRA and QLoRA: Insights from Hundreds of Experiments" (Lightning AI, 2023)
  const run = (method: 'lora' | 'qlora') =>
    estimateTuning({ parametersB: 6.738, weightsGiB: 12.6, method, gpuModel: 'A100', gpus: 1, gpuMemoryGiB: 80, datasetRecords: 50_000, datasetTokens: 50_000 * 110, datasetBytes: 0, epochs: 1, batchSize: 1, provisionsNode: false });
  it.each([['lora', 6685.75], ['qlora', 10059.53]] as const)('%s: measured %f s lies inside the range, expected within 10 %%', (method, measured) => {
    const e = run(method);
    const h = measured / 3600;
    expect(e.computeHours.low).toBeLessThan(h);
    expect(e.computeHours.high).toBeGreaterThan(h);
    expect(Math.abs(e.computeHours.expected - h) / h).toBeLessThan(0.1);
  });
});

describe('Retail Prices API items', () => {
  const item = (over: Record<string, unknown>) => ({ armSkuName: 'Standard_NC24ads_A100_v4', armRegionName: 'eastus', productName: 'Virtual Machines NCadsA100v4 Series', skuName: 'NC24ads A100 v4', meterName: 'NC24ads A100 v4', retailPrice: 3.673, type: 'Consumption', ...over });
  it('tells Linux, Windows, Spot and Low Priority apart', () => {
    expect(classifyItem(item({}))).toBe('linux');
    expect(classifyItem(item({ productName: 'Virtual Machines NCadsA100v4 Series Windows' }))).toBe('windows');
    expect(classifyItem(item({ skuName: 'NC24ads A100 v4 Spot', meterName: 'NC24ads A100 v4 Spot' }))).toBe('spot');
    expect(classifyItem(item({ skuName: 'NC24ads A100 v4 Low Priority' }))).toBe('low-priority');
    expect(classifyItem(item({ productName: 'Virtual Machines NCadsA100v4 Series Windows', skuName: 'NC24ads A100 v4 Spot' }))).toBe('windows-spot');
  });
  it('picks the Linux pay-as-you-go and Spot prices, ignoring Windows and reservations', () => {
    const items = [
      item({ productName: 'Virtual Machines NCadsA100v4 Series Windows', retailPrice: 4.4 }),
      item({ type: 'Reservation', retailPrice: 19000 }),
      item({ skuName: 'NC24ads A100 v4 Spot', meterName: 'NC24ads A100 v4 Spot', retailPrice: 0.7345 }),
      item({}),
      item({ armRegionName: 'westeurope', retailPrice: 4.0 }),
    ];
    expect(pickPrices(items, 'Standard_NC24ads_A100_v4', 'eastus')).toEqual({ sku: 'Standard_NC24ads_A100_v4', region: 'eastus', linux: 3.673, spot: 0.7345 });
    expect(pickPrices([], 'Standard_NC24ads_A100_v4', 'eastus')).toBeUndefined();
    expect(pickPrices([item({ productName: 'X Windows' })], 'Standard_NC24ads_A100_v4', 'eastus')).toBeUndefined();
  });
  it('refuses a price that is not a number', () => {
    expect(() => pickPrices([item({ retailPrice: 'free' })], 'Standard_NC24ads_A100_v4', 'eastus')).toThrow(PriceDataError);
  });
  it('builds the documented $filter, which the sandbox parses back', () => {
    const f = retailFilter('Standard_NC24ads_A100_v4', 'eastus');
    expect(f).toBe("serviceName eq 'Virtual Machines' and armSkuName eq 'Standard_NC24ads_A100_v4' and armRegionName eq 'eastus' and priceType eq 'Consumption'");
    expect(parseFilter(f)).toEqual([['serviceName', 'Virtual Machines'], ['armSkuName', 'Standard_NC24ads_A100_v4'], ['armRegionName', 'eastus'], ['priceType', 'Consumption']]);
    expect(() => parseFilter("armSkuName eq 'x' or 1 eq 1")).toThrow(/Invalid OData filter/);
  });
  it('the snapshot is dated, every figure names its source, every SKU is in the catalog', () => {
    const snap = loadSnapshot();
    expect(snap.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const names = new Set(skus.map((s) => s.name));
    for (const p of snap.prices) {
      expect(names.has(p.sku), p.sku).toBe(true);
      expect(isRegionName(p.region)).toBe(true);
      expect(p.linux).toBeGreaterThan(0);
      expect((p as { source?: string }).source).toBeTruthy();
    }
    expect(snapshotPrices('standard_nc24ads_a100_v4', 'eastus')?.linux).toBe(3.673);
    expect(snapshotPrices('Standard_NC24ads_A100_v4', 'mars')).toBeUndefined();
  });
});
