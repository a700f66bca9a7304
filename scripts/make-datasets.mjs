#!/usr/bin/env node
// Writes the sample tuning datasets in datasets/ (demo, tests, the sandbox's dataset host): the same
// Kubernetes/AKS/Kaito operations Q&A in the messages format and the prompt/completion format, each as
// JSON Lines and parquet. Deterministic: no clock, no randomness, so re-running it changes nothing.
//   node scripts/make-datasets.mjs [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { messagesParquet } from './parquet-messages.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? process.argv[outIdx + 1] : join(root, 'datasets');

const SYSTEM = 'You are an assistant for operators of Azure Kubernetes Service clusters running the Kaito operator. Answer with exact commands.';

// Each task is (question, answer) as functions of one variant; the variants make the records distinct.
const namespaces = ['default', 'ml', 'tuning', 'team-a', 'prod-inference', 'research'];
const workspaces = ['phi-4-mini-qlora', 'qwen-coder-lora', 'phi-3-chat', 'support-bot', 'docs-assistant'];
const skus = ['Standard_NV36ads_A10_v5', 'Standard_NC24ads_A100_v4', 'Standard_NC40ads_H100_v5', 'Standard_NC48ads_A100_v4', 'Standard_NV72ads_A10_v5'];
const pools = ['gpua10', 'gpua100', 'gpuh100', 'tune01', 'infer01'];
const presets = ['phi-4-mini-instruct', 'phi-3-mini-128k-instruct', 'qwen2.5-coder-7b-instruct', 'phi-3.5-mini-instruct', 'phi-4'];

const TASKS = [
  (i) => [`How do I list the Kaito workspaces in the ${ns(i)} namespace?`, `Run \`kubectl get workspaces -n ${ns(i)}\`. The columns show the instance type, ResourceReady, InferenceReady, JobStarted, WorkspaceSucceeded and the state.`],
  (i) => [`Workspace ${ws(i)} has been Pending for 20 minutes. What should I check first?`, `Look at the NodeClaim conditions: \`kubectl get nodeclaims -l kaito.sh/workspace=${ws(i)} -o yaml\`. A provisioning failure, most often missing GPU quota for ${sku(i)}, shows there and in the ResourceReady message of \`kubectl describe workspace ${ws(i)} -n ${ns(i)}\`.`],
  (i) => [`How can I check my regional GPU quota for ${sku(i)}?`, `Query the Compute usage API for the region: \`az vm list-usage --location eastus -o table\`, and compare the limit of the VM family of ${sku(i)} with the vCPUs one node needs.`],
  (i) => [`Add a GPU node pool named ${pool(i)} with ${sku(i)} to my AKS cluster.`, `\`az aks nodepool add -g my-rg --cluster-name my-aks -n ${pool(i)} --node-vm-size ${sku(i)} --node-count 1 --node-taints sku=gpu:NoSchedule\`. The VM size and the taints cannot be changed after the pool is created.`],
  (i) => [`Which tuning methods does Kaito support for ${preset(i)}?`, `LoRA and QLoRA. Set \`tuning.method\` to \`lora\` or \`qlora\` (lower case); QLoRA loads the base model in 4-bit and fits on smaller GPUs such as ${skus[0]}.`],
  (i) => [`Where does the tuning job of workspace ${ws(i)} write its adapter?`, `To \`tuning.output\`: either an image pushed with \`imagePushSecret\`, or a volume. The pusher sidecar uploads adapter_config.json and adapter_model.safetensors when the job finishes.`],
  (i) => [`How do I follow the training logs of ${ws(i)}?`, `The job is named after the workspace: \`kubectl logs -n ${ns(i)} job/${ws(i)} -c ${ws(i)} -f\`. Loss lines look like {'loss': 1.2, 'learning_rate': 0.0002, 'epoch': 0.5}.`],
  (i) => [`My inference workspace ${ws(i)} reports ContainerOOMKilled. What now?`, `The model does not fit the GPU memory of the node. Choose a larger SKU than the current one, for example ${sku(i + 1)}, or a smaller preset, then recreate the workspace: the instance type is immutable.`],
  (i) => [`How do I call the model served by ${ws(i)} from my laptop?`, `Go through the API server's service proxy: \`kubectl get --raw /api/v1/namespaces/${ns(i)}/services/${ws(i)}:80/proxy/v1/models\`, or port-forward pod ${ws(i)}-0 on port 5000 and use the OpenAI-compatible /v1/chat/completions route.`],
  (i) => [`Does Kaito validate my tuning dataset?`, `No. Kaito hands the first file to the trainer as it is; records must be {"messages": [...]} or {"prompt": ..., "completion": ...}. Validate it before submitting, for example with \`kaito dataset validate\`.`],
  (i) => [`How do I delete workspace ${ws(i)} and make sure no GPU node is left?`, `\`kubectl delete workspace ${ws(i)} -n ${ns(i)}\` deletes its NodeClaims too; afterwards run \`az aks nodepool list -g my-rg --cluster-name my-aks -o table\` and remove any left-over GPU pool.`],
  (i) => [`How do I enable the Kaito add-on on an existing AKS cluster?`, `\`az aks update -g my-rg -n my-aks --enable-ai-toolchain-operator --enable-oidc-issuer\`. The managed add-on runs in kube-system together with the gpu-provisioner.`],
];
const clusters = [['aks-dev', 'rg-dev'], ['aks-prod-weu', 'rg-prod'], ['aks-ml', 'rg-ml'], ['aks-lab', 'rg-lab'], ['aks-gpu-eus', 'rg-gpu'], ['aks-shared', 'rg-platform'], ['aks-test', 'rg-test']];
const ns = (i) => namespaces[i % namespaces.length];
const ws = (i) => workspaces[(i * 7) % workspaces.length];
const sku = (i) => skus[(i * 3) % skus.length];
const pool = (i) => pools[(i * 5) % pools.length];
const preset = (i) => presets[(i * 11) % presets.length];

const FOLLOW_UPS = [
  ['And if that does not help?', 'Collect `kubectl describe workspace` and the controller logs from `kubectl logs -n kube-system deploy/kaito-workspace`, and check the events of the namespace.'],
  ['Can I do this from a CI pipeline?', 'Yes: every step is a plain command with no prompt; use a service principal or a workload identity for az, and a kubeconfig for kubectl.'],
];

const records = [];
const seen = new Set();
for (let i = 0; records.length < 300 && i < 2000; i++) {
  const v = Math.floor(i / TASKS.length);
  const [cluster, rg] = clusters[v % clusters.length];
  const [q0, a0] = TASKS[i % TASKS.length](v);
  // the cluster varies independently of the task's own variant, so the pairs stay distinct
  const q = `Cluster ${cluster} (resource group ${rg}): ${q0}`;
  const a = a0.replaceAll('my-aks', cluster).replaceAll('my-rg', rg);
  if (seen.has(q + a)) continue;
  seen.add(q + a);
  const n = records.length;
  const messages = [];
  if (n % 3 === 0) messages.push({ role: 'system', content: SYSTEM });
  messages.push({ role: 'user', content: q }, { role: 'assistant', content: a });
  if (n % 5 === 0) {
    const [fq, fa] = FOLLOW_UPS[n % FOLLOW_UPS.length];
    messages.push({ role: 'user', content: fq }, { role: 'assistant', content: fa });
  }
  records.push({ messages, prompt: q, completion: a });
}

mkdirSync(out, { recursive: true });
const write = (name, data) => {
  writeFileSync(join(out, name), data);
  console.error(`wrote ${join(out, name)}`);
};
const messagesRows = records.map((r) => ({ messages: r.messages }));
const pcRows = records.map((r) => ({ prompt: r.prompt, completion: r.completion }));
write('kaito-ops-messages.jsonl', messagesRows.map((r) => JSON.stringify(r)).join('\n') + '\n');
write('kaito-ops-prompt-completion.jsonl', pcRows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const opts = { createdBy: 'kaito scripts/make-datasets.mjs', rowGroupSize: 1000 };
write('kaito-ops-messages.parquet', Buffer.from(messagesParquet(messagesRows.map((r) => r.messages), opts)));
write('kaito-ops-prompt-completion.parquet', Buffer.from(parquetWriteBuffer({
  ...opts,
  columnData: [
    { name: 'prompt', data: pcRows.map((r) => r.prompt), type: 'STRING' },
    { name: 'completion', data: pcRows.map((r) => r.completion), type: 'STRING' },
  ],
})));
