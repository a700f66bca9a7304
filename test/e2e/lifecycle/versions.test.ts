// The lifecycle on each kind of Kaito cluster (issue 12 "Done when"): tune -> wait -> deploy --from-tuning -> chat,
// or the correct early refusal, through the built bin/kaito; kubectl checks what each cluster shows.
// Rows: docs/kaito-compat.md C (what the CLI refuses), N (provisioning), T (tuning), I (inference), W (chat).
import { describe, expect, it } from 'vitest';
import type { KaitoVersion, NodeProvisioner } from '../../../src/sandbox/context.js';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

interface Case { version: KaitoVersion; provisioner?: NodeProvisioner; tuning: 'runs' | 'refused'; nodeObjects: string }

const CASES: Case[] = [
  { version: '0.6', tuning: 'runs', nodeObjects: 'nodeclaims' },
  { version: '0.10', tuning: 'runs', nodeObjects: 'nodeclaims' },
  { version: '0.12', provisioner: 'azure-gpu-provisioner', tuning: 'runs', nodeObjects: 'nodeclaims' },
  { version: '0.12', provisioner: 'karpenter', tuning: 'runs', nodeObjects: 'nodepools.karpenter.sh' },
  { version: '0.12', provisioner: 'byo', tuning: 'refused', nodeObjects: 'none' },
];

describe.each(CASES)('Kaito $version, $provisioner', (c) => {
  let sb: TestSandbox;
  const kubectl = kubectlFor(() => sb);
  const env = () => sb.cliEnv;

  it('the lifecycle runs, or is refused up front with nothing created', async () => {
    sb = await startTestSandbox({ kaitoVersion: c.version, nodeProvisioner: c.provisioner, speed: 1200 });
    await kubectl('create', 'secret', 'docker-registry', 'push', '--docker-server=registry.kaito-sandbox.test', '--docker-username=u', '--docker-password=p');
    // what kubectl sees of the cluster's Kaito: the CRD and the controller's provisioner
    const dep = JSON.parse(await kubectl('get', 'deployments', '-A', '-l', 'app.kubernetes.io/name=workspace', '-o', 'json'));
    expect(dep.items).toHaveLength(1);
    expect(dep.items[0].spec.template.spec.containers[0].image).toMatch(new RegExp(`:${c.version.replace('.', '\\.')}\\.0$`));
    expect(await kubectl('get', 'workspaces')).toBe('');

    const tune = await kaito(
      ['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'tuned', '--dataset', datasetUrl(sb), '--output-image', 'registry.kaito-sandbox.test/adapters/tuned:1', '--push-secret', 'push',
        ...(c.tuning === 'runs' ? ['--instance-type', 'Standard_NV36ads_A10_v5'] : ['--labels', 'pool=gpu']), '--wait', '--timeout', '10m'],
      { env: env(), timeoutMs: 180_000 },
    );
    if (c.tuning === 'refused') {
      expect(tune.code, tune.stderr).toBe(2);
      expect(tune.stderr).toMatch(/BYO/);
      expect(tune.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
      expect(await kubectl('get', 'workspaces', '-o', 'name')).toBe('');
      return;
    }
    expect(tune.code, tune.stderr).toBe(0);
    expect(tune.stderr).toMatch(/tuning succeeded/);
    // NodeClaims (gpu-provisioner) or a per-workspace Karpenter NodePool carried the node
    const nodeObjs = await kubectl('get', c.nodeObjects, '-o', 'name');
    expect(nodeObjs).toMatch(c.nodeObjects === 'nodeclaims' ? /nodeclaim\.karpenter\.sh\/ws[0-9a-f]{9}/ : /nodepool\.karpenter\.sh\/default-tuned/);

    const deploy = await kaito(['deploy', '--from-tuning', 'tuned', '--name', 'served', '--instance-type', 'Standard_NV36ads_A10_v5', ...(c.version === '0.6' ? ['--runtime', 'transformers'] : []), '--wait', '--timeout', '10m'], { env: env(), timeoutMs: 180_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    const workloads = await kubectl('get', 'deployments,statefulsets', '-n', 'default', '-o', 'name');
    // compat I rows: v0.6 serves from a Deployment, v0.8+ from a StatefulSet
    expect(workloads).toMatch(c.version === '0.6' ? /deployment\.apps\/served/ : /statefulset\.apps\/served/);

    const chat = await kaito(['chat', '--workspace', 'served', '--no-stream', '-o', 'json', 'What is Kaito?'], { env: env(), timeoutMs: 60_000 });
    expect(chat.code, chat.stderr).toBe(0);
    const answer = JSON.parse(chat.stdout);
    expect(answer.content.length).toBeGreaterThan(0);
    expect(answer.content).not.toMatch(/^What is Kaito\?/);

    const table = await kubectl('get', 'workspaces');
    expect(table.split('\n')[0]).toMatch(c.version === '0.6' ? /^NAME\s+INSTANCE\s+RESOURCEREADY\s+INFERENCEREADY\s+JOBSTARTED\s+WORKSPACESUCCEEDED\s+AGE$/ : /STATE\s+AGE$/);

    for (const ws of ['served', 'tuned']) {
      const d = await kaito(['delete', ws, '--wait', '--timeout', '2m'], { env: env(), timeoutMs: 150_000 });
      expect(d.code, d.stderr).toBe(0);
    }
    expect(await kubectl('get', c.nodeObjects, '-o', 'name')).toBe('');
  });
});
