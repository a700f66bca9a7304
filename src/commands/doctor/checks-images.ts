// doctor --images: one short pod per image a Kaito tuning run pulls on this cluster's Kaito release (core/helper-images.ts),
// in the target namespace, all at once; each reports pulled / blocked (with the registry's answer from the kubelet) /
// timed out. The pods are deleted afterwards, also when interrupted.
import type { CommandContext } from '../../cli/context.js';
import { parseDuration } from '../../core/duration.js';
import { DEFAULT_PRESET_REGISTRY, tuningImages, type HelperImage } from '../../core/helper-images.js';
import { releaseForVersion } from '../../core/kaito-release.js';
import { DEFAULT_KAITO_RELEASE } from '../../core/presets.js';
import { UsageError } from '../../errors.js';
import { resourcePath, type KubeClient, type KubeList, type KubeObject } from '../../kube/index.js';
import { findKaitoController } from '../../kube/kaito.js';
import type { Check, CheckGroup, CheckResult } from './check.js';

export const DEFAULT_IMAGE_TIMEOUT = '5m';
const POLL_MS = 1500;
const BLOCKED = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);

type Outcome = { state: 'pulled' | 'blocked' | 'timed-out'; detail: string; pod: string };
interface ImagesState { results?: Promise<Map<string, Outcome>>; images?: HelperImage[] }

export function imageTimeoutMs(raw: string | undefined): number {
  const ms = parseDuration(raw ?? DEFAULT_IMAGE_TIMEOUT);
  if (ms === undefined || ms <= 0) throw new UsageError(`--image-timeout ${raw} is not a duration`, 'use e.g. 2m or 90s');
  return ms;
}

export function imageChecks(timeoutMs: number): CheckGroup<ImagesState> {
  const checks: Check<ImagesState>[] = (['tuning', 'data-downloader', 'puller', 'pusher', 'pause'] as const).map((role) => ({
    id: `image-${role}`,
    title: `image ${role}`,
    async run(ctx, s): Promise<CheckResult> {
      s.results ??= pullAll(ctx, s, timeoutMs);
      const results = await s.results;
      const img = s.images?.find((i) => i.role === role);
      const r = results.get(role);
      if (!img || !r) return { status: 'skip', detail: 'not checked' };
      const what = `${img.image} (${img.when})`;
      if (r.state === 'pulled') return { status: 'ok', detail: `${what}: pulled` };
      const registry = registryOf(img.image);
      if (r.state === 'blocked')
        return { status: 'fail', detail: `${what}: blocked: ${r.detail}`, hint: `let the nodes pull from ${registry} (egress firewall, proxy, registry allow-list), or mirror the image into a registry the cluster can reach` };
      return { status: 'warn', detail: `${what}: timed out after ${Math.round(timeoutMs / 1000)}s (${r.detail})`, hint: `see \`kubectl describe pod ${r.pod}\` while it runs, or raise --image-timeout` };
    },
  }));
  return { name: 'images', init: () => ({}), checks };
}

function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':')) ? first : 'docker.io';
}

async function pullAll(ctx: CommandContext, s: ImagesState, timeoutMs: number): Promise<Map<string, Outcome>> {
  const kube = await ctx.kube();
  const ns = kube.namespace;
  // the release and preset registry of the Kaito the cluster runs (default release when not found)
  const c = await findKaitoController(kube, ctx.signal).catch(() => undefined);
  const release = releaseForVersion(c?.version) ?? DEFAULT_KAITO_RELEASE;
  let registry = DEFAULT_PRESET_REGISTRY;
  if (c) {
    const dep = await kube.getOptional<KubeObject & { spec?: { template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } } }>(`/apis/apps/v1/namespaces/${encodeURIComponent(c.namespace)}/deployments/${encodeURIComponent(c.name)}`, { signal: ctx.signal }).catch(() => undefined);
    registry = dep?.spec?.template?.spec?.containers?.flatMap((x) => x.env ?? []).find((e) => e.name === 'PRESET_REGISTRY_NAME')?.value || registry;
  }
  s.images = tuningImages(release, registry);
  const run = Math.random().toString(36).slice(2, 7);
  const label = 'kaito.sh/doctor-images';
  const pods = new Map<string, string>();
  const results = new Map<string, Outcome>();
  try {
    for (const img of s.images) {
      const name = `kaito-doctor-${img.role}-${run}`;
      await kube.request('POST', resourcePath('Pod', ns), {
        signal: ctx.signal,
        body: {
          apiVersion: 'v1', kind: 'Pod',
          metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'kaito-cli', [label]: run } },
          spec: {
            restartPolicy: 'Never',
            activeDeadlineSeconds: Math.ceil(timeoutMs / 1000) + 60,
            terminationGracePeriodSeconds: 0,
            // Always: ask the registry even when a node has the image cached (what a fresh GPU node will do)
            containers: [{ name: 'pull', image: img.image, imagePullPolicy: 'Always', command: ['sh', '-c', 'exit 0'], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
          },
        },
      }).catch((e) => {
        throw kube.error(e, `create pod ${name} in namespace ${ns}`);
      });
      pods.set(img.role, name);
    }
    const deadline = ctx.now() + timeoutMs;
    for (let i = 0; results.size < pods.size && ctx.now() < deadline; i++) {
      const list = await kube.get<KubeList>(resourcePath('Pod', ns), { query: { labelSelector: `${label}=${run}` }, signal: ctx.signal });
      for (const [role, name] of pods) {
        if (results.has(role)) continue;
        const p = list.items.find((x) => x.metadata.name === name);
        const o = p ? await outcome(kube, ns, p, ctx.signal) : undefined;
        if (o) results.set(role, o);
      }
      if (results.size < pods.size) await ctx.sleep(POLL_MS);
    }
    for (const [role, name] of pods) {
      if (results.has(role)) continue;
      const p = await kube.getOptional<KubeObject>(resourcePath('Pod', ns, name), { signal: ctx.signal }).catch(() => undefined);
      results.set(role, { state: 'timed-out', detail: waitingText(p) ?? 'no answer', pod: name });
    }
    return results;
  } finally {
    await Promise.all([...pods.values()].map((name) => kube.request('DELETE', resourcePath('Pod', ns, name), { query: { gracePeriodSeconds: 0 }, retry: true }).catch(() => undefined)));
  }
}

type Cs = { imageID?: string; state?: { waiting?: { reason?: string; message?: string }; running?: object; terminated?: object } };

function waitingText(pod: KObjectish | undefined): string | undefined {
  const p = pod as { status?: unknown } | undefined;
  const cs = ((p?.status as { containerStatuses?: Cs[] } | undefined)?.containerStatuses ?? [])[0];
  const w = cs?.state?.waiting;
  if (w?.reason) return w.reason;
  const sched = ((p?.status as { conditions?: Array<{ type: string; status: string; message?: string }> } | undefined)?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return sched ? `not scheduled: ${sched.message ?? ''}`.trim() : undefined;
}
type KObjectish = object;

async function outcome(kube: KubeClient, ns: string, p: KubeObject, signal: AbortSignal): Promise<Outcome | undefined> {
  const cs = ((p.status as { containerStatuses?: Cs[] } | undefined)?.containerStatuses ?? [])[0];
  if (!cs) return undefined;
  if (cs.state?.running || cs.state?.terminated || cs.imageID) return { state: 'pulled', detail: '', pod: p.metadata.name };
  const w = cs.state?.waiting;
  if (!w?.reason || !BLOCKED.has(w.reason)) return undefined;
  // the registry's answer: ErrImagePull's message, else the kubelet's "Failed to pull image" event
  let detail = w.reason === 'ErrImagePull' && w.message ? w.message : '';
  if (!detail) {
    const ev = await kube.get<KubeList>(resourcePath('Event', ns), { query: { fieldSelector: `involvedObject.name=${p.metadata.name}` }, signal }).catch(() => undefined);
    detail = ((ev?.items ?? []) as Array<KubeObject & { message?: string }>).map((e) => e.message ?? '').filter((m) => m.startsWith('Failed to pull image')).pop() ?? w.message ?? w.reason;
  }
  return { state: 'blocked', detail: `${w.reason}: ${detail}`, pod: p.metadata.name };
}
