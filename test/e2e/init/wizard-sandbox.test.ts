// `kaito init` in a real terminal against the sandbox: the lists come live from the emulated ARM (AKS
// clusters, GPU quota) and Kubernetes API (docker-registry Secrets), and the dataset URL is downloaded
// and checked on the spot.
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/config/project.js';
import { KAITO_BIN } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { TmuxSession } from './tmux.js';

let sb: TestSandbox;
let dir: string;
let session: TmuxSession | undefined;

function createSecret(name: string, type: string): Promise<number> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type, data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') } });
  return new Promise((resolve, reject) => {
    const req = request(`${sb.url}/api/v1/namespaces/default/secrets`, { method: 'POST', ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}`, 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sb = await startTestSandbox();
  dir = mkdtempSync(join(tmpdir(), 'kaito-tty-sbx-'));
  expect(await createSecret('acr-push', 'kubernetes.io/dockerconfigjson')).toBe(201);
  expect(await createSecret('not-a-registry', 'Opaque')).toBe(201);
});

afterAll(() => {
  session?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('kaito init in a terminal, against the sandbox', () => {
  it('offers the clusters, Secrets and quota it finds, checks the dataset, and writes kaito.yaml', async () => {
    const env = Object.entries({ ...sb.cliEnv, TERM: 'xterm-256color' })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}='${v}'`)
      .join(' ');
    const t = (session = new TmuxSession(`cd '${dir}' && env -i ${env} '${process.execPath}' '${KAITO_BIN}' init; echo "EXIT=$?"`));
    const sub = sb.env.AZURE_SUBSCRIPTION_ID;
    await t.waitFor(new RegExp(`\\? Azure subscription ID \\(${sub}\\)`));
    t.send('Enter');
    await t.waitFor(new RegExp(`\\? AKS cluster[\\s\\S]*❯ ${sb.env.KAITO_CLUSTER}  \\(resource group ${sb.env.KAITO_RESOURCE_GROUP}`), 30_000);
    t.send('Enter');
    await t.waitFor(/\? Kube context/);
    t.send('Enter');
    await t.waitFor(/\? Namespace for the workspaces \(default\)/);
    t.send('Enter');
    await t.waitFor(/\? Model preset to tune/);
    t.send('Enter');
    await t.waitFor(/\? Tuning method/);
    t.send('Enter');
    await t.waitFor(/\? Dataset URL/);
    const base = `https://datasets.kaito-sandbox.test:${sb.port}`;
    t.type(`${base}/html`);
    t.send('Enter');
    await t.waitFor(/> .*HTML/i, 30_000);
    for (let i = 0; i < `${base}/html`.length; i++) t.send('BSpace');
    t.type(`${base}/kaito-ops-messages.jsonl`);
    t.send('Enter');
    await t.waitFor(/\? Image to push the adapter to/, 30_000);
    expect(t.screen()).toMatch(/✓ \d+ records \(messages\)/);
    t.type('myacr.azurecr.io/adapters/phi3:v1');
    t.send('Enter');
    const secrets = await t.waitFor(/\? docker-registry Secret that can push the image[\s\S]*another Secret/, 30_000);
    expect(secrets).toMatch(/❯ acr-push/);
    expect(secrets).not.toMatch(/not-a-registry/);
    t.send('Enter');
    // the sandbox is Kaito 0.12 in NAP mode: Kaito provisions its own node, so no node pool is offered (KAITO.md §7)
    const skus = await t.waitFor(/\? GPU VM size/, 30_000);
    expect(skus).toMatch(/Kaito 0\.12\.0 provisions a GPU node for each workspace/);
    expect(skus).not.toMatch(/Where should the tuning job run/);
    expect(skus).toMatch(/Standard_NV36ads_A10_v5\s+1x A10 24 GiB\s+fits\s+recommended\s+quota \d+\/\d+ vCPUs free/);
    t.send('Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/EXIT=0/);
    // issue 14: the estimate for the choices made (the cluster's region from ARM, the price from the sandbox's API)
    expect(done).toMatch(/Estimate \(Kaito's default 3 epochs/);
    expect(done).toMatch(/ time {2}\d+ min - \d+ min, expected \d+ min for [\d.]+ k tokens x 3 epochs on Standard_NV36ads_A10_v5/);
    expect(done).toMatch(/ cost {2}\$\d+\.\d\d - \$\d+\.\d\d, expected \$\d+\.\d\d at \$3\.20\/h in eastus \(Azure Retail Prices API\)/);
    expect(parseProjectConfig(readFileSync(join(dir, 'kaito.yaml'), 'utf8'))).toMatchObject({
      cluster: { subscription: sub, resourceGroup: sb.env.KAITO_RESOURCE_GROUP, name: sb.env.KAITO_CLUSTER, namespace: 'default' },
      tune: { preset: 'phi-3-mini-128k-instruct', method: 'qlora', dataset: [`${base}/kaito-ops-messages.jsonl`], pushSecret: 'acr-push', instanceType: 'Standard_NV36ads_A10_v5' },
    });
  });
});
