// Will a preset fit a GPU SKU? Pure arithmetic over the catalog numbers; the verdicts are estimates that
// only need to be right about the clear cases (a 32B model on a 24 GiB A10 does not fit) and honest about
// the borderline ones ("tight").
//
// Inference (vLLM), the sizing rule from Kaito's docs (KAITO.md §6):
//   usable per GPU = GPU memory x 0.84 - 2.3 GiB - KV cache;  GPUs needed = ceil(1.02 x weights / usable)
//   We reserve at least 1 GiB of KV cache per GPU (below that vLLM refuses to start) and call the fit
//   "tight" when less than 4 GiB per GPU would be left for the KV cache (short contexts / little batching).
//
// Training (LoRA / QLoRA), per GPU. Kaito's trainer runs one data-parallel replica per GPU, so the whole
// model must fit on ONE GPU of the SKU; more GPUs add throughput, not memory. With P = parameters:
//   weights   LoRA:  P x 2 bytes (bf16, frozen)
//             QLoRA: ~90% of P (the linear layers) at 4.127 bits (NF4 + double quantization, QLoRA paper,
//                    Dettmers et al. 2023, arXiv:2305.14314 §3) + ~10% (embeddings, lm_head, norms) kept at
//                    bf16  =>  ~0.33 x the bf16 size
//   adapter   ~1% of P trainable (rank 8-16 on all linear layers; the HF PEFT docs' print_trainable_parameters
//             examples range 0.1-1%), kept in fp32 by PEFT: 4 bytes weight + 4 gradient + 8 AdamW moments
//             = 16 bytes per trainable parameter (HF Transformers docs, "Model training anatomy")
//             => 0.01 x P x 16 bytes = 0.08 x the bf16 size
//   activations  with gradient checkpointing at batch size 1 and a few thousand tokens: ~10% of the bf16
//             size, at least 1 GiB (QLoRA paper Fig. 6 puts activation gradients of a 7B model at ~0.6 GB at
//             512 tokens; longer sequences cost more), times the per-device batch size
//   overhead  2.3 GiB CUDA context and allocator slack (same constant as the inference rule)
//   verdict   fits <= 85% of one GPU's memory, tight <= 100%, else does-not-fit
import type { Preset, Sku, TuningMethod } from './presets.js';

export type Verdict = 'fits' | 'tight' | 'does-not-fit';
export type Workload = 'inference' | TuningMethod;

export interface FitResult {
  sku: string;
  workload: Workload;
  verdict: Verdict;
  /** GiB the estimate needs (inference: total over the GPUs used; training: on one GPU) */
  requiredGiB: number;
  /** GiB available (inference: usable total before KV cache; training: one GPU's memory) */
  availableGiB: number;
  /** inference only: GPUs the weights need, and what is left per GPU for the KV cache */
  gpusNeeded?: number;
  kvCachePerGpuGiB?: number;
  note?: string;
}

const GIB = 1024 ** 3;
export const INFERENCE_MEMORY_FACTOR = 0.84;
export const RUNTIME_OVERHEAD_GIB = 2.3;
export const WEIGHTS_FACTOR = 1.02;
export const MIN_KV_CACHE_GIB = 1;
export const COMFORTABLE_KV_CACHE_GIB = 4;

const round1 = (x: number) => Math.round(x * 10) / 10;

export function inferenceFit(preset: Preset, sku: Sku): FitResult {
  const perGpu = sku.gpuMemoryGiB / sku.gpus;
  const usablePerGpu = perGpu * INFERENCE_MEMORY_FACTOR - RUNTIME_OVERHEAD_GIB;
  const required = WEIGHTS_FACTOR * preset.weightsGiB;
  const gpusNeeded = Math.max(1, Math.ceil(required / (usablePerGpu - MIN_KV_CACHE_GIB)));
  const available = usablePerGpu * sku.gpus;
  const kvPerGpu = (available - required) / sku.gpus;
  let verdict: Verdict = 'fits';
  if (kvPerGpu < MIN_KV_CACHE_GIB) verdict = 'does-not-fit';
  else if (kvPerGpu < COMFORTABLE_KV_CACHE_GIB) verdict = 'tight';
  return {
    sku: sku.name,
    workload: 'inference',
    verdict,
    requiredGiB: round1(required),
    availableGiB: round1(available),
    gpusNeeded,
    kvCachePerGpuGiB: round1(Math.max(0, kvPerGpu)),
    note: verdict === 'does-not-fit' ? `needs ~${gpusNeeded} GPUs of this kind, the SKU has ${sku.gpus}` : undefined,
  };
}

export interface TrainingEstimate {
  weightsGiB: number;
  adapterAndOptimizerGiB: number;
  activationsGiB: number;
  overheadGiB: number;
  totalGiB: number;
}

export function trainingEstimate(preset: Preset, method: TuningMethod, batchSize = 1): TrainingEstimate {
  const bf16 = (preset.parametersB * 1e9 * 2) / GIB;
  const weights = method === 'qlora' ? 0.9 * bf16 * (4.127 / 16) + 0.1 * bf16 : bf16;
  const adapter = 0.08 * bf16;
  const activations = Math.max(1, 0.1 * bf16) * Math.max(1, batchSize);
  const total = weights + adapter + activations + RUNTIME_OVERHEAD_GIB;
  return {
    weightsGiB: round1(weights),
    adapterAndOptimizerGiB: round1(adapter),
    activationsGiB: round1(activations),
    overheadGiB: RUNTIME_OVERHEAD_GIB,
    totalGiB: round1(total),
  };
}

export function trainingFit(preset: Preset, sku: Sku, method: TuningMethod, batchSize = 1): FitResult {
  const est = trainingEstimate(preset, method, batchSize);
  const perGpu = sku.gpuMemoryGiB / sku.gpus;
  const ratio = est.totalGiB / perGpu;
  const verdict: Verdict = ratio <= 0.85 ? 'fits' : ratio <= 1 ? 'tight' : 'does-not-fit';
  return { sku: sku.name, workload: method, verdict, requiredGiB: est.totalGiB, availableGiB: round1(perGpu) };
}

export function fit(preset: Preset, sku: Sku, workload: Workload, batchSize = 1): FitResult {
  return workload === 'inference' ? inferenceFit(preset, sku) : trainingFit(preset, sku, workload, batchSize);
}

/** One line for `presets show` and the README: how the numbers above are produced. */
export const FIT_METHOD_NOTE = [
  'inference: usable/GPU = memory x 0.84 - 2.3 GiB; needs 1.02 x weights plus >= 1 GiB KV cache per GPU (tight below 4 GiB) [Kaito sizing docs]',
  'lora: bf16 weights + 1% trainable params x 16 B (fp32 adapter, grad, AdamW) + activations ~10% + 2.3 GiB, on ONE GPU (data-parallel replicas) [HF PEFT, HF "Model training anatomy"]',
  'qlora: as lora with linear layers at 4.127 bits (NF4 + double quantization) [QLoRA paper, Dettmers et al. 2023, arXiv:2305.14314]',
  'verdict: fits <= 85% of the memory, tight <= 100%, else does-not-fit',
];
