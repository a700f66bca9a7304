// Each check of issue 8 with a file that breaks exactly that rule.
import { afterAll, describe, expect, it } from 'vitest';
import { validateDataset } from '../../../src/dataset/index.js';
import { chat, GOOD, jsonl, tempDir } from './support/files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function check(name: string, content: string, opts: Parameters<typeof validateDataset>[1] = {}) {
  return validateDataset(tmp.file(name, content), opts);
}

describe('record checks (jsonl)', () => {
  const cases: Array<[string, unknown[], string, number]> = [
    ['bad role', [GOOD, chat(['user', 'q'], ['bot', 'a'])], 'bad-role', 2],
    ['content not a string', [chat(['user', 'q'], ['assistant', 42])], 'content-type', 1],
    ['content parts list', [chat(['user', [{ type: 'text', text: 'q' }]], ['assistant', 'a'])], 'content-type', 1],
    ['empty content', [chat(['user', '  '], ['assistant', 'a'])], 'empty-content', 1],
    ['no user turn', [chat(['system', 's'], ['assistant', 'a'])], 'no-user', 1],
    ['no assistant turn', [chat(['user', 'q'])], 'no-assistant', 1],
    ['ends on user', [chat(['user', 'q'], ['assistant', 'a'], ['user', 'again'])], 'last-not-assistant', 1],
    ['system not first', [chat(['user', 'q'], ['system', 's'], ['assistant', 'a'])], 'system-not-first', 1],
    ['messages not a list', [{ messages: '[{"role":"user"}]' }], 'messages-type', 1],
    ['message not an object', [{ messages: ['user: hi', { role: 'assistant', content: 'a' }] }], 'message-type', 1],
    ['record not an object', [[1, 2]], 'not-an-object', 1],
    ['unknown format', [{ text: 'hello', label: 1 }], 'unknown-format', 1],
    ['prompt not a string', [{ prompt: 1, completion: 'x' }], 'prompt-type', 1],
    ['missing completion', [{ prompt: 'p' }], 'completion-type', 1],
    ['empty prompt', [{ prompt: '', completion: 'x' }], 'empty-prompt', 1],
    ['empty completion', [{ prompt: 'p', completion: '' }], 'empty-completion', 1],
    ['mixed formats', [GOOD, { prompt: 'p', completion: 'c' }], 'mixed-format', 2],
  ];
  for (const [title, records, kind, record] of cases) {
    it(`${title} -> ${kind} (error, exit 2)`, async () => {
      const r = await check(`${kind}.jsonl`, jsonl(...records));
      expect(r.valid).toBe(false);
      expect(r.counts[kind as keyof typeof r.counts]).toBe(1);
      const p = r.problems.find((x) => x.kind === kind)!;
      expect(p.severity).toBe('error');
      expect(p.line).toBe(record);
      expect(p.record).toBe(record - 1);
    });
  }

  it('a good file is valid with stats', async () => {
    const r = await check('good.jsonl', jsonl(GOOD, chat(['system', 's'], ['user', 'q'], ['assistant', 'a'], ['user', 'q2'], ['assistant', 'a2'])));
    expect(r).toMatchObject({ valid: true, errors: 0, warnings: 0, format: 'messages', fileType: 'jsonl' });
    expect(r.stats.records).toBe(2);
    expect(r.stats.turns).toMatchObject({ p50: 2, max: 5, total: 7 });
    expect(r.stats.tokens!.max).toBeGreaterThan(0);
  });

  it('duplicates are counted as warnings and name the first copy', async () => {
    const other = chat(['user', 'other'], ['assistant', 'answer']);
    const r = await check('dup.jsonl', jsonl(GOOD, other, GOOD, { ...GOOD }, other));
    expect(r.valid).toBe(true);
    expect(r.stats.duplicates).toBe(3);
    expect(r.counts.duplicate).toBe(3);
    expect(r.problems[0]).toMatchObject({ kind: 'duplicate', severity: 'warning', record: 2, message: 'same content as record 0' });
  });

  it('consecutive user turns are a warning', async () => {
    const r = await check('alt.jsonl', jsonl(chat(['user', 'a'], ['user', 'b'], ['assistant', 'c'])));
    expect(r.valid).toBe(true);
    expect(r.counts['not-alternating']).toBe(1);
  });

  it('records longer than the preset context are warnings', async () => {
    const long = chat(['user', 'x'.repeat(4 * 5000)], ['assistant', 'ok']);
    const r = await check('long.jsonl', jsonl(GOOD, long), { preset: 'phi-3-mini-4k-instruct' });
    expect(r.preset).toEqual({ name: 'phi-3-mini-4k-instruct', contextLength: 4096 });
    expect(r.valid).toBe(true);
    expect(r.stats.overContext).toBe(1);
    expect(r.problems[0]).toMatchObject({ kind: 'too-long', record: 1 });
  });

  it('an unknown preset is a usage error', async () => {
    await expect(check('p.jsonl', jsonl(GOOD), { preset: 'no-such-model' })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('--format forces the format and flags the others', async () => {
    const r = await check('forced.jsonl', jsonl(GOOD, { prompt: 'p', completion: 'c' }), { format: 'prompt-completion' });
    expect(r.format).toBe('prompt-completion');
    expect(r.counts['format-mismatch']).toBe(1);
    expect(r.problems[0].line).toBe(1);
  });

  it('an empty file cannot train', async () => {
    const r = await check('empty.jsonl', '');
    expect(r).toMatchObject({ valid: false, counts: { empty: 1 } });
    const blank = await check('blank.jsonl', '\n\n  \n');
    expect(blank.counts.empty).toBe(1);
  });

  it('lists the first problems but counts them all', async () => {
    const bad = Array.from({ length: 100 }, () => chat(['user', 'q'], ['bot', 'a']));
    const r = await check('many.jsonl', jsonl(...bad), { maxProblems: 5 });
    expect(r.counts['bad-role']).toBe(100);
    expect(r.problems.length).toBe(5);
    expect(r.errors).toBeGreaterThanOrEqual(100);
  });

  it('reports invalid JSON with its line and keeps going', async () => {
    const r = await check('broken.jsonl', jsonl(GOOD, '{"messages": [', GOOD));
    expect(r.counts['invalid-json']).toBe(1);
    expect(r.problems[0]).toMatchObject({ kind: 'invalid-json', line: 2 });
    expect(r.stats.records).toBe(3);
  });
});

describe('json and csv files', () => {
  it('reads a JSON array element by element, with lines', async () => {
    const text = '[\n' + [JSON.stringify(GOOD), JSON.stringify(chat(['user', 'q'], ['robot', 'a']))].join(',\n') + '\n]\n';
    const r = await check('arr.json', text);
    expect(r.fileType).toBe('json');
    expect(r.stats.records).toBe(2);
    expect(r.problems[0]).toMatchObject({ kind: 'bad-role', record: 1, line: 3 });
  });

  it('reads JSON Lines in a .json file', async () => {
    const r = await check('lines.json', jsonl(GOOD, GOOD));
    expect(r).toMatchObject({ valid: true, stats: { records: 2, duplicates: 1 } });
  });

  it('reports a truncated JSON array', async () => {
    const r = await check('trunc.json', '[' + JSON.stringify(GOOD) + ',{"messages":[');
    expect(r.valid).toBe(false);
    expect(r.counts['invalid-json']).toBe(1);
  });

  it('reads CSV with quotes, commas and newlines in fields', async () => {
    const csv = 'prompt,completion\r\n"How do I, list?","Run:\n""kubectl get ws"""\r\nq2,\r\n"q3"\r\n';
    const r = await check('pc.csv', csv);
    expect(r.fileType).toBe('csv');
    expect(r.format).toBe('prompt-completion');
    expect(r.stats.records).toBe(3);
    expect(r.counts['empty-completion']).toBe(1);
    expect(r.counts['invalid-csv']).toBe(1);
    expect(r.problems.find((p) => p.kind === 'empty-completion')).toMatchObject({ record: 1, line: 4 });
  });

  it('a messages column in CSV is a string, not a list', async () => {
    const r = await check('m.csv', 'messages\n"[{""role"":""user""}]"\n');
    expect(r.counts['messages-type']).toBe(1);
  });
});
