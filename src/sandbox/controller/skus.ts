// The emulated controller reads the same VM size table as the ARM emulator and the CLI
// (src/azure/skus.ts, checked against presets/skus.yaml), so GPU counts and quota families agree everywhere.
import { findVmSku } from '../../azure/skus.js';

export interface GpuSku { gpus: number; gpuMemGiB: number; vcpus: number; family: string; memoryGiB: number }

/** Unknown SKUs still get a node (one GPU) so BYO pools of any size work. */
export function skuInfo(vmSize: string): GpuSku {
  const s = findVmSku(vmSize);
  if (s) return { gpus: s.gpus, gpuMemGiB: s.gpuMemoryGiB, vcpus: s.vcpus, family: s.quotaFamily, memoryGiB: s.memoryGiB };
  return { gpus: 1, gpuMemGiB: 16, vcpus: 8, family: 'standardNCFamily', memoryGiB: 56 };
}
