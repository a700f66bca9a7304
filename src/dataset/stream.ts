// Byte-stream plumbing for the text readers: metering (size cap, progress, Ctrl-C) and a peek at the
// first bytes that does not lose them.
import { InterruptedError } from '../errors.js';

export interface Meter {
  bytes: number;
  truncated: boolean;
}

export async function* metered(
  src: AsyncIterable<Buffer>,
  meter: Meter,
  maxBytes: number,
  signal?: AbortSignal,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  for await (let chunk of src) {
    if (signal?.aborted) throw new InterruptedError();
    if (meter.bytes + chunk.length > maxBytes) {
      chunk = chunk.subarray(0, maxBytes - meter.bytes);
      meter.truncated = true;
    }
    meter.bytes += chunk.length;
    onProgress?.(meter.bytes);
    if (chunk.length > 0) yield chunk;
    // leaving the loop closes the source (file stream or socket)
    if (meter.truncated) return;
  }
}

export interface Peeked {
  head: Buffer;
  rest: AsyncIterable<Buffer>;
}

/** Reads at least `want` bytes (or to the end), then hands back a stream that still starts at byte 0. */
export async function peek(src: AsyncIterable<Buffer>, want: number): Promise<Peeked> {
  const it = src[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let n = 0;
  let ended = false;
  while (n < want) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    parts.push(r.value);
    n += r.value.length;
  }
  const head = Buffer.concat(parts, n);
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      if (!ended) await it.return?.();
    }
  }
  return { head, rest: rest() };
}
