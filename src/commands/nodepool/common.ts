// Parsing and printing shared by the nodepool subcommands.
import type { NodePoolInfo } from '../../azure/nodepools.js';
import type { Column } from '../../ui/printer.js';
import { checkAksPoolName } from '../../core/names.js';
import { parseLabels as parseLabelSyntax } from '../../core/render/placement.js';

export function poolNameProblem(name: string): string | undefined {
  const why = checkAksPoolName(name);
  return why ? `pool name "${name}" ${why}` : undefined;
}

/** "k=v,k2=v2" -> node labels of the pool; every bad pair becomes a problem line (core's label parser). */
export function parseLabels(value: string | undefined, problems: string[]): Record<string, string> {
  return parseLabelSyntax(value, '--labels', problems, (k) => (/^(kubernetes\.azure\.com|kubernetes\.io|k8s\.io)\//.test(k) || k === 'agentpool' ? 'is reserved by AKS/Kubernetes' : undefined));
}

/** "k=v:Effect,..." -> list; "" or "none" -> no taints. */
export function parseTaints(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  if (value.trim() === '' || value.trim() === 'none') return [];
  const out: string[] = [];
  for (const t of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t)) problems.push(`--taints "${t}" is not key=value:Effect (Effect: NoSchedule, PreferNoSchedule or NoExecute)`);
    else out.push(t);
  }
  return out;
}

export function parseIntFlag(flag: string, value: string | undefined, lo: number, hi: number, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    problems.push(`${flag} must be a whole number from ${lo} to ${hi} (got "${value}")`);
    return undefined;
  }
  return n;
}

export type PoolRow = NodePoolInfo & { workspaces?: string[] };

/** The workspaces on a pool: those whose matchLabels name it, and the one Kaito provisioned it for (issue 17 item 11). */
export function poolWorkspaces(p: NodePoolInfo, byPool: Map<string, string[]> | undefined): string[] | undefined {
  const placed = byPool?.get(p.name) ?? [];
  const all = p.kaitoWorkspace && !placed.includes(p.kaitoWorkspace) ? [...placed, p.kaitoWorkspace] : placed;
  return byPool === undefined && !p.kaitoWorkspace ? undefined : all;
}

export const POOL_COLUMNS: Column<PoolRow>[] = [
  { header: 'name', value: (p) => p.name },
  { header: 'vm size', value: (p) => p.vmSize },
  { header: 'gpus', value: (p) => (p.gpus ? String(p.gpus) : '-') },
  { header: 'count', value: (p) => p.count },
  { header: 'state', value: (p) => p.provisioningState },
  { header: 'mode', value: (p) => p.mode },
  { header: 'workspaces', value: (p) => (p.workspaces === undefined ? '?' : p.workspaces.join(',') || '-') },
  { header: 'labels', value: (p) => Object.entries(p.nodeLabels).map(([k, v]) => `${k}=${v}`).join(','), wide: true },
  { header: 'taints', value: (p) => p.nodeTaints.join(','), wide: true },
];

/** GPU pools first, then by name. */
export function sortPools<T extends NodePoolInfo>(pools: T[]): T[] {
  return [...pools].sort((a, b) => Number(b.gpus > 0) - Number(a.gpus > 0) || a.name.localeCompare(b.name));
}
