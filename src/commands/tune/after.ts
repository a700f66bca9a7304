// What `kaito tune --wait` does once the run succeeded: the final train/eval loss (and the overfitting
// warning) from the trainer's log, and with --delete-after: save the run (full logs, final status, adapter
// reference) to a folder, then delete the workspace so its GPU node goes. The adapter image stays.
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { describeResult, detectOverfitting, overfittingWarning, progressFromLog, type TrainingProgress } from '../../core/trainlog/index.js';
import { OperationError, UsageError } from '../../errors.js';
import { resourcePath, type KubeClient, type KubeList, type KubeObject } from '../../kube/index.js';
import { mainContainerOf } from '../../kube/verdict.js';
import { waitWithProgress } from '../shared/wait-display.js';

export interface RunResult { trainLoss?: number; evalLoss?: number; overfitting?: boolean }
export interface SavedRun { dir: string; files: string[]; adapter?: AdapterRef; deleted: boolean }
export interface AdapterRef { image?: string; digest?: string; pvc?: string }

/** --delete-after / --logs-dir / kaito.yaml tune.deleteAfter, tune.logsDir -> what to do, or a UsageError. */
export function afterOptions(opts: { deleteAfter?: boolean; logsDir?: string; wait?: boolean }, file: { deleteAfter?: string; logsDir?: string } | undefined, cwd: string): { deleteAfter: boolean; logsDir?: string } {
  const fromFile = opts.deleteAfter === undefined && file?.deleteAfter === 'true';
  const deleteAfter = opts.deleteAfter ?? file?.deleteAfter === 'true';
  const logsDir = opts.logsDir ?? (deleteAfter ? file?.logsDir : undefined);
  if (opts.deleteAfter && !opts.wait) throw new UsageError('--delete-after needs --wait (the run is saved and deleted only after it succeeded)', 'add --wait, or drop --delete-after');
  if (opts.logsDir !== undefined && (!deleteAfter || !opts.wait)) throw new UsageError('--logs-dir only applies with --delete-after', 'add --delete-after --wait, or drop --logs-dir');
  if (!deleteAfter || (fromFile && !opts.wait)) return { deleteAfter: false };
  if (logsDir !== undefined) {
    const why = dirProblem(resolve(cwd, logsDir));
    if (why) throw new UsageError(`${opts.logsDir !== undefined ? '--logs-dir' : 'kaito.yaml tune.logsDir'} ${logsDir} ${why}`, 'pass a folder you can write to (it is created when missing); nothing was submitted');
  }
  return { deleteAfter, logsDir };
}

/** Why a folder cannot be written (created when missing), or undefined. */
function dirProblem(dir: string): string | undefined {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) return 'is a file, not a folder';
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return 'is not writable';
    }
    return undefined;
  }
  let parent = dirname(dir);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return `cannot be created: ${parent} is a file`;
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    return `cannot be created: ${parent} is not writable`;
  }
  return undefined;
}

interface PodLogs { pod?: KubeObject; main?: string; logs: Array<{ container: string; text: string }> }

/** Every container log of the newest tuning pod (init containers first), the trainer's marked as main. */
async function readPodLogs(ctx: CommandContext, kube: KubeClient, ns: string, ws: string): Promise<PodLogs> {
  const pods = (await kube.get<KubeList>(resourcePath('Pod', ns), { query: { labelSelector: `kaito.sh/workspace=${ws}` }, signal: ctx.signal })).items;
  const pod = [...pods].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))[0];
  if (!pod) return { logs: [] };
  const spec = pod.spec as { initContainers?: Array<{ name: string }>; containers?: Array<{ name: string }> };
  const names = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
  const logs: PodLogs['logs'] = [];
  for (const container of names) {
    const res = await kube.fetch('GET', `${resourcePath('Pod', ns, pod.metadata.name)}/log`, { query: { container }, accept: '*/*', signal: ctx.signal }).catch(() => undefined);
    if (res && res.status < 400) logs.push({ container, text: await res.text() });
    else await res?.body?.cancel().catch(() => {});
  }
  return { pod, main: mainContainerOf(pod, ws), logs };
}

/** Prints the final losses and the overfitting warning (stderr); returns them for -o json. */
export function reportResult(ctx: CommandContext, ws: string, p: TrainingProgress): RunResult | undefined {
  const line = describeResult(p);
  if (!line) return undefined;
  ctx.io.info(`${ws}: ${line}`);
  const warning = overfittingWarning(p);
  if (warning) ctx.io.warn(warning);
  const r: RunResult = {};
  const train = p.finalLoss ?? p.loss;
  if (train !== undefined) r.trainLoss = train;
  if (p.evalLoss !== undefined) {
    r.evalLoss = p.evalLoss;
    r.overfitting = detectOverfitting(p) !== undefined;
  }
  return r;
}

export async function afterSuccess(
  ctx: CommandContext, kube: KubeClient, o: { name: string; apiVersion: string; deleteAfter: boolean; logsDir?: string; cwd: string; timeoutMs: number },
): Promise<{ result?: RunResult; saved?: SavedRun }> {
  const ns = kube.namespace;
  const logs = await readPodLogs(ctx, kube, ns, o.name).catch((e) => {
    if (!o.deleteAfter) return { logs: [] } as PodLogs;
    throw kube.error(e, `read the logs of ${o.name}`);
  });
  const mainText = logs.logs.find((l) => l.container === logs.main)?.text;
  const result = mainText !== undefined ? reportResult(ctx, o.name, progressFromLog(mainText)) : undefined;
  if (!o.deleteAfter) return { result };

  // save first; a folder that cannot be written keeps the workspace (and says how to delete it)
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
  const dir = resolve(o.cwd, o.logsDir ?? join('kaito-runs', `${o.name}-${stamp}`));
  const { collect } = await import('../status/status.js');
  const status = await collect(kube, { name: o.name, namespace: ns, apiVersion: o.apiVersion } as never, ctx.signal);
  const ws = await kube.getOptional<KubeObject & { tuning?: { output?: { image?: string; volume?: { persistentVolumeClaim?: { claimName?: string } } } } }>(resourcePath('Workspace', ns, o.name, o.apiVersion), { signal: ctx.signal });
  const adapter: AdapterRef = {};
  const out = ws?.tuning?.output;
  if (out?.image) adapter.image = out.image;
  if (out?.volume?.persistentVolumeClaim?.claimName) adapter.pvc = out.volume.persistentVolumeClaim.claimName;
  const digest = /^Digest:\s*(sha256:[0-9a-f]{64})/m.exec(logs.logs.find((l) => l.container === 'pusher')?.text ?? '')?.[1];
  if (digest) adapter.digest = digest;
  const files: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    const write = (file: string, text: string) => {
      writeFileSync(join(dir, file), text);
      files.push(file);
    };
    if (mainText !== undefined) write('training.log', mainText);
    for (const l of logs.logs) if (l.container !== logs.main) write(`${l.container}.log`, l.text);
    write('status.json', JSON.stringify({ ...status, result: result ?? null }, null, 2) + '\n');
    write('adapter.json', JSON.stringify({ workspace: o.name, namespace: ns, ...adapter }, null, 2) + '\n');
  } catch (e) {
    throw new OperationError(`could not save the run of ${o.name} to ${dir}: ${(e as Error).message}`, `the workspace was NOT deleted; fix the folder and delete it yourself with \`kaito delete ${o.name}\``);
  }
  ctx.io.info(`${ctx.io.color.green('✓')} saved ${files.join(', ')} to ${dir}`);
  if (adapter.image) ctx.io.info(`adapter: ${adapter.image}${adapter.digest ? `@${adapter.digest}` : ''} (the image stays in the registry)`);

  try {
    await kube.request('DELETE', resourcePath('Workspace', ns, o.name, o.apiVersion), { query: { propagationPolicy: 'Background' }, signal: ctx.signal, retry: true });
  } catch (e) {
    throw kube.error(e, `delete workspace ${o.name}`);
  }
  ctx.io.info(`${ctx.io.color.green('✓')} workspace/${o.name} deleted (its GPU node goes with it)`);
  await waitWithProgress(ctx, kube, { name: o.name, namespace: ns, for: { kind: 'deleted' }, timeoutMs: o.timeoutMs, apiVersion: o.apiVersion });
  return { result, saved: { dir, files, adapter: Object.keys(adapter).length ? adapter : undefined, deleted: true } };
}
