// The tuning Job Kaito creates for a tuning Workspace (KAITO.md §4).
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { affinity, BASE_IMAGE, gpuToleration, REVISION_ANNOTATION } from './manifests.js';
import { ownerRef, WS_LABEL } from './objects.js';
import type { WorkspaceView } from './types.js';

export function tuningJob(ws: KObject, v: WorkspaceView, revision: string, ctx: SandboxContext): KObject {
  const version = ctx.kaitoVersion;
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
    // compat T1: Kaito's tuning Job sets no backoffLimit (Kubernetes default 6)
    spec: {
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels: { [WS_LABEL]: v.name } },
        spec: { restartPolicy: 'Never', affinity: affinity(v, ctx), tolerations: gpuToleration, initContainers, containers, volumes },
      },
    },
  };
}

