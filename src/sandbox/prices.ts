// The Azure Retail Prices API, emulated (issue 14; SPEC "The sandbox"). Faithful to the public API doc
// (learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices):
//   GET /api/retail/prices?$filter=...  ->  200 {BillingCurrency, CustomerEntityId, CustomerEntityType, Items,
//   NextPageLink, Count}; no credentials; pages are linked by NextPageLink (an absolute URL with $skip), the last
//   page has NextPageLink null; a filter matching nothing is 200 with Items [] (an unknown region is not an error);
//   a $filter the API cannot parse is 400. Item fields as the doc's examples: currencyCode, retailPrice, unitPrice,
//   armRegionName, location, effectiveStartDate, meterName, productName, skuName, serviceName, type,
//   unitOfMeasure, isPrimaryMeterRegion, armSkuName.
// The sandbox pages after 3 items (the real API pages after 100, or 1,000 with api-version 2023-01-01-preview) so
// that every lookup crosses pages. Its prices are the figures of presets/prices-snapshot.json; per SKU it lists the
// Linux, Spot, Low Priority and Windows items and a Reservation item, so a client must tell them apart.
// Subset of OData $filter: `field eq 'value'` terms joined by `and` on the fields below.
// Faults: prices-429=P answers a fraction P with 429 + Retry-After: 1 (the API throttles); prices-garbage answers
// 200 with an HTML page (a captive portal or a broken proxy).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.js';
import { loadSnapshot } from '../azure/prices.js';

export const PRICES_PATH = '/api/retail/prices';
const PAGE = 3;
const FIELDS = ['serviceName', 'armSkuName', 'armRegionName', 'priceType', 'skuName', 'productName', 'meterName', 'type'] as const;

interface Item {
  currencyCode: string;
  tierMinimumUnits: number;
  retailPrice: number;
  unitPrice: number;
  armRegionName: string;
  location: string;
  effectiveStartDate: string;
  meterId: string;
  meterName: string;
  productId: string;
  skuId: string;
  productName: string;
  skuName: string;
  serviceName: string;
  serviceId: string;
  serviceFamily: string;
  unitOfMeasure: string;
  type: string;
  isPrimaryMeterRegion: boolean;
  armSkuName: string;
  reservationTerm?: string;
}

const LOCATIONS: Record<string, string> = { eastus: 'US East', uksouth: 'UK South', brazilsouth: 'BR South', westeurope: 'EU West' };

/** "Standard_NC24ads_A100_v4" -> "NC24ads A100 v4" (the meter name style of the API's VM items) */
function meterOf(sku: string): string {
  return sku.replace(/^Standard_/, '').replace(/_/g, ' ');
}

function itemsFor(region: string, sku: string, linux: number, spot?: number): Item[] {
  const meter = meterOf(sku);
  const series = `Virtual Machines ${meter.split(' ')[0].replace(/\d+/, '')} Series`;
  const base = (over: Partial<Item>): Item => ({
    currencyCode: 'USD', tierMinimumUnits: 0, retailPrice: linux, unitPrice: linux, armRegionName: region, location: LOCATIONS[region] ?? region,
    effectiveStartDate: '2024-01-01T00:00:00Z', meterId: `sandbox-${region}-${sku}`, meterName: meter, productId: 'DZH318Z0BQ4W', skuId: 'DZH318Z0BQ4W/00TG',
    productName: series, skuName: meter, serviceName: 'Virtual Machines', serviceId: 'DZH313Z7MMC8', serviceFamily: 'Compute', unitOfMeasure: '1 Hour',
    type: 'Consumption', isPrimaryMeterRegion: true, armSkuName: sku, ...over,
  });
  const round = (x: number) => Math.round(x * 10000) / 10000;
  const out: Item[] = [
    base({ productName: `${series} Windows`, retailPrice: round(linux * 1.18), unitPrice: round(linux * 1.18) }),
    base({}),
    base({ skuName: `${meter} Low Priority`, meterName: `${meter} Low Priority`, retailPrice: round(linux * 0.2), unitPrice: round(linux * 0.2) }),
    base({ type: 'Reservation', reservationTerm: '1 Year', retailPrice: round(linux * 8760 * 0.6), unitPrice: round(linux * 8760 * 0.6), unitOfMeasure: '1 Hour' }),
  ];
  if (spot !== undefined) out.push(base({ skuName: `${meter} Spot`, meterName: `${meter} Spot`, retailPrice: spot, unitPrice: spot }));
  return out;
}

export class FilterError extends Error {}

/** Parses the $filter subset: `a eq 'x' and b eq 'y'`. */
export function parseFilter(f: string): Array<[string, string]> {
  const terms: Array<[string, string]> = [];
  const re = /^\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*(?:and\s+|$)/i;
  let rest = f.trim();
  while (rest) {
    const m = re.exec(rest);
    if (!m) throw new FilterError(`Invalid OData filter near "${rest.slice(0, 40)}"`);
    terms.push([m[1], m[2].replace(/''/g, "'")]);
    rest = rest.slice(m[0].length).trim();
  }
  return terms;
}

export function createPricesEmulator(ctx: SandboxContext) {
  const snap = loadSnapshot();
  const all: Item[] = snap.prices.flatMap((p) => itemsFor(p.region, p.sku, p.linux, p.spot));
  return {
    claims: (path: string) => path === PRICES_PATH,
    handle(req: IncomingMessage, res: ServerResponse): void {
      const send = (status: number, body: string, type = 'application/json; charset=utf-8', headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
        res.end(body);
      };
      if (req.method !== 'GET') return send(405, JSON.stringify({ Error: { Code: 'MethodNotAllowed', Message: 'Only GET is supported.' } }));
      if (ctx.faults.prices429 && Math.random() < ctx.faults.prices429)
        return send(429, JSON.stringify({ Error: { Code: 'TooManyRequests', Message: 'Too many requests. Please retry after some time.' } }), undefined, { 'Retry-After': '1' });
      if (ctx.faults.pricesGarbage) return send(200, '<html><body>Sign in to continue</body></html>', 'text/html');
      const url = new URL(req.url ?? '/', ctx.baseUrl());
      let terms: Array<[string, string]>;
      try {
        terms = parseFilter(url.searchParams.get('$filter') ?? '');
      } catch (e) {
        return send(400, JSON.stringify({ Error: { Code: 'BadRequest', Message: (e as Error).message } }));
      }
      for (const [k] of terms) if (!(FIELDS as readonly string[]).includes(k)) return send(400, JSON.stringify({ Error: { Code: 'BadRequest', Message: `Invalid OData filter: unknown field ${k}` } }));
      // values compare case-sensitively, as the API's 2023-01-01-preview filters do
      const hits = all.filter((it) => terms.every(([k, v]) => (k === 'priceType' ? it.type === v : String((it as unknown as Record<string, unknown>)[k]) === v)));
      const skip = Math.max(0, Number(url.searchParams.get('$skip')) || 0);
      const page = hits.slice(skip, skip + PAGE);
      let next: string | null = null;
      if (skip + PAGE < hits.length) {
        const n = new URL(url.toString());
        n.searchParams.set('$skip', String(skip + PAGE));
        next = n.toString();
      }
      ctx.log('prices', `GET ${PRICES_PATH} ${terms.map(([k, v]) => `${k}=${v}`).join(',')} skip=${skip} -> ${page.length}`);
      send(200, JSON.stringify({ BillingCurrency: 'USD', CustomerEntityId: 'Default', CustomerEntityType: 'Retail', Items: page, NextPageLink: next, Count: page.length }));
    },
  };
}
