// Time and cost estimates for a LoRA/QLoRA tuning run and for serving (issue 14). Pure: no file system, no
// network, no CLI errors. Every constant below is explained, with its source, in docs/estimates.md; change the
// two together.
//
// compute   FLOPs = tokens trained x FLOPs per token
//           LoRA:  4 N per token (forward 2N + backward through the frozen base for the input gradients 2N; the
//                  adapter's own weight gradients are ~1 % of N and ignored)
//           QLoRA: 6 N per token: as LoRA plus one more forward (2N) because Kaito's trainer calls PEFT's
//                  prepare_model_for_kbit_training, whose default turns on gradient checkpointing; the 4-bit
//                  dequantisation cost is inside the utilisation range
// time      compute / (GPUs x peak dense bf16 FLOP/s x utilisation x data-parallel efficiency)
//           + steps x a per-step cost (optimizer step, Kaito's per-step torch.cuda.empty_cache, Python; for QLoRA the
//           dequantisation of the whole base model, which is paid per step, not per token). At Kaito's default batch
//           size 1 with short records the per-step cost dominates: see the calibration in docs/estimates.md
//           utilisation (model FLOPs utilisation) low/expected/high-time: 0.45 / 0.30 / 0.15
//           per-step cost, expected: 0.05 s + (LoRA 0.007 / QLoRA 0.0147) s per billion parameters x (312 / the GPU's
//           peak TFLOPS); low x0.5, high x2
//           data-parallel efficiency across the GPUs of one VM: 1 GPU 1.0, more 0.9
// floor     compute at 100 % of peak: a physical lower bound, always below `low`
// overheads node provisioning (none on an existing pool), weights + dataset download, adapter push
// cost      wall hours (compute + overheads) x the VM's $/h (one node: Kaito tunes on one node)
import type { TuningMethod } from '../presets.js';

export interface GpuSpec {
  /** the catalog's gpuModel, narrowed by per-GPU memory where one name covers two parts (H100 NVL / SXM) */
  model: string;
  /** peak dense (no sparsity) bf16 tensor TFLOP/s of one GPU, from the vendor datasheet (T4: fp16, it has no bf16) */
  peakTflops: number;
  source: string;
}

/** Vendor datasheet peaks (dense; the datasheets' starred figures with sparsity are twice these). */
export const GPU_SPECS: readonly GpuSpec[] = [
  { model: 'T4', peakTflops: 65, source: 'NVIDIA T4 datasheet: 65 TFLOPS mixed precision FP16/FP32 (no bf16)' },
  { model: 'A10', peakTflops: 125, source: 'NVIDIA A10 datasheet: BF16 tensor 125 TFLOPS (250 with sparsity)' },
  { model: 'A100', peakTflops: 312, source: 'NVIDIA A100 datasheet: BF16 tensor 312 TFLOPS (624 with sparsity)' },
  { model: 'H100 NVL', peakTflops: 835, source: 'NVIDIA H100 datasheet, H100 NVL column: BF16 tensor 1,671 TFLOPS with sparsity' },
  { model: 'H100 SXM', peakTflops: 989, source: 'NVIDIA H100 datasheet, H100 SXM column: BF16 tensor 1,979 TFLOPS with sparsity' },
  { model: 'H200', peakTflops: 989, source: 'NVIDIA H200 datasheet: BF16 tensor 1,979 TFLOPS with sparsity' },
];

/** The datasheet entry for a catalog SKU's GPU (gpuModel + per-GPU memory), undefined when unknown. */
export function gpuSpecFor(gpuModel: string, perGpuMemoryGiB: number): GpuSpec | undefined {
  let model = gpuModel;
  if (gpuModel === 'H100') model = perGpuMemoryGiB > 90 ? 'H100 NVL' : 'H100 SXM';
  return GPU_SPECS.find((g) => g.model === model);
}

export const FLOPS_PER_TOKEN_FACTOR: Record<TuningMethod, number> = { lora: 4, qlora: 6 };
export const UTILISATION = { low: 0.45, expected: 0.3, high: 0.15 } as const;
export const MULTI_GPU_EFFICIENCY = 0.9;
/** per optimizer step: a fixed part and a part per billion parameters on an A100 (312 TFLOPS), see docs/estimates.md */
export const STEP_COST_S = { base: 0.05, perB: { lora: 0.007, qlora: 0.0147 } as Record<TuningMethod, number>, referenceTflops: 312 } as const;
export const STEP_COST_RANGE = { low: 0.5, expected: 1, high: 2 } as const;
/** HF TrainingArguments.num_train_epochs default, which Kaito's lora/qlora-params templates leave in place */
export const DEFAULT_EPOCHS = 3;

/** Fixed overheads in hours (low / expected / high). */
export const OVERHEADS = {
  /** a new GPU node: VM create + join + GPU driver/plugin ready */
  provisionMinutes: { low: 5, expected: 10, high: 20 },
  /** pulling the preset's weights (image or Hugging Face) and the dataset: MB/s */
  downloadMBps: { low: 500, expected: 200, high: 50 },
  /** pushing the adapter image, model load and trainer start-up: minutes */
  startAndPushMinutes: { low: 2, expected: 4, high: 10 },
} as const;

export interface Range {
  low: number;
  expected: number;
  high: number;
}

export interface TuningEstimateInput {
  parametersB: number;
  /** served checkpoint size (what is downloaded) */
  weightsGiB: number;
  method: TuningMethod;
  gpuModel: string;
  gpus: number;
  gpuMemoryGiB: number;
  /** the whole dataset, one epoch */
  datasetTokens: number;
  datasetRecords: number;
  datasetBytes: number;
  epochs?: number;
  /** TrainingArguments.max_steps: when > 0 it wins over epochs (HF Trainer semantics) */
  maxSteps?: number;
  /** per-device batch size (default 1) */
  batchSize?: number;
  /** a new node is provisioned (instance type) rather than an existing pool used */
  provisionsNode: boolean;
}

export interface TuningEstimate {
  /** tokens trained in all (epochs x dataset tokens, or max steps x global batch x mean tokens per record) */
  tokens: number;
  /** epochs actually run (fractional when max_steps stops early) */
  epochs: number;
  steps: number;
  flops: number;
  /** compute time at 100 % of peak: the physical floor, hours */
  floorHours: number;
  /** training only (FLOPs at the utilisation range + per-step cost), hours */
  computeHours: Range;
  /** fixed overheads, hours */
  overheadHours: Range;
  /** wall time the node is billed for, hours */
  hours: Range;
  /** GPU-hours at the expected wall time */
  gpuHours: number;
  gpu: GpuSpec;
}

export class EstimateError extends Error {}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Throws EstimateError (never a made-up number) when an input makes the estimate meaningless. */
export function estimateTuning(i: TuningEstimateInput): TuningEstimate {
  const gpu = gpuSpecFor(i.gpuModel, i.gpuMemoryGiB / Math.max(1, i.gpus));
  if (!gpu) throw new EstimateError(`no peak throughput known for GPU ${i.gpuModel}`);
  if (!(i.datasetTokens > 0) || !(i.datasetRecords > 0)) throw new EstimateError('the dataset has no tokens to train on');
  if (!(i.parametersB > 0) || !(i.gpus > 0)) throw new EstimateError('model size and GPU count must be positive');
  const batch = Math.max(1, i.batchSize ?? 1);
  const globalBatch = batch * i.gpus;
  const stepsPerEpoch = Math.ceil(i.datasetRecords / globalBatch);
  let epochs: number;
  let steps: number;
  if (i.maxSteps !== undefined && i.maxSteps > 0) {
    steps = i.maxSteps;
    epochs = steps / stepsPerEpoch;
  } else {
    epochs = i.epochs ?? DEFAULT_EPOCHS;
    if (!(epochs > 0)) throw new EstimateError('epochs must be positive');
    steps = Math.ceil(stepsPerEpoch * epochs);
  }
  const tokens = i.datasetTokens * epochs;
  const flops = tokens * FLOPS_PER_TOKEN_FACTOR[i.method] * i.parametersB * 1e9;
  const eff = i.gpus > 1 ? MULTI_GPU_EFFICIENCY : 1;
  const perSecond = (u: number) => i.gpus * gpu.peakTflops * 1e12 * u * eff;
  const stepS = STEP_COST_S.base + STEP_COST_S.perB[i.method] * i.parametersB * (STEP_COST_S.referenceTflops / gpu.peakTflops);
  const hoursAt = (u: number, k: keyof Range) => (flops / perSecond(u) + steps * stepS * STEP_COST_RANGE[k]) / 3600;
  const floorHours = flops / (i.gpus * gpu.peakTflops * 1e12) / 3600;
  const computeHours = { low: hoursAt(UTILISATION.low, 'low'), expected: hoursAt(UTILISATION.expected, 'expected'), high: hoursAt(UTILISATION.high, 'high') };
  const mb = (i.weightsGiB * 1024 ** 3 + i.datasetBytes) / 1e6;
  const over = (k: keyof Range) =>
    ((i.provisionsNode ? OVERHEADS.provisionMinutes[k] : 0) + mb / OVERHEADS.downloadMBps[k] / 60 + OVERHEADS.startAndPushMinutes[k]) / 60;
  const overheadHours = { low: over('low'), expected: over('expected'), high: over('high') };
  const hours = {
    low: computeHours.low + overheadHours.low,
    expected: computeHours.expected + overheadHours.expected,
    high: computeHours.high + overheadHours.high,
  };
  return { tokens: Math.round(tokens), epochs: r3(epochs), steps, flops, floorHours, computeHours, overheadHours, hours, gpuHours: hours.expected * i.gpus, gpu };
}

export interface Cost {
  usdPerHour: number;
  usd: Range;
}

/** Cost of `hours` of `nodes` VMs at `usdPerHour` each. */
export function costOf(hours: Range, usdPerHour: number, nodes = 1): Cost {
  const per = usdPerHour * nodes;
  return { usdPerHour: per, usd: { low: hours.low * per, expected: hours.expected * per, high: hours.high * per } };
}

/** The --max-cost check: true when the high estimate is above the limit. */
export function exceedsMaxCost(cost: Cost, maxUsd: number): boolean {
  return cost.usd.high > maxUsd;
}

/** Progress of a running job: elapsed cost, and a projection of the remaining time from the real step rate. */
export interface RunningProjection {
  elapsedHours: number;
  elapsedUsd?: number;
  /** projected total hours from the observed step rate (undefined before two steps are seen) */
  projectedHours?: number;
  projectedUsd?: number;
}

export function projectRunning(elapsedHours: number, step: number | undefined, totalSteps: number | undefined, trainingHours: number | undefined, usdPerHour: number | undefined): RunningProjection {
  const out: RunningProjection = { elapsedHours };
  if (usdPerHour !== undefined) out.elapsedUsd = elapsedHours * usdPerHour;
  if (step && totalSteps && trainingHours && step > 0 && totalSteps >= step) {
    const remaining = ((totalSteps - step) / step) * trainingHours;
    out.projectedHours = elapsedHours + remaining;
    if (usdPerHour !== undefined) out.projectedUsd = out.projectedHours * usdPerHour;
  }
  return out;
}

/** "1.2 h" / "35 min" */
export function formatHours(h: number): string {
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  if (h < 10) return `${(Math.round(h * 10) / 10).toFixed(1)} h`;
  return `${Math.round(h)} h`;
}

export function formatUsd(x: number): string {
  if (x < 100) return `$${x.toFixed(2)}`;
  return `$${Math.round(x).toLocaleString('en-US')}`;
}

/** "3.9 M" */
export function formatTokens(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
