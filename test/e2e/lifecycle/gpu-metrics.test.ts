// Issue 19 item 4: live GPU use of a running tuning job. The sandbox's tuning pod serves Kaito's metrics server shape
// on port 5000, reached through the API server's pod proxy (checked with kubectl get --raw as an independent client);
// `kaito status` and `kaito logs --progress` show it, and status warns on low load (fault gpu-load=12).
import { beforeAll, describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { datasetUrl, kubectlFor } from './helpers.js';

let sb: TestSandbox;
const kubectl = kubectlFor(() => sb);
let pod = '';

describe('GPU metrics of a running tuning job (Kaito 0.12)', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ speed: 600, faults: ['gpu-load=12'] });
    const t = await kaito(['tune', '--preset', 'phi-3-mini-128k-instruct', '--name', 'gm1', '--dataset', datasetUrl(sb), '--epochs', '400',
      '--output-pvc', 'adapters', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
    expect(t.code, t.stderr).toBe(0);
    // bounded: until the trainer container runs
    for (let i = 0; i < 120 && !pod; i++) {
      const pods = JSON.parse(await kubectl('get', 'pods', '-l', 'kaito.sh/workspace=gm1', '-o', 'json')).items;
      const running = pods.find((p: { status?: { containerStatuses?: Array<{ name: string; state?: { running?: object } }> } }) => p.status?.containerStatuses?.find((c) => c.name === 'gm1')?.state?.running);
      if (running) pod = running.metadata.name;
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect(pod, 'the trainer of gm1 runs').not.toBe('');
  }, 120_000);

  it('the pod proxy serves Kaito\'s /metrics shape on port 5000, and nothing on other ports or paths', async () => {
    const doc = JSON.parse(await kubectl('get', '--raw', `/api/v1/namespaces/default/pods/${pod}:5000/proxy/metrics`));
    expect(doc.cpu_info).toBeNull();
    expect(doc.gpu_info).toEqual([{ id: '0', name: 'NVIDIA A100 80GB PCIe', load: '12.00%', temperature: expect.stringMatching(/^\d+\.0 C$/), memory: { used: '0.00 GB', total: '0.00 GB' } }]);
    await expect(kubectl('get', '--raw', `/api/v1/namespaces/default/pods/${pod}:5001/proxy/metrics`)).rejects.toThrow(/connection refused|ServiceUnavailable|503/);
    await expect(kubectl('get', '--raw', `/api/v1/namespaces/default/pods/${pod}:5000/proxy/other`)).rejects.toThrow(/NotFound|404|not found/i);
  });

  it('status shows per-GPU load, temperature and memory, and warns on low load', async () => {
    const s = await kaito(['status', 'gm1'], { env: sb.cliEnv });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/GPUs:\s+GPU0 12% \d+C mem n\/a \(memory: Kaito's metrics server reports none\)/);
    expect(s.stderr).toMatch(/warning: GPU load below 30% right now \(GPU0\): the job is likely data-bound and pays for an idle GPU; raise --batch-size, or use a smaller --instance-type/);
    const j = JSON.parse((await kaito(['status', 'gm1', '-o', 'json'], { env: sb.cliEnv })).stdout);
    expect(j.gpus).toEqual([{ id: '0', name: 'NVIDIA A100 80GB PCIe', load: 12, temperature: expect.any(Number) }]);
  });

  it('logs --progress shows the GPU beside the training progress', async () => {
    const r = await kaito(['logs', 'gm1', '--progress'], { env: sb.cliEnv });
    expect(r.code, r.stderr).toBe(0);
    // the trainer may still be preparing the dataset (no step yet) or already stepping: either way the GPU is beside it
    expect(r.stdout.trim().split('\n').pop()).toMatch(/(step \d+\/\d+ .*|preparing: .*) · GPU0 12% \d+C mem n\/a$/);
  });

  it('a deleted job: status fails and shows no GPU line', async () => {
    const d = await kaito(['delete', 'gm1', '--wait', '--timeout', '60s'], { env: sb.cliEnv, timeoutMs: 90_000 });
    expect(d.code, d.stderr).toBe(0);
    const s = await kaito(['status', 'gm1'], { env: sb.cliEnv });
    expect(s.code).not.toBe(0);
    expect(s.stdout).not.toMatch(/GPUs:/);
  });
});
