// Parquet through hyparquet: the footer first, then one row group at a time and only the columns the
// checks need, so memory follows the row-group size, not the file size. Anything hyparquet throws on a
// damaged file becomes one UsageError.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { InterruptedError, isKaitoError, UsageError } from '../errors.js';
import { leavesOf, rowBuilder, planColumns, type FieldPlan } from './parquet-columnar.js';
import type { RecordSink } from './sink.js';

const KNOWN = ['messages', 'prompt', 'completion'];

export async function readParquet(file: AsyncBuffer, name: string, sink: RecordSink, signal?: AbortSignal): Promise<void> {
  const { parquetMetadataAsync, parquetRead, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const damaged = (e: unknown) => {
    if (isKaitoError(e)) return e;
    const msg = e instanceof Error ? e.message : String(e);
    const codec = /compression codec:?\s*(\w+)/i.exec(msg);
    if (codec) return new UsageError(`${name} uses ${codec[1]} compression, which kaito cannot read`, 'write it with snappy or no compression (pandas/pyarrow: compression="snappy")');
    return new UsageError(`${name} is not a readable parquet file: ${msg.slice(0, 200)}`, 'check that the file is complete (not a truncated download) and written by a parquet library');
  };
  if (file.byteLength < 12) throw new UsageError(`${name} is not a parquet file: ${file.byteLength === 0 ? 'it is empty' : 'it is too short'}`);
  let metadata: FileMetaData;
  let columns: string[];
  let plans: FieldPlan[] | null;
  const wanted: string[] = [];
  try {
    metadata = await parquetMetadataAsync(file);
    const schema = parquetSchema(metadata);
    columns = schema.children.map((c) => c.element.name);
    wanted.push(...columns.filter((c) => KNOWN.includes(c)));
    plans = planColumns(schema, wanted);
  } catch (e) {
    throw damaged(e);
  }
  let record = 0;
  for (const rg of metadata.row_groups) {
    if (signal?.aborted) throw new InterruptedError();
    const rows = Number(rg.num_rows);
    if (!Number.isSafeInteger(rows) || rows < 0) throw damaged(new Error(`a row group claims ${String(rg.num_rows)} rows`));
    if (wanted.length === 0) {
      // nothing to read: every row lacks the fields; say which columns it has instead
      const shape = Object.fromEntries(columns.map((c) => [c, true]));
      for (let i = 0; i < rows; i++) sink.add(shape, { record: record++ });
      continue;
    }
    if (plans) {
      // strings stay bytes until their record is checked (see parquet-columnar.ts)
      const leaves = new Map<string, ArrayLike<unknown>[]>(leavesOf(plans).map((l) => [l, []]));
      const data = new Map<string, ArrayLike<unknown>>();
      try {
        await parquetRead({
          file,
          metadata,
          columns: wanted,
          rowStart: record,
          rowEnd: record + rows,
          parsers: { stringFromBytes: (b: Uint8Array) => b },
          onPage: (p) => leaves.get(p.pathInSchema.join('.'))?.push(p.columnData),
        });
        for (const [leaf, chunks] of leaves) {
          const all = chunks.length === 1 ? chunks[0] : chunks.flatMap((c) => Array.from(c));
          if (all.length !== rows) throw new Error(`a row group holds ${all.length} rows instead of ${rows}`);
          data.set(leaf, all);
        }
      } catch (e) {
        throw damaged(e);
      }
      const build = rowBuilder(plans, data);
      for (let i = 0; i < rows; i++) {
        let row: Record<string, unknown>;
        try {
          row = build(i);
        } catch (e) {
          throw damaged(e);
        }
        sink.add(row, { record: record + i });
      }
      record += rows;
      continue;
    }
    let data: Record<string, unknown>[];
    try {
      data = await parquetReadObjects({ file, metadata, columns: wanted, rowStart: record, rowEnd: record + rows });
    } catch (e) {
      throw damaged(e);
    }
    if (data.length !== rows) throw damaged(new Error(`a row group holds ${data.length} rows instead of ${rows}`));
    for (const row of data) sink.add(row, { record: record++ });
  }
}
