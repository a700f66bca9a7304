// Which reader a source needs: the extension first (that is how Kaito's trainer picks its loader), then the
// first bytes. The first bytes also catch what is no dataset at all: HTML pages, binary files, parquet in
// disguise.
import { UsageError } from '../errors.js';
import type { FileType } from '../core/dataset/types.js';
import { htmlError } from './fetch.js';

export type Sniffed = FileType | 'html' | 'binary' | 'empty' | 'unknown';

export function typeFromName(pathname: string): FileType | 'arrow' | undefined {
  const m = /\.([a-z0-9]+)$/i.exec(pathname);
  switch (m?.[1].toLowerCase()) {
    case 'jsonl':
    case 'ndjson':
      return 'jsonl';
    case 'json':
      return 'json';
    case 'csv':
      return 'csv';
    case 'parquet':
    case 'pq':
      return 'parquet';
    case 'arrow':
      return 'arrow';
    default:
      return undefined;
  }
}

export function typeFromContentType(ct: string | undefined): FileType | undefined {
  const t = (ct ?? '').split(';')[0].trim().toLowerCase();
  if (t === 'application/x-ndjson' || t === 'application/jsonl' || t === 'application/x-jsonlines') return 'jsonl';
  if (t === 'application/json') return 'json';
  if (t === 'text/csv') return 'csv';
  if (t === 'application/vnd.apache.parquet' || t === 'application/x-parquet') return 'parquet';
  return undefined;
}

export function sniff(head: Buffer): Sniffed {
  if (head.length === 0) return 'empty';
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
  const probe = head.subarray(0, 8192);
  if (probe.includes(0)) return 'binary';
  let i = 0;
  if (probe[0] === 0xef && probe[1] === 0xbb && probe[2] === 0xbf) i = 3;
  while (i < probe.length && (probe[i] === 0x20 || probe[i] === 0x0a || probe[i] === 0x0d || probe[i] === 0x09)) i++;
  if (i === probe.length) return 'unknown';
  const c = probe[i];
  if (c === 0x3c /* < */) {
    const s = probe.toString('latin1', i, i + 15).toLowerCase();
    if (s.startsWith('<!doctype html') || s.startsWith('<html') || s.startsWith('<head') || s.startsWith('<!--')) return 'html';
    return 'unknown';
  }
  if (c === 0x5b /* [ */) return 'json';
  if (c === 0x7b /* { */) return 'jsonl';
  return 'unknown';
}

/** Decides the reader for a text stream whose first chunk is `head`, or throws why there is none. */
export function chooseTextReader(name: string, declared: FileType | undefined, head: Buffer): FileType | 'empty' {
  const s = sniff(head);
  if (s === 'empty') return 'empty';
  if (s === 'html') throw htmlError(name);
  if (s === 'parquet') return 'parquet';
  if (s === 'binary') {
    throw new UsageError(`${name} is binary data, not ${declared ?? 'a dataset'} text`, 'give a UTF-8 jsonl, json or csv file, or a parquet file');
  }
  if (declared === 'csv') return 'csv';
  if (declared === 'json') return s === 'json' ? 'json' : 'jsonl'; // a .json file may hold JSON Lines too
  if (declared === 'jsonl') return 'jsonl';
  if (s === 'json' || s === 'jsonl') return s;
  throw new UsageError(`cannot tell what kind of file ${name} is`, 'name it .jsonl, .json, .csv or .parquet');
}
