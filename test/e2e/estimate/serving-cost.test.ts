// Issue 14 end to end: $/h where people choose hardware. `kaito deploy` prints the serving $/h (x the nodes Kaito's
// estimator runs a multi-node model on) and carries it in -o json; `kaito nodepool add` prints the pool's $/h;
// `kaito presets show --region` adds a $/h column for the SKUs something fits on. Prices: the sandbox's Retail Prices API.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { kubectlFor } from '../lifecycle/helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);

describe('serving and pool prices against the sandbox', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 1000 });
  });

  it('deploy prints the serving $/h before applying, and -o json carries it', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const cost = lines.findIndex((l) => l === 'cost: serving phi-4-mini-instruct: Standard_NV36ads_A10_v5 $3.20/h Linux pay-as-you-go in eastus (Azure Retail Prices API)');
    expect(cost, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => l.includes('workspace/phi-4-mini-instruct created'))).toBeGreaterThan(cost);
    expect(JSON.parse(r.stdout).cost).toEqual({ instanceType: 'Standard_NV36ads_A10_v5', nodes: 1, usdPerHour: 3.2, spotUsdPerHour: null, region: 'eastus', priceSource: 'Azure Retail Prices API', unavailable: [] });
    expect(JSON.parse(await kubectl('get', 'workspace', 'phi-4-mini-instruct', '-o', 'json')).resource.instanceType).toBe('Standard_NV36ads_A10_v5');
  });

  it('a model Kaito runs on several VMs costs the node count times the VM price', async () => {
    const r = await kaito(['deploy', '--preset', 'qwen2.5-coder-32b-instruct', '--instance-type', 'Standard_NV36ads_A10_v5', '--name', 'big', '--dry-run=server', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^cost: serving big: 4 x Standard_NV36ads_A10_v5 at \$3\.20\/h = \$12\.80\/h Linux pay-as-you-go in eastus/m);
    expect(JSON.parse(r.stdout).cost).toMatchObject({ nodes: 4, usdPerHour: 12.8 });
  });

  it('nodepool add prints the pool\'s $/h (count x price, Spot beside it) before creating it', async () => {
    const env = { ...sb.cliEnv, KAITO_CLUSTER: '', KAITO_RESOURCE_GROUP: '' };
    const r = await kaito(['nodepool', 'add', 'a100x2', '--instance-type', 'Standard_NC24ads_A100_v4', '--count', '2', '-o', 'name'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const cost = lines.findIndex((l) => l === 'cost: node pool a100x2: 2 x Standard_NC24ads_A100_v4 at $3.67/h = $7.35/h Linux pay-as-you-go (Spot $1.47/h) in eastus (Azure Retail Prices API)');
    expect(cost, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((l) => l.includes('✓ node pool a100x2'))).toBeGreaterThan(cost);
    expect(r.stdout).toBe('nodepool/a100x2\n');
    expect(await kubectl('get', 'nodes', '-l', 'agentpool=a100x2', '-o', 'name')).toMatch(/node\//);
  });

  it('presets show --region adds $/h for the SKUs that fit, and says which have no price', async () => {
    const r = await kaito(['presets', 'show', 'phi-4-mini-instruct', '--region', 'eastus'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SKU .* \$\/H EASTUS$/m);
    expect(r.stdout).toMatch(/^Standard_NC24ads_A100_v4 .*\$3\.67 \(Spot \$0\.73\)$/m);
    expect(r.stdout).toMatch(/^Standard_NV36ads_A10_v5 .*\$3\.20$/m);
    expect(r.stdout).toMatch(/\$\/h: Linux pay-as-you-go per VM in eastus, for the SKUs something fits on \(Azure Retail Prices API(, some answers from the day's cache)?\)\./);
    expect(r.stdout).toMatch(/- Standard_ND96isr_H200_v5: the Azure Retail Prices API lists no Linux pay-as-you-go price for Standard_ND96isr_H200_v5 in region eastus/);
    const j = JSON.parse((await kaito(['presets', 'show', 'phi-4-mini-instruct', '--region', 'eastus', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(j.priceRegion).toBe('eastus');
    expect(j.fit.find((f: { sku: string }) => f.sku === 'Standard_NC24ads_A100_v4').price).toEqual({ usdPerHour: 3.673, spotUsdPerHour: 0.7345, source: expect.stringMatching(/^Azure Retail Prices API, cached \d{4}-\d\d-\d\dT\d\d:\d\dZ$/) });
    const bad = await kaito(['presets', 'show', 'phi-4-mini-instruct', '--region', 'East US'], { env: sb.cliEnv });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --region East US: not an Azure region name/);
    // without --region: the catalog output is unchanged (no price lookups)
    const plain = await kaito(['presets', 'show', 'phi-4-mini-instruct', '-o', 'json'], { env: sb.cliEnv });
    expect(JSON.parse(plain.stdout).priceRegion).toBeUndefined();
  });
});
