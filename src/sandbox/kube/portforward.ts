// pods/{name}/portforward over WebSocket. (Filled in below the CRUD work.)
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SandboxContext } from '../context.js';
import type { InferenceTarget } from './proxy.js';

export function servePortForward(_ctx: SandboxContext, _inference: InferenceTarget | undefined, _req: IncomingMessage, socket: Duplex, _head: Buffer, _ns: string, _pod: string, _q: URLSearchParams): void {
  socket.end('HTTP/1.1 501 Not Implemented\r\nConnection: close\r\n\r\n');
}
