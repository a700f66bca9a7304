// Issue 19 item 2: `kaito gc` finds what Kaito or the CLI made for a workspace that is gone (an orphan NodeClaim,
// the CLI's ConfigMap and Secret, a CLI agent pool no workspace uses), lists it, deletes it only with --yes, and
// leaves every owned or foreign object alone. Checked with kubectl and the ARM API (kaito nodepool list).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KAITO_BIN, kaito } from '../../support/cli.js';
import { haveTmux, TmuxSession } from '../init/tmux.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlApply, kubectlFor } from './helpers.js';
import { sandboxLinuxPrice } from './prices.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const names = async (kind: string, extra: string[] = []) => (await kubectl('get', kind, ...extra, '-o', 'jsonpath={.items[*].metadata.name}')).split(/\s+/).filter(Boolean);

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 60): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const orphans = `
apiVersion: karpenter.sh/v1
kind: NodeClaim
metadata:
  name: wsghost0001
  labels: { kaito.sh/workspace: ghost, kaito.sh/workspacenamespace: default, karpenter.sh/nodepool: kaito, apps: ghost }
spec:
  nodeClassRef: { group: karpenter.azure.com, kind: AKSNodeClass, name: image-family-ubuntu }
  requirements:
    - { key: node.kubernetes.io/instance-type, operator: In, values: [Standard_NC24ads_A100_v4] }
    - { key: karpenter.sh/nodepool, operator: In, values: [kaito] }
  resources: { requests: { storage: 300Gi } }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ghost-tuning-0123abcd
  labels: { app.kubernetes.io/managed-by: kaito-cli, kaito.sh/workspace: ghost }
data: { training_config.yaml: "training_config: {}" }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ghost-notes
  labels: { kaito.sh/workspace: ghost }
data: { note: "the user's own: no managed-by label" }
---
apiVersion: v1
kind: Secret
metadata:
  name: ghost-push
  labels: { app.kubernetes.io/managed-by: kaito-cli }
type: Opaque
stringData: { k: v }
---
apiVersion: v1
kind: Secret
metadata:
  name: gone-push
  labels: { app.kubernetes.io/managed-by: kaito-cli }
type: kubernetes.io/dockerconfigjson
stringData: { .dockerconfigjson: '{"auths":{"registry.kaito-sandbox.test":{"auth":"dTpw"}}}' }
`;

describe('kaito gc (Kaito 0.12, gpu-provisioner)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    // an owned workspace: its NodeClaim and ConfigMap stay; it uses the CLI-labelled Secret gone-push by name
    expect(await kubectlApply(kubectl, orphans)).toBe('applied');
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'keep1', '--dataset', datasetUrl(sb), '--epochs', '1',
      '--output-image', 'registry.kaito-sandbox.test/adapters/keep1:1', '--push-secret', 'gone-push', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    const p = await kaito(['nodepool', 'add', 'spare', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(p.code, p.stderr).toBe(0);
    await until('the NodeClaim of keep1', async () => ((await names('nodeclaims', ['-l', 'kaito.sh/workspace=keep1'])).length ? true : undefined));
  }, 180_000);

  it('lists the orphans (table) and deletes nothing without --yes', async () => {
    const r = await kaito(['gc'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^KIND\s+NAME\s+INSTANCE\s+\$\/H\s+WHY/);
    // $/h: the sandbox price API's Linux pay-as-you-go figure for the VM size in the nodes' region, x 1 node
    const region = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels.topology\\.kubernetes\\.io/region}');
    expect(region).toMatch(/^[a-z]+[a-z0-9]*$/);
    const a100 = await sandboxLinuxPrice(sb, 'Standard_NC24ads_A100_v4', region);
    const usd = `$${a100.toFixed(2)}`.replace('$', '\\$').replace('.', '\\.');
    expect(r.stdout).toMatch(new RegExp(`NodeClaim\\s+wsghost0001\\s+Standard_NC24ads_A100_v4 \\(1 GPU\\)\\s+${usd}\\s+workspace default/ghost no longer exists`));
    expect(r.stdout).toMatch(/ConfigMap\s+default\/ghost-tuning-0123abcd\s+-\s+made by kaito/);
    expect(r.stdout).toMatch(/Secret\s+default\/ghost-push/);
    expect(r.stdout).toMatch(new RegExp(`AgentPool\\s+spare\\s+Standard_NC24ads_A100_v4 \\(1 GPU\\)\\s+${usd}\\s+made by \`kaito nodepool add\`; no workspace is placed on it`));
    const total = `$${(Math.round(a100 * 2 * 10000) / 10000).toFixed(2)}`;
    expect(r.stderr).toContain(`these bill about ${total}/h Linux pay-as-you-go in ${region} (Azure Retail Prices API`);
    expect(r.stderr).toMatch(/nothing deleted: run `kaito gc --yes` to delete them/);
    expect(await names('nodeclaims')).toContain('wsghost0001');
    expect(await names('configmaps')).toContain('ghost-tuning-0123abcd');
  });

  it('-o json lists exactly the orphans and never an owned or foreign object', async () => {
    const r = await kaito(['gc', '-o', 'json'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.deleted).toBe(false);
    expect(doc.skipped).toEqual([]);
    const found = doc.items.map((i: { kind: string; name: string }) => `${i.kind}/${i.name}`).sort();
    expect(found).toEqual(['AgentPool/spare', 'ConfigMap/ghost-tuning-0123abcd', 'NodeClaim/wsghost0001', 'Secret/ghost-push']);
    const region = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels.topology\\.kubernetes\\.io/region}');
    const a100 = await sandboxLinuxPrice(sb, 'Standard_NC24ads_A100_v4', region);
    expect(doc.items.find((i: { kind: string }) => i.kind === 'NodeClaim')).toEqual({
      kind: 'NodeClaim', name: 'wsghost0001', workspace: 'default/ghost', reason: 'workspace default/ghost no longer exists', instanceType: 'Standard_NC24ads_A100_v4', gpus: 1, nodes: 1, usdPerHour: a100, deleted: false,
    });
    expect(doc.items.find((i: { kind: string }) => i.kind === 'AgentPool')).toMatchObject({ name: 'spare', nodes: 1, usdPerHour: a100 });
    expect(doc.items.find((i: { kind: string }) => i.kind === 'Secret').usdPerHour).toBe(0);
    expect(doc).toMatchObject({ usdPerHour: Math.round(a100 * 2 * 10000) / 10000, region, unavailable: [] });
    expect(doc.priceSource).toMatch(/^Azure Retail Prices API/);
  });

  it('--yes deletes the orphans; the workspace, its NodeClaim and ConfigMap, and foreign objects stay', async () => {
    const keepClaims = await names('nodeclaims', ['-l', 'kaito.sh/workspace=keep1']);
    const keepCms = await names('configmaps', ['-l', 'kaito.sh/workspace=keep1']);
    expect(keepCms.length).toBe(1);
    const r = await kaito(['gc', '--yes'], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ nodeclaim\/wsghost0001 deleted/);
    expect(r.stderr).toMatch(/✓ agentpool\/spare deleted/);
    expect(r.stderr).toMatch(/✓ deleted 4 of 4/);
    // the NodeClaim's finalizer goes once the gpu-provisioner removed its node
    await until('the orphan NodeClaim to go', async () => (!(await names('nodeclaims')).includes('wsghost0001') ? true : undefined));
    expect(await names('configmaps')).not.toContain('ghost-tuning-0123abcd');
    expect(await names('secrets')).not.toContain('ghost-push');
    // owned and foreign objects are untouched
    expect(await names('workspaces')).toContain('keep1');
    expect(await names('nodeclaims', ['-l', 'kaito.sh/workspace=keep1'])).toEqual(keepClaims);
    expect(await names('configmaps', ['-l', 'kaito.sh/workspace=keep1'])).toEqual(keepCms);
    expect(await names('configmaps')).toContain('ghost-notes');
    expect(await names('secrets')).toContain('gone-push');
    const pools = await until('the agent pool spare to go', async () => {
      const l = await kaito(['nodepool', 'list', '-o', 'json'], { env: sb.cliEnv });
      const items = JSON.parse(l.stdout).items as Array<{ name: string; provisioningState: string }>;
      return items.some((p) => p.name === 'spare') ? undefined : items;
    });
    expect(pools.length).toBeGreaterThan(0);
  });

  it('a second run finds nothing', async () => {
    const r = await kaito(['gc'], { env: sb.cliEnv, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nothing to collect/);
  });

  it.runIf(haveTmux())('on a terminal it asks first: "no" keeps the orphan, "yes" deletes it', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost2-inference\n  labels: { app.kubernetes.io/managed-by: kaito-cli }\ndata: { a: b }\n';
    expect(await kubectlApply(kubectl, cm)).toBe('applied');
    const env = Object.entries({ ...sb.cliEnv, TERM: 'xterm-256color' }).map(([k, v]) => `${k}='${String(v)}'`).join(' ');
    const run = () => new TmuxSession(`env -i ${env} '${process.execPath}' '${KAITO_BIN}' gc; echo "EXIT=$?"`);
    let t = run();
    try {
      await t.waitFor(/ConfigMap\s+default\/ghost2-inference[\s\S]*Delete these 1 object\(s\)\?/, 60_000);
      t.type('n');
      t.send('Enter');
      await t.waitFor(/nothing deleted[\s\S]*EXIT=0/, 30_000);
    } finally {
      t.kill();
    }
    expect(await names('configmaps')).toContain('ghost2-inference');
    t = run();
    try {
      await t.waitFor(/Delete these 1 object\(s\)\?/, 60_000);
      t.type('y');
      t.send('Enter');
      await t.waitFor(/✓ configmap\/ghost2-inference deleted[\s\S]*EXIT=0/, 30_000);
    } finally {
      t.kill();
    }
    expect(await names('configmaps')).not.toContain('ghost2-inference');
  });
});

describe('kaito gc $/h when the price API answers garbage (sandbox fault prices-garbage)', () => {
  let bad: TestSandbox;
  const kc = kubectlFor(() => bad);
  beforeAll(async () => {
    bad = await startTestSandbox({ speed: 600, faults: ['prices-garbage'] });
    // one VM size the dated snapshot has, one it has not
    const claim = (name: string, it: string) => `apiVersion: karpenter.sh/v1
kind: NodeClaim
metadata:
  name: ${name}
  labels: { kaito.sh/workspace: ghost, kaito.sh/workspacenamespace: default, karpenter.sh/nodepool: kaito }
spec:
  nodeClassRef: { group: karpenter.azure.com, kind: AKSNodeClass, name: image-family-ubuntu }
  requirements:
    - { key: node.kubernetes.io/instance-type, operator: In, values: [${it}] }
  resources: { requests: { storage: 300Gi } }
`;
    expect(await kubectlApply(kc, claim('wsghost0002', 'Standard_NC24ads_A100_v4') + '---\n' + claim('wsghost0003', 'Standard_NC6s_v3'))).toBe('applied');
  }, 120_000);

  it('uses the dated snapshot, labelled, for the size it has; "unknown" and a reason for the one it has not', async () => {
    const snap = JSON.parse(readFileSync(join(process.cwd(), 'presets', 'prices-snapshot.json'), 'utf8')) as { date: string; prices: Array<{ sku: string; region: string; linux: number }> };
    const region = await kc('get', 'nodes', '-o', 'jsonpath={.items[0].metadata.labels.topology\\.kubernetes\\.io/region}');
    const fig = snap.prices.find((p) => p.sku === 'Standard_NC24ads_A100_v4' && p.region === region);
    expect(fig).toBeDefined();
    expect(snap.prices.some((p) => p.sku === 'Standard_NC6s_v3' && p.region === region)).toBe(false);
    const t = await kaito(['gc'], { env: bad.cliEnv, timeoutMs: 60_000 });
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/^warning: price API not usable \(the price API answered something that is not JSON\): using the offline snapshot of \d{4}-\d\d-\d\d$/m);
    expect(t.stdout).toMatch(new RegExp(`wsghost0002\\s+Standard_NC24ads_A100_v4 \\(1 GPU\\)\\s+\\$${fig!.linux.toFixed(2).replace('.', '\\.')}\\s`));
    expect(t.stdout).toMatch(/wsghost0003\s+Standard_NC6s_v3\S*( \(\d GPU\))?\s+unknown\s/);
    expect(t.stderr).toContain(`these bill at least $${fig!.linux.toFixed(2)}/h Linux pay-as-you-go in ${region} (snapshot ${snap.date})`);
    expect(t.stderr).toMatch(/\$\/h unknown: NodeClaim\/wsghost0003: no price for Standard_NC6s_v3 in region \w+: the price API is not usable/);
    const j = await kaito(['gc', '-o', 'json'], { env: bad.cliEnv, timeoutMs: 60_000 });
    expect(j.code, j.stderr).toBe(0);
    const doc = JSON.parse(j.stdout);
    const by = (n: string) => doc.items.find((i: { name: string }) => i.name === n);
    expect(by('wsghost0002').usdPerHour).toBe(fig!.linux);
    expect(by('wsghost0003').usdPerHour).toBeNull();
    expect(doc.priceSource).toBe(`snapshot ${snap.date}`);
    expect(doc.region).toBe(region);
    expect(doc.usdPerHour).toBe(fig!.linux);
    expect(doc.unavailable).toEqual([expect.stringMatching(/^NodeClaim\/wsghost0003: no price for Standard_NC6s_v3/)]);
    expect(await kc('get', 'nodeclaims', '-o', 'jsonpath={.items[*].metadata.name}')).toContain('wsghost0003');
  });
});
