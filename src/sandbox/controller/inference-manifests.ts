// The inference workload and Services Kaito creates for an inference Workspace (KAITO.md §6).
import { versionAtLeast, type SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { ADAPTERS_ANNOTATION, affinity, gpuToleration, presetImage } from './manifests.js';
import { hex, ownerRef, WS_LABEL } from './objects.js';
import { presetFacts } from './presets.js';
import type { WorkspaceView } from './types.js';

export function adaptersHash(v: WorkspaceView): string {
  return v.adapters.map((a) => `${a.name}=${a.image ?? ''}`).join(',');
}

export const DEPLOY_RES = 'apps/deployments';

/**
 * compat I1: Kaito 0.6 runs inference as a Deployment `<ws>` (replicas = nodes) unless it is multi-node vLLM;
 * v0.8+ always a StatefulSet `<ws>` with pods `<ws>-0..n-1`.
 */
export function usesDeployment(v: WorkspaceView, ctx: SandboxContext): boolean {
  return !versionAtLeast(ctx.kaitoVersion, '0.10') && !(v.runtime === 'vllm' && v.count > 1);
}

/**
 * compat I3: the model name the server answers to. v0.6/v0.10 the preset name; v0.11+ the lower-cased
 * last segment of the Hugging Face id (mistral-7b -> mistral-7b-v0.3).
 */
export function servedModelName(preset: string, version: SandboxContext['kaitoVersion']): string {
  if (!versionAtLeast(version, '0.11')) return preset;
  const id = presetFacts(preset).hfId;
  return (id.split('/').pop() ?? id).toLowerCase();
}

/** The inference workload for this Kaito version: a Deployment (0.6) or a StatefulSet (compat I1). */
export function inferenceWorkload(ws: KObject, v: WorkspaceView, ctx: SandboxContext): KObject {
  const sts = inferenceStatefulSet(ws, v, ctx);
  if (!usesDeployment(v, ctx)) return sts;
  const spec = sts.spec as Record<string, unknown>;
  return {
    ...sts,
    kind: 'Deployment',
    spec: { replicas: spec.replicas, selector: spec.selector, template: spec.template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
  };
}

/** compat G4: the skopeo image Kaito's adapter puller runs (v0.12.0 pkg/workspace/image/puller.go NewPullerContainer). */
export const PULLER_IMAGE = 'mcr.microsoft.com/aks/skopeo:1.14.4-6';

/**
 * compat G4: one init container `puller-<name>` per image adapter, running puller.sh (skopeo copy of the adapter image,
 * layers untarred, /data moved to /mnt/adapter/<name>) with the emptyDir `adapter-volume` at /mnt/adapter shared with
 * the server (v0.6.0..v0.12.0 pkg/workspace/manifests/manifests.go GeneratePullerContainers; v0.12.0
 * pkg/workspace/inference/preset_inferences.go SetAdapterPuller; pkg/utils/common_preset.go ConfigAdapterVolume).
 */
export function adapterPullers(v: WorkspaceView): Array<{ name: string; image: string; command: string[]; args: string[]; volumeMounts: unknown[] }> {
  return v.adapters.filter((a) => a.image).map((a) => ({
    name: `puller-${a.name}`,
    image: PULLER_IMAGE,
    command: ['/bin/sh', '-c'],
    args: [`# puller.sh: skopeo copy --dest-decompress docker://${a.image} dir:$TMPDIR/layout; untar each layer; mv -f $TMPDIR/rootfs/data /mnt/adapter/${a.name}`],
    volumeMounts: [{ name: 'adapter-volume', mountPath: '/mnt/adapter' }],
  }));
}

export function inferenceStatefulSet(ws: KObject, v: WorkspaceView, ctx: SandboxContext): KObject {
  const version = ctx.kaitoVersion;
  const pullers = adapterPullers(v);
  const args = v.runtime === 'vllm'
    ? ['python3 /workspace/vllm/inference_api.py --served-model-name ' + servedModelName(v.preset, version) + ' --port 5000' + (v.adapters.length ? ' --enable-lora' : '')]
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
          ...(pullers.length ? { initContainers: pullers, volumes: [{ name: 'adapter-volume', emptyDir: {} }] } : {}),
          containers: [
            {
              name: v.name,
              image: presetImage(v, version),
              command: ['/bin/sh', '-c'],
              args,
              ports: [{ containerPort: 5000, name: 'http', protocol: 'TCP' }],
              resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } },
              ...(pullers.length ? { volumeMounts: [{ name: 'adapter-volume', mountPath: '/mnt/adapter' }] } : {}),
              livenessProbe: { httpGet: { path: '/health', port: 5000, scheme: 'HTTP' }, initialDelaySeconds: 600, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/health', port: 5000, scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}

// compat I2: the Service selects every workspace pod behind a 0.6 Deployment, else pod `<ws>-0`;
// `<ws>-headless` exists only with a StatefulSet.
export function inferenceServices(ws: KObject, v: WorkspaceView, ctx: SandboxContext): KObject[] {
  const lb = ws.metadata.annotations?.['kaito.sh/enablelb']?.toLowerCase() === 'true';
  const owner = [ownerRef(ws)];
  const deployment = usesDeployment(v, ctx);
  const all: KObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: v.name, namespace: v.namespace, labels: { [WS_LABEL]: v.name }, ownerReferences: owner },
      spec: {
        type: lb ? 'LoadBalancer' : 'ClusterIP',
        clusterIP: `10.0.${1 + (parseInt(hex(2), 16) % 254)}.${1 + (parseInt(hex(2), 16) % 254)}`,
        selector: deployment ? { [WS_LABEL]: v.name } : { [WS_LABEL]: v.name, 'statefulset.kubernetes.io/pod-name': `${v.name}-0` },
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
  return deployment ? all.slice(0, 1) : all;
}
