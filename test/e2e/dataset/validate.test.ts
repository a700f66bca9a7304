// `kaito dataset validate` through the built bin/kaito: exit codes, stdout/stderr split, -o json shape.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';
import { datasetsDir } from '../../../src/paths.js';
import { chat, GOOD, jsonl, tempDir } from '../../unit/dataset/support/files.js';
import { startDatasetHost, type TestHost } from '../../unit/dataset/support/host.js';

const tmp = tempDir();
let host: TestHost;
beforeAll(async () => {
  host = await startDatasetHost();
});
afterAll(async () => {
  await host?.close();
  tmp.cleanup();
});

describe('kaito dataset validate', () => {
  it('a good sample file: exit 0, report on stdout, verdict on stderr', async () => {
    const r = await kaito(['dataset', 'validate', join(datasetsDir(), 'kaito-ops-messages.jsonl'), '--preset', 'phi-4-mini-instruct']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Format: +messages$/m);
    expect(r.stdout).toMatch(/^Records: +300$/m);
    expect(r.stdout).toMatch(/^Verdict: +OK$/m);
    expect(r.stderr).toContain('looks trainable');
  });

  it('-o json prints one document with the documented shape', async () => {
    const file = tmp.file('bad.jsonl', jsonl(GOOD, chat(['user', 'q'], ['bot', 'a'], ['assistant', 'b']), GOOD, 'nope'));
    const r = await kaito(['dataset', 'validate', file, '-o', 'json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      source: file,
      fileType: 'jsonl',
      format: 'messages',
      valid: false,
      errors: 2,
      warnings: 1,
      preset: null,
      stats: { records: 4, duplicates: 1, overContext: 0, turns: { p50: 2, p90: 3, max: 3 }, tokens: { p50: expect.any(Number) } },
      counts: { 'bad-role': 1, 'invalid-json': 1, duplicate: 1 },
      truncated: false,
    });
    expect(doc.problems[0]).toEqual({ kind: 'bad-role', severity: 'error', record: 1, line: 2, message: expect.stringContaining('"bot"') });
    expect(r.stderr).toContain('cannot be used for tuning: 2 errors, 1 warning');
  });

  it('warnings alone exit 0', async () => {
    const r = await kaito(['dataset', 'validate', tmp.file('dups.jsonl', jsonl(GOOD, GOOD))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('WARN  line 2 (record 1): same content as record 0 [duplicate]');
  });

  it('a file that is no dataset: one error line with a hint, exit 2, no stack', async () => {
    const r = await kaito(['dataset', 'validate', tmp.file('x.parquet', 'not parquet at all')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*x\.parquet is not a readable parquet file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--format and -o are checked', async () => {
    const bad = await kaito(['dataset', 'validate', 'x.jsonl', '--format', 'chat']);
    expect(bad.code).toBe(2);
    const out = await kaito(['dataset', 'validate', join(datasetsDir(), 'kaito-ops-messages.jsonl'), '-o', 'name']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('unknown output format');
  });

  it('a URL on the dataset host, trusted through NODE_EXTRA_CA_CERTS and pinned by KAITO_RESOLVE', async () => {
    const ca = join(tmp.dir, 'ca.pem');
    writeFileSync(ca, host.tls.caPem);
    const env = baseEnv({ NODE_EXTRA_CA_CERTS: ca, KAITO_RESOLVE: host.resolve });
    const ok = await kaito(['dataset', 'validate', `${host.base}/kaito-ops-prompt-completion.parquet`, '-o', 'json'], { env });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, fileType: 'parquet', stats: { records: 300 } });
    const html = await kaito(['dataset', 'validate', `${host.base}/html`], { env });
    expect(html.code).toBe(2);
    expect(html.stderr).toContain('is an HTML page, not a dataset file');
    const untrusted = await kaito(['dataset', 'validate', `${host.base}/kaito-ops-messages.jsonl`], { env: baseEnv({ KAITO_RESOLVE: host.resolve }) });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });
});
