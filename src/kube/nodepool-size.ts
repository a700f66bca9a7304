// --nodepool POOL: the pool exists when Nodes carry agentpool=POOL (what AKS puts on every node);
// its vmSize is their node.kubernetes.io/instance-type label. A pool scaled to zero has no Nodes: then
// `fromAks` (the AKS API, when the caller knows the cluster) is asked instead.
import type { KubeClient, KubeList, KubeObject } from './client.js';

export interface PoolSize {
  vmSize?: string;
  nodes: number;
}

export async function nodepoolVmSize(
  kube: KubeClient,
  pool: string,
  o: { signal?: AbortSignal; fromAks?: () => Promise<{ vmSize: string } | undefined> } = {},
): Promise<PoolSize | undefined> {
  let nodes: KubeList<KubeObject>;
  try {
    nodes = await kube.get<KubeList<KubeObject>>('/api/v1/nodes', { query: { labelSelector: `agentpool=${pool}` }, signal: o.signal });
  } catch (e) {
    throw kube.error(e, `look up node pool ${pool}`);
  }
  if (nodes.items.length === 0) {
    // the AKS label in newer clusters
    nodes = await kube.get<KubeList<KubeObject>>('/api/v1/nodes', { query: { labelSelector: `kubernetes.azure.com/agentpool=${pool}` }, signal: o.signal }).catch(() => nodes);
  }
  if (nodes.items.length === 0) {
    const info = o.fromAks ? await o.fromAks() : undefined;
    return info ? { vmSize: info.vmSize, nodes: 0 } : undefined;
  }
  const vmSize = nodes.items.map((n) => n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? n.metadata.labels?.['beta.kubernetes.io/instance-type']).find(Boolean);
  return { vmSize, nodes: nodes.items.length };
}
