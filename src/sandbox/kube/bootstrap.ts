// The cluster as it looks right after `az aks create ... --enable-ai-toolchain-operator`: namespaces,
// the Kaito CRDs (the system pool's two Nodes come from the ARM emulator), the Kaito controller Deployment
// in kube-system (the add-on layout), the node provisioner's Deployment and the default tuning templates.
//
// The controller Deployment looks like the one the Kaito Helm chart renders for that release (compat N1):
// labels app.kubernetes.io/name=workspace and app.kubernetes.io/instance=<release>, image tag = version,
// args: v0.11+ `--node-provisioner=<p>`; v0.7-v0.10 BYO via `--feature-gates=...,disableNodeAutoProvisioning=true`;
// karpenter: v0.12 `--karpenter-node-classes=<JSON>`, v0.11 the ConfigMap `kaito-nodeclasses` (compat N2).
// The CLI finds it by label, never by name (compat C1).
import { versionAtLeast, type SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { kaitoCrds } from './crds.js';

export const CONTROLLER_NAMESPACE = 'kube-system';
export const CONTROLLER_DEPLOYMENT = 'kaito-workspace';
export const GPU_PROVISIONER_DEPLOYMENT = 'gpu-provisioner';
export const KARPENTER_DEPLOYMENT = 'karpenter';
/** the Helm release name of the add-on's workspace chart (its Deployment is named kaito-workspace) */
export const CONTROLLER_RELEASE = 'kaito-workspace';

const ns = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

function deployment(name: string, image: string, args: string[], env: Array<{ name: string; value: string }>, labels: Record<string, string> = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name }): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: CONTROLLER_NAMESPACE, labels: { ...labels, 'kubernetes.azure.com/managedby': 'aks' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'manager', image, args, env, ports: [{ name: 'http-metrics', containerPort: 8080 }] }] },
      },
    },
    status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 1, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
  };
}

function tuningTemplate(method: 'qlora' | 'lora'): KObject {
  const quant = method === 'qlora'
    ? `  QuantizationConfig:
    load_in_4bit: true
    bnb_4bit_quant_type: "nf4"
    bnb_4bit_compute_dtype: "bfloat16"
    bnb_4bit_use_double_quant: true
`
    : '';
  const yaml = `training_config:
  ModelConfig:
    torch_dtype: "bfloat16"
    local_files_only: true
    device_map: "auto"
${quant}  LoraConfig:
    r: 8
    lora_alpha: 8
    lora_dropout: 0.0
    target_modules: ["query_key_value"]
  TrainingArguments:
    output_dir: "/mnt/results"
    ddp_find_unused_parameters: false
    save_strategy: "no"
    per_device_train_batch_size: 1
  DataCollator:
    mlm: true
  DatasetConfig:
    shuffle_dataset: true
    train_test_split: 1
`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${method}-params-template`, namespace: CONTROLLER_NAMESPACE, labels: { 'app.kubernetes.io/name': CONTROLLER_DEPLOYMENT } },
    data: { 'training_config.yaml': yaml },
  };
}

/** Karpenter's AKSNodeClass list as the v0.11/v0.12 chart values give it (compat N2). */
const KARPENTER_NODE_CLASSES = [{ name: 'image-family-ubuntu', imageFamily: 'Ubuntu' }, { name: 'image-family-azure-linux', imageFamily: 'AzureLinux' }];

export function initialObjects(ctx: SandboxContext): Array<{ key: string; object: KObject }> {
  // compat N1: the image tag is the release
  const v = `${ctx.kaitoVersion}.0`;
  const byo = ctx.nodeProvisioning === 'byo';
  const p = ctx.nodeProvisioner;
  const modern = versionAtLeast(ctx.kaitoVersion, '0.11');
  // compat N1: v0.11+ sets the mode with --node-provisioner (the gate follows it); before, the feature gate (v0.6 has none)
  const gates = ['vLLM=true', ...(byo && !modern ? ['disableNodeAutoProvisioning=true'] : [])].join(',');
  const args = [`--feature-gates=${gates}`, '--webhook-port=9443'];
  if (modern) args.push(`--node-provisioner=${p}`);
  if (p === 'karpenter' && ctx.kaitoVersion === '0.12') args.push(`--karpenter-node-classes=${JSON.stringify(KARPENTER_NODE_CLASSES)}`);
  const out: Array<{ key: string; object: KObject }> = [];
  for (const n of ['default', 'kube-system', 'kube-public', 'kaito-system']) out.push({ key: '/namespaces', object: ns(n) });
  for (const c of kaitoCrds(ctx.kaitoVersion)) out.push({ key: 'apiextensions.k8s.io/customresourcedefinitions', object: c });
  out.push({
    key: 'apps/deployments',
    object: deployment(
      CONTROLLER_DEPLOYMENT,
      `mcr.microsoft.com/aks/kaito/workspace:${v}`,
      args,
      [{ name: 'CLOUD_PROVIDER', value: 'azure' }],
      { 'app.kubernetes.io/name': 'workspace', 'app.kubernetes.io/instance': CONTROLLER_RELEASE },
    ),
  });
  if (p === 'azure-gpu-provisioner')
    out.push({
      key: 'apps/deployments',
      object: deployment(GPU_PROVISIONER_DEPLOYMENT, 'mcr.microsoft.com/aks/kaito/gpu-provisioner:0.3.5', [], [
        { name: 'ARM_SUBSCRIPTION_ID', value: ctx.azure.subscriptionId },
        { name: 'ARM_RESOURCE_GROUP', value: ctx.azure.resourceGroup },
        { name: 'AZURE_CLUSTER_NAME', value: ctx.azure.clusterName },
      ]),
    });
  if (p === 'karpenter') {
    out.push({ key: 'apps/deployments', object: deployment(KARPENTER_DEPLOYMENT, 'mcr.microsoft.com/aks/karpenter/karpenter:1.6.0', [], [{ name: 'CLUSTER_NAME', value: ctx.azure.clusterName }]) });
    // compat N2: v0.11 hands the node classes over in a ConfigMap, v0.12 in the --karpenter-node-classes arg
    if (ctx.kaitoVersion === '0.11')
      out.push({ key: '/configmaps', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kaito-nodeclasses', namespace: CONTROLLER_NAMESPACE }, data: { 'nodeclasses.json': JSON.stringify(KARPENTER_NODE_CLASSES) } } });
  }
  out.push({ key: '/configmaps', object: tuningTemplate('qlora') }, { key: '/configmaps', object: tuningTemplate('lora') });
  out.push({
    key: '/services',
    object: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }] },
      status: { loadBalancer: {} },
    },
  });
  return out;
}

export function installInitialObjects(ctx: SandboxContext): void {
  for (const { key, object } of initialObjects(ctx)) ctx.store.create(key, object);
}
