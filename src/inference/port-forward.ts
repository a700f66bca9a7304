// --via port-forward: a local listener on 127.0.0.1:0 whose every TCP connection is tunnelled to pod
// <ws>-0 port 5000 over the API server's WebSocket port-forward (client-node PortForward); requests then
// go to the local end like to any endpoint. A tunnel that breaks (the pod restarted) only fails the
// connections riding on it: the next connection opens a new tunnel.
import { createServer, type Server, type Socket } from 'node:net';
// the package's port-forward module (it pulls in generated API clients: this file is loaded only for --via port-forward)
import { PortForward } from '@kubernetes/client-node/dist/portforward.js';
import type { KubeConfig } from '../kube/k8s.js';
import { EndpointTransport } from './endpoint.js';
import type { Transport, UpstreamRequest, UpstreamResponse } from './transport.js';

interface Closable { close(): void; on?(ev: string, fn: () => void): void; readyState?: number }

export class PortForwardTransport implements Transport {
  readonly description: string;
  private server?: Server;
  private inner?: EndpointTransport;
  private starting?: Promise<void>;
  private readonly sockets = new Set<Socket>();
  /** why the last tunnel could not be opened (the local connection only sees a hang-up) */
  private lastTunnelError?: Error;

  constructor(private readonly kc: KubeConfig, private readonly namespace: string, private readonly pod: string, private readonly port = 5000) {
    this.description = `port-forward to ${namespace}/${pod}:${port}`;
  }

  private start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const pf = new PortForward(this.kc, true);
      const server = createServer((socket) => this.tunnel(pf, socket));
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        if (!addr || typeof addr === 'string') return reject(new Error('port-forward listener has no port'));
        this.server = server;
        this.inner = new EndpointTransport(`http://127.0.0.1:${addr.port}`, {}); // our own loopback hop: never through a proxy
        resolve();
      });
    });
    return this.starting;
  }

  private tunnel(pf: PortForward, socket: Socket): void {
    this.sockets.add(socket);
    let ws: Closable | undefined;
    socket.on('close', () => {
      this.sockets.delete(socket);
      ws?.close();
    });
    socket.on('error', () => socket.destroy());
    pf.portForward(this.namespace, this.pod, [this.port], socket, null, socket)
      .then((w) => {
        ws = w as unknown as Closable;
        if (socket.destroyed) ws.close();
        // the tunnel closing (pod gone, API server restarting) ends the local connection too
        ws.on?.('close', () => socket.destroy());
      })
      .catch((e: unknown) => {
        this.lastTunnelError = e instanceof Error ? e : new Error(String(e));
        socket.destroy();
      });
  }

  async request(req: UpstreamRequest): Promise<UpstreamResponse> {
    await this.start();
    this.lastTunnelError = undefined;
    try {
      return await this.inner!.request(req);
    } catch (e) {
      const why = this.lastTunnelError as Error | undefined;
      if (!why) throw e;
      // keep the network error code (so callers still retry) but say what really failed
      throw Object.assign(new Error(`port-forward to ${this.namespace}/${this.pod} failed: ${why.message}`), { code: (e as { code?: string }).code ?? 'ECONNRESET', cause: e });
    }
  }

  async close(): Promise<void> {
    await this.inner?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
