// Which model to talk to (SPEC "kaito chat"): --model when given (it must be served), else the adapter
// when exactly one is loaded, else the base model. Adapters are recognised by vLLM's `parent` field and,
// when the workspace is known, by its adapter names.
import { UsageError } from '../errors.js';
import type { ModelInfo } from './types.js';

export interface ModelChoice {
  model: string;
  base?: string;
  adapters: string[];
}

export function classifyModels(models: ModelInfo[], adapterNames: string[] = []): { base: string[]; adapters: string[] } {
  const known = new Set(adapterNames);
  const adapters: string[] = [];
  const base: string[] = [];
  for (const m of models) {
    if ((m.parent !== undefined && m.parent !== null && m.parent !== m.id) || known.has(m.id)) adapters.push(m.id);
    else base.push(m.id);
  }
  return { base, adapters };
}

export function chooseModel(models: ModelInfo[], requested: string | undefined, adapterNames: string[] = []): ModelChoice {
  const { base, adapters } = classifyModels(models, adapterNames);
  if (models.length === 0) throw new UsageError('the inference server serves no model (GET /v1/models is empty)', 'pass --model NAME if you know the served name');
  if (requested !== undefined) {
    if (!models.some((m) => m.id === requested)) {
      throw new UsageError(`model "${requested}" is not served by this workspace`, `use one of: ${models.map((m) => m.id).join(', ')}`);
    }
    return { model: requested, base: base[0], adapters };
  }
  if (adapters.length === 1) return { model: adapters[0], base: base[0], adapters };
  return { model: base[0] ?? models[0].id, base: base[0], adapters };
}
