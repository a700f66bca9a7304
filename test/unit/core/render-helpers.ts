// Runs a golden case through the same path as `kaito render` (flags -> input -> objects -> bytes).
import { deployInputFromFlags, objectsToYAML, renderInference, renderTuning, tuneInputFromFlags, type FlagContext } from '../../../src/core/render/index.js';
import type { GoldenCase } from './golden-cases.js';

export function ctxFor(c: { mode?: 'nap' | 'byo'; namespace?: string; files?: Record<string, string> }): FlagContext {
  return {
    detectedNodeProvisioning: c.mode ?? 'nap',
    renderOnly: true,
    namespace: c.namespace,
    readFile: (p) => {
      const t = c.files?.[p];
      if (t === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return t;
    },
  };
}

export function renderCase(c: GoldenCase): { yaml: string; warnings: string[] } {
  if (c.kind === 'tune') {
    const { input, warnings } = tuneInputFromFlags(c.flags, {}, ctxFor(c));
    return { yaml: objectsToYAML(renderTuning(input)), warnings };
  }
  const { input, warnings } = deployInputFromFlags(c.flags, {}, ctxFor(c));
  return { yaml: objectsToYAML(renderInference(input)), warnings };
}
