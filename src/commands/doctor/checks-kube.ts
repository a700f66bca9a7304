// Kubernetes-side doctor checks: access, server version, Kaito CRD versions, controller (version, mode),
// default tuning templates, and RBAC for what the CLI does (when the server answers access reviews).
import type { CommandContext } from '../../cli/context.js';
import { type KubeClient } from '../../kube/index.js';
import { GFD_HINT, GFD_LABELS, hasGfdLabels, nodesMatching, type GpuNode } from '../../kube/gpu-nodes.js';
import { discoverKaitoApi, findKaitoController, kaitoVersionAtLeast, KAITO_NOT_INSTALLED_HINT, type KaitoApi, type KaitoController } from '../../kube/kaito.js';
import type { Check, CheckGroup, CheckResult } from './check.js';

export interface KubeState { kube?: KubeClient; api?: KaitoApi; controller?: KaitoController }

const skip = (detail: string): CheckResult => ({ status: 'skip', detail });
const msg = (e: unknown) => {
  const k = e as { message?: string; hint?: string };
  return { detail: k.message ?? String(e), hint: k.hint };
};

const access: Check<KubeState> = {
  id: 'kube-access',
  title: 'Kubernetes access',
  async run(ctx, s) {
    let kube: KubeClient;
    try {
      s.kube = kube = await ctx.kube();
    } catch (e) {
      return { status: 'fail', ...msg(e) };
    }
    try {
      await kube.get('/api', { signal: ctx.signal });
      return { status: 'ok', detail: `context ${s.kube.contextName} -> ${s.kube.server} (namespace ${s.kube.namespace})` };
    } catch (e) {
      const err = s.kube.error(e, `reach ${s.kube.server}`);
      s.kube = undefined;
      return { status: 'fail', detail: err.message, hint: err.hint };
    }
  },
};

const serverVersion: Check<KubeState> = {
  id: 'kube-version',
  title: 'Kubernetes server version',
  async run(ctx, s) {
    if (!s.kube) return skip('no cluster access');
    try {
      const v = await s.kube.get<{ gitVersion?: string }>('/version', { signal: ctx.signal });
      return { status: 'ok', detail: v.gitVersion ?? 'unknown' };
    } catch (e) {
      return { status: 'warn', detail: `cannot read /version: ${s.kube.error(e, 'version').message}` };
    }
  },
};

/** The namespace the CLI will write to must exist (issue 17 item 4): tune/deploy would fail on it otherwise. */
const namespace: Check<KubeState> = {
  id: 'namespace',
  title: 'namespace',
  async run(ctx, s) {
    if (!s.kube) return skip('no cluster access');
    const ns = s.kube.namespace;
    try {
      const found = await s.kube.getOptional(`/api/v1/namespaces/${encodeURIComponent(ns)}`, { signal: ctx.signal });
      if (!found) return { status: 'fail', detail: `namespace ${ns} does not exist`, hint: `create it with \`kubectl create namespace ${ns}\`, or pick another with --namespace` };
      return { status: 'ok', detail: `${ns} exists` };
    } catch (e) {
      // a user allowed in one namespace only may not read Namespace objects: not knowing is not a failure
      return { status: 'warn', detail: `cannot tell whether namespace ${ns} exists: ${s.kube.error(e, 'namespace').message}` };
    }
  },
};

const crds: Check<KubeState> = {
  id: 'kaito-crd',
  title: 'Kaito API (kaito.sh)',
  async run(ctx, s) {
    if (!s.kube) return skip('no cluster access');
    try {
      s.api = await discoverKaitoApi(s.kube, ctx.signal);
      return { status: 'ok', detail: `served: ${s.api.served.map((v) => `kaito.sh/${v}`).join(', ')}; the CLI writes ${s.api.apiVersion}` };
    } catch (e) {
      return { status: 'fail', ...msg(e), hint: (e as { hint?: string }).hint ?? KAITO_NOT_INSTALLED_HINT };
    }
  },
};

const controller: Check<KubeState> = {
  id: 'kaito-controller',
  title: 'Kaito controller',
  async run(ctx, s) {
    if (!s.kube) return skip('no cluster access');
    try {
      s.controller = await findKaitoController(s.kube, ctx.signal);
    } catch (e) {
      return { status: 'fail', ...msg(e) };
    }
    const c = s.controller;
    if (!c) return { status: 'fail', detail: 'no Kaito controller Deployment found (none labelled app.kubernetes.io/name=workspace)', hint: KAITO_NOT_INSTALLED_HINT };
    const where = `${c.namespace}/${c.name}`;
    const mode = c.mode === 'byo' ? 'BYO (node auto-provisioning off: use --nodepool)' : 'NAP (Kaito provisions GPU nodes: use --instance-type)';
    // compat C1: provisioner and version as the controller Deployment found by label states them
    const detail = `${where} version ${c.version ?? 'unknown'}, ${c.readyReplicas}/${c.replicas} ready, node provisioner ${c.provisioner} (${c.modeSource}), mode ${mode}`;
    if (c.readyReplicas < 1) return { status: 'fail', detail, hint: `the controller is not running: \`kubectl -n ${c.namespace} describe deployment ${c.name}\`` };
    return { status: 'ok', detail };
  },
};

const templates: Check<KubeState> = {
  id: 'tuning-templates',
  title: 'default tuning templates',
  async run(ctx, s) {
    if (!s.kube) return skip('no cluster access');
    const ns = s.controller?.namespace ?? 'kube-system';
    const missing: string[] = [];
    for (const n of ['qlora-params-template', 'lora-params-template']) {
      const cm = await s.kube.getOptional(`/api/v1/namespaces/${ns}/configmaps/${n}`, { signal: ctx.signal }).catch(() => undefined);
      if (!cm) missing.push(n);
    }
    if (missing.length) return { status: 'fail', detail: `missing in ${ns}: ${missing.join(', ')}`, hint: 'reinstall or upgrade Kaito (the templates ship with it), or pass --config-file to `kaito tune`' };
    return { status: 'ok', detail: `qlora-params-template and lora-params-template in ${ns}` };
  },
};

/** BYO clusters: the GPU nodes and whether they carry the GPU Feature Discovery labels Kaito's webhook reads (compat A32, N26). */
const byoGpuNodes: Check<KubeState> = {
  id: 'byo-gpu-nodes',
  title: 'BYO GPU nodes',
  applies: (s) => Boolean(s.kube) && s.controller?.mode === 'byo',
  async run(ctx, s) {
    if (!s.kube || s.controller?.mode !== 'byo') return skip('not a BYO cluster');
    let nodes: GpuNode[];
    try {
      nodes = (await nodesMatching(s.kube, {}, ctx.signal)).filter((n) => n.gpus > 0);
    } catch (e) {
      return { status: 'warn', ...msg(e) };
    }
    if (!nodes.length) return { status: 'warn', detail: 'no GPU nodes yet', hint: 'create a GPU pool with `kaito nodepool add POOL --instance-type SKU`, then deploy with --nodepool POOL' };
    const bare = nodes.filter((n) => !hasGfdLabels(n));
    const v = s.controller.version;
    if (bare.length && kaitoVersionAtLeast(v, '0.8'))
      return { status: 'fail', detail: `${bare.length} of ${nodes.length} GPU nodes lack ${GFD_LABELS.join(', ')} (${bare.slice(0, 3).map((n) => n.name).join(', ')}): Kaito ${v} refuses preset workspaces on them`, hint: GFD_HINT };
    const kinds = [...new Set(nodes.filter(hasGfdLabels).map((n) => `${n.product} x${n.count}`))];
    return { status: 'ok', detail: `${nodes.length} GPU node${nodes.length > 1 ? 's' : ''}${kinds.length ? `: ${kinds.join(', ')}` : ''}${bare.length ? ` (${bare.length} without GFD labels)` : ''}` };
  },
};

/** What the CLI does (tune, wait, status, logs, delete, chat/proxy, nodepool list), checked with
 *  SelfSubjectAccessReview when the server serves it. `cluster` marks cluster-scoped resources. */
export const RBAC_NEEDS: Array<{ group: string; resource: string; verbs: string[]; cluster?: boolean }> = [
  { group: 'kaito.sh', resource: 'workspaces', verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { group: '', resource: 'configmaps', verbs: ['create', 'patch'] },
  { group: '', resource: 'secrets', verbs: ['create', 'patch'] },
  { group: '', resource: 'pods', verbs: ['get', 'list', 'watch'] },
  { group: '', resource: 'pods/log', verbs: ['get'] },
  { group: 'batch', resource: 'jobs', verbs: ['get', 'list', 'watch'] },
  { group: '', resource: 'services/proxy', verbs: ['get', 'create'] },
  { group: '', resource: 'nodes', verbs: ['list'], cluster: true },
  { group: 'karpenter.sh', resource: 'nodeclaims', verbs: ['list', 'watch'], cluster: true },
];

export const rbacCheck: Check<KubeState> = {
  id: 'rbac',
  title: 'permissions (RBAC)',
  async run(ctx, s) {
    const kube = s.kube;
    if (!kube) return skip('no cluster access');
    const served = await kube.getOptional('/apis/authorization.k8s.io/v1', { signal: ctx.signal }).catch(() => undefined);
    if (!served) return skip('the API server does not serve SelfSubjectAccessReview (authorization.k8s.io/v1)');
    const asks = RBAC_NEEDS.flatMap((r) => r.verbs.map((verb) => ({ ...r, verb })));
    let answers: boolean[];
    try {
      // independent questions: asked together, so doctor stays quick on a distant API server
      answers = await Promise.all(
        asks.map(async (r) => {
          const [resource, subresource] = r.resource.split('/');
          const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: r.verb, group: r.group, resource, subresource, namespace: r.cluster ? undefined : kube.namespace } } };
          const res = await kube.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body, signal: ctx.signal });
          return res?.status?.allowed === true;
        }),
      );
    } catch (e) {
      return { status: 'warn', detail: `access review failed: ${kube.error(e, 'access review').message}` };
    }
    const denied = new Map<string, string[]>();
    asks.forEach((r, i) => {
      if (answers[i]) return;
      const what = `${r.group ? r.group + '/' : ''}${r.resource}`;
      denied.set(what, [...(denied.get(what) ?? []), r.verb]);
    });
    if (denied.size)
      return {
        status: 'fail',
        detail: `not allowed (namespace ${kube.namespace}): ${[...denied].map(([what, verbs]) => `${verbs.join(',')} ${what}`).join('; ')}`,
        hint: 'ask a cluster admin for a Role (and a ClusterRole for nodes/nodeclaims) granting these verbs; check with `kubectl auth can-i VERB RESOURCE`',
      };
    return { status: 'ok', detail: `allowed: the ${asks.length} verbs the CLI uses in namespace ${kube.namespace}` };
  },
};

export function kubeChecks(): CheckGroup<KubeState> {
  return { name: 'kubernetes', init: () => ({}), checks: [access, serverVersion, namespace, crds, controller, byoGpuNodes, templates, rbacCheck] };
}

export type { CommandContext };
