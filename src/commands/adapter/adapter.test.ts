// `kaito adapter inspect|pull` in-process: a tuned adapter image in the sandbox's registry.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sandboxImage, sandboxRun, startInProcSandbox, submitTuning, tempDir } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito adapter (in-process)', () => {
  let sb: TestSandbox;
  const image = () => sandboxImage(sb, 'adapters/a1:1');
  beforeAll(async () => {
    sb = await startInProcSandbox();
    await submitTuning(sb, 'a1');
    const w = await sandboxRun(sb, ['wait', 'a1', '--timeout', '10m']);
    if (w.code !== 0) throw new Error(w.stderr);
  });

  it('inspect: base model, LoRA settings, size and digest', async () => {
    const r = await sandboxRun(sb, ['adapter', 'inspect', image()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Image:\\s+${image().replace(/[.]/g, '\\.')}$`, 'm'));
    expect(r.stdout).toMatch(/^Digest:\s+sha256:[0-9a-f]{64}$/m);
    expect(r.stdout).toMatch(/^Base model: phi-3-mini-128k-instruct$/m);
    expect(r.stdout).toMatch(/^PEFT type:\s+LORA$/m);
  });

  it('inspect -o json', async () => {
    const r = await sandboxRun(sb, ['adapter', 'inspect', image(), '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ baseModel: 'phi-3-mini-128k-instruct' });
  });

  it('pull writes the adapter files into DIR (relative to the run\'s directory)', async () => {
    const cwd = tempDir();
    const r = await sandboxRun(sb, ['adapter', 'pull', image(), 'out'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'out', 'adapter_model.safetensors'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, 'out', 'adapter_config.json'), 'utf8'))).toMatchObject({ peft_type: 'LORA' });
  });

  it('an image that does not exist: exit 1 naming it', async () => {
    const r = await sandboxRun(sb, ['adapter', 'inspect', sandboxImage(sb, 'adapters/none:1')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/adapters\/none/);
    expect(r.stdout).toBe('');
  });

  it('a reference that is not an image reference: exit 2', async () => {
    const r = await sandboxRun(sb, ['adapter', 'inspect', 'Not A Ref']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
  });

  it('a bad --max-size: exit 2, nothing written', async () => {
    const cwd = tempDir();
    const r = await sandboxRun(sb, ['adapter', '--max-size', 'huge', 'pull', image(), 'out'], { cwd });
    expect(r.code).toBe(2);
    expect(existsSync(join(cwd, 'out'))).toBe(false);
  });
});
