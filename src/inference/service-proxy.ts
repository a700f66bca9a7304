// The default transport: the API server's service proxy
// (/api/v1/namespaces/NS/services/WS:80/proxy/PATH), through the kube port's client: credentials and TLS from the
// kubeconfig via client-node (tokens, client certificates, exec plugins such as kubelogin, taken fresh for every
// request because exec tokens expire) and its keep-alive connections to the API server (kube/client.ts).
import type { KubeClient } from '../kube/client.js';
import type { Transport, UpstreamRequest, UpstreamResponse } from './transport.js';

export function serviceProxyPath(namespace: string, service: string, port: number | string = 80): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}:${port}/proxy`;
}

export class ServiceProxyTransport implements Transport {
  readonly description: string;
  private readonly prefix: string;

  constructor(private readonly kube: KubeClient, namespace: string, service: string, port: number | string = 80) {
    this.prefix = serviceProxyPath(namespace, service, port);
    this.description = `service proxy to ${namespace}/${service}`;
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const res = await this.kube.raw(req.method, this.prefix + req.path, { headers: req.headers, body: req.body, signal: req.signal });
    return { status: res.statusCode ?? 0, headers: res.headers, body: res };
  }

  async close(): Promise<void> {
    // the connections belong to the kube client; idle ones do not keep the process alive
  }
}
