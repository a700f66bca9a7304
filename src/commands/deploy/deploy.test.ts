// `kaito deploy` in-process against the in-process sandbox: an inference Workspace served by the emulator.
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterObject, RES, sandboxRun, startInProcSandbox } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

const deploy = (name: string, extra: string[] = []) => ['deploy', '--preset', 'phi-4-mini-instruct', '--name', name, '--instance-type', 'Standard_NC24ads_A100_v4', ...extra];

describe('kaito deploy (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('--wait creates the Workspace and follows it until inference is ready', async () => {
    const r = await sandboxRun(sb, deploy('d1', ['--wait', '--timeout', '5m']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cost: serving d1: Standard_NC24ads_A100_v4 \$[\d.]+\/h Linux pay-as-you-go/);
    expect(r.stderr).toMatch(/^✓ workspace\/d1 created$/m);
    expect(r.stderr).toMatch(/^d1: inference is ready after /m);
    expect(r.stderr).toMatch(/kaito chat --workspace d1/);
    const ws = clusterObject(sb, RES.workspaces, 'd1')!;
    expect(ws.inference.preset.name).toBe('phi-4-mini-instruct');
    expect(ws.resource.instanceType).toBe('Standard_NC24ads_A100_v4');
    expect(ws.status.conditions).toContainEqual(expect.objectContaining({ type: 'InferenceReady', status: 'True' }));
  });

  it('-o json without --wait: the action and the objects', async () => {
    const r = await sandboxRun(sb, deploy('d2', ['-o', 'json']));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: 'd2', namespace: 'default', action: 'created' });
    expect(clusterObject(sb, RES.workspaces, 'd2')).toBeDefined();
  });

  it('--dry-run=client prints the manifest and creates nothing', async () => {
    const r = await sandboxRun(sb, deploy('dry1', ['--dry-run=client', '-o', 'yaml']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kind: Workspace$/m);
    expect(r.stdout).toMatch(/^  name: dry1$/m);
    expect(clusterObject(sb, RES.workspaces, 'dry1')).toBeUndefined();
  });

  it('an unknown preset: exit 2, nothing created', async () => {
    const r = await sandboxRun(sb, ['deploy', '--preset', 'nope', '--name', 'bad1', '--instance-type', 'Standard_NC24ads_A100_v4']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*--preset nope/);
    expect(clusterObject(sb, RES.workspaces, 'bad1')).toBeUndefined();
  });

  it('--hf-token-stdin with nothing on stdin: exit 2, nothing created', async () => {
    const r = await sandboxRun(sb, ['deploy', '--preset', 'llama-3.1-8b-instruct', '--name', 'gated1', '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin'], { input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*stdin/);
    expect(clusterObject(sb, RES.workspaces, 'gated1')).toBeUndefined();
  });

  it('--hf-token-stdin from a terminal is refused: the secret must be piped', async () => {
    const r = await sandboxRun(sb, ['deploy', '--preset', 'llama-3.1-8b-instruct', '--name', 'gated2', '--instance-type', 'Standard_NC24ads_A100_v4', '--hf-token-stdin'], { tty: { stdin: true } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --hf-token-stdin reads the secret from stdin, but stdin is a terminal/);
    expect(clusterObject(sb, RES.workspaces, 'gated2')).toBeUndefined();
  });
});

describe('kaito deploy --wait when the image cannot be pulled (fault image-pull)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox({ faults: ['image-pull'] });
  });

  it('exits 3 naming the pull failure; the Workspace is left for inspection', async () => {
    const r = await sandboxRun(sb, deploy('pull1', ['--wait', '--timeout', '10m']));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/ImagePull|ErrImagePull|pull/i);
    expect(clusterObject(sb, RES.workspaces, 'pull1')).toBeDefined();
  });
});
