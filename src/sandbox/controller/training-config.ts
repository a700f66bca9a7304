// The TrainingArguments that shape a run's length, from the Workspace's tuning ConfigMap
// (training_config.yaml, top-level training_config:) or Kaito's defaults.
import YAML from 'yaml';
import type { SandboxContext } from '../context.js';
import { CM_RES } from './objects.js';

export interface TrainingShape { epochs: number; maxSteps?: number; batch: number; learningRate: number; loggingSteps: number }

export function trainingShape(ctx: SandboxContext, namespace: string, configMap?: string): TrainingShape {
  const shape: TrainingShape = { epochs: 3, batch: 1, learningRate: 0.0002, loggingSteps: 10 };
  if (!configMap) return shape;
  const cm = ctx.store.get(CM_RES, namespace, configMap);
  const text = (cm?.data as Record<string, string> | undefined)?.['training_config.yaml'];
  if (!text) return shape;
  try {
    const doc = YAML.parse(text) as { training_config?: { TrainingArguments?: Record<string, unknown> } };
    const ta = doc?.training_config?.TrainingArguments ?? {};
    const num = (k: string) => (typeof ta[k] === 'number' && Number.isFinite(ta[k]) ? (ta[k] as number) : undefined);
    shape.epochs = num('num_train_epochs') ?? shape.epochs;
    const ms = num('max_steps');
    if (ms && ms > 0) shape.maxSteps = Math.floor(ms);
    shape.batch = Math.max(1, Math.floor(num('per_device_train_batch_size') ?? shape.batch));
    shape.learningRate = num('learning_rate') ?? shape.learningRate;
    shape.loggingSteps = Math.max(1, Math.floor(num('logging_steps') ?? shape.loggingSteps));
  } catch {
    // an unreadable config is the admission webhook's business; the run uses defaults
  }
  return shape;
}
