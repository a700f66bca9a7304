// Node objects as AKS registers them for a GPU agent pool: the labels Kaito and users select on, the GPU
// taint, nvidia.com/gpu capacity once the device plugin is up, and a Ready condition.
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { nowIso } from './conditions.js';
import { skuInfo } from './skus.js';

export function agentPoolNodeName(pool: string, index: number, salt: string): string {
  return `aks-${pool}-${salt}-vmss${String(index).padStart(6, '0')}`;
}

export function vmssProviderId(ctx: SandboxContext, pool: string, salt: string, index: number): string {
  return `azure:///subscriptions/${ctx.azure.subscriptionId}/resourceGroups/${ctx.azure.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${pool}-${salt}-vmss/virtualMachines/${index}`;
}

/** Parses "key=value:Effect" taints as AKS nodeTaints spells them. */
export function parseTaints(taints: string[]): Array<{ key: string; value?: string; effect: string }> {
  return taints.map((t) => {
    const [kv, effect = 'NoSchedule'] = t.split(':');
    const [key, value] = kv.split('=');
    return value === undefined ? { key, effect } : { key, value, effect };
  });
}

export function makeAgentPoolNode(
  ctx: SandboxContext,
  spec: { pool: string; vmSize: string; index: number; salt: string; nodeLabels: Record<string, string>; nodeTaints: string[]; osSKU?: string; ready: boolean },
): KObject {
  const sku = skuInfo(spec.vmSize);
  const name = agentPoolNodeName(spec.pool, spec.index, spec.salt);
  const capacity: Record<string, string> = {
    cpu: String(sku.vcpus),
    memory: `${sku.memoryGiB * 1024 * 1024}Ki`,
    'ephemeral-storage': '129886128Ki',
    pods: '30',
    'nvidia.com/gpu': String(sku.gpus),
  };
  const allocatable = { ...capacity, cpu: `${sku.vcpus * 1000 - 140}m`, memory: `${Math.floor(sku.memoryGiB * 0.9 * 1024 * 1024)}Ki` };
  const now = nowIso();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...spec.nodeLabels,
        agentpool: spec.pool,
        'kubernetes.azure.com/agentpool': spec.pool,
        'kubernetes.azure.com/cluster': ctx.azure.nodeResourceGroup,
        'kubernetes.azure.com/mode': 'user',
        'kubernetes.azure.com/os-sku': spec.osSKU ?? 'Ubuntu',
        'kubernetes.azure.com/accelerator': 'nvidia',
        'node.kubernetes.io/instance-type': spec.vmSize,
        'beta.kubernetes.io/instance-type': spec.vmSize,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'topology.kubernetes.io/region': ctx.azure.location,
        'topology.kubernetes.io/zone': '0',
      },
    },
    spec: { providerID: vmssProviderId(ctx, spec.pool, spec.salt, spec.index), taints: parseTaints(spec.nodeTaints) },
    status: {
      capacity,
      allocatable,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: now },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: now },
        spec.ready
          ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }
          : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: spec.osSKU === 'AzureLinux' ? 'CBL-Mariner/Linux' : 'Ubuntu 22.04.5 LTS',
        kubeletVersion: 'v1.31.8',
        kubeProxyVersion: 'v1.31.8',
        containerRuntimeVersion: 'containerd://1.7.27-1',
        kernelVersion: '5.15.0-1089-azure',
      },
      addresses: [
        { type: 'InternalIP', address: `10.224.0.${10 + spec.index}` },
        { type: 'Hostname', address: name },
      ],
    },
  };
}
