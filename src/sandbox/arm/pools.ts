// The managed clusters and their agent pools: validation as AKS does it, long-running operations whose
// duration runs on the sandbox clock, Nodes in the object store while a pool exists, and the regional
// vCPU usage those pools consume.
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context.js';
import { findVmSku, VM_SKUS } from '../../azure/skus.js';
import { buildNode, KUBELET_VERSION, NODES } from './nodes.js';
import { ArmError, type AgentPool, type AgentPoolSpec, type ProvisioningState } from './types.js';

/** Emulated (real-world) durations; the sandbox clock divides them by --speed. */
export const DURATIONS = { create: 180_000, update: 60_000, delete: 90_000, quotaFailure: 20_000 };
const DEFAULT_FAMILY_LIMIT = 1000;
const DEFAULT_REGIONAL_LIMIT = 5000;
const NODE_IMAGE = 'AKSUbuntu-2204gen2containerd-202506.02.0';
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

export interface ClusterRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  nodeResourceGroup: string;
  kubernetesVersion: string;
  aiToolchainOperator: boolean;
  /** the API server host; the primary cluster's is the sandbox's own host */
  fqdn: () => string;
  /** only the cluster behind the sandbox's kube API has Nodes in the store */
  hasNodes: boolean;
  pools: Map<string, AgentPool>;
}

export interface Operation {
  id: string;
  name: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  location: string;
  subscriptionId: string;
  /** resolves when the operation reaches a terminal state */
  done: Promise<void>;
}

const iso = () => new Date().toISOString();

export class PoolManager {
  readonly clusters = new Map<string, ClusterRecord>();
  readonly operations = new Map<string, Operation>();

  constructor(private readonly ctx: SandboxContext) {}

  static key(rg: string, name: string): string {
    return `${rg}/${name}`.toLowerCase();
  }

  addCluster(c: ClusterRecord): void {
    this.clusters.set(PoolManager.key(c.resourceGroup, c.name), c);
  }

  cluster(subscriptionId: string, rg: string, name: string): ClusterRecord {
    const c = this.clusters.get(PoolManager.key(rg, name));
    if (!c || c.subscriptionId !== subscriptionId)
      throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    return c;
  }

  getPool(c: ClusterRecord, name: string): AgentPool {
    const p = c.pools.get(name.toLowerCase());
    if (!p) throw new ArmError(404, 'NotFound', `Could not find agent pool '${name}' in managed cluster '${c.name}'.`);
    return structuredClone(p);
  }

  listPools(c: ClusterRecord): AgentPool[] {
    return [...c.pools.values()].map((p) => structuredClone(p));
  }

  /** Starts a create or update. Answers synchronously with the pool as it is now and the operation (if any). */
  put(c: ClusterRecord, name: string, spec: AgentPoolSpec): { pool: AgentPool; op?: Operation; created: boolean } {
    if (!POOL_NAME.test(name))
      throw new ArmError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.name is invalid: '${name}'. Agent pool names must be 1-12 lower-case letters and digits and start with a letter.`);
    const problems = this.validateSpec(spec);
    if (problems) throw problems;
    const existing = c.pools.get(name);
    if (existing) return this.update(c, existing, spec);
    const sku = findVmSku(spec.vmSize)!;
    const pool: AgentPool = {
      id: `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}/agentPools/${name}`,
      name,
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      properties: {
        ...spec,
        vmSize: sku.name,
        count: spec.count ?? 1,
        mode: spec.mode ?? 'User',
        osType: spec.osType ?? 'Linux',
        osSKU: spec.osSKU ?? 'Ubuntu',
        osDiskSizeGB: spec.osDiskSizeGB ?? 128,
        type: 'VirtualMachineScaleSets',
        provisioningState: 'Creating',
        powerState: { code: 'Running' },
        orchestratorVersion: spec.orchestratorVersion ?? c.kubernetesVersion,
        currentOrchestratorVersion: c.kubernetesVersion,
        nodeImageVersion: NODE_IMAGE,
        maxPods: 250,
        ...(spec.nodeTaints ? { nodeTaints: [...spec.nodeTaints] } : {}),
        ...(spec.nodeLabels ? { nodeLabels: { ...spec.nodeLabels } } : {}),
      },
    };
    // quota is checked against what the pool needs now (AKS fails the operation, leaving a Failed pool)
    const shortfall = this.quotaShortfall(c, sku.quotaFamily, sku.vcpus * pool.properties.count);
    c.pools.set(name, pool);
    const op = this.startOperation(c, async () => {
      if (shortfall) {
        await this.ctx.clock.sleep(DURATIONS.quotaFailure);
        this.setState(c, name, 'Failed');
        throw shortfall;
      }
      await this.ctx.clock.sleep(DURATIONS.create);
      const p = c.pools.get(name);
      if (!p || p.properties.provisioningState !== 'Creating') throw new ArmError(409, 'Canceled', `The operation on agent pool '${name}' was canceled.`);
      this.syncNodes(c, p);
      this.setState(c, name, 'Succeeded');
    });
    this.ctx.log('arm', `agent pool ${name} (${sku.name} x${pool.properties.count}) creating`);
    return { pool: structuredClone(pool), op, created: true };
  }

  private update(c: ClusterRecord, cur: AgentPool, spec: AgentPoolSpec): { pool: AgentPool; op?: Operation; created: boolean } {
    const p = cur.properties;
    if (p.provisioningState === 'Creating' || p.provisioningState === 'Updating' || p.provisioningState === 'Deleting')
      throw new ArmError(409, 'OperationNotAllowed', `Operation is not allowed because there's an in progress ${p.provisioningState === 'Deleting' ? 'delete' : 'create/update'} agent pool operation on '${cur.name}'. Please wait for it to finish before starting a new operation.`);
    const changed = immutableChanges(cur, spec);
    if (changed.length)
      throw new ArmError(400, 'PropertyChangeNotAllowed', `Changing property '${changed.join("', '")}' is not allowed.`);
    const count = spec.count ?? p.count;
    const mutableSame = count === p.count && sameMap(spec.nodeLabels, p.nodeLabels) && sameMap(spec.tags, p.tags) && (spec.mode ?? p.mode) === p.mode;
    if (mutableSame && p.provisioningState === 'Succeeded') return { pool: structuredClone(cur), created: false };
    const sku = findVmSku(p.vmSize)!;
    const extra = Math.max(0, count - (p.provisioningState === 'Failed' ? 0 : p.count));
    const shortfall = extra > 0 ? this.quotaShortfall(c, sku.quotaFamily, sku.vcpus * count, cur.name) : undefined;
    const name = cur.name;
    cur.properties = { ...p, count, mode: spec.mode ?? p.mode, nodeLabels: spec.nodeLabels ? { ...spec.nodeLabels } : undefined, tags: spec.tags ? { ...spec.tags } : undefined, provisioningState: 'Updating' };
    if (!cur.properties.nodeLabels) delete cur.properties.nodeLabels;
    if (!cur.properties.tags) delete cur.properties.tags;
    const op = this.startOperation(c, async () => {
      if (shortfall) {
        await this.ctx.clock.sleep(DURATIONS.quotaFailure);
        this.setState(c, name, 'Failed');
        throw shortfall;
      }
      await this.ctx.clock.sleep(DURATIONS.update);
      const now = c.pools.get(name);
      if (!now) throw new ArmError(409, 'Canceled', `The operation on agent pool '${name}' was canceled.`);
      this.syncNodes(c, now);
      this.setState(c, name, 'Succeeded');
    });
    return { pool: structuredClone(cur), op, created: false };
  }

  delete(c: ClusterRecord, name: string): Operation | undefined {
    const p = c.pools.get(name.toLowerCase());
    if (!p) return undefined;
    if (p.properties.mode === 'System' && [...c.pools.values()].filter((x) => x.properties.mode === 'System').length === 1)
      throw new ArmError(400, 'OperationNotAllowed', `Deleting the last system agent pool '${name}' is not allowed. A cluster must keep at least one system pool.`);
    if (p.properties.provisioningState === 'Deleting') return [...this.operations.values()].find((o) => o.name === `delete:${c.name}/${p.name}` && o.status === 'InProgress');
    p.properties.provisioningState = 'Deleting';
    this.ctx.log('arm', `agent pool ${p.name} deleting`);
    return this.startOperation(c, async () => {
      await this.ctx.clock.sleep(DURATIONS.delete);
      c.pools.delete(p.name);
      if (c.hasNodes) this.removeNodes(p.name);
    }, `delete:${c.name}/${p.name}`);
  }

  /** Creates the Nodes of pools that exist before anyone asked (the system pool at sandbox start). */
  syncNodes(c: ClusterRecord, pool: AgentPool): void {
    if (!c.hasNodes) return;
    const want = pool.properties.count;
    const existing = this.ctx.store.list(NODES, undefined, (n) => n.metadata.labels?.['kubernetes.azure.com/agentpool'] === pool.name).items;
    const now = new Date();
    for (let i = 0; i < want; i++) {
      const node = buildNode({ cluster: c.name, location: c.location, subscriptionId: c.subscriptionId, nodeResourceGroup: c.nodeResourceGroup }, pool, i, now);
      const cur = existing.find((n) => n.metadata.name === node.metadata.name);
      if (!cur) this.ctx.store.create(NODES, node);
      else if (JSON.stringify(cur.metadata.labels) !== JSON.stringify(node.metadata.labels))
        this.ctx.store.update(NODES, { ...cur, metadata: { ...cur.metadata, labels: node.metadata.labels } });
    }
    const keep = new Set(Array.from({ length: want }, (_, i) => buildNode({ cluster: c.name, location: c.location, subscriptionId: c.subscriptionId, nodeResourceGroup: c.nodeResourceGroup }, pool, i, now).metadata.name));
    for (const n of existing) if (!keep.has(n.metadata.name)) this.deleteNode(n.metadata.name);
  }

  private removeNodes(pool: string): void {
    for (const n of this.ctx.store.list(NODES, undefined, (o) => o.metadata.labels?.['kubernetes.azure.com/agentpool'] === pool).items) this.deleteNode(n.metadata.name);
  }

  private deleteNode(name: string): void {
    try {
      this.ctx.store.delete(NODES, undefined, name);
    } catch {
      // already gone
    }
  }

  /** vCPUs in use per quota family (and 'cores' for the regional total) in one location. */
  usage(subscriptionId: string, location: string, exceptPool?: { cluster: ClusterRecord; name: string }): Map<string, number> {
    const used = new Map<string, number>();
    for (const c of this.clusters.values()) {
      if (c.subscriptionId !== subscriptionId || c.location.toLowerCase() !== location.toLowerCase()) continue;
      for (const p of c.pools.values()) {
        if (exceptPool && exceptPool.cluster === c && exceptPool.name === p.name) continue;
        if (p.properties.provisioningState === 'Failed') continue;
        const sku = findVmSku(p.properties.vmSize);
        if (!sku) continue;
        const v = sku.vcpus * p.properties.count;
        used.set(sku.quotaFamily, (used.get(sku.quotaFamily) ?? 0) + v);
        used.set('cores', (used.get('cores') ?? 0) + v);
      }
    }
    return used;
  }

  limit(family: string): number {
    const f = Object.entries(this.ctx.faults.quota).find(([k]) => k.toLowerCase() === family.toLowerCase());
    if (f) return f[1];
    return family === 'cores' ? DEFAULT_REGIONAL_LIMIT : DEFAULT_FAMILY_LIMIT;
  }

  /** Every family the usage API reports: the known SKUs' families plus the regional total. */
  families(): string[] {
    return ['cores', ...new Set(VM_SKUS.map((s) => s.quotaFamily))];
  }

  private quotaShortfall(c: ClusterRecord, family: string, need: number, exceptPool?: string): ArmError | undefined {
    const used = this.usage(c.subscriptionId, c.location, exceptPool ? { cluster: c, name: exceptPool } : undefined);
    for (const f of [family, 'cores']) {
      const limit = this.limit(f);
      const current = used.get(f) ?? 0;
      if (current + need > limit)
        return new ArmError(400, 'QuotaExceeded', `Operation could not be completed as it results in exceeding approved ${f === 'cores' ? 'Total Regional Cores' : `${family} Cores`} quota. Additional details - Deployment Model: Resource Manager, Location: ${c.location}, Current Limit: ${limit}, Current Usage: ${current}, Additional Required: ${need}, (Minimum) New Limit Required: ${current + need}. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/%7B%22subscriptionId%22:%22${c.subscriptionId}%22,%22command%22:%22openQuotaApprovalBlade%22%7D by specifying parameters listed in the 'Details' section for deployment to succeed.`);
    }
    return undefined;
  }

  private setState(c: ClusterRecord, name: string, state: ProvisioningState): void {
    const p = c.pools.get(name);
    if (p) p.properties.provisioningState = state;
    this.ctx.log('arm', `agent pool ${name} ${state}`);
  }

  private startOperation(c: ClusterRecord, work: () => Promise<void>, name = `op:${randomUUID()}`): Operation {
    const op: Operation = { id: randomUUID(), name, status: 'InProgress', startTime: iso(), location: c.location, subscriptionId: c.subscriptionId, done: Promise.resolve() };
    op.done = work().then(
      () => {
        op.status = 'Succeeded';
        op.endTime = iso();
      },
      (e: unknown) => {
        op.endTime = iso();
        if (this.ctx.signal.aborted) {
          op.status = 'Canceled';
          op.error = { code: 'Canceled', message: 'The sandbox stopped before the operation finished.' };
          return;
        }
        op.status = 'Failed';
        op.error = e instanceof ArmError ? { code: e.code, message: e.message } : { code: 'InternalOperationError', message: (e as Error).message };
      },
    );
    this.operations.set(op.id, op);
    return op;
  }

  private validateSpec(spec: AgentPoolSpec): ArmError | undefined {
    if (!spec || typeof spec !== 'object') return new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    if (!spec.vmSize) return new ArmError(400, 'InvalidParameter', "The value of parameter agentPoolProfile.vmSize is invalid. Please see https://aka.ms/aks-naming-rules for more details.");
    if (!findVmSku(spec.vmSize)) return new ArmError(400, 'SKUNotAvailable', `The requested VM size ${spec.vmSize} is not available in the current region. Please see https://aka.ms/aks/skus for more details.`);
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 0 || spec.count > 1000))
      return new ArmError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.count is invalid: ${String(spec.count)}. It must be an integer from 0 to 1000.`);
    if (spec.osDiskSizeGB !== undefined && (!Number.isInteger(spec.osDiskSizeGB) || spec.osDiskSizeGB < 30 || spec.osDiskSizeGB > 2048))
      return new ArmError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.osDiskSizeGB is invalid: ${String(spec.osDiskSizeGB)}. It must be from 30 to 2048.`);
    if (spec.osSKU !== undefined && !['Ubuntu', 'AzureLinux', 'Ubuntu2204', 'Ubuntu2404'].includes(spec.osSKU))
      return new ArmError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.osSKU is invalid: '${spec.osSKU}'.`);
    for (const t of spec.nodeTaints ?? [])
      if (!/^[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t))
        return new ArmError(400, 'InvalidParameter', `The value of parameter agentPoolProfile.nodeTaints is invalid: '${t}'. Use key=value:Effect with NoSchedule, PreferNoSchedule or NoExecute.`);
    return undefined;
  }
}

function immutableChanges(cur: AgentPool, spec: AgentPoolSpec): string[] {
  const p = cur.properties;
  const out: string[] = [];
  if (findVmSku(spec.vmSize)?.name !== p.vmSize) out.push('vmSize');
  if (spec.osSKU !== undefined && spec.osSKU !== p.osSKU) out.push('osSKU');
  if (spec.osDiskSizeGB !== undefined && spec.osDiskSizeGB !== p.osDiskSizeGB) out.push('osDiskSizeGB');
  if (spec.osType !== undefined && spec.osType !== p.osType) out.push('osType');
  if (JSON.stringify([...(spec.nodeTaints ?? [])].sort()) !== JSON.stringify([...(p.nodeTaints ?? [])].sort())) out.push('nodeTaints');
  if ((spec.gpuProfile?.driver ?? 'Install') !== (p.gpuProfile?.driver ?? 'Install')) out.push('gpuProfile.driver');
  return out;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const norm = (m: Record<string, string> | undefined) => JSON.stringify(Object.entries(m ?? {}).sort());
  return norm(a) === norm(b);
}

export { KUBELET_VERSION };
