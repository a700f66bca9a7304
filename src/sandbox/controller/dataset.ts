// The data-downloader's view of a dataset URL. URLs on the sandbox's own dataset host are fetched for
// real (TLS to 127.0.0.1 with the dataset host as SNI/Host), so a 404 fails the download like it would
// in a cluster; any other host cannot be reached from here and is treated as a plausible remote file.
import { request } from 'node:https';
import { parquetMetadata } from 'hyparquet';
import type { SandboxContext } from '../context.js';

export interface DatasetFetch { status: number; body?: Buffer; error?: string }

const MAX_BYTES = 256 * 1024 * 1024;

export function isSandboxDataset(ctx: SandboxContext, url: string): boolean {
  try {
    return new URL(url).hostname.toLowerCase() === ctx.datasetHost.toLowerCase();
  } catch {
    return false;
  }
}

export function fetchSandboxDataset(ctx: SandboxContext, url: string, signal: AbortSignal): Promise<DatasetFetch> {
  const u = new URL(url);
  const base = new URL(ctx.baseUrl());
  const port = Number(u.port || base.port || 443);
  const ca = ctx.caPem;
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `${u.pathname}${u.search}`,
        method: 'GET',
        servername: u.hostname,
        headers: { host: u.host, 'user-agent': 'curl/8.9.1' },
        ...(ca ? { ca } : {}),
        signal: AbortSignal.any([signal, ctx.signal, AbortSignal.timeout(30_000)]),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) req.destroy(new Error('dataset larger than 256 MiB'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (e) => resolve({ status: 0, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end();
  });
}

/** Number of training records in a file, by extension (Kaito reads csv/json/jsonl/parquet). */
export function countRecords(fileName: string, body: Buffer): number {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  try {
    if (ext === 'parquet') {
      const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
      return Number(parquetMetadata(ab).num_rows);
    }
    const text = body.toString('utf8');
    if (ext === 'json') {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed)) return parsed.length;
    }
    const lines = text.split('\n').filter((l) => l.trim()).length;
    return ext === 'csv' ? Math.max(0, lines - 1) : lines;
  } catch {
    return Math.max(1, Math.round(body.length / 600));
  }
}

export function fileNameOf(url: string): string {
  try {
    return new URL(url).pathname.split('/').filter(Boolean).pop() ?? 'dataset';
  } catch {
    return 'dataset';
  }
}
