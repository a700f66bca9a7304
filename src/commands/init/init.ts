// `kaito init`: collect the answers (flags, then questions or defaults), write kaito.yaml, show what to run next.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { resolveTarget } from '../../cli/context.js';
import { parseProjectConfig, projectConfigPath, type ProjectConfig } from '../../config/project.js';
import { renderProjectConfig, writeProjectConfig } from '../../config/writer.js';
import { ExitCode, UsageError } from '../../errors.js';
import { evalSplitProblem } from '../../core/training-config.js';
import { isTruthyEnv } from '../../ui/iostreams.js';
import { parseOutputFormat, printResult } from '../../ui/printer.js';
import type { Prompter } from '../../ui/prompts.js';
import type { AnswerKey, InitAnswers } from './answers.js';
import { liveSources } from './live-sources.js';
import { nextSteps } from './next-steps.js';
import type { InitSources } from './sources.js';
import { runWizard, type WizardResult } from './wizard.js';
import { OUTPUT_INIT as OUTPUT } from '../output-formats.js';

/** The flags of `kaito init` (def.ts): one per answer that is not a global flag, and how to run. */
export type InitOptions = Pick<InitAnswers, 'preset' | 'method' | 'dataset' | 'datasetImage' | 'datasetPvc' | 'outputImage' | 'pushSecret' | 'outputPvc' | 'instanceType' | 'nodepool' | 'workspace'> & {
  force?: boolean;
  auth?: string;
  skipDatasetCheck?: boolean;
  /** written to tune.evalSplit / tune.deleteAfter as given (no question is asked about them) */
  evalSplit?: string;
  deleteAfter?: boolean;
};

/** Test seams: a scripted prompter and fake lookups instead of the terminal and the network. */
export interface InitDeps {
  prompter?: Prompter;
  sources?: InitSources;
  cwd?: string;
}

export async function run(ctx: CommandContext, opts: InitOptions, _args: unknown[] = [], deps: InitDeps = {}): Promise<number> {
  const { io, globals: g } = ctx;
  const format = parseOutputFormat(g.output, OUTPUT.init, 'text');
  const cwd = deps.cwd ?? io.cwd;
  const path = projectConfigPath(g.config ?? io.env.KAITO_CONFIG, cwd);
  const shown = relative(cwd, path) || path;
  if (!existsSync(dirname(path))) throw new UsageError(`cannot write ${shown}: the folder ${dirname(path)} does not exist`, 'create it, or pass another --config');
  if (opts.evalSplit !== undefined) {
    const why = evalSplitProblem(opts.evalSplit);
    if (why) throw new UsageError(`--eval-split ${why} (got "${opts.evalSplit}")`, 'pass e.g. --eval-split 0.1, or drop it; nothing was written');
  }
  const prompter = deps.prompter ?? (io.canPrompt ? ctx.prompter() : undefined);

  // 1. An existing file: ask before overwriting it (before the questions, not after them)
  let existing: ProjectConfig = {};
  if (existsSync(path)) {
    if (!opts.force && !g.yes) {
      if (!prompter) throw new UsageError(`${shown} already exists`, 'pass --force to overwrite it (nothing was changed)');
      const ok = await prompter.confirm({ message: `${shown} already exists. Overwrite it?`, default: false });
      if (!ok) {
        io.info(`kept ${shown}; nothing was changed`);
        return ExitCode.OK;
      }
    }
    try {
      existing = parseProjectConfig(readFileSync(path, 'utf8'), shown);
    } catch (e) {
      // it is being replaced: its values just cannot serve as defaults
      io.warn(`${shown} is not valid (${(e as Error).message}); its values are not reused`);
    }
  }

  // 2. Answers: flags are final; environment and the existing file are defaults
  const blank = (v: string | undefined) => (v === '' ? undefined : v);
  const flags: InitAnswers = {
    subscription: blank(g.subscription),
    resourceGroup: blank(g.resourceGroup),
    cluster: blank(g.cluster),
    context: blank(g.context),
    namespace: blank(g.namespace),
    armEndpoint: blank(g.armEndpoint),
    preset: blank(opts.preset),
    method: opts.method,
    dataset: opts.dataset?.length ? opts.dataset : undefined,
    datasetImage: blank(opts.datasetImage),
    datasetPvc: blank(opts.datasetPvc),
    outputImage: blank(opts.outputImage),
    pushSecret: blank(opts.pushSecret),
    outputPvc: blank(opts.outputPvc),
    instanceType: blank(opts.instanceType),
    nodepool: blank(opts.nodepool),
    workspace: blank(opts.workspace),
  };
  for (const k of Object.keys(flags) as AnswerKey[]) if (flags[k] === undefined) delete flags[k];
  const { defaults, defaultSource } = defaultsFrom(io.env, existing, path);

  const sources =
    deps.sources ??
    liveSources({
      env: io.env,
      kubeconfig: g.kubeconfig,
      armEndpoint: flags.armEndpoint ?? defaults.armEndpoint,
      auth: opts.auth,
      skipDatasetCheck: opts.skipDatasetCheck,
      debug: (m) => ctx.debug(m),
      warn: (m) => io.warn(m),
      info: (m) => io.info(io.color.dim(m)),
      kube: (target) => ctx.kube(target),
      // one try per request: the wizard's lists must not hang on a throttled subscription
      arm: () => ctx.arm(opts.auth, { armEndpoint: flags.armEndpoint ?? defaults.armEndpoint, maxRetries: 1 }),
    });

  const result = await runWizard({
    flags,
    defaults,
    defaultSource,
    prompter,
    noPromptReason: g.input === false ? '--no-input' : isTruthyEnv(io.env.CI) ? 'CI is set' : 'stdin is not a terminal',
    sources,
    info: (l) => io.info(l.startsWith('  ') ? io.color.dim(l) : io.color.bold(l)),
    warn: (l) => io.warn(l),
    debug: (l) => ctx.debug(l),
  });

  // 3. Write, keeping what init does not ask about (deploy defaults, labels, node provisioning)
  const config = toProjectConfig(result, existing);
  // not asked: kept from the file unless a flag sets them
  const evalSplit = opts.evalSplit !== undefined ? String(Number(opts.evalSplit.trim())) : existing.tune?.evalSplit;
  const deleteAfter = opts.deleteAfter ? 'true' : existing.tune?.deleteAfter;
  config.tune = { ...config.tune, ...(evalSplit !== undefined ? { evalSplit } : {}), ...(deleteAfter !== undefined ? { deleteAfter } : {}), ...(existing.tune?.logsDir !== undefined ? { logsDir: existing.tune.logsDir } : {}) };
  const text = renderProjectConfig(config);
  parseProjectConfig(text, shown); // a file init writes must load: fail here rather than in the next command
  writeProjectConfig(path, config);
  io.info(`${io.color.green('✓')} wrote ${shown}`);
  if (prompter) {
    io.info('');
    io.info('Next steps:');
    for (const l of nextSteps(result)) io.info(l);
    // issue 14: what the choices would cost
    const { initEstimateLines } = await import('../shared/estimate.js');
    const a = result.answers;
    io.info('');
    for (const l of await initEstimateLines(ctx, { preset: a.preset, method: a.method, instanceType: a.instanceType ?? result.suggestedSku, size: result.datasetSize, region: result.location })) io.info(l);
  }
  if (format === 'yaml') io.print(text);
  else if (format === 'json') printResult(io, 'json', { document: config });
  return ExitCode.OK;
}

/** resolveTarget's environment + kaito.yaml layers, without the flags, plus the file's tune section. */
function defaultsFrom(env: NodeJS.ProcessEnv, existing: ProjectConfig, path: string): { defaults: InitAnswers; defaultSource: Partial<Record<AnswerKey, string>> } {
  const t = resolveTarget({ input: true, color: true }, env, { path, exists: true, config: existing });
  const tune = existing.tune ?? {};
  const defaults: InitAnswers = {
    subscription: t.subscription,
    resourceGroup: t.resourceGroup,
    cluster: t.cluster,
    context: t.context,
    namespace: t.namespace,
    armEndpoint: t.armEndpoint,
    preset: tune.preset,
    method: tune.method,
    dataset: tune.dataset,
    datasetImage: tune.datasetImage,
    datasetPvc: tune.datasetPvc,
    outputImage: tune.outputImage,
    pushSecret: tune.pushSecret,
    outputPvc: tune.outputPvc,
    instanceType: tune.instanceType,
    nodepool: tune.nodepool,
    workspace: tune.name,
  };
  for (const k of Object.keys(defaults) as AnswerKey[]) if (defaults[k] === undefined) delete defaults[k];
  const c = existing.cluster ?? {};
  const envName = (k: AnswerKey, names: string[], fileValue: string | undefined): string | undefined =>
    names.find((n) => env[n] && env[n] === defaults[k]) ?? (fileValue !== undefined ? 'kaito.yaml' : undefined);
  const defaultSource: Partial<Record<AnswerKey, string>> = {
    subscription: envName('subscription', ['AZURE_SUBSCRIPTION_ID'], c.subscription),
    resourceGroup: envName('resourceGroup', ['KAITO_RESOURCE_GROUP', 'AZURE_RESOURCE_GROUP'], c.resourceGroup),
    cluster: envName('cluster', ['KAITO_CLUSTER'], c.name),
    context: envName('context', ['KAITO_CONTEXT'], c.kubeContext),
    namespace: envName('namespace', ['KAITO_NAMESPACE'], c.namespace),
    armEndpoint: envName('armEndpoint', ['KAITO_ARM_ENDPOINT'], c.armEndpoint),
  };
  return { defaults, defaultSource };
}

function toProjectConfig(r: WizardResult, existing: ProjectConfig): ProjectConfig {
  const a = r.answers;
  return {
    cluster: {
      subscription: a.subscription,
      resourceGroup: a.resourceGroup,
      name: a.cluster,
      kubeContext: a.context,
      namespace: a.namespace,
      armEndpoint: a.armEndpoint,
      nodeProvisioning: existing.cluster?.nodeProvisioning,
    },
    tune: {
      preset: a.preset,
      method: a.method,
      name: a.workspace,
      dataset: a.dataset,
      datasetImage: a.datasetImage,
      datasetPvc: a.datasetPvc,
      outputImage: a.outputImage,
      pushSecret: a.pushSecret,
      outputPvc: a.outputPvc,
      instanceType: a.instanceType,
      nodepool: a.nodepool,
      labels: existing.tune?.labels,
    },
    deploy: existing.deploy,
    workspace: a.workspace ?? existing.workspace,
  };
}
