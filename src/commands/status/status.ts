// kaito status [WS]: conditions, state, nodes, job/pod states, endpoint, age and training progress.
// -o json|yaml prints the WorkspaceSummary document (src/kube/summary.ts); -o table|wide a readable block;
// -o name workspace.kaito.sh/NAME. --watch reprints whenever the workspace or its pods change.
import type { CommandContext } from '../../cli/context.js';
import { describeResult, formatProgress, overfittingWarning, progressFromLog, type TrainingProgress } from '../../core/trainlog/index.js';
import { resourcePath, type KubeClient, type KubeList, type KubeObject } from '../../kube/index.js';
import { workspaceFor } from '../shared/workspace.js';
import type { ResolvedWorkspace } from '../../kube/resolve.js';
import { summarize, type WorkspaceSummary } from '../../kube/summary.js';
import { mainContainerOf } from '../../kube/verdict.js';
import { watchCollection } from '../../kube/watch.js';
import { formatGpus, sampleWarnings } from '../../core/gpu-metrics.js';
import { readGpuMetrics, trainerRunning } from '../../kube/gpu-metrics.js';
import { OperationError } from '../../errors.js';
import { parseOutputFormat, printResult, toJSON, type OutputFormat } from '../../ui/printer.js';
import { workspaceNotFound } from '../../kube/workspace.js';
import { costLines, tuningCost, type StatusCost } from './cost.js';
import { OUTPUT_STATUS as OUTPUT } from '../output-formats.js';

export async function run(ctx: CommandContext, opts: { watch?: boolean }, args: unknown[]): Promise<number> {
  const format = parseOutputFormat(ctx.globals.output, OUTPUT.status, 'table');
  const kube = await ctx.kube();
  const ws = await workspaceFor(ctx, kube, args[0] as string | undefined);
  const show = async () => {
    const { summary: s, progress } = await collectWithProgress(kube, ws, ctx.signal);
    // issue 14: elapsed cost, projection and actual vs estimate of a tuning workspace (one-shot status only)
    let cost: StatusCost | undefined;
    if (s.type === 'tuning' && format !== 'name') cost = await tuningCost(ctx, kube, s);
    const shown = cost ? ({ ...s, cost } as WorkspaceSummary) : s;
    print(ctx, format, shown, progress, cost);
  };
  if (!opts.watch) {
    await show();
    return 0;
  }
  // --watch: the workspace and its pods are watched; every change reprints (no polling)
  let pending = Promise.resolve();
  let last = '';
  const onChange = () => {
    pending = pending.then(async () => {
      const c = await collectWithProgress(kube, ws, ctx.signal).catch(() => undefined);
      if (!c) return;
      const s = c.summary;
      const key = JSON.stringify({ ...s, age: '' });
      if (key === last) return;
      last = key;
      if (format === 'json') ctx.io.print(JSON.stringify(s) + '\n');
      else print(ctx, format, s, c.progress);
    });
  };
  await Promise.race([
    watchCollection(kube, { path: resourcePath('Workspace', ws.namespace, undefined, ws.apiVersion), fieldSelector: `metadata.name=${ws.name}`, signal: ctx.signal, onChange, debug: (m) => ctx.debug(m) }),
    watchCollection(kube, { path: resourcePath('Pod', ws.namespace), labelSelector: `kaito.sh/workspace=${ws.name}`, signal: ctx.signal, onChange, debug: (m) => ctx.debug(m) }),
  ]);
  return 0;
}

export async function collect(kube: KubeClient, ws: ResolvedWorkspace, signal: AbortSignal): Promise<WorkspaceSummary> {
  return (await collectWithProgress(kube, ws, signal)).summary;
}

/** The summary and the parsed trainer log behind it (for the result line and the overfitting warning). */
async function collectWithProgress(kube: KubeClient, ws: ResolvedWorkspace, signal: AbortSignal): Promise<{ summary: WorkspaceSummary; progress?: TrainingProgress }> {
  // one round trip for the workspace and everything named after it (issue 16: requests in parallel); the
  // Job or the Service that does not apply to its kind is dropped unread
  const objectsOf = Promise.all([
    kube.get<KubeList>(resourcePath('Pod', ws.namespace), { query: { labelSelector: `kaito.sh/workspace=${ws.name}` }, signal }).then((l) => l.items),
    kube.getOptional(resourcePath('Job', ws.namespace, ws.name), { signal }),
    kube.getOptional(resourcePath('Service', ws.namespace, ws.name), { signal }),
  ]);
  objectsOf.catch(() => {}); // awaited below, or not needed when the workspace is missing
  let obj: KubeObject | undefined;
  try {
    obj = await kube.getOptional<KubeObject>(resourcePath('Workspace', ws.namespace, ws.name, ws.apiVersion), { signal });
  } catch (e) {
    throw kube.error(e, `read workspace ${ws.name}`);
  }
  if (!obj) throw workspaceNotFound(ws.name, ws.namespace);
  const tuning = Boolean(obj.tuning);
  const [pods, jobAny, serviceAny] = await objectsOf.catch((e) => {
    throw kube.error(e, `read the objects of workspace ${ws.name}`);
  });
  const job = tuning ? jobAny : undefined;
  const service = tuning ? undefined : serviceAny;
  let progress: TrainingProgress | undefined;
  const pod = tuning ? [...pods].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0] : undefined;
  // live GPU use while the trainer runs (compat T6), read beside the log
  const gpusOf = pod && trainerRunning(pod, mainContainerOf(pod, ws.name)) ? readGpuMetrics(kube, ws.namespace, pod.metadata.name, signal) : undefined;
  if (pod && ['Running', 'Succeeded', 'Failed'].includes((pod.status as { phase?: string })?.phase ?? '')) {
    const res = await kube.fetch('GET', `${resourcePath('Pod', ws.namespace, pod.metadata.name)}/log`, { query: { container: mainContainerOf(pod, ws.name), tailLines: 2000 }, accept: '*/*', signal }).catch(() => undefined);
    if (res && res.status < 400) progress = progressFromLog(await res.text());
    else await res?.body?.cancel().catch(() => {});
  }
  const summary = summarize(obj, { pods, job, service, server: kube.server, progress });
  const gpus = await gpusOf;
  if (gpus) summary.gpus = gpus;
  return { summary, progress };
}

function print(ctx: CommandContext, format: OutputFormat, s: WorkspaceSummary, progress?: TrainingProgress, cost?: StatusCost): void {
  if (format === 'table' || format === 'wide') {
    ctx.io.print(describe(s, format === 'wide') + (cost ? costLines(cost).map((l, i) => `${(i === 0 ? 'Cost:' : '').padEnd(14)}${l}\n`).join('') : ''));
    const p = progress;
    const warning = p && s.progress?.evalLoss !== undefined ? overfittingWarning(p) : undefined;
    if (warning) ctx.io.warn(warning);
    for (const w of s.gpus ? sampleWarnings(s.gpus) : []) ctx.io.warn(w);
    return;
  }
  if (format === 'json') {
    ctx.io.print(toJSON(s));
    return;
  }
  printResult(ctx.io, format, { document: s, rows: [s], name: (r) => `workspace.kaito.sh/${r.name}` });
}

function describe(s: WorkspaceSummary, wide: boolean): string {
  const lines: string[] = [];
  const kv = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') lines.push(`${(k + ':').padEnd(14)}${v}`);
  };
  kv('Workspace', `${s.name} (namespace ${s.namespace})`);
  kv('Type', s.type + (s.method ? ` (${s.method})` : ''));
  kv('Preset', s.preset);
  kv('Instance', s.instanceType);
  kv('State', s.state);
  kv('Age', s.age);
  kv('Nodes', s.nodes.join(', ') || (s.targetNodeCount !== undefined ? `0/${s.targetNodeCount}` : undefined));
  if (s.job) kv('Job', `${s.job.name}: ${s.job.state} (active ${s.job.active}, succeeded ${s.job.succeeded}, failed ${s.job.failed})`);
  if (s.endpoint) {
    kv('Endpoint', s.endpoint.loadBalancer ? `http://${s.endpoint.loadBalancer}/` : `${s.endpoint.serviceProxy} (ClusterIP ${s.endpoint.clusterIP ?? 'none'})`);
  }
  if (s.progress) kv('Progress', formatProgress({ ...s.progress, etaS: s.progress.etaSeconds, losses: [], finalLoss: s.progress.trainLoss, evals: s.progress.evalLosses?.map((loss) => ({ loss })) }, { bar: false }));
  if (s.gpus) kv('GPUs', formatGpus(s.gpus) + (s.gpus.some((g) => g.memoryTotalGiB === undefined) ? ' (memory: Kaito\'s metrics server reports none)' : ''));
  if (s.progress?.done) kv('Result', describeResult({ ...s.progress, losses: [], finalLoss: s.progress.trainLoss }));
  if (s.conditions.length) {
    lines.push('Conditions:');
    for (const c of s.conditions) lines.push(`  ${c.type.padEnd(20)} ${c.status.padEnd(8)}${c.reason ? ` ${c.reason}` : ''}${wide && c.message ? `: ${c.message}` : ''}`);
  }
  if (s.pods.length) {
    lines.push('Pods:');
    for (const p of s.pods) lines.push(`  ${p.name}  ${p.phase}  ready ${p.ready}  restarts ${p.restarts}${p.reason ? `  ${p.reason}` : ''}${wide && p.node ? `  on ${p.node}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
