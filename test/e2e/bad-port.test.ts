// Issue 17 item 15, then issue 16: Node's fetch refuses the WHATWG "bad ports" (1, 6000, 6665-6669, ...),
// which once made kaito fail where kubectl works. The Kubernetes client now sends its requests with
// undici's request(), which has no such list: a server on such a port is reached like on any other, and
// a port nobody listens on is named in the one error line, not only under --debug.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../support/cli.js';

// client-node takes plain http only with insecure-skip-tls-verify
const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${server}"${server.startsWith('http:') ? ', insecure-skip-tls-verify: true' : ''}}
users:
- name: u
  user: {token: not-a-real-token}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: default}
current-context: x
`;

function configFile(server: string): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-badport-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, kubeconfig(server));
  return { file, dir };
}

/** Listens on the first of the WHATWG bad ports that is free here (they are not used by anything else in the suite). */
async function listenOnBadPort(): Promise<{ server: Server; port: number }> {
  for (const port of [6000, 6665, 6666, 6667, 6668, 6669]) {
    const server = createServer((req, res) => {
      // an API server without Kaito: the kaito.sh group is not there
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
    });
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { server, port };
  }
  throw new Error('none of the bad ports 6000, 6665-6669 is free on 127.0.0.1');
}

describe('a kubeconfig server on a port browsers block', () => {
  it('is reached like any other: the answer of the server on it is what the user sees', async () => {
    const { server, port } = await listenOnBadPort();
    try {
      const { file, dir } = configFile(`http://127.0.0.1:${port}`);
      const r = await kaito(['status', 'foo'], { env: baseEnv({ KUBECONFIG: file, HOME: dir }) });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`\\nerror: Kaito is not installed in this cluster \\(http://127\\.0\\.0\\.1:${port} serves no kaito\\.sh API\\)\\n`));
      expect(r.stderr).not.toMatch(/bad port|\n\s+at /);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('port 1, where nothing listens: exit 1, the server and the fix in two lines, no stack', async () => {
    const { file, dir } = configFile('https://127.0.0.1:1');
    const r = await kaito(['status', 'foo'], { env: baseEnv({ KUBECONFIG: file, HOME: dir }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: discover the Kaito API: cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED)\n  check the cluster is running and the kube context is right (`kubectl cluster-info`)\n");
  });
});
