// `kaito presets list|show` in-process: the catalog shipped with the CLI, no cluster.
import { describe, expect, it } from 'vitest';
import { kaitoInProcess } from '../../../test/support/inproc.js';

describe('kaito presets (in-process)', () => {
  it('list: a table with a header and every preset, nothing on stderr', async () => {
    const r = await kaitoInProcess(['presets', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TUNABLE\s+WEIGHTS\s+RUNTIMES\s+GATED\s+CONTEXT$/);
    expect(lines.find((l) => l.startsWith('phi-4-mini-instruct '))).toBeDefined();
    expect(lines.find((l) => l.startsWith('gpt-oss-20b '))).toMatch(/\bno\b/);
  });

  it('list --tunable -o json: only presets that can be tuned', async () => {
    const r = await kaitoInProcess(['presets', 'list', '--tunable', '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { presets: Array<{ name: string; tunable: boolean; methods: string[] }> };
    expect(doc.presets.length).toBeGreaterThan(0);
    expect(doc.presets.every((p) => p.tunable && p.methods.length > 0)).toBe(true);
    expect(doc.presets.map((p) => p.name)).toContain('phi-3-mini-128k-instruct');
    expect(doc.presets.map((p) => p.name)).not.toContain('gpt-oss-20b');
  });

  it('list -o name: one preset per line', async () => {
    const r = await kaitoInProcess(['presets', 'list', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('phi-4');
  });

  it('show: the preset, its per-release support and its GPU fit', async () => {
    const r = await kaitoInProcess(['presets', 'show', 'phi-4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+phi-4\nHugging Face id:\s+microsoft\/phi-4\n/);
    expect(r.stdout).toMatch(/^Tunable:\s+yes \(qlora, lora\)$/m);
    expect(r.stdout).toMatch(/^GPU fit \(estimates\):$/m);
    expect(r.stderr).toBe('');
  });

  it('show of an unknown preset: exit 2, the error and where to look', async () => {
    const r = await kaitoInProcess(['presets', 'show', 'nope']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: no preset named "nope"\n  run `kaito presets list` to see them all\n' });
  });

  it('show without a name: commander refuses it, exit 2', async () => {
    const r = await kaitoInProcess(['presets', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument 'name'/);
    expect(r.stdout).toBe('');
  });

  it('list with an output format it does not print: exit 2', async () => {
    const r = await kaitoInProcess(['presets', 'list', '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown output format "xml"/);
    expect(r.stdout).toBe('');
  });
});
