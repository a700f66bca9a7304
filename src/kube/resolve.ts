// Which workspace a command means: the argument, else kaito.yaml's `workspace`, else the only one in
// the namespace, else a usage error naming the candidates.
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import type { KubeClient, KubeList, KubeObject } from './client.js';
import { resourcePath } from './client.js';
import { discoverKaitoApi } from './kaito.js';

export interface ResolvedWorkspace { name: string; namespace: string; apiVersion: string }

export async function resolveWorkspace(ctx: CommandContext, kube: KubeClient, arg: string | undefined, filter?: (ws: KubeObject) => boolean): Promise<ResolvedWorkspace> {
  const api = await discoverKaitoApi(kube, ctx.signal);
  const ns = kube.namespace;
  const named = arg ?? ctx.project().config.workspace;
  if (named) return { name: named, namespace: ns, apiVersion: api.apiVersion };
  let list: KubeList;
  try {
    list = await kube.get<KubeList>(resourcePath('Workspace', ns, undefined, api.apiVersion), { signal: ctx.signal });
  } catch (e) {
    throw kube.error(e, `list workspaces in ${ns}`);
  }
  const items = list.items.filter(filter ?? (() => true));
  if (items.length === 1) return { name: items[0].metadata.name, namespace: ns, apiVersion: api.apiVersion };
  if (items.length === 0) throw new UsageError(`no workspace in namespace ${ns}`, 'name one, pass -n NAMESPACE, or create one with `kaito tune` / `kaito deploy`');
  throw new UsageError(`${items.length} workspaces in namespace ${ns}: name one (${items.map((i) => i.metadata.name).join(', ')})`, 'or set `workspace:` in kaito.yaml');
}
