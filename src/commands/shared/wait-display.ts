// What a waiting user sees: on a TTY one live ora line with the phase (and, while training, step x/y
// and loss from the trainer's log); off a TTY one plain stderr line per phase change.
// Used by `kaito wait`, `kaito tune --wait` and `kaito deploy --wait`.
import type { CommandContext } from '../../cli/context.js';
import { formatDuration } from '../../core/duration.js';
import { applyEvent, describeTraining, emptyProgress, LineSplitter, parseTrainerLine, type TrainingProgress } from '../../core/trainlog/index.js';
import type { KubeClient } from '../../kube/client.js';
import { streamLogs } from '../../kube/logs.js';
import { mainContainerOf, waitForWorkspace, type Phase, type WaitOptions, type WaitResult } from '../../kube/wait.js';

interface Spinner { text: string; start(): Spinner; stop(): Spinner; succeed(t?: string): Spinner; fail(t?: string): Spinner }

export async function waitWithProgress(ctx: CommandContext, kube: KubeClient, o: Omit<WaitOptions, 'onPhase' | 'signal'>): Promise<WaitResult> {
  const ns = o.namespace ?? kube.namespace;
  const started = ctx.now();
  let spinner: Spinner | undefined;
  if (ctx.io.canAnimate) {
    const { default: ora } = await import('ora');
    spinner = ora({ stream: ctx.io.err, text: `${o.name}: waiting`, discardStdin: false }).start() as unknown as Spinner;
  }
  let phase: Phase | undefined;
  let detail: string | undefined;
  let progress: TrainingProgress = emptyProgress();
  let logAbort: AbortController | undefined;
  let followedPod: string | undefined;
  const render = () => {
    const what = phase === 'training' ? describeTraining(progress) : phase ?? 'waiting';
    return `${o.name}: ${what}${detail && phase !== 'training' ? ` (${detail})` : ''} [${formatDuration(ctx.now() - started)}]`;
  };
  // the elapsed time ticks even while nothing changes (a local timer: no requests)
  const ticker = spinner ? setInterval(() => {
    if (spinner) spinner.text = render();
  }, 1000) : undefined;
  const stopLogs = () => {
    logAbort?.abort();
    logAbort = undefined;
    followedPod = undefined;
  };
  try {
    const result = await waitForWorkspace(kube, {
      ...o,
      signal: ctx.signal,
      debug: (m) => ctx.debug(m),
      onPhase: (p, d, obs) => {
        const changed = p !== phase;
        phase = p;
        detail = d;
        if (spinner) spinner.text = render();
        else if (changed) ctx.io.info(`${o.name}: ${p}${d ? ` (${d})` : ''}`);
        // live training progress only where it can be drawn: the trainer's log, followed (no polling)
        const pod = obs.pods.find((x) => (x.status as { phase?: string } | undefined)?.phase === 'Running');
        if (spinner && p === 'training' && pod && pod.metadata.name !== followedPod) {
          stopLogs();
          followedPod = pod.metadata.name;
          logAbort = new AbortController();
          const split = new LineSplitter();
          const signal = AbortSignal.any([logAbort.signal, ctx.signal]);
          void streamLogs(kube, {
            namespace: ns, pod: pod.metadata.name, container: mainContainerOf(pod, o.name), follow: true, tailLines: 200, signal,
            onLine: (l) => {
              for (const seg of split.push(l.text + '\n')) {
                const ev = parseTrainerLine(seg);
                if (!ev) continue;
                const r = applyEvent(progress, ev);
                progress = r.state;
                if (r.changed && spinner && phase === 'training') spinner.text = render();
              }
            },
          }).catch(() => undefined);
        } else if (p !== 'training') stopLogs();
      },
    });
    // a re-run on a finished workspace waited for nothing: say so instead of "after 35ms"
    const line = result.already ? `${o.name}: ${result.message} (already; nothing to wait for)` : `${o.name}: ${result.message} after ${formatDuration(result.elapsedMs)}`;
    spinner?.succeed(line);
    if (!spinner) ctx.io.info(line);
    return result;
  } catch (e) {
    spinner?.fail(`${o.name}: ${ctx.signal.aborted ? `interrupted (${phase ?? 'waiting'})` : phase ?? 'waiting'}`);
    throw e;
  } finally {
    if (ticker) clearInterval(ticker);
    stopLogs();
    spinner?.stop();
  }
}
