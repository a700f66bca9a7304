// metav1.Condition bookkeeping: lastTransitionTime only moves when the status flips, and every condition
// written by this reconcile carries the generation it was computed from (so a reader never mistakes a
// verdict about an older spec for one about the current spec).
import type { Condition } from './types.js';

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function setCondition(conds: Condition[], c: Omit<Condition, 'lastTransitionTime'>): void {
  const i = conds.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? conds[i] : undefined;
  const next: Condition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowIso(),
    ...(c.observedGeneration !== undefined ? { observedGeneration: c.observedGeneration } : {}),
  };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
}

export function getCondition(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

export function removeCondition(conds: Condition[], type: string): void {
  const i = conds.findIndex((c) => c.type === type);
  if (i >= 0) conds.splice(i, 1);
}
