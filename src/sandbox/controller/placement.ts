// Which nodes a workspace's pods may land on, per Kaito release and node provisioner (docs/kaito-compat.md N3, N4).
// v0.11+ in NAP mode Kaito ANDs the provisioner's node selector to the sanitized matchLabels, both when it counts
// ready nodes and when it builds the pods' affinity, so a node pool the user created (labelled only with the
// matchLabels) is never used: Kaito provisions a node for the workspace and the pool idles.
//   v0.12 pkg/nodeprovision/nodes.go WorkspaceNodeSelector; v0.11 pkg/nodeprovision/nodes.go GetReadyNodes;
//   gpu-provisioner/gpu_provisioner.go and karpenter/provisioner.go BuildNodeSelector; BYO: nil.
import { createHash } from 'node:crypto';
import { versionAtLeast, type SandboxContext } from '../context.js';
import { WS_LABEL, WS_NS_LABEL } from './objects.js';
import type { WorkspaceView } from './types.js';

export const KARPENTER_WS_NAME = 'karpenter.kaito.sh/workspace-name';
export const KARPENTER_WS_NAMESPACE = 'karpenter.kaito.sh/workspace-namespace';
export const KARPENTER_MANAGED_BY = 'karpenter.kaito.sh/managed-by';

/** The 8 label keys Kaito drops from matchLabels (v0.11+ API labels.go reservedSelectorLabelKeys; compat N22). */
export const RESERVED_SELECTOR_KEYS = new Set([
  'kaito.sh/workspace',
  'kaito.sh/workspacenamespace',
  'kaito.sh/ragengine',
  'kaito.sh/ragenginenamespace',
  KARPENTER_WS_NAME,
  KARPENTER_WS_NAMESPACE,
  'karpenter.kaito.sh/inferenceset',
  'karpenter.kaito.sh/inferenceset-namespace',
]);

/** matchLabels as Kaito uses them: v0.11+ without the reserved keys (SanitizedMatchLabels), before as given. */
export function sanitizedMatchLabels(ctx: SandboxContext, v: WorkspaceView): Record<string, string> {
  if (!versionAtLeast(ctx.kaitoVersion, '0.11')) return { ...v.matchLabels };
  return Object.fromEntries(Object.entries(v.matchLabels).filter(([k]) => !RESERVED_SELECTOR_KEYS.has(k)));
}

/** The labels a node must carry to serve the workspace (compat N20). */
export function workspaceNodeSelector(ctx: SandboxContext, v: WorkspaceView): Record<string, string> {
  const labels = sanitizedMatchLabels(ctx, v);
  if (!versionAtLeast(ctx.kaitoVersion, '0.11') || ctx.nodeProvisioner === 'byo') return labels;
  if (ctx.nodeProvisioner === 'karpenter') return { ...labels, [KARPENTER_WS_NAME]: v.name, [KARPENTER_WS_NAMESPACE]: v.namespace };
  return { ...labels, [WS_LABEL]: v.name, [WS_NS_LABEL]: v.namespace };
}

/** Karpenter NodePool name for a workspace: `<ns>-<ws>`, over 63 characters cut and suffixed with 9 hex of its sha256 (compat N21). */
export function karpenterNodePoolName(namespace: string, name: string): string {
  const full = `${namespace}-${name}`;
  if (full.length <= 63) return full;
  return `${full.slice(0, 63 - 1 - 9)}-${createHash('sha256').update(full).digest('hex').slice(0, 9)}`;
}
