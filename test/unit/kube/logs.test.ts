// `kaito logs -f` survives a dropped stream: resume with sinceTime, print nothing twice, lose nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/kube/client.js';
import { streamLogs } from '../../../src/kube/logs.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? (server.closeAllConnections(), server.close(() => r())) : r())));

// ten lines, two per second, with RFC3339Nano timestamps like the kubelet's
const LINES = Array.from({ length: 10 }, (_, i) => ({ time: `2026-01-01T00:00:0${Math.floor(i / 2)}.${String(i % 2 ? 500000000 : 100000000)}Z`, text: `line ${i}` }));

describe('streamLogs -f', () => {
  it('reconnects after a cut with sinceTime and skips lines it already printed', async () => {
    const queries: URLSearchParams[] = [];
    server = createServer((req, res) => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      queries.push(q);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (queries.length === 1) {
        // five lines, then the connection drops mid-line
        for (const l of LINES.slice(0, 5)) res.write(`${l.time} ${l.text}\n`);
        res.write(`${LINES[5].time} line 5 partial`);
        setTimeout(() => res.destroy(), 20);
        return;
      }
      // the kubelet answers sinceTime at second granularity: lines of that whole second come again
      const since = q.get('sinceTime') ?? '';
      for (const l of LINES.filter((x) => x.time.slice(0, 19) >= since.slice(0, 19))) res.write(`${l.time} ${l.text}\n`);
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't0k3n' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const kube = new KubeClient({ kc, contextName: 'x', namespace: 'default', server: url, source: 'test', insecure: false }, { attempts: 1 });
    const out: string[] = [];
    let ends = 0;
    await streamLogs(kube, {
      namespace: 'default', pod: 'p', container: 'c', follow: true, tailLines: 100, signal: new AbortController().signal,
      onLine: (l) => out.push(l.text),
      stopWhenTerminated: async () => ++ends >= 1,
      maxRetries: 3,
    });
    // the half-received line is not printed: it comes again, whole, after the reconnect
    expect(out).toEqual(LINES.map((l) => l.text));
    expect(queries[0].get('tailLines')).toBe('100');
    expect(queries[0].get('timestamps')).toBe('true');
    expect(queries[1].get('sinceTime')).toBe('2026-01-01T00:00:02Z');
    expect(queries[1].get('tailLines')).toBeNull();
  });
});
