// Issue 17 item 3: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured like curl and kubectl do, by the Kubernetes
// client, the dataset downloader and --endpoint inference. A real forward proxy in this process (CONNECT tunnels
// and absolute-URI requests) records what went through it; every byte still goes to 127.0.0.1.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
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

/**
 * A SOCKS5 server (RFC 1928: no authentication, CONNECT to an IPv4 address or a domain name), enough to carry a
 * kubeconfig's `proxy-url: socks5://...`; records where each tunnel went.
 */
async function startSocks5(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<{ destroy(): void }>();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage = 0;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0) {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        client.write(Buffer.from([5, 0])); // version 5, no authentication
        stage = 1;
      }
      if (stage === 1) {
        if (buf.length < 5) return;
        const atyp = buf[3];
        const addrLen = atyp === 1 ? 4 : atyp === 3 ? 1 + buf[4]! : 16;
        if (buf.length < 4 + addrLen + 2) return;
        const host = atyp === 1 ? [...buf.subarray(4, 8)].join('.') : buf.subarray(5, 5 + buf[4]!).toString();
        const port = buf.readUInt16BE(4 + addrLen);
        const rest = buf.subarray(4 + addrLen + 2);
        client.off('data', onData);
        seen.push(`${host}:${port}`);
        const up = connect(port, host === 'localhost' ? '127.0.0.1' : host, () => {
          sockets.add(up);
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (rest.length) up.write(rest);
          up.pipe(client);
          client.pipe(up);
        });
        up.on('error', () => client.destroy());
        stage = 2;
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `socks5://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe("a kubeconfig's proxy-url", () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  const withProxyUrl = (url: string) => {
    const kc = parse(readFileSync(sb.env.KUBECONFIG!, 'utf8')) as { clusters: Array<{ cluster: Record<string, unknown> }> };
    for (const c of kc.clusters) c.cluster['proxy-url'] = url;
    const file = join(sb.home, `kubeconfig-${url.split(':')[0]}`);
    writeFileSync(file, stringify(kc));
    return file;
  };

  it('socks5://: every request to the API server goes through the SOCKS proxy (client-node loads its SOCKS agent on first use)', async () => {
    const socks = await startSocks5();
    try {
      const r = await kaito(['list'], { env: { ...sb.cliEnv, KUBECONFIG: withProxyUrl(socks.url) } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/no workspaces/);
      expect(socks.seen).toContain(`127.0.0.1:${sb.port}`);
    } finally {
      await socks.close();
    }
  });

  it('a SOCKS proxy that is not there: one clear line, exit 1', async () => {
    const socks = await startSocks5();
    const url = socks.url;
    await socks.close();
    const r = await kaito(['list'], { env: { ...sb.cliEnv, KUBECONFIG: withProxyUrl(url) } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

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
