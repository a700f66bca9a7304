// --nodepool POOL: the pool exists when Nodes carry agentpool=POOL (what AKS puts on every node);
// its vmSize is their node.kubernetes.io/instance-type label.
import type { CommandContext } from '../../cli/context.js';
import type { KubeClient, KubeList, KubeObject } from '../../kube/index.js';

export async function nodepoolVmSize(ctx: CommandContext, kube: KubeClient, pool: string): Promise<{ vmSize?: string; nodes: number } | undefined> {
  let nodes: KubeList<KubeObject>;
  try {
    nodes = await kube.get<KubeList<KubeObject>>('/api/v1/nodes', { query: { labelSelector: `agentpool=${pool}` }, signal: ctx.signal });
  } catch (e) {
    throw kube.error(e, `look up node pool ${pool}`);
  }
  if (nodes.items.length === 0) {
    // the AKS label in newer clusters
    nodes = await kube.get<KubeList<KubeObject>>('/api/v1/nodes', { query: { labelSelector: `kubernetes.azure.com/agentpool=${pool}` }, signal: ctx.signal }).catch(() => nodes);
  }
  if (nodes.items.length === 0) {
    // a pool scaled to zero has no Nodes: ask AKS when the cluster target is known
    const t = ctx.target();
    if (!t.subscription || !t.resourceGroup || !t.cluster) return undefined;
    const info = await (await ctx.nodePools()).get(pool, ctx.signal);
    return info ? { vmSize: info.vmSize, nodes: 0 } : undefined;
  }
  const vmSize = nodes.items.map((n) => n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? n.metadata.labels?.['beta.kubernetes.io/instance-type']).find(Boolean);
  return { vmSize, nodes: nodes.items.length };
}
