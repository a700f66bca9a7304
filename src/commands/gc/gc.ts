// kaito gc [-A] [--yes]: what bills or clutters without an owner (rules in src/core/gc.ts). Lists always; deletes
// only with --yes, or after a yes on a TTY prompt. Never touches an object Kaito or the CLI did not label as theirs.
// -o json: {items: [{kind, name, namespace?, workspace?, reason, instanceType?, gpus?, nodes?, usdPerHour, deleted}], usdPerHour,
//   region, priceSource, unavailable, skipped: [...], deleted}. $/h: Linux pay-as-you-go (src/commands/shared/estimate.ts vmPrice).
import type { CommandContext } from '../../cli/context.js';
import { CLI_MANAGED, costOrphans, findOrphans, type GcCost, type GcPrice, stringsIn, type GcObject, type GcPool, type Orphan } from '../../core/gc.js';
import { resourcePath, type KubeClient, type KubeList } from '../../kube/index.js';
import { discoverKaitoApi } from '../../kube/kaito.js';
import { KubeApiError } from '../../kube/errors.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import { formatUsd } from '../../core/estimate/index.js';
import { OUTPUT_GC as OUTPUT } from '../output-formats.js';

const NODECLAIMS = '/apis/karpenter.sh/v1/nodeclaims';
const NODEPOOLS = '/apis/karpenter.sh/v1/nodepools';

export async function run(ctx: CommandContext, opts: { allNamespaces?: boolean }): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.gc, 'table');
  const kube = await ctx.kube();
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
  const cost = await priceOrphans(ctx, kube, items);

  let doDelete = false;
  if (items.length > 0) {
    if (ctx.globals.yes) doDelete = true;
    else if (ctx.io.canPrompt && format === 'table') {
      printTable(ctx, items, cost);
      doDelete = await ctx.prompter().confirm({ message: `Delete these ${items.length} object(s)?`, default: false });
    }
  }
  const deleted = new Set<Orphan>();
  if (doDelete) for (const o of order(items)) if (await remove(ctx, kube, o)) deleted.add(o);

  if (format === 'table') {
    if (items.length === 0) ctx.io.info('nothing to collect: every NodeClaim, NodePool, agent pool, ConfigMap and Secret made by Kaito or kaito has its workspace');
    else if (!ctx.io.canPrompt || ctx.globals.yes) printTable(ctx, items, cost);
    for (const s of skipped) ctx.io.info(`skipped: ${s}`);
    if (items.length && !doDelete) ctx.io.info(`nothing deleted: run \`kaito gc --yes${opts.allNamespaces ? ' -A' : ''}\` to delete ${items.length === 1 ? 'it' : 'them'}`);
    if (doDelete) ctx.io.info(`${ctx.io.color.green('✓')} deleted ${deleted.size} of ${items.length}`);
  } else {
    const doc = {
      items: items.map((o, i) => ({ ...o, usdPerHour: cost.cost.perItem[i], deleted: deleted.has(o) })),
      usdPerHour: cost.billing && cost.cost.usdPerHour === 0 && cost.cost.partial ? null : cost.cost.usdPerHour,
      region: cost.region ?? null,
      priceSource: cost.sources.length ? cost.sources.join('; ') : null,
      unavailable: cost.cost.unavailable,
      skipped,
      deleted: doDelete,
    };
    printResult(ctx.io, format, { document: doc });
  }
  return 0;
}

interface OrphanCost { cost: GcCost; region?: string; sources: string[]; /** some orphan bills VMs */ billing: boolean }

/** $/h of each orphan: the Linux pay-as-you-go price of its VM size in the cluster's region (as `kaito tune`), x nodes. */
async function priceOrphans(ctx: CommandContext, kube: KubeClient, items: Orphan[]): Promise<OrphanCost> {
  const skus = [...new Set(items.filter((o) => (o.kind === 'NodeClaim' || o.kind === 'NodePool' || o.kind === 'AgentPool') && o.instanceType && o.nodes !== 0).map((o) => o.instanceType!))];
  if (!skus.length) return { cost: costOrphans(items, () => ({ usdPerHour: null })), sources: [], billing: items.some((o) => o.kind !== 'ConfigMap' && o.kind !== 'Secret' && o.nodes !== 0) };
  const { clusterRegion, vmPrice } = await import('../shared/estimate.js');
  // AKS agent pools have no location of their own: they are in the cluster's, which its nodes carry
  const region = await clusterRegion(kube, ctx.signal);
  const prices = new Map<string, GcPrice>();
  const sources = new Set<string>();
  for (const sku of skus) {
    const p = await vmPrice(ctx, sku, region, 'no node carries topology.kubernetes.io/region');
    prices.set(sku, { usdPerHour: p.usdPerHour, problem: p.problem });
    if (p.usdPerHour !== null && p.source) sources.add(p.source);
  }
  return { cost: costOrphans(items, (it) => prices.get(it) ?? { usdPerHour: null }), region, sources: [...sources], billing: true };
}

function printTable(ctx: CommandContext, items: Orphan[], c: OrphanCost): void {
  const usd = (v: number | null, o: Orphan) => (v === null ? 'unknown' : o.kind === 'ConfigMap' || o.kind === 'Secret' ? '-' : formatUsd(v));
  const rows = items.map((o, i) => [o.kind, o.namespace ? `${o.namespace}/${o.name}` : o.name, o.instanceType ? `${o.instanceType}${o.gpus ? ` (${o.gpus} GPU)` : ''}` : '', usd(c.cost.perItem[i], o), o.reason]);
  const head = ['KIND', 'NAME', 'INSTANCE', '$/H', 'WHY'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) ctx.io.print(r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i]))).join('  ') + '\n');
  if (!c.billing) return;
  const known = c.cost.perItem.some((v, i) => v !== null && v > 0 && items[i].kind !== 'ConfigMap' && items[i].kind !== 'Secret');
  if (known) {
    const src = c.sources.length ? ` (${c.sources.join('; ')})` : '';
    ctx.io.info(`these bill ${c.cost.partial ? 'at least' : 'about'} ${formatUsd(c.cost.usdPerHour)}/h Linux pay-as-you-go in ${c.region}${src}`);
  } else if (!c.cost.partial) ctx.io.info('these bill about $0.00/h (no node is running)');
  for (const u of c.cost.unavailable) ctx.io.info(`$/h unknown: ${u}`);
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
      await (await ctx.nodePools()).delete(o.name, { wait: false, signal: ctx.signal });
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
    const pools = await (await ctx.nodePools()).list(ctx.signal);
    return pools.map((p) => ({ name: p.name, vmSize: p.vmSize, gpus: p.gpus, count: p.count, createdByKaito: p.createdByKaito, kaitoWorkspace: p.kaitoWorkspace, nodeLabels: p.nodeLabels }));
  } catch (e) {
    skipped.push(`AKS agent pools: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

