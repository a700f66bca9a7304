// Stand-in for the ARM emulator's agent pools when the controller runs alone (unit tests): a pool
// becomes Node objects after a VM-provisioning delay, and deleting it removes them.
import type { SandboxContext } from '../context.js';
import { hex, NODE_RES, tryDelete } from './objects.js';
import { makeAgentPoolNode } from './node-factory.js';
import { realSleep } from './sleep.js';
import type { AgentPoolBackend, AgentPoolSpec } from './types.js';

/** emulated time from PUT to a Ready node: VMSS create, node bootstrap, GPU driver install */
export const POOL_CREATE_MS = 4 * 60_000;
export const POOL_DELETE_MS = 60_000;

export function createLocalAgentPools(ctx: SandboxContext): AgentPoolBackend {
  return {
    async createAgentPool(spec: AgentPoolSpec) {
      await realSleep(ctx.clock.real(POOL_CREATE_MS), ctx.signal);
      const salt = String(10_000_000 + (parseInt(hex(7), 16) % 89_999_999));
      for (let i = 0; i < spec.count; i++) {
        const node = makeAgentPoolNode(ctx, { pool: spec.name, vmSize: spec.vmSize, index: i, salt, nodeLabels: spec.nodeLabels, nodeTaints: spec.nodeTaints, osSKU: spec.osSKU, ready: true });
        if (!ctx.store.get(NODE_RES, undefined, node.metadata.name)) ctx.store.create(NODE_RES, node);
      }
      return { name: spec.name, provisioningState: 'Succeeded' };
    },
    async deleteAgentPool(name: string) {
      await realSleep(ctx.clock.real(POOL_DELETE_MS), ctx.signal);
      for (const n of ctx.store.list(NODE_RES, undefined, (o) => o.metadata.labels?.agentpool === name).items) tryDelete(ctx.store, NODE_RES, undefined, n.metadata.name);
    },
  };
}
