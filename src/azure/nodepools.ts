// AKS agent pools through @azure/arm-containerservice: the API `kaito nodepool`, `kaito tune --nodepool`
// (reads vmSize) and `kaito delete --with-nodepool` share.
import type { AgentPool } from '@azure/arm-containerservice';
import { toAzureError } from './errors.js';
import type { AzureSession } from './session.js';
import { findVmSku } from './skus.js';
import { resolveAksTarget, type AksTarget, type AksTargetInput } from './target.js';
import { kaitoWorkspaceOf } from './workspaces.js';

/** Node label the CLI puts on pools it creates, so `kaito delete --with-nodepool` only removes those. */
export const CREATED_BY_LABEL = 'kaito.sh/created-by';
export const CREATED_BY_VALUE = 'kaito-cli';
export const DEFAULT_TAINT = 'sku=gpu:NoSchedule';

export interface NodePoolSpec {
  vmSize: string;
  count: number;
  labels: Record<string, string>;
  taints: string[];
  osSKU?: 'Ubuntu' | 'AzureLinux';
  gpuDriver?: 'Install' | 'None';
  osDiskSizeGB?: number;
}

/** The stable shape of `-o json` for one pool. */
export interface NodePoolInfo {
  name: string;
  vmSize: string;
  count: number;
  provisioningState: string;
  powerState?: string;
  mode: string;
  osSKU?: string;
  osDiskSizeGB?: number;
  gpus: number;
  gpuDriver?: string;
  nodeLabels: Record<string, string>;
  nodeTaints: string[];
  createdByKaito: boolean;
  /** "namespace/workspace" when Kaito's gpu-provisioner made the pool for that workspace (its NodeClaim's labels
   *  kaito.sh/workspace and kaito.sh/workspacenamespace are the pool's node labels); it goes with the workspace */
  kaitoWorkspace?: string;
  id?: string;
}


export function poolInfo(p: AgentPool): NodePoolInfo {
  const sku = findVmSku(p.vmSize);
  return {
    name: p.name ?? '',
    vmSize: p.vmSize ?? '',
    count: p.count ?? 0,
    provisioningState: p.provisioningState ?? 'Unknown',
    powerState: p.powerState?.code,
    mode: p.mode ?? 'User',
    osSKU: p.osSKU,
    osDiskSizeGB: p.osDiskSizeGB,
    gpus: sku?.gpus ?? 0,
    gpuDriver: p.gpuProfile?.driver ?? (sku && sku.gpus > 0 ? 'Install' : undefined),
    nodeLabels: { ...(p.nodeLabels ?? {}) },
    nodeTaints: [...(p.nodeTaints ?? [])],
    createdByKaito: p.nodeLabels?.[CREATED_BY_LABEL] === CREATED_BY_VALUE,
    kaitoWorkspace: kaitoWorkspaceOf(p.nodeLabels),
    id: p.id,
  };
}

/** The SDK model of a pool the CLI creates (count, labels with the marker, taints, OS, driver, disk). */
export function agentPoolModel(spec: NodePoolSpec): AgentPool {
  return {
    vmSize: spec.vmSize,
    count: spec.count,
    mode: 'User',
    osType: 'Linux',
    typePropertiesType: 'VirtualMachineScaleSets',
    nodeLabels: { ...spec.labels, [CREATED_BY_LABEL]: CREATED_BY_VALUE },
    nodeTaints: [...spec.taints],
    ...(spec.osSKU ? { osSKU: spec.osSKU } : {}),
    ...(spec.osDiskSizeGB ? { osDiskSizeGB: spec.osDiskSizeGB } : {}),
    ...(spec.gpuDriver ? { gpuProfile: { driver: spec.gpuDriver } } : {}),
  };
}

/** The ARM request body as it goes over the wire (for --dry-run). */
export function armRequestBody(spec: NodePoolSpec): { properties: Record<string, unknown> } {
  const m = agentPoolModel(spec);
  return {
    properties: {
      vmSize: m.vmSize,
      count: m.count,
      mode: m.mode,
      osType: m.osType,
      type: m.typePropertiesType,
      ...(m.osSKU ? { osSKU: m.osSKU } : {}),
      ...(m.osDiskSizeGB ? { osDiskSizeGB: m.osDiskSizeGB } : {}),
      nodeLabels: m.nodeLabels,
      nodeTaints: m.nodeTaints,
      ...(m.gpuProfile ? { gpuProfile: m.gpuProfile } : {}),
    },
  };
}

/** Fields that differ between an existing pool and a desired spec: immutable ones refuse, mutable ones update. */
export function diffSpec(cur: NodePoolInfo, spec: NodePoolSpec): { immutable: string[]; mutable: string[] } {
  const immutable: string[] = [];
  const mutable: string[] = [];
  if (cur.vmSize.toLowerCase() !== spec.vmSize.toLowerCase()) immutable.push(`vmSize (${cur.vmSize} -> ${spec.vmSize})`);
  const sortJ = (a: string[]) => JSON.stringify([...a].sort());
  if (sortJ(cur.nodeTaints) !== sortJ(spec.taints)) immutable.push(`taints (${cur.nodeTaints.join(',') || 'none'} -> ${spec.taints.join(',') || 'none'})`);
  if (spec.osSKU && cur.osSKU && spec.osSKU !== cur.osSKU) immutable.push(`os-sku (${cur.osSKU} -> ${spec.osSKU})`);
  if (spec.osDiskSizeGB && cur.osDiskSizeGB && spec.osDiskSizeGB !== cur.osDiskSizeGB) immutable.push(`os-disk-size (${cur.osDiskSizeGB} -> ${spec.osDiskSizeGB})`);
  if (spec.gpuDriver && (cur.gpuDriver ?? 'Install') !== spec.gpuDriver) immutable.push(`gpu-driver (${cur.gpuDriver ?? 'Install'} -> ${spec.gpuDriver})`);
  if (cur.count !== spec.count) mutable.push(`count (${cur.count} -> ${spec.count})`);
  const want = { ...spec.labels, [CREATED_BY_LABEL]: CREATED_BY_VALUE };
  const norm = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  if (norm(cur.nodeLabels) !== norm(want)) mutable.push('labels');
  return { immutable, mutable };
}

export interface CreateOptions {
  /** false: return once ARM accepted the request */
  wait?: boolean;
  signal?: AbortSignal;
  onProgress?: (status: string) => void;
}

export class NodePools {
  constructor(
    readonly session: AzureSession,
    readonly target: AksTarget,
  ) {}

  /** The pools of the cluster a session and target input lead to (cluster from flags/kaito.yaml/discovery). */
  static async open(session: AzureSession, o: AksTargetInput): Promise<NodePools> {
    return new NodePools(session, await resolveAksTarget(session, o));
  }

  private get where(): string {
    return `${this.target.resourceGroup}/${this.target.cluster}`;
  }

  async get(name: string, signal?: AbortSignal): Promise<NodePoolInfo | undefined> {
    const c = await this.session.containerService(this.target.subscription);
    try {
      return poolInfo(await c.agentPools.get(this.target.resourceGroup, this.target.cluster, name, { abortSignal: signal }));
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw toAzureError(e, `reading node pool ${name} of ${this.where}`, this.session.cloud.endpoint);
    }
  }

  async list(signal?: AbortSignal): Promise<NodePoolInfo[]> {
    const c = await this.session.containerService(this.target.subscription);
    const out: NodePoolInfo[] = [];
    try {
      for await (const p of c.agentPools.list(this.target.resourceGroup, this.target.cluster, { abortSignal: signal })) out.push(poolInfo(p));
    } catch (e) {
      throw toAzureError(e, `listing node pools of ${this.where}`, this.session.cloud.endpoint);
    }
    return out;
  }

  /** PUT as a long-running operation; with wait (default) resolves with the pool once Succeeded. */
  async create(name: string, spec: NodePoolSpec, opts: CreateOptions = {}): Promise<NodePoolInfo> {
    const c = await this.session.containerService(this.target.subscription);
    try {
      const poller = c.agentPools.createOrUpdate(this.target.resourceGroup, this.target.cluster, name, agentPoolModel(spec), {
        abortSignal: opts.signal,
        updateIntervalInMs: this.session.pollIntervalMs,
      });
      poller.onProgress((s) => opts.onProgress?.(s.status));
      if (opts.wait === false) {
        await poller.submitted();
        return (await this.get(name, opts.signal)) ?? poolInfo({ ...agentPoolModel(spec), name, provisioningState: 'Creating' });
      }
      return poolInfo(await poller.pollUntilDone({ abortSignal: opts.signal }));
    } catch (e) {
      throw toAzureError(e, `creating node pool ${name} in ${this.where}`, this.session.cloud.endpoint);
    }
  }

  /** DELETE as a long-running operation. Resolves false when the pool did not exist. */
  async delete(name: string, opts: { wait?: boolean; signal?: AbortSignal; onProgress?: (status: string) => void } = {}): Promise<boolean> {
    const c = await this.session.containerService(this.target.subscription);
    if (!(await this.get(name, opts.signal))) return false;
    try {
      const poller = c.agentPools.delete(this.target.resourceGroup, this.target.cluster, name, { abortSignal: opts.signal, updateIntervalInMs: this.session.pollIntervalMs });
      poller.onProgress((s) => opts.onProgress?.(s.status));
      if (opts.wait === false) await poller.submitted();
      else await poller.pollUntilDone({ abortSignal: opts.signal });
      return true;
    } catch (e) {
      throw toAzureError(e, `deleting node pool ${name} of ${this.where}`, this.session.cloud.endpoint);
    }
  }
}
