// kaito presets show NAME: one preset, with a fit verdict per GPU SKU for inference, LoRA and QLoRA.
import { setMaxListeners } from 'node:events';
import type { CommandContext } from '../../cli/context.js';
import { fit, FIT_METHOD_NOTE, trainingEstimate, type FitResult } from '../../core/fit.js';
import { didYouMean } from '../../core/names.js';
import { KAITO_RELEASES, getPreset, kaitoSkuTable, loadPresets, loadSkus, type Preset } from '../../core/presets.js';
import { UsageError } from '../../errors.js';
import { formatTable, parseOutputFormat, printResult } from '../../ui/printer.js';
import { contextLabel } from './list.js';
import type { VmPrice } from '../shared/estimate.js';
import { formatUsd } from '../../core/estimate/index.js';
import { OUTPUT_PRESETS as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { region?: string }, args: unknown[]): Promise<void> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.show, 'table');
  const name = String(args[0]);
  const preset = getPreset(name);
  if (!preset) {
    const near = didYouMean(name, loadPresets().map((p) => p.name));
    throw new UsageError(`no preset named "${name}"${near.length ? `: did you mean ${near.join(', ')}?` : ''}`, 'run `kaito presets list` to see them all');
  }
  const fits = presetFits(preset);
  // issue 14: with --region, the $/h of every SKU some workload fits on (looked up together)
  const prices = new Map<string, VmPrice>();
  if (opts.region !== undefined) {
    const { checkRegionFlag, vmPrice } = await import('../shared/estimate.js');
    const region = await checkRegionFlag(opts.region);
    const fitting = fits.filter((f) => [f.inference, f.lora, f.qlora].some((r) => r && r.verdict !== 'does-not-fit'));
    // one abort listener per concurrent lookup
    setMaxListeners(fitting.length + 10, ctx.signal);
    const got = await Promise.all(fitting.map((f) => vmPrice(ctx, f.sku, region, '')));
    fitting.forEach((f, i) => prices.set(f.sku, got[i]));
  }
  const price = (sku: string) => {
    const p = prices.get(sku);
    return p ? { price: { usdPerHour: p.usdPerHour, spotUsdPerHour: p.spotUsdPerHour, source: p.source, ...(p.problem ? { unavailable: p.problem } : {}) } } : {};
  };
  const doc = {
    ...preset,
    trainingEstimateGiB: preset.tunable ? Object.fromEntries(preset.methods.map((m) => [m, trainingEstimate(preset, m)])) : undefined,
    fit: fits.map((f) => ({ sku: f.sku, recommended: preset.recommendedSkus.includes(f.sku), inference: f.inference, lora: f.lora, qlora: f.qlora, ...(opts.region !== undefined ? price(f.sku) : {}) })),
    estimateMethod: FIT_METHOD_NOTE,
    ...(opts.region !== undefined ? { priceRegion: opts.region } : {}),
  };
  printResult(ctx.io, format, { document: doc, rows: [preset], name: (p) => p.name, text: () => showText(preset, fits, opts.region, prices) });
}

interface SkuFits { sku: string; inference: FitResult; lora?: FitResult; qlora?: FitResult }

function presetFits(p: Preset): SkuFits[] {
  return loadSkus().map((s) => ({
    sku: s.name,
    inference: fit(p, s, 'inference'),
    lora: p.tunable && p.methods.includes('lora') ? fit(p, s, 'lora') : undefined,
    qlora: p.tunable && p.methods.includes('qlora') ? fit(p, s, 'qlora') : undefined,
  }));
}

function showText(p: Preset, fits: SkuFits[], region?: string, prices: Map<string, VmPrice> = new Map()): string {
  const lines = [
    `Name:             ${p.name}`,
    `Hugging Face id:  ${p.huggingFaceId}`,
    `Parameters:       ${p.parametersB}B`,
    `Weights:          ${p.weightsGiB} GiB`,
    `Tunable:          ${p.tunable ? `yes (${p.methods.join(', ')})` : 'no (inference only)'}`,
    `Runtimes:         ${p.runtimes.join(', ')}`,
    `Gated:            ${p.gated ? 'yes: needs --model-access-secret NAME (key HF_TOKEN) or --hf-token-stdin' : 'no'}`,
    `Context length:   ${p.contextLength ? `${contextLabel(p.contextLength)} tokens` : 'unknown'}`,
    `Recommended SKUs: ${p.recommendedSkus.join(', ')}`,
    '',
    'Per Kaito release (render --kaito-version; compat R1):',
    ...KAITO_RELEASES.map((r) => `  ${r.padEnd(5)} ${releaseLine(p, r)}`),
  ];
  if (p.tunable)
    for (const m of p.methods) {
      const e = trainingEstimate(p, m);
      lines.push(`${m.toUpperCase().padEnd(5)} estimate:   ${e.totalGiB} GiB per GPU = weights ${e.weightsGiB} + adapter/optimizer ${e.adapterAndOptimizerGiB} + activations ${e.activationsGiB} + overhead ${e.overheadGiB}`);
    }
  lines.push('', 'GPU fit (estimates):');
  const cell = (r?: FitResult) => (r ? `${r.verdict} (${r.requiredGiB}/${r.availableGiB} GiB)` : '-');
  const headers = ['sku', 'inference', ...(p.tunable ? p.methods : []), ...(region ? [`$/h ${region}`] : [])];
  const priceCell = (sku: string) => {
    const x = prices.get(sku);
    if (!x) return '-';
    if (x.usdPerHour === null) return 'no price';
    return `${formatUsd(x.usdPerHour)}${x.spotUsdPerHour !== null ? ` (Spot ${formatUsd(x.spotUsdPerHour)})` : ''}`;
  };
  const rows = fits.map((f) => [
    f.sku + (p.recommendedSkus.includes(f.sku) ? ' *' : ''),
    cell(f.inference),
    ...(p.tunable ? p.methods.map((m) => cell(f[m])) : []),
    ...(region ? [priceCell(f.sku)] : []),
  ]);
  const table = formatTable(headers, rows);
  const notes = ['', '* recommended. Inference GiB: 1.02 x weights / usable GPU memory; training GiB: per GPU.'];
  if (region) {
    // "Azure Retail Prices API, cached <time>" and "Azure Retail Prices API" are one source here
    const all = [...prices.values()].map((x) => x.source).filter((x): x is string => Boolean(x));
    const sources = [...new Set(all.map((x) => x.replace(/, cached .*$/, '')))].map((x) => (all.some((a) => a.startsWith(`${x}, cached`)) ? `${x}, some answers from the day's cache` : x));
    const missing = [...prices.entries()].filter(([, x]) => x.usdPerHour === null).map(([k, x]) => `  - ${k}: ${x.problem}`);
    notes.push(`$/h: Linux pay-as-you-go per VM in ${region}, for the SKUs something fits on (${sources.join('; ') || 'no price found'}).`, ...missing);
  }
  notes.push('How the estimate works:', ...FIT_METHOD_NOTE.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n' + table + notes.join('\n') + '\n';
}

/** One release's support for the preset (compat R1), e.g. "serve, tune (qlora, lora); runtimes vllm". */
export function releaseLine(p: Preset, release: (typeof KAITO_RELEASES)[number]): string {
  const s = p.versions[release];
  if (!s) return 'not available';
  const tune = s.tune ? `tune (${p.methods.join(', ')})` : 'no tuning';
  // compat R2: the CLI's sizes missing from this release's own SKU table
  const missing = release === '0.6' ? [] : loadSkus().filter((k) => !kaitoSkuTable(release).has(k.name.toLowerCase())).map((k) => k.name);
  return `serve, ${tune}; runtimes ${s.runtimes.join(', ')}${missing.length ? `; tuning not on ${missing.join(', ')}` : ''}`;
}
