// issue 14: what a tuning workspace has cost so far and where it is heading. Elapsed time runs from the Workspace's
// creation (Kaito provisions the node for it then) to the Job's completion, or now; the projection adds the
// trainer's own ETA (the step rate in its log, src/core/trainlog); a finished run shows its actual hours and cost
// beside the estimate `kaito tune` made (kept in the user's cache dir).
import type { CommandContext } from '../../cli/context.js';
import { formatHours, formatUsd, type Range } from '../../core/estimate/index.js';
import { resourcePath, type KubeClient, type KubeObject } from '../../kube/index.js';
import type { WorkspaceSummary } from '../../kube/summary.js';
import { clusterRegion, loadTuneEstimate, vmPrice } from '../shared/estimate.js';

/** The `cost` member of `kaito status -o json` for tuning workspaces. */
export interface StatusCost {
  instanceType: string | null;
  usdPerHour: number | null;
  region: string | null;
  priceSource: string | null;
  /** hours since the workspace was created, to the Job's end (or now) */
  elapsedHours: number | null;
  elapsedUsd: number | null;
  /** elapsed + the trainer's ETA, while it runs */
  projectedHours: number | null;
  projectedUsd: number | null;
  finished: boolean;
  /** the estimate `kaito tune` made, when this machine ran it */
  estimate: { hours: Range | null; usd: Range | null } | null;
  unavailable: string[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r2 = (x: number) => Math.round(x * 100) / 100;

export async function tuningCost(ctx: CommandContext, kube: KubeClient, s: WorkspaceSummary): Promise<StatusCost> {
  const out: StatusCost = { instanceType: s.instanceType ?? null, usdPerHour: null, region: null, priceSource: null, elapsedHours: null, elapsedUsd: null, projectedHours: null, projectedUsd: null, finished: false, estimate: null, unavailable: [] };
  const job = await kube.getOptional<KubeObject & { status?: { completionTime?: string; conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } }>(resourcePath('Job', s.namespace, s.name), { signal: ctx.signal }).catch(() => undefined);
  const done = job?.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
  out.finished = Boolean(done);
  const end = out.finished ? Date.parse(job?.status?.completionTime ?? done?.lastTransitionTime ?? '') : Date.now();
  const start = Date.parse(s.created ?? '');
  if (Number.isFinite(start) && Number.isFinite(end)) out.elapsedHours = r3(Math.max(0, end - start) / 3_600_000);
  else out.unavailable.push('elapsed time unknown: no creation or completion time');
  if (!out.finished && out.elapsedHours !== null && s.progress?.etaSeconds !== undefined) out.projectedHours = r3(out.elapsedHours + s.progress.etaSeconds / 3600);
  else if (!out.finished) out.unavailable.push('projection unknown: the trainer has not logged a step rate yet');
  const region = await clusterRegion(kube, ctx.signal);
  out.region = region ?? null;
  if (s.instanceType) {
    const p = await vmPrice(ctx, s.instanceType, region, 'no node carries topology.kubernetes.io/region');
    out.usdPerHour = p.usdPerHour;
    out.priceSource = p.source;
    if (p.usdPerHour === null) out.unavailable.push(`cost unknown: ${p.problem}`);
    else {
      if (out.elapsedHours !== null) out.elapsedUsd = r2(out.elapsedHours * p.usdPerHour);
      if (out.projectedHours !== null) out.projectedUsd = r2(out.projectedHours * p.usdPerHour);
    }
  } else out.unavailable.push('cost unknown: the workspace names no instance type (BYO node pool)');
  const saved = await loadTuneEstimate(ctx, kube.server, s.namespace, s.name);
  // an estimate saved before this workspace existed belongs to an older one of the same name
  if (saved && Date.parse(saved.savedAt) >= start - 5 * 60_000) out.estimate = { hours: saved.estimate.hours, usd: saved.estimate.usd };
  else out.unavailable.push('no estimate to compare: this workspace was not submitted by `kaito tune` on this machine');
  return out;
}

export function costLines(c: StatusCost): string[] {
  const lines: string[] = [];
  const money = (x: number | null) => (x === null ? '' : ` (${formatUsd(x)})`);
  if (c.elapsedHours !== null) lines.push(`${c.finished ? 'actual' : 'elapsed'} ${formatHours(c.elapsedHours)}${money(c.elapsedUsd)}${c.usdPerHour !== null ? ` at ${formatUsd(c.usdPerHour)}/h in ${c.region} (${c.priceSource})` : ''}`);
  if (c.projectedHours !== null) lines.push(`projected ${formatHours(c.projectedHours)}${money(c.projectedUsd)} from the trainer's step rate`);
  if (c.estimate?.hours) lines.push(`estimated ${formatHours(c.estimate.hours.low)} - ${formatHours(c.estimate.hours.high)}${c.estimate.usd ? ` (${formatUsd(c.estimate.usd.low)} - ${formatUsd(c.estimate.usd.high)})` : ''} at submission`);
  for (const u of c.unavailable) if (!u.startsWith('no estimate') && !u.startsWith('projection')) lines.push(`not known: ${u}`);
  if (!lines.length) lines.push('not known');
  return lines;
}
