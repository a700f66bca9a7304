// A plain-HTTP proxy in front of the real registry that injects faults per request: answer with a status, or cut the
// connection after reading some of the request body. Rules match method + path; each fires a bounded number of times.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRule {
  method: string;
  path: RegExp;
  /** which matching requests to hit, counting from 1 (default: every one) */
  nth?: number[];
  status?: number;
  headers?: Record<string, string>;
  /** answer with this body (status defaults to 200), e.g. an altered blob */
  replyBody?: Buffer;
  /** cut the socket after reading this many request-body bytes (nothing is forwarded) */
  cutAfterBytes?: number;
}

export interface FaultProxy {
  host: string;
  log: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, rules: FaultRule[]): Promise<FaultProxy> {
  const seen = new Map<FaultRule, number>();
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    // every rule counts the requests it matches; the first rule whose count is in its nth list fires
    let rule: FaultRule | undefined;
    for (const r of rules) {
      if (r.method !== req.method || !r.path.test(path)) continue;
      const n = (seen.get(r) ?? 0) + 1;
      seen.set(r, n);
      if (!rule && (!r.nth || r.nth.includes(n))) rule = r;
    }
    const hit = rule !== undefined;
    log.push(`${req.method} ${path.split('?')[0]}${hit ? ' FAULT' : ''}`);
    if (hit && rule!.cutAfterBytes !== undefined) {
      let got = 0;
      req.on('data', (b: Buffer) => {
        got += b.length;
        if (got >= rule!.cutAfterBytes!) req.socket.destroy();
      });
      req.on('end', () => req.socket.destroy());
      return;
    }
    if (hit && (rule!.status || rule!.replyBody)) {
      req.resume();
      req.on('end', () => {
        const body = rule!.replyBody ?? Buffer.from(JSON.stringify({ errors: [{ code: 'INJECTED', message: `injected ${rule!.status}` }] }));
        res.writeHead(rule!.status ?? 200, { 'content-type': 'application/json', 'content-length': String(body.length), ...rule!.headers });
        res.end(body);
      });
      return;
    }
    const [h, p] = upstream.split(':');
    const up = http.request({ host: h, port: Number(p), method: req.method, path, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
