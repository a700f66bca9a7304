// The shape every doctor check shares, so groups of checks (Kubernetes here, Azure in checks-azure.ts)
// plug into one runner and one output.
import type { CommandContext } from '../../cli/context.js';

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** what was found, one line */
  detail: string;
  /** how to fix it (fail/warn) */
  hint?: string;
}

export interface Check<S = unknown> {
  id: string;
  title: string;
  /** shared state a group's checks fill in for each other (e.g. the kube client) */
  run(ctx: CommandContext, state: S): Promise<CheckResult>;
  /** false: the check means nothing on this cluster and prints no line (e.g. BYO checks on a NAP cluster) */
  applies?(state: S): boolean;
}

export interface CheckGroup<S = unknown> {
  name: string;
  /** fresh shared state for one doctor run */
  init(): S;
  checks: Check<S>[];
}

export interface CheckReport extends CheckResult { id: string; group: string; title: string }
