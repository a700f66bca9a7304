// The machine's kubectl against the sandbox over HTTPS: discovery, apply (client-side validation goes
// through OpenAPI v3 + server-side field validation), Kaito's printer columns, wait, watch, logs -f,
// the service proxy, delete and an admission rejection.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

const KUBECTL = '/usr/bin/kubectl';
let sb: TestSandbox;
let dir: string;

interface Run { code: number; stdout: string; stderr: string }
function kubectl(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env: { PATH: process.env.PATH, HOME: sb.home, KUBECONFIG: sb.kubeconfigPath }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const tuningYaml = (name: string, url: string) => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
resource:
  instanceType: Standard_NV36ads_A10_v5
  labelSelector:
    matchLabels:
      app: ${name}
tuning:
  preset:
    name: phi-3-mini-128k-instruct
  method: qlora
  input:
    urls:
      - ${url}
  output:
    image: registry.kaito-sandbox.test/adapters/${name}:1
    imagePushSecret: push-secret
`;

const inferenceYaml = (name: string) => `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: ${name}
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      apps: ${name}
inference:
  preset:
    name: phi-4-mini-instruct
`;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; Date.now() < deadline && i < 600; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('kubectl against the sandbox', () => {
  beforeAll(async () => {
    // slow enough that a tuning run lasts a few real seconds, so logs -f has something to follow
    sb = await startTestSandbox({ speed: 300 });
    dir = mkdtempSync(join(tmpdir(), 'kaito-kubectl-'));
  });

  it('discovers the Kaito resources with short names and categories', async () => {
    const r = await kubectl(['api-resources', '--api-group=kaito.sh']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^workspaces\s+wk,wks\s+kaito\.sh\/v1beta1\s+true\s+Workspace$/m);
    const crds = await kubectl(['get', 'crd', '-o', 'name']);
    expect(crds.stdout.split('\n')).toEqual(expect.arrayContaining(['customresourcedefinition.apiextensions.k8s.io/workspaces.kaito.sh', 'customresourcedefinition.apiextensions.k8s.io/nodeclaims.karpenter.sh']));
  });

  it('applies an inference Workspace, waits for InferenceReady and reaches the model through the service proxy', async () => {
    const r = await kubectl(['apply', '-f', file('inf.yaml', inferenceYaml('phi4'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('workspace.kaito.sh/phi4 created');
    const w = await kubectl(['wait', '--for=condition=InferenceReady', 'workspace/phi4', '--timeout=60s'], 70_000);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/workspace.kaito.sh\/phi4 condition met/);
    const raw = await kubectl(['get', '--raw', '/api/v1/namespaces/default/services/phi4:80/proxy/v1/models']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout).data[0].id).toBe('phi-4-mini-instruct');
  });

  it('get workspaces prints Kaito printer columns', async () => {
    const r = await kubectl(['get', 'workspaces']);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'INSTANCE', 'RESOURCEREADY', 'INFERENCEREADY', 'JOBSTARTED', 'WORKSPACESUCCEEDED', 'TARGETNODECOUNT', 'STATE', 'AGE']);
    expect(rows.find((l) => l.startsWith('phi4 '))?.split(/\s+/).slice(0, 3)).toEqual(['phi4', 'Standard_NC24ads_A100_v4', 'True']);
    expect(rows.find((l) => l.startsWith('phi4 '))).toMatch(/\sReady\s/);
    const short = await kubectl(['get', 'wk', 'phi4', '-o', 'jsonpath={.status.state}']);
    expect(short.stdout).toBe('Ready');
  });

  it('get -w streams changes until --request-timeout', async () => {
    const watch = kubectl(['get', 'workspaces', '-w', '--request-timeout=3s'], 20_000);
    await new Promise((r) => setTimeout(r, 700));
    expect((await kubectl(['label', 'workspace', 'phi4', 'team=blue'])).code).toBe(0);
    const r = await watch;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+INSTANCE\s+RESOURCEREADY/);
    // the initial row plus at least one more for the label change, and the header only once
    expect(lines.filter((l) => l.startsWith('phi4 ')).length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.startsWith('NAME')).length).toBe(1);
  });

  it('applies a tuning Workspace and follows the trainer log with logs -f until the container ends', async () => {
    const url = `https://${sb.ctx.datasetHost}:${sb.port}/kaito-ops-messages.jsonl`;
    const r = await kubectl(['apply', '-f', file('tune.yaml', tuningYaml('tune1', url))]);
    expect(r.code, r.stderr).toBe(0);
    const pod = await until('the tuning pod running its trainer', async () => {
      const g = await kubectl(['get', 'pods', '-l', 'job-name=tune1', '-o', 'json']);
      const p = JSON.parse(g.stdout || '{"items":[]}').items[0];
      const main = p?.status?.containerStatuses?.find((c: { name: string }) => c.name === 'tune1');
      return main?.state?.running || main?.state?.terminated ? (p.metadata.name as string) : undefined;
    }, 60_000);
    const logs = await kubectl(['logs', '-f', pod, '-c', 'tune1'], 90_000);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/\{'loss': [\d.]+/);
    expect(logs.stdout).toMatch(/\d+%\|.*\| \d+\/\d+ \[/);
    const done = await kubectl(['wait', '--for=condition=WorkspaceSucceeded', 'workspace/tune1', '--timeout=60s'], 70_000);
    expect(done.code, done.stderr).toBe(0);
  });

  it('rejects a Workspace that breaks Kaito admission rules, naming every violation', async () => {
    const bad = tuningYaml('bad1', 'http://169.254.169.254/latest').replace('method: qlora', 'method: dora').replace('app: bad1', 'kaito.sh/workspace: bad1');
    const r = await kubectl(['apply', '-f', file('bad.yaml', bad)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Workspace "bad1" is invalid/);
    expect(r.stderr).toMatch(/tuning\.method: Unsupported value: "dora"/);
    expect(r.stderr).toMatch(/tuning\.input\.urls\[0\]: invalid value: data source URL must not target a loopback, private, or link-local address/);
    // compat R3: reserved-only matchLabels are refused for inference only (v0.11+); this is a tuning workspace
    expect(r.stderr).not.toMatch(/resource\.labelSelector/);
    expect((await kubectl(['get', 'workspace', 'bad1'])).code).toBe(1);
  });

  it('refuses unknown fields (kubectl sends fieldValidation=Strict) and dry-run=server changes nothing', async () => {
    const typo = inferenceYaml('typo').replace('inference:', 'inferense:\n  preset: {name: x}\ninference:');
    const r = await kubectl(['apply', '-f', file('typo.yaml', typo)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown field "inferense"/);
    const d = await kubectl(['apply', '--dry-run=server', '-f', file('dry.yaml', inferenceYaml('dry1'))]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/workspace.kaito.sh\/dry1 created \(server dry run\)/);
    expect((await kubectl(['get', 'workspace', 'dry1'])).code).toBe(1);
  });

  it('server-side apply through kubectl, then delete waits until the workspace and its objects are gone', async () => {
    const r = await kubectl(['apply', '--server-side', '-f', file('inf.yaml', inferenceYaml('phi4'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/serverside-applied/);
    const del = await kubectl(['delete', 'workspace', 'phi4', '--timeout=60s'], 70_000);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout.trim()).toBe('workspace.kaito.sh "phi4" deleted');
    const g = await kubectl(['get', 'workspace', 'phi4']);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/NotFound|not found/);
    await until('the statefulset to be garbage collected', async () => ((await kubectl(['get', 'statefulset', 'phi4'])).code === 1 ? true : undefined));
  });
});
