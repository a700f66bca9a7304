// VM prices from the Azure Retail Prices API (issue 14): public, no credentials.
//   GET https://prices.azure.com/api/retail/prices?$filter=serviceName eq 'Virtual Machines' and
//       armSkuName eq 'SKU' and armRegionName eq 'region' and priceType eq 'Consumption'
// answers {BillingCurrency, Items: [...], NextPageLink, Count}; NextPageLink is followed until null
// (API doc: learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices, "API response
// pagination"). One SKU in one region has several Consumption items; they are told apart as the doc's examples
// show: productName ending in " Windows" is the Windows price, meterName/skuName with "Spot" the Spot price,
// with "Low Priority" the low-priority (Batch) price, the rest the Linux pay-as-you-go price.
//
// Answers are cached for a day under the user's cache dir (paths.ts userCacheDir). When the API cannot be reached
// or answers garbage, the dated offline snapshot presets/prices-snapshot.json is used and labelled as such.
// KAITO_PRICES_ENDPOINT replaces the API URL (the sandbox's emulation; documented in the README).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet } from '../net/http.js';
import { presetsDir, userCacheDir } from '../paths.js';

export const PRICES_ENDPOINT = 'https://prices.azure.com/api/retail/prices';
export const CACHE_TTL_MS = 24 * 3600 * 1000;
const MAX_PAGES = 20;
const MAX_429_RETRIES = 3;

export interface RetailItem {
  currencyCode?: string;
  retailPrice?: number;
  unitPrice?: number;
  armRegionName?: string;
  armSkuName?: string;
  productName?: string;
  skuName?: string;
  meterName?: string;
  serviceName?: string;
  type?: string;
  unitOfMeasure?: string;
}

export type PriceKind = 'linux' | 'windows' | 'spot' | 'low-priority' | 'windows-spot' | 'windows-low-priority';

export function classifyItem(it: RetailItem): PriceKind {
  const windows = /\bwindows\b/i.test(it.productName ?? '');
  const names = `${it.skuName ?? ''} ${it.meterName ?? ''}`;
  const spot = /\bspot\b/i.test(names);
  const low = /\blow priority\b/i.test(names);
  if (windows) return spot ? 'windows-spot' : low ? 'windows-low-priority' : 'windows';
  return spot ? 'spot' : low ? 'low-priority' : 'linux';
}

export interface SkuPrices {
  sku: string;
  region: string;
  /** Linux pay-as-you-go USD per VM hour */
  linux: number;
  spot?: number;
  lowPriority?: number;
}

export class PriceDataError extends Error {}

/** The Linux/Spot/Low-priority prices of one SKU among the API's items; undefined when there is no Linux item. */
export function pickPrices(items: RetailItem[], sku: string, region: string): SkuPrices | undefined {
  const mine = items.filter(
    (i) => (i.armSkuName ?? '').toLowerCase() === sku.toLowerCase() && (i.armRegionName ?? '').toLowerCase() === region.toLowerCase() && (i.type ?? 'Consumption') === 'Consumption',
  );
  const get = (k: PriceKind) => {
    const xs = mine.filter((i) => classifyItem(i) === k).map((i) => i.retailPrice);
    for (const x of xs) if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new PriceDataError(`a ${k} price for ${sku} is not a number (${JSON.stringify(x)})`);
    const nums = xs as number[];
    // a meter can be listed twice (isPrimaryMeterRegion); the same SKU has one price per kind
    return nums.length ? Math.min(...nums) : undefined;
  };
  const linux = get('linux');
  if (linux === undefined || linux <= 0) return undefined;
  const out: SkuPrices = { sku, region, linux };
  const spot = get('spot');
  if (spot !== undefined) out.spot = spot;
  const low = get('low-priority');
  if (low !== undefined) out.lowPriority = low;
  return out;
}

export function retailFilter(sku: string, region: string): string {
  const q = (s: string) => s.replace(/'/g, "''");
  return `serviceName eq 'Virtual Machines' and armSkuName eq '${q(sku)}' and armRegionName eq '${q(region)}' and priceType eq 'Consumption'`;
}

/** ARM region names are lower-case letters and digits (eastus, westeurope, uksouth). */
export function isRegionName(s: string): boolean {
  return /^[a-z][a-z0-9]{1,40}$/.test(s);
}

// ---- the offline snapshot ----
export interface Snapshot {
  date: string;
  prices: Array<{ region: string; sku: string; linux: number; spot?: number; source: string }>;
}

let snapshotCache: Snapshot | undefined;
export function loadSnapshot(dir = presetsDir()): Snapshot {
  if (snapshotCache) return snapshotCache;
  const doc = JSON.parse(readFileSync(join(dir, 'prices-snapshot.json'), 'utf8')) as Snapshot;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.date) || !Array.isArray(doc.prices)) throw new Error('presets/prices-snapshot.json: needs date and prices');
  return (snapshotCache = doc);
}

export function snapshotPrices(sku: string, region: string, snap = loadSnapshot()): SkuPrices | undefined {
  const p = snap.prices.find((x) => x.sku.toLowerCase() === sku.toLowerCase() && x.region === region);
  if (!p) return undefined;
  const out: SkuPrices = { sku: p.sku, region, linux: p.linux };
  if (p.spot !== undefined) out.spot = p.spot;
  return out;
}

// ---- lookup: cache, API, snapshot ----
export interface PriceLookup {
  /** set when a price was found */
  prices?: SkuPrices;
  /** "Azure Retail Prices API", "Azure Retail Prices API, cached 2026-12-02T10:00Z", "snapshot 2026-12-02" */
  source?: string;
  /** why the API was not used (the snapshot then applies), or why there is no price at all */
  problem?: string;
}

export interface LookupOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now?: () => number;
  /** per request (default 10 s) */
  timeoutMs?: number;
}

interface CacheEntry {
  fetchedAt: string;
  /** null: the API answered, with no Linux price for this SKU there */
  prices: SkuPrices | null;
}

function cachePath(env: NodeJS.ProcessEnv, sku: string, region: string): string {
  return join(userCacheDir(env), 'prices', `${region}-${sku.toLowerCase()}.json`);
}

function readCache(path: string, now: number): CacheEntry | undefined {
  try {
    const e = JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
    const t = Date.parse(e.fetchedAt);
    if (!Number.isFinite(t) || now - t > CACHE_TTL_MS || now < t) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

function writeCache(path: string, e: CacheEntry): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, JSON.stringify(e) + '\n');
  } catch {
    /* a read-only cache only costs a lookup next time */
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

async function getJson(url: string, opts: LookupOptions): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const res = await httpGet(url, { env: opts.env, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 10_000, idleTimeoutMs: opts.timeoutMs ?? 10_000, deadlineMs: 30_000, headers: { accept: 'application/json' } });
    try {
      if (res.status === 429 && attempt < MAX_429_RETRIES) {
        // the API throttles; Retry-After (seconds) says when to come back, bounded here
        const after = Math.min(5, Math.max(0.1, Number(res.headers['retry-after']) || 1));
        res.done();
        await sleep(after * 1000, opts.signal);
        continue;
      }
      if (res.status !== 200) throw new PriceDataError(`the price API answered HTTP ${res.status}`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > 8 * 1024 * 1024) throw new PriceDataError('the price API answer is larger than 8 MiB');
        chunks.push(c);
      }
      try {
        return JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new PriceDataError('the price API answered something that is not JSON');
      }
    } finally {
      res.done();
    }
  }
}

/** All Consumption items for one SKU in one region, following NextPageLink. */
export async function fetchRetailItems(sku: string, region: string, opts: LookupOptions = {}): Promise<RetailItem[]> {
  const env = opts.env ?? process.env;
  const base = env.KAITO_PRICES_ENDPOINT || PRICES_ENDPOINT;
  let url: string | null = `${base}?$filter=${encodeURIComponent(retailFilter(sku, region))}`;
  const items: RetailItem[] = [];
  for (let page = 0; url; page++) {
    if (page >= MAX_PAGES) throw new PriceDataError(`the price API kept paging after ${MAX_PAGES} pages`);
    const doc = (await getJson(url, opts)) as { Items?: unknown; NextPageLink?: unknown } | null;
    if (!doc || typeof doc !== 'object' || !Array.isArray(doc.Items)) throw new PriceDataError('the price API answer has no Items list');
    items.push(...(doc.Items as RetailItem[]));
    const next: unknown = doc.NextPageLink;
    if (next !== null && next !== undefined && next !== '' && typeof next !== 'string') throw new PriceDataError('the price API answer has a NextPageLink that is not a URL');
    url = typeof next === 'string' && next ? next : null;
  }
  return items;
}

/**
 * Linux pay-as-you-go (and Spot) prices of one VM size in one region: from the day-old cache, else the API, else
 * the snapshot (labelled). Never throws for price trouble: `problem` says what went wrong.
 */
export async function lookupPrices(sku: string, region: string, opts: LookupOptions = {}): Promise<PriceLookup> {
  const env = opts.env ?? process.env;
  const now = (opts.now ?? Date.now)();
  const path = cachePath(env, sku, region);
  const cached = readCache(path, now);
  if (cached) {
    if (cached.prices) return { prices: cached.prices, source: `Azure Retail Prices API, cached ${cached.fetchedAt.slice(0, 16)}Z` };
    return { problem: `the Azure Retail Prices API lists no Linux pay-as-you-go price for ${sku} in region ${region} (unknown region, or the size is not sold there)` };
  }
  let apiProblem: string;
  try {
    const items = await fetchRetailItems(sku, region, opts);
    const prices = pickPrices(items, sku, region);
    writeCache(path, { fetchedAt: new Date(now).toISOString(), prices: prices ?? null });
    if (prices) return { prices, source: 'Azure Retail Prices API' };
    return { problem: `the Azure Retail Prices API lists no Linux pay-as-you-go price for ${sku} in region ${region} (unknown region, or the size is not sold there)` };
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    apiProblem = (e as Error).message;
  }
  const snap = loadSnapshot();
  const s = snapshotPrices(sku, region, snap);
  if (s) return { prices: s, source: `snapshot ${snap.date}`, problem: `price API not usable (${apiProblem}): using the offline snapshot of ${snap.date}` };
  return { problem: `no price for ${sku} in region ${region}: the price API is not usable (${apiProblem}) and the offline snapshot of ${snap.date} has no figure for it` };
}
