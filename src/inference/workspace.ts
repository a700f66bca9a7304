// Which workspace `kaito chat` / `kaito proxy` talk to, and whether it can answer. The default is
// kaito.yaml's current workspace, else the only inference workspace in the namespace. A workspace that
// is not ready is refused with its state and the reason Kaito gives (exit 3, SPEC: "inference not
// ready for a named reason"), so nobody waits on a request that cannot be served.
import { checkWorkspaceName } from '../kube/resolve.js';
import { UsageError, WorkspaceFailedError } from '../errors.js';
import type { KubeClient, KubeList, KubeObject } from '../kube/client.js';
import { resourcePath } from '../kube/client.js';
import { discoverKaitoApi } from '../kube/kaito.js';
import { workspaceNotFound } from '../kube/workspace.js';

interface Condition { type: string; status: string; reason?: string; message?: string }

export interface InferenceWorkspace {
  name: string;
  namespace: string;
  /** names of the LoRA adapters the workspace loads (inference.adapters[].source.name) */
  adapters: string[];
  preset?: string;
  object: KubeObject;
}

const conditions = (o: KubeObject) => (((o.status ?? {}) as { conditions?: Condition[] }).conditions ?? []);
const stateOf = (o: KubeObject) => ((o.status ?? {}) as { state?: string }).state;

/**
 * compat W20: ready to answer when the InferenceReady condition is True, on every version. Not status.state
 * (v0.10+ leaves NotReady after a failed benchmark while InferenceReady is True) and not pod readiness (the
 * Service publishes unready pods).
 */
export function isInferenceReady(o: KubeObject): boolean {
  return conditions(o).some((c) => c.type === 'InferenceReady' && c.status === 'True');
}

/** "state Pending; InferenceReady=False (ImagePullError: ...)" — the most telling facts, one line. */
export function describeNotReady(o: KubeObject): string {
  const parts: string[] = [];
  const state = stateOf(o);
  parts.push(state ? `state ${state}` : 'no state reported yet');
  const order = ['InferenceReady', 'ResourceReady', 'NodeClaimReady', 'NodesReady'];
  const bad = conditions(o)
    .filter((c) => order.includes(c.type) && c.status !== 'True')
    .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  for (const c of bad.slice(0, 2)) parts.push(`${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`);
  return parts.join('; ');
}

function toInference(o: KubeObject, namespace: string): InferenceWorkspace {
  const inf = (o.inference ?? {}) as { preset?: { name?: string }; adapters?: Array<{ source?: { name?: string } }> };
  return {
    name: o.metadata.name,
    namespace,
    preset: inf.preset?.name,
    adapters: (inf.adapters ?? []).map((a) => a.source?.name).filter((n): n is string => Boolean(n)),
    object: o,
  };
}

/**
 * Finds the workspace to talk to and checks it can answer. `requested` is --workspace / the argument,
 * `current` is kaito.yaml's workspace.
 */
export async function resolveInferenceWorkspace(kube: KubeClient, requested: string | undefined, current: string | undefined, signal?: AbortSignal): Promise<InferenceWorkspace> {
  const name = requested ?? current;
  if (name) checkWorkspaceName(name, requested ? '--workspace' : 'workspace (kaito.yaml)');
  const ns = kube.namespace;
  const api = await discoverKaitoApi(kube, signal);
  let obj: KubeObject | undefined;
  if (name) {
    try {
      obj = await kube.getOptional<KubeObject>(resourcePath('Workspace', ns, name, api.apiVersion), { signal });
    } catch (e) {
      throw kube.error(e, `read workspace ${name}`);
    }
    if (!obj) {
      const from = requested ? '' : ' (the current workspace in kaito.yaml)';
      throw workspaceNotFound(name, ns, from);
    }
  } else {
    let list: KubeList;
    try {
      list = await kube.get<KubeList>(resourcePath('Workspace', ns, undefined, api.apiVersion), { signal });
    } catch (e) {
      throw kube.error(e, 'list workspaces');
    }
    const inference = list.items.filter((w) => w.inference);
    if (inference.length === 0) throw new UsageError(`no inference workspace in namespace ${ns}`, 'deploy one with `kaito deploy --preset NAME`, or pass -n NAMESPACE');
    if (inference.length > 1)
      throw new UsageError(`${inference.length} inference workspaces in namespace ${ns}: say which one`, `pass --workspace one of: ${inference.map((w) => w.metadata.name).join(', ')} (or set workspace: in kaito.yaml)`);
    obj = inference[0];
  }
  if (!obj.inference) {
    throw new UsageError(`workspace ${obj.metadata.name} is a tuning workspace; chat and proxy need an inference one`, `deploy its adapter: \`kaito deploy --from-tuning ${obj.metadata.name}\``);
  }
  if (!isInferenceReady(obj)) {
    throw new WorkspaceFailedError(`workspace ${obj.metadata.name} is not ready to answer: ${describeNotReady(obj)}`, `wait for it with \`kaito wait ${obj.metadata.name}\`, see why with \`kaito status ${obj.metadata.name}\``);
  }
  return toInference(obj, ns);
}
