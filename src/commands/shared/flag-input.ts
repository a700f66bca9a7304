// Flags (+ kaito.yaml) -> TuneInput / DeployInput through core/render, whose FlagProblems become the one usage
// error (exit 2) listing every problem.
import { UsageError } from '../../errors.js';
import { FlagProblems, deployInputFromFlags, tuneInputFromFlags } from '../../core/render/index.js';

export function asUsageError(e: unknown): unknown {
  if (!(e instanceof FlagProblems)) return e;
  return new UsageError(e.message, e.hint, e.problems.length === 1 ? [] : e.problems);
}

export const tuneInput: typeof tuneInputFromFlags = (...a) => {
  try {
    return tuneInputFromFlags(...a);
  } catch (e) {
    throw asUsageError(e);
  }
};

export const deployInput: typeof deployInputFromFlags = (...a) => {
  try {
    return deployInputFromFlags(...a);
  } catch (e) {
    throw asUsageError(e);
  }
};
