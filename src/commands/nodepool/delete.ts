// `kaito nodepool delete NAME`: refuses a pool that a workspace still runs on (unless --force), then
// deletes it as a long-running ARM operation (or returns once accepted with --no-wait).
import type { CommandContext } from '../../cli/context.js';
import { OperationError, UsageError } from '../../errors.js';
import { workspacesByPool } from '../../azure/workspaces.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { startPhases } from './progress.js';
import { poolWorkspaces } from './common.js';
import { OUTPUT_NODEPOOL as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, o: { force?: boolean; wait?: boolean; auth?: string }, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.delete, 'table');
  const pools = await ctx.nodePools(o.auth);
  const where = `${pools.target.resourceGroup}/${pools.target.cluster}`;
  const pool = await pools.get(name, ctx.signal);
  if (!pool) throw new UsageError(`node pool ${name} not found in ${where}`, 'list the pools with `kaito nodepool list`');
  if (!o.force) {
    let users: string[];
    try {
      users = poolWorkspaces(pool, (await workspacesByPool(await ctx.kube(), ctx.signal)).byPool) ?? [];
    } catch (e) {
      throw new OperationError(`cannot check whether a workspace uses node pool ${name}: ${(e as Error).message}`, 'fix cluster access, or pass --force to delete it anyway');
    }
    if (users.length)
      throw new UsageError(`node pool ${name} is used by workspace${users.length > 1 ? 's' : ''} ${users.join(', ')}`, 'delete the workspace first (`kaito delete WS`), or pass --force');
  }
  const phases = await startPhases(ctx.io);
  phases.phase(`deleting node pool ${name} (${pool.vmSize} x${pool.count}) from ${where}`);
  try {
    await pools.delete(name, { wait: o.wait !== false, signal: ctx.signal, onProgress: (s) => phases.phase(`deleting node pool ${name} from ${where}: ${s === 'running' ? 'Deleting' : s}`) });
  } catch (e) {
    phases.fail();
    throw e;
  }
  phases.succeed(o.wait === false ? `deletion of node pool ${name} accepted; it is Deleting` : `node pool ${name} deleted from ${where}`);
  if (format !== 'table') printResult(ctx.io, format, { document: { name, deleted: o.wait !== false, provisioningState: o.wait === false ? 'Deleting' : 'Deleted' }, rows: [{ name }], name: (p) => `nodepool/${p.name}` });
  return 0;
}
