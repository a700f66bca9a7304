// Small HTTP helpers of the emulated API server: bodies in, JSON and Status objects out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import YAML from 'yaml';
import { ApiError, badRequest } from './status.js';

const MAX_BODY = 16 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'request entity too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON, or YAML for apply patches and clients that send application/yaml. */
export function parseBody(buf: Buffer, contentType: string | undefined): unknown {
  const text = buf.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty');
  const yaml = /yaml/.test(contentType ?? '');
  try {
    return yaml ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function sendJSON(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(data);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) {
    const headers: Record<string, string> = {};
    if (e.details?.retryAfterSeconds) headers['Retry-After'] = String(e.details.retryAfterSeconds);
    sendJSON(res, e.code, e.toStatus(), headers);
    return;
  }
  const err = new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
  sendJSON(res, 500, err.toStatus());
}

export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw badRequest(`invalid value for ${name}: "${v}"`);
  return Math.floor(n);
}

export function dryRun(q: URLSearchParams, body?: unknown): boolean {
  const fromBody = (body as { dryRun?: string[] } | undefined)?.dryRun;
  const all = [...q.getAll('dryRun'), ...(Array.isArray(fromBody) ? fromBody : [])];
  for (const v of all) if (v !== 'All') throw badRequest(`Invalid dry run value: "${v}", supported values: "All"`);
  return all.length > 0;
}

/** Does the client ask for server-side printing? */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
