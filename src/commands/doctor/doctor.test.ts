// `kaito doctor` in-process: every check against the in-process sandbox (kube, RBAC, Azure credential, AKS,
// quota); exit 0 when none failed, 1 when one did.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaitoInProcess, sandboxRun, startInProcSandbox } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

interface Report { id: string; group: string; status: string; detail: string; hint?: string }
const byId = (doc: { checks: Report[] }, id: string) => doc.checks.find((c) => c.id === id);
const A10 = 'Standard_NV36ads_A10_v5';

describe('kaito doctor (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('everything green: the checks on stdout, the verdict on stderr, exit 0', async () => {
    const r = await sandboxRun(sb, ['doctor', '--instance-type', A10]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ Kubernetes access: context kaito-sandbox -> https:\/\/127\.0\.0\.1:\d+ \(namespace default\)$/m);
    expect(r.stdout).toMatch(/^✓ Azure credentials: DefaultAzureCredential narrowed to WorkloadIdentityCredential/m);
    expect(r.stdout).toMatch(/^✓ AKS cluster: kaito-sandbox-rg\/kaito-sandbox in eastus/m);
    expect(r.stdout).toMatch(/^✓ GPU quota: /m);
    expect(r.stderr).toBe('all checks passed\n');
  });

  it('-o json: one document, ok true', async () => {
    const r = await sandboxRun(sb, ['doctor', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(byId(doc, 'gpu-quota')).toMatchObject({ status: 'skip', detail: 'no GPU SKU configured' });
  });

  it('quota exhausted (fault quota): ✗ naming the family, exit 1', async () => {
    sb.ctx.faults.quota.standardNVADSA10v5Family = 0;
    try {
      const r = await sandboxRun(sb, ['doctor', '--instance-type', A10, '-o', 'json']);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(false);
      expect(byId(doc, 'gpu-quota')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/needs 36 vCPUs of standardNVADSA10v5Family in eastus, 0 of 0 free/) });
      expect(doc.checks.filter((c: Report) => c.status === 'fail').map((c: Report) => c.id)).toEqual(['gpu-quota']);
    } finally {
      delete sb.ctx.faults.quota.standardNVADSA10v5Family;
    }
  });

  it('a credential Entra rejects (the run\'s AZURE_FEDERATED_TOKEN_FILE): ✗, Azure skipped, exit 1, no token shown', async () => {
    const bad = join(sb.home, 'bad-federated-token');
    writeFileSync(bad, 'bogus-assertion-6f1c2d', { mode: 0o600 });
    const r = await sandboxRun(sb, ['doctor', '-o', 'json', '--debug'], { extra: { AZURE_FEDERATED_TOKEN_FILE: bad } });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(byId(doc, 'azure-credential')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no Azure credential worked: AADSTS\d+/) });
    expect(doc.checks.filter((c: Report) => c.group === 'kubernetes').every((c: Report) => c.status === 'ok')).toBe(true);
    expect(r.stdout + r.stderr).not.toContain('bogus-assertion-6f1c2d');
  });

  it('a namespace that does not exist: ✗ with the command that creates it, exit 1', async () => {
    const r = await sandboxRun(sb, ['doctor', '-n', 'nowhere', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(byId(JSON.parse(r.stdout), 'namespace')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/kubectl create namespace nowhere/) });
  });

  it('no cluster and no Azure at all: ✗ Kubernetes access with the fix, the rest skipped, exit 1', async () => {
    const r = await kaitoInProcess(['doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ Kubernetes access: no kubeconfig: /);
    expect(r.stdout).toMatch(/^- Azure credentials: no Azure subscription configured: Azure checks skipped$/m);
    expect(r.stderr).toBe('1 check(s) failed\n');
  });

  it('a bad --image-timeout: exit 2', async () => {
    const r = await sandboxRun(sb, ['doctor', '--images', '--image-timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*--image-timeout/);
    expect(r.stdout).toBe('');
  });
});
