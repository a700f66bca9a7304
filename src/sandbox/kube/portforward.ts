// pods/{name}/portforward over WebSocket, the channel protocol @kubernetes/client-node's PortForward
// speaks (v4.channel.k8s.io; one port per connection: data on channel 0, errors on channel 1, each
// channel's first frame is the port as 2 little-endian bytes). kubectl port-forward needs SPDY, which
// the sandbox does not speak. The bytes go to the inference emulator through an in-process http.Server
// fed with one end of a duplex pair, so the emulator sees an ordinary HTTP connection.
import { createServer, type IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SandboxContext } from '../context.js';
import type { InferenceTarget } from './proxy.js';

const PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'];
/** the port the inference container listens on (KAITO.md §3) */
export const INFERENCE_PORT = 5000;

/** Two connected in-memory sockets: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const make = (peer: () => Duplex) =>
    Object.assign(
      new Duplex({
        read() {},
        write(chunk, _enc, cb) {
          peer().push(chunk);
          cb();
        },
        final(cb) {
          peer().push(null);
          cb();
        },
      }),
      // what http.Server may call on a socket
      { setTimeout: () => {}, setNoDelay: () => {}, setKeepAlive: () => {}, remoteAddress: '127.0.0.1', remotePort: 0 },
    );
  // eslint-disable-next-line prefer-const
  let a: Duplex, b: Duplex;
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

let wss: WebSocketServer | undefined;
const server = () =>
  (wss ??= new WebSocketServer({ noServer: true, handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false }));

function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function servePortForward(ctx: SandboxContext, inference: InferenceTarget | undefined, req: IncomingMessage, socket: Duplex, head: Buffer, ns: string, pod: string, q: URLSearchParams): void {
  const ports = q.getAll('ports').flatMap((p) => p.split(',')).map(Number);
  server().handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const port = ports[0] ?? 0;
    const portBytes = Buffer.from([port & 0xff, (port >> 8) & 0xff]);
    ws.send(frame(0, portBytes));
    ws.send(frame(1, portBytes));
    const fail = (message: string) => {
      ws.send(frame(1, message));
      ws.close(1000);
    };
    if (ports.length !== 1 || !Number.isInteger(port) || port <= 0) return fail('the sandbox forwards exactly one port per connection (?ports=N)');
    const p = ctx.store.get('/pods', ns, pod) as { status?: { phase?: string } } | undefined;
    if (!p) return fail(`pods "${pod}" not found`);
    if (p.status?.phase !== 'Running') return fail(`unable to do port forwarding: pod ${pod} is not running (phase ${p.status?.phase ?? 'Pending'})`);
    if (port !== INFERENCE_PORT || !inference)
      return fail(`error forwarding port ${port} to pod ${pod}: dial tcp4 127.0.0.1:${port}: connect: connection refused`);
    const [clientSide, serverSide] = duplexPair();
    const bridge = createServer((breq, bres) => inference.handle({ namespace: ns, pod }, breq, bres, breq.url ?? '/'));
    bridge.emit('connection', serverSide);
    clientSide.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(0, d)));
    clientSide.on('end', () => ws.close(1000));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data);
      if (buf.length < 1 || buf[0] !== 0) return; // only the data channel carries input
      if (buf.length > 1) clientSide.write(buf.subarray(1));
    });
    const stop = () => {
      clientSide.destroy();
      serverSide.destroy();
      bridge.close();
      if (ws.readyState === ws.OPEN) ws.close(1001);
    };
    ws.on('close', stop);
    ctx.signal.addEventListener('abort', stop, { once: true });
  });
}
