// Inference per Kaito release through the built CLI and the machine's kubectl: Kaito 0.6 runs a Deployment
// and answers the legacy POST /chat (compat I1, I2, I4, I5); Kaito 0.12 runs a StatefulSet and serves the
// model under the name derived from its Hugging Face id (compat I3). Both transports on both.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { kaito } from '../../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';

const KUBECTL = '/usr/bin/kubectl';

function kubectl(sb: TestSandbox, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env: { PATH: process.env.PATH, HOME: sb.home, KUBECONFIG: sb.kubeconfigPath }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Kaito 0.6: a Deployment, legacy /chat, both transports', async () => {
  const sb = await startTestSandbox({ kaitoVersion: '0.6' });
  const env = sb.cliEnv;

  it('deploys phi-3-mini-4k-instruct with transformers as a Deployment and chats without echoing the prompt', async () => {
    const d = await kaito(['deploy', '--preset', 'phi-3-mini-4k-instruct', '--runtime', 'transformers', '--instance-type', 'Standard_NC24ads_A100_v4', '--wait'], { env, timeoutMs: 120_000 });
    expect(d.stderr).not.toMatch(/error/i);
    expect(d.code).toBe(0);
    const ws = 'phi-3-mini-4k-instruct';

    const deploy = await kubectl(sb, ['get', 'deployments', '-n', 'default', '-o', 'name']);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout.split('\n')).toContain(`deployment.apps/${ws}`);
    const sts = await kubectl(sb, ['get', 'statefulsets', '-n', 'default', '-o', 'name']);
    expect(sts.code).toBe(0);
    expect(sts.stdout.trim()).toBe('');
    const pods = await kubectl(sb, ['get', 'pods', '-n', 'default', '-l', `kaito.sh/workspace=${ws}`, '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(pods.stdout).toMatch(new RegExp(`^${ws}-[a-z0-9]{10}-[a-z0-9]{5}$`));
    const headless = await kubectl(sb, ['get', 'service', `${ws}-headless`, '-n', 'default']);
    expect(headless.code).not.toBe(0);

    for (const via of ['service-proxy', 'port-forward']) {
      const r = await kaito(['chat', '--via', via, '-o', 'json', 'hi'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.model).toBe(ws);
      expect(doc.content).toMatch(/^\[emulated\]/);
      expect(doc.content.startsWith('hi')).toBe(false);
    }
    const chats = sb.ctx.requestLog.filter((e) => e.api === 'inference' && e.path === '/chat');
    expect(chats.map((e) => e.status)).toEqual([200, 200]);
  }, 180_000);
});

describe('Kaito 0.12: a StatefulSet, the HF-derived model name, both transports', async () => {
  const sb = await startTestSandbox({ kaitoVersion: '0.12' });
  const env = sb.cliEnv;

  it('mistral-7b is served as mistral-7b-v0.3 and chat -o json says so', async () => {
    const d = await kaito(['deploy', '--preset', 'mistral-7b', '--instance-type', 'Standard_NC24ads_A100_v4', '--wait'], { env, timeoutMs: 120_000 });
    expect(d.code).toBe(0);
    const sts = await kubectl(sb, ['get', 'statefulsets', '-n', 'default', '-o', 'name']);
    expect(sts.stdout.split('\n')).toContain('statefulset.apps/mistral-7b');
    const deploys = await kubectl(sb, ['get', 'deployments', '-n', 'default', '-o', 'name']);
    expect(deploys.stdout).not.toContain('deployment.apps/mistral-7b');
    for (const via of ['service-proxy', 'port-forward']) {
      const r = await kaito(['chat', '--via', via, '-o', 'json', 'hi'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ model: 'mistral-7b-v0.3', content: expect.stringMatching(/^\[emulated\]/) });
    }
  }, 180_000);
});
