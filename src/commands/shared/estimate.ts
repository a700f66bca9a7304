// The time and cost estimate of a tuning run as `kaito tune` and `kaito render tune` show it (issue 14): gathers
// the inputs (dataset size, training parameters, SKU, region, price), asks the pure core (src/core/estimate) and
// prints it on stderr. What cannot be estimated is said, with why; no number is ever made up.
import type { CommandContext } from '../../cli/context.js';
import type { DatasetReport } from '../../core/dataset/types.js';
import { costOf, EstimateError, estimateTuning, exceedsMaxCost, formatHours, formatTokens, formatUsd, type Range, type TuningEstimate } from '../../core/estimate/index.js';
import { getPreset, getSku } from '../../core/presets.js';
import type { DeployInput, TuneInput } from '../../core/render/types.js';
import { inferenceFit } from '../../core/fit.js';
import { UsageError } from '../../errors.js';
import type { KubeClient } from '../../kube/index.js';

/** The `estimate` member of `kaito tune -o json` (docs/output.md). null: not estimated, `unavailable` says why. */
export interface EstimateJson {
  tokens: number | null;
  epochs: number | null;
  gpuHours: number | null;
  hours: Range | null;
  usdPerHour: number | null;
  spotUsdPerHour: number | null;
  usd: Range | null;
  region: string | null;
  priceSource: string | null;
  instanceType: string | null;
  /** what could not be estimated, and why */
  unavailable: string[];
}

export interface DatasetSize {
  tokens: number;
  records?: number;
  bytes: number;
  /** how the size was found, for the human line */
  basis: string;
}


export function parseMaxCost(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/^\$/, ''));
  if (!/^\$?\d+(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n) || n <= 0) throw new UsageError(`--max-cost ${v}: not an amount in US dollars`, 'give a positive number, e.g. --max-cost 25');
  return n;
}

export async function checkRegionFlag(v: string | undefined): Promise<string | undefined> {
  if (v === undefined) return undefined;
  const { isRegionName } = await import('../../azure/prices.js');
  if (!isRegionName(v)) throw new UsageError(`--region ${v}: not an Azure region name`, 'use the ARM name in lower case, e.g. eastus, westeurope (`az account list-locations -o table`)');
  return v;
}

/** The region of the cluster: the well-known topology label of its nodes (AKS sets it on every node). */
export async function clusterRegion(kube: KubeClient, signal: AbortSignal): Promise<string | undefined> {
  try {
    const list = await kube.get<{ items?: Array<{ metadata?: { labels?: Record<string, string> } }> }>('/api/v1/nodes', { query: { limit: '20' }, signal });
    for (const n of list.items ?? []) {
      const r = n.metadata?.labels?.['topology.kubernetes.io/region'];
      if (r) return r;
    }
  } catch {
    /* no permission to list nodes: the region stays unknown and is said so */
  }
  return undefined;
}

/** The dataset's size in tokens, from the validator's report, else from the server's size (HEAD). */
export async function datasetSize(ctx: CommandContext, input: TuneInput, report: DatasetReport | undefined, skipped: string | undefined): Promise<DatasetSize | string> {
  const d = input.dataset;
  if (d.kind === 'image') return `dataset size unknown: it is inside the image ${d.image}, which kaito does not pull`;
  if (d.kind === 'pvc') return `dataset size unknown: it is on the PersistentVolumeClaim ${d.claim}, which kaito cannot read`;
  const url = d.urls[0];
  if (report && !report.truncated && report.stats.tokens) {
    return { tokens: report.stats.tokens.total, records: report.stats.records, bytes: report.stats.bytes, basis: `${report.stats.records.toLocaleString('en-US')} records` };
  }
  const { httpGet, safeUrl } = await import('../../net/http.js');
  let total: number | undefined;
  try {
    const res = await httpGet(url, { method: 'HEAD', env: ctx.io.env, signal: ctx.signal, timeoutMs: 15_000 });
    res.done();
    const n = Number(res.headers['content-length']);
    if (res.status >= 200 && res.status < 300 && res.headers['content-length'] !== undefined && Number.isFinite(n) && n > 0) total = n;
  } catch (e) {
    return `dataset size unknown: HEAD ${safeUrl(url)} failed (${(e as Error).message})`;
  }
  if (total === undefined) return `dataset size unknown: ${safeUrl(url)} gives no size (no Content-Length on HEAD)${skipped ? ` and ${skipped}` : ''}`;
  if (report && report.truncated && report.stats.tokens && report.stats.bytes > 0) {
    const scale = total / report.stats.bytes;
    return { tokens: Math.round(report.stats.tokens.total * scale), records: Math.round(report.stats.records * scale), bytes: total, basis: `first ${Math.round(report.stats.bytes / 2 ** 20)} MiB read, scaled to the ${Math.round(total / 2 ** 20)} MiB file` };
  }
  if (/\.parquet$/i.test(new URL(url).pathname)) return `dataset size unknown: ${safeUrl(url)} is parquet (compressed), so its byte size does not tell its tokens${skipped ? `, and ${skipped}` : ''}`;
  // no records read: ~4 bytes per token (core/dataset/tokens.ts), counting JSON syntax as text (errs long)
  return { tokens: Math.ceil(total / 4), bytes: total, basis: `${Math.round(total / 1024)} KiB file at ~4 bytes per token` };
}

function trainingParams(input: TuneInput): { epochs?: number; maxSteps?: number; batchSize?: number } | string {
  const tc = input.tuningConfig;
  if (tc.kind === 'existing') return `training parameters unknown: they are in the ConfigMap ${tc.configMap}, which the estimate does not read`;
  if (tc.kind === 'default') return { batchSize: 1 };
  const ta = (tc.config.training_config.TrainingArguments ?? {}) as Record<string, unknown>;
  const num = (k: string) => (typeof ta[k] === 'number' ? (ta[k] as number) : typeof ta[k] === 'string' && Number.isFinite(Number(ta[k])) ? Number(ta[k]) : undefined);
  return { epochs: num('num_train_epochs'), maxSteps: num('max_steps'), batchSize: num('per_device_train_batch_size') ?? 1 };
}

export interface TuningEstimateResult {
  json: EstimateJson;
  estimate?: TuningEstimate;
  lines: string[];
}

export async function tuningEstimate(
  ctx: CommandContext,
  input: TuneInput,
  o: { report?: DatasetReport; skipped?: string; region?: string; regionHint: string },
): Promise<TuningEstimateResult> {
  const json: EstimateJson = { tokens: null, epochs: null, gpuHours: null, hours: null, usdPerHour: null, spotUsdPerHour: null, usd: null, region: o.region ?? null, priceSource: null, instanceType: null, unavailable: [] };
  const lines: string[] = [];
  const preset = getPreset(input.preset);
  const skuName = input.placement.instanceType ?? input.placement.nodepoolVmSize;
  const sku = skuName ? getSku(skuName) : undefined;
  json.instanceType = sku?.name ?? skuName ?? null;
  const size = await datasetSize(ctx, input, o.report, o.skipped);
  const params = trainingParams(input);
  let est: TuningEstimate | undefined;
  if (!preset) json.unavailable.push(`model size unknown: ${input.preset} is not in the catalog`);
  if (!skuName) json.unavailable.push(`GPU unknown: the node pool's VM size is not known (give --instance-type)`);
  else if (!sku) json.unavailable.push(`GPU unknown: ${skuName} is not in kaito's SKU catalog (see \`kaito presets show\`), so its throughput is not known`);
  if (typeof size === 'string') json.unavailable.push(size);
  if (typeof params === 'string') json.unavailable.push(params);
  if (preset && sku && typeof size !== 'string' && typeof params !== 'string') {
    try {
      // the step count drives the per-step cost (docs/estimates.md): without the records there is no honest time
      if (size.records === undefined) throw new EstimateError(`time unknown: ~${formatTokens(size.tokens)} tokens (${size.basis}), but the record count, which sets the steps, is only known from the dataset check (drop --skip-dataset-check)`);
      est = estimateTuning({
        parametersB: preset.parametersB,
        weightsGiB: preset.weightsGiB,
        method: input.method,
        gpuModel: sku.gpuModel,
        gpus: sku.gpus,
        gpuMemoryGiB: sku.gpuMemoryGiB,
        datasetTokens: size.tokens,
        datasetRecords: size.records,
        datasetBytes: size.bytes,
        epochs: params.epochs,
        maxSteps: params.maxSteps,
        batchSize: params.batchSize,
        provisionsNode: Boolean(input.placement.instanceType) && !input.placement.nodepool,
      });
      json.tokens = est.tokens;
      json.epochs = est.epochs;
      json.gpuHours = round(est.gpuHours, 3);
      json.hours = roundRange(est.hours, 3);
    } catch (e) {
      if (!(e instanceof EstimateError)) throw e;
      json.unavailable.push(e.message);
    }
  }
  // the price
  if (sku) {
    if (!o.region) json.unavailable.push(`cost unknown: no region (${o.regionHint})`);
    else {
      const { lookupPrices } = await import('../../azure/prices.js');
      const p = await lookupPrices(sku.name, o.region, { env: ctx.io.env, signal: ctx.signal });
      if (p.prices) {
        json.usdPerHour = p.prices.linux;
        json.spotUsdPerHour = p.prices.spot ?? null;
        json.priceSource = p.source ?? null;
        if (p.problem) ctx.io.warn(p.problem);
        if (est) json.usd = roundRange(costOf(est.hours, p.prices.linux).usd, 2);
      } else json.unavailable.push(`cost unknown: ${p.problem}`);
    }
  }
  // human lines
  const head = `estimate: ${input.preset} ${input.method}${sku ? ` on ${sku.gpus} x ${sku.gpuModel} (${sku.name})` : ''}`;
  if (est && typeof size !== 'string') {
    lines.push(`${head}: ${formatTokens(est.tokens)} tokens (${size.basis}) x ${est.epochs} epoch${est.epochs === 1 ? '' : 's'}`);
    lines.push(`  time  ${formatHours(est.hours.low)} - ${formatHours(est.hours.high)}, expected ${formatHours(est.hours.expected)} (compute floor at 100 % of peak: ${formatHours(est.floorHours)})`);
  } else lines.push(`${head}`);
  if (json.usdPerHour !== null) {
    const spot = json.spotUsdPerHour !== null ? `, Spot ${formatUsd(json.spotUsdPerHour)}/h` : '';
    const rate = `${formatUsd(json.usdPerHour)}/h Linux pay-as-you-go${spot} in ${o.region} (${json.priceSource})`;
    lines.push(json.usd ? `  cost  ${formatUsd(json.usd.low)} - ${formatUsd(json.usd.high)}, expected ${formatUsd(json.usd.expected)} at ${rate}` : `  price ${rate}`);
  }
  for (const u of json.unavailable) lines.push(`  not estimated: ${u}`);
  return { json, estimate: est, lines };
}

/** --max-cost: exit 2 before anything is created when the high estimate is above it, or when it cannot be checked. */
export function enforceMaxCost(r: TuningEstimateResult, max: number | undefined): void {
  if (max === undefined) return;
  const j = r.json;
  if (!j.usd || j.usdPerHour === null) {
    throw new UsageError(`--max-cost ${max}: the cost cannot be estimated, so the limit cannot be checked (nothing was created)`, j.unavailable.join('; ') || 'see the estimate above');
  }
  if (exceedsMaxCost({ usdPerHour: j.usdPerHour, usd: j.usd }, max)) {
    throw new UsageError(
      `--max-cost ${max}: the estimate is up to ${formatUsd(j.usd.high)} (expected ${formatUsd(j.usd.expected)}), above the limit; nothing was created`,
      'raise --max-cost, train fewer epochs or on less data, or pick a cheaper --instance-type',
    );
  }
}

/** Dollar amount above which `kaito tune` asks before starting on a TTY (KAITO_CONFIRM_ABOVE_USD, default 25). */
export function confirmThreshold(env: NodeJS.ProcessEnv): number {
  const n = Number(env.KAITO_CONFIRM_ABOVE_USD);
  return env.KAITO_CONFIRM_ABOVE_USD !== undefined && Number.isFinite(n) && n >= 0 ? n : 25;
}

/** true when the user must be asked: a TTY on both ends, no -y, and the high estimate above the threshold. */
export function needsConfirmation(ctx: CommandContext, r: TuningEstimateResult): boolean {
  if (ctx.globals.yes || !ctx.io.in.isTTY || !ctx.io.err.isTTY) return false;
  return r.json.usd !== null && r.json.usd.high > confirmThreshold(ctx.io.env);
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const roundRange = (r: Range, d: number): Range => ({ low: round(r.low, d), expected: round(r.expected, d), high: round(r.high, d) });

export interface VmPrice {
  /** per node */
  usdPerHour: number | null;
  spotUsdPerHour: number | null;
  source: string | null;
  /** why there is no price */
  problem?: string;
}

const warned = new Set<string>();

/** The Linux pay-as-you-go price of one VM size in a region (warnings for a snapshot fallback go to stderr). */
export async function vmPrice(ctx: CommandContext, sku: string, region: string | undefined, regionHint: string): Promise<VmPrice> {
  if (!region) return { usdPerHour: null, spotUsdPerHour: null, source: null, problem: `no region (${regionHint})` };
  const { lookupPrices } = await import('../../azure/prices.js');
  const p = await lookupPrices(sku, region, { env: ctx.io.env, signal: ctx.signal });
  if (!p.prices) return { usdPerHour: null, spotUsdPerHour: null, source: null, problem: p.problem };
  if (p.problem && !warned.has(p.problem)) {
    warned.add(p.problem);
    ctx.io.warn(p.problem);
  }
  return { usdPerHour: p.prices.linux, spotUsdPerHour: p.prices.spot ?? null, source: p.source ?? null };
}

/** "cost: 2 x Standard_X at $3.67/h = $7.35/h Linux pay-as-you-go in eastus (source)" or what is missing. */
export function vmCostLine(what: string, sku: string, nodes: number, region: string | undefined, p: VmPrice): string {
  if (p.usdPerHour === null) return `cost: ${what}: not estimated: ${p.problem}`;
  const each = nodes > 1 ? `${nodes} x ${sku} at ${formatUsd(p.usdPerHour)}/h = ` : `${sku} `;
  const spot = p.spotUsdPerHour !== null ? ` (Spot ${formatUsd(p.spotUsdPerHour * nodes)}/h)` : '';
  return `cost: ${what}: ${each}${formatUsd(p.usdPerHour * nodes)}/h Linux pay-as-you-go${spot} in ${region} (${p.source})`;
}

/** The `cost` member of `kaito deploy -o json`. */
export interface ServingCostJson {
  instanceType: string | null;
  nodes: number | null;
  usdPerHour: number | null;
  spotUsdPerHour: number | null;
  region: string | null;
  priceSource: string | null;
  unavailable: string[];
}

/** Serving $/h: the VM's price x the nodes (compat R8: a vLLM model too big for one VM runs on several in NAP mode). */
export async function servingCost(ctx: CommandContext, kube: KubeClient, input: DeployInput, mode: string, release: string | undefined): Promise<ServingCostJson> {
  const out: ServingCostJson = { instanceType: null, nodes: null, usdPerHour: null, spotUsdPerHour: null, region: null, priceSource: null, unavailable: [] };
  const skuName = input.placement.instanceType ?? input.placement.nodepoolVmSize;
  const sku = skuName ? getSku(skuName) : undefined;
  out.instanceType = sku?.name ?? skuName ?? null;
  if (!skuName) out.unavailable.push('VM size unknown: the node pool has none recorded (give --instance-type)');
  let nodes = 1;
  const preset = getPreset(input.preset);
  if (sku && preset && mode === 'nap' && (input.runtime ?? 'vllm') === 'vllm' && release !== '0.6') {
    const r = inferenceFit(preset, sku);
    const n = Math.ceil((r.gpusNeeded ?? 1) / sku.gpus);
    if (r.verdict === 'does-not-fit' && n > 1) nodes = n;
  }
  out.nodes = skuName ? nodes : null;
  const region = await clusterRegion(kube, ctx.signal);
  out.region = region ?? null;
  if (skuName) {
    const p = await vmPrice(ctx, out.instanceType!, region, 'no node carries topology.kubernetes.io/region');
    if (p.usdPerHour !== null) {
      out.usdPerHour = Math.round(p.usdPerHour * nodes * 10000) / 10000;
      out.spotUsdPerHour = p.spotUsdPerHour === null ? null : Math.round(p.spotUsdPerHour * nodes * 10000) / 10000;
      out.priceSource = p.source;
    } else out.unavailable.push(`cost unknown: ${p.problem}`);
    ctx.io.info(vmCostLine(`serving ${input.name}`, out.instanceType!, nodes, region, p));
  } else ctx.io.info(`cost: serving ${input.name}: not estimated: ${out.unavailable.join('; ')}`);
  return out;
}

// ---- the estimate `kaito tune` made, kept for `kaito status` (actual vs estimate) ----
// Kept in the user's cache dir (not on the Workspace: an annotation would make every re-run "configured"), keyed
// by API server, namespace and workspace; status on another machine has no estimate to compare and says so.
async function estimatePath(env: NodeJS.ProcessEnv, server: string, ns: string, name: string): Promise<string> {
  const { join } = await import('node:path');
  const { createHash } = await import('node:crypto');
  const { userCacheDir } = await import('../../paths.js');
  const key = createHash('sha256').update(`${server}\n${ns}\n${name}`).digest('hex').slice(0, 32);
  return join(userCacheDir(env), 'estimates', `${key}.json`);
}

export async function saveTuneEstimate(ctx: CommandContext, server: string, ns: string, name: string, e: EstimateJson): Promise<void> {
  try {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const path = await estimatePath(ctx.io.env, server, ns, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify({ savedAt: new Date().toISOString(), estimate: e }) + '\n');
  } catch (err) {
    ctx.debug(`could not keep the estimate for kaito status: ${(err as Error).message}`);
  }
}

export async function loadTuneEstimate(ctx: CommandContext, server: string, ns: string, name: string): Promise<{ savedAt: string; estimate: EstimateJson } | undefined> {
  try {
    const { readFileSync } = await import('node:fs');
    return JSON.parse(readFileSync(await estimatePath(ctx.io.env, server, ns, name), 'utf8'));
  } catch {
    return undefined;
  }
}

/** `kaito init`: the estimate for the choices made (default training parameters: Kaito's 3 epochs, batch 1). */
export async function initEstimateLines(
  ctx: CommandContext,
  o: { preset?: string; method?: 'lora' | 'qlora'; instanceType?: string; size?: { tokens: number; records: number; bytes: number }; region?: string },
): Promise<string[]> {
  const preset = o.preset ? getPreset(o.preset) : undefined;
  const sku = o.instanceType ? getSku(o.instanceType) : undefined;
  const missing: string[] = [];
  if (!preset || !o.method) missing.push('no preset and method');
  if (!sku) missing.push(o.instanceType ? `${o.instanceType} is not in the SKU catalog` : 'no GPU VM size chosen (a node pool\'s size is read by `kaito tune`)');
  if (!o.size) missing.push('the dataset was not read in full here (`kaito tune` reads it and estimates then)');
  const lines: string[] = [];
  let est: TuningEstimate | undefined;
  if (preset && o.method && sku && o.size) {
    try {
      est = estimateTuning({ parametersB: preset.parametersB, weightsGiB: preset.weightsGiB, method: o.method, gpuModel: sku.gpuModel, gpus: sku.gpus, gpuMemoryGiB: sku.gpuMemoryGiB, datasetTokens: o.size.tokens, datasetRecords: o.size.records, datasetBytes: o.size.bytes, provisionsNode: true });
      lines.push(`  time  ${formatHours(est.hours.low)} - ${formatHours(est.hours.high)}, expected ${formatHours(est.hours.expected)} for ${formatTokens(est.tokens)} tokens x ${est.epochs} epochs on ${sku.name}`);
    } catch (e) {
      if (!(e instanceof EstimateError)) throw e;
      missing.push(e.message);
    }
  }
  if (sku) {
    const p = await vmPrice(ctx, sku.name, o.region, 'the cluster\'s region is not known here');
    if (p.usdPerHour !== null && est) {
      const c = costOf(est.hours, p.usdPerHour);
      lines.push(`  cost  ${formatUsd(c.usd.low)} - ${formatUsd(c.usd.high)}, expected ${formatUsd(c.usd.expected)} at ${formatUsd(p.usdPerHour)}/h in ${o.region} (${p.source})`);
    } else if (p.usdPerHour !== null) lines.push(`  price ${sku.name} ${formatUsd(p.usdPerHour)}/h Linux pay-as-you-go in ${o.region} (${p.source})`);
    else missing.push(`cost: ${p.problem}`);
  }
  for (const m of missing) lines.push(`  not estimated: ${m}`);
  return ['Estimate (Kaito\'s default 3 epochs; `kaito tune` prints it again with your flags):', ...lines];
}
