// kaito tune: preflight against the cluster, then server-side apply of the (optional) push Secret, the
// tuning ConfigMap and the Workspace — the same objects `kaito render tune` prints — and optionally wait.
//
// -o json prints one document:
//   { workspace, namespace, apiVersion, action: created|configured|unchanged|dry-run,
//     dryRun?: "server", objects: [{kind, name, action, note?}],
//     wait?: {for, phase, message, elapsedMs} }
// -o name prints workspace.kaito.sh/NAME; -o yaml the same document as YAML. Without -o: human lines on stderr only.
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { applyAndReport, clusterFacts, parseDurationFlag, printManifests, printSubmitResult, throwIfProblems, withClusterProblems } from '../shared/submit.js';
import { renderTuning, type TuneFlags, type TuneInput } from '../../core/render/index.js';
import { tuneInput } from '../shared/flag-input.js';
import { UsageError } from '../../errors.js';
import { type KubeClient, type KubeObject } from '../../kube/index.js';
import { dockerConfigSecret, readSecretFromStdin } from '../../kube/secrets.js';
import { waitWithProgress } from '../shared/wait-display.js';
import { DEFAULT_TIMEOUT_MS, type WaitResult } from '../../kube/wait.js';
import { exists, getWorkspace } from '../../kube/workspace.js';
import { WORKSPACE_LABEL, tuningConfigMapPrefix } from '../../core/render/types.js';
import { parseOutputFormat } from '../../ui/printer.js';
import { afterOptions, afterSuccess } from './after.js';
import { checkRegionFlag, clusterRegion, enforceMaxCost, needsConfirmation, parseMaxCost, saveTuneEstimate, tuningEstimate } from '../shared/estimate.js';
import { formatUsd } from '../../core/estimate/index.js';
import type { DatasetReport } from '../../core/dataset/types.js';
import { OUTPUT_TUNE as OUTPUT } from '../output-formats.js';

interface Opts extends TuneFlags {
  dryRun?: 'client' | 'server';
  skipDatasetCheck?: boolean;
  maxCost?: string;
  region?: string;
  wait?: boolean;
  timeout?: string;
  deleteAfter?: boolean;
  logsDir?: string;
}

export async function run(ctx: CommandContext, flags: Opts): Promise<number> {
  const project = ctx.project().config;
  // issue 13: a local --dataset file becomes --dataset-image TARGET (pushed below, after the preflight)
  const { planLocalDataset, addDataPullSecret } = await import('../shared/local-dataset.js');
  const local = await planLocalDataset(ctx, flags, project.tune);
  const opts: Opts = local.opts;
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, OUTPUT.tune, 'yaml');
  const timeoutMs = parseDurationFlag('--timeout', opts.timeout);
  if (opts.wait && opts.dryRun) throw new UsageError('--wait cannot be combined with --dry-run', 'drop one of them');
  const after = afterOptions(opts, project.tune, ctx.io.cwd);
  const maxCost = parseMaxCost(opts.maxCost);
  const regionFlag = await checkRegionFlag(opts.region);

  // --dry-run=client is `kaito render tune`: no cluster needed
  if (opts.dryRun === 'client') {
    const { input, warnings } = tuneInput(opts, project.tune, renderOnlyContext(ctx));
    addDataPullSecret(input, local.plan);
    if (local.plan) ctx.io.info(`note: --dry-run=client: ${local.plan.path} would be pushed as ${local.plan.image}; nothing was pushed`);
    for (const w of warnings) ctx.io.warn(w);
    const objects = renderTuning(input);
    // --max-cost applies here as on `kaito render tune` (no cluster: --region names the region)
    if (maxCost !== undefined) await (await import('../render/tune.js')).renderEstimate(ctx, input, regionFlag, maxCost);
    printManifests(ctx, format, objects, input.name);
    return 0;
  }

  const kube = await ctx.kube();
  const ns = kube.namespace;
  // 1. what the cluster runs
  const { api, mode, vmSize, release, problems } = await clusterFacts(ctx, kube, { ...opts, command: 'tune' }, project.tune);

  // 2. flags -> input (same path as render), with the cluster's facts
  let parsed: ReturnType<typeof tuneInput>;
  try {
    parsed = tuneInput(opts, project.tune, {
      namespace: ns,
      detectedNodeProvisioning: mode,
      nodepoolVmSize: vmSize,
      kaitoVersion: release, // compat R6: the presets, runtimes and SKUs of the Kaito the cluster runs
      defaultApiVersion: api.apiVersion,
      readFile: (p) => readFileSync(p, 'utf8'),
    });
  } catch (e) {
    // report the cluster's findings together with the flag problems
    throw withClusterProblems(e, problems);
  }
  const { input, warnings } = parsed;
  addDataPullSecret(input, local.plan);
  if (!api.served.includes(input.apiVersion.split('/')[1])) problems.push(`--api-version ${input.apiVersion} is not served by this cluster (it serves kaito.sh/${api.served.join(', kaito.sh/')})`);

  // 3. the things the workspace refers to must exist
  await preflightReferences(kube, input, problems, ctx.signal);
  throwIfProblems(problems);
  for (const w of warnings) ctx.io.warn(w);
  const report = input.dataset.kind === 'urls' && !opts.skipDatasetCheck ? await checkDataset(ctx, input) : undefined;

  // stdin holds one password: it serves the data push and the push Secret. It is read (and an empty stdin
  // refused) before the estimate, so a bad input gets its one error without a cost report in front of it
  let stdinPassword: string | undefined;
  const readPassword = async () => (stdinPassword ??= await readSecretFromStdin(ctx.io.in, '--registry-password-stdin'));
  if (opts.registryPasswordStdin && (local.plan || (input.createPushSecret && input.output.kind === 'image'))) await readPassword();

  // 3b. issue 14: the time and cost estimate, before anything is created; --max-cost and the TTY question
  const region = regionFlag ?? (await clusterRegion(kube, ctx.signal));
  const est = await tuningEstimate(ctx, input, {
    report,
    skipped: opts.skipDatasetCheck ? 'the dataset check was skipped (--skip-dataset-check)' : undefined,
    region,
    regionHint: 'no node carries topology.kubernetes.io/region: pass --region',
  });
  for (const l of est.lines) ctx.io.info(l);
  enforceMaxCost(est, maxCost);
  if (!dry0(opts) && needsConfirmation(ctx, est)) {
    const ok = await ctx.prompter().confirm({ message: `Start tuning (up to ${formatUsd(est.json.usd!.high)})?`, default: false });
    if (!ok) throw new UsageError('tuning not started: the estimate was declined (nothing was created)', 'pass -y to skip the question, or --max-cost USD to set a limit instead');
  }

  if (local.plan) {
    if (opts.dryRun === 'server') ctx.io.info(`note: --dry-run=server: ${local.plan.path} would be pushed as ${local.plan.image}; nothing was pushed`);
    else await pushLocalDataset(ctx, local.plan, opts, opts.registryPasswordStdin ? await readPassword() : undefined);
  }

  // 4. objects: the push Secret (from stdin) first, then what render produces
  const objects: KubeObject[] = [];
  if (input.createPushSecret && input.output.kind === 'image') {
    const password = await readPassword();
    objects.push(dockerConfigSecret(input.createPushSecret.name, ns, input.output.image, input.createPushSecret.username, password));
  }
  for (const o of renderTuning(input)) objects.push({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } } as KubeObject);

  const dry = opts.dryRun === 'server';
  const cm = input.tuningConfig.kind === 'rendered' ? objects.find((o) => o.kind === 'ConfigMap') : undefined;
  const cmExists = cm ? await exists(kube, 'ConfigMap', ns, cm.metadata.name, ctx.signal) : true;
  if (cm && !cmExists && !dry) {
    // compat R20: ConfigMaps are not watched, so only a new tuning.config name makes Kaito re-run
    const live = await getWorkspace(kube, ns, input.name, input.apiVersion, ctx.signal);
    const liveCfg = (live?.tuning as { config?: string } | undefined)?.config;
    if (live && liveCfg !== cm.metadata.name) ctx.io.warn('training config changed: Kaito re-runs tuning');
  }
  if (dry && cm && !cmExists) {
    // compat A30: Kaito's webhook GETs tuning.config also on a dry run, and a dry run never creates it: dry-run the
    // Workspace without tuning.config (the webhook checks the default template); the ConfigMap content was checked
    // by render (assertRenderable) and the ConfigMap itself gets its own server dry run below.
    ctx.io.info(`note: ConfigMap ${cm.metadata.name} does not exist yet: the Workspace is dry-run against the default ${input.method}-params-template, the ConfigMap is checked on its own`);
    const i = objects.findIndex((o) => o.kind === 'Workspace');
    const w = objects[i] as KubeObject & { tuning?: Record<string, unknown> };
    const { config: _drop, ...rest } = w.tuning ?? {};
    objects[i] = { ...w, tuning: rest } as KubeObject;
  }
  const { applied, workspace } = await applyAndReport(ctx, kube, objects, dry);
  if (!dry && cm) await deleteOlderTuningConfigs(ctx, kube, input.name, cm.metadata.name);
  if (!dry && workspace.action !== 'unchanged') await saveTuneEstimate(ctx, kube.server, ns, input.name, est.json);

  let waited: WaitResult | undefined;
  let finished: Awaited<ReturnType<typeof afterSuccess>> = {};
  if (opts.wait) {
    waited = await waitWithProgress(ctx, kube, { name: input.name, namespace: ns, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS.tuning, apiVersion: input.apiVersion });
    finished = await afterSuccess(ctx, kube, { name: input.name, apiVersion: input.apiVersion, deleteAfter: after.deleteAfter, logsDir: after.logsDir, cwd: ctx.io.cwd, timeoutMs: 10 * 60_000 });
  } else if (!format && !dry) ctx.io.info(`follow it with \`kaito wait ${input.name}\` or \`kaito logs ${input.name} -f --progress\``);

  printSubmitResult(ctx, format, { name: input.name, namespace: ns, apiVersion: input.apiVersion, workspace, applied, dry, waited }, {
    estimate: est.json,
    ...(finished.result ? { result: finished.result } : {}),
    ...(finished.saved ? { saved: finished.saved } : {}),
  });
  return 0;
}

/** compat R20: after a successful apply, the workspace's older content-named training ConfigMaps go. */
async function deleteOlderTuningConfigs(ctx: CommandContext, kube: KubeClient, ws: string, keep: string): Promise<void> {
  const ns = kube.namespace;
  const list = await kube.get<{ items?: KubeObject[] }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/configmaps`, { query: { labelSelector: `${WORKSPACE_LABEL}=${ws}` }, signal: ctx.signal });
  for (const o of list.items ?? []) {
    const name = o.metadata.name;
    if (name === keep || !name.startsWith(tuningConfigMapPrefix(ws))) continue;
    if (await kube.delete('ConfigMap', ns, name, { signal: ctx.signal })) ctx.io.info(`configmap/${name} deleted (older training config)`);
  }
}

async function preflightReferences(kube: KubeClient, input: TuneInput, problems: string[], signal: AbortSignal): Promise<void> {
  const ns = kube.namespace;
  if (!(await exists(kube, 'Namespace', undefined, ns, signal))) {
    problems.push(`namespace ${ns} does not exist: create it (\`kubectl create namespace ${ns}\`) or pick another with -n`);
    return;
  }
  if (input.output.kind === 'image' && !input.createPushSecret && !(await exists(kube, 'Secret', ns, input.output.pushSecret, signal)))
    problems.push(`--push-secret ${input.output.pushSecret}: no such Secret in namespace ${ns}; create it with \`kubectl create secret docker-registry ${input.output.pushSecret} --docker-server=... -n ${ns}\` or use --registry-username USER --registry-password-stdin`);
  if (input.tuningConfig.kind === 'existing' && !(await exists(kube, 'ConfigMap', ns, input.tuningConfig.configMap, signal)))
    problems.push(`--tuning-config ${input.tuningConfig.configMap}: no such ConfigMap in namespace ${ns}; create it or use --config-file`);
  if (input.dataset.kind === 'image' && input.dataset.pullSecret && input.dataset.pullSecret !== input.createPushSecret?.name && !(await exists(kube, 'Secret', ns, input.dataset.pullSecret, signal)))
    problems.push(`--dataset-pull-secret ${input.dataset.pullSecret}: no such Secret in namespace ${ns}`);
}

async function checkDataset(ctx: CommandContext, input: TuneInput): Promise<DatasetReport | undefined> {
  if (input.dataset.kind !== 'urls' || input.dataset.urls.length === 0) return undefined;
  const url = input.dataset.urls[0];
  const { validateDataset } = await import('../../dataset/index.js');
  ctx.io.info(`checking dataset ${url} (skip with --skip-dataset-check)`);
  let report;
  try {
    report = await validateDataset(url, { preset: input.preset, signal: ctx.signal, env: ctx.io.env, maxBytes: 64 * 1024 * 1024, maxProblems: 5 });
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    if (err instanceof UsageError) throw new UsageError(`--dataset ${url}: ${err.message}`, err.hint ?? 'fix the URL, or skip the check with --skip-dataset-check');
    throw e;
  }
  if (!report.valid) {
    throw new UsageError(
      `--dataset ${url} is not a valid tuning dataset (${report.errors} error${report.errors === 1 ? '' : 's'})`,
      'see `kaito dataset validate URL` for the full report, fix the data, or skip with --skip-dataset-check',
      report.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    );
  }
  return report;
}

const dry0 = (opts: Opts) => opts.dryRun === 'server';

/** issue 13: validate the local file, push it as a data image (before anything is applied) and say what was pushed. */
async function pushLocalDataset(ctx: CommandContext, plan: import('../shared/local-dataset.js').LocalDatasetPlan, opts: Opts, password: string | undefined): Promise<void> {
  const [{ prepareDataImage, pushDataImage }, { registryClient }] = await Promise.all([import('../dataset/push.js'), import('../shared/registry.js')]);
  const prepared = await prepareDataImage(ctx, [plan.path], 'auto');
  const client = await registryClient(ctx, plan.ref, { registryUsername: opts.registryUsername, registryPasswordStdin: opts.registryPasswordStdin, password }).catch(async (e: unknown) => {
    await prepared.built?.cleanup();
    throw e;
  });
  try {
    const pushed = await pushDataImage(ctx, client, plan.ref, prepared);
    ctx.io.info(`${ctx.io.color.green('✓')} pushed ${plan.path} as ${pushed.image} (${pushed.digest}); tuning.input.image = ${plan.image}`);
  } finally {
    await client.close();
  }
}
