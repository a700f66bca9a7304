// Discovery documents (legacy, not aggregated: clients fall back to these when the answer is plain
// application/json): /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}.
import { apiVersionOf, GROUPS, RESOURCES, type ResourceDef } from './resources.js';

export const KUBE_VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.4-kaito-sandbox' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBE_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.22.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function group(name: string): Record<string, unknown> {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === name).flatMap((r) => r.versions))];
  const gv = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(group) };
}

export function apiGroup(name: string): Record<string, unknown> | undefined {
  if (!GROUPS.includes(name)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...group(name) };
}

const SUB_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  log: ['get'],
  proxy: ['create', 'delete', 'get', 'patch', 'update'],
  portforward: ['create', 'get'],
};

function entries(r: ResourceDef): Array<Record<string, unknown>> {
  const main: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
  if (r.shortNames) main.shortNames = r.shortNames;
  if (r.categories) main.categories = r.categories;
  const subs = r.subresources.map((s) => ({
    name: `${r.plural}/${s}`,
    singularName: '',
    namespaced: r.namespaced,
    kind: s === 'status' ? r.kind : s === 'proxy' ? `${r.kind}ProxyOptions` : s === 'log' ? 'Pod' : 'PodPortForwardOptions',
    verbs: SUB_VERBS[s] ?? ['get'],
  }));
  return [main, ...subs];
}

export function apiResourceList(groupName: string, version: string): Record<string, unknown> | undefined {
  const rs = RESOURCES.filter((r) => r.group === groupName && r.versions.includes(version));
  if (!rs.length) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(rs[0], version), resources: rs.flatMap(entries) };
}
