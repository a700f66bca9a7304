// The sandbox's one HTTPS server on 127.0.0.1. Routing: Host == the dataset host -> dataset host;
// paths the ARM emulator claims (/subscriptions/..., /providers/..., the emulated Entra ID endpoints)
// -> ARM; everything else -> the Kubernetes API (bearer token required). WebSocket upgrades go to the
// Kubernetes API (pods/portforward).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SandboxPki } from './certs.js';
import type { Faults } from './context.js';

export interface Routes {
  datasetHost: string;
  datasets?: { handle(req: IncomingMessage, res: ServerResponse): void };
  /** issue 13: the OCI registry, by Host */
  registryHost?: string;
  registry?: { handle(req: IncomingMessage, res: ServerResponse): void };
  arm?: { claims(path: string): boolean; handle(req: IncomingMessage, res: ServerResponse): void };
  /** the Azure Retail Prices API (issue 14) */
  prices?: { claims(path: string): boolean; handle(req: IncomingMessage, res: ServerResponse): void };
  kube: {
    handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  };
}

export interface RunningServer {
  server: Server;
  port: number;
  /** TLS connections open right now (the reliability campaign checks that clients do not leak them) */
  connections(): number;
  close(): Promise<void>;
}

/**
 * --fault reset=P: the response is cut in the middle of its body (or before its headers when it has none)
 * by destroying the connection, as a dropped TCP connection or a crashing proxy would.
 */
function cutMidBody(res: ServerResponse): void {
  const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
  const size = (c: unknown) => (typeof c === 'string' ? Buffer.byteLength(c) : c instanceof Uint8Array ? c.byteLength : 0);
  const cut = (chunk: string | Uint8Array) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
  };
  let done = false;
  res.write = ((chunk: string | Uint8Array) => {
    if (!done && size(chunk) > 0) {
      done = true;
      cut(chunk);
    }
    return true;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown) => {
    if (!done) {
      done = true;
      if (size(chunk) > 0) cut(chunk as string | Uint8Array);
      else res.destroy();
    }
    return res;
  }) as ServerResponse['end'];
}

function hostName(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

/** `faults` is read on every request, so a test may change it while the server runs. */
export function startServer(pki: SandboxPki, routes: Routes, port = 0, faults: Pick<Faults, 'slowMs' | 'reset'> = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const dispatch = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (routes.arm?.claims(url.pathname)) return routes.arm.handle(req, res);
    if (routes.prices?.claims(url.pathname)) return routes.prices.handle(req, res);
    routes.kube.handle(req, res, url);
  };
  // client certificates are asked for, not required: a token works as before; a certificate is checked against the
  // sandbox CA (validity included) and the Kubernetes API authenticates on it (issue 17 item 18)
  const server = createServer({ cert: pki.certPem, key: pki.keyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (routes.datasets && hostName(req) === routes.datasetHost) return routes.datasets.handle(req, res);
    if (routes.registry && hostName(req) === routes.registryHost) return routes.registry.handle(req, res);
    // the slow and reset faults hit the Kubernetes API and ARM only (not the dataset host)
    if (faults.reset && Math.random() < faults.reset) cutMidBody(res);
    if (!faults.slowMs) return dispatch(req, res, url);
    const t = setTimeout(() => {
      if (!res.destroyed) dispatch(req, res, url);
    }, faults.slowMs);
    res.on('close', () => clearTimeout(t));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    routes.kube.upgrade(req, socket, head, new URL(req.url ?? '/', 'https://127.0.0.1'));
  });
  // TCP connections too: one still in its TLS handshake (or whose client went quiet) would hold close() until a timeout
  const raw = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    raw.add(s);
    s.on('close', () => raw.delete(s));
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
        connections: () => sockets.size,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
            for (const s of raw) s.destroy();
            server.closeAllConnections?.();
          }),
      });
    });
  });
}
