// compat R6: `kaito tune` and `kaito deploy` apply the catalog rules of the Kaito release the cluster runs (read from
// the controller Deployment's image tag), not the default release: a preset, runtime or tuning SKU that release lacks
// is refused with exit 2 before anything is created. kubectl checks that nothing was created.
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlApply, kubectlFor } from './helpers.js';

describe('Kaito 0.6 cluster: the 0.6 catalog', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.6' });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
  });

  it('deploy --preset gemma-3-4b-instruct is refused: the preset arrived in 0.10', async () => {
    const r = await kaito(['deploy', '--preset', 'gemma-3-4b-instruct', '--name', 'g', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--preset gemma-3-4b-instruct does not exist in Kaito 0\.6 \(it is in Kaito 0\.10, 0\.11, 0\.12\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
  });

  it('deploy --preset phi-4-mini-instruct --runtime transformers is accepted there (server dry run)', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'p', '--instance-type', 'Standard_NC24ads_A100_v4', '--runtime', 'transformers', '--dry-run=server'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
  });

  it('tune on a T4 size, which Kaito 0.12 has no GPU entry for, runs on 0.6 (it falls back to the node GPU count)', async () => {
    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 't', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/a/t:1', '--push-secret', 'push', '--instance-type', 'Standard_NC4as_T4_v3', '--dry-run=server', '--skip-dataset-check'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    // the same flags rendered for the default release (0.12) are refused: the detection is what lets them through
    const rendered = await kaito(['render', 'tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 't', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/a/t:1', '--push-secret', 'push', '--instance-type', 'Standard_NC4as_T4_v3']);
    expect(rendered.code).toBe(2);
    expect(rendered.stderr).toMatch(/Kaito 0\.12/);
  });

  it('compat R9: a model access secret for a preset whose weights ship in the image is refused on 0.6, by kaito and by the webhook', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'sec', '--instance-type', 'Standard_NC24ads_A100_v4', '--model-access-secret', 'hf'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--model-access-secret: Kaito 0\.6 rejects a model access secret for phi-4-mini-instruct/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
    const rendered = await kaito(['render', 'deploy', '--preset', 'phi-4-mini-instruct', '--name', 'sec', '--instance-type', 'Standard_NC24ads_A100_v4', '--model-access-secret', 'hf', '--kaito-version', '0.12']);
    expect(rendered.code, rendered.stderr).toBe(0); // 0.11+ accepts it
    const applied = await kubectlApply(kubectl, rendered.stdout);
    expect(applied).toMatch(/This preset does not require a modelAccessSecret with HF_TOKEN key under presetOptions/);
  });

  it('compat R7: a dataset on a private address is accepted before 0.12 (an in-cluster file server)', async () => {
    const r = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'priv', '--dataset', 'http://10.0.0.5/data/train.jsonl', '--output-image', 'registry.kaito-sandbox.test/a/p:1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check', '--dry-run=server'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const local = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'priv', '--dataset', 'http://localhost:8080/train.jsonl', '--output-image', 'registry.kaito-sandbox.test/a/p:1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check'], { env: sb.cliEnv });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/points at localhost \(localhost\), which is the tuning pod itself/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
  });
});

describe('Kaito 0.12 cluster: its webhook refuses private dataset addresses', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.12' });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
  });

  it('compat R7: kaito refuses up front (exit 2), and the webhook refuses the same Workspace from kubectl', async () => {
    const args = ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'priv', '--dataset', 'http://10.0.0.5/data/train.jsonl', '--output-image', 'registry.kaito-sandbox.test/a/p:1', '--push-secret', 'push', '--instance-type', 'Standard_NV36ads_A10_v5', '--skip-dataset-check'];
    const r = await kaito(args, { env: sb.cliEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dataset http:\/\/10\.0\.0\.5\/data\/train\.jsonl points at a private address \(10\.0\.0\.5\), which Kaito 0\.12's webhook refuses/);
    expect(await kubectl('get', 'workspaces,configmaps', '-l', 'kaito.sh/workspace=priv', '-o', 'name')).toBe('');
    const rendered = await kaito(['render', ...args.slice(0, -1), '--kaito-version', '0.10']);
    expect(rendered.code, rendered.stderr).toBe(0);
    const ws = rendered.stdout.split(/^---$/m).find((d) => /kind: Workspace/.test(d))!;
    const applied = await kubectlApply(kubectl, ws);
    expect(applied).toMatch(/data source URL must not target a loopback, private, or link-local address/);
  });
});

describe('Kaito 0.11 cluster: the 0.11 catalog', () => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  beforeAll(async () => {
    sb = await startTestSandbox({ kaitoVersion: '0.11' });
  });

  it('deploy phi-4-mini-instruct --runtime transformers is refused: 0.11 dropped its transformers runtime', async () => {
    const r = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'p', '--instance-type', 'Standard_NC24ads_A100_v4', '--runtime', 'transformers'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--runtime transformers is not available for phi-4-mini-instruct on Kaito 0\.11/);
    expect(r.stderr).toMatch(/use --runtime vllm/);
    expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
  });

  it('tune --preset mistral-7b is refused: its tuning broke in 0.11', async () => {
    const r = await kaito(['tune', '--preset', 'mistral-7b', '--name', 'm', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/a/m:1', '--push-secret', 'push', '--instance-type', 'Standard_NC24ads_A100_v4', '--skip-dataset-check'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--preset mistral-7b cannot be tuned on Kaito 0\.11/);
    expect(await kubectl('get', 'workspaces,configmaps', '-l', 'kaito.sh/workspace=m', '-o', 'name')).toBe('');
  });
});
