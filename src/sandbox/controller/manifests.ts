// The objects the controller owns for a Workspace (KAITO.md §3), built from the Workspace alone.
import type { KObject } from '../store.js';
import { hex, ownerRef, WS_LABEL } from './objects.js';
import type { WorkspaceView } from './types.js';

export const REVISION_ANNOTATION = 'workspace.kaito.io/revision';
export const ADAPTERS_ANNOTATION = 'kaito.sh/adapters-hash';
const BASE_IMAGE = 'mcr.microsoft.com/aks/kaito';

const gpuToleration = [{ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

function affinity(v: WorkspaceView) {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: Object.entries(v.matchLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] })) }],
      },
    },
  };
}

export function presetImage(v: WorkspaceView, version: string): string {
  return `${BASE_IMAGE}/kaito-${v.preset.replace(/[^a-z0-9.-]/gi, '-').toLowerCase()}:${version === '0.6' ? '0.0.8' : '0.2.0'}`;
}

export function tuningJob(ws: KObject, v: WorkspaceView, revision: string, version: string): KObject {
  const t = v.tuning!;
  const initContainers: unknown[] = [
    { name: 'model-weights-downloader', image: `${BASE_IMAGE}/kaito-base:0.1.1`, command: ['/bin/sh', '-c'], args: [`huggingface-cli download --local-dir /workspace/weights ${v.preset}`], volumeMounts: [{ name: 'model-weights-volume', mountPath: '/workspace/weights' }] },
  ];
  if (t.input.urls?.length) initContainers.push({ name: 'data-downloader', image: 'curlimages/curl', command: ['/bin/sh', '-c'], args: ['download each of $DATA_URLS into /mnt/data'], env: [{ name: 'DATA_URLS', value: t.input.urls.join(' ') }], volumeMounts: [{ name: 'data-volume', mountPath: '/mnt/data' }] });
  else if (t.input.image) initContainers.push({ name: 'puller', image: t.input.image, command: ['/bin/sh', '-c'], args: ['cp -r /data/* /mnt/data/'], volumeMounts: [{ name: 'data-volume', mountPath: '/mnt/data' }] });
  const containers: unknown[] = [
    {
      name: v.name,
      image: `${BASE_IMAGE}/kaito-tuning:${version === '0.6' ? '0.0.1' : '0.1.0'}`,
      command: ['/bin/sh', '-c', 'python3 metrics_server.py & accelerate launch --num_processes 1 /workspace/tfs/fine_tuning.py'],
      ports: [{ containerPort: 5000, name: 'metrics', protocol: 'TCP' }],
      resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } },
      volumeMounts: [{ name: 'data-volume', mountPath: '/mnt/data' }, { name: 'results-volume', mountPath: '/mnt/results' }, { name: 'config-volume', mountPath: '/mnt/config' }],
    },
  ];
  if (t.output.image) {
    containers.push({ name: 'pusher', image: 'ghcr.io/oras-project/oras:v1.2.0', command: ['/bin/sh', '-c'], args: [`wait for /mnt/results/fine_tuning_completed.txt, then oras push ${t.output.image} adapter_config.json adapter_model.safetensors`], volumeMounts: [{ name: 'results-volume', mountPath: '/mnt/results' }, { name: 'docker-sidecar-secret', mountPath: '/root/.docker/config.json', subPath: '.dockerconfigjson' }] });
    containers.push({ name: 'pause', image: 'mcr.microsoft.com/oss/kubernetes/pause:3.6' });
  }
  const volumes: unknown[] = [{ name: 'model-weights-volume', emptyDir: {} }, { name: 'data-volume', emptyDir: {} }, { name: 'results-volume', emptyDir: {} }, { name: 'config-volume', configMap: { name: t.config ?? `${t.method}-params-template` } }];
  if (t.output.imagePushSecret) volumes.push({ name: 'docker-sidecar-secret', secret: { secretName: t.output.imagePushSecret } });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: v.name, namespace: v.namespace, labels: { [WS_LABEL]: v.name }, annotations: { [REVISION_ANNOTATION]: revision }, ownerReferences: [ownerRef(ws)] },
    spec: {
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels: { [WS_LABEL]: v.name } },
        spec: { restartPolicy: 'Never', affinity: affinity(v), tolerations: gpuToleration, initContainers, containers, volumes },
      },
    },
  };
}

export function adaptersHash(v: WorkspaceView): string {
  return v.adapters.map((a) => `${a.name}=${a.image ?? ''}`).join(',');
}

export function inferenceStatefulSet(ws: KObject, v: WorkspaceView, version: string): KObject {
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
          affinity: affinity(v),
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
