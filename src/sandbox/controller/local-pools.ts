// Stand-in for the ARM emulator's agent pools when the controller runs alone (unit tests): a pool
// becomes Node objects after a VM-provisioning delay, and deleting it removes them.
import type { SandboxContext } from '../context.js';
import { hex, NODE_RES, tryDelete } from './objects.js';
import { makeAgentPoolNode } from './node-factory.js';
import { skuInfo } from './skus.js';
import { realSleep } from './sleep.js';
import type { AgentPoolBackend, AgentPoolSpec } from './types.js';

/** emulated time from PUT to a Ready node: VMSS create, node bootstrap, GPU driver install */
export const POOL_CREATE_MS = 4 * 60_000;
export const POOL_DELETE_MS = 60_000;

export function createLocalAgentPools(ctx: SandboxContext): AgentPoolBackend {
  return {
    async createAgentPool(name: string, spec: AgentPoolSpec) {
      const quota = quotaError(ctx, spec.vmSize, spec.count);
      if (quota) {
        await realSleep(ctx.clock.real(20_000), ctx.signal);
        throw Object.assign(new Error(quota), { code: 'QuotaExceeded', statusCode: 400 });
      }
      await realSleep(ctx.clock.real(POOL_CREATE_MS), ctx.signal);
      const salt = String(10_000_000 + (parseInt(hex(7), 16) % 89_999_999));
      for (let i = 0; i < spec.count; i++) {
        const node = makeAgentPoolNode(ctx, { pool: name, vmSize: spec.vmSize, index: i, salt, nodeLabels: spec.nodeLabels, nodeTaints: spec.nodeTaints, osSKU: spec.osSKU, ready: true });
        if (!ctx.store.get(NODE_RES, undefined, node.metadata.name)) ctx.store.create(NODE_RES, node);
      }
      return { name, provisioningState: 'Succeeded' };
    },
    async deleteAgentPool(name: string) {
      await realSleep(ctx.clock.real(POOL_DELETE_MS), ctx.signal);
      for (const n of ctx.store.list(NODE_RES, undefined, (o) => o.metadata.labels?.agentpool === name).items) tryDelete(ctx.store, NODE_RES, undefined, n.metadata.name);
    },
  };
}

/** Azure's refusal when the pool's vCPUs do not fit the family's regional quota (faults.quota). */
function quotaError(ctx: SandboxContext, vmSize: string, count: number): string | undefined {
  const sku = skuInfo(vmSize);
  const limit = Object.entries(ctx.faults.quota).find(([k]) => k.toLowerCase() === sku.family.toLowerCase())?.[1];
  if (limit === undefined) return undefined;
  const used = ctx.store
    .list(NODE_RES, undefined, (n) => !!n.metadata.labels?.['node.kubernetes.io/instance-type'] && skuInfo(n.metadata.labels['node.kubernetes.io/instance-type']).family === sku.family)
    .items.reduce((sum, n) => sum + skuInfo(n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '').vcpus, 0);
  const need = sku.vcpus * count;
  if (used + need <= limit) return undefined;
  const loc = ctx.azure.location;
  return `Operation could not be completed as it results in exceeding approved ${sku.family} Cores quota. Additional details - Deployment Model: Resource Manager, Location: ${loc}, Current Limit: ${limit}, Current Usage: ${used}, Additional Required: ${need}, (Minimum) New Limit Required: ${used + need}. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView by specifying parameters listed in the 'Details' section for deployment to succeed.`;
}
