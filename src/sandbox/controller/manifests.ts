// What the tuning and inference manifests share: labels, annotations, image names, GPU tolerations and node affinity.
// The Job lives in ./tuning-manifests.ts, the inference workload and Services in ./inference-manifests.ts.
import type { SandboxContext } from '../context.js';
import { workspaceNodeSelector } from './placement.js';
import type { WorkspaceView } from './types.js';

export const REVISION_ANNOTATION = 'workspace.kaito.io/revision';
export const ADAPTERS_ANNOTATION = 'kaito.sh/adapters-hash';
export const BASE_IMAGE = 'mcr.microsoft.com/aks/kaito';

export const gpuToleration = [{ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

/** Where a workspace's pods may run: the workspace node selector of ./placement.ts (compat N20). */
export function affinity(v: WorkspaceView, ctx: SandboxContext) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: Object.entries(workspaceNodeSelector(ctx, v)).map(([key, value]) => ({ key, operator: 'In', values: [value] })) }],
      },
    },
  };
}

export function presetImage(v: WorkspaceView, version: string): string {
  return `${BASE_IMAGE}/kaito-${v.preset.replace(/[^a-z0-9.-]/gi, '-').toLowerCase()}:${version === '0.6' ? '0.0.8' : '0.2.0'}`;
}

