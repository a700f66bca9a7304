// The sandbox's dataset host: serves the sample files of datasets/ the way blob storage does (GET, HEAD,
// single byte ranges with 206/Content-Range, 404), plus fixed misbehaving paths for tests:
//   /redirect-loop  302 to itself        /html  an HTML page with 200        /slow  a JSONL body, 1 byte per 200 ms
//   /unsized/NAME   the file NAME sent chunked, without Content-Length (also on HEAD), as a dynamic endpoint
//                   would: its size cannot be known before reading it (issue 14)
// The sandbox server routes requests whose Host is ctx.datasetHost here.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { datasetsDir } from '../paths.js';
import type { SandboxContext } from './context.js';

export interface DatasetHost {
  handle(req: IncomingMessage, res: ServerResponse): void;
}

const TYPES: Record<string, string> = {
  '.jsonl': 'application/jsonl',
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.parquet': 'application/vnd.apache.parquet',
};

const SLOW_BODY = '{"prompt":"slow","completion":"server"}\n'.repeat(50);

export function createDatasetHost(ctx: SandboxContext, dir: string = datasetsDir()): DatasetHost {
  const log = (req: IncomingMessage, status: number) =>
    ctx.requestLog.push({ time: Date.now(), api: 'dataset', method: req.method ?? 'GET', path: req.url ?? '/', status, userAgent: req.headers['user-agent'] });
  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) => {
    log(req, status);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return {
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain', 'method not allowed\n', { allow: 'GET, HEAD' });
      if (path === '/redirect-loop') return send(req, res, 302, 'text/plain', 'see /redirect-loop\n', { location: '/redirect-loop' });
      if (path === '/html') {
        return send(req, res, 200, 'text/html; charset=utf-8', '<!doctype html>\n<html><head><title>dataset viewer</title></head><body><p>Not the raw file.</p></body></html>\n');
      }
      if (path === '/slow') return slow(req, res);
      if (path.startsWith('/unsized/')) return unsized(req, res, path.slice('/unsized/'.length));
      if (path === '/' || path === '/index.txt') {
        return send(req, res, 200, 'text/plain', listing(dir));
      }
      // one flat folder: no sub-paths, no dot files, so nothing outside datasets/ can be named
      let name: string;
      try {
        name = decodeURIComponent(path.slice(1));
      } catch {
        return send(req, res, 404, 'text/plain', 'not found\n');
      }
      if (name !== basename(name) || name.startsWith('.') || name.includes('\\')) return send(req, res, 404, 'text/plain', 'not found\n');
      const file = join(dir, name);
      let size: number;
      try {
        const st = statSync(file);
        if (!st.isFile()) throw new Error('not a file');
        size = st.size;
      } catch {
        return send(req, res, 404, 'text/plain', 'not found\n');
      }
      const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
      const headers: Record<string, string | number> = { 'content-type': type, 'accept-ranges': 'bytes' };
      const range = req.headers.range;
      let start = 0;
      let end = size - 1;
      let status = 200;
      if (range !== undefined) {
        const r = parseRange(range, size);
        if (r === 'unsatisfiable') {
          log(req, 416);
          res.writeHead(416, { 'content-range': `bytes */${size}`, 'content-length': 0 });
          return res.end();
        }
        if (r) {
          [start, end] = r;
          status = 206;
          headers['content-range'] = `bytes ${start}-${end}/${size}`;
        }
      }
      headers['content-length'] = size === 0 ? 0 : end - start + 1;
      log(req, status);
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || size === 0) return res.end();
      const stream = createReadStream(file, { start, end });
      stream.on('error', () => res.destroy());
      res.on('close', () => stream.destroy());
      stream.pipe(res);
    },
  };

  function unsized(req: IncomingMessage, res: ServerResponse, name: string) {
    const file = join(dir, basename(name));
    let ok = false;
    try {
      ok = !name.startsWith('.') && name === basename(name) && statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (!ok) return send(req, res, 404, 'text/plain', 'not found\n');
    log(req, 200);
    res.writeHead(200, { 'content-type': TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream', 'transfer-encoding': 'chunked' });
    if (req.method === 'HEAD') return res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  function slow(req: IncomingMessage, res: ServerResponse) {
    log(req, 200);
    res.writeHead(200, { 'content-type': 'application/jsonl', 'content-length': SLOW_BODY.length });
    if (req.method === 'HEAD') return res.end();
    let i = 0;
    const timer = setInterval(() => {
      if (i >= SLOW_BODY.length) {
        stop();
        res.end();
        return;
      }
      res.write(SLOW_BODY[i++]);
    }, 200);
    const stop = () => {
      clearInterval(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      stop();
      res.destroy();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    res.on('close', stop);
  }
}

function listing(dir: string): string {
  try {
    return readdirSync(dir).filter((f) => !f.startsWith('.')).sort().join('\n') + '\n';
  } catch {
    return '';
  }
}

/** A single `bytes=` range: [start, end] inclusive, null to ignore it (serve 200), or unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | null | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // multi-range or malformed: whole file, as servers may
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}
