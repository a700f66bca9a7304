// What readers feed: well-formed values, or a record the reader could not even decode.
import type { Location, ProblemKind } from '../core/dataset/types.js';

export interface RecordSink {
  add(value: unknown, loc: Location): void;
  addBroken(kind: ProblemKind, loc: Location, message: string): void;
  addFileProblem(kind: ProblemKind, message: string): void;
}

export interface TextReaderOptions {
  /** longest record (line, array element, CSV row) held in memory; longer ones are reported and skipped */
  maxRecordBytes: number;
  /** set when the byte stream was cut at the size cap: a partial last record is dropped, not reported */
  truncated: () => boolean;
}

export const MiB = 1024 * 1024;

export function clip(s: string, n = 120): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

/** JSON.parse's message without the echo of a huge input. */
export function jsonErrorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return clip(m.replace(/\s+/g, ' '), 160);
}

export function formatMiB(bytes: number): string {
  return bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MiB` : `${bytes} bytes`;
}
