// BYO GPU nodes as Kaito's webhook sees them (compat A32, N26): from v0.8, a preset inference Workspace in BYO mode
// needs at least one node matching its matchLabels, each with NVIDIA GPU Feature Discovery's labels
// nvidia.com/gpu.product, .count and .memory, all equal (v0.12 api/v1beta1/workspace_validation.go
// validateCreateWithInference). The CLI checks the same before it applies (deploy) and in doctor.
import type { KubeClient, KubeList, KubeObject } from './index.js';

export const GFD_LABELS = ['nvidia.com/gpu.product', 'nvidia.com/gpu.count', 'nvidia.com/gpu.memory'] as const;

export interface GpuNode {
  name: string;
  /** nvidia.com/gpu capacity */
  gpus: number;
  product?: string;
  count?: string;
  memoryMiB?: string;
}

export function gpuNode(n: KubeObject): GpuNode {
  const l = n.metadata.labels ?? {};
  const cap = (n as { status?: { capacity?: Record<string, string> } }).status?.capacity ?? {};
  return { name: n.metadata.name, gpus: Number(cap['nvidia.com/gpu'] ?? 0) || 0, product: l[GFD_LABELS[0]], count: l[GFD_LABELS[1]], memoryMiB: l[GFD_LABELS[2]] };
}

export const hasGfdLabels = (n: GpuNode) => n.product !== undefined && n.count !== undefined && n.memoryMiB !== undefined;

/** Nodes carrying every one of these labels. */
export async function nodesMatching(kube: KubeClient, labels: Record<string, string>, signal?: AbortSignal): Promise<GpuNode[]> {
  const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  try {
    const list = await kube.get<KubeList<KubeObject>>('/api/v1/nodes', { query: labelSelector ? { labelSelector } : {}, signal });
    return list.items.map(gpuNode);
  } catch (e) {
    throw kube.error(e, 'list nodes');
  }
}

export const GFD_HINT =
  'install NVIDIA GPU Feature Discovery: Kaito\'s Helm chart adds it with `--set featureGates.disableNodeAutoProvisioning=true` (setting only nodeProvisioner=byo does not)';

/** Why Kaito would refuse a preset inference Workspace on these BYO nodes, or null. `selector` names the labels for the message. */
export function byoNodeProblem(nodes: GpuNode[], selector: string, kaitoVersion: string | undefined): string | null {
  const kaito = kaitoVersion ? `Kaito ${kaitoVersion}` : 'Kaito (0.8+)';
  if (!nodes.length)
    return `no node matches ${selector}, so ${kaito} refuses the workspace in BYO mode: create a pool with \`kaito nodepool add POOL --instance-type SKU\` and pass --nodepool POOL, or fix --labels`;
  const bare = nodes.filter((n) => !hasGfdLabels(n));
  if (bare.length)
    return `node${bare.length > 1 ? 's' : ''} ${bare.slice(0, 3).map((n) => n.name).join(', ')}${bare.length > 3 ? ` and ${bare.length - 3} more` : ''} matching ${selector} lack${bare.length > 1 ? '' : 's'} the GPU labels ${kaito} reads (${GFD_LABELS.join(', ')}): ${GFD_HINT}`;
  const key = (n: GpuNode) => `${n.product} x${n.count}, ${n.memoryMiB} MiB`;
  const kinds = [...new Set(nodes.map(key))];
  if (kinds.length > 1)
    return `the nodes matching ${selector} mix GPUs (${kinds.join('; ')}), and ${kaito} places a workspace only on one GPU product, count and memory: narrow --labels to one pool`;
  return null;
}
