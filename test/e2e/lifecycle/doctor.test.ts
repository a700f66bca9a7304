// kaito doctor end to end against the sandbox: Kubernetes checks (RBAC through SelfSubjectAccessReview)
// and the Azure checks through the sandbox's ARM and Entra ID with the workload-identity env a user has.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

interface Report { group: string; id: string; status: string; detail: string; hint?: string }
const byId = (doc: { checks: Report[] }, id: string) => doc.checks.find((c) => c.id === id)!;
const A10 = 'Standard_NV36ads_A10_v5';

describe('kaito doctor (NAP sandbox, Kaito 0.12)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });

  it('a namespace that does not exist fails the namespace check with the command that creates it (issue 17 item 4)', async () => {
    const r = await kaito(['doctor', '--namespace', 'nosuch', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code).toBe(1);
    const check = JSON.parse(r.stdout).checks.find((c: Report) => c.id === 'namespace');
    expect(check).toMatchObject({ status: 'fail', detail: 'namespace nosuch does not exist', hint: expect.stringContaining('kubectl create namespace nosuch') });
  });

  it('everything green: kube, RBAC, credential, cluster, add-on, quota; exit 0', async () => {
    const r = await kaito(['doctor', '--instance-type', A10], { env: sb.cliEnv });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ permissions \(RBAC\): allowed: the 22 verbs the CLI uses in namespace default$/m);
    expect(r.stdout).toMatch(/^✓ Azure credentials: .*WorkloadIdentityCredential.* as app /m);
    expect(r.stdout).toMatch(/^✓ AKS cluster: kaito-sandbox-rg\/kaito-sandbox in eastus .*kube context kaito-sandbox$/m);
    expect(r.stdout).toMatch(/^✓ AI toolchain operator add-on: not enabled: Kaito is self-installed/m);
    expect(r.stdout).toMatch(new RegExp(`^✓ GPU quota: ${A10} \\(from --instance-type\\): one node needs 36 vCPUs of standardNVADSA10v5Family in eastus, \\d+ of \\d+ free$`, 'm'));
    expect(r.stdout).not.toMatch(/^[✗!-] /m);
    const j = await kaito(['doctor', '--instance-type', A10, '-o', 'json'], { env: sb.cliEnv });
    const doc = JSON.parse(j.stdout);
    expect(Object.keys(doc)).toEqual(['ok', 'checks']);
    expect(doc.ok).toBe(true);
    expect(doc.checks.map((c: Report) => `${c.group}/${c.id}=${c.status}`)).toEqual([
      'kubernetes/kube-access=ok', 'kubernetes/kube-version=ok', 'kubernetes/namespace=ok', 'kubernetes/kaito-crd=ok', 'kubernetes/kaito-controller=ok', 'kubernetes/tuning-templates=ok', 'kubernetes/rbac=ok',
      'azure/azure-credential=ok', 'azure/aks-cluster=ok', 'azure/ai-toolchain-operator=ok', 'azure/gpu-quota=ok',
    ]);
  });

  it('kubectl agrees that the sandbox answers access reviews', async () => {
    const { execFile } = await import('node:child_process');
    const out = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/kubectl', ['--kubeconfig', sb.kubeconfigPath, 'auth', 'can-i', 'create', 'workspaces.kaito.sh'], { env: { ...process.env, ...sb.env }, timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout))),
    );
    expect(out.trim()).toBe('yes');
  });

  it('without a SKU the quota check is skipped with how to give one (exit 0)', async () => {
    const r = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code).toBe(0);
    expect(byId(JSON.parse(r.stdout), 'gpu-quota')).toMatchObject({ status: 'skip', detail: 'no GPU SKU configured', hint: expect.stringMatching(/--instance-type/) });
  });

  it('quota exhausted: ✗ naming the family and free/needed, exit 1; the SKU may come from kaito.yaml', async () => {
    sb.ctx.faults.quota.standardNVADSA10v5Family = 0;
    try {
      const r = await kaito(['doctor', '--instance-type', A10], { env: sb.cliEnv });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^✗ GPU quota: Standard_NV36ads_A10_v5 \(from --instance-type\): needs 36 vCPUs of standardNVADSA10v5Family in eastus, 0 of 0 free; request an increase at https:\/\/portal\.azure\.com\//m);
      expect(r.stdout).toMatch(/^ {4}fix: request the increase/m);
      expect(r.stderr).toMatch(/1 check\(s\) failed/);
      const cfg = join(sb.home, 'kaito.yaml');
      writeFileSync(cfg, `tune:\n  preset: phi-3-mini-128k-instruct\n  instanceType: ${A10}\n`);
      const j = await kaito(['doctor', '--config', cfg, '-o', 'json'], { env: sb.cliEnv });
      expect(j.code).toBe(1);
      const doc = JSON.parse(j.stdout);
      expect(doc.ok).toBe(false);
      expect(byId(doc, 'gpu-quota')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^Standard_NV36ads_A10_v5 \(from kaito\.yaml tune\.instanceType\): needs 36 vCPUs of standardNVADSA10v5Family in eastus, 0 of 0 free/) });
      expect(doc.checks.filter((c: Report) => c.status === 'fail').map((c: Report) => c.id)).toEqual(['gpu-quota']);
    } finally {
      delete sb.ctx.faults.quota.standardNVADSA10v5Family;
    }
  });

  it('kaito.yaml placing on a node pool: the quota of the pool\'s vmSize; short quota only warns (its nodes exist)', async () => {
    const add = await kaito(['nodepool', 'add', 'gpq', '--instance-type', A10], { env: sb.cliEnv, timeoutMs: 120_000 });
    expect(add.code, add.stderr).toBe(0);
    const cfg = join(sb.home, 'pool.kaito.yaml');
    writeFileSync(cfg, 'tune:\n  preset: phi-3-mini-128k-instruct\n  nodepool: gpq\n');
    const ok = await kaito(['doctor', '--config', cfg, '-o', 'json'], { env: sb.cliEnv });
    expect(byId(JSON.parse(ok.stdout), 'gpu-quota')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^Standard_NV36ads_A10_v5 \(from node pool gpq \(kaito\.yaml\)\): one node needs 36 vCPUs/) });
    sb.ctx.faults.quota.standardNVADSA10v5Family = 0;
    try {
      const short = await kaito(['doctor', '--config', cfg, '-o', 'json'], { env: sb.cliEnv });
      expect(short.code).toBe(0);
      expect(byId(JSON.parse(short.stdout), 'gpu-quota')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/its nodes exist, but one more needs 36 vCPUs of standardNVADSA10v5Family/) });
    } finally {
      delete sb.ctx.faults.quota.standardNVADSA10v5Family;
    }
    expect((await kaito(['nodepool', 'delete', 'gpq'], { env: sb.cliEnv, timeoutMs: 120_000 })).code).toBe(0);
  });

  it('a credential Entra rejects: ✗ with the reason, the rest of Azure skipped, exit 1, no token anywhere (even with --debug)', async () => {
    const bad = join(sb.home, 'bad-federated-token');
    writeFileSync(bad, 'bogus-assertion-6f1c2d', { mode: 0o600 });
    const r = await kaito(['doctor', '--instance-type', A10, '-o', 'json', '--debug'], { env: { ...sb.cliEnv, AZURE_FEDERATED_TOKEN_FILE: bad } });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(byId(doc, 'azure-credential')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no Azure credential worked: AADSTS\d+/), hint: expect.stringMatching(/az login/) });
    expect(doc.checks.filter((c: Report) => c.group === 'azure' && c.id !== 'azure-credential').map((c: Report) => c.status)).toEqual(['skip', 'skip', 'skip']);
    expect(doc.checks.filter((c: Report) => c.group === 'kubernetes').every((c: Report) => c.status === 'ok')).toBe(true);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain('bogus-assertion-6f1c2d');
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(all).not.toMatch(/\n\s+at /);
  });

  it('a working credential with --debug never prints the access token or the federated token', async () => {
    const r = await kaito(['doctor', '--debug'], { env: sb.cliEnv });
    expect(r.code).toBe(0);
    const fed = readFileSync(sb.cliEnv.AZURE_FEDERATED_TOKEN_FILE!, 'utf8').trim();
    expect(r.stdout + r.stderr).not.toContain(fed);
    expect(r.stdout + r.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('no subscription: the Azure checks are skipped with how to enable them, exit 0', async () => {
    const env = { ...sb.cliEnv };
    delete env.AZURE_SUBSCRIPTION_ID;
    const r = await kaito(['doctor', '--instance-type', A10], { env });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^- Azure credentials: no Azure subscription configured: Azure checks skipped\n {4}to enable: pass --subscription ID/m);
    const j = JSON.parse((await kaito(['doctor', '-o', 'json'], { env })).stdout);
    expect(j.ok).toBe(true);
    expect(j.checks.filter((c: Report) => c.group === 'azure').map((c: Report) => c.status)).toEqual(['skip', 'skip', 'skip', 'skip']);
  });
});

describe('kaito doctor (Kaito 0.6, the managed add-on)', () => {
  it('reports the AI toolchain operator add-on as enabled and what that means', async () => {
    const sb = await startTestSandbox({ kaitoVersion: '0.6' });
    const r = await kaito(['doctor', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code, r.stdout).toBe(0);
    expect(byId(JSON.parse(r.stdout), 'ai-toolchain-operator')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^enabled: the managed Kaito add-on \(Kaito ~0\.6/) });
  });
});
