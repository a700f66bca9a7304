// The GPU SKUs Kaito knows (KAITO.md §6) with what the emulation needs: GPUs, GPU memory, vCPUs
// (for regional quota) and the Compute quota family the vCPUs count against.
export interface GpuSku { gpus: number; gpuMemGiB: number; vcpus: number; family: string; memoryGiB: number }

export const GPU_SKUS: Record<string, GpuSku> = {
  Standard_NV36ads_A10_v5: { gpus: 1, gpuMemGiB: 24, vcpus: 36, family: 'standardNVADSA10v5Family', memoryGiB: 440 },
  Standard_NV72ads_A10_v5: { gpus: 2, gpuMemGiB: 48, vcpus: 72, family: 'standardNVADSA10v5Family', memoryGiB: 880 },
  Standard_NC24ads_A100_v4: { gpus: 1, gpuMemGiB: 80, vcpus: 24, family: 'standardNCADSA100v4Family', memoryGiB: 220 },
  Standard_NC48ads_A100_v4: { gpus: 2, gpuMemGiB: 160, vcpus: 48, family: 'standardNCADSA100v4Family', memoryGiB: 440 },
  Standard_NC96ads_A100_v4: { gpus: 4, gpuMemGiB: 320, vcpus: 96, family: 'standardNCADSA100v4Family', memoryGiB: 880 },
  Standard_ND96asr_A100_v4: { gpus: 8, gpuMemGiB: 320, vcpus: 96, family: 'standardNDASv4_A100Family', memoryGiB: 900 },
  Standard_ND96amsr_A100_v4: { gpus: 8, gpuMemGiB: 640, vcpus: 96, family: 'standardNDAMSv4_A100Family', memoryGiB: 1900 },
  Standard_NC40ads_H100_v5: { gpus: 1, gpuMemGiB: 94, vcpus: 40, family: 'standardNCadsH100v5Family', memoryGiB: 320 },
  Standard_NC80adis_H100_v5: { gpus: 2, gpuMemGiB: 188, vcpus: 80, family: 'standardNCadsH100v5Family', memoryGiB: 640 },
  Standard_ND96isr_H100_v5: { gpus: 8, gpuMemGiB: 640, vcpus: 96, family: 'standardNDSH100v5Family', memoryGiB: 1900 },
  Standard_NCC40ads_H100_v5: { gpus: 1, gpuMemGiB: 94, vcpus: 40, family: 'standardNCCadsH100v5Family', memoryGiB: 320 },
  Standard_ND96isr_H200_v5: { gpus: 8, gpuMemGiB: 1128, vcpus: 96, family: 'standardNDH200v5Family', memoryGiB: 1850 },
};

/** Unknown SKUs still get a node (one GPU) so BYO pools of any size work. */
export function skuInfo(vmSize: string): GpuSku {
  const exact = GPU_SKUS[vmSize] ?? Object.entries(GPU_SKUS).find(([k]) => k.toLowerCase() === vmSize.toLowerCase())?.[1];
  return exact ?? { gpus: 1, gpuMemGiB: 16, vcpus: 8, family: 'standardNCFamily', memoryGiB: 56 };
}
