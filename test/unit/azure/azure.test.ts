import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveArmCloud } from '../../../src/azure/cloud.js';
import { toAzureError } from '../../../src/azure/errors.js';
import { armRequestBody, diffSpec, poolInfo } from '../../../src/azure/nodepools.js';
import { describeShortfall } from '../../../src/azure/quota.js';
import { kaitoGpuSkus } from '../../../src/azure/skus.js';
import { buildSpec } from '../../../src/commands/nodepool/add.js';

describe('ARM cloud resolution', () => {
  it('maps cloud names to endpoint, scope, authority and portal', () => {
    expect(resolveArmCloud(undefined, {})).toMatchObject({ name: 'AzureCloud', endpoint: 'https://management.azure.com', scope: 'https://management.azure.com/.default', authorityHost: 'https://login.microsoftonline.com' });
    expect(resolveArmCloud('AzureChinaCloud', {})).toMatchObject({ endpoint: 'https://management.chinacloudapi.cn', scope: 'https://management.chinacloudapi.cn/.default', authorityHost: 'https://login.chinacloudapi.cn', portal: 'https://portal.azure.cn' });
    expect(resolveArmCloud('azureusgovernment', {})).toMatchObject({ endpoint: 'https://management.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us' });
  });
  it('a private https endpoint gets its own audience; the authority comes from AZURE_AUTHORITY_HOST', () => {
    expect(resolveArmCloud('https://127.0.0.1:8443/', { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443' })).toMatchObject({ name: 'custom', endpoint: 'https://127.0.0.1:8443', scope: 'https://127.0.0.1:8443/.default', authorityHost: 'https://127.0.0.1:8443' });
  });
  it('refuses plain http and nonsense with a usage error', () => {
    expect(() => resolveArmCloud('http://127.0.0.1:8080', {})).toThrow(/must use https/);
    expect(() => resolveArmCloud('Mars', {})).toThrow(/neither a URL nor a cloud name/);
  });
});

describe('SKU table', () => {
  it('matches presets/skus.yaml (GPUs, vCPUs, quota family)', () => {
    const doc = YAML.parse(readFileSync(new URL('../../../presets/skus.yaml', import.meta.url), 'utf8')) as { skus: Array<{ name: string; gpus: number; vcpus: number; quotaFamily: string; gpuMemoryGiB: number }> };
    const mine = kaitoGpuSkus().map((s) => ({ name: s.name, gpus: s.gpus, vcpus: s.vcpus, quotaFamily: s.quotaFamily, gpuMemoryGiB: s.gpuMemoryGiB }));
    expect(mine).toEqual(doc.skus.map((s) => ({ name: s.name, gpus: s.gpus, vcpus: s.vcpus, quotaFamily: s.quotaFamily, gpuMemoryGiB: s.gpuMemoryGiB })));
  });
});

describe('nodepool add flags', () => {
  it('builds the spec with the default taint and the CLI marker label in the ARM body', () => {
    const spec = buildSpec('gpu1', { instanceType: 'standard_nc24ads_a100_v4', count: '2', labels: 'team=ml', taints: 'sku=gpu:NoSchedule', gpuDriver: 'none', osSku: 'AzureLinux', osDiskSize: '256' });
    expect(armRequestBody(spec)).toEqual({
      properties: {
        vmSize: 'Standard_NC24ads_A100_v4', count: 2, mode: 'User', osType: 'Linux', type: 'VirtualMachineScaleSets', osSKU: 'AzureLinux', osDiskSizeGB: 256,
        nodeLabels: { team: 'ml', 'kaito.sh/created-by': 'kaito-cli' }, nodeTaints: ['sku=gpu:NoSchedule'], gpuProfile: { driver: 'None' },
      },
    });
  });
  it('reports every problem at once', () => {
    try {
      buildSpec('1bad', { taints: 'oops', labels: 'agentpool=x', osDiskSize: '5' });
      expect.unreachable();
    } catch (e) {
      const err = e as { exitCode: number; problems: string[] };
      expect(err.exitCode).toBe(2);
      expect(err.problems).toHaveLength(5);
      expect(err.problems.join('\n')).toMatch(/pool name "1bad"[\s\S]*--instance-type is required[\s\S]*--os-disk-size[\s\S]*reserved[\s\S]*--taints "oops"/);
    }
  });
});

describe('spec comparison', () => {
  const cur = poolInfo({ name: 'gpu1', vmSize: 'Standard_NC24ads_A100_v4', count: 1, nodeTaints: ['sku=gpu:NoSchedule'], nodeLabels: { 'kaito.sh/created-by': 'kaito-cli' }, provisioningState: 'Succeeded' });
  it('same spec: no differences; count and labels are mutable; vmSize and taints are not', () => {
    const same = { vmSize: 'Standard_NC24ads_A100_v4', count: 1, labels: {}, taints: ['sku=gpu:NoSchedule'] };
    expect(diffSpec(cur, same)).toEqual({ immutable: [], mutable: [] });
    expect(diffSpec(cur, { ...same, count: 3, labels: { a: 'b' } })).toEqual({ immutable: [], mutable: ['count (1 -> 3)', 'labels'] });
    expect(diffSpec(cur, { ...same, vmSize: 'Standard_NV36ads_A10_v5', taints: [] }).immutable).toEqual(['vmSize (Standard_NC24ads_A100_v4 -> Standard_NV36ads_A10_v5)', 'taints (sku=gpu:NoSchedule -> none)']);
  });
});

describe('ARM error mapping', () => {
  it('auth codes exit 4, throttling and ARM codes exit 1 with the code in one line', () => {
    expect(toAzureError({ name: 'RestError', code: 'AuthorizationFailed', statusCode: 403, message: 'no access\nmore' }, 'listing').exitCode).toBe(4);
    expect(toAzureError({ name: 'RestError', code: 'InvalidAuthenticationToken', statusCode: 401, message: 'bad' }, 'x').message).toBe('x: InvalidAuthenticationToken: bad');
    const q = toAzureError({ name: 'RestError', code: 'QuotaExceeded', statusCode: 400, message: 'too many cores' }, 'creating');
    expect([q.exitCode, q.message]).toEqual([1, 'creating: QuotaExceeded: too many cores']);
    expect(toAzureError({ name: 'CredentialUnavailableError', message: 'EnvironmentCredential is unavailable' }, 'x').exitCode).toBe(4);
    expect(toAzureError(new Error('The long-running operation has failed'), 'creating').message).toBe('creating: The long-running operation has failed');
  });
  it('describes a quota shortfall with the numbers and the portal link', () => {
    expect(describeShortfall({ family: 'standardNCADSA100v4Family', location: 'eastus', needed: 24, limit: 24, used: 24, free: 0, ok: false, requestUrl: 'https://portal.azure.com/x' }))
      .toBe('needs 24 vCPUs of standardNCADSA100v4Family in eastus, 0 of 24 free; request an increase at https://portal.azure.com/x');
  });
});
