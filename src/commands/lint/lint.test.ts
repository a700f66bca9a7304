// `kaito lint` in-process: Workspace YAML checked offline; exit 0 clean, 2 with errors, 1 with --strict warnings.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaitoInProcess, tempDir } from '../../../test/support/inproc.js';

const good = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: d1
resource:
  instanceType: Standard_NC24ads_A100_v4
  labelSelector:
    matchLabels:
      app: d1
inference:
  preset:
    name: phi-4-mini-instruct
`;

function project(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('kaito lint (in-process)', () => {
  it('a valid Workspace: exit 0', async () => {
    const cwd = project({ 'ws.yaml': good });
    const r = await kaitoInProcess(['lint', '-f', 'ws.yaml'], { cwd });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/error/i);
  });

  it('what render prints lints clean (stdin)', async () => {
    const rendered = await kaitoInProcess(['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--name', 'd2', '--instance-type', 'Standard_NC24ads_A100_v4']);
    const r = await kaitoInProcess(['lint', '-f', '-', '-o', 'json'], { input: rendered.stdout });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(JSON.stringify(doc)).not.toMatch(/"severity":\s*"error"/);
  });

  it('a Workspace with an unknown preset and a bad field: exit 2 and the problems', async () => {
    const bad = good.replace('phi-4-mini-instruct', 'no-such-model').replace('resource:', 'resource:\n  count: many');
    const cwd = project({ 'bad.yaml': bad });
    const r = await kaitoInProcess(['lint', '-f', 'bad.yaml', '-o', 'json'], { cwd });
    expect(r.code).toBe(2);
    const text = r.stdout;
    expect(text).toMatch(/no-such-model/);
    expect(text).toMatch(/count/);
  });

  it('a file that does not exist: exit 2, one error and the fix', async () => {
    const r = await kaitoInProcess(['lint', '-f', 'missing.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: missing.yaml: no such file or directory\n  name existing files or directories (or - for stdin)\n');
  });

  it('an unknown --kaito-version: exit 2', async () => {
    const cwd = project({ 'ws.yaml': good });
    const r = await kaitoInProcess(['lint', '-f', 'ws.yaml', '--kaito-version', '0.1'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*0\.1/);
  });
});
