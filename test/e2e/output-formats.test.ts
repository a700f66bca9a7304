// Each command declares its -o formats once (src/commands/output-formats.ts, used by its def.ts): its help lists them, the command reads
// them, and any other -o is refused before the command runs (exit 2, the one-line error, nothing printed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../support/cli.js';
import { OUTPUT_DELETE as DELETE, OUTPUT_INIT as INIT, OUTPUT_NODEPOOL as NODEPOOL, OUTPUT_PRESETS as PRESETS, OUTPUT_STATUS as STATUS, OUTPUT_TUNE as TUNE } from '../../src/commands/output-formats.js';

// no kubeconfig anywhere: a command that got as far as its cluster would fail differently
const home = mkdtempSync(join(tmpdir(), 'kaito-outfmt-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = baseEnv({ HOME: home, KUBECONFIG: '' });

describe('declared output formats', () => {
  const helps: Array<[string[], readonly string[]]> = [
    [['status', '--help'], STATUS.status],
    [['nodepool', 'add', '--help'], NODEPOOL.add],
    [['delete', '--help'], DELETE.delete],
    [['presets', 'list', '--help'], PRESETS.list],
  ];
  for (const [args, formats] of helps)
    it(`${args.slice(0, -1).join(' ')} --help lists -o ${formats.join('|')}`, async () => {
      const r = await kaito(args, { env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Output formats: -o ${formats.join('|')}\n`);
    });

  it('a format the command does not take is refused before it runs: exit 2, one error, nothing on stdout', async () => {
    // the workspace name is bad too, but the command never ran to say so
    const r = await kaito(['delete', 'Bad_Name', '-o', 'table'], { env, cwd: home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: unknown output format "table"\n  use -o ${DELETE.delete.join('|')}\n`);
  });

  it('tune with no flags and a bad -o: the -o error alone (not the missing flags)', async () => {
    const r = await kaito(['tune', '-o', 'wide'], { env, cwd: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: unknown output format "wide"\n  use -o ${TUNE.tune.join('|')}\n`);
  });

  it('a declared format still works, and init refuses its default "text" when named', async () => {
    const ok = await kaito(['presets', 'list', '-o', 'name'], { env, cwd: home });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split('\n')).toContain('phi-4-mini-instruct');
    const init = await kaito(['init', '-o', 'text', '--no-input'], { env, cwd: home });
    expect(init.code).toBe(2);
    expect(init.stderr).toBe(`error: unknown output format "text"\n  use -o ${INIT.init.join('|')}\n`);
  });
});
