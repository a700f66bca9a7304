// Random access for parquet: hyparquet's AsyncBuffer over a local file or over HTTP Range requests, each
// with a cap on a single read (a damaged footer can claim any length) and on the total bytes read.
import { open } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';
import { UsageError } from '../errors.js';
import { httpGet, safeUrl, type HttpGetOptions } from '../net/http.js';
import { checkStatus, readAll } from './fetch.js';
import { formatMiB, MiB } from './sink.js';

/** the largest single section (footer, column chunk) read at once */
export const MAX_SLICE = 512 * MiB;

export interface ClosableBuffer {
  buffer: AsyncBuffer;
  close(): Promise<void>;
}

function checkRange(name: string, start: number, end: number, size: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > size || start > end) {
    throw new UsageError(`${name} is not a readable parquet file: it points outside itself (bytes ${start}-${end} of ${size})`, 'check that the file is complete (not a truncated download)');
  }
  if (end - start > MAX_SLICE) {
    throw new UsageError(`${name} is not a readable parquet file: a section claims ${formatMiB(end - start)}`, `sections over ${formatMiB(MAX_SLICE)} are refused; check the file`);
  }
}

export async function fileBuffer(path: string, size: number, onRead?: (n: number) => void): Promise<ClosableBuffer> {
  const fh = await open(path, 'r');
  return {
    buffer: {
      byteLength: size,
      async slice(start: number, end = size) {
        checkRange(path, start, end, size);
        const out = new ArrayBuffer(end - start);
        const view = new Uint8Array(out);
        let off = 0;
        while (off < view.length) {
          const { bytesRead } = await fh.read(view, off, view.length - off, start + off);
          if (bytesRead === 0) throw new UsageError(`${path} changed while it was read`);
          off += bytesRead;
        }
        onRead?.(view.length);
        return out;
      },
    },
    close: () => fh.close(),
  };
}

export interface UrlBufferOptions {
  http: HttpGetOptions;
  /** total bytes fetched before giving up */
  maxBytes: number;
  onRead?: (n: number) => void;
}

/**
 * Probes with `Range: bytes=0-0` (206 gives the size in Content-Range); a server without range support
 * answers 200 and the whole file is read into memory instead, within maxBytes.
 */
export async function urlBuffer(url: string, opts: UrlBufferOptions): Promise<ClosableBuffer> {
  const shown = safeUrl(url);
  const probe = await httpGet(url, { ...opts.http, headers: { range: 'bytes=0-0' } });
  let fetched = 0;
  try {
    if (probe.status === 416) throw new UsageError(`${shown} is empty`, 'check the URL');
    checkStatus(probe, shown);
    if (probe.status === 200) {
      const all = await readAll(probe, shown, opts.maxBytes, opts.onRead);
      const ab = all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
      return { buffer: ab, close: async () => undefined };
    }
    const m = /^bytes\s+\d+-\d+\/(\d+)$/i.exec(String(probe.headers['content-range'] ?? ''));
    if (probe.status !== 206 || !m) throw new UsageError(`${shown} answered a range request without a usable Content-Range`, 'serve the file from a host that supports HTTP range requests');
    await readAll(probe, shown, 1);
    const size = Number(m[1]);
    const buffer: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end = size) {
        checkRange(shown, start, end, size);
        if (end === start) return new ArrayBuffer(0);
        fetched += end - start;
        if (fetched > opts.maxBytes) throw new UsageError(`reading ${shown} needs more than ${formatMiB(opts.maxBytes)}`, 'validate a local copy of the file instead');
        const res = await httpGet(url, { ...opts.http, headers: { range: `bytes=${start}-${end - 1}` } });
        checkStatus(res, shown);
        if (res.status !== 206) {
          res.done();
          throw new UsageError(`${shown} stopped honouring range requests`, 'validate a local copy of the file instead');
        }
        const body = await readAll(res, shown, end - start, opts.onRead);
        if (body.length !== end - start) throw new UsageError(`${shown} sent ${body.length} bytes for a range of ${end - start}`, 'the file may have changed while it was read; try again');
        return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
      },
    };
    return { buffer, close: async () => undefined };
  } finally {
    probe.done();
  }
}
