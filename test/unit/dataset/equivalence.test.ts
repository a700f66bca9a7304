// The same records as jsonl and as parquet get the same verdict, counts and stats.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDataset, type DatasetReport } from '../../../src/dataset/index.js';
import { datasetsDir } from '../../../src/paths.js';
import { chat, GOOD, jsonl, messagesParquet, promptCompletionParquet, tempDir } from './support/files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const verdict = (r: DatasetReport) => ({
  valid: r.valid,
  format: r.format,
  errors: r.errors,
  warnings: r.warnings,
  counts: r.counts,
  problems: r.problems.map(({ kind, record, message }) => ({ kind, record, message })),
  stats: { ...r.stats, bytes: 0 },
});

describe('jsonl and parquet agree', () => {
  for (const name of ['kaito-ops-messages', 'kaito-ops-prompt-completion']) {
    it(`sample ${name}: valid in both, identical stats`, async () => {
      const a = await validateDataset(join(datasetsDir(), `${name}.jsonl`), { preset: 'phi-4-mini-instruct' });
      const b = await validateDataset(join(datasetsDir(), `${name}.parquet`), { preset: 'phi-4-mini-instruct' });
      expect(a.valid).toBe(true);
      expect(a.stats.records).toBeGreaterThanOrEqual(300);
      expect(a.stats.duplicates).toBe(0);
      expect(verdict(b)).toEqual(verdict(a));
    });
  }

  it('sample jsonl files are what the generator would write (no hand edits)', () => {
    const first = JSON.parse(readFileSync(join(datasetsDir(), 'kaito-ops-messages.jsonl'), 'utf8').split('\n')[0]);
    expect(first.messages.at(-1).role).toBe('assistant');
  });

  it('bad messages records: same problems from both formats', async () => {
    const rows = [
      GOOD,
      chat(['user', 'q'], ['bot', 'a']),
      chat(['user', ''], ['assistant', 'a']),
      chat(['user', 'q'], ['system', 's'], ['assistant', 'a']),
      chat(['user', 'q']),
      chat(['user', 'q'], ['assistant', 'a'], ['user', 'q']),
      { messages: null },
      chat(['user', 'q'], ['assistant', null]),
      GOOD,
    ];
    // small row groups: the parquet reader walks several
    const a = await validateDataset(tmp.file('bad.jsonl', jsonl(...rows)));
    const b = await validateDataset(tmp.file('bad.parquet', messagesParquet(rows as never, 4)));
    expect(a.valid).toBe(false);
    expect(verdict(b)).toEqual(verdict(a));
  });

  it('bad prompt/completion records: same problems from both formats', async () => {
    const rows = [{ prompt: 'p', completion: 'c' }, { prompt: '', completion: 'c' }, { prompt: 'p', completion: null }, { prompt: 'p', completion: 'c' }];
    const a = await validateDataset(tmp.file('pc.jsonl', jsonl(...rows)));
    const b = await validateDataset(tmp.file('pc.parquet', promptCompletionParquet(rows)));
    expect(a.counts).toEqual({ 'empty-prompt': 1, 'completion-type': 1, duplicate: 1 });
    expect(verdict(b)).toEqual(verdict(a));
  });
});
