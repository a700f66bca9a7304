// The emulated gpu-provisioner (Azure/gpu-provisioner): each karpenter.sh/v1 NodeClaim becomes a one-node
// AKS agent pool named after the claim; the claim's conditions follow the pool (Launched, Registered,
// Initialized, Ready). Deleting the claim deletes the pool, then releases the claim's finalizer.
// When AKS refuses the pool (regional vCPU quota: ctx.faults.quota), the claim stays not Launched with
// Azure's message, for as long as it exists, like the real provisioner keeps reporting it.
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { nowIso } from './conditions.js';
import { recordEvent } from './events.js';
import { isNodeReady, NODE_RES, NODECLAIM_RES, patchObject, patchStatus } from './objects.js';
import { skuInfo } from './skus.js';
import { TaskSet } from './sleep.js';
import type { AgentPoolBackend, Condition } from './types.js';

export const NODECLAIM_FINALIZER = 'karpenter.sh/termination';

interface ClaimSpec { instanceType: string; labels: Record<string, string>; taints: string[]; osDiskSizeGB?: number; osSKU?: 'Ubuntu' | 'AzureLinux' }

function claimSpec(claim: KObject): ClaimSpec {
  const spec = (claim.spec ?? {}) as { requirements?: Array<{ key: string; operator: string; values?: string[] }>; taints?: Array<{ key: string; value?: string; effect: string }>; resources?: { requests?: Record<string, string> } };
  const it = spec.requirements?.find((r) => r.key === 'node.kubernetes.io/instance-type')?.values?.[0] ?? '';
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(claim.metadata.labels ?? {})) if (!k.startsWith('karpenter.sh/') && !k.startsWith('kubernetes.azure.com/')) labels[k] = v;
  const taints = (spec.taints ?? []).map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`);
  const disk = parseInt(spec.resources?.requests?.storage ?? '', 10);
  const family = claim.metadata.annotations?.['kaito.sh/node-image-family'];
  return { instanceType: it, labels, taints, osDiskSizeGB: Number.isFinite(disk) ? disk : undefined, osSKU: family === 'azurelinux' ? 'AzureLinux' : 'Ubuntu' };
}

function setClaimCondition(status: Record<string, unknown>, c: Omit<Condition, 'lastTransitionTime'>, generation: number): void {
  const conds = ((status.conditions as Condition[] | undefined) ??= []);
  const i = conds.findIndex((x) => x.type === c.type);
  const prev = conds[i];
  const next = { ...c, observedGeneration: generation, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowIso() };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
}

export class GpuProvisioner {
  private readonly tasks = new TaskSet();
  /** claims whose launch failed: not retried (the quota does not change while the sandbox runs) */
  private readonly failed = new Set<string>();
  /** pool creations in flight: a claim deleted meanwhile waits for its pool before deleting it */
  private readonly creating = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ctx: SandboxContext,
    private readonly pools: AgentPoolBackend,
    /** which NodeClaims this instance turns into nodes (gpu-provisioner: its own; karpenter: the NodePools') */
    private readonly owns: (claim: KObject) => boolean = () => true,
  ) {}

  onEvent(e: StoreEvent): void {
    if (e.resource === NODECLAIM_RES) this.onClaim(e);
    else if (e.resource === NODE_RES && e.type !== 'DELETED') {
      const pool = e.object.metadata.labels?.agentpool ?? e.object.metadata.labels?.['kubernetes.azure.com/agentpool'];
      if (pool) this.syncRegistration(pool);
    }
  }

  resync(): void {
    for (const c of this.ctx.store.list(NODECLAIM_RES).items) this.onClaim({ type: 'ADDED', resource: NODECLAIM_RES, object: c, rv: 0 });
  }

  stop(): void {
    this.tasks.cancelAll();
  }

  private onClaim(e: StoreEvent): void {
    const claim = e.object;
    if (!this.owns(claim)) return;
    const name = claim.metadata.name;
    if (e.type === 'DELETED') {
      this.tasks.cancel(name);
      this.failed.delete(name);
      this.creating.delete(name);
      return;
    }
    if (claim.metadata.deletionTimestamp) {
      if (!this.tasks.has(`delete/${name}`)) {
        this.tasks.cancel(name);
        this.tasks.start(`delete/${name}`, () => this.terminate(name), (err) => this.ctx.log('gpu-provisioner', `deleting ${name}: ${String(err)}`));
      }
      return;
    }
    const launched = ((claim.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Launched');
    if (launched?.status === 'True') {
      this.syncRegistration(name);
      return;
    }
    if (this.failed.has(name) || this.tasks.has(name)) return;
    this.tasks.start(name, () => this.launch(claim), (err) => this.ctx.log('gpu-provisioner', `launching ${name}: ${String(err)}`));
  }

  private async launch(claim: KObject): Promise<void> {
    const { store } = this.ctx;
    const name = claim.metadata.name;
    const spec = claimSpec(claim);
    const gen = claim.metadata.generation ?? 1;
    if (!claim.metadata.finalizers?.includes(NODECLAIM_FINALIZER)) {
      patchObject(store, NODECLAIM_RES, undefined, name, (o) => {
        o.metadata.finalizers = [...(o.metadata.finalizers ?? []), NODECLAIM_FINALIZER];
      });
    }
    patchStatus(store, NODECLAIM_RES, undefined, name, (s) => {
      for (const t of ['Launched', 'Registered', 'Initialized', 'Ready']) setClaimCondition(s, { type: t, status: 'Unknown', reason: 'AwaitingReconciliation', message: 'object is awaiting reconciliation' }, gen);
    });
    const creation = this.pools.createAgentPool(name, { mode: 'User', vmSize: spec.instanceType, count: 1, nodeLabels: spec.labels, nodeTaints: spec.taints, osDiskSizeGB: spec.osDiskSizeGB, osSKU: spec.osSKU, tags: { 'kaito.sh/nodeclaim': name } });
    this.creating.set(name, creation);
    try {
      await creation;
    } catch (err) {
      if ((err as { name?: string })?.name === 'AbortError' || this.ctx.signal.aborted) throw err;
      const code = (err as { code?: string })?.code;
      return this.launchFailed(name, gen, `creating agent pool "${name}": ${code ? `${code}: ` : ''}${(err as Error)?.message ?? String(err)}`);
    }
    const sku = skuInfo(spec.instanceType);
    patchStatus(store, NODECLAIM_RES, undefined, name, (s) => {
      s.providerID = `azure:///subscriptions/${this.ctx.azure.subscriptionId}/resourceGroups/${this.ctx.azure.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${name}-vmss/virtualMachines/0`;
      s.imageID = 'aks-ubuntu-2204gen2containerd-202506.02.0';
      s.capacity = { cpu: String(sku.vcpus), memory: `${sku.memoryGiB}Gi`, 'nvidia.com/gpu': String(sku.gpus), pods: '30' };
      s.allocatable = s.capacity;
      setClaimCondition(s, { type: 'Launched', status: 'True', reason: 'Launched', message: '' }, gen);
    });
    this.syncRegistration(name);
  }

  private launchFailed(name: string, gen: number, message: string): void {
    this.failed.add(name);
    this.ctx.log('gpu-provisioner', `nodeclaim ${name}: ${message}`);
    const claim = patchStatus(this.ctx.store, NODECLAIM_RES, undefined, name, (s) => {
      setClaimCondition(s, { type: 'Launched', status: 'False', reason: 'LaunchFailed', message }, gen);
      setClaimCondition(s, { type: 'Ready', status: 'False', reason: 'NotLaunched', message: 'Node not launched' }, gen);
    });
    if (claim) recordEvent(this.ctx.store, claim, 'Warning', 'FailedLaunch', message.slice(0, 1024), 'gpu-provisioner');
  }

  /** A launched claim whose pool's Node is up becomes Registered/Initialized/Ready with status.nodeName. */
  private syncRegistration(name: string): void {
    const { store } = this.ctx;
    const claim = store.get(NODECLAIM_RES, undefined, name);
    if (!claim || claim.metadata.deletionTimestamp || !this.owns(claim)) return;
    const status = (claim.status ?? {}) as { conditions?: Condition[]; nodeName?: string };
    if (status.conditions?.find((c) => c.type === 'Launched')?.status !== 'True') return;
    const node = store.list(NODE_RES, undefined, (n) => (n.metadata.labels?.agentpool ?? n.metadata.labels?.['kubernetes.azure.com/agentpool']) === name).items[0];
    if (!node) return;
    const ready = isNodeReady(node);
    const already = status.nodeName === node.metadata.name && status.conditions?.find((c) => c.type === 'Ready')?.status === (ready ? 'True' : 'False');
    if (already) return;
    const gen = claim.metadata.generation ?? 1;
    patchStatus(store, NODECLAIM_RES, undefined, name, (s) => {
      s.nodeName = node.metadata.name;
      setClaimCondition(s, { type: 'Registered', status: 'True', reason: 'Registered', message: '' }, gen);
      setClaimCondition(s, ready ? { type: 'Initialized', status: 'True', reason: 'Initialized', message: '' } : { type: 'Initialized', status: 'Unknown', reason: 'NodeNotReady', message: 'Node status is NotReady' }, gen);
      setClaimCondition(s, ready ? { type: 'Ready', status: 'True', reason: 'Ready', message: '' } : { type: 'Ready', status: 'False', reason: 'NodeNotReady', message: 'Node status is NotReady' }, gen);
    });
  }

  private async terminate(name: string): Promise<void> {
    const claim = this.ctx.store.get(NODECLAIM_RES, undefined, name);
    if (!claim) return;
    const launched = ((claim.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Launched');
    const inFlight = this.creating.get(name);
    if (inFlight) await inFlight.catch(() => undefined);
    this.creating.delete(name);
    // a pool whose creation failed still exists in AKS (provisioningState Failed): delete it too
    await this.pools.deleteAgentPool(name);
    this.failed.delete(name);
    patchObject(this.ctx.store, NODECLAIM_RES, undefined, name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== NODECLAIM_FINALIZER);
    });
  }
}
