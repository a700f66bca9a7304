// kaito logs [WS] [-f] [-c C] [--tail N] [--since DUR] [--progress]
// Pods are found by Kaito's label kaito.sh/workspace=<ws> (the newest one for tuning; <ws>-0 first for
// inference). The main container is the one named after the workspace (tuning), else the first one.
// --progress turns trainer output into a progress line: redrawn on a TTY, one line per update
// (throttled) otherwise; the progress goes to stdout when it is not a TTY so it can be piped.
import type { CommandContext } from '../../cli/context.js';
import { parseDuration } from '../../core/duration.js';
import { applyEvent, emptyProgress, formatProgress, LineSplitter, parseTrainerLine, type TrainingProgress } from '../../core/trainlog/index.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { watchCollection } from '../../kube/watch.js';
import { resourcePath, type KubeClient, type KubeList, type KubeObject } from '../../kube/index.js';
import { streamLogs } from '../../kube/logs.js';
import { workspaceFor } from '../shared/workspace.js';
import type { ResolvedWorkspace } from '../../kube/resolve.js';
import { getWorkspace, workspaceNotFound } from '../../kube/workspace.js';
import { mainContainerOf } from '../../kube/verdict.js';
import { formatGpus, GpuWatch } from '../../core/gpu-metrics.js';
import { readGpuMetrics, trainerRunning } from '../../kube/gpu-metrics.js';

interface Opts { follow?: boolean; container?: string; tail?: string; since?: string; progress?: boolean }

const THROTTLE_MS = 2000;
const GPU_POLL_MS = 15_000;

export async function run(ctx: CommandContext, opts: Opts, args: unknown[]): Promise<number> {
  const problems: string[] = [];
  let tailLines: number | undefined;
  if (opts.tail !== undefined) {
    tailLines = Number(opts.tail);
    if (!Number.isInteger(tailLines) || tailLines < -1) problems.push(`--tail ${opts.tail} is not a line count (use a number >= 0, or -1 for all)`);
    if (tailLines === -1) tailLines = undefined;
  }
  let sinceSeconds: number | undefined;
  if (opts.since !== undefined) {
    const ms = parseDuration(opts.since);
    if (ms === undefined || ms <= 0) problems.push(`--since ${opts.since} is not a duration (e.g. 10m, 1h)`);
    else sinceSeconds = Math.max(1, Math.ceil(ms / 1000));
  }
  if (problems.length) throw new UsageError(problems.length === 1 ? problems[0] : 'bad flags:', 'fix the flags and run again', problems.length === 1 ? [] : problems);

  const kube = await ctx.kube();
  const ws = await workspaceFor(ctx, kube, args[0] as string | undefined, 'tuning');
  const pod = await pickPod(ctx, kube, ws, Boolean(opts.follow));
  const containers = ((pod.spec as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> })?.containers ?? []).map((c) => c.name);
  const inits = ((pod.spec as { initContainers?: Array<{ name: string }> })?.initContainers ?? []).map((c) => c.name);
  const container = opts.container ?? mainContainerOf(pod, ws.name);
  if (opts.container && ![...containers, ...inits].includes(opts.container))
    throw new UsageError(`container ${opts.container} is not in pod ${pod.metadata.name}`, `use one of: ${[...inits, ...containers].join(', ')}`);
  ctx.debug(`logs of ${pod.metadata.name}/${container}`);

  const stopWhenTerminated = async () => {
    const p = await kube.getOptional<KubeObject>(resourcePath('Pod', ws.namespace, pod.metadata.name), { signal: ctx.signal });
    if (!p) return true;
    const cs = [...((p.status as { containerStatuses?: Array<{ name: string; state?: { terminated?: object } }> })?.containerStatuses ?? []), ...((p.status as { initContainerStatuses?: Array<{ name: string; state?: { terminated?: object } }> })?.initContainerStatuses ?? [])];
    return Boolean(cs.find((c) => c.name === container)?.state?.terminated);
  };

  if (!opts.progress) {
    await streamLogs(kube, { namespace: ws.namespace, pod: pod.metadata.name, container, follow: Boolean(opts.follow), tailLines, sinceSeconds, signal: ctx.signal, onLine: (l) => ctx.io.print(l.text + '\n'), debug: (m) => ctx.debug(m), stopWhenTerminated });
    return 0;
  }

  // --progress: parse, fold, draw
  const split = new LineSplitter();
  let state: TrainingProgress = emptyProgress();
  const live = ctx.io.canAnimate;
  let lastDrawn = '';
  let lastAt = 0;
  // live GPU use while the trainer runs: one reading now, then every GPU_POLL_MS while following (compat T6)
  let gpuText = '';
  const watch = new GpuWatch();
  const sampleGpus = async () => {
    const p = await kube.getOptional<KubeObject>(resourcePath('Pod', ws.namespace, pod.metadata.name), { signal: ctx.signal }).catch(() => undefined);
    if (!p || !trainerRunning(p, container)) {
      gpuText = '';
      return;
    }
    const gpus = await readGpuMetrics(kube, ws.namespace, pod.metadata.name, ctx.signal);
    gpuText = gpus ? formatGpus(gpus) : '';
    for (const w of gpus ? watch.add(gpus, Date.now()) : []) {
      if (live) ctx.io.err.write('\n');
      ctx.io.warn(w);
    }
  };
  await sampleGpus();
  const poll = opts.follow ? setInterval(() => void sampleGpus().then(() => draw()), GPU_POLL_MS) : undefined;
  poll?.unref();
  const draw = (force = false) => {
    const line = formatProgress(state, { bar: true }) + (gpuText && !state.done ? ` · ${gpuText}` : '');
    if (line === lastDrawn) return;
    if (live) {
      ctx.io.err.write(`\r\u001b[2K${line}`);
      lastDrawn = line;
    } else if (force || Date.now() - lastAt >= THROTTLE_MS) {
      ctx.io.print(line + '\n');
      lastDrawn = line;
      lastAt = Date.now();
    }
  };
  await streamLogs(kube, {
    namespace: ws.namespace, pod: pod.metadata.name, container, follow: Boolean(opts.follow), tailLines, sinceSeconds, signal: ctx.signal, debug: (m) => ctx.debug(m), stopWhenTerminated,
    onLine: (l) => {
      for (const seg of split.push(l.text + '\n')) {
        const ev = parseTrainerLine(seg);
        if (!ev) continue;
        const r = applyEvent(state, ev);
        state = r.state;
        if (r.changed) draw(ev.kind === 'metrics' && Boolean(ev.final));
      }
    },
  });
  if (poll) clearInterval(poll);
  for (const seg of split.flush()) {
    const ev = parseTrainerLine(seg);
    if (ev) state = applyEvent(state, ev).state;
  }
  if (state.step === undefined && !state.done && state.preparing === undefined) {
    if (live) ctx.io.err.write('\n');
    ctx.io.info(`no training progress in the log of ${pod.metadata.name}/${container} yet`);
    return 0;
  }
  if (live) {
    draw(true);
    ctx.io.err.write('\n');
  } else draw(true);
  return 0;
}

async function pickPod(ctx: CommandContext, kube: KubeClient, w: ResolvedWorkspace, follow: boolean): Promise<KubeObject> {
  const ns = w.namespace;
  const ws = w.name;
  let pods: KubeObject[];
  try {
    pods = (await kube.get<KubeList>(resourcePath('Pod', ns), { query: { labelSelector: `kaito.sh/workspace=${ws}` }, signal: ctx.signal })).items;
  } catch (e) {
    throw kube.error(e, `list the pods of ${ws}`);
  }
  // no pods: say so only for a workspace that exists (and never wait with -f for one that does not)
  if (pods.length === 0 && !(await getWorkspace(kube, ns, ws, w.apiVersion, ctx.signal))) throw workspaceNotFound(ws, ns);
  if (pods.length === 0 && follow) {
    // -f right after `kaito tune`: wait for the first pod (watched, not polled)
    ctx.io.info(`waiting for a pod of ${ws}...`);
    const found = new AbortController();
    const signal = AbortSignal.any([found.signal, ctx.signal]);
    await watchCollection(kube, { path: resourcePath('Pod', ns), labelSelector: `kaito.sh/workspace=${ws}`, signal, debug: (m) => ctx.debug(m), onChange: (items) => {
      if (items.length > 0) {
        pods = items;
        found.abort();
      }
    } });
    if (ctx.signal.aborted) throw new InterruptedError();
  }
  if (pods.length === 0) {
    // inference pods of older Kaito may carry only the StatefulSet's labels: try <ws>-0
    const p0 = await kube.getOptional<KubeObject>(resourcePath('Pod', ns, `${ws}-0`), { signal: ctx.signal }).catch(() => undefined);
    if (p0) return p0;
    throw new UsageError(`workspace ${ws} has no pods yet`, `see where it is with \`kaito status ${ws}\`, or wait for it with \`kaito wait ${ws}\``);
  }
  const byName = pods.find((p) => p.metadata.name === `${ws}-0`);
  if (byName) return byName;
  return [...pods].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))[0];
}
