// `kaito render tune|deploy` in-process: the manifest `tune`/`deploy` would apply, printed or written, no cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaitoInProcess, tempDir } from '../../../test/support/inproc.js';

const tune = ['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'r1', '--dataset', 'https://example.com/d.parquet', '--output-image', 'reg.example.com/a:1', '--push-secret', 'p', '--instance-type', 'Standard_NV36ads_A10_v5'];
const deploy = ['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--name', 'd1', '--instance-type', 'Standard_NC24ads_A100_v4'];

describe('kaito render (in-process)', () => {
  it('render tune prints the tuning Workspace as YAML', async () => {
    const r = await kaitoInProcess(tune);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: r1
  labels:
    app.kubernetes.io/managed-by: kaito-cli
resource:
  instanceType: Standard_NV36ads_A10_v5
  labelSelector:
    matchLabels:
      app: r1
tuning:
  preset:
    name: phi-3-mini-128k-instruct
  method: qlora
  input:
    urls:
      - https://example.com/d.parquet
  output:
    image: reg.example.com/a:1
    imagePushSecret: p
`);
  });

  it('render deploy -o json prints a List holding the inference Workspace', async () => {
    const r = await kaitoInProcess([...deploy, '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0]).toMatchObject({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'd1' }, resource: { instanceType: 'Standard_NC24ads_A100_v4' }, inference: { preset: { name: 'phi-4-mini-instruct' } } });
  });

  it('--output-dir writes the files (relative to the run\'s directory) and prints nothing to stdout', async () => {
    const cwd = tempDir();
    const r = await kaitoInProcess([...deploy, '--output-dir', 'out'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const files = readdirSync(join(cwd, 'out'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((f) => readFileSync(join(cwd, 'out', f), 'utf8')).join('\n')).toMatch(/name: d1/);
  });

  it('a bad --name: exit 2, the rule, nothing printed', async () => {
    const r = await kaitoInProcess(deploy.map((a) => (a === 'd1' ? 'Bad_Name' : a)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: --name "Bad_Name" must be lower-case letters, digits and "-", starting and ending with a letter or digit (it becomes a DNS-1123 label)\n  fix the flags (or kaito.yaml values) above and run again (nothing was changed)\n');
  });

  it('several problems are listed together under one error', async () => {
    const r = await kaitoInProcess(['render', 'tune', '--preset', 'nope', '--name', 'r1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: 3 problems with the tune flags:
  - --preset nope: no such preset; see \`kaito presets list\`
  - a dataset is required: pass --dataset URL, --dataset-image IMAGE or --dataset-pvc CLAIM
  - an output is required: pass --output-image IMAGE (with --push-secret NAME) or --output-pvc CLAIM
  fix the flags (or kaito.yaml values) above and run again (nothing was changed)
`);
  });

  it('an unknown Kaito version: exit 2', async () => {
    const r = await kaitoInProcess([...deploy, '--kaito-version', '9.9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*9\.9/);
    expect(r.stdout).toBe('');
  });

  it('reads kaito.yaml from the run\'s directory', async () => {
    const cwd = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cwd, 'kaito.yaml'), 'deploy:\n  preset: phi-4-mini-instruct\n  name: fromfile\n  instanceType: Standard_NC24ads_A100_v4\n');
    const r = await kaitoInProcess(['render', 'deploy'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^  name: fromfile$/m);
  });
});
