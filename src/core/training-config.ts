// training_config.yaml: the method defaults (KAITO.md §3), the CLI's overrides and the checks Kaito's
// webhook applies to a tuning ConfigMap (KAITO.md §1). Pure: the caller reads files.
import { posix } from 'node:path';
import { emitYAML } from './yaml-emit.js';
import { yamlLib } from './yaml-lib.js';
import type { TuningMethod } from './presets.js';

export const TRAINING_SECTIONS = ['ModelConfig', 'QuantizationConfig', 'LoraConfig', 'TrainingArguments', 'DatasetConfig', 'DataCollator'] as const;

export type TrainingConfig = { training_config: Record<string, Record<string, unknown>> };

export interface TrainingOverrides {
  epochs?: number;
  maxSteps?: number;
  learningRate?: number;
  batchSize?: number;
  loraR?: number;
  loraAlpha?: number;
  loraDropout?: number;
  targetModules?: string[];
  /** --eval-split F: hold out F of the dataset and evaluate on it during training */
  evalSplit?: number;
}

/** --eval-split must hold out some data but leave most of it for training. */
export const EVAL_SPLIT_MAX = 0.5;
/** HF TrainingArguments.eval_steps below 1 is a ratio of the total training steps: ten evaluations per run. */
export const EVAL_STEPS_RATIO = 0.1;

/** Why a --eval-split / tune.evalSplit value is refused, or null. */
export function evalSplitProblem(raw: string): string | null {
  const s = String(raw).trim();
  const n = Number(s);
  if (s === '' || !/^[0-9.eE+-]+$/.test(s) || !Number.isFinite(n) || !(n > 0 && n < EVAL_SPLIT_MAX))
    return `must be a fraction greater than 0 and less than ${EVAL_SPLIT_MAX} (e.g. 0.1 holds out 10 % of the dataset for evaluation)`;
  return null;
}

export const hasOverrides = (o: TrainingOverrides): boolean => Object.values(o).some((v) => v !== undefined);

/** The defaults of Kaito's lora/qlora params templates, written from the documented values. */
export function defaultTrainingConfig(method: TuningMethod): TrainingConfig {
  const cfg: TrainingConfig = {
    training_config: {
      ModelConfig: { torch_dtype: 'bfloat16', local_files_only: true, device_map: 'auto' },
      QuantizationConfig:
        method === 'qlora'
          ? { load_in_4bit: true, bnb_4bit_quant_type: 'nf4', bnb_4bit_compute_dtype: 'bfloat16', bnb_4bit_use_double_quant: true }
          : { load_in_4bit: false, load_in_8bit: false },
      LoraConfig: { r: 8, lora_alpha: 8, lora_dropout: 0.0 },
      TrainingArguments: { output_dir: '/mnt/results', save_strategy: 'no', per_device_train_batch_size: 1, ddp_find_unused_parameters: false },
      DataCollator: { mlm: true },
      DatasetConfig: { shuffle_dataset: true, train_test_split: 1 },
    },
  };
  return cfg;
}

/** A copy of cfg with the flag overrides applied (flags win over the file and the defaults). */
export function applyOverrides(cfg: TrainingConfig, o: TrainingOverrides): TrainingConfig {
  const out: TrainingConfig = structuredClone(cfg);
  const section = (name: string) => (out.training_config[name] ??= {});
  if (o.epochs !== undefined) section('TrainingArguments').num_train_epochs = o.epochs;
  if (o.maxSteps !== undefined) section('TrainingArguments').max_steps = o.maxSteps;
  if (o.learningRate !== undefined) section('TrainingArguments').learning_rate = o.learningRate;
  if (o.batchSize !== undefined) section('TrainingArguments').per_device_train_batch_size = o.batchSize;
  if (o.loraR !== undefined) section('LoraConfig').r = o.loraR;
  if (o.loraAlpha !== undefined) section('LoraConfig').lora_alpha = o.loraAlpha;
  if (o.loraDropout !== undefined) section('LoraConfig').lora_dropout = o.loraDropout;
  if (o.targetModules !== undefined) section('LoraConfig').target_modules = [...o.targetModules];
  if (o.evalSplit !== undefined) {
    // DatasetConfig.train_test_split is the TRAIN share (Kaito's dataset.py: test_size = 1 - train_test_split);
    // evaluation needs an eval_strategy, else the held-out rows are never used (HF TrainingArguments)
    section('DatasetConfig').train_test_split = Number((1 - o.evalSplit).toFixed(6));
    const ta = section('TrainingArguments');
    ta.eval_strategy = 'steps';
    ta.eval_steps = EVAL_STEPS_RATIO;
    ta.per_device_eval_batch_size ??= ta.per_device_train_batch_size ?? 1;
  }
  return out;
}

/** Parses a user's training_config.yaml; problems are appended (prefixed with `where`), null when unusable. */
export function parseTrainingConfig(text: string, where: string, problems: string[]): TrainingConfig | null {
  let doc: unknown;
  const { parse } = yamlLib(); // outside the try: a library that is not loaded is not the user's YAML error
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (e) {
    problems.push(`${where}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
  if (!isMap(doc) || !isMap(doc.training_config)) {
    problems.push(`${where}: needs a top-level "training_config:" mapping`);
    return null;
  }
  for (const k of Object.keys(doc)) if (k !== 'training_config') problems.push(`${where}: unknown top-level key "${k}" (only training_config)`);
  return doc as TrainingConfig;
}

/** One problem of a training config: the path under training_config, the text (without the file prefix) and
 *  whether Kaito's webhook rejects it (else only the CLI's own stricter rule, or the output is lost at run time). */
export interface TrainingConfigIssue {
  path: Array<string | number>;
  message: string;
  kaitoRejects: boolean;
}

/** The webhook's rules for training_config.yaml plus the method's quantization rule. */
export function checkTrainingConfig(cfg: TrainingConfig, method: TuningMethod, where: string): string[] {
  return trainingConfigIssues(cfg, method).map((i) => `${where}: ${i.message}`);
}

/** The same rules with paths, for `kaito lint` (one source of truth with render/tune). */
export function trainingConfigIssues(cfg: TrainingConfig, method: TuningMethod): TrainingConfigIssue[] {
  const problems: TrainingConfigIssue[] = [];
  const add = (path: Array<string | number>, message: string, kaitoRejects: boolean) => problems.push({ path: ['training_config', ...path], message, kaitoRejects });
  const tc = cfg.training_config;
  for (const [name, value] of Object.entries(tc)) {
    if (!(TRAINING_SECTIONS as readonly string[]).includes(name)) add([name], `unknown section "${name}" (allowed: ${TRAINING_SECTIONS.join(', ')})`, true);
    else if (!isMap(value)) add([name], `section "${name}" must be a mapping`, false);
  }
  const q = isMap(tc.QuantizationConfig) ? tc.QuantizationConfig : {};
  for (const k of ['load_in_4bit', 'load_in_8bit']) {
    if (q[k] !== undefined && typeof q[k] !== 'boolean') add(['QuantizationConfig', k], `QuantizationConfig.${k} must be true or false (got ${JSON.stringify(q[k])})`, q[k] !== null);
  }
  const four = q.load_in_4bit === true;
  const eight = q.load_in_8bit === true;
  if (four && eight) add(['QuantizationConfig'], 'QuantizationConfig: load_in_4bit and load_in_8bit cannot both be true', true);
  if (method === 'qlora' && !four && !eight) add(['QuantizationConfig'], 'method qlora needs QuantizationConfig.load_in_4bit or load_in_8bit set to true (or use --method lora)', true);
  if (method === 'lora' && (four || eight)) add(['QuantizationConfig'], 'method lora must not quantize: set load_in_4bit and load_in_8bit to false (or use --method qlora)', !(four && eight));
  const ta = isMap(tc.TrainingArguments) ? tc.TrainingArguments : {};
  if (ta.output_dir !== undefined) {
    const dir = ta.output_dir;
    const why = outputDirProblem(dir);
    if (why) add(['TrainingArguments', 'output_dir'], `TrainingArguments.output_dir ${JSON.stringify(dir)} ${why}`, why.includes('Kaito rejects'));
  }
  const lora = isMap(tc.LoraConfig) ? tc.LoraConfig : {};
  for (const k of ['r', 'lora_alpha']) if (lora[k] !== undefined && !(Number.isInteger(lora[k]) && (lora[k] as number) > 0)) add(['LoraConfig', k], `LoraConfig.${k} must be a positive integer`, false);
  if (lora.lora_dropout !== undefined && !(typeof lora.lora_dropout === 'number' && lora.lora_dropout >= 0 && lora.lora_dropout < 1)) add(['LoraConfig', 'lora_dropout'], 'LoraConfig.lora_dropout must be a number in [0, 1)', false);
  return problems;
}

/** compat R5: Kaito joins output_dir under /mnt unless it starts with /mnt, cleans it, and rejects only a value that
 * cleans to /mnt or escapes it; it mounts the results volume at the cleaned path, but the trainer writes to the value
 * verbatim, so anything that is not an absolute path cleaning to /mnt/<dir> is accepted yet loses the adapter. */
export function outputDirProblem(dir: unknown): string | null {
  if (typeof dir !== 'string') return 'is not a string (Kaito rejects it): use /mnt/<dir>, e.g. /mnt/results';
  const joined = dir.startsWith('/mnt') ? dir : posix.join('/mnt', dir);
  const clean = posix.normalize(joined).replace(/(.)\/+$/, '$1');
  if (clean === '/mnt' || !clean.startsWith('/mnt')) return 'cleans to /mnt or escapes it (Kaito rejects it): use /mnt/<dir>, e.g. /mnt/results';
  const written = dir.startsWith('/') ? posix.normalize(dir).replace(/(.)\/+$/, '$1') : '';
  if (written !== clean || !clean.startsWith('/mnt/'))
    return `is not under /mnt/<dir>: Kaito accepts it but mounts the results volume at ${clean} while the trainer writes to ${JSON.stringify(dir)}, so the adapter is lost: use /mnt/<dir>, e.g. /mnt/results`;
  return null;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function trainingConfigToYAML(cfg: TrainingConfig): string {
  // YAML 1.1 style so Python's yaml (the trainer) reads "no", "on", "y" as strings, not booleans; the small
  // emitter writes the same bytes for the usual shapes without the library's cold start
  return emitYAML(cfg) ?? yamlLib().stringify(cfg, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}
