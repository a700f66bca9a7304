// kaito gc [-A] [--yes]: what bills or clutters without an owner (rules in src/core/gc.ts). Lists always; deletes
// only with --yes, or after a yes on a TTY prompt. Never touches an object Kaito or the CLI did not label as theirs.
// -o json: {items: [{kind, name, namespace?, workspace?, reason, instanceType?, gpus?, deleted}], skipped: [...], deleted}
import type { CommandContext } from '../../cli/context.js';
import { CLI_MANAGED, findOrphans, stringsIn, type GcObject, type GcPool, type Orphan } from '../../core/gc.js';
import { kubeFromContext, resourcePath, type KubeClient, type KubeList } from '../../kube/index.js';
import { discoverKaitoApi } from '../../kube/kaito.js';
import { KubeApiError } from '../../kube/errors.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';

const NODECLAIMS = '/apis/karpenter.sh/v1/nodeclaims';
const NODEPOOLS = '/apis/karpenter.sh/v1/nodepools';

export async function run(ctx: CommandContext, opts: { allNamespaces?: boolean }): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, ['table', 'json', 'yaml'], 'table');
  const kube = kubeFromContext(ctx);
  const api = await discoverKaitoApi(kube, ctx.signal);
  const skipped: string[] = [];
  const ns = opts.allNamespaces ? undefined : kube.namespace;
  const list = async (path: string, what: string, query?: Record<string, string>): Promise<GcObject[]> => {
    try {
      return (await kube.get<KubeList>(path, { query, signal: ctx.signal })).items as GcObject[];
    } catch (e) {
      // no Karpenter CRDs (BYO clusters, or the gpu-provisioner without NodePools): nothing of that kind exists
      if (e instanceof KubeApiError && e.code === 404) return [];
      throw kube.error(e, `list ${what}`);
    }
  };
  const selector = { labelSelector: `${CLI_MANAGED.key}=${CLI_MANAGED.value}` };
  const [wsItems, nodeClaims, nodePools, configMaps, secrets] = await Promise.all([
    list(resourcePath('Workspace', undefined, undefined, api.apiVersion), 'workspaces'),
    list(NODECLAIMS, 'nodeclaims'),
    list(NODEPOOLS, 'karpenter nodepools'),
    list(resourcePath('ConfigMap', ns), 'configmaps', selector),
    list(resourcePath('Secret', ns), 'secrets', selector),
  ]);
  const workspaces = wsItems.map((w) => ({ namespace: w.metadata.namespace ?? 'default', name: w.metadata.name, refs: stringsIn({ ...w, metadata: {} }) }));
  const agentPools = await readAgentPools(ctx, skipped);
  const { findVmSku } = await import('../../azure/skus.js');
  const items = findOrphans({ workspaces, nodeClaims, nodePools, configMaps, secrets, agentPools, gpusOf: (it) => findVmSku(it)?.gpus });

  let doDelete = false;
  if (items.length > 0) {
    if (ctx.globals.yes) doDelete = true;
    else if (ctx.io.canPrompt && format === 'table') {
      printTable(ctx, items);
      const { createTerminalPrompter } = await import('../../ui/prompts.js');
      doDelete = await createTerminalPrompter(ctx.io, ctx.signal).confirm({ message: `Delete these ${items.length} object(s)?`, default: false });
    }
  }
  const deleted = new Set<Orphan>();
  if (doDelete) for (const o of order(items)) if (await remove(ctx, kube, o)) deleted.add(o);

  if (format === 'table') {
    if (items.length === 0) ctx.io.info('nothing to collect: every NodeClaim, NodePool, agent pool, ConfigMap and Secret made by Kaito or kaito has its workspace');
    else if (!ctx.io.canPrompt || ctx.globals.yes) printTable(ctx, items);
    for (const s of skipped) ctx.io.info(`skipped: ${s}`);
    if (items.length && !doDelete) ctx.io.info(`nothing deleted: run \`kaito gc --yes${opts.allNamespaces ? ' -A' : ''}\` to delete ${items.length === 1 ? 'it' : 'them'}`);
    if (doDelete) ctx.io.info(`${ctx.io.color.green('✓')} deleted ${deleted.size} of ${items.length}`);
  } else {
    const doc = { items: items.map((o) => ({ ...o, deleted: deleted.has(o) })), skipped, deleted: doDelete };
    printResult(ctx.io, format, { document: doc });
  }
  return 0;
}

function printTable(ctx: CommandContext, items: Orphan[]): void {
  const rows = items.map((o) => [o.kind, o.namespace ? `${o.namespace}/${o.name}` : o.name, o.instanceType ? `${o.instanceType}${o.gpus ? ` (${o.gpus} GPU)` : ''}` : '', o.reason]);
  const head = ['KIND', 'NAME', 'INSTANCE', 'WHY'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) ctx.io.print(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ') + '\n');
}

/** GPU capacity first (it bills), the pool before the claims it owns, clutter last. */
function order(items: Orphan[]): Orphan[] {
  const rank = { NodePool: 0, NodeClaim: 1, AgentPool: 2, ConfigMap: 3, Secret: 4 } as const;
  return [...items].sort((a, b) => rank[a.kind] - rank[b.kind]);
}

async function remove(ctx: CommandContext, kube: KubeClient, o: Orphan): Promise<boolean> {
  const what = `${o.kind.toLowerCase()}/${o.name}`;
  try {
    if (o.kind === 'AgentPool') {
      const { deletePool } = await import('../../azure/nodepools.js');
      await deletePool(ctx, o.name, { wait: false });
    } else if (o.kind === 'NodePool') {
      await kube.request('DELETE', `${NODEPOOLS}/${encodeURIComponent(o.name)}`, { signal: ctx.signal, retry: true }).catch((e) => {
        if (!(e instanceof KubeApiError && e.code === 404)) throw e;
      });
    } else await kube.delete(o.kind, o.namespace, o.name, { signal: ctx.signal });
    ctx.io.info(`${ctx.io.color.green('✓')} ${what} deleted`);
    return true;
  } catch (e) {
    ctx.io.warn(`could not delete ${what}: ${(e as Error).message.split('\n')[0]}`);
    return false;
  }
}

/** The cluster's AKS agent pools, when the cluster target is known; otherwise a line in `skipped`. */
async function readAgentPools(ctx: CommandContext, skipped: string[]): Promise<GcPool[] | undefined> {
  const t = ctx.target();
  if (!t.subscription || !t.resourceGroup || !t.cluster) {
    skipped.push('AKS agent pools: no cluster target (pass --subscription, --resource-group and --cluster, or set them in kaito.yaml)');
    return undefined;
  }
  try {
    const { NodePools } = await import('../../azure/nodepools.js');
    const pools = await (await NodePools.open(ctx)).list(ctx.signal);
    return pools.map((p) => ({ name: p.name, vmSize: p.vmSize, gpus: p.gpus, count: p.count, createdByKaito: p.createdByKaito, kaitoWorkspace: p.kaitoWorkspace, nodeLabels: p.nodeLabels }));
  } catch (e) {
    skipped.push(`AKS agent pools: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

