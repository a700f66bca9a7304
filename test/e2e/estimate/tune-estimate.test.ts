// Issue 14 end to end: `kaito tune` / `kaito render tune --estimate` print the time and cost estimate before anything
// is applied, `-o json` carries it, `--max-cost` refuses with exit 2 and nothing created, and every input that
// cannot be estimated (region, SKU, price answer, dataset size) is named instead of guessed. Prices come from the
// sandbox's Retail Prices API emulation (KAITO_PRICES_ENDPOINT in its env); kubectl checks what the cluster holds.
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from '../lifecycle/helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const tuneArgs = (name: string, extra: string[] = [], sku = 'Standard_NV36ads_A10_v5', ds = datasetUrl(sb)) => [
  'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', ds, '--output-pvc', 'out', '--instance-type', sku, ...extra,
];
const notThere = async (name: string) => {
  await expect(kubectl('get', 'workspace', name)).rejects.toThrow(/NotFound|not found/);
  expect(await kubectl('get', 'configmaps', '-l', `kaito.sh/workspace=${name}`, '-o', 'name')).toBe('');
};

function getJson(url: string): Promise<{ Items: Array<Record<string, unknown>>; NextPageLink: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: sb.caPem }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tuning estimate against the sandbox (Kaito 0.12, NAP)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
  });

  it('the sandbox serves the Retail Prices API with NextPageLink paging and Linux/Windows/Spot/Low Priority items', async () => {
    const filter = encodeURIComponent("serviceName eq 'Virtual Machines' and armSkuName eq 'Standard_NC24ads_A100_v4' and armRegionName eq 'eastus' and priceType eq 'Consumption'");
    let url: string | null = `${sb.env.KAITO_PRICES_ENDPOINT}?$filter=${filter}`;
    const items: Array<Record<string, unknown>> = [];
    let pages = 0;
    while (url && pages < 10) {
      const doc = await getJson(url);
      items.push(...doc.Items);
      url = doc.NextPageLink;
      pages++;
    }
    expect(pages).toBeGreaterThan(1);
    expect(url).toBeNull();
    expect(items.every((i) => i.type === 'Consumption' && i.armSkuName === 'Standard_NC24ads_A100_v4')).toBe(true);
    expect(items.map((i) => `${i.productName}|${i.meterName}`).sort()).toEqual([
      'Virtual Machines NCads Series Windows|NC24ads A100 v4',
      'Virtual Machines NCads Series|NC24ads A100 v4',
      'Virtual Machines NCads Series|NC24ads A100 v4 Low Priority',
      'Virtual Machines NCads Series|NC24ads A100 v4 Spot',
    ]);
    const none = await getJson(`${sb.env.KAITO_PRICES_ENDPOINT}?$filter=${encodeURIComponent("armRegionName eq 'marsnorth'")}`);
    expect(none).toMatchObject({ Items: [], NextPageLink: null });
  });

  it('tune prints the estimate before applying and -o json carries it (region from the nodes, price from the API)', async () => {
    const r = await kaito([...tuneArgs('est1'), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const at = lines.findIndex((l) => l.startsWith('estimate: phi-3-mini-128k-instruct qlora on 1 x A10 (Standard_NV36ads_A10_v5)'));
    expect(at, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => l.includes('workspace/est1 created'))).toBeGreaterThan(at);
    expect(r.stderr).toMatch(/tokens \(300 records\) x 3 epochs/);
    expect(r.stderr).toMatch(/^ {2}time {2}\d+ min - \d+ min, expected \d+ min \(compute floor at 100 % of peak: \d+ min\)$/m);
    expect(r.stderr).toMatch(/^ {2}cost {2}\$\d+\.\d\d - \$\d+\.\d\d, expected \$\d+\.\d\d at \$3\.20\/h Linux pay-as-you-go in eastus \(Azure Retail Prices API\)$/m);
    const e = JSON.parse(r.stdout).estimate;
    expect(e).toMatchObject({ epochs: 3, usdPerHour: 3.2, region: 'eastus', priceSource: 'Azure Retail Prices API', instanceType: 'Standard_NV36ads_A10_v5', unavailable: [] });
    expect(e.tokens).toBeGreaterThan(10_000);
    expect(e.hours.low).toBeLessThan(e.hours.expected);
    expect(e.hours.expected).toBeLessThan(e.hours.high);
    expect(e.usd.high).toBeCloseTo(e.hours.high * 3.2, 1);
    expect(e.gpuHours).toBeCloseTo(e.hours.expected, 2);
    // the answer is cached for a day under the user's cache dir; the next run says so
    expect(readdirSync(join(sb.home, '.cache', 'kaito', 'prices'))).toContain('eastus-standard_nv36ads_a10_v5.json');
    const again = await kaito([...tuneArgs('est1'), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(JSON.parse(again.stdout).estimate.priceSource).toMatch(/^Azure Retail Prices API, cached \d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
  });

  it('doubling the epochs roughly doubles the estimate', async () => {
    const one = JSON.parse((await kaito([...tuneArgs('ep1', ['--epochs', '2']), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv })).stdout).estimate;
    const two = JSON.parse((await kaito([...tuneArgs('ep1', ['--epochs', '4']), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv })).stdout).estimate;
    expect(two.tokens).toBe(one.tokens * 2);
    // the compute part doubles (unit property test); the fixed overheads do not, so the total grows by less than 2x
    expect(two.hours.expected).toBeGreaterThan(one.hours.expected);
    expect(two.hours.expected).toBeLessThan(one.hours.expected * 2);
    expect(two.usd.high).toBeGreaterThan(one.usd.high);
  });

  it('--max-cost below the high estimate refuses: exit 2, one error with the fix, nothing created', async () => {
    const r = await kaito(tuneArgs('cap1', ['--max-cost', '0.05']), { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --max-cost 0.05: the estimate is up to \$\d+\.\d\d \(expected \$\d+\.\d\d\), above the limit; nothing was created$/m);
    expect(r.stderr).toMatch(/^ {2}raise --max-cost, train fewer epochs or on less data, or pick a cheaper --instance-type$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    await notThere('cap1');
  });

  it('--max-cost above the high estimate lets the workspace be created', async () => {
    const r = await kaito([...tuneArgs('cap2', ['--max-cost', '500']), '-o', 'name'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('workspace.kaito.sh/cap2\n');
    expect(JSON.parse(await kubectl('get', 'workspace', 'cap2', '-o', 'json')).metadata.name).toBe('cap2');
  });

  it('a --max-cost that is not an amount and a --region that is not a region name are usage errors', async () => {
    const a = await kaito(tuneArgs('bad1', ['--max-cost', 'lots']), { env: sb.cliEnv });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^error: --max-cost lots: not an amount in US dollars\n {2}give a positive number, e.g. --max-cost 25\n$/);
    const b = await kaito(tuneArgs('bad1', ['--region', 'East US']), { env: sb.cliEnv });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^error: --region East US: not an Azure region name/);
    await notThere('bad1');
  });

  it('an unknown region, or a size not sold there: the cost is not estimated, and --max-cost cannot pass', async () => {
    const r = await kaito([...tuneArgs('reg1', ['--region', 'marsnorth']), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not estimated: cost unknown: the Azure Retail Prices API lists no Linux pay-as-you-go price for Standard_NV36ads_A10_v5 in region marsnorth \(unknown region, or the size is not sold there\)/);
    const e = JSON.parse(r.stdout).estimate;
    expect(e).toMatchObject({ usdPerHour: null, usd: null, priceSource: null, region: 'marsnorth' });
    expect(e.hours.expected).toBeGreaterThan(0);
    const c = await kaito(tuneArgs('reg1', ['--region', 'westeurope', '--max-cost', '100'], 'Standard_NC24ads_A100_v4'), { env: sb.cliEnv });
    expect(c.code, c.stderr).toBe(2);
    expect(c.stderr).toMatch(/^error: --max-cost 100: the cost cannot be estimated, so the limit cannot be checked \(nothing was created\)$/m);
    expect(c.stderr).toMatch(/no Linux pay-as-you-go price for Standard_NC24ads_A100_v4 in region westeurope/);
    await notThere('reg1');
  });

  it('a dataset whose size cannot be known (no Content-Length on HEAD, check skipped) is said so, never guessed', async () => {
    const url = `https://datasets.kaito-sandbox.test:${sb.port}/unsized/kaito-ops-messages.jsonl`;
    const r = await kaito([...tuneArgs('size1', ['--skip-dataset-check'], undefined, url), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not estimated: dataset size unknown: https:\/\/datasets\.kaito-sandbox\.test:\d+\/unsized\/kaito-ops-messages\.jsonl gives no size \(no Content-Length on HEAD\) and the dataset check was skipped \(--skip-dataset-check\)/);
    expect(JSON.parse(r.stdout).estimate).toMatchObject({ tokens: null, hours: null, usd: null, usdPerHour: 3.2 });
    const c = await kaito(tuneArgs('size1', ['--skip-dataset-check', '--max-cost', '100'], undefined, url), { env: sb.cliEnv });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--max-cost 100: the cost cannot be estimated/);
    await notThere('size1');
    // a sized file with the check skipped: its size is known, its records (hence steps) are not: no time is made up
    const sized = await kaito([...tuneArgs('size1', ['--skip-dataset-check'], undefined, datasetUrl(sb, 'kaito-ops-messages.jsonl')), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(sized.code, sized.stderr).toBe(0);
    expect(sized.stderr).toMatch(/not estimated: time unknown: ~[\d.]+ k tokens \(\d+ KiB file at ~4 bytes per token\), but the record count, which sets the steps, is only known from the dataset check \(drop --skip-dataset-check\)/);
    expect(JSON.parse(sized.stdout).estimate).toMatchObject({ hours: null, usd: null });
    const pq = await kaito([...tuneArgs('size1', ['--skip-dataset-check']), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(pq.stderr).toMatch(/not estimated: dataset size unknown: https:\/\/\S+\.parquet is parquet \(compressed\), so its byte size does not tell its tokens, and the dataset check was skipped/);
    // with the check, the same URL is read in full and estimated
    const ok = await kaito([...tuneArgs('size1', [], undefined, url), '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).estimate.tokens).toBeGreaterThan(10_000);
  });

  it('render tune --estimate prints the estimate on stderr and the same manifests on stdout; --max-cost refuses with no output', async () => {
    const args = ['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', datasetUrl(sb), '--output-pvc', 'out', '--instance-type', 'Standard_NC24ads_A100_v4'];
    const plain = await kaito(args, { env: sb.cliEnv });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/estimate/);
    const r = await kaito([...args, '--estimate', '--region', 'eastus'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toMatch(/^estimate: phi-3-mini-128k-instruct qlora on 1 x A100 \(Standard_NC24ads_A100_v4\)/m);
    expect(r.stderr).toMatch(/at \$3\.67\/h Linux pay-as-you-go, Spot \$0\.73\/h in eastus \(Azure Retail Prices API\)/);
    const noRegion = await kaito([...args, '--estimate'], { env: sb.cliEnv });
    expect(noRegion.stderr).toMatch(/not estimated: cost unknown: no region \(render has no cluster: pass --region\)/);
    const capped = await kaito([...args, '--max-cost', '0.01', '--region', 'eastus'], { env: sb.cliEnv });
    expect(capped.code).toBe(2);
    expect(capped.stdout).toBe('');
    expect(capped.stderr).toMatch(/^error: --max-cost 0.01: the estimate is up to/m);
    // `kaito tune --dry-run=client` is render: the same guard
    const client = await kaito(['tune', ...args.slice(2), '--dry-run=client', '--max-cost', '0.01', '--region', 'eastus'], { env: sb.cliEnv });
    expect(client.code).toBe(2);
    expect(client.stdout).toBe('');
    expect(client.stderr).toMatch(/^error: --max-cost 0.01: the estimate is up to/m);
  });
});

describe('price API trouble (sandbox faults)', () => {
  it('garbage from the price API: the dated snapshot is used and labelled; no snapshot figure: not estimated', async () => {
    const bad = await startTestSandbox({ speed: 600, faults: ['prices-garbage'] });
    const ds = datasetUrl(bad);
    const base = ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'g1', '--dataset', ds, '--output-pvc', 'out', '--dry-run=server', '-o', 'json'];
    const r = await kaito([...base, '--instance-type', 'Standard_NV36ads_A10_v5'], { env: bad.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: price API not usable \(the price API answered something that is not JSON\): using the offline snapshot of \d{4}-\d\d-\d\d$/m);
    expect(r.stderr).toMatch(/in eastus \(snapshot \d{4}-\d\d-\d\d\)/);
    expect(JSON.parse(r.stdout).estimate.priceSource).toMatch(/^snapshot \d{4}-\d\d-\d\d$/);
    // nothing cached from a bad answer
    expect(existsSync(join(bad.home, '.cache', 'kaito', 'prices'))).toBe(false);
    const n = await kaito([...base, '--instance-type', 'Standard_NV36ads_A10_v5', '--region', 'westeurope'], { env: bad.cliEnv });
    expect(n.stderr).toMatch(/not estimated: cost unknown: no price for Standard_NV36ads_A10_v5 in region westeurope: the price API is not usable \(the price API answered something that is not JSON\) and the offline snapshot of \d{4}-\d\d-\d\d has no figure for it/);
    expect(JSON.parse(n.stdout).estimate.usd).toBeNull();
  });

  it('a price API that keeps answering 429: retried (bounded), then the snapshot, labelled', async () => {
    const busy = await startTestSandbox({ speed: 600, faults: ['prices-429=1'] });
    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 't1', '--dataset', datasetUrl(busy), '--output-pvc', 'out', '--instance-type', 'Standard_NC24ads_A100_v4', '--dry-run=server', '-o', 'json'], { env: busy.cliEnv, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/price API not usable \(the price API answered HTTP 429\)/);
    expect(JSON.parse(r.stdout).estimate).toMatchObject({ usdPerHour: 3.673, spotUsdPerHour: 0.7345 });
    expect(JSON.parse(r.stdout).estimate.priceSource).toMatch(/^snapshot /);
  }, 120_000);
});
