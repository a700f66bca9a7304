// kaito deploy: the inference Workspace `kaito render deploy` prints (same flag parsing, same renderer),
// applied with server-side apply after a preflight against the cluster, then optionally waited for.
// Re-running with other adapters adds or removes them on the running deployment (Kaito allows it).
//
// -o json prints one document:
//   { workspace, namespace, apiVersion, action: created|configured|unchanged, dryRun?: "server",
//     preset, adapters: [{name, image}], objects: [{kind, name, action}], wait?: {for, phase, message, elapsedMs} }
// -o name prints workspace.kaito.sh/NAME; -o yaml the same document as YAML. --dry-run (=client) prints
// the manifests like `kaito render deploy`.
import { readFileSync } from 'node:fs';
import type { CommandContext } from '../../cli/context.js';
import { renderOnlyContext } from '../shared/render-context.js';
import { byoNodeProblem, nodesMatching } from '../../kube/gpu-nodes.js';
import { kaitoVersionAtLeast } from '../../kube/kaito.js';
import { applyAndReport, clusterFacts, parseDurationFlag, printManifests, printSubmitResult, throwIfProblems, withClusterProblems } from '../shared/submit.js';
import { renderInference, type DeployFlags, type DeployInput, type FlagContext } from '../../core/render/index.js';
import { deployInput } from '../shared/flag-input.js';
import { withMaxLoraRank } from '../../core/render/inference.js';
import { UsageError } from '../../errors.js';
import { type KubeClient, type KubeObject } from '../../kube/index.js';
import { readSecretFromStdin } from '../../kube/secrets.js';
import { waitWithProgress } from '../shared/wait-display.js';
import { DEFAULT_TIMEOUT_MS, type WaitResult } from '../../kube/wait.js';
import { discoverKaitoApi, exists } from '../../kube/workspace.js';
import { parseOutputFormat } from '../../ui/printer.js';
import { registerSecret } from '../../ui/redact.js';
import { resolveFromTuning } from './from-tuning.js';
import { OUTPUT_DEPLOY as OUTPUT } from '../output-formats.js';

interface Opts extends DeployFlags {
  dryRun?: 'client' | 'server';
  wait?: boolean;
  timeout?: string;
}

export async function run(ctx: CommandContext, opts: Opts): Promise<number> {
  const project = ctx.project().config;
  const format = ctx.globals.output === undefined ? undefined : parseOutputFormat(ctx.globals.output, OUTPUT.deploy, 'yaml');
  const timeoutMs = parseDurationFlag('--timeout', opts.timeout);
  if (opts.wait && opts.dryRun) throw new UsageError('--wait cannot be combined with --dry-run', 'drop one of them');
  const readFile = (p: string) => readFileSync(p, 'utf8');

  // --dry-run=client is `kaito render deploy` (a cluster is read only for --from-tuning)
  if (opts.dryRun === 'client') {
    let fromTuning: (FlagContext['fromTuning'] & { loraRank?: number }) | undefined;
    if (opts.fromTuning !== undefined) {
      const kube = await ctx.kube();
      const api = await discoverKaitoApi(kube, ctx.signal);
      fromTuning = await resolveFromTuning(kube, opts.fromTuning, api.apiVersion, ctx.signal);
    }
    const { input, warnings } = deployInput(opts, project.deploy, renderOnlyContext(ctx, { fromTuning }));
    for (const w of warnings) ctx.io.warn(w);
    input.inferenceConfig = withMaxLoraRank(input.inferenceConfig, fromTuning?.loraRank); // compat R20a
    printManifests(ctx, format, renderInference(input), input.name);
    return 0;
  }

  const kube = await ctx.kube();
  const ns = kube.namespace;
  // 1. what the cluster runs, and what --from-tuning / --nodepool refer to
  const { api, mode, vmSize, release, version, problems: clusterProblems } = await clusterFacts(ctx, kube, opts, project.deploy);
  const problems: string[] = [];
  let fromTuning: (FlagContext['fromTuning'] & { loraRank?: number }) | undefined;
  if (opts.fromTuning !== undefined) {
    try {
      fromTuning = await resolveFromTuning(kube, opts.fromTuning, api.apiVersion, ctx.signal);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push(e.hint ? `${e.message}; ${e.hint}` : e.message);
      // without --preset everything else depends on the tuning workspace: report just that
      if (opts.preset === undefined) throw e;
    }
  }
  problems.push(...clusterProblems);

  // 2. flags -> input, the same path as render
  let parsed: ReturnType<typeof deployInput> | undefined;
  try {
    parsed = deployInput(opts, project.deploy, {
      namespace: ns,
      detectedNodeProvisioning: mode,
      nodepoolVmSize: vmSize,
      kaitoVersion: release, // compat R6: the presets, runtimes and SKUs of the Kaito the cluster runs
      defaultApiVersion: api.apiVersion,
      readFile,
      // an unresolvable --from-tuning is already reported above; do not report it twice
      fromTuning: fromTuning ?? (opts.fromTuning !== undefined ? { workspace: opts.fromTuning, preset: opts.preset!, image: 'unresolved.invalid/x:1' } : undefined),
    });
  } catch (e) {
    throw withClusterProblems(e, problems);
  }
  const { input, warnings } = parsed;
  input.inferenceConfig = withMaxLoraRank(input.inferenceConfig, fromTuning?.loraRank); // compat R20a
  if (!api.served.includes(input.apiVersion.split('/')[1])) problems.push(`--api-version ${input.apiVersion} is not served by this cluster (it serves kaito.sh/${api.served.join(', kaito.sh/')})`);

  // 3. the Secrets the workspace refers to must exist; in BYO mode, the nodes it selects (compat A32)
  await preflightReferences(kube, input, Boolean(opts.adapterPullSecret), problems, ctx.signal);
  const rendered = renderInference(input);
  if (mode === 'byo') {
    const ws = rendered.find((o) => o.kind === 'Workspace') as { resource?: { labelSelector?: { matchLabels?: Record<string, string> } } } | undefined;
    const labels = ws?.resource?.labelSelector?.matchLabels ?? {};
    const why = byoNodeProblem(await nodesMatching(kube, labels, ctx.signal), Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','), version);
    // Kaito's webhook checks this from 0.8; an unknown version only gets a warning
    if (why && (version === undefined || !kaitoVersionAtLeast(version, '0.8'))) warnings.push(why);
    else if (why) problems.push(why);
  }
  throwIfProblems(problems);
  for (const w of warnings) ctx.io.warn(w);
  if (fromTuning) ctx.io.info(`adapter ${fromTuning.workspace} from ${fromTuning.image}${input.adapterPullSecret ? ` (pull secret ${input.adapterPullSecret})` : ''}`);
  // the token is read (and an empty stdin refused) before the cost line: a bad input gets its one error alone
  const token = input.createModelAccessSecret ? (await readSecretFromStdin(ctx.io.in, '--hf-token-stdin')).trim() : undefined;
  if (token) registerSecret(token);
  // issue 14: what serving costs per hour (x the node count Kaito's estimator picks for a multi-node model)
  const { servingCost } = await import('../shared/estimate.js');
  const cost = await servingCost(ctx, kube, input, mode, release);

  // 4. objects: the model access Secret (token from stdin) first, then what render produces
  const objects: KubeObject[] = [];
  if (input.createModelAccessSecret && token !== undefined) objects.push(hfTokenSecret(input.createModelAccessSecret.name, ns, token));
  for (const o of rendered) objects.push({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } } as KubeObject);

  const dry = opts.dryRun === 'server';
  const { applied, workspace } = await applyAndReport(ctx, kube, objects, dry);

  let waited: WaitResult | undefined;
  if (opts.wait) {
    waited = await waitWithProgress(ctx, kube, { name: input.name, namespace: ns, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS.inference, apiVersion: input.apiVersion });
    if (!format) ctx.io.info(`chat with it: \`kaito chat --workspace ${input.name}\`, or serve it locally: \`kaito proxy ${input.name}\``);
  } else if (!format && !dry) ctx.io.info(`follow it with \`kaito wait ${input.name}\`; then \`kaito chat --workspace ${input.name}\``);

  printSubmitResult(ctx, format, { name: input.name, namespace: ns, apiVersion: input.apiVersion, workspace, applied, dry, waited }, {
    preset: input.preset,
    adapters: input.adapters.map((a) => ({ name: a.name, image: a.image })),
    cost,
  });
  return 0;
}

/** Opaque Secret with key HF_TOKEN, what Kaito's presetOptions.modelAccessSecret expects. */
export function hfTokenSecret(name: string, namespace: string, token: string): KubeObject {
  const data = Buffer.from(token).toString('base64');
  registerSecret(data);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'kaito-cli' } },
    type: 'Opaque',
    data: { HF_TOKEN: data },
  };
}

async function preflightReferences(kube: KubeClient, input: DeployInput, explicitPullSecret: boolean, problems: string[], signal: AbortSignal): Promise<void> {
  const ns = kube.namespace;
  if (!(await exists(kube, 'Namespace', undefined, ns, signal))) {
    problems.push(`namespace ${ns} does not exist: create it (\`kubectl create namespace ${ns}\`) or pick another with -n`);
    return;
  }
  if (input.modelAccessSecret && !input.createModelAccessSecret && !(await exists(kube, 'Secret', ns, input.modelAccessSecret, signal)))
    problems.push(`--model-access-secret ${input.modelAccessSecret}: no such Secret in namespace ${ns}; create it (\`kubectl create secret generic ${input.modelAccessSecret} --from-literal=HF_TOKEN=... -n ${ns}\`) or use --hf-token-stdin`);
  if (input.adapterPullSecret && !(await exists(kube, 'Secret', ns, input.adapterPullSecret, signal)))
    problems.push(
      explicitPullSecret
        ? `--adapter-pull-secret ${input.adapterPullSecret}: no such Secret in namespace ${ns}`
        : `the tuning workspace's push secret ${input.adapterPullSecret} (used to pull its adapter) no longer exists in namespace ${ns}: recreate it or pass --adapter-pull-secret NAME`,
    );
}
