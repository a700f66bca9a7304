// `kaito nodepool add NAME`: validate everything first (name, SKU against Kaito's table, labels, taints),
// then check the regional GPU quota, then create the pool as a long-running ARM operation. Idempotent:
// the same spec again is "unchanged"; a different immutable spec is refused naming the fields.
import type { CommandContext } from '../../cli/context.js';
import { OperationError, UsageError } from '../../errors.js';
import { armRequestBody, DEFAULT_TAINT, diffSpec, type NodePoolSpec } from '../../azure/nodepools.js';
import { checkQuota, describeShortfall } from '../../azure/quota.js';
import { findVmSku, kaitoGpuSkus } from '../../azure/skus.js';
import { parseOutputFormat, printResult, toJSON, toYAML } from '../../ui/printer.js';
import { parseIntFlag, parseLabels, parseTaints, poolNameProblem, type PoolRow } from './common.js';
import { startPhases } from './progress.js';
import { OUTPUT_NODEPOOL as OUTPUT } from '../output-formats.js';

interface AddOptions {
  instanceType?: string;
  count?: string;
  labels?: string;
  taints?: string;
  osSku?: 'Ubuntu' | 'AzureLinux';
  gpuDriver?: 'install' | 'none';
  osDiskSize?: string;
  wait?: boolean;
  dryRun?: boolean;
  auth?: string;
}

export function buildSpec(name: string, o: AddOptions): NodePoolSpec {
  const problems: string[] = [];
  const np = poolNameProblem(name);
  if (np) problems.push(np);
  const sku = findVmSku(o.instanceType);
  if (!o.instanceType) problems.push('--instance-type is required (e.g. Standard_NC24ads_A100_v4; see `kaito presets show`)');
  else if (!sku?.kaito) problems.push(`--instance-type ${o.instanceType} is not a GPU size Kaito supports; use one of: ${kaitoGpuSkus().map((s) => s.name).join(', ')}`);
  const count = parseIntFlag('--count', o.count ?? '1', 1, 1000, problems);
  const osDiskSizeGB = parseIntFlag('--os-disk-size', o.osDiskSize, 30, 2048, problems);
  const labels = parseLabels(o.labels, problems);
  const taints = parseTaints(o.taints ?? DEFAULT_TAINT, problems);
  if (problems.length) throw new UsageError(problems.length === 1 ? problems[0] : `${problems.length} problems with the node pool flags`, 'nothing was created; fix the flags and run again', problems.length === 1 ? [] : problems);
  return {
    vmSize: sku!.name,
    count: count ?? 1,
    labels,
    taints,
    osSKU: o.osSku,
    gpuDriver: o.gpuDriver === 'none' ? 'None' : o.gpuDriver === 'install' ? 'Install' : undefined,
    osDiskSizeGB,
  };
}

export async function run(ctx: CommandContext, o: AddOptions, args: unknown[]): Promise<number> {
  const name = String(args[0]);
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.add, 'table');
  const spec = buildSpec(name, o);
  if (o.dryRun) {
    // the body of PUT .../agentPools/NAME, exactly as it would be sent; nothing is contacted
    ctx.io.print(format === 'yaml' ? toYAML(armRequestBody(spec)) : toJSON(armRequestBody(spec)));
    ctx.io.info(`dry run: node pool ${name} not created`);
    return 0;
  }
  const pools = await ctx.nodePools(o.auth);
  const t = pools.target;
  const where = `${t.resourceGroup}/${t.cluster}`;
  const existing = await pools.get(name, ctx.signal);
  let verb = 'created';
  if (existing) {
    const d = diffSpec(existing, spec);
    if (d.immutable.length)
      throw new UsageError(
        `node pool ${name} already exists in ${where} with a different ${d.immutable.map((x) => x.split(' ')[0]).join(' and ')} (fixed at creation)`,
        `delete it first (\`kaito nodepool delete ${name}\`) or choose another name`,
        d.immutable,
      );
    if (!d.mutable.length && existing.provisioningState === 'Succeeded') {
      ctx.io.info(`node pool ${name} unchanged`);
      printPool(ctx, format, existing);
      return 0;
    }
    if (existing.provisioningState === 'Creating' || existing.provisioningState === 'Updating' || existing.provisioningState === 'Deleting')
      throw new OperationError(`node pool ${name} is ${existing.provisioningState} already`, `wait for it: \`kaito nodepool show ${name}\``);
    verb = 'updated';
  }
  const extra = existing && existing.provisioningState !== 'Failed' ? Math.max(0, spec.count - existing.count) : spec.count;
  if (extra > 0) {
    const q = await checkQuota(pools.session, t.subscription, t.location, spec.vmSize, extra, ctx.signal);
    ctx.debug(`quota ${q.family} in ${q.location}: ${q.used}/${q.limit} used, ${q.needed} needed`);
    if (!q.ok) throw new OperationError(`node pool ${name} not created: ${describeShortfall(q)}`);
  }
  // issue 14: what the pool costs while it runs (the AKS cluster's region)
  const { vmPrice, vmCostLine } = await import('../shared/estimate.js');
  ctx.io.info(vmCostLine(`node pool ${name}`, spec.vmSize, spec.count, t.location, await vmPrice(ctx, spec.vmSize, t.location, 'the cluster has no location')));
  const phases = await startPhases(ctx.io);
  const what = `node pool ${name} (${spec.vmSize} x${spec.count}) in ${where}`;
  phases.phase(`${verb === 'created' ? 'creating' : 'updating'} ${what}`);
  try {
    const pool = await pools.create(name, spec, {
      wait: o.wait !== false,
      signal: ctx.signal,
      onProgress: (s) => phases.phase(`${verb === 'created' ? 'creating' : 'updating'} ${what}: ${s === 'running' ? (verb === 'created' ? 'Creating' : 'Updating') : s}`),
    });
    if (o.wait === false) {
      phases.succeed(`accepted: ${what} is ${pool.provisioningState}; follow it with \`kaito nodepool show ${name}\``);
    } else {
      phases.succeed(`${what} ${verb}`);
    }
    printPool(ctx, format, pool);
    return 0;
  } catch (e) {
    phases.fail();
    throw e;
  }
}

function printPool(ctx: CommandContext, format: ReturnType<typeof parseOutputFormat>, pool: PoolRow): void {
  if (format === 'table') return; // the ✓ line on stderr is the human output
  printResult(ctx.io, format, { document: pool, rows: [pool], name: (p) => `nodepool/${p.name}` });
}
