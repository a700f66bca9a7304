// `kaito nodepool show NAME`: one pool, with the workspaces that run on it.
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../errors.js';
import { workspacesByPool } from '../../azure/workspaces.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { poolWorkspaces, type PoolRow } from './common.js';
import { OUTPUT_NODEPOOL as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, o: { auth?: string }, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.show, 'table');
  const pools = await ctx.nodePools(o.auth);
  const pool = await pools.get(name, ctx.signal);
  // issue 17 item 5: naming something that does not exist is invalid input, exit 2 everywhere
  if (!pool) throw new UsageError(`node pool ${name} not found in ${pools.target.resourceGroup}/${pools.target.cluster}`, 'list the pools with `kaito nodepool list`');
  let byPool: Map<string, string[]> | undefined;
  try {
    byPool = (await workspacesByPool(await ctx.kube(), ctx.signal)).byPool;
  } catch (e) {
    ctx.io.warn(`cannot tell which workspaces use the pool: ${(e as Error).message}`);
  }
  const workspaces = poolWorkspaces(pool, byPool);
  const row: PoolRow = { ...pool, workspaces };
  printResult(ctx.io, format === 'table' ? 'text' : format, {
    document: row,
    rows: [row],
    name: (p) => `nodepool/${p.name}`,
    text: () => describe(row, pools.target),
  });
  return 0;
}

function describe(p: PoolRow, t: { resourceGroup: string; cluster: string }): string {
  const lines: Array<[string, string]> = [
    ['Name', p.name],
    ['Cluster', `${t.resourceGroup}/${t.cluster}`],
    ['VM size', p.vmSize + (p.gpus ? ` (${p.gpus} GPU${p.gpus > 1 ? 's' : ''} per node)` : '')],
    ['Count', String(p.count)],
    ['State', p.provisioningState + (p.powerState ? ` (${p.powerState})` : '')],
    ['Mode', p.mode],
    ['OS SKU', p.osSKU ?? '-'],
    ['OS disk', p.osDiskSizeGB ? `${p.osDiskSizeGB} GB` : '-'],
    ['GPU driver', p.gpuDriver ?? '-'],
    ['Labels', Object.entries(p.nodeLabels).map(([k, v]) => `${k}=${v}`).join(', ') || '-'],
    ['Taints', p.nodeTaints.join(', ') || '-'],
    ['Created by kaito', p.createdByKaito ? 'yes' : 'no'],
    ['Workspaces', p.workspaces === undefined ? '?' : p.workspaces.join(', ') || '-'],
  ];
  const w = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${(k + ':').padEnd(w)}${v}`).join('\n') + '\n';
}
