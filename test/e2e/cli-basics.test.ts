import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../support/cli.js';

describe('kaito (built binary) basics', () => {
  it('--help lists every command of the SPEC and exits 0', async () => {
    const r = await kaito(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['init', 'presets', 'render', 'tune', 'deploy', 'wait', 'status', 'list', 'logs', 'delete', 'chat', 'proxy', 'nodepool', 'dataset', 'doctor', 'sandbox', 'demo', 'completion', 'version'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });

  it('the cached root help (fast path for pipes) is exactly what commander prints', async () => {
    const cached = await kaito(['--help']);
    const live = await kaito(['--help'], { env: baseEnv({ KAITO_NO_HELP_CACHE: '1' }) });
    expect(cached.code).toBe(0);
    expect(live.code).toBe(0);
    expect(cached.stdout).toBe(live.stdout);
    expect((await kaito(['-h'])).stdout).toBe(live.stdout);
  });

  it('version prints the package version; -o json is a document', async () => {
    const r = await kaito(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown flag is a usage error: exit 2, one line, no stack', async () => {
    const r = await kaito(['presets', 'list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('an unknown -o format exits 2 naming the allowed ones', async () => {
    const r = await kaito(['version', '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown output format "xml"/);
  });

  it('completion scripts exist for bash, zsh and fish and ask `kaito __complete` (test/e2e/completion.test.ts runs them)', async () => {
    for (const sh of ['bash', 'zsh', 'fish']) {
      const r = await kaito(['completion', sh]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('__complete --');
      expect(r.stdout).toMatch(/complete .*kaito/);
    }
    const bad = await kaito(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});
