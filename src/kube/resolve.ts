// Which workspace a command means: the argument, else kaito.yaml's `workspace`, else the only one in
// the namespace, else a usage error naming the candidates.
import { checkDnsLabel } from '../core/names.js';
import { UsageError } from '../errors.js';
import type { KubeClient, KubeList, KubeObject } from './client.js';
import { resourcePath } from './client.js';
import { discoverKaitoApi } from './kaito.js';

export interface ResolvedWorkspace { name: string; namespace: string; apiVersion: string }

/** A workspace name from the command line is a DNS-1123 label, or no request is made (exit 2). */
export function checkWorkspaceName(name: string, where = 'workspace name'): void {
  const why = checkDnsLabel(name);
  if (why) throw new UsageError(`${where} "${name}" ${why}`, 'workspace names are DNS-1123 labels, e.g. phi-3-mini-128k-instruct-qlora; see `kaito list`');
}

/** Which kind a command would rather have when several workspaces are there (issue 17 item 7): logs the tuning one. */
export type WorkspacePreference = 'tuning' | 'inference';

export interface ResolveWorkspaceOptions {
  /** kaito.yaml's `workspace`, used when no argument names one */
  configured?: string;
  prefer?: WorkspacePreference;
  signal?: AbortSignal;
  /** told which workspace was picked when several are there */
  info(message: string): void;
}

export async function resolveWorkspace(kube: KubeClient, arg: string | undefined, o: ResolveWorkspaceOptions): Promise<ResolvedWorkspace> {
  const { prefer } = o;
  const named = arg ?? o.configured;
  if (named) checkWorkspaceName(named);
  const api = await discoverKaitoApi(kube, o.signal);
  const ns = kube.namespace;
  if (named) return { name: named, namespace: ns, apiVersion: api.apiVersion };
  let list: KubeList;
  try {
    list = await kube.get<KubeList>(resourcePath('Workspace', ns, undefined, api.apiVersion), { signal: o.signal });
  } catch (e) {
    throw kube.error(e, `list workspaces in ${ns}`);
  }
  const items = list.items;
  if (items.length === 1) return { name: items[0].metadata.name, namespace: ns, apiVersion: api.apiVersion };
  if (items.length === 0) throw new UsageError(`no workspace in namespace ${ns}`, 'name one, pass -n NAMESPACE, or create one with `kaito tune` / `kaito deploy`');
  // several (e.g. after tune + deploy): the newest of the preferred kind, else the newest, and say which
  const kindOf = (w: KubeObject) => ((w as { tuning?: unknown }).tuning ? 'tuning' : 'inference');
  const newest = (ws: KubeObject[]) => [...ws].sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')) || a.metadata.name.localeCompare(b.metadata.name))[0];
  const preferred = prefer ? items.filter((w) => kindOf(w) === prefer) : [];
  const pick = newest(preferred.length ? preferred : items);
  const why = preferred.length ? `the newest ${prefer} workspace` : 'the newest';
  o.info(`using workspace ${pick.metadata.name} (${why} of ${items.length} in namespace ${ns}: ${items.map((i) => i.metadata.name).sort().join(', ')}); name one, or set \`workspace:\` in kaito.yaml`);
  return { name: pick.metadata.name, namespace: ns, apiVersion: api.apiVersion };
}
