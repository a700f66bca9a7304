// Issue 17 item 13: help text must not say "preset: ..." (commander's word for an option's implied value), which
// reads as the model preset; the description says what a bare --dry-run means, and a bare --dry-run still works.
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../support/cli.js';

describe('help text', () => {
  it.each([['tune'], ['deploy']])('%s --help: no "preset:" note; a bare --dry-run is client', async (cmd) => {
    const r = await kaito([cmd, '--help'], { env: baseEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/preset: "client"/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('--dry-run [mode] client (also when no mode is given): print only; server: ask the API server, change nothing (choices: "client", "server")');
  });
  it('a bare --dry-run renders like --dry-run=client', async () => {
    const args = ['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'x', '--instance-type', 'Standard_NC24ads_A100_v4'];
    const bare = await kaito([...args, '--dry-run'], { env: baseEnv() });
    const client = await kaito([...args, '--dry-run=client'], { env: baseEnv() });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toMatch(/^apiVersion: kaito\.sh\/v1beta1\nkind: Workspace/);
    expect(bare.stdout).toBe(client.stdout);
  });

  it('sandbox start --help lists its own flags, not the cluster and Azure ones that do not apply', async () => {
    const r = await kaito(['sandbox', 'start', '--help'], { env: baseEnv() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--kaito-version');
    for (const f of ['--subscription', '--resource-group', '--cluster', '--context', '--namespace']) expect(r.stdout).not.toContain(f);
  });
});
