// The default transport: the API server's service proxy
// (/api/v1/namespaces/NS/services/WS:80/proxy/PATH). Credentials and TLS come from the kubeconfig via
// client-node (tokens, client certificates, exec plugins such as kubelogin). client-node builds a new
// undici Agent on every applySecurityAuthentication() call; the first one is kept so connections are
// reused (the TLS material of a kubeconfig does not change while the process runs), while headers are
// taken fresh each time because exec tokens expire.
import * as k8s from '../kube/k8s.js';
import type { Dispatcher } from 'undici';
import { registerSecret } from '../ui/redact.js';
import { newAgent, undiciRequest, type Transport, type UpstreamRequest, type UpstreamResponse } from './transport.js';

export function serviceProxyPath(namespace: string, service: string, port: number | string = 80): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${port}/proxy`;
}

export class ServiceProxyTransport implements Transport {
  readonly description: string;
  private dispatcher?: Dispatcher;
  private readonly prefix: string;

  constructor(private readonly kc: k8s.KubeConfig, server: string, namespace: string, service: string, port: number | string = 80) {
    this.prefix = server.replace(/\/+$/, '') + serviceProxyPath(namespace, service, port);
    this.description = `service proxy to ${namespace}/${service}`;
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const url = this.prefix + req.path;
    const rc = new k8s.RequestContext(url, req.method.toUpperCase() as k8s.HttpMethod);
    await this.kc.applySecurityAuthentication(rc);
    const fresh = rc.getDispatcher() as Dispatcher | undefined;
    if (!this.dispatcher) this.dispatcher = (fresh as Dispatcher | undefined) ?? newAgent();
    else if (fresh && fresh !== this.dispatcher) void fresh.close().catch(() => {});
    const headers = rc.getHeaders() as Record<string, string>;
    const auth = headers.Authorization ?? headers.authorization;
    if (auth) registerSecret(auth.replace(/^\S+\s+/, ''));
    return undiciRequest(url, req, this.dispatcher, headers);
  }

  async close(): Promise<void> {
    await this.dispatcher?.close().catch(() => {});
  }
}
