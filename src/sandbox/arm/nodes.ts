// The Kubernetes Node objects an AKS agent pool brings up: AKS naming (aks-<pool>-<8 digits>-vmss00000N),
// the labels AKS and the NVIDIA device plugin put on them, taints from nodeTaints, GPU capacity from the SKU.
import { createHash } from 'node:crypto';
import type { KObject } from '../store.js';
import { findVmSku } from '../../azure/skus.js';
import type { AgentPool } from './types.js';

export const NODES = '/nodes';
export const KUBELET_VERSION = 'v1.31.7';

/** AKS derives an 8-digit suffix per pool; a hash gives the same stable look. */
export function vmssName(cluster: string, pool: string): string {
  const h = createHash('sha256').update(`${cluster}/${pool}`).digest();
  return `aks-${pool}-${String(h.readUInt32BE(0) % 100_000_000).padStart(8, '0')}-vmss`;
}

export function nodeName(cluster: string, pool: string, index: number): string {
  return `${vmssName(cluster, pool)}${index.toString(36).padStart(6, '0')}`;
}

/** "key=value:Effect" -> a Node taint. */
export function parseTaint(t: string): { key: string; value?: string; effect: string } {
  const [kv, effect = 'NoSchedule'] = t.split(':');
  const [key, value] = kv.split('=');
  return value === undefined ? { key, effect } : { key, value, effect };
}

export interface NodeContext {
  cluster: string;
  location: string;
  subscriptionId: string;
  nodeResourceGroup: string;
}

export function buildNode(c: NodeContext, pool: AgentPool, index: number, now: Date): KObject {
  const p = pool.properties;
  const sku = findVmSku(p.vmSize);
  const name = nodeName(c.cluster, pool.name, index);
  const gpus = sku?.gpus ?? 0;
  const cpu = String(sku?.vcpus ?? 4);
  const memKi = `${(sku?.memoryGiB ?? 16) * 1024 * 1024}Ki`;
  const labels: Record<string, string> = {
    agentpool: pool.name,
    'kubernetes.azure.com/agentpool': pool.name,
    'kubernetes.azure.com/mode': p.mode.toLowerCase(),
    'kubernetes.azure.com/cluster': c.nodeResourceGroup,
    'kubernetes.azure.com/os-sku': p.osSKU,
    'kubernetes.azure.com/node-image-version': p.nodeImageVersion,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'node.kubernetes.io/instance-type': p.vmSize,
    'beta.kubernetes.io/instance-type': p.vmSize,
    'beta.kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': c.location,
    'topology.kubernetes.io/zone': '0',
    ...(gpus > 0 ? { accelerator: 'nvidia', 'kubernetes.azure.com/accelerator': 'nvidia' } : {}),
    ...(p.nodeLabels ?? {}),
  };
  const capacity: Record<string, string> = { cpu, memory: memKi, pods: String(p.maxPods), 'ephemeral-storage': `${p.osDiskSizeGB * 1024 * 1024}Ki` };
  if (gpus > 0) capacity['nvidia.com/gpu'] = String(gpus);
  const allocatable = { ...capacity, cpu: `${Math.max(1, Number(cpu)) * 1000 - 140}m` };
  const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      providerID: `azure:///subscriptions/${c.subscriptionId}/resourceGroups/${c.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmssName(c.cluster, pool.name)}/virtualMachines/${index}`,
      ...(p.nodeTaints?.length ? { taints: p.nodeTaints.map(parseTaint) } : {}),
    },
    status: {
      capacity,
      allocatable,
      addresses: [
        { type: 'InternalIP', address: `10.224.${(hashByte(pool.name) % 200) + 1}.${index + 4}` },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: ts, lastTransitionTime: ts },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ts, lastTransitionTime: ts },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: p.osSKU === 'AzureLinux' ? 'CBL-Mariner/Linux' : 'Ubuntu 22.04.5 LTS',
        kernelVersion: '5.15.0-1089-azure',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        containerRuntimeVersion: 'containerd://1.7.27-1',
        machineID: createHash('md5').update(name).digest('hex'),
        systemUUID: createHash('md5').update(`uuid:${name}`).digest('hex'),
        bootID: createHash('md5').update(`boot:${name}`).digest('hex'),
      },
    },
  };
}

function hashByte(s: string): number {
  return createHash('sha256').update(s).digest()[0];
}
