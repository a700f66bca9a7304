// The steps `kaito tune` and `kaito deploy` share: --timeout parsing, the client dry run (what render
// prints), reporting every preflight problem at once, applying with one line per object, and the -o document.
import type { CommandContext } from '../../cli/context.js';
import { parseDuration } from '../../core/duration.js';
import { objectsToJSON, objectsToYAML } from '../../core/render/index.js';
import { UsageError } from '../../errors.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import type { WaitResult } from '../../kube/wait.js';
import { applyWorkspaceObjects, discoverKaitoApi, resolveProvisioningMode, type AppliedObject } from '../../kube/workspace.js';
import { kaitoVersionAtLeast, type KaitoApi, type NodeProvisionerName, type ProvisioningMode } from '../../kube/kaito.js';
import { releaseForVersion } from '../../core/kaito-release.js';
import type { KaitoRelease } from '../../core/presets.js';
import { nodepoolVmSize } from '../../kube/nodepool-size.js';
import { printResult, type OutputFormat } from '../../ui/printer.js';

/** --timeout (and the like) as milliseconds; a bad value is a usage error naming the flag. */
export function parseDurationFlag(flag: string, value: string | undefined, example = '90m, 6h or 1h30m'): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new UsageError(`${flag} ${value} is not a duration`, `use e.g. ${flag} ${example}`);
  return ms;
}

/** --dry-run=client: exactly what `kaito render` prints. */
export function printManifests(ctx: CommandContext, format: OutputFormat | undefined, objects: KubeObject[], name: string): void {
  if (format === 'json') ctx.io.print(objectsToJSON(objects));
  else if (format === 'name') ctx.io.print(`workspace.kaito.sh/${name}\n`);
  else ctx.io.print(objectsToYAML(objects));
}

/** Flag problems found by the renderer join what the cluster preflight already found: one error for all. */
export function withClusterProblems(e: unknown, problems: string[]): unknown {
  if (!(e instanceof UsageError) || problems.length === 0) return e;
  const all = [...problems, ...(e.problems.length ? e.problems : [e.message])];
  return new UsageError(`${all.length} problems found before creating anything:`, e.hint, all);
}

export function throwIfProblems(problems: string[]): void {
  if (problems.length > 0)
    throw new UsageError(problems.length === 1 ? problems[0] : `${problems.length} problems found before creating anything:`, 'fix them and run again (nothing was changed)', problems.length === 1 ? [] : problems);
}

/** Server-side apply of every object, one `✓ kind/name action` line each on stderr. */
export async function applyAndReport(ctx: CommandContext, kube: KubeClient, objects: KubeObject[], dry: boolean): Promise<{ applied: AppliedObject[]; workspace: AppliedObject }> {
  const applied = await applyWorkspaceObjects(kube, objects, {
    dryRun: dry ? 'server' : undefined,
    signal: ctx.signal,
    onApplied: (a) => ctx.io.info(`${ctx.io.color.green('✓')} ${a.kind.toLowerCase()}/${a.name} ${a.action}${dry ? ' (server dry run)' : ''}${a.note ? `: ${a.note}` : ''}`),
  });
  return { applied, workspace: applied.find((a) => a.kind === 'Workspace') as AppliedObject };
}

/** The -o document of tune and deploy (docs/output.md); `extra` holds the command's own keys. */
export function printSubmitResult(
  ctx: CommandContext,
  format: OutputFormat | undefined,
  r: { name: string; namespace: string; apiVersion: string; workspace: AppliedObject; applied: AppliedObject[]; dry: boolean; waited?: WaitResult },
  extra: Record<string, unknown> = {},
): void {
  if (!format) return;
  const doc = {
    workspace: r.name,
    namespace: r.namespace,
    apiVersion: r.apiVersion,
    action: r.workspace.action,
    ...(r.dry ? { dryRun: 'server' } : {}),
    ...extra,
    objects: r.applied.map((a) => ({ kind: a.kind, name: a.name, action: a.action, ...(a.note ? { note: a.note } : {}) })),
    ...(r.waited ? { wait: { for: r.waited.for, phase: r.waited.phase, message: r.waited.message, elapsedMs: r.waited.elapsedMs } } : {}),
  };
  printResult(ctx.io, format, { document: doc, rows: [doc], name: () => `workspace.kaito.sh/${r.name}` });
}

export interface ClusterFacts {
  api: KaitoApi;
  mode: ProvisioningMode;
  /** the controller's node provisioner and Kaito version, when its Deployment was found (compat C1) */
  provisioner?: NodeProvisionerName;
  version?: string;
  /** the catalog release whose rules apply to that version (undefined: not found, the default release's rules) */
  release?: KaitoRelease;
  /** the VM size of --nodepool (or the kaito.yaml pool), when one is named and found */
  vmSize?: string;
  /** what the preflight found wrong, reported together with the flag problems */
  problems: string[];
}

/** What the cluster runs (Kaito API version, NAP or BYO, provisioner and version) and what --nodepool refers to;
 *  refuses what that Kaito cannot do (compat C2, C3). */
export async function clusterFacts(
  ctx: CommandContext,
  kube: KubeClient,
  opts: { nodeProvisioning?: 'auto' | 'nap' | 'byo'; nodepool?: string; instanceType?: string; command?: 'tune' | 'deploy' },
  defaults: { nodepool?: string } = {},
): Promise<ClusterFacts> {
  const api = await discoverKaitoApi(kube, ctx.signal);
  const { mode, controller } = await resolveProvisioningMode(kube, opts.nodeProvisioning ?? ctx.project().config.cluster?.nodeProvisioning, ctx.signal);
  const version = controller?.version;
  const problems: string[] = [];
  const pool = opts.nodepool ?? (opts.instanceType === undefined ? defaults.nodepool : undefined);
  // issue 17 item 6: name where the pool came from
  const poolFlag = opts.nodepool !== undefined ? '--nodepool' : `${opts.command ?? 'deploy'}.nodepool (kaito.yaml)`;
  // compat C2: Kaito 0.8+ sizes a tuning Job from the SKU table via instanceType only; BYO has none, so no Job is ever made
  if (opts.command === 'tune' && mode === 'byo' && kaitoVersionAtLeast(version, '0.8'))
    problems.push(`Kaito ${version} in BYO mode cannot run tuning (it finds no GPU count without an instance type and never creates the Job): tune on a cluster whose Kaito runs a node provisioner (azure-gpu-provisioner or karpenter)`);
  // compat C3: Kaito 0.11+ in NAP mode pins pods to nodes labelled for the workspace: a pre-created pool idles and a new GPU node is bought
  const refusePool = Boolean(pool) && mode === 'nap' && kaitoVersionAtLeast(version, '0.11');
  if (refusePool)
    problems.push(`${poolFlag} ${pool}: Kaito ${version} in NAP mode ignores existing pools (it buys a new GPU node for the workspace): drop --nodepool and use --instance-type SKU, or use a cluster in BYO mode`);
  if (pool && mode === 'nap' && !controller) ctx.io.warn(`${poolFlag} ${pool}: cannot tell the Kaito version (no controller Deployment labelled app.kubernetes.io/name=workspace found); Kaito 0.11+ in NAP mode would leave the pool idle and provision a new node`);
  const found = pool ? await nodepoolVmSize(kube, pool, { signal: ctx.signal, fromAks: () => poolFromAks(ctx, pool) }) : undefined;
  if (pool && !found && !refusePool) problems.push(`${poolFlag} ${pool}: no such node pool (no Node labelled agentpool=${pool}); create it with \`kaito nodepool add ${pool} --instance-type SKU\` or list them with \`kaito nodepool list\``);
  return { api, mode, provisioner: controller?.provisioner, version, release: releaseForVersion(version), vmSize: found?.vmSize, problems };
}

/** A pool scaled to zero, asked of AKS when the cluster target is known (else: not found). */
async function poolFromAks(ctx: CommandContext, pool: string): Promise<{ vmSize: string } | undefined> {
  const t = ctx.target();
  if (!t.subscription || !t.resourceGroup || !t.cluster) return undefined;
  return (await ctx.nodePools()).get(pool, ctx.signal);
}
