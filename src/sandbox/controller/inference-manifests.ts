// The inference workload and Services Kaito creates for an inference Workspace (KAITO.md §6).
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { ADAPTERS_ANNOTATION, affinity, gpuToleration, presetImage } from './manifests.js';
import { hex, ownerRef, WS_LABEL } from './objects.js';
import type { WorkspaceView } from './types.js';

export function adaptersHash(v: WorkspaceView): string {
  return v.adapters.map((a) => `${a.name}=${a.image ?? ''}`).join(',');
}

export function inferenceStatefulSet(ws: KObject, v: WorkspaceView, ctx: SandboxContext): KObject {
  const version = ctx.kaitoVersion;
  const args = v.runtime === 'vllm'
    ? ['python3 /workspace/vllm/inference_api.py --served-model-name ' + v.preset + ' --port 5000' + (v.adapters.length ? ' --enable-lora' : '')]
    : ['accelerate launch /workspace/tfs/inference_api.py --pipeline text-generation --torch_dtype bfloat16'];
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: v.name, namespace: v.namespace, labels: { [WS_LABEL]: v.name }, annotations: { [ADAPTERS_ANNOTATION]: adaptersHash(v) }, ownerReferences: [ownerRef(ws)] },
    spec: {
      replicas: v.count,
      podManagementPolicy: 'Parallel',
      serviceName: `${v.name}-headless`,
      selector: { matchLabels: { [WS_LABEL]: v.name } },
      template: {
        metadata: { labels: { [WS_LABEL]: v.name }, annotations: { [ADAPTERS_ANNOTATION]: adaptersHash(v) } },
        spec: {
          affinity: affinity(v, ctx),
          tolerations: gpuToleration,
          containers: [
            {
              name: v.name,
              image: presetImage(v, version),
              command: ['/bin/sh', '-c'],
              args,
              ports: [{ containerPort: 5000, name: 'http', protocol: 'TCP' }],
              resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } },
              livenessProbe: { httpGet: { path: '/health', port: 5000, scheme: 'HTTP' }, initialDelaySeconds: 600, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/health', port: 5000, scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}

export function inferenceServices(ws: KObject, v: WorkspaceView): KObject[] {
  const lb = ws.metadata.annotations?.['kaito.sh/enablelb']?.toLowerCase() === 'true';
  const owner = [ownerRef(ws)];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: v.name, namespace: v.namespace, labels: { [WS_LABEL]: v.name }, ownerReferences: owner },
      spec: {
        type: lb ? 'LoadBalancer' : 'ClusterIP',
        clusterIP: `10.0.${1 + (parseInt(hex(2), 16) % 254)}.${1 + (parseInt(hex(2), 16) % 254)}`,
        selector: { [WS_LABEL]: v.name, 'statefulset.kubernetes.io/pod-name': `${v.name}-0` },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 5000 }],
        publishNotReadyAddresses: true,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${v.name}-headless`, namespace: v.namespace, labels: { [WS_LABEL]: v.name }, ownerReferences: owner },
      spec: { clusterIP: 'None', selector: { [WS_LABEL]: v.name }, ports: [{ name: 'torchrun', port: 29500, protocol: 'TCP', targetPort: 29500 }], publishNotReadyAddresses: true },
    },
  ];
}
