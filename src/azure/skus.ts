// VM sizes the node-pool code needs to reason about: Kaito's GPU table (KAITO.md §6, kept equal to
// presets/skus.yaml by a unit test) plus the general-purpose sizes an AKS system pool uses. Pure data:
// the sandbox's ARM emulator and the CLI both read it, so quota arithmetic agrees on both sides.
export interface VmSku {
  name: string;
  gpus: number;
  gpuMemoryGiB: number;
  vcpus: number;
  memoryGiB: number;
  /** the Compute usage API's name.value for this size's vCPU quota */
  quotaFamily: string;
  /** in Kaito's supported GPU table */
  kaito: boolean;
}

const gpu = (name: string, gpus: number, gpuMemoryGiB: number, vcpus: number, memoryGiB: number, quotaFamily: string): VmSku => ({
  name, gpus, gpuMemoryGiB, vcpus, memoryGiB, quotaFamily, kaito: true,
});

export const VM_SKUS: readonly VmSku[] = [
  gpu('Standard_NV36ads_A10_v5', 1, 24, 36, 440, 'standardNVADSA10v5Family'),
  gpu('Standard_NV72ads_A10_v5', 2, 48, 72, 880, 'standardNVADSA10v5Family'),
  gpu('Standard_NC24ads_A100_v4', 1, 80, 24, 220, 'standardNCADSA100v4Family'),
  gpu('Standard_NC48ads_A100_v4', 2, 160, 48, 440, 'standardNCADSA100v4Family'),
  gpu('Standard_NC96ads_A100_v4', 4, 320, 96, 880, 'standardNCADSA100v4Family'),
  gpu('Standard_ND96asr_A100_v4', 8, 320, 96, 900, 'standardNDASv4_A100Family'),
  gpu('Standard_ND96amsr_A100_v4', 8, 640, 96, 1900, 'standardNDAMSv4_A100Family'),
  gpu('Standard_NC40ads_H100_v5', 1, 94, 40, 320, 'standardNCadsH100v5Family'),
  gpu('Standard_NC80adis_H100_v5', 2, 188, 80, 640, 'standardNCadsH100v5Family'),
  gpu('Standard_ND96isr_H100_v5', 8, 640, 96, 1900, 'standardNDSH100v5Family'),
  gpu('Standard_NCC40ads_H100_v5', 1, 94, 40, 320, 'standardNCCads2023Family'),
  gpu('Standard_ND96isr_H200_v5', 8, 1128, 96, 1850, 'standardNDISRH200V5Family'),
  gpu('Standard_NC4as_T4_v3', 1, 16, 4, 28, 'standardNCASv3_T4Family'),
  gpu('Standard_NC8as_T4_v3', 1, 16, 8, 56, 'standardNCASv3_T4Family'),
  gpu('Standard_NC16as_T4_v3', 1, 16, 16, 110, 'standardNCASv3_T4Family'),
  gpu('Standard_NC64as_T4_v3', 4, 64, 64, 440, 'standardNCASv3_T4Family'),
  // system-pool sizes (not GPU, not in Kaito's table)
  { name: 'Standard_D4s_v5', gpus: 0, gpuMemoryGiB: 0, vcpus: 4, memoryGiB: 16, quotaFamily: 'standardDSv5Family', kaito: false },
  { name: 'Standard_D8s_v5', gpus: 0, gpuMemoryGiB: 0, vcpus: 8, memoryGiB: 32, quotaFamily: 'standardDSv5Family', kaito: false },
  { name: 'Standard_D16s_v5', gpus: 0, gpuMemoryGiB: 0, vcpus: 16, memoryGiB: 64, quotaFamily: 'standardDSv5Family', kaito: false },
];

/** ARM compares VM size names case-insensitively. */
export function findVmSku(name: string | undefined): VmSku | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  return VM_SKUS.find((s) => s.name.toLowerCase() === n);
}

export function kaitoGpuSkus(): VmSku[] {
  return VM_SKUS.filter((s) => s.kaito);
}

/** Friendly names the usage API reports in name.localizedValue. */
export function familyDisplayName(family: string): string {
  if (family === 'cores') return 'Total Regional vCPUs';
  const core = family.replace(/^standard/, '').replace(/Family$/, '');
  return `Standard ${core} Family vCPUs`;
}
