// Issue 17 item 15: a kubeconfig server on a port Node's fetch refuses ("bad port": 1, 6000, ...) is named in the
// one error line, not only under --debug. Nothing is sent anywhere: fetch refuses before connecting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../support/cli.js';

const kubeconfig = (port: number) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:${port}"}
users:
- name: u
  user: {token: not-a-real-token}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: default}
current-context: x
`;

describe('a kubeconfig server on a port fetch refuses', () => {
  it.each([6000, 1])('port %i: exit 1, the port and the fix in two lines, no stack', async (port) => {
    const dir = mkdtempSync(join(tmpdir(), 'kaito-badport-'));
    const f = join(dir, 'kubeconfig');
    writeFileSync(f, kubeconfig(port));
    const r = await kaito(['status', 'foo'], { env: baseEnv({ KUBECONFIG: f, HOME: dir }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: discover the Kaito API: the API server at https://127.0.0.1:${port} is on port ${port}, which Node's HTTP client refuses ("bad port", a port browsers block)\n  expose the API server on another port (e.g. 6443) and update the kubeconfig\n`);
  });
});
