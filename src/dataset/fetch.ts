// Response checks shared by every dataset download: status codes that mean "this URL gives Kaito no
// dataset" are the user's to fix (UsageError); server trouble is an OperationError.
import { OperationError, UsageError } from '../errors.js';
import type { HttpResponse } from '../net/http.js';
import { formatMiB } from './sink.js';

export function checkStatus(res: HttpResponse, shown: string): void {
  const s = res.status;
  if (s >= 200 && s < 300) {
    const type = String(res.headers['content-type'] ?? '').toLowerCase();
    if (type.startsWith('text/html') || type.startsWith('application/xhtml')) {
      res.done();
      throw htmlError(shown);
    }
    return;
  }
  res.done();
  if (s === 404 || s === 410) throw new UsageError(`${shown} was not found (HTTP ${s})`, 'check the URL');
  if (s === 401 || s === 403) throw new UsageError(`${shown} refused access (HTTP ${s})`, 'Kaito downloads the URL without credentials: use a public URL or one with a read token (e.g. a SAS URL)');
  if (s >= 400 && s < 500) throw new UsageError(`${shown} answered HTTP ${s}`, 'check the URL');
  throw new OperationError(`${shown} answered HTTP ${s}`, 'the server has a problem: try again later');
}

export function htmlError(shown: string): UsageError {
  return new UsageError(`${shown} is an HTML page, not a dataset file`, 'give the URL of the raw file (for Hugging Face: .../resolve/main/FILE, not .../blob/main/FILE)');
}

/** The whole body, refusing more than max bytes. */
export async function readAll(res: HttpResponse, shown: string, max: number, onRead?: (n: number) => void): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.done();
    throw new UsageError(`${shown} is ${formatMiB(declared)}, more than the ${formatMiB(max)} kaito reads`, 'validate a local copy of the file instead');
  }
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > max) throw new UsageError(`${shown} is larger than the ${formatMiB(max)} kaito reads`, 'validate a local copy of the file instead');
      parts.push(chunk);
      onRead?.(chunk.length);
    }
  } finally {
    res.done();
  }
  return Buffer.concat(parts, n);
}
