// Which Kaito workspaces run on which agent pool: a workspace is placed on a pool by matchLabels on
// `agentpool` (or `kubernetes.azure.com/agentpool`), which AKS puts on every node of the pool.
import type { KubeClient } from '../kube/client.js';

export interface PoolUsers {
  /** pool name -> "namespace/workspace" */
  byPool: Map<string, string[]>;
}

interface WorkspaceLike { metadata: { name: string; namespace?: string }; resource?: { labelSelector?: { matchLabels?: Record<string, string> } } }

/** The workspace a pool was provisioned for by Kaito, from its node labels (compat N25). */
export function kaitoWorkspaceOf(nodeLabels: Record<string, string> | undefined): string | undefined {
  const ws = nodeLabels?.['kaito.sh/workspace'];
  return ws ? `${nodeLabels?.['kaito.sh/workspacenamespace'] ?? 'default'}/${ws}` : undefined;
}

export function poolOfWorkspace(ws: WorkspaceLike): string | undefined {
  const m = ws.resource?.labelSelector?.matchLabels ?? {};
  return m.agentpool ?? m['kubernetes.azure.com/agentpool'];
}

/** Reads every Workspace in the cluster; throws the kube port's one-line error when it cannot. */
export async function workspacesByPool(kube: KubeClient, signal?: AbortSignal): Promise<PoolUsers> {
  const byPool = new Map<string, string[]>();
  let list: { items: WorkspaceLike[] };
  try {
    list = await kube.get<{ items: WorkspaceLike[] }>('/apis/kaito.sh/v1beta1/workspaces', { signal });
  } catch (e) {
    throw kube.error(e, 'listing workspaces');
  }
  for (const ws of list.items) {
    const pool = poolOfWorkspace(ws);
    if (!pool) continue;
    const arr = byPool.get(pool) ?? [];
    arr.push(`${ws.metadata.namespace ?? 'default'}/${ws.metadata.name}`);
    byPool.set(pool, arr);
  }
  return { byPool };
}
