// The sandbox's own Retail Prices API figures, for tests that check a $/h the CLI shows (never a hard-coded price).
import { request } from 'node:https';
import { expect } from 'vitest';
import type { TestSandbox } from '../../support/sandbox.js';

function getJson(sb: TestSandbox, url: string): Promise<{ Items: Array<Record<string, unknown>>; NextPageLink: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: sb.caPem }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The Linux pay-as-you-go $/h the sandbox's Retail Prices API gives for a VM size in a region (paged, bounded). */
export async function sandboxLinuxPrice(sb: TestSandbox, sku: string, region: string): Promise<number> {
  const filter = encodeURIComponent(`serviceName eq 'Virtual Machines' and armSkuName eq '${sku}' and armRegionName eq '${region}' and priceType eq 'Consumption'`);
  let url: string | null = `${sb.env.KAITO_PRICES_ENDPOINT}?$filter=${filter}`;
  const items: Array<Record<string, unknown>> = [];
  for (let pages = 0; url && pages < 10; pages++) {
    const doc = await getJson(sb, url);
    items.push(...doc.Items);
    url = doc.NextPageLink;
  }
  const linux = items.filter((i) => !/windows/i.test(String(i.productName)) && !/spot|low priority/i.test(`${i.meterName} ${i.skuName}`));
  expect(linux.length).toBeGreaterThan(0);
  return Math.min(...linux.map((i) => i.retailPrice as number));
}
