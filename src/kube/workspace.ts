// Applying what `kaito tune` / `kaito deploy` render: Secrets first, then ConfigMaps, then the Workspace,
// with server-side apply (fieldManager "kaito"). Shared by tune and deploy.
//
// Each object ends up `created`, `configured` or `unchanged`. Changes Kaito refuses (preset, method,
// labelSelector, count, instanceType) are found BEFORE anything is sent and refused with exit 2.
// If a later object fails, the error says exactly what was already created or changed.
import { KaitoError, UsageError } from '../errors.js';
import { canonical } from '../core/render/serialize.js';
import type { KubeClient, KubeObject } from './client.js';
import { resourcePath } from './client.js';
import { isNotFound } from './errors.js';

export { discoverKaitoApi, findKaitoController, resolveProvisioningMode, KAITO_NOT_INSTALLED_HINT } from './kaito.js';
export type { KaitoApi, KaitoController, ProvisioningMode, WorkspaceApiVersion } from './kaito.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface AppliedObject {
  kind: string;
  name: string;
  namespace?: string;
  action: ApplyAction;
  /** e.g. "tuning input changed: Kaito restarts the job" */
  note?: string;
  /** the object as the server returned it */
  live?: KubeObject;
}

export interface ApplyOptions {
  /** 'server': ask the API server (dryRun=All, admission included), change nothing */
  dryRun?: 'server';
  signal?: AbortSignal;
  /** called after each object, for human progress lines */
  onApplied?: (o: AppliedObject) => void;
}

const ORDER: Record<string, number> = { Namespace: 0, Secret: 1, ConfigMap: 2, Workspace: 3 };

/** Fields of a Workspace Kaito never lets change after creation. */
export function immutableChanges(desired: KubeObject, live: KubeObject): string[] {
  const out: string[] = [];
  const res = (o: KubeObject) => (o.resource ?? {}) as { instanceType?: string; count?: number; labelSelector?: unknown };
  const d = res(desired);
  const l = res(live);
  const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  const mode = (o: KubeObject) => (o.tuning ? 'tuning' : o.inference ? 'inference' : 'none');
  if (mode(desired) !== mode(live)) out.push(`workspace kind: ${mode(live)} -> ${mode(desired)}`);
  const preset = (o: KubeObject) => ((o.tuning ?? o.inference) as { preset?: { name?: string } } | undefined)?.preset?.name ?? '';
  if (preset(desired) !== preset(live)) out.push(`preset: ${preset(live) || '<none>'} -> ${preset(desired) || '<none>'}`);
  const method = (o: KubeObject) => (o.tuning as { method?: string } | undefined)?.method ?? '';
  if (mode(desired) === 'tuning' && method(desired) !== method(live)) out.push(`method: ${method(live)} -> ${method(desired)}`);
  if ((d.instanceType ?? '') !== (l.instanceType ?? '')) out.push(`instanceType: ${l.instanceType || '<empty>'} -> ${d.instanceType || '<empty>'}`);
  if ((d.count ?? 1) !== (l.count ?? 1)) out.push(`count: ${l.count ?? 1} -> ${d.count ?? 1}`);
  if (!same(d.labelSelector ?? {}, l.labelSelector ?? {})) out.push(`labelSelector: ${JSON.stringify(l.labelSelector ?? {})} -> ${JSON.stringify(d.labelSelector ?? {})}`);
  return out;
}

/** Mutable tuning fields that changed; Kaito replaces the Job when they do. */
function tuningRestartNote(desired: KubeObject, live: KubeObject): string | undefined {
  const t = (o: KubeObject) => (o.tuning ?? {}) as { input?: unknown; output?: unknown; config?: unknown };
  const changed: string[] = [];
  if (!isSubset(t(desired).input, t(live).input) || !isSubset(t(live).input, t(desired).input)) changed.push('input');
  if (!isSubset(t(desired).output, t(live).output) || !isSubset(t(live).output, t(desired).output)) changed.push('output');
  if (JSON.stringify(t(desired).config ?? null) !== JSON.stringify(t(live).config ?? null)) changed.push('config');
  if (!desired.tuning || changed.length === 0) return undefined;
  return `tuning ${changed.join(' and ')} changed: Kaito replaces the job and training starts again`;
}

/** Every field set in `want` has the same value in `have` (extra fields in `have` are defaults or others'). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (want === undefined || want === null) return true;
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  if (typeof want === 'object') {
    if (!have || typeof have !== 'object' || Array.isArray(have)) return false;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => isSubset(v, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}

const ref = (o: { kind: string; name: string }) => `${o.kind.toLowerCase()}/${o.name}`;

/** Same content as `have` for everything we own (metadata labels/annotations and the body). */
function unchangedFor(desired: KubeObject, live: KubeObject): boolean {
  const { metadata, apiVersion: _a, kind: _k, status: _s, ...body } = desired;
  const { status: _ls, ...liveBody } = live;
  void _a; void _k; void _s; void _ls;
  return isSubset({ labels: metadata.labels, annotations: metadata.annotations }, live.metadata) && isSubset(body, liveBody);
}

/**
 * The apply changed nothing of the user's part although the resourceVersion moved: a controller wrote status (or
 * its own bookkeeping) between our read and our apply. Same generation, and the same labels, annotations and
 * everything outside metadata and status both ways.
 */
function sameUserPart(a: KubeObject, b: KubeObject): boolean {
  return a.metadata.generation === b.metadata.generation && unchangedFor(a, b) && unchangedFor(b, a);
}

export async function applyWorkspaceObjects(kube: KubeClient, objects: KubeObject[], opts: ApplyOptions = {}): Promise<AppliedObject[]> {
  const ordered = [...objects].sort((a, b) => (ORDER[a.kind] ?? 9) - (ORDER[b.kind] ?? 9));
  // 1. read what is there, and refuse immutable changes before sending anything
  const lives: Array<KubeObject | undefined> = [];
  for (const o of ordered) {
    const ns = o.metadata.namespace ?? kube.namespace;
    try {
      lives.push(await kube.getOptional<KubeObject>(resourcePath(o.kind, ns, o.metadata.name, o.apiVersion), { signal: opts.signal }));
    } catch (e) {
      throw kube.error(e, `read ${ref({ kind: o.kind, name: o.metadata.name })}`);
    }
  }
  const refused: string[] = [];
  ordered.forEach((o, i) => {
    const live = lives[i];
    if (o.kind === 'Workspace' && live) for (const c of immutableChanges(o, live)) refused.push(c);
    if (o.kind === 'Secret' && live && (live.type as string | undefined) && o.type && live.type !== o.type) refused.push(`secret/${o.metadata.name} type: ${String(live.type)} -> ${String(o.type)}`);
  });
  if (refused.length > 0) {
    const ws = ordered.find((o) => o.kind === 'Workspace');
    const name = ws?.metadata.name ?? '';
    throw new UsageError(
      `workspace ${name} exists with different immutable fields; Kaito does not allow changing them`,
      `delete it first (\`kaito delete ${name} --wait\`) and run again, or pick another --name; nothing was changed`,
      refused,
    );
  }
  // 2. apply in order; a failure names what was already done
  const done: AppliedObject[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const o = ordered[i];
    const live = lives[i];
    const base = { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? kube.namespace };
    let result: KubeObject;
    try {
      result = await kube.apply<KubeObject>(o, { dryRun: opts.dryRun === 'server', signal: opts.signal });
    } catch (e) {
      const err = kube.error(e, `apply ${ref(base)}`);
      const changed = done.filter((d) => d.action !== 'unchanged');
      if (changed.length === 0 || opts.dryRun) throw err;
      const what = changed.map((d) => `${ref(d)} ${d.action}`).join(', ');
      const hint = `already applied: ${what}; fix the problem and run the same command again (it is idempotent), or remove them with \`kubectl delete ${changed.map(ref).join(' ')}\``;
      throw new KaitoError(err.message, err.exitCode, hint);
    }
    let action: ApplyAction;
    if (!live) action = 'created';
    else if (opts.dryRun) action = unchangedFor(o, live) ? 'unchanged' : 'configured';
    else action = result.metadata.resourceVersion === live.metadata.resourceVersion || sameUserPart(result, live) ? 'unchanged' : 'configured';
    const applied: AppliedObject = { ...base, action, live: result };
    if (o.kind === 'Workspace' && live && action === 'configured') applied.note = tuningRestartNote(o, live);
    done.push(applied);
    opts.onApplied?.(applied);
  }
  return done;
}

/** Preflight helpers: true when the named object exists. */
export async function exists(kube: KubeClient, kind: string, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<boolean> {
  try {
    return (await kube.getOptional(resourcePath(kind, namespace, name), { signal })) !== undefined;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw kube.error(e, `read ${kind.toLowerCase()}/${name}`);
  }
}

/** Reads a workspace at whatever version the server serves best. */
/** One rule for every command (issue 17 item 5): a workspace that does not exist is bad input, exit 2. */
export function workspaceNotFound(name: string, namespace: string, from = ''): UsageError {
  return new UsageError(`workspace ${name}${from} not found in namespace ${namespace}`, 'list them with `kaito list` (-A for every namespace), or pass -n NAMESPACE');
}

export async function getWorkspace(kube: KubeClient, namespace: string, name: string, apiVersion = 'kaito.sh/v1beta1', signal?: AbortSignal): Promise<KubeObject | undefined> {
  try {
    return await kube.getOptional<KubeObject>(resourcePath('Workspace', namespace, name, apiVersion), { signal });
  } catch (e) {
    throw kube.error(e, `read workspace ${name}`);
  }
}
