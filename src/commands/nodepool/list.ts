// `kaito nodepool list`: every agent pool of the cluster, GPU pools first, with the workspaces placed on each.
import type { CommandContext } from '../../cli/context.js';
import { workspacesByPool } from '../../azure/workspaces.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { POOL_COLUMNS, poolWorkspaces, sortPools, type PoolRow } from './common.js';
import { OUTPUT_NODEPOOL as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, o: { auth?: string }): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.list, 'table');
  const pools = await ctx.nodePools(o.auth);
  const list = await pools.list(ctx.signal);
  let users: Map<string, string[]> | undefined;
  try {
    users = (await workspacesByPool(await ctx.kube(), ctx.signal)).byPool;
  } catch (e) {
    ctx.io.warn(`cannot tell which workspaces use the pools: ${(e as Error).message}`);
  }
  const rows: PoolRow[] = sortPools(list).map((p) => ({ ...p, workspaces: poolWorkspaces(p, users) }));
  const t = pools.target;
  printResult(ctx.io, format, {
    document: { cluster: { subscription: t.subscription, resourceGroup: t.resourceGroup, name: t.cluster, location: t.location }, items: rows },
    rows,
    columns: POOL_COLUMNS,
    name: (p) => `nodepool/${p.name}`,
    empty: `no node pools in ${t.resourceGroup}/${t.cluster}`,
  });
  return 0;
}
