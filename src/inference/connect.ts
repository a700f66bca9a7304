// Builds the Transport a command asked for: --endpoint URL, or a ready workspace through the API
// server's service proxy (default) or a port-forward to pod <ws>-0 port 5000.
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { kubeFromContext } from '../kube/index.js';
import { PortForwardTransport } from './port-forward.js';
import { ServiceProxyTransport } from './service-proxy.js';
import { EndpointTransport, normalizeEndpoint, type Transport } from './transport.js';
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

export async function connect(ctx: CommandContext, o: ConnectOptions): Promise<Connection> {
  if (o.endpoint !== undefined) {
    let base: string;
    try {
      base = normalizeEndpoint(o.endpoint);
    } catch (e) {
      throw new UsageError(`--endpoint: ${(e as Error).message}`, 'pass the inference server base URL, e.g. --endpoint http://127.0.0.1:5000');
    }
    if (o.workspace) ctx.io.warn('--endpoint given: ignoring the workspace (no Kubernetes access)');
    return { transport: new EndpointTransport(base) };
  }
  const kube = kubeFromContext(ctx);
  const ws = await resolveInferenceWorkspace(kube, o.workspace, ctx.project().config.workspace, ctx.signal);
  const transport =
    o.via === 'port-forward'
      ? new PortForwardTransport(kube.kc, ws.namespace, `${ws.name}-0`, 5000)
      : new ServiceProxyTransport(kube.kc, kube.server, ws.namespace, ws.name, 80);
  return { transport, workspace: ws };
}
