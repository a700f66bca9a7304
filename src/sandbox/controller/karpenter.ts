// The emulated Karpenter (karpenter provisioner, Kaito v0.11+; compat N21): Kaito writes one karpenter.sh/v1 NodePool
// per workspace with static replicas; Karpenter keeps that many NodeClaims `<pool>-<suffix>` labelled
// `karpenter.sh/nodepool=<pool>` plus the template's labels, and removes them when the NodePool goes.
// Turning a NodeClaim into a Node is left to a GpuProvisioner over local VMs (Karpenter's Azure provider creates
// VMs directly, not AKS agent pools), so these nodes never show up in `az aks nodepool list`.
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { karpenterNodePoolCrd } from '../kube/crds.js';
import { NODECLAIM_FINALIZER } from './gpu-provisioner.js';
import { CRD_RES, NODECLAIM_RES, NODEPOOL_RES, patchObject, podSuffix, tryCreate, tryDelete } from './objects.js';

export const KARPENTER_POOL_LABEL = 'karpenter.sh/nodepool';
/** the gpu-provisioner's NodeClaims carry this pool name; every other value belongs to a Karpenter NodePool */
export const GPU_PROVISIONER_POOL = 'kaito';

type PoolSpec = { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } };

export class KarpenterEmulator {
  constructor(private readonly ctx: SandboxContext) {
    // the NodePool CRD exists only where Karpenter is installed
    if (ctx.nodeProvisioner === 'karpenter') tryCreate(ctx.store, CRD_RES, karpenterNodePoolCrd());
  }

  onEvent(e: StoreEvent): void {
    if (e.resource === NODEPOOL_RES) this.reconcile(e.object.metadata.name);
    else if (e.resource === NODECLAIM_RES && e.type === 'DELETED') {
      const pool = e.object.metadata.labels?.[KARPENTER_POOL_LABEL];
      if (pool && pool !== GPU_PROVISIONER_POOL) this.reconcile(pool);
    }
  }

  resync(): void {
    for (const p of this.ctx.store.list(NODEPOOL_RES).items) this.reconcile(p.metadata.name);
  }

  private claims(pool: string): KObject[] {
    return this.ctx.store.list(NODECLAIM_RES, undefined, (c) => c.metadata.labels?.[KARPENTER_POOL_LABEL] === pool).items;
  }

  private reconcile(name: string): void {
    const { store } = this.ctx;
    const pool = store.get(NODEPOOL_RES, undefined, name);
    const claims = this.claims(name);
    if (!pool || pool.metadata.deletionTimestamp) {
      for (const c of claims) if (!c.metadata.deletionTimestamp) tryDelete(store, NODECLAIM_RES, undefined, c.metadata.name);
      if (pool && claims.length === 0 && pool.metadata.finalizers?.includes(NODECLAIM_FINALIZER))
        patchObject(store, NODEPOOL_RES, undefined, name, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== NODECLAIM_FINALIZER);
        });
      return;
    }
    const spec = (pool.spec ?? {}) as PoolSpec;
    const active = claims.filter((c) => !c.metadata.deletionTimestamp);
    for (let i = active.length; i < (spec.replicas ?? 0); i++) {
      const claim: KObject = {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodeClaim',
        metadata: {
          name: `${name}-${podSuffix()}`,
          labels: { ...(spec.template?.metadata?.labels ?? {}), [KARPENTER_POOL_LABEL]: name },
          annotations: {},
          finalizers: [NODECLAIM_FINALIZER],
          ownerReferences: [{ apiVersion: 'karpenter.sh/v1', kind: 'NodePool', name, uid: pool.metadata.uid ?? '', blockOwnerDeletion: true }],
        },
        spec: structuredClone(spec.template?.spec ?? {}),
      };
      store.create(NODECLAIM_RES, claim);
      this.ctx.log('karpenter', `nodepool ${name}: created nodeclaim ${claim.metadata.name}`);
    }
  }
}
