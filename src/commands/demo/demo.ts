// `kaito demo [--speed X]`: the whole lifecycle against a throw-away sandbox started in this process,
// narrated for a newcomer. Every step is a real child process of this same CLI with the sandbox's
// environment (and nothing of the user's: no KUBECONFIG, AZURE_*, kaito.yaml), so the demo exercises
// exactly the code users run. Exit 0 when every step passed; 1 naming the step that failed; 130 on Ctrl-C.
// Whatever happens, the children are reaped, the sandbox is stopped and its temp directory removed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { formatDuration } from '../../core/duration.js';
import { datasetsDir } from '../../paths.js';
import { InterruptedError, OperationError, UsageError } from '../../errors.js';
import type { Sandbox } from '../../sandbox/index.js';
import { parseOutputFormat, printResult, type OutputFormat } from '../../ui/printer.js';
import { registerSecret } from '../../ui/redact.js';
import { startChild, type ChildResult, type RunningChild } from './child.js';
import { Narrator } from './narrator.js';
import { askThroughProxy } from './openai-request.js';
import * as plan from './plan.js';
import { stepFailed, summaryDocument, summaryTable, type StepRecord } from './summary.js';
import { OUTPUT_DEMO as OUTPUT } from '../output-formats.js';

interface Opts {
  speed?: string;
  fault?: string[];
}

/** numbered steps (the progress view runs inside "wait") */
const TOTAL_STEPS = 9;
/** no step takes more than ~2 emulated hours; never less than 3 real minutes (a loaded machine) */
const stepTimeoutMs = (speed: number) => Math.max(3 * 60_000, Math.ceil((2 * 3_600_000) / speed));
/** how long the progress view may take to notice the trainer has ended, once wait is done */
const PROGRESS_GRACE_MS = 15_000;

class StepFailed extends Error {
  constructor(readonly record: StepRecord) {
    super(`step ${record.name} failed`);
  }
}

export async function run(ctx: CommandContext, opts: Opts): Promise<number> {
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, OUTPUT.demo, 'json');
  const { speed, faults } = await parseOptions(opts);
  const script = runningScript();
  const { startSandbox } = await import('../../sandbox/index.js');

  const started = Date.now();
  const say = new Narrator(ctx.io);
  const root = mkdtempSync(join(tmpdir(), 'kaito-demo-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const live = new Set<RunningChild>();
  // last resort when the process exits under us (a second Ctrl-C exits at once): no child, no files left
  const onExit = () => {
    for (const c of live) c.kill();
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', onExit);

  const steps: StepRecord[] = [];
  let sb: Sandbox | undefined;
  let outcome: 'ok' | 'failed' | 'interrupted' = 'ok';
  try {
    say.title(`kaito demo: the whole Kaito lifecycle on a throw-away local sandbox (time runs x${speed})`);
    say.line();
    say.line('The sandbox emulates an AKS cluster with Kaito, Azure Resource Manager and the inference server over');
    say.line('real HTTPS on 127.0.0.1: no Azure account, no GPU, nothing leaves this machine. Each step below runs the');
    say.line('real `kaito` command, as you would type it, pointed at the sandbox by its environment (`kaito sandbox env`).');
    sb = await startSandbox({
      port: 0,
      stateDir: join(root, 'sandbox'),
      speed,
      faults,
      log: ctx.globals.debug ? (l) => ctx.debug(l) : undefined,
    });
    say.ok(`sandbox running at ${sb.url}${faults.length ? ` with faults ${faults.join(', ')}` : ''} (files in ${root}, removed at the end)`);

    const runner = new StepRunner(ctx, say, sb, script, home, live, steps, stepTimeoutMs(speed));
    await runner.lifecycle(join(datasetsDir(), plan.DEMO.localDatasetFile), plan.outputImage(sb.port));
  } catch (e) {
    if (e instanceof StepFailed) outcome = 'failed';
    else if (ctx.signal.aborted) outcome = 'interrupted';
    else throw e;
  } finally {
    // reap every child before the sandbox they talk to goes away
    for (const c of live) c.interrupt();
    await Promise.all([...live].map((c) => c.done));
    await sb?.stop().catch((e: Error) => ctx.debug(`stopping the sandbox: ${e.message}`));
    rmSync(root, { recursive: true, force: true });
    process.off('exit', onExit);
  }

  const totalMs = Date.now() - started;
  say.line();
  say.title('Summary');
  for (const l of summaryTable(steps, totalMs).trimEnd().split('\n')) say.line(`  ${l}`);
  const doc = summaryDocument(steps, speed, totalMs);
  if (format) printResult(ctx.io, format as OutputFormat, { document: doc });

  if (outcome === 'interrupted') {
    say.line('interrupted: the children are stopped, the sandbox is stopped and its files are removed');
    throw new InterruptedError();
  }
  const failed = steps.find(stepFailed);
  if (outcome === 'failed' || failed) {
    const f = failed!;
    throw new OperationError(
      `the demo failed at step "${f.name}": \`${f.command}\` ${f.exitCode !== 0 ? `exited with code ${f.exitCode}` : 'exited normally'}${f.error ? ` (${f.error})` : ''}`,
      'its output is above, under the step; the sandbox is stopped and its files are removed',
    );
  }
  say.line();
  say.ok(`the demo passed: ${TOTAL_STEPS} steps in ${formatDuration(totalMs)}; the sandbox is stopped and its files are removed`);
  say.line('On a real cluster: az login, `kaito init`, `kaito doctor`, then the same commands (see the README).');
  return 0;
}

async function parseOptions(opts: Opts): Promise<{ speed: number; faults: string[] }> {
  const problems: string[] = [];
  const raw = opts.speed ?? String(plan.DEFAULT_SPEED);
  const speed = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !Number.isFinite(speed) || speed <= 0 || speed > 100_000)
    problems.push(`--speed ${raw}: use a positive number up to 100000, e.g. --speed ${plan.DEFAULT_SPEED}`);
  const faults = opts.fault ?? [];
  const { parseFaults } = await import('../../sandbox/context.js');
  try {
    parseFaults(faults);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length === 1) throw new UsageError(problems[0]);
  if (problems.length) throw new UsageError('invalid demo options', 'fix them and run again', problems);
  return { speed, faults };
}

/** The script this process runs (bin/kaito.js, or the npm bin link to it): the children run the same one. */
function runningScript(): string {
  const s = process.argv[1];
  if (!s || !existsSync(s)) throw new OperationError('cannot tell which kaito script is running, so the demo cannot start its steps', 'run it as `kaito demo` or `node bin/kaito.js demo`');
  return realpathSync(s);
}

class StepRunner {
  private n = 0;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly ctx: CommandContext,
    private readonly say: Narrator,
    private readonly sb: Sandbox,
    private readonly script: string,
    private readonly home: string,
    private readonly live: Set<RunningChild>,
    private readonly steps: StepRecord[],
    private readonly timeoutMs: number,
  ) {
    // built from scratch: nothing of the user's cluster or Azure login may reach the children
    this.env = { PATH: ctx.io.env.PATH ?? '/usr/bin:/bin', HOME: home, ...sb.env };
    if (ctx.io.env.NO_COLOR !== undefined || !ctx.io.colorEnabled) this.env.NO_COLOR = '1';
  }

  async lifecycle(dataset: string, image: string): Promise<void> {
    await this.simple(plan.doctorStep());
    const password = randomBytes(18).toString('base64url');
    registerSecret(password);
    await this.simple(plan.tuneStep(dataset, image), { input: password });
    const timeout = `${Math.ceil(this.timeoutMs / 60_000)}m`;
    await this.waitWithProgress(timeout);
    await this.simple(plan.adapterStep(image));
    await this.simple(plan.deployStep(timeout));
    await this.simple(plan.chatStep(), { stream: true });
    await this.proxy();
    await this.simple(plan.deleteStep(plan.DEMO.chatWs));
    await this.simple(plan.deleteStep(plan.DEMO.tuneWs));
  }

  private args(p: plan.StepPlan): string[] {
    return this.ctx.globals.debug ? [...p.args, '--debug'] : p.args;
  }

  private header(p: plan.StepPlan): string {
    // Ctrl-C while the sandbox was starting or between steps: start nothing more
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
    this.n += 1;
    this.say.step(this.n, TOTAL_STEPS, p.name, p.title, p.why);
    const line = plan.commandLine(this.args(p), p.stdinShown);
    this.say.command(line);
    return line;
  }

  private start(p: plan.StepPlan, o: { input?: string; stream?: boolean; prefix?: string; onStdout?: (chunk: string) => void } = {}) {
    const out = this.say.output(Boolean(o.stream), o.prefix);
    let stderr = '';
    const waiters = new Set<() => void>();
    const child = startChild({
      node: process.execPath,
      script: this.script,
      args: this.args(p),
      env: this.env,
      cwd: this.home,
      input: o.input,
      // a little later than the --timeout the step was given, so its own timeout message comes first
      timeoutMs: this.timeoutMs + 30_000,
      signal: this.ctx.signal,
      onOutput: (chunk, from) => {
        out.write(chunk, from);
        if (from === 'out') o.onStdout?.(chunk);
        else {
          stderr += chunk;
          for (const w of waiters) w();
        }
      },
    });
    this.live.add(child);
    const done = child.done.then((r) => {
      this.live.delete(child);
      out.end();
      for (const w of waiters) w();
      return r;
    });
    /** resolves once the child's stderr matches (or it ended, or ms passed): keeps the narration in order */
    const stderrShows = (re: RegExp, ms: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!re.test(stderr) && child.pid !== undefined && this.live.has(child)) return;
          waiters.delete(check);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          resolve();
        }, ms);
        waiters.add(check);
        check();
      });
    return { child, done, stderrShows };
  }

  private record(name: string, command: string, r: ChildResult, pid: number | undefined, error?: string): StepRecord {
    const rec: StepRecord = { name, command, exitCode: r.exitCode, ms: r.ms, ...(pid ? { pid } : {}), ...(error ? { error } : {}) };
    this.steps.push(rec);
    return rec;
  }

  /** result line; throws when interrupted or failed */
  private conclude(rec: StepRecord, r: ChildResult): void {
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
    if (!stepFailed(rec)) return this.say.ok(`${rec.name} done`, r.ms);
    const why = r.timedOut ? `did not finish within ${formatDuration(this.timeoutMs + 30_000)}` : rec.error ?? `exited with code ${rec.exitCode}`;
    this.say.fail(`${rec.name} failed: ${why}`, r.ms);
    throw new StepFailed(rec);
  }

  private async simple(p: plan.StepPlan, o: { input?: string; stream?: boolean } = {}): Promise<void> {
    const command = this.header(p);
    const { child, done } = this.start(p, o);
    const r = await done;
    this.conclude(this.record(p.name, command, r, child.pid), r);
  }

  /**
   * `kaito wait` decides the step; next to it `kaito logs --follow --progress` shows the trainer's progress.
   * The progress view starts once the trainer runs (before that the pod has no log to follow): that moment
   * is read from the in-process sandbox, which is what a user would see with `kaito status`.
   */
  private async waitWithProgress(timeout: string): Promise<void> {
    const p = plan.waitStep(timeout);
    const command = this.header(p);
    const waiting = this.start(p);
    const pp = plan.progressStep(true);
    let progress: { child: RunningChild; done: Promise<ChildResult>; command: string } | undefined;
    const startProgress = (follow: boolean) => {
      const q = plan.progressStep(follow);
      const line = plan.commandLine(this.args(q));
      this.say.command(line);
      return { ...this.start(q, { prefix: '  ┆ ' }), command: line };
    };
    const poll = setInterval(() => {
      if (!progress && !this.ctx.signal.aborted && this.trainerRunning()) progress = startProgress(true);
    }, 200);
    let r: ChildResult;
    try {
      r = await waiting.done;
    } finally {
      clearInterval(poll);
    }
    const waitRec = this.record(p.name, command, r, waiting.child.pid);
    let pr: ChildResult | undefined;
    if (progress) {
      // it ends by itself when the trainer container has terminated
      const grace = setTimeout(() => progress?.child.interrupt(), PROGRESS_GRACE_MS);
      pr = await progress.done;
      clearTimeout(grace);
    } else if (!stepFailed(waitRec) && !this.ctx.signal.aborted) {
      // the training was over before the view could start: show the final state instead
      progress = startProgress(false);
      pr = await progress.done;
    }
    const progressRec = progress && pr ? this.record(pp.name, progress.command, pr, progress.child.pid) : undefined;
    this.conclude(waitRec, r);
    if (progressRec && pr) this.conclude(progressRec, pr);
  }

  private trainerRunning(): boolean {
    const pods = this.sb.ctx.store.list('/pods', 'default', (o) => o.metadata.labels?.['kaito.sh/workspace'] === plan.DEMO.tuneWs);
    return pods.items.some((o) => (o.status as { phase?: string } | undefined)?.phase === 'Running');
  }

  /** `kaito proxy --port 0`: read the URL it prints, send one OpenAI request through it, stop it. */
  private async proxy(): Promise<void> {
    const p = plan.proxyStep();
    const command = this.header(p);
    let stdout = '';
    let gotUrl: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => (gotUrl = resolve));
    const running = this.start(p, {
      onStdout: (chunk) => {
        stdout += chunk;
        const m = /^(https?:\/\/\S+)\r?\n/.exec(stdout);
        if (m) gotUrl(m[1]);
      },
    });
    const base = await Promise.race([url, running.done.then(() => undefined)]);
    let error: string | undefined;
    if (base === undefined) error = 'the proxy ended without printing its URL';
    else {
      await running.stderrShows(/forwarding /, 5_000);
      this.say.note(`→ GET ${base}/models, then POST ${base}/chat/completions (what any OpenAI client sends)`);
      try {
        const a = await askThroughProxy(base, plan.DEMO.tuneWs, plan.DEMO.proxyQuestion, this.ctx.signal);
        // the proxy logs the request once the answer has been sent: let its line come first
        await running.stderrShows(/POST \/v1\/chat\/completions/, 2_000);
        this.say.note(`← ${a.model}: ${a.answer}`);
      } catch (e) {
        error = this.ctx.signal.aborted ? undefined : (e as Error).message;
      }
      this.say.note('stopping the proxy (Ctrl-C)');
      running.child.interrupt();
    }
    const r = await running.done;
    this.conclude(this.record(p.name, command, r, running.child.pid, error), r);
  }
}
