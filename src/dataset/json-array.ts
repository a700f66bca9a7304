// A .json file holding one array of records, read element by element: a byte scanner tracks strings and
// nesting (a counter, no recursion, so depth costs nothing) and hands each complete top-level element to
// JSON.parse. Memory is bounded by the largest element, which is capped like a JSONL line.
import { isUtf8 } from 'node:buffer';
import { formatMiB, jsonErrorMessage, type RecordSink, type TextReaderOptions } from './sink.js';

const enum S { Before, InArray, AfterArray }

export async function readJsonArray(chunks: AsyncIterable<Buffer>, sink: RecordSink, opts: TextReaderOptions): Promise<void> {
  let state = S.Before;
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escaped = false;
  let parts: Buffer[] = [];
  let partsLen = 0;
  let elemStartLine = 0;
  let inElem = false;
  let skipping = false;
  let line = 1;
  let record = 0;
  let first = true;

  const emit = () => {
    const loc = { record: record++, line: elemStartLine };
    if (skipping) {
      skipping = false;
      return;
    }
    const bytes = Buffer.concat(parts, partsLen);
    parts = [];
    partsLen = 0;
    if (!isUtf8(bytes)) return sink.addBroken('invalid-utf8', loc, 'the record is not valid UTF-8 text');
    try {
      sink.add(JSON.parse(bytes.toString('utf8')), loc);
    } catch (e) {
      sink.addBroken('invalid-json', loc, `not valid JSON: ${jsonErrorMessage(e)}`);
    }
  };

  for await (let chunk of chunks) {
    if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    first = false;
    let segStart = -1; // where the current element's bytes start in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x0a) line++;
      if (state !== S.InArray) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
        if (state === S.Before && c === 0x5b /* [ */) {
          state = S.InArray;
          continue;
        }
        sink.addFileProblem('invalid-json', state === S.Before ? 'the file does not start with a JSON array or a JSON Lines record' : `unexpected data after the closing ] on line ${line}`);
        return;
      }
      if (!inElem) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c /* , */) continue;
        if (c === 0x5d /* ] */) {
          state = S.AfterArray;
          continue;
        }
        inElem = true;
        elemStartLine = line;
        segStart = i;
        depth = 0;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) {
          // the array's own ] closes a scalar element
          take(chunk, segStart, i);
          inElem = false;
          emit();
          state = S.AfterArray;
          continue;
        }
        depth--;
        if (depth === 0) {
          take(chunk, segStart, i + 1);
          inElem = false;
          emit();
        }
      } else if (c === 0x2c && depth === 0) {
        take(chunk, segStart, i);
        inElem = false;
        emit();
      }
    }
    if (inElem) take(chunk, segStart < 0 ? 0 : segStart, chunk.length);
  }
  if (opts.truncated()) return;
  if (state === S.Before && record === 0) return; // empty file: reported as empty
  if (state === S.InArray) sink.addFileProblem('invalid-json', 'the file ends inside the JSON array (truncated?)');

  function take(chunk: Buffer, from: number, to: number) {
    if (skipping || to <= from) return;
    if (partsLen + (to - from) > opts.maxRecordBytes) {
      skipping = true;
      parts = [];
      partsLen = 0;
      sink.addBroken('record-too-large', { record, line: elemStartLine }, `the record is larger than ${formatMiB(opts.maxRecordBytes)}; skipped`);
      // emit() will advance the record index when the element ends
      record--;
      return;
    }
    parts.push(chunk.subarray(from, to));
    partsLen += to - from;
  }
}
