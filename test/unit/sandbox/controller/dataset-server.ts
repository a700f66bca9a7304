// A tiny HTTPS "dataset host" on 127.0.0.1 for tests: a self-signed cert (openssl) for the dataset host
// name, serving fixed bodies by path and 404 for anything else.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DatasetServer { port: number; caPem: string; hits: string[]; close(): Promise<void> }

export async function startDatasetServer(host: string, files: Record<string, Buffer | string>): Promise<DatasetServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-ds-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 20_000 });
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const hits: string[] = [];
    const server: Server = createServer({ key, cert }, (req, res) => {
      hits.push(`${req.headers.host} ${req.url}`);
      const body = files[new URL(req.url ?? '/', 'http://x').pathname];
      if (body === undefined || req.headers.host?.split(':')[0] !== host) {
        res.writeHead(404, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>BlobNotFound</Code></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as AddressInfo).port,
      caPem: cert,
      hits,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
