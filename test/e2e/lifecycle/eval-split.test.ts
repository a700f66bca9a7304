// Issue 19 items 1 and 3: --eval-split (ConfigMap, trainer eval lines, logs --progress, status, tune --wait,
// overfitting) and tune --wait --delete-after [--logs-dir] against the sandbox (Kaito 0.12, NAP).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
const tuneArgs = (name: string, extra: string[] = []) => [
  'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', name, '--dataset', datasetUrl(sb),
  '--output-image', `registry.kaito-sandbox.test/adapters/${name}:1`, '--push-secret', 'push', '--instance-type', 'Standard_NC24ads_A100_v4', ...extra,
];
const workspaces = async () => JSON.parse(await kubectl('get', 'workspaces', '-o', 'json')).items.map((w: { metadata: { name: string } }) => w.metadata.name);
const tmp = () => mkdtempSync(join(tmpdir(), 'kaito-eval-'));

describe('--eval-split and --delete-after (Kaito 0.12, NAP)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600 });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
  });

  it('render tune --eval-split writes the split and an evaluation strategy into the ConfigMap', async () => {
    const r = await kaito(['render', ...tuneArgs('r1', ['--eval-split', '0.1'])], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/train_test_split: 0\.9\b/);
    expect(r.stdout).toMatch(/eval_strategy: steps/);
    expect(r.stdout).toMatch(/eval_steps: 0\.1\b/);
    const plain = await kaito(['render', ...tuneArgs('r1')], { env: sb.cliEnv });
    expect(plain.stdout).not.toMatch(/eval_strategy/);
  });

  it.each([['0.5'], ['0'], ['0.9'], ['abc'], ['-0.1']])('--eval-split %s is refused: exit 2, nothing created', async (v) => {
    const r = await kaito([...tuneArgs('bad1', ['--eval-split', v])], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--eval-split must be a fraction greater than 0 and less than 0.5 (e.g. 0.1 holds out 10 % of the dataset for evaluation) (got "${v}")`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await workspaces()).not.toContain('bad1');
  });

  it('kaito.yaml tune.evalSplit out of range is refused naming the key; a good one is used', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'kaito.yaml'), 'tune:\n  evalSplit: 0.7\n');
    const bad = await kaito(['render', ...tuneArgs('r2')], { env: sb.cliEnv, cwd: dir });
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/kaito\.yaml:2: "tune\.evalSplit" must be a fraction greater than 0 and less than 0\.5/);
    writeFileSync(join(dir, 'kaito.yaml'), 'tune:\n  evalSplit: 0.2\n');
    const good = await kaito(['render', ...tuneArgs('r2')], { env: sb.cliEnv, cwd: dir });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/train_test_split: 0\.8\b/);
  });

  it('tune --eval-split --wait ends with the final train and eval loss; a short run does not overfit', async () => {
    const r = await kaito([...tuneArgs('ev1', ['--eval-split', '0.1', '--epochs', '1', '--wait', '-o', 'json'])], { env: sb.cliEnv, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ev1: final train loss \d+(\.\d+)?, eval loss \d+(\.\d+)?/);
    expect(r.stderr).not.toMatch(/overfitting/);
    const doc = JSON.parse(r.stdout);
    expect(doc.wait.phase).toBe('succeeded');
    expect(doc.result).toMatchObject({ overfitting: false });
    expect(doc.result.trainLoss).toBeGreaterThan(0);
    expect(doc.result.evalLoss).toBeGreaterThan(0);
    // the ConfigMap the trainer read (kubectl, independent of the CLI)
    const cms = JSON.parse(await kubectl('get', 'configmaps', '-l', 'kaito.sh/workspace=ev1', '-o', 'json')).items;
    expect(cms[0].data['training_config.yaml']).toMatch(/train_test_split: 0\.9/);
  });

  it('the trainer log carries HF Trainer evaluation lines; logs --progress shows eval loss beside train loss', async () => {
    const raw = await kaito(['logs', 'ev1'], { env: sb.cliEnv });
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toMatch(/\{'eval_loss': [\d.]+, 'eval_runtime': [\d.]+, 'eval_samples_per_second': [\d.]+, 'eval_steps_per_second': [\d.]+, 'epoch': [\d.]+\}/);
    expect(raw.stdout).toMatch(/\*\*\*\*\* Running Evaluation \*\*\*\*\*/);
    const p = await kaito(['logs', 'ev1', '--progress'], { env: sb.cliEnv });
    expect(p.code, p.stderr).toBe(0);
    const last = p.stdout.trim().split('\n').pop() ?? '';
    expect(last).toMatch(/loss [\d.]+ [▁-█]+ · eval loss [\d.]+ [▁-█]+ · done \(train loss [\d.]+, eval loss [\d.]+\)/);
    expect(last).not.toMatch(/evaluating/);
  });

  it('status shows the result; -o json carries the eval losses', async () => {
    const s = await kaito(['status', 'ev1'], { env: sb.cliEnv });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Result:\s+final train loss [\d.]+, eval loss [\d.]+/);
    expect(s.stderr).not.toMatch(/overfitting/);
    const j = JSON.parse((await kaito(['status', 'ev1', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(j.progress).toMatchObject({ done: true, overfitting: false });
    expect(j.progress.evalLosses.length).toBeGreaterThanOrEqual(5);
    expect(j.progress.evalLoss).toBe(j.progress.evalLosses.at(-1));
  });

  it('a long run overfits: tune --wait and status warn with the fix', async () => {
    const r = await kaito([...tuneArgs('ev5', ['--eval-split', '0.1', '--epochs', '6', '--wait'])], { env: sb.cliEnv, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: overfitting: eval loss rose from [\d.]+ \(epoch [\d.]+\) to [\d.]+ while train loss fell from [\d.]+ to [\d.]+: train for about \d+ epoch\(s\) \(--epochs\), or on more data/);
    const s = await kaito(['status', 'ev5'], { env: sb.cliEnv });
    expect(s.stderr).toMatch(/overfitting: eval loss rose/);
    const j = JSON.parse((await kaito(['status', 'ev5', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(j.progress.overfitting).toBe(true);
  });

  it('--delete-after and --logs-dir misuse is exit 2 and submits nothing', async () => {
    const noWait = await kaito([...tuneArgs('da0', ['--delete-after'])], { env: sb.cliEnv });
    expect(noWait.code).toBe(2);
    expect(noWait.stderr).toMatch(/--delete-after needs --wait/);
    const noDelete = await kaito([...tuneArgs('da0', ['--wait', '--logs-dir', tmp()])], { env: sb.cliEnv });
    expect(noDelete.code).toBe(2);
    expect(noDelete.stderr).toMatch(/--logs-dir only applies with --delete-after/);
    const file = join(tmp(), 'a-file');
    writeFileSync(file, 'x');
    const isFile = await kaito([...tuneArgs('da0', ['--wait', '--delete-after', '--logs-dir', file])], { env: sb.cliEnv });
    expect(isFile.code).toBe(2);
    expect(isFile.stderr).toContain(`--logs-dir ${file} is a file, not a folder`);
    expect(await workspaces()).not.toContain('da0');
  });

  it('tune --wait --delete-after saves log, status and adapter reference, then deletes the workspace', async () => {
    const dir = join(tmp(), 'run');
    const r = await kaito([...tuneArgs('da1', ['--eval-split', '0.1', '--epochs', '1', '--wait', '--delete-after', '--logs-dir', dir, '-o', 'json'])], { env: sb.cliEnv, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/✓ saved training\.log, .*status\.json, adapter\.json to /);
    expect(r.stderr).toMatch(/adapter: registry\.kaito-sandbox\.test\/adapters\/da1:1@sha256:[0-9a-f]{64} \(the image stays in the registry\)/);
    expect(r.stderr).toMatch(/✓ workspace\/da1 deleted/);
    const doc = JSON.parse(r.stdout);
    expect(doc.saved).toMatchObject({ dir, deleted: true, adapter: { image: 'registry.kaito-sandbox.test/adapters/da1:1' } });
    const log = readFileSync(join(dir, 'training.log'), 'utf8');
    expect(log).toMatch(/'eval_loss'/);
    expect(log).toMatch(/'train_loss'/);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['training.log', 'status.json', 'adapter.json', 'pusher.log', 'model-weights-downloader.log', 'data-downloader.log']));
    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
    expect(status).toMatchObject({ name: 'da1', state: 'Succeeded', result: { overfitting: false } });
    expect(JSON.parse(readFileSync(join(dir, 'adapter.json'), 'utf8'))).toMatchObject({ workspace: 'da1', image: 'registry.kaito-sandbox.test/adapters/da1:1', digest: expect.stringMatching(/^sha256:/) });
    await expect(kubectl('get', 'workspace', 'da1')).rejects.toThrow(/NotFound|not found/);
    expect(await kubectl('get', 'jobs', '-l', 'kaito.sh/workspace=da1', '-o', 'name')).toBe('');
  });

  it('kaito.yaml tune.deleteAfter makes it the default (default folder ./kaito-runs/<ws>-<time>/); --no-delete-after keeps it', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'kaito.yaml'), 'tune:\n  deleteAfter: true\n');
    const keep = await kaito([...tuneArgs('da2', ['--epochs', '1', '--wait', '--no-delete-after'])], { env: sb.cliEnv, cwd, timeoutMs: 240_000 });
    expect(keep.code, keep.stderr).toBe(0);
    expect(existsSync(join(cwd, 'kaito-runs'))).toBe(false);
    expect(await workspaces()).toContain('da2');
    const r = await kaito([...tuneArgs('da3', ['--epochs', '1', '--wait'])], { env: sb.cliEnv, cwd, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    const runs = readdirSync(join(cwd, 'kaito-runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^da3-\d{8}-\d{6}$/);
    expect(readdirSync(join(cwd, 'kaito-runs', runs[0]))).toContain('training.log');
    await expect(kubectl('get', 'workspace', 'da3')).rejects.toThrow(/NotFound|not found/);
  });
});
