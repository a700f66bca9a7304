// The Retail Prices client (src/azure/prices.ts) against a scripted local HTTP server: 429 + Retry-After is retried
// (bounded), NextPageLink is followed, the answer is cached for a day, and bad answers fall back to the labelled
// snapshot or say why there is no price.
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupPrices } from '../../../src/azure/prices.js';

type Handler = (url: URL, n: number) => { status: number; body: string; headers?: Record<string, string> };
let server: Server;
let base = '';
let handler: Handler = () => ({ status: 500, body: '' });
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    const r = handler(new URL(req.url ?? '/', base), hits);
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
    res.end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

const item = (over: Record<string, unknown>) => ({ armSkuName: 'Standard_NC24ads_A100_v4', armRegionName: 'eastus', productName: 'Virtual Machines NCadsA100v4 Series', skuName: 'NC24ads A100 v4', meterName: 'NC24ads A100 v4', retailPrice: 3.5, type: 'Consumption', ...over });
const env = () => ({ KAITO_PRICES_ENDPOINT: `${base}/api/retail/prices`, KAITO_CACHE_DIR: mkdtempSync(join(tmpdir(), 'kaito-prices-')) });

describe('Retail Prices client', () => {
  it('retries a 429 after Retry-After, follows NextPageLink, sends the documented filter, then serves from the cache', async () => {
    hits = 0;
    const filters: string[] = [];
    handler = (url, n) => {
      filters.push(url.searchParams.get('$filter') ?? '');
      if (n === 1) return { status: 429, body: '{}', headers: { 'retry-after': '0.1' } };
      if (!url.searchParams.get('$skip')) return { status: 200, body: JSON.stringify({ Items: [item({ productName: 'Virtual Machines NCadsA100v4 Series Windows', retailPrice: 4.2 })], NextPageLink: `${base}/api/retail/prices?$skip=1&$filter=${encodeURIComponent(url.searchParams.get('$filter') ?? '')}` }) };
      return { status: 200, body: JSON.stringify({ Items: [item({}), item({ skuName: 'NC24ads A100 v4 Spot', meterName: 'NC24ads A100 v4 Spot', retailPrice: 0.7 })], NextPageLink: null }) };
    };
    const e = env();
    const t0 = Date.UTC(2026, 11, 2, 10, 0);
    const r = await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: e, now: () => t0 });
    expect(r).toEqual({ prices: { sku: 'Standard_NC24ads_A100_v4', region: 'eastus', linux: 3.5, spot: 0.7 }, source: 'Azure Retail Prices API' });
    expect(hits).toBe(3);
    expect(filters[0]).toBe("serviceName eq 'Virtual Machines' and armSkuName eq 'Standard_NC24ads_A100_v4' and armRegionName eq 'eastus' and priceType eq 'Consumption'");
    // within a day: the cache, no request
    const c = await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: e, now: () => t0 + 23 * 3600_000 });
    expect(c.source).toBe('Azure Retail Prices API, cached 2026-12-02T10:00Z');
    expect(hits).toBe(3);
    // after a day: asked again
    await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: e, now: () => t0 + 25 * 3600_000 });
    expect(hits).toBe(5);
  });

  it('a 429 that does not stop: bounded retries, then the dated snapshot, labelled', async () => {
    hits = 0;
    handler = () => ({ status: 429, body: '{}', headers: { 'retry-after': '0.05' } });
    const r = await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: env() });
    expect(hits).toBe(4);
    expect(r.source).toMatch(/^snapshot \d{4}-\d\d-\d\d$/);
    expect(r.prices?.linux).toBe(3.673);
    expect(r.problem).toMatch(/^price API not usable \(the price API answered HTTP 429\): using the offline snapshot of/);
  });

  it.each([
    ['not JSON', '<html>', /not JSON/],
    ['no Items', '{"Count":0}', /no Items list/],
    ['a price that is not a number', JSON.stringify({ Items: [item({ retailPrice: 'call us' })], NextPageLink: null }), /not a number/],
    ['a NextPageLink that is not a URL', JSON.stringify({ Items: [], NextPageLink: 7 }), /NextPageLink that is not a URL/],
  ])('garbage (%s): snapshot where it has a figure, else no price and why', async (_what, body, why) => {
    // the answer is about the region asked for
    handler = (url) => ({ status: 200, body: body.replace(/"eastus"/g, JSON.stringify(/armRegionName eq '(\w+)'/.exec(url.searchParams.get('$filter') ?? '')?.[1])) });
    const r = await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: env() });
    expect(r.source).toMatch(/^snapshot /);
    expect(r.problem).toMatch(why);
    const none = await lookupPrices('Standard_NC24ads_A100_v4', 'westeurope', { env: env() });
    expect(none.prices).toBeUndefined();
    expect(none.problem).toMatch(why);
    expect(none.problem).toMatch(/the offline snapshot of \d{4}-\d\d-\d\d has no figure for it/);
  });

  it('an empty answer (unknown region) is not an error and is not replaced by the snapshot', async () => {
    handler = () => ({ status: 200, body: JSON.stringify({ Items: [], NextPageLink: null }) });
    const r = await lookupPrices('Standard_NC24ads_A100_v4', 'eastus', { env: env() });
    expect(r.prices).toBeUndefined();
    expect(r.problem).toMatch(/lists no Linux pay-as-you-go price for Standard_NC24ads_A100_v4 in region eastus/);
  });
});
