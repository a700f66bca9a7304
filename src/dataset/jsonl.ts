// JSON Lines: one record per line, split on raw bytes (Buffer.indexOf is native) so a line is decoded once
// and only lines up to maxRecordBytes are ever held; a longer one is reported and skipped to its newline.
import { isUtf8 } from 'node:buffer';
import { formatMiB, jsonErrorMessage, type RecordSink, type TextReaderOptions } from './sink.js';

const NL = 0x0a;

export async function readJsonl(chunks: AsyncIterable<Buffer>, sink: RecordSink, opts: TextReaderOptions): Promise<void> {
  let parts: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let lineNo = 0;
  let record = 0;

  const onLine = (buf: Buffer) => {
    lineNo++;
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    let start = 0;
    // a byte-order mark on the first line is not part of the JSON
    if (lineNo === 1 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    const bytes = buf.subarray(start, end);
    if (isBlank(bytes)) return;
    const loc = { record: record++, line: lineNo };
    if (!isUtf8(bytes)) return sink.addBroken('invalid-utf8', loc, 'the line is not valid UTF-8 text');
    const text = bytes.toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return sink.addBroken('invalid-json', loc, `not valid JSON: ${jsonErrorMessage(e)}`);
    }
    sink.add(value, loc);
  };

  // reported as soon as the line outgrows the cap; lineNo moves on when its newline arrives
  const tooLong = () =>
    sink.addBroken('record-too-large', { record: record++, line: lineNo + 1 }, `the line is longer than ${formatMiB(opts.maxRecordBytes)}; skipped`);

  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl < 0) {
        const rest = chunk.length - start;
        if (rest === 0) break;
        if (skipping) break;
        if (pendingLen + rest > opts.maxRecordBytes) {
          tooLong();
          skipping = true;
          parts = [];
          pendingLen = 0;
          break;
        }
        parts.push(chunk.subarray(start));
        pendingLen += rest;
        break;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (skipping) {
        skipping = false;
        lineNo++;
        continue;
      }
      if (pendingLen + piece.length > opts.maxRecordBytes) {
        tooLong();
        lineNo++;
        parts = [];
        pendingLen = 0;
        continue;
      }
      if (parts.length === 0) onLine(piece);
      else {
        parts.push(piece);
        onLine(Buffer.concat(parts, pendingLen + piece.length));
        parts = [];
        pendingLen = 0;
      }
    }
  }
  if (!skipping && pendingLen > 0 && !opts.truncated()) onLine(Buffer.concat(parts, pendingLen));
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}
