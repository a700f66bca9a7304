// `kaito gc`'s rules (pure): which objects Kaito or the CLI created for a workspace that no longer exists.
// Ownership is read only from the labels Kaito and the CLI write; anything without them is never a candidate:
// - gpu-provisioner NodeClaims: `kaito.sh/workspace` + `kaito.sh/workspacenamespace` (compat N25)
// - Karpenter NodePools Kaito writes: `karpenter.kaito.sh/managed-by=kaito` + `karpenter.kaito.sh/workspace-name`
//   / `-namespace` (compat N21); their NodeClaims carry the same workspace labels in their template
// - AKS agent pools: the CLI's (`kaito.sh/created-by=kaito-cli` node label, `kaito nodepool add`) when no
//   workspace is placed on them; the gpu-provisioner's (node labels of its NodeClaim) when their NodeClaim is gone
// - ConfigMaps / Secrets labelled `app.kubernetes.io/managed-by=kaito-cli`, whose workspace (label
//   `kaito.sh/workspace`, else the CLI's names `<ws>-push`, `<ws>-hf-token`, `<ws>-inference`, `<ws>-tuning[-hash]`)
//   is gone and that no existing workspace refers to by name.

export const CLI_MANAGED = { key: 'app.kubernetes.io/managed-by', value: 'kaito-cli' } as const;
export const WS_LABEL = 'kaito.sh/workspace';
export const WS_NS_LABEL = 'kaito.sh/workspacenamespace';
export const KARPENTER_MANAGED_BY = 'karpenter.kaito.sh/managed-by';
export const KARPENTER_WS_NAME = 'karpenter.kaito.sh/workspace-name';
export const KARPENTER_WS_NAMESPACE = 'karpenter.kaito.sh/workspace-namespace';
export const KARPENTER_POOL_LABEL = 'karpenter.sh/nodepool';

export interface GcObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: unknown;
}

export interface GcWorkspace { namespace: string; name: string; /** every string in the Workspace object: names it refers to */ refs: Set<string> }

export interface GcPool { name: string; vmSize: string; gpus: number; count: number; createdByKaito: boolean; kaitoWorkspace?: string; nodeLabels: Record<string, string> }

export type GcKind = 'NodeClaim' | 'NodePool' | 'AgentPool' | 'ConfigMap' | 'Secret';

export interface Orphan {
  kind: GcKind;
  name: string;
  /** ConfigMap / Secret only */
  namespace?: string;
  /** "namespace/name" of the workspace it was made for (absent for a CLI agent pool no workspace uses) */
  workspace?: string;
  reason: string;
  /** GPU objects: the VM size and GPUs it holds */
  instanceType?: string;
  gpus?: number;
  /** objects that bill: the VMs they stand for (a NodeClaim 1, a Karpenter NodePool its live NodeClaims, an agent pool its count) */
  nodes?: number;
}

export interface GcInput {
  workspaces: GcWorkspace[];
  nodeClaims: GcObject[];
  nodePools: GcObject[];
  configMaps: GcObject[];
  secrets: GcObject[];
  /** undefined: the AKS API was not asked */
  agentPools?: GcPool[];
  gpusOf?: (instanceType: string) => number | undefined;
}

/** Every string value in an object (deep), for "does any workspace refer to this name". */
export function stringsIn(o: unknown, out = new Set<string>()): Set<string> {
  if (typeof o === 'string') out.add(o);
  else if (Array.isArray(o)) for (const x of o) stringsIn(x, out);
  else if (o && typeof o === 'object') for (const v of Object.values(o)) stringsIn(v, out);
  return out;
}

const CLI_NAME = /^(.+?)-(push|hf-token|inference|tuning(?:-[0-9a-f]{8})?)$/;

/** The workspace a CLI-made ConfigMap/Secret belongs to: its label, else the name the CLI gave it. */
export function cliObjectWorkspace(o: GcObject): string | undefined {
  return o.metadata.labels?.[WS_LABEL] ?? CLI_NAME.exec(o.metadata.name)?.[1];
}

function instanceTypeOf(o: GcObject): string | undefined {
  const reqs = (o.spec as { requirements?: Array<{ key: string; values?: string[] }>; template?: { spec?: { requirements?: Array<{ key: string; values?: string[] }> } } } | undefined);
  const list = reqs?.requirements ?? reqs?.template?.spec?.requirements ?? [];
  return list.find((r) => r.key === 'node.kubernetes.io/instance-type')?.values?.[0];
}

export function findOrphans(input: GcInput): Orphan[] {
  const exists = new Set(input.workspaces.map((w) => `${w.namespace}/${w.name}`));
  const out: Orphan[] = [];
  const gpu = (it: string | undefined) => (it ? input.gpusOf?.(it) : undefined);
  const live = (o: GcObject) => !o.metadata.deletionTimestamp;

  // Karpenter NodePools Kaito wrote for a workspace that is gone (deleting one removes its NodeClaims)
  const orphanPools = new Set<string>();
  for (const p of input.nodePools.filter(live)) {
    const l = p.metadata.labels ?? {};
    if (l[KARPENTER_MANAGED_BY] !== 'kaito' || !l[KARPENTER_WS_NAME] || !l[KARPENTER_WS_NAMESPACE]) continue;
    const ws = `${l[KARPENTER_WS_NAMESPACE]}/${l[KARPENTER_WS_NAME]}`;
    if (exists.has(ws)) continue;
    orphanPools.add(p.metadata.name);
    const it = instanceTypeOf(p);
    const nodes = input.nodeClaims.filter((c) => live(c) && c.metadata.labels?.[KARPENTER_POOL_LABEL] === p.metadata.name).length;
    out.push({ kind: 'NodePool', name: p.metadata.name, workspace: ws, reason: `workspace ${ws} no longer exists`, ...(it ? { instanceType: it } : {}), ...(gpu(it) !== undefined ? { gpus: gpu(it) } : {}), nodes });
  }

  // NodeClaims made for a workspace that is gone (the gpu-provisioner's, or a Karpenter pool's left behind)
  const claimNames = new Set(input.nodeClaims.map((c) => c.metadata.name));
  for (const c of input.nodeClaims.filter(live)) {
    const l = c.metadata.labels ?? {};
    const name = l[WS_LABEL] ?? l[KARPENTER_WS_NAME];
    const ns = l[WS_LABEL] ? l[WS_NS_LABEL] : l[KARPENTER_WS_NAMESPACE];
    if (!name || !ns) continue;
    if (orphanPools.has(l[KARPENTER_POOL_LABEL] ?? '')) continue; // goes with its NodePool
    const ws = `${ns}/${name}`;
    if (exists.has(ws)) continue;
    const it = instanceTypeOf(c);
    out.push({ kind: 'NodeClaim', name: c.metadata.name, workspace: ws, reason: `workspace ${ws} no longer exists`, ...(it ? { instanceType: it } : {}), ...(gpu(it) !== undefined ? { gpus: gpu(it) } : {}), nodes: 1 });
  }

  // AKS agent pools
  const used = new Set<string>();
  for (const w of input.workspaces) for (const r of w.refs) used.add(r);
  for (const p of input.agentPools ?? []) {
    if (p.createdByKaito) {
      if (used.has(p.name)) continue;
      out.push({ kind: 'AgentPool', name: p.name, reason: 'made by `kaito nodepool add`; no workspace is placed on it', instanceType: p.vmSize, gpus: p.gpus * p.count, nodes: p.count });
    } else if (p.kaitoWorkspace && !exists.has(p.kaitoWorkspace) && !claimNames.has(p.name)) {
      out.push({ kind: 'AgentPool', name: p.name, workspace: p.kaitoWorkspace, reason: `made by Kaito's gpu-provisioner for workspace ${p.kaitoWorkspace}, which no longer exists, and its NodeClaim is gone`, instanceType: p.vmSize, gpus: p.gpus * p.count, nodes: p.count });
    }
  }

  // the CLI's ConfigMaps and Secrets
  const byNs = new Map<string, Set<string>>();
  for (const w of input.workspaces) {
    const s = byNs.get(w.namespace) ?? new Set<string>();
    for (const r of w.refs) s.add(r);
    byNs.set(w.namespace, s);
  }
  for (const [kind, list] of [['ConfigMap', input.configMaps], ['Secret', input.secrets]] as const) {
    for (const o of list.filter(live)) {
      if (o.metadata.labels?.[CLI_MANAGED.key] !== CLI_MANAGED.value) continue;
      const wsName = cliObjectWorkspace(o);
      const ns = o.metadata.namespace ?? 'default';
      if (!wsName) continue;
      const ws = `${ns}/${wsName}`;
      if (exists.has(ws) || byNs.get(ns)?.has(o.metadata.name)) continue;
      out.push({ kind, name: o.metadata.name, namespace: ns, workspace: ws, reason: `made by kaito for workspace ${ws}, which no longer exists; no workspace refers to it` });
    }
  }
  return out;
}

// ---- what the orphans bill (issue 19: "their $/h") ----
/** The Linux pay-as-you-go $/h of one VM of a size, or why it is not known. */
export interface GcPrice { usdPerHour: number | null; problem?: string }

export interface GcCost {
  /** per item (same order): $/h, 0 for what bills no VM, null when the price is not known */
  perItem: Array<number | null>;
  /** the sum of the known $/h */
  usdPerHour: number;
  /** true when some billing item has no price (the total is then a lower bound) */
  partial: boolean;
  /** "NodeClaim/x: why", one per item without a price */
  unavailable: string[];
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** Price each orphan: instance type x nodes; ConfigMaps, Secrets and empty NodePools bill nothing. */
export function costOrphans(items: Orphan[], priceOf: (instanceType: string) => GcPrice): GcCost {
  const unavailable: string[] = [];
  let total = 0;
  const perItem = items.map((o) => {
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') return 0;
    if (o.nodes === 0) return 0;
    if (!o.instanceType) {
      unavailable.push(`${o.kind}/${o.name}: it names no instance type`);
      return null;
    }
    const p = priceOf(o.instanceType);
    if (p.usdPerHour === null) {
      unavailable.push(`${o.kind}/${o.name}: ${p.problem ?? `no price for ${o.instanceType}`}`);
      return null;
    }
    const v = round4(p.usdPerHour * (o.nodes ?? 1));
    total += v;
    return v;
  });
  return { perItem, usdPerHour: round4(total), partial: unavailable.length > 0, unavailable };
}
