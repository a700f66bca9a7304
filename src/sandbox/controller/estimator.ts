// Kaito's node estimator (compat R8): from v0.10 the node count of a vLLM inference workspace is computed from the
// model and the GPU, overriding resource.count, and a model too big for one VM runs on several (multi-node vLLM).
//   v0.12.0 pkg/workspace/estimator/nodesestimator/estimator.go EstimateNodeCount:
//     model = weights x 1.02; per GPU: GPU memory x 0.84 - (2.3 GiB + max-model-len (2048) x bytesPerToken / GPUs),
//     divided by 1.05 (v0.11+; the overhead weight factor); GPUs = floor(model / that) + 1; nodes = ceil(GPUs / GPUs per node).
//   GPU data: the SKU table (NAP) or the first ready matching node's GFD labels (BYO).
//   v0.11.0 pkg/workspace/controllers/workspace_controller.go guardTargetNodeCount: above 3 nodes the controller halts.
// bytesPerToken = 2 x layers x KV heads x head dim x 2 bytes, from each model's Hugging Face config (Kaito keeps the
// same figure per preset); weights are the sandbox's own preset sizes (presets.ts), not Kaito's TotalSafeTensorFileSize.
import { versionAtLeast, type SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { presetFacts } from './presets.js';
import { skuInfo } from './skus.js';
import type { WorkspaceView } from './types.js';

const BYTES_PER_TOKEN: Record<string, number> = {
  'phi-3-mini-4k-instruct': 393216,
  'phi-3-mini-128k-instruct': 393216,
  'phi-3.5-mini-instruct': 393216,
  'phi-3-medium-4k-instruct': 204800,
  'phi-3-medium-128k-instruct': 204800,
  'phi-4': 204800,
  'phi-4-mini-instruct': 131072,
  'qwen2.5-coder-7b-instruct': 57344,
  'qwen2.5-coder-32b-instruct': 262144,
  'mistral-7b': 131072,
  'mistral-7b-instruct': 131072,
  'llama-3.1-8b-instruct': 131072,
  'llama-3.3-70b-instruct': 327680,
  'deepseek-r1-distill-llama-8b': 131072,
  'deepseek-r1-distill-qwen-14b': 196608,
  'gemma-3-4b-instruct': 139264,
  'gemma-3-27b-instruct': 507904,
  'gpt-oss-20b': 49152,
  'gpt-oss-120b': 73728,
};

const GIB = 1024 ** 3;
export const MAX_NODES_V011 = 3;

export type Estimate = { nodes: number } | { error: string };

/** GPUs per node and GiB per GPU, from the SKU table (NAP) or a ready node's GFD labels (BYO); undefined when unknown. */
export function gpuConfig(ctx: SandboxContext, v: WorkspaceView, readyNodes: KObject[]): { gpus: number; perGpuGiB: number } | undefined {
  if (ctx.nodeProvisioning === 'nap') {
    const s = skuInfo(v.instanceType);
    return { gpus: s.gpus, perGpuGiB: s.gpuMemGiB / s.gpus };
  }
  const l = readyNodes[0]?.metadata.labels ?? {};
  const count = Number(l['nvidia.com/gpu.count']);
  const mib = Number(l['nvidia.com/gpu.memory']);
  if (!(count > 0) || !(mib > 0)) return undefined;
  return { gpus: count, perGpuGiB: Math.floor(mib / 1024 + 0.5) };
}

/** The node count Kaito sets as targetNodeCount, or undefined where the estimator does not apply (count stands). */
export function estimateNodes(ctx: SandboxContext, v: WorkspaceView, readyNodes: KObject[]): Estimate | undefined {
  if (!versionAtLeast(ctx.kaitoVersion, '0.10') || v.kind !== 'inference' || v.runtime !== 'vllm' || !v.preset) return undefined;
  const g = gpuConfig(ctx, v, readyNodes);
  if (!g) return undefined;
  const modelSize = presetFacts(v.preset).weightsGiB * GIB * 1.02;
  const avail = g.perGpuGiB * GIB * 0.84;
  const bpt = BYTES_PER_TOKEN[v.preset] ?? 131072;
  const fixedReserve = 2.3 * GIB + (2048 * bpt) / g.gpus;
  if (avail <= fixedReserve)
    return { error: `GPU memory ${Math.round(g.perGpuGiB * GIB)} bytes is too small, needs at least ${(fixedReserve / GIB).toFixed(1)} GB overhead (base: 2.3GB + KV Cache: ${((fixedReserve - 2.3 * GIB) / GIB).toFixed(1)} GB)` };
  const perGpu = versionAtLeast(ctx.kaitoVersion, '0.11') ? (avail - fixedReserve) / 1.05 : avail - fixedReserve;
  const minGpus = Math.floor(modelSize / perGpu) + 1;
  return { nodes: Math.ceil(minGpus / g.gpus) };
}
