// The sandbox's one HTTPS server on 127.0.0.1. Routing: Host == the dataset host -> dataset host;
// paths the ARM emulator claims (/subscriptions/..., /providers/..., the emulated Entra ID endpoints)
// -> ARM; everything else -> the Kubernetes API (bearer token required). WebSocket upgrades go to the
// Kubernetes API (pods/portforward).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SandboxPki } from './certs.js';

export interface Routes {
  datasetHost: string;
  datasets?: { handle(req: IncomingMessage, res: ServerResponse): void };
  arm?: { claims(path: string): boolean; handle(req: IncomingMessage, res: ServerResponse): void };
  kube: {
    handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  };
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function hostName(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

export function startServer(pki: SandboxPki, routes: Routes, port = 0): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (routes.datasets && hostName(req) === routes.datasetHost) return routes.datasets.handle(req, res);
    if (routes.arm?.claims(url.pathname)) return routes.arm.handle(req, res);
    routes.kube.handle(req, res, url);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    routes.kube.upgrade(req, socket, head, new URL(req.url ?? '/', 'https://127.0.0.1'));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // long-lived watches and log streams must not keep a stopping sandbox alive
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        server,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
