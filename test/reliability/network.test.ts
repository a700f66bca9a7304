// Network exposure: what the sandbox and the proxy listen on (read from the kernel's socket table, not from
// what they print), the proxy's refusal to listen beyond loopback without an API key, and TLS: verification
// is off only when the kubeconfig says insecure-skip-tls-verify (then one warning), a wrong CA is exit 1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki } from '../../src/sandbox/certs.js';
import { runKaito, startKaito } from './proc.js';
import { startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

/** Local addresses listening on TCP `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const [addr, p] = cols[1].split(':');
      if (parseInt(p, 16) !== port) continue;
      out.push(addr.length === 8 ? addr.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.') : addr === '00000000000000000000000001000000' ? '::1' : addr === '00000000000000000000000000000000' ? '::' : addr);
    }
  }
  return out;
}

let sb: CampaignSandbox;
let dir: string;

describe('network exposure and TLS', () => {
  beforeAll(async () => {
    sb = await startCampaignSandbox();
    dir = mkdtempSync(join(tmpdir(), 'kaito-net-'));
    const r = await runKaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'net', '--instance-type', 'Standard_NV36ads_A10_v5', '--wait'], { env: sb.cliEnv, deadlineMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await sb?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the in-process sandbox listens on 127.0.0.1 only', () => {
    expect(listeners(sb.port)).toEqual(['127.0.0.1']);
  });

  it('`kaito sandbox start` listens on 127.0.0.1 only', async () => {
    const p = startKaito(['sandbox', 'start', '--port', '0', '--state-dir', join(dir, 'state')], { env: { ...sb.cliEnv, KUBECONFIG: '' }, deadlineMs: 60_000 });
    try {
      const port = Number((await p.waitFor('stderr', /sandbox running at https:\/\/127\.0\.0\.1:(\d+)/))?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(listeners(port)).toEqual(['127.0.0.1']);
    } finally {
      p.child.kill('SIGINT');
      expect((await p.done).code).toBe(0);
    }
  }, 60_000);

  it('`kaito proxy` listens on 127.0.0.1 by default', async () => {
    const p = startKaito(['proxy', 'net', '--port', '0'], { env: sb.cliEnv, deadlineMs: 60_000 });
    try {
      const port = Number((await p.waitFor('stdout', /^http:\/\/127\.0\.0\.1:(\d+)\/v1$/m))?.[1]);
      expect(listeners(port)).toEqual(['127.0.0.1']);
    } finally {
      p.child.kill('SIGINT');
      expect((await p.done).code).toBe(0);
    }
  }, 60_000);

  it('`kaito proxy --host 0.0.0.0` without --api-key is refused (exit 2) and listens nowhere; with a key it binds', async () => {
    const r = await runKaito(['proxy', 'net', '--host', '0.0.0.0', '--port', '0'], { env: sb.cliEnv, deadlineMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--api-key/);
    expect(r.stdout).toBe('');
    const keyFile = join(dir, 'key');
    writeFileSync(keyFile, 'a-long-enough-proxy-key\n', { mode: 0o600 });
    const p = startKaito(['proxy', 'net', '--host', '0.0.0.0', '--port', '0', '--api-key', keyFile], { env: sb.cliEnv, deadlineMs: 60_000 });
    try {
      const port = Number((await p.waitFor('stdout', /:(\d+)\/v1$/m))?.[1]);
      expect(listeners(port)).toEqual(['0.0.0.0']);
      const anon = await fetch(`http://127.0.0.1:${port}/v1/models`);
      expect(anon.status).toBe(401);
    } finally {
      p.child.kill('SIGINT');
      expect((await p.done).code).toBe(0);
    }
  }, 60_000);

  const kubeconfig = (edit: (cluster: Record<string, unknown>) => void) => {
    const kc = YAML.parse(readFileSync(sb.kubeconfigPath, 'utf8'));
    edit(kc.clusters[0].cluster);
    const path = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, YAML.stringify(kc), { mode: 0o600 });
    // NODE_EXTRA_CA_CERTS would trust the sandbox CA behind the kubeconfig's back
    const env: NodeJS.ProcessEnv = { ...sb.cliEnv, KUBECONFIG: path };
    delete env.NODE_EXTRA_CA_CERTS;
    return env;
  };

  it('insecure-skip-tls-verify in the kubeconfig: works, and warns exactly once per command', async () => {
    const env = kubeconfig((c) => {
      delete c['certificate-authority-data'];
      c['insecure-skip-tls-verify'] = true;
    });
    const list = await runKaito(['list'], { env, deadlineMs: 60_000 });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr.match(/insecure-skip-tls-verify/g)).toHaveLength(1);
    const chat = await runKaito(['chat', '--workspace', 'net', 'hello'], { env, deadlineMs: 60_000 });
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stderr.match(/insecure-skip-tls-verify/g)).toHaveLength(1);
  }, 60_000);

  it('a kubeconfig whose CA did not sign the server: exit 1 with a clear line, no insecure fallback', async () => {
    const other = await createPki(['localhost']);
    const env = kubeconfig((c) => {
      c['certificate-authority-data'] = Buffer.from(other.caPem).toString('base64');
    });
    for (const args of [['list'], ['chat', '--workspace', 'net', 'hello'], ['status', 'net']]) {
      const r = await runKaito(args, { env, deadlineMs: 60_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/certificate|TLS|verify/i);
      expect(r.stderr.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  }, 60_000);

  it('the source never switches TLS verification off by itself', () => {
    const src = new URL('../../src', import.meta.url).pathname;
    let hits = '';
    try {
      hits = execFileSync('grep', ['-rnE', 'rejectUnauthorized\\s*:\\s*false|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity\\s*:', src], { encoding: 'utf8' });
    } catch (e) {
      // grep exits 1 when nothing matched
      expect((e as { status?: number }).status).toBe(1);
    }
    // the one server-side use: the sandbox asks for client certificates without requiring one (token users), and
    // checks any it gets (TLSSocket.authorized); that is not a client switching verification off
    const clientSide = hits.split('\n').filter((l) => l && !/requestCert: true, rejectUnauthorized: false/.test(l));
    expect(clientSide).toEqual([]);
  });
});
