// `kaito tune` in-process against the in-process sandbox (Kaito 0.12, NAP): what the user sees and what is
// left in the cluster (read from the sandbox's API server store, not through kaito).
import { beforeAll, describe, expect, it } from 'vitest';
import { clusterObject, RES, sandboxRun, startInProcSandbox, tuneArgs } from '../../../test/support/inproc.js';
import type { TestSandbox } from '../../../test/support/sandbox.js';

describe('kaito tune (in-process)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox();
  });

  it('creates the push secret and the Workspace; -o json says so; the password never shows', async () => {
    const r = await sandboxRun(sb, [...tuneArgs(sb, 't1'), '-o', 'json'], { input: 's3cret-pw\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^checking dataset https:\/\/datasets\.kaito-sandbox\.test:\d+\/kaito-ops-messages\.parquet/);
    expect(r.stderr).toMatch(/^estimate: phi-3-mini-128k-instruct qlora on 1 x A10 \(Standard_NV36ads_A10_v5\)/m);
    expect(r.stderr).toMatch(/^✓ secret\/t1-push created\n✓ workspace\/t1 created\n$/m);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ workspace: 't1', namespace: 'default', apiVersion: 'kaito.sh/v1beta1', action: 'created' });
    expect(doc.objects).toEqual([{ kind: 'Secret', name: 't1-push', action: 'created' }, { kind: 'Workspace', name: 't1', action: 'created' }]);
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
    const ws = clusterObject(sb, RES.workspaces, 't1')!;
    expect(ws.tuning).toMatchObject({ preset: { name: 'phi-3-mini-128k-instruct' }, method: 'qlora', output: { imagePushSecret: 't1-push' } });
    expect(ws.resource.instanceType).toBe('Standard_NV36ads_A10_v5');
    expect(clusterObject(sb, RES.secrets, 't1-push')!.type).toBe('kubernetes.io/dockerconfigjson');
  });

  it('the same command again: unchanged, exit 0, the Workspace untouched', async () => {
    // the controller keeps writing status (its resourceVersion moves): the user's part is generation and spec
    const before = clusterObject(sb, RES.workspaces, 't1')!;
    const r = await sandboxRun(sb, [...tuneArgs(sb, 't1'), '--skip-dataset-check', '-o', 'name'], { input: 's3cret-pw\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('workspace.kaito.sh/t1\n');
    expect(r.stderr).toMatch(/workspace\/t1 unchanged/);
    const after = clusterObject(sb, RES.workspaces, 't1')!;
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.tuning).toEqual(before.tuning);
  });

  it('an immutable change is refused before anything is sent: exit 2, the field, the way out', async () => {
    const generation = clusterObject(sb, RES.workspaces, 't1')!.metadata.generation;
    const r = await sandboxRun(sb, [...tuneArgs(sb, 't1'), '--skip-dataset-check', '--method', 'lora'], { input: 's3cret-pw\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/method: qlora -> lora/);
    expect(r.stderr).toMatch(/kaito delete t1/);
    expect(clusterObject(sb, RES.workspaces, 't1')!.metadata.generation).toBe(generation);
    expect(clusterObject(sb, RES.workspaces, 't1')!.tuning.method).toBe('qlora');
  });

  it('--dry-run=server goes through admission and creates nothing', async () => {
    const r = await sandboxRun(sb, [...tuneArgs(sb, 'dry1'), '--skip-dataset-check', '--dry-run=server', '-o', 'json'], { input: 'pw\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ workspace: 'dry1', dryRun: 'server', action: 'created' });
    expect(clusterObject(sb, RES.workspaces, 'dry1')).toBeUndefined();
    expect(clusterObject(sb, RES.secrets, 'dry1-push')).toBeUndefined();
  });

  it('bad flags: exit 2, the problems together, nothing created', async () => {
    const r = await sandboxRun(sb, ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'bad1', '--epochs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(/--epochs/);
    expect(r.stderr).toMatch(/a dataset is required/);
    expect(clusterObject(sb, RES.workspaces, 'bad1')).toBeUndefined();
  });

  it('--push-secret with --registry-username: refused, exit 2', async () => {
    const r = await sandboxRun(sb, [...tuneArgs(sb, 'bad2'), '--push-secret', 'push'], { input: 'pw\n' });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('error: use only one of --push-secret and --registry-username/--registry-password-stdin\n  fix the flags (or kaito.yaml values) above and run again (nothing was changed)\n');
    expect(clusterObject(sb, RES.workspaces, 'bad2')).toBeUndefined();
  });

  it('a dataset URL that does not exist: exit 2 before anything is created', async () => {
    const args = tuneArgs(sb, 'bad3').map((a) => (a.endsWith('kaito-ops-messages.parquet') ? a.replace('kaito-ops-messages.parquet', 'missing.parquet') : a));
    const r = await sandboxRun(sb, args, { input: 'pw\n' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/missing\.parquet/);
    expect(clusterObject(sb, RES.workspaces, 'bad3')).toBeUndefined();
  });
});

describe('kaito tune --wait when the trainer fails (fault tuning-fail, Kaito 0.6)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startInProcSandbox({ kaitoVersion: '0.6', faults: ['tuning-fail'] });
  });

  it('exits 3 with the job failure and the last log lines; the Workspace stays for inspection', async () => {
    const r = await sandboxRun(sb, [...tuneArgs(sb, 'fail1'), '--skip-dataset-check', '--wait', '--timeout', '10m'], { input: 'pw\n' });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/tuning job fail1 failed/);
    expect(r.stderr).toMatch(/last \d+ log lines of fail1-/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.[jt]s/);
    const ws = clusterObject(sb, RES.workspaces, 'fail1')!;
    expect(ws.metadata.deletionTimestamp).toBeUndefined();
    expect(ws.tuning.preset.name).toBe('phi-3-mini-128k-instruct');
  });
});
