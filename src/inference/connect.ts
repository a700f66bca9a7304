// Builds the Transport a command asked for: --endpoint URL, or a ready workspace through the API
// server's service proxy (default) or a port-forward to its inference pod port 5000: `<ws>-0` of the
// StatefulSet (Kaito 0.8+), else a ready pod of Kaito 0.6's Deployment `<ws>-<hash>-<rand>` (compat I5).
import { UsageError } from '../errors.js';
import { resourcePath, type KubeClient, type KubeList, type KubeObject } from '../kube/client.js';
import { ServiceProxyTransport } from './service-proxy.js';
import { normalizeEndpoint, type Transport } from './transport.js';
import { resolveInferenceWorkspace, type InferenceWorkspace } from './workspace.js';

export type Via = 'service-proxy' | 'port-forward';

export interface Connection {
  transport: Transport;
  /** undefined with --endpoint */
  workspace?: InferenceWorkspace;
}

export interface ConnectOptions {
  workspace?: string;
  endpoint?: string;
  via?: Via;
}

/** What connecting needs from the caller (the command context provides all of it). */
export interface ConnectDeps {
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  warn(message: string): void;
  /** the cluster's client; only asked for without --endpoint */
  kube(): Promise<KubeClient>;
  /** kaito.yaml's `workspace`; only asked for without --endpoint */
  configuredWorkspace(): string | undefined;
}

export async function connect(ctx: ConnectDeps, o: ConnectOptions): Promise<Connection> {
  if (o.endpoint !== undefined) {
    let base: string;
    try {
      base = normalizeEndpoint(o.endpoint);
    } catch (e) {
      throw new UsageError(`--endpoint: ${(e as Error).message}`, 'pass the inference server base URL, e.g. --endpoint http://127.0.0.1:5000');
    }
    if (o.workspace) ctx.warn('--endpoint given: ignoring the workspace (no Kubernetes access)');
    const { EndpointTransport } = await import('./endpoint.js');
    return { transport: new EndpointTransport(base, ctx.env) };
  }
  const kube = await ctx.kube();
  const ws = await resolveInferenceWorkspace(kube, o.workspace, ctx.configuredWorkspace(), ctx.signal);
  const transport =
    o.via === 'port-forward'
      ? new (await import('./port-forward.js')).PortForwardTransport(kube.kc, ws.namespace, await inferencePod(kube, ws.namespace, ws.name, ctx.signal), 5000)
      : new ServiceProxyTransport(kube, ws.namespace, ws.name, 80);
  return { transport, workspace: ws };
}

const podIsReady = (p: KubeObject) => (((p.status ?? {}) as { conditions?: Array<{ type: string; status: string }> }).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * compat I5: the pod to port-forward to. `<ws>-0` when the workspace has one (StatefulSet, Kaito 0.8+);
 * otherwise the first ready pod, by name, labelled kaito.sh/workspace=<ws> (Kaito 0.6's Deployment).
 */
export async function inferencePod(kube: KubeClient, namespace: string, workspace: string, signal?: AbortSignal): Promise<string> {
  const first = `${workspace}-0`;
  let list: KubeList;
  try {
    list = await kube.get<KubeList>(`${resourcePath('Pod', namespace)}?labelSelector=${encodeURIComponent(`kaito.sh/workspace=${workspace}`)}`, { signal });
  } catch (e) {
    throw kube.error(e, `list the pods of workspace ${workspace}`);
  }
  const pods = list.items.filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (pods.length === 0 || pods.some((p) => p.metadata.name === first)) return first;
  return (pods.find(podIsReady) ?? pods[0]).metadata.name;
}
