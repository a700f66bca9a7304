// The emulated Kaito controller + gpu-provisioner + the Job/StatefulSet controllers and kubelet they rely
// on. Event-driven: one store subscription feeds a de-duplicating queue of Workspaces to reconcile;
// nothing polls. Everything stops with stop() or when the sandbox's signal aborts.
import type { SandboxContext } from '../context.js';
import type { StoreEvent } from '../store.js';
import type { KObject } from '../store.js';
import { GfdEmulator } from './gfd.js';
import { GpuProvisioner } from './gpu-provisioner.js';
import { GPU_PROVISIONER_POOL, KARPENTER_POOL_LABEL, KarpenterEmulator } from './karpenter.js';
import { KARPENTER_WS_NAME, KARPENTER_WS_NAMESPACE, workspaceNodeSelector } from './placement.js';
import { createLocalAgentPools } from './local-pools.js';
import { labelsMatch, NODE_RES, NODECLAIM_RES, NODEPOOL_RES, WS_LABEL, WS_NS_LABEL, WS_RES } from './objects.js';
import { WorkQueue } from './queue.js';
import type { ControllerOptions } from './types.js';
import { WorkloadControllers } from './workloads.js';
import { WorkspaceReconciler } from './workspace.js';
import { viewWorkspace } from './workspace-view.js';

export type { AgentPoolBackend, AgentPoolSpec, ControllerOptions } from './types.js';
export { WORKSPACE_FINALIZER } from './workspace.js';

export function createKaitoController(ctx: SandboxContext, opts: ControllerOptions = {}): { stop(): void } {
  const reconciler = new WorkspaceReconciler(ctx);
  const queue = new WorkQueue(
    (key) => {
      const i = key.indexOf('/');
      reconciler.reconcile(key.slice(0, i), key.slice(i + 1));
    },
    (key, err) => ctx.log('kaito', `reconcile ${key} failed: ${(err as Error)?.stack ?? String(err)}`),
  );
  // gpu-provisioner: NodeClaims of its `kaito` pool become AKS agent pools (compat N25); karpenter: NodePools
  // become NodeClaims (compat N21) whose VMs Karpenter makes directly
  const fromGpuProvisioner = (c: KObject) => (c.metadata.labels?.[KARPENTER_POOL_LABEL] ?? GPU_PROVISIONER_POOL) === GPU_PROVISIONER_POOL;
  const karpenter = ctx.nodeProvisioner === 'karpenter' ? new KarpenterEmulator(ctx) : undefined;
  const provisioner = new GpuProvisioner(ctx, opts.agentPools ?? createLocalAgentPools(ctx), fromGpuProvisioner);
  const karpenterVms = karpenter ? new GpuProvisioner(ctx, createLocalAgentPools(ctx), (c) => !fromGpuProvisioner(c)) : undefined;
  const workloads = new WorkloadControllers(ctx);
  const gfd = new GfdEmulator(ctx);

  const enqueueWorkspacesFor = (e: StoreEvent) => {
    const o = e.object;
    if (e.resource === WS_RES) return queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const kws = o.metadata.labels?.[KARPENTER_WS_NAME];
    if (kws && (e.resource === NODECLAIM_RES || e.resource === NODEPOOL_RES) && o.metadata.labels?.[KARPENTER_WS_NAMESPACE]) {
      queue.add(`${o.metadata.labels[KARPENTER_WS_NAMESPACE]}/${kws}`);
      return;
    }
    const ws = o.metadata.labels?.[WS_LABEL];
    if (ws) {
      const ns = e.resource === NODECLAIM_RES ? o.metadata.labels?.[WS_NS_LABEL] : o.metadata.namespace;
      if (ns) queue.add(`${ns}/${ws}`);
      if (e.resource !== NODE_RES) return;
    }
    if (e.resource === NODE_RES) {
      // a node appearing, becoming ready or going away matters to every workspace it could serve
      for (const w of ctx.store.list(WS_RES).items) {
        if (labelsMatch(o.metadata.labels, workspaceNodeSelector(ctx, viewWorkspace(w)))) queue.add(`${w.metadata.namespace}/${w.metadata.name}`);
      }
    }
  };

  // Store events fire synchronously inside the write that caused them; handling them there would write
  // again mid-delivery and let other subscribers (API watches) see events out of order. So they are
  // buffered and handled in a microtask, in order.
  let stopped = false;
  const buffered: StoreEvent[] = [];
  let draining = false;
  const drain = () => {
    draining = false;
    for (let e = buffered.shift(); e && !stopped; e = buffered.shift()) {
      try {
        provisioner.onEvent(e);
        karpenter?.onEvent(e);
        karpenterVms?.onEvent(e);
        workloads.onEvent(e);
        gfd.onEvent(e);
        enqueueWorkspacesFor(e);
      } catch (err) {
        ctx.log('kaito', `event ${e.type} ${e.resource} ${e.object.metadata.name}: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
  };
  const unsubscribe = ctx.store.subscribe((e) => {
    if (stopped) return;
    buffered.push(e);
    if (!draining) {
      draining = true;
      queueMicrotask(drain);
    }
  });

  // objects that were there before the controller started (a restored state dir)
  for (const w of ctx.store.list(WS_RES).items) queue.add(`${w.metadata.namespace}/${w.metadata.name}`);
  provisioner.resync();
  karpenter?.resync();
  karpenterVms?.resync();
  workloads.resync();
  gfd.resync();

  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    queue.stop();
    provisioner.stop();
    karpenterVms?.stop();
    workloads.stop();
    ctx.signal.removeEventListener('abort', stop);
  };
  ctx.signal.addEventListener('abort', stop, { once: true });
  return { stop };
}
