// kaito delete WS [--wait] [--timeout] [--with-nodepool]: delete the workspace; --wait until its finalizer
// is gone. --with-nodepool also deletes the AKS node pool the workspace was placed on (matchLabels
// agentpool=POOL), only when the CLI created that pool (`kaito nodepool add`) and no other workspace uses it.
// -o json: {workspace, namespace, deleted, waited, nodepool?: {name, deleted}}.
import type { CommandContext } from '../../cli/context.js';
import { parseDurationFlag } from '../shared/submit.js';
import { checkWorkspaceName } from '../../kube/resolve.js';
import { UsageError } from '../../errors.js';
import { resourcePath, type KubeClient, type KubeObject } from '../../kube/index.js';
import { discoverKaitoApi } from '../../kube/kaito.js';
import { waitWithProgress } from '../shared/wait-display.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { workspaceNotFound } from '../../kube/workspace.js';
import { OUTPUT_DELETE as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { wait?: boolean; timeout?: string; withNodepool?: boolean }, args: unknown[]): Promise<number> {
  const name = args[0] as string;
  checkWorkspaceName(name);
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, OUTPUT.delete, 'json');
  const timeoutMs = parseDurationFlag('--timeout', opts.timeout, '10m') ?? 10 * 60_000;
  const kube = await ctx.kube();
  const api = await discoverKaitoApi(kube, ctx.signal);
  const path = resourcePath('Workspace', kube.namespace, name, api.apiVersion);
  let ws: KubeObject | undefined;
  try {
    ws = await kube.getOptional<KubeObject>(path, { signal: ctx.signal });
  } catch (e) {
    throw kube.error(e, `read workspace ${name}`);
  }
  if (!ws) throw workspaceNotFound(name, kube.namespace);

  // decide about the pool before deleting anything, so a refusal changes nothing
  const pool = opts.withNodepool ? await checkPool(ctx, kube, ws) : undefined;

  try {
    await kube.request('DELETE', path, { query: { propagationPolicy: 'Background' }, signal: ctx.signal, retry: true });
  } catch (e) {
    throw kube.error(e, `delete workspace ${name}`);
  }
  const waitForIt = opts.wait || Boolean(pool);
  ctx.io.info(`${ctx.io.color.green('✓')} workspace/${name} deleted${waitForIt ? '' : ' (Kaito removes its nodes and pods in the background; add --wait to wait)'}`);
  if (waitForIt) await waitWithProgress(ctx, kube, { name, namespace: kube.namespace, for: { kind: 'deleted' }, timeoutMs, apiVersion: api.apiVersion });
  if (pool) {
    ctx.io.info(`deleting AKS node pool ${pool} (created by kaito for ${name})...`);
    await (await ctx.nodePools()).delete(pool, { wait: true, signal: ctx.signal });
    ctx.io.info(`${ctx.io.color.green('✓')} nodepool/${pool} deleted`);
  }
  if (format) printResult(ctx.io, format, { document: { workspace: name, namespace: kube.namespace, deleted: true, waited: waitForIt, ...(pool ? { nodepool: { name: pool, deleted: true } } : {}) }, rows: [name], name: (n) => `workspace.kaito.sh/${n}` });
  return 0;
}

/** The pool to delete with the workspace, or a UsageError saying why not (nothing deleted yet). */
async function checkPool(ctx: CommandContext, kube: KubeClient, ws: KubeObject): Promise<string> {
  const { poolOfWorkspace, workspacesByPool } = await import('../../azure/workspaces.js');
  const name = ws.metadata.name;
  const pool = poolOfWorkspace(ws as never);
  if (!pool)
    throw new UsageError(`workspace ${name} is not placed on a named node pool (no agentpool label in its labelSelector)`, 'Kaito deletes the nodes it provisioned itself; drop --with-nodepool (nothing was deleted)');
  const t = ctx.target();
  if (!t.subscription || !t.resourceGroup || !t.cluster)
    throw new UsageError(`--with-nodepool needs the AKS cluster of pool ${pool}`, 'pass --subscription, --resource-group and --cluster (or set them in kaito.yaml); nothing was deleted');
  const info = await (await ctx.nodePools()).get(pool, ctx.signal);
  if (!info) throw new UsageError(`node pool ${pool} does not exist in cluster ${t.cluster}`, 'drop --with-nodepool (nothing was deleted)');
  if (!info.createdByKaito) throw new UsageError(`node pool ${pool} was not created by kaito, so it is not deleted with the workspace`, `drop --with-nodepool, and delete the pool yourself if you mean to (\`kaito nodepool delete ${pool}\`); nothing was deleted`);
  const users = (await workspacesByPool(kube, ctx.signal)).byPool.get(pool) ?? [];
  const others = users.filter((u) => u !== `${ws.metadata.namespace ?? kube.namespace}/${name}`);
  if (others.length) throw new UsageError(`node pool ${pool} is also used by ${others.join(', ')}`, 'delete those first, or drop --with-nodepool (nothing was deleted)');
  return pool;
}
