// `kaito sandbox start|env|status` through the built binary, and the kube API faults in-process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito, KAITO_BIN } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

function get(sb: TestSandbox, path: string): Promise<{ code?: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, sb.url), { ca: sb.caPem, headers: { Authorization: `Bearer ${sb.token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ code: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kaito sandbox start / env / status', () => {
  it('starts in the foreground, writes kubeconfig (0600) and env, reports status, stops cleanly on Ctrl-C', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kaito-sbx-cmd-')), 'state');
    const env = baseEnv({ HOME: join(dir, '..'), NO_COLOR: '1' });
    const child = spawn(process.execPath, [KAITO_BIN, 'sandbox', 'start', '--port', '0', '--state-dir', dir, '--node-provisioning', 'byo', '--fault', 'tuning-fail'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      for (let i = 0; i < 200 && !stderr.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toMatch(/✓ sandbox running at https:\/\/127\.0\.0\.1:\d+ \(Kaito 0\.12, bring your own nodes/);
      // issue 17 item 14: active faults and the dataset host are in the banner
      expect(stderr).toMatch(/^  faults: tuning-fail$/m);
      expect(stderr).toMatch(/^  datasets: https:\/\/datasets\.kaito-sandbox\.test:\d+\/ serves the sample datasets/m);
      expect(statSync(join(dir, 'kubeconfig')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'kubeconfig'), 'utf8')).toMatch(/current-context: kaito-sandbox/);

      const e = await kaito(['sandbox', 'env', '--state-dir', dir], { env });
      expect(e.code, e.stderr).toBe(0);
      const lines = e.stdout.trim().split('\n');
      for (const k of ['KUBECONFIG', 'NODE_EXTRA_CA_CERTS', 'AZURE_SUBSCRIPTION_ID', 'KAITO_RESOURCE_GROUP', 'KAITO_CLUSTER', 'KAITO_ARM_ENDPOINT', 'KAITO_RESOLVE'])
        expect(lines.some((l) => l.startsWith(`export ${k}=`))).toBe(true);
      expect(lines).toContain(`export KUBECONFIG=${join(dir, 'kubeconfig')}`);
      expect(lines).toContain('export KAITO_RESOLVE=datasets.kaito-sandbox.test=127.0.0.1,registry.kaito-sandbox.test=127.0.0.1');
      expect(lines).toContain('export KAITO_ACR_HOSTS=registry.kaito-sandbox.test');
      expect(lines).toContain(`export NODE_EXTRA_CA_CERTS=${join(dir, 'ca.crt')}`);

      // issue 17 item 14: a CA the shell already trusts is kept, in a bundle with the sandbox's
      const corp = join(dir, '..', 'corp-ca.pem');
      writeFileSync(corp, '-----BEGIN CERTIFICATE-----\nCORPORATE\n-----END CERTIFICATE-----\n');
      const kept = await kaito(['sandbox', 'env', '--state-dir', dir], { env: { ...env, NODE_EXTRA_CA_CERTS: corp } });
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stdout).toContain(`export NODE_EXTRA_CA_CERTS=${join(dir, 'ca-bundle.crt')}`);
      const bundle = readFileSync(join(dir, 'ca-bundle.crt'), 'utf8');
      expect(bundle).toContain('CORPORATE');
      expect(bundle).toContain(readFileSync(join(dir, 'ca.crt'), 'utf8').trim());

      const s = await kaito(['sandbox', 'status', '--state-dir', dir, '-o', 'json'], { env });
      expect(s.code, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout)).toMatchObject({ running: true, nodeProvisioning: 'byo', pid: child.pid });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/✓ sandbox stopped/);
    expect(existsSync(join(dir, 'sandbox.json'))).toBe(false);
    const after = await kaito(['sandbox', 'status', '--state-dir', dir], { env });
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/^not running/);
    // issue 17 item 14: the env file is still there, but exports pointing at a stopped sandbox are refused
    const stale = await kaito(['sandbox', 'env', '--state-dir', dir], { env });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toMatch(/^error: no sandbox is running for /);
  });

  it('refuses bad options with exit 2, naming every problem', async () => {
    const r = await kaito(['sandbox', 'start', '--speed', '0', '--fault', 'nope', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port 99999/);
    expect(r.stderr).toMatch(/--speed 0/);
    expect(r.stderr).toMatch(/unknown --fault nope/);
  });

  it('env without a sandbox is a usage error', async () => {
    const r = await kaito(['sandbox', 'env', '--state-dir', join(tmpdir(), 'kaito-no-such-sandbox')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no sandbox state in/);
  });
});

describe('kube API faults', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ faults: ['watch-cut=0.3', 'api-5xx=1'] });
  });

  it('api-5xx spares discovery (clients can start) and fails resource requests with 500/503 Status', async () => {
    expect((await get(sb, '/version')).code).toBe(200);
    expect((await get(sb, '/apis/kaito.sh/v1beta1')).code).toBe(200);
    const r = await get(sb, '/api/v1/namespaces');
    expect([500, 503]).toContain(r.code);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', code: r.code });
  });

  it('watch-cut ends watch streams after the given seconds', async () => {
    // api-5xx=1 would fail the watch itself: switch it off for this check
    (sb.ctx.faults as { api5xx?: number }).api5xx = 0;
    const r = await get(sb, '/api/v1/namespaces?watch=1');
    expect(r.code).toBe(200);
    expect(r.body.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(4); // the initial ADDED events
    // reaching this line at all means the server ended the stream: a watch without a cut never ends
  });
});
