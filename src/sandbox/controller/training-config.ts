// The TrainingArguments that shape a run's length, from the Workspace's tuning ConfigMap
// (training_config.yaml, top-level training_config:) or Kaito's defaults.
import YAML from 'yaml';
import type { SandboxContext } from '../context.js';
import { CM_RES } from './objects.js';

export interface TrainingShape {
  epochs: number; maxSteps?: number; batch: number; learningRate: number; loggingSteps: number;
  /** compat T5: DatasetConfig.train_test_split (the train share; 1 = no eval set) */
  trainShare: number;
  /** compat T5: TrainingArguments.eval_strategy ('no' unless set) and eval_steps (int, or a ratio of the total steps when < 1) */
  evalStrategy: string;
  evalSteps?: number;
  evalBatch: number;
}

export function trainingShape(ctx: SandboxContext, namespace: string, configMap?: string): TrainingShape {
  const shape: TrainingShape = { epochs: 3, batch: 1, learningRate: 0.0002, loggingSteps: 10, trainShare: 1, evalStrategy: 'no', evalBatch: 8 };
  if (!configMap) return shape;
  const cm = ctx.store.get(CM_RES, namespace, configMap);
  const text = (cm?.data as Record<string, string> | undefined)?.['training_config.yaml'];
  if (!text) return shape;
  try {
    const doc = YAML.parse(text) as { training_config?: { TrainingArguments?: Record<string, unknown>; DatasetConfig?: Record<string, unknown> } };
    const ds = doc?.training_config?.DatasetConfig ?? {};
    if (typeof ds.train_test_split === 'number' && ds.train_test_split > 0 && ds.train_test_split < 1) shape.trainShare = ds.train_test_split;
    const ta = doc?.training_config?.TrainingArguments ?? {};
    const num = (k: string) => (typeof ta[k] === 'number' && Number.isFinite(ta[k]) ? (ta[k] as number) : undefined);
    shape.epochs = num('num_train_epochs') ?? shape.epochs;
    const ms = num('max_steps');
    if (ms && ms > 0) shape.maxSteps = Math.floor(ms);
    shape.batch = Math.max(1, Math.floor(num('per_device_train_batch_size') ?? shape.batch));
    shape.learningRate = num('learning_rate') ?? shape.learningRate;
    shape.loggingSteps = Math.max(1, Math.floor(num('logging_steps') ?? shape.loggingSteps));
    const strat = ta.eval_strategy ?? ta.evaluation_strategy;
    if (typeof strat === 'string') shape.evalStrategy = strat;
    const es = num('eval_steps');
    if (es !== undefined && es > 0) shape.evalSteps = es;
    shape.evalBatch = Math.max(1, Math.floor(num('per_device_eval_batch_size') ?? shape.evalBatch));
  } catch {
    // an unreadable config is the admission webhook's business; the run uses defaults
  }
  return shape;
}
