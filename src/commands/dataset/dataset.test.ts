// `kaito dataset validate|push` in-process: local files and URLs checked; push to the sandbox's registry.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../paths.js';
import { kaitoInProcess, sandboxDataset, sandboxImage, sandboxRun, startInProcSandbox, tempDir } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

const sample = join(datasetsDir(), 'kaito-ops-messages.jsonl');

describe('kaito dataset validate (in-process)', () => {
  it('a good local file: the report on stdout, the verdict on stderr, exit 0', async () => {
    const r = await kaitoInProcess(['dataset', 'validate', sample]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Format:\s+messages$/m);
    expect(r.stdout).toMatch(/^Records:\s+300$/m);
    expect(r.stdout).toMatch(/^Verdict:\s+OK$/m);
    expect(r.stderr).toBe(`✓ ${sample} looks trainable: 300 messages records\n`);
  });

  it('-o json: the report as a document; a relative path resolves in the run\'s directory', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'pc.jsonl'), '{"prompt":"a","completion":"b"}\n{"prompt":"c","completion":"d"}\n');
    const r = await kaitoInProcess(['dataset', 'validate', 'pc.jsonl', '-o', 'json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, format: 'prompt-completion', stats: { records: 2 } });
  });

  it('a file with no usable records: exit 2 and why', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.jsonl'), '{"text":1}\nnot json\n');
    const r = await kaitoInProcess(['dataset', 'validate', 'bad.jsonl'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^✗ .*bad\.jsonl cannot be used for tuning: \d+ errors?, /m);
    expect(r.stdout).toMatch(/Verdict:/);
  });

  it('a file that does not exist: exit 2, one error and the fix', async () => {
    const r = await kaitoInProcess(['dataset', 'validate', '/nonexistent/d.jsonl']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: /nonexistent/d.jsonl does not exist\n  check the path, or give an http(s) URL\n' });
  });
});

describe('kaito dataset against the sandbox (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('validate of a URL the sandbox serves (KAITO_RESOLVE from the run\'s env)', async () => {
    const r = await sandboxRun(sb, ['dataset', 'validate', sandboxDataset(sb), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, format: 'messages', stats: { records: 300 } });
  });

  it('a URL that answers 404: exit non-zero, one error naming it', async () => {
    const r = await sandboxRun(sb, ['dataset', 'validate', sandboxDataset(sb, 'missing.jsonl')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: .*404/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('push: a data image in the registry; stdout is its digest reference', async () => {
    const ref = sandboxImage(sb, 'data/ops:1');
    const r = await sandboxRun(sb, ['dataset', 'push', sample, ref, '--registry-username', 'u', '--registry-password-stdin'], { input: 'pw\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${sandboxImage(sb, 'data/ops').replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}\\n$`));
    expect(r.stderr).toMatch(/✓ pushed .*data\/ops:1 \(sha256:/);
    expect(r.stderr).not.toContain('pw');
    // the registry has it: read back through the sandbox registry's own API, /data/<file> in the image
    const image = await sb.ctx.ociRegistry!.readImage(r.stdout.trim());
    expect('files' in image && [...image.files.keys()]).toEqual(['kaito-ops-messages.jsonl']);
  });

  it('push of an invalid dataset: exit 2, nothing pushed', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.jsonl'), 'not json\n');
    const r = await sandboxRun(sb, ['dataset', 'push', 'bad.jsonl', sandboxImage(sb, 'data/bad:1'), '--registry-username', 'u', '--registry-password-stdin'], { input: 'pw\n', cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: bad\.jsonl: not valid JSON/);
    expect(r.stderr).not.toMatch(/✓ pushed/);
    expect(await sb.ctx.ociRegistry!.readImage(sandboxImage(sb, 'data/bad:1'))).toHaveProperty('error');
  });

  it('push with an empty stdin for --registry-password-stdin: exit 2', async () => {
    const r = await sandboxRun(sb, ['dataset', 'push', sample, sandboxImage(sb, 'data/ops:2'), '--registry-username', 'u', '--registry-password-stdin'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*stdin/);
  });
});
