// Request/response helpers of the emulated inference servers (vLLM's OpenAI-style errors, FastAPI 404s).
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 1024 * 1024;

export function readJson(req: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return resolve({ ok: false, error: 'request body larger than 1 MiB' });
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        const v = text ? (JSON.parse(text) as unknown) : {};
        if (!v || typeof v !== 'object' || Array.isArray(v)) return resolve({ ok: false, error: 'request body must be a JSON object' });
        resolve({ ok: true, value: v as Record<string, unknown> });
      } catch (e) {
        resolve({ ok: false, error: `invalid JSON: ${(e as Error).message}` });
      }
    });
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const TYPES: Record<number, string> = { 400: 'BadRequestError', 404: 'NotFoundError', 429: 'TooManyRequests', 503: 'ServiceUnavailable' };

/** vLLM's error body: {"object":"error","message","type","param","code"} */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { object: 'error', message, type: TYPES[status] ?? 'InternalServerError', param: null, code: status }, headers);
}
