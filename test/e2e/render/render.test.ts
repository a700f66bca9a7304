// kaito render through the built binary: exit codes, stderr lines, determinism, --output-dir.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';

const tune = ['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--dataset', 'https://example.com/d.parquet', '--output-image', 'myacr.azurecr.io/out:1', '--push-secret', 'acr-push', '--instance-type', 'Standard_NV36ads_A10_v5'];
const tmp = mkdtempSync(join(tmpdir(), 'kaito-render-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('kaito render', () => {
  it('render tune prints a Workspace (and the ConfigMap with training flags), the same bytes twice', async () => {
    const args = [...tune, '--epochs', '2', '--lora-r', '16'];
    const a = await kaito(args, { cwd: tmp });
    const b = await kaito(args, { cwd: tmp });
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^apiVersion: v1\nkind: ConfigMap\n/);
    expect(a.stdout).toContain('---\napiVersion: kaito.sh/v1beta1\nkind: Workspace\n');
    expect(a.stdout).toContain('config: phi-3-mini-128k-instruct-qlora-tuning');
    expect(a.stdout).toContain('num_train_epochs: 2');
  });

  it('-o json prints a List; -o name prints names', async () => {
    const j = await kaito([...tune, '-o', 'json'], { cwd: tmp });
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.kind).toBe('List');
    expect(doc.items[0].tuning.output).toEqual({ image: 'myacr.azurecr.io/out:1', imagePushSecret: 'acr-push' });
    const n = await kaito([...tune, '-o', 'name'], { cwd: tmp });
    expect(n.stdout).toBe('workspace.kaito.sh/phi-3-mini-128k-instruct-qlora\n');
  });

  it('--output-dir writes one file per object', async () => {
    const dir = join(tmp, 'out');
    const r = await kaito([...tune, '--max-steps', '10', '--output-dir', dir], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const files = readdirSync(dir).sort(); // compat R20: the training ConfigMap is content-named <ws>-tuning-<hash8>
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^configmap-phi-3-mini-128k-instruct-qlora-tuning-[0-9a-f]{8}\.yaml$/);
    expect(files[1]).toBe('workspace-phi-3-mini-128k-instruct-qlora.yaml');
    expect(readFileSync(join(dir, 'workspace-phi-3-mini-128k-instruct-qlora.yaml'), 'utf8')).toMatch(/^apiVersion: kaito.sh\/v1beta1\nkind: Workspace/);
  });

  it('invalid input: exit 2, every problem on its own line, nothing on stdout, no stack', async () => {
    const r = await kaito(['render', 'tune', '--preset', 'mistral-7b', '--dataset', 'http://169.254.169.254/latest', '--output-image', 'myacr.azurecr.io/out:1', '--labels', 'kaito.sh/workspace=y'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: \d+ problems with the tune flags:/m);
    expect(r.stderr).toMatch(/^  - --preset mistral-7b cannot be tuned/m);
    expect(r.stderr).toMatch(/^  - --dataset http:\/\/169.254.169.254\/latest points at a cloud metadata service/m);
    expect(r.stderr).toMatch(/^  - --output-image needs a push secret/m);
    expect(r.stderr).toMatch(/^  - --labels: label key "kaito.sh\/workspace" is reserved/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a predicted GPU misfit is refused, and --force renders with a warning', async () => {
    const args = ['render', 'tune', '--preset', 'qwen2.5-coder-32b-instruct', '--method', 'lora', '--dataset', 'https://e.com/d.jsonl', '--output-pvc', 'out', '--instance-type', 'Standard_NV36ads_A10_v5'];
    const r = await kaito(args, { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/predicted not to fit Standard_NV36ads_A10_v5/);
    const f = await kaito([...args, '--force'], { cwd: tmp });
    expect(f.code).toBe(0);
    expect(f.stderr).toMatch(/warning: .*--force: rendering anyway/);
  });

  it('render deploy: gated preset needs a secret; adapters, runtime and load balancer render', async () => {
    const gated = await kaito(['render', 'deploy', '--preset', 'llama-3.1-8b-instruct'], { cwd: tmp });
    expect(gated.code).toBe(2);
    expect(gated.stderr).toMatch(/gated on Hugging Face: pass --model-access-secret NAME/);
    const r = await kaito(['render', 'deploy', '--preset', 'llama-3.1-8b-instruct', '--model-access-secret', 'hf', '--runtime', 'transformers', '--load-balancer', '--adapter', 'a=myacr.azurecr.io/a:1,strength=0.5', '--api-version', 'kaito.sh/v1alpha1'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('apiVersion: kaito.sh/v1alpha1');
    expect(r.stdout).toContain('kaito.sh/runtime: transformers');
    expect(r.stdout).toContain('kaito.sh/enablelb: "True"');
    expect(r.stdout).toContain('modelAccessSecret: hf');
    expect(r.stdout).toContain('strength: "0.5"');
  });

  it('--hf-token-stdin references the Secret by name and never reads or prints the token', async () => {
    const r = await kaito(['render', 'deploy', '--preset', 'gemma-3-4b-instruct', '--hf-token-stdin'], { cwd: tmp, input: 'hf_supersecrettoken\n' });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('hf_supersecrettoken');
    expect(r.stdout).toContain('modelAccessSecret: gemma-3-4b-instruct-hf-token');
  });

  it('kaito.yaml provides defaults that flags override', async () => {
    const dir = mkdtempSync(join(tmp, 'proj-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'kaito.yaml'), 'tune:\n  preset: phi-4-mini-instruct\n  method: lora\n  dataset: [https://e.com/d.parquet]\n  outputPvc: adapters\n  instanceType: Standard_NC24ads_A100_v4\n');
    const r = await kaito(['render', 'tune', '--name', 'mine'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: mine');
    expect(r.stdout).toContain('method: lora');
    expect(r.stdout).toContain('claimName: adapters');
  });
});
