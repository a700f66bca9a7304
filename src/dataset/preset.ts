// The context length a dataset is checked against comes from the preset catalog.
import { UsageError } from '../errors.js';

export interface PresetContext {
  name: string;
  contextLength: number | null;
}

export async function presetContext(name: string): Promise<PresetContext> {
  const { getPreset } = await import('../core/presets.js');
  const p = getPreset(name);
  if (!p) throw new UsageError(`unknown preset "${name}"`, 'see `kaito presets list --tunable`');
  return { name: p.name, contextLength: typeof p.contextLength === 'number' && p.contextLength > 0 ? p.contextLength : null };
}
