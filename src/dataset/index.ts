// The programmatic API: `kaito dataset validate`, `kaito tune` (first --dataset URL) and `kaito init` call
// validateDataset() and decide from report.valid. Files and http(s) URLs; jsonl, json, csv and parquet.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { DatasetValidator } from '../core/dataset/validator.js';
import type { DatasetReport, FileType, FormatOption } from '../core/dataset/types.js';
import { UsageError } from '../errors.js';
import { httpGet, parseHttpUrl, safeUrl, type HttpGetOptions } from '../net/http.js';
import { fileBuffer, urlBuffer, type ClosableBuffer } from './buffers.js';
import { chooseTextReader, typeFromContentType, typeFromName } from './detect.js';
import { checkStatus } from './fetch.js';
import { readCsv } from './csv.js';
import { readJsonArray } from './json-array.js';
import { readJsonl } from './jsonl.js';
import { readParquet } from './parquet.js';
import { presetContext } from './preset.js';
import { MiB, type RecordSink, type TextReaderOptions } from './sink.js';
import { metered, peek, type Meter } from './stream.js';

export type { DatasetReport, Problem, ProblemKind, RecordFormat, FormatOption } from '../core/dataset/types.js';

export interface ValidateOptions {
  format?: FormatOption;
  /** check record lengths against this preset's context length */
  preset?: string;
  signal?: AbortSignal;
  /** stop reading after this many bytes (default: 1 GiB for URLs, no limit for files); the report says truncated */
  maxBytes?: number;
  /** longest single record (default 16 MiB) */
  maxRecordBytes?: number;
  /** how many errors the report lists (default 20) */
  maxProblems?: number;
  /** KAITO_RESOLVE comes from here (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** bytes read so far, and the total when known */
  onProgress?: (bytes: number, total: number | undefined) => void;
  /** timeouts (defaults: 30 s to answer, 30 s of silence, 10 min in all) and an extra CA */
  http?: Pick<HttpGetOptions, 'timeoutMs' | 'idleTimeoutMs' | 'deadlineMs' | 'ca'>;
}

export const DEFAULT_URL_MAX_BYTES = 1024 * MiB;
export const DEFAULT_MAX_RECORD_BYTES = 16 * MiB;
const DEFAULT_DEADLINE_MS = 10 * 60_000;

export function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

export async function validateDataset(source: string, opts: ValidateOptions = {}): Promise<DatasetReport> {
  const preset = opts.preset ? await presetContext(opts.preset) : undefined;
  const make = (fileType: FileType, name: string) =>
    new DatasetValidator({ source: name, fileType, format: opts.format, preset, maxProblems: opts.maxProblems });
  return isUrl(source) ? validateUrl(source, opts, make) : validateFile(source, opts, make);
}

type MakeValidator = (fileType: FileType, name: string) => DatasetValidator;

function refuseArrow(name: string): never {
  throw new UsageError(`${name} is an Arrow file, which kaito cannot check`, 'convert it to parquet or jsonl to validate it');
}

async function validateFile(path: string, opts: ValidateOptions, make: MakeValidator): Promise<DatasetReport> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new UsageError(`${path} is a directory`, 'give the dataset file: Kaito trains on one file');
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path} does not exist`, 'check the path, or give an http(s) URL');
    if (code === 'EACCES') throw new UsageError(`${path} cannot be read (permission denied)`);
    throw e;
  }
  const declared = typeFromName(path);
  if (declared === 'arrow') refuseArrow(path);
  const head = await readHead(path);
  const kind = declared === 'parquet' || head.toString('latin1', 0, 4) === 'PAR1' ? 'parquet' : chooseTextReader(path, declared, head);
  const progress = opts.onProgress ? (n: number) => opts.onProgress!(n, size) : undefined;
  if (kind === 'parquet') {
    const v = make('parquet', path);
    let read = 0;
    const buf = await fileBuffer(path, size, (n) => progress?.((read += n)));
    return runParquet(buf, path, v, opts, size);
  }
  const fileType = kind === 'empty' ? declared ?? 'jsonl' : kind;
  const v = make(fileType, path);
  const meter: Meter = { bytes: 0, truncated: false };
  const chunks = metered(createReadStream(path, { highWaterMark: MiB }), meter, opts.maxBytes ?? Infinity, opts.signal, progress);
  await runText(fileType, chunks, v, opts, meter);
  return finish(v, meter);
}

async function validateUrl(source: string, opts: ValidateOptions, make: MakeValidator): Promise<DatasetReport> {
  const url = parseHttpUrl(source);
  const shown = safeUrl(url);
  const maxBytes = opts.maxBytes ?? DEFAULT_URL_MAX_BYTES;
  const http: HttpGetOptions = { deadlineMs: DEFAULT_DEADLINE_MS, ...opts.http, signal: opts.signal, env: opts.env };
  const declared = typeFromName(url.pathname);
  if (declared === 'arrow') refuseArrow(shown);
  let read = 0;
  const onRead = opts.onProgress ? (n: number) => opts.onProgress!((read += n), undefined) : undefined;
  if (declared === 'parquet') {
    const buf = await urlBuffer(source, { http, maxBytes, onRead });
    return runParquet(buf, shown, make('parquet', shown), opts, buf.buffer.byteLength);
  }
  const res = await httpGet(source, http);
  try {
    checkStatus(res, shown);
    const total = Number(res.headers['content-length']);
    const meter: Meter = { bytes: 0, truncated: false };
    const progress = opts.onProgress ? (n: number) => opts.onProgress!(n, Number.isFinite(total) ? total : undefined) : undefined;
    const chunks = metered(res.body as AsyncIterable<Buffer>, meter, maxBytes, opts.signal, progress);
    const { head, rest } = await peek(chunks, 64);
    const kind = chooseTextReader(shown, declared ?? typeFromContentType(res.headers['content-type']), head);
    if (kind === 'parquet') {
      // served without a .parquet name: re-read it with range requests
      res.done();
      const buf = await urlBuffer(source, { http, maxBytes, onRead });
      return runParquet(buf, shown, make('parquet', shown), opts, buf.buffer.byteLength);
    }
    const fileType = kind === 'empty' ? declared ?? 'jsonl' : kind;
    const v = make(fileType, shown);
    await runText(fileType, rest, v, opts, meter);
    return finish(v, meter);
  } finally {
    res.done();
  }
}

async function runText(fileType: FileType, chunks: AsyncIterable<Buffer>, sink: RecordSink, opts: ValidateOptions, meter: Meter): Promise<void> {
  const ropts: TextReaderOptions = { maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES, truncated: () => meter.truncated };
  if (fileType === 'csv') await readCsv(chunks, sink, ropts);
  else if (fileType === 'json') await readJsonArray(chunks, sink, ropts);
  else await readJsonl(chunks, sink, ropts);
}

async function runParquet(buf: ClosableBuffer, name: string, v: DatasetValidator, opts: ValidateOptions, size: number): Promise<DatasetReport> {
  try {
    await readParquet(buf.buffer, name, v, opts.signal);
  } finally {
    await buf.close();
  }
  v.bytes = size;
  return v.finish();
}

function finish(v: DatasetValidator, meter: Meter): DatasetReport {
  v.bytes = meter.bytes;
  if (meter.truncated) {
    v.truncated = true;
    v.addFileProblem('size-cap', `stopped reading after ${Math.round(meter.bytes / MiB)} MiB: only the records before that were checked`);
  }
  return v.finish();
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
