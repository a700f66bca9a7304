// Server-side printing (Accept: application/json;as=Table;g=meta.k8s.io;v=v1), what `kubectl get`
// asks for: column definitions plus one row of cells per object. Custom resources use their CRD's
// printer columns (JSONPath); built-in kinds get the columns kubectl users know.
import type { KObject } from '../store.js';
import type { PrinterColumn } from './crds.js';

type Obj = Record<string, any>;

export interface ColumnDef { name: string; type: string; format: string; description: string; priority: number }
interface Col { name: string; type?: string; format?: string; priority?: number; cell: (o: Obj) => unknown }

export function humanAge(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return d < 730 ? `${d}d` : `${Math.floor(d / 365)}y`;
}

/** The JSONPath subset CRD printer columns use: .a.b, escaped dots (a\.b), [n] and [?(@.k=="v")]. */
export function jsonPath(o: unknown, path: string): unknown[] {
  const tokens: Array<{ key?: string; index?: number; filter?: [string, string] }> = [];
  const re = /\.((?:\\\.|[^.[\\])+)|\[(\d+)\]|\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*["']([^"']*)["']\)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) tokens.push({ key: m[1].replace(/\\\./g, '.') });
    else if (m[2] !== undefined) tokens.push({ index: Number(m[2]) });
    else tokens.push({ filter: [m[3], m[4]] });
  }
  let cur: unknown[] = [o];
  for (const t of tokens) {
    const next: unknown[] = [];
    for (const c of cur) {
      if (c === null || typeof c !== 'object') continue;
      if (t.key !== undefined) {
        const v = (c as Obj)[t.key];
        if (v !== undefined) next.push(v);
      } else if (t.index !== undefined) {
        if (Array.isArray(c) && c[t.index] !== undefined) next.push(c[t.index]);
      } else if (t.filter && Array.isArray(c)) {
        for (const item of c) if (item && String((item as Obj)[t.filter[0]]) === t.filter[1]) next.push(item);
      }
    }
    cur = next;
  }
  return cur;
}

function crdCols(columns: PrinterColumn[]): Col[] {
  return columns.map((c) => ({
    name: c.name,
    type: c.type === 'date' ? 'date' : c.type,
    priority: c.priority ?? 0,
    cell: (o) => {
      const v = jsonPath(o, c.jsonPath);
      if (!v.length) return null;
      if (c.type === 'date') return humanAge(String(v[0]));
      return typeof v[0] === 'object' ? JSON.stringify(v[0]) : v[0];
    },
  }));
}

const age: Col = { name: 'Age', type: 'string', cell: (o) => humanAge(o.metadata?.creationTimestamp) };
const cond = (o: Obj, type: string) => (o.status?.conditions as Obj[] | undefined)?.find((c) => c.type === type)?.status;

function podStatus(p: Obj): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  const inits = (p.status?.initContainerStatuses as Obj[] | undefined) ?? [];
  const initTotal = (p.spec?.initContainers as Obj[] | undefined)?.length ?? 0;
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i].state ?? {};
    if (s.terminated && s.terminated.exitCode === 0) continue;
    if (s.terminated) return `Init:${s.terminated.reason ?? 'Error'}`;
    if (s.waiting && s.waiting.reason && s.waiting.reason !== 'PodInitializing') return `Init:${s.waiting.reason}`;
    return `Init:${i}/${initTotal}`;
  }
  let reason = p.status?.reason ?? p.status?.phase ?? 'Pending';
  for (const c of (p.status?.containerStatuses as Obj[] | undefined) ?? []) {
    const s = c.state ?? {};
    if (s.waiting?.reason) reason = s.waiting.reason;
    else if (s.terminated?.reason) reason = s.terminated.reason;
    else if (s.terminated) reason = s.terminated.exitCode === 0 ? 'Completed' : 'Error';
  }
  return reason;
}

function ports(svc: Obj): string {
  const ps = (svc.spec?.ports as Obj[] | undefined) ?? [];
  if (!ps.length) return '<none>';
  return ps.map((p) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

const BUILTIN: Record<string, Col[]> = {
  Namespace: [{ name: 'Status', cell: (o) => o.status?.phase ?? 'Active' }, age],
  Node: [
    { name: 'Status', cell: (o) => (cond(o, 'Ready') === 'True' ? 'Ready' : 'NotReady') + (o.spec?.unschedulable ? ',SchedulingDisabled' : '') },
    { name: 'Roles', cell: (o) => Object.keys(o.metadata?.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]).join(',') || '<none>' },
    age,
    { name: 'Version', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Instance-Type', priority: 1, cell: (o) => o.metadata?.labels?.['node.kubernetes.io/instance-type'] ?? '<none>' },
  ],
  Pod: [
    { name: 'Ready', cell: (o) => {
      const cs = (o.status?.containerStatuses as Obj[] | undefined) ?? [];
      const total = (o.spec?.containers as Obj[] | undefined)?.length ?? cs.length;
      return `${cs.filter((c) => c.ready).length}/${total}`;
    } },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: (o) => String(((o.status?.containerStatuses as Obj[] | undefined) ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)) },
    age,
    { name: 'IP', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
  ],
  Service: [
    { name: 'Type', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', cell: (o) => (o.status?.loadBalancer?.ingress as Obj[] | undefined)?.map((i) => i.ip ?? i.hostname).join(',') || (o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>') },
    { name: 'Port(s)', cell: ports },
    age,
    { name: 'Selector', priority: 1, cell: (o) => Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
  ],
  Endpoints: [{ name: 'Endpoints', cell: (o) => ((o.subsets as Obj[] | undefined) ?? []).flatMap((s) => ((s.addresses as Obj[]) ?? []).flatMap((a) => ((s.ports as Obj[]) ?? [{}]).map((p) => `${a.ip}${p.port ? ':' + p.port : ''}`))).join(',') || '<none>' }, age],
  Secret: [{ name: 'Type', cell: (o) => o.type ?? 'Opaque' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length }, age],
  ConfigMap: [{ name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length }, age],
  ServiceAccount: [{ name: 'Secrets', type: 'integer', cell: (o) => (o.secrets ?? []).length }, age],
  PersistentVolumeClaim: [{ name: 'Status', cell: (o) => o.status?.phase ?? 'Pending' }, { name: 'Volume', cell: (o) => o.spec?.volumeName ?? '' }, age],
  Event: [
    { name: 'Last Seen', cell: (o) => humanAge(o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp) },
    { name: 'Type', cell: (o) => o.type ?? 'Normal' },
    { name: 'Reason', cell: (o) => o.reason ?? '' },
    { name: 'Object', cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}` },
    { name: 'Message', cell: (o) => o.message ?? '' },
  ],
  Deployment: [
    { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    age,
    { name: 'Containers', priority: 1, cell: (o) => ((o.spec?.template?.spec?.containers as Obj[]) ?? []).map((c) => c.name).join(',') },
    { name: 'Images', priority: 1, cell: (o) => ((o.spec?.template?.spec?.containers as Obj[]) ?? []).map((c) => c.image).join(',') },
  ],
  StatefulSet: [{ name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` }, age],
  Job: [
    { name: 'Status', cell: (o) => (cond(o, 'Complete') === 'True' ? 'Complete' : cond(o, 'Failed') === 'True' ? 'Failed' : o.metadata?.deletionTimestamp ? 'Terminating' : 'Running') },
    { name: 'Completions', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
    { name: 'Duration', cell: (o) => (o.status?.startTime ? humanAge(o.status.startTime, o.status.completionTime ? Date.parse(o.status.completionTime) : Date.now()) : '') },
    age,
  ],
  CustomResourceDefinition: [{ name: 'Created At', type: 'date', cell: (o) => o.metadata?.creationTimestamp }],
};

export function tableColumns(kind: string, crdColumns?: PrinterColumn[]): Col[] {
  const name: Col = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata?.name };
  return [name, ...(crdColumns ? crdCols(crdColumns) : (BUILTIN[kind] ?? [age]))];
}

export function toTable(objects: KObject[], cols: Col[], listMeta: Obj, includeObject: string | null, withHeaders = true): Obj {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withHeaders
      ? cols.map<ColumnDef>((c) => ({ name: c.name, type: c.type ?? 'string', format: c.format ?? '', description: c.name, priority: c.priority ?? 0 }))
      : [],
    rows: objects.map((o) => ({
      cells: cols.map((c) => {
        const v = c.cell(o as Obj);
        return v === undefined ? null : v;
      }),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
