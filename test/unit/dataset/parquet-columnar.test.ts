// The columnar fast path must hand the checks exactly the records hyparquet's row API builds: every
// combination of required/optional list, item and field, nulls at each level, several pages and row
// groups, dictionary-encoded roles and invalid UTF-8 bytes.
import { describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { planColumns } from '../../../src/dataset/parquet-columnar.js';
import { readParquet } from '../../../src/dataset/parquet.js';
import type { RecordSink } from '../../../src/dataset/sink.js';

type Rep = 'OPTIONAL' | 'REQUIRED';

function messagesSchema(list: Rep, item: Rep, field: Rep) {
  return [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'messages', repetition_type: list, num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: item, num_children: 2 },
    { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: field },
    { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: field },
  ];
}

/** deterministic rows using nulls only where the schema allows them */
function rows(n: number, list: Rep, item: Rep, field: Rep): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (list === 'OPTIONAL' && i % 11 === 3) {
      out.push(null);
      continue;
    }
    const msgs: unknown[] = [];
    const len = i % 7 === 5 ? 0 : 1 + (i % 4);
    for (let t = 0; t < len; t++) {
      if (item === 'OPTIONAL' && (i + t) % 9 === 4) msgs.push(null);
      else {
        const role = field === 'OPTIONAL' && (i + t) % 13 === 6 ? null : ['system', 'user', 'assistant'][(i + t) % 3];
        const content = field === 'OPTIONAL' && (i * 3 + t) % 17 === 2 ? null : `m${i}.${t} ${'é'.repeat(i % 3)}${'x'.repeat((i * 31 + t * 7) % 300)}`;
        msgs.push({ role, content });
      }
    }
    out.push(msgs);
  }
  return out;
}

function collect(): RecordSink & { records: unknown[]; broken: unknown[] } {
  const records: unknown[] = [];
  const broken: unknown[] = [];
  return {
    records,
    broken,
    add: (v) => records.push(v),
    addBroken: (kind, loc, message) => broken.push({ kind, loc, message }),
    addFileProblem: (kind, message) => broken.push({ kind, message }),
  };
}

async function both(buf: Uint8Array, columns: string[]) {
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  // the fast path must really be taken, or this test would compare the row API with itself
  expect(planColumns(parquetSchema(metadata), columns)).not.toBeNull();
  const expected = await parquetReadObjects({ file, columns });
  const sink = collect();
  await readParquet(file, 'test.parquet', sink);
  return { expected, actual: sink.records, broken: sink.broken };
}

describe('parquet columnar fast path', () => {
  for (const list of ['OPTIONAL', 'REQUIRED'] as const) {
    for (const item of ['OPTIONAL', 'REQUIRED'] as const) {
      for (const field of ['OPTIONAL', 'REQUIRED'] as const) {
        it(`messages ${list} list, ${item} items, ${field} fields: same records as the row API`, async () => {
          const data = rows(700, list, item, field);
          const buf = parquetWriteBuffer({
            schema: messagesSchema(list, item, field) as never,
            rowGroupSize: [250, 300, 150],
            pageSize: 4096,
            columnData: [
              { name: 'id', data: Int32Array.from({ length: data.length }, (_, i) => i) },
              { name: 'messages', data },
            ],
          });
          const { expected, actual, broken } = await both(new Uint8Array(buf), ['messages']);
          expect(broken).toEqual([]);
          expect(actual).toHaveLength(700);
          expect(actual).toEqual(expected);
        });
      }
    }
  }

  it('prompt/completion string columns with nulls, several pages', async () => {
    const n = 900;
    const buf = parquetWriteBuffer({
      rowGroupSize: 400,
      pageSize: 2048,
      columnData: [
        { name: 'prompt', data: Array.from({ length: n }, (_, i) => (i % 10 === 3 ? null : `p${i} ${'y'.repeat(i % 50)}`)), type: 'STRING' },
        { name: 'completion', data: Array.from({ length: n }, (_, i) => (i % 15 === 7 ? null : i % 5 === 0 ? '' : `c${i}`)), type: 'STRING' },
      ],
    });
    const { expected, actual } = await both(new Uint8Array(buf), ['prompt', 'completion']);
    expect(actual).toHaveLength(n);
    expect(actual).toEqual(expected);
  });

  it('invalid UTF-8 decodes to the same replacement characters', async () => {
    const bad = [new Uint8Array([0x68, 0xff, 0xfe, 0x69]), new Uint8Array([0xe2, 0x82]), new Uint8Array([0xef, 0xbb, 0xbf, 0x41])];
    const buf = parquetWriteBuffer({
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'prompt', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'completion', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ] as never,
      columnData: [
        { name: 'prompt', data: bad },
        { name: 'completion', data: [...bad].reverse() },
      ],
    });
    const { expected, actual } = await both(new Uint8Array(buf), ['prompt', 'completion']);
    expect(actual).toEqual(expected);
    expect((actual[0] as { prompt: string }).prompt).toContain('\ufffd');
  });

  it('other shapes are left to the row API', () => {
    const schema = (children: unknown[]) => parquetSchema({ schema: children } as never);
    // a list of plain strings, an integer prompt, a struct with a nested list
    expect(planColumns(schema([{ name: 'root', num_children: 1 }, { name: 'messages', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 }, { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }]), ['messages'])).toBeNull();
    expect(planColumns(schema([{ name: 'root', num_children: 1 }, { name: 'prompt', type: 'INT32', repetition_type: 'OPTIONAL' }]), ['prompt'])).toBeNull();
    expect(planColumns(schema([{ name: 'root', num_children: 1 }, { name: 'prompt', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' }]), ['prompt'])).toBeNull();
  });
});
