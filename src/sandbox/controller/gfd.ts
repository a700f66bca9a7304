// NVIDIA GPU Feature Discovery as Kaito's Helm chart installs it on BYO clusters (compat N26): every node with
// `nvidia.com/gpu` capacity gets `nvidia.com/gpu.product`, `nvidia.com/gpu.count`, `nvidia.com/gpu.memory` (MiB per
// GPU) and the CUDA compute capability. Kaito's webhook (BYO, preset inference, v0.8+) and its node estimator read
// exactly these labels (v0.12 pkg/sku/helpers.go GetGPUConfigFromNodeLabels).
//   v0.10.0 / v0.12.0 charts/kaito/workspace/Chart.yaml: dependency gpu-feature-discovery, condition
//   featureGates.disableNodeAutoProvisioning ("Only install GFD when NAP is disabled").
// The `no-gfd` fault is a BYO cluster installed with `nodeProvisioner=byo` only (no gate, so no GFD subchart).
// Not emulated: GFD's start-up delay (labels appear with the node here).
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { NODE_RES, patchObject } from './objects.js';
import { skuInfo } from './skus.js';

export const GFD_PRODUCT = 'nvidia.com/gpu.product';
export const GFD_COUNT = 'nvidia.com/gpu.count';
export const GFD_MEMORY = 'nvidia.com/gpu.memory';

/** What GFD reports for the GPU of an Azure size: product name, MiB per GPU, CUDA compute capability. */
export function gfdFacts(vmSize: string): { product: string; memoryMiB: number; cc: [number, number] } {
  const s = skuInfo(vmSize);
  const perGpuGiB = s.gpuMemGiB / Math.max(1, s.gpus);
  const v = vmSize.toLowerCase();
  if (v.includes('_a10_')) return { product: 'NVIDIA-A10', memoryMiB: 23028, cc: [8, 6] };
  if (v.includes('a100')) return perGpuGiB >= 80 ? { product: 'NVIDIA-A100-80GB-PCIe', memoryMiB: 81920, cc: [8, 0] } : { product: 'NVIDIA-A100-SXM4-40GB', memoryMiB: 40960, cc: [8, 0] };
  if (v.includes('h200')) return { product: 'NVIDIA-H200', memoryMiB: 143771, cc: [9, 0] };
  if (v.includes('h100')) return v.startsWith('standard_nd') ? { product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, cc: [9, 0] } : { product: 'NVIDIA-H100-NVL', memoryMiB: 95830, cc: [9, 0] };
  if (v.includes('t4')) return { product: 'Tesla-T4', memoryMiB: 15360, cc: [7, 5] };
  return { product: 'NVIDIA-GPU', memoryMiB: Math.round(perGpuGiB * 1024), cc: [8, 0] };
}

export class GfdEmulator {
  constructor(private readonly ctx: SandboxContext) {}

  private get active(): boolean {
    return this.ctx.nodeProvisioning === 'byo' && !this.ctx.faults.noGfd;
  }

  onEvent(e: StoreEvent): void {
    if (e.resource === NODE_RES && e.type !== 'DELETED' && this.active) this.label(e.object);
  }

  resync(): void {
    if (!this.active) return;
    for (const n of this.ctx.store.list(NODE_RES).items) this.label(n);
  }

  private label(node: KObject): void {
    const gpus = Number((node.status as { capacity?: Record<string, string> } | undefined)?.capacity?.['nvidia.com/gpu'] ?? 0);
    const labels = node.metadata.labels ?? {};
    if (!(gpus > 0) || labels[GFD_PRODUCT]) return;
    const f = gfdFacts(labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'] ?? '');
    patchObject(this.ctx.store, NODE_RES, undefined, node.metadata.name, (n) => {
      n.metadata.labels = {
        ...(n.metadata.labels ?? {}),
        [GFD_PRODUCT]: f.product,
        [GFD_COUNT]: String(gpus),
        [GFD_MEMORY]: String(f.memoryMiB),
        'nvidia.com/cuda.compute.major': String(f.cc[0]),
        'nvidia.com/cuda.compute.minor': String(f.cc[1]),
      };
    });
  }
}
