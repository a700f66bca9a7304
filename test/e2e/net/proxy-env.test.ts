// Issue 17 item 3: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured like curl and kubectl do, by the Kubernetes
// client, the dataset downloader and --endpoint inference. A real forward proxy in this process (CONNECT tunnels
// and absolute-URI requests) records what went through it; every byte still goes to 127.0.0.1.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../../src/paths.js';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { startFake, type FakeServer } from '../inference/fake-openai.js';

const SAMPLE = join(datasetsDir(), 'kaito-ops-messages.jsonl');

interface Proxy { url: string; seen: string[]; auth: string[]; server: Server; close(): Promise<void> }

async function startProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const auth: string[] = [];
  const local = (host: string) => (host === 'datasets.kaito-sandbox.test' || host === 'registry.kaito-sandbox.test' || host === 'localhost' ? '127.0.0.1' : host);
  const server = createServer((req, res) => {
    // plain http through the proxy: GET http://host:port/path
    seen.push(`${req.method} ${req.url}`);
    auth.push(String(req.headers['proxy-authorization'] ?? ''));
    const u = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = httpRequest({ host: local(u.hostname), port: u.port, path: u.pathname + u.search, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const tunnels = new Set<{ destroy(): void }>();
  server.on('connect', (req, client, head) => {
    tunnels.add(client);
    seen.push(`CONNECT ${req.url}`);
    auth.push(String(req.headers['proxy-authorization'] ?? ''));
    const [host, port] = String(req.url).split(':');
    const up = connect(Number(port), local(host), () => {
      tunnels.add(up);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const close = async () => {
    for (const t of tunnels) t.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, auth, server, close };
}

describe('proxies from the environment', () => {
  let sb: TestSandbox;
  let proxy: Proxy;
  let fake: FakeServer;
  beforeAll(async () => {
    sb = await startTestSandbox();
    proxy = await startProxy();
    fake = await startFake();
  });
  afterAll(async () => {
    await proxy.close();
    await fake.close();
  });

  it('the Kubernetes client tunnels through HTTPS_PROXY, and NO_PROXY bypasses it', async () => {
    proxy.seen.length = 0;
    const r = await kaito(['list'], { env: { ...sb.cliEnv, HTTPS_PROXY: proxy.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen).toContain(`CONNECT 127.0.0.1:${sb.port}`);
    proxy.seen.length = 0;
    const direct = await kaito(['list'], { env: { ...sb.cliEnv, https_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.0/8' } });
    expect(direct.code, direct.stderr).toBe(0);
    expect(proxy.seen).toEqual([]);
  });

  it('the dataset downloader goes through the proxy (the proxy resolves the host); its password never shows', async () => {
    proxy.seen.length = 0;
    const { KAITO_RESOLVE: _pin, ...env } = sb.cliEnv;
    const withAuth = proxy.url.replace('http://', 'http://alice:pr0xy-s3cret@');
    const r = await kaito(['dataset', 'validate', `https://datasets.kaito-sandbox.test:${sb.port}/kaito-ops-messages.parquet`, '--debug'], { env: { ...env, HTTPS_PROXY: withAuth } });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen).toContain(`CONNECT datasets.kaito-sandbox.test:${sb.port}`);
    expect(proxy.auth).toContain(`Basic ${Buffer.from('alice:pr0xy-s3cret').toString('base64')}`);
    expect(r.stdout + r.stderr).not.toContain('pr0xy-s3cret');
  });

  it('registry traffic (API and token realm) goes through HTTPS_PROXY; NO_PROXY bypasses it', async () => {
    const { KAITO_RESOLVE: _pin, ...env } = sb.cliEnv;
    const image = `registry.kaito-sandbox.test:${sb.port}/data/via-proxy:v1`;
    proxy.seen.length = 0;
    const r = await kaito(['dataset', 'push', SAMPLE, image, '--registry-username', 'demo', '--registry-password-stdin', '--debug'], { env: { ...env, HTTPS_PROXY: proxy.url }, input: 'sandbox-password' });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen).toContain(`CONNECT registry.kaito-sandbox.test:${sb.port}`);
    expect(r.stderr).toContain(`through the proxy http://127.0.0.1:`);
    expect(r.stdout + r.stderr).not.toContain('sandbox-password');
    proxy.seen.length = 0;
    const bypass = await kaito(['adapter', 'inspect', image.replace('via-proxy:v1', 'via-proxy@') + r.stdout.trim().split('@')[1], '--registry-username', 'demo', '--registry-password-stdin'], { env: { ...sb.cliEnv, HTTPS_PROXY: proxy.url, NO_PROXY: '.kaito-sandbox.test' }, input: 'sandbox-password' });
    // a data image is not an adapter: what matters here is that the registry answered without the proxy
    expect(bypass.stderr).not.toMatch(/cannot reach/);
    expect(proxy.seen).toEqual([]);
  });

  it('--endpoint over plain http goes through HTTP_PROXY', async () => {
    proxy.seen.length = 0;
    const r = await kaito(['chat', '--endpoint', fake.url, 'via the proxy'], { env: { PATH: process.env.PATH, HOME: sb.home, HTTP_PROXY: proxy.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('echo(1): via the proxy\n');
    // undici's ProxyAgent tunnels plain http too (CONNECT), as curl does with -p
    expect(proxy.seen).toContain(`CONNECT ${fake.url.replace('http://', '')}`);
  });
});
