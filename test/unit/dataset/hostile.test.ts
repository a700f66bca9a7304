// Hostile input: each a clear error or a report, never a crash or a hang.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDataset } from '../../../src/dataset/index.js';
import { chat, GOOD, jsonl, messagesParquet, tempDir } from './support/files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('hostile files', () => {
  const goodParquet = messagesParquet(Array.from({ length: 50 }, (_, i) => chat(['user', `q${i}`], ['assistant', `a${i}`])) as never);

  it('truncated parquet is a usage error', async () => {
    const p = tmp.file('trunc.parquet', goodParquet.subarray(0, Math.floor(goodParquet.length / 2)));
    await expect(validateDataset(p)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('not a readable parquet file') });
  });

  it('parquet with a corrupt middle or footer is a usage error', async () => {
    const mid = Buffer.from(goodParquet);
    for (let i = 8; i < mid.length - 200; i++) mid[i] ^= 0x5a;
    await expect(validateDataset(tmp.file('mid.parquet', mid))).rejects.toMatchObject({ exitCode: 2 });
    const foot = Buffer.from(goodParquet);
    // a metadata length far beyond the file
    foot.writeUInt32LE(0x7ffffff0, foot.length - 8);
    await expect(validateDataset(tmp.file('foot.parquet', foot))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('random bytes named .parquet or .jsonl are usage errors', async () => {
    const junk = randomBytes(64 * 1024);
    junk[10] = 0;
    await expect(validateDataset(tmp.file('junk.parquet', junk))).rejects.toMatchObject({ exitCode: 2 });
    await expect(validateDataset(tmp.file('junk.jsonl', junk))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('binary') });
    await expect(validateDataset(tmp.file('PAR1.bin', Buffer.concat([Buffer.from('PAR1'), junk])))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('a tiny or empty parquet file is a usage error', async () => {
    await expect(validateDataset(tmp.file('empty.parquet', ''))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('invalid UTF-8 is reported per line', async () => {
    const bad = Buffer.concat([Buffer.from(jsonl(GOOD)), Buffer.from('{"prompt":"\xff\xfe"}\n', 'latin1'), Buffer.from(jsonl(GOOD))]);
    const r = await validateDataset(tmp.file('utf8.jsonl', bad));
    expect(r.counts['invalid-utf8']).toBe(1);
    expect(r.problems.find((p) => p.kind === 'invalid-utf8')).toMatchObject({ line: 2 });
  });

  it('a 100 MB single line is skipped with a clear problem, and the lines after it are read', async () => {
    const p = `${tmp.dir}/huge.jsonl`;
    await new Promise<void>((resolve, reject) => {
      const w = createWriteStream(p);
      w.on('error', reject);
      w.write(jsonl(GOOD));
      w.write('{"prompt":"');
      const mb = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 100; i++) w.write(mb);
      w.write('","completion":"x"}\n');
      w.end(jsonl(chat(['user', 'after'], ['assistant', 'the big one'])), () => resolve());
    });
    const before = process.memoryUsage().rss;
    const r = await validateDataset(p);
    expect(r.counts['record-too-large']).toBe(1);
    expect(r.problems[0]).toMatchObject({ kind: 'record-too-large', line: 2, record: 1 });
    expect(r.stats.records).toBe(3);
    expect(r.stats.bytes).toBeGreaterThan(100 * 1024 * 1024);
    // the line was never held whole: growth stays far below its 100 MB
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
  });

  it('deeply nested JSON is just a wrong record', async () => {
    const deep = '{"messages":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const r = await validateDataset(tmp.file('deep.jsonl', deep + '\n' + jsonl(GOOD)));
    expect(r.stats.records).toBe(2);
    expect(r.valid).toBe(false);
    const arr = await validateDataset(tmp.file('deep.json', '[' + '['.repeat(100_000) + ']'.repeat(100_000) + ']'));
    expect(arr.counts['not-an-object']).toBe(1);
  });

  it('a directory, a missing file and an arrow file are usage errors', async () => {
    await expect(validateDataset(tmp.dir)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('directory') });
    await expect(validateDataset(`${tmp.dir}/nope.jsonl`)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('does not exist') });
    await expect(validateDataset(tmp.file('x.arrow', 'ARROW1'))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('an HTML page saved as .jsonl is named as such', async () => {
    await expect(validateDataset(tmp.file('page.jsonl', '<!DOCTYPE html><html></html>'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('HTML') });
  });

  it('the size cap stops reading and says so', async () => {
    const r = await validateDataset(tmp.file('capped.jsonl', jsonl(...Array.from({ length: 100 }, (_, i) => chat(['user', `q${i}`], ['assistant', 'a'])))), { maxBytes: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.counts['size-cap']).toBe(1);
    expect(r.counts['invalid-json']).toBeUndefined();
    expect(r.stats.records).toBeLessThan(100);
  });

  it('unsupported URL schemes are refused', async () => {
    await expect(validateDataset('ftp://example.com/x.jsonl')).rejects.toMatchObject({ exitCode: 2 });
  });
});
