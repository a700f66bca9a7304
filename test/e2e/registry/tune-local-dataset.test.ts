// `kaito tune --dataset ./file` on the sandbox cluster: the file is validated and pushed to the REAL docker-registry
// as a data image (<output repository>-data:<12 hex of its sha256>, or --dataset-image), the Workspace names it in
// tuning.input.image (+ imagePullSecrets: the push Secret, same registry), and skopeo pulls it like Kaito's puller.
// `render tune` with a local file prints what it would push and pushes nothing.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../../src/paths.js';
import { kaito } from '../../support/cli.js';
import { pullData, startRegistry, type RealRegistry } from '../../support/registry.js';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.js';
import { kubectlFor } from '../lifecycle/helpers.js';

const SAMPLE = join(datasetsDir(), 'kaito-ops-messages.jsonl');
const HEX12 = createHash('sha256').update(readFileSync(SAMPLE)).digest('hex').slice(0, 12);
const PASSWORD = 'tune-Pa55-for-tests';
const PRESET = ['--preset', 'phi-3-mini-128k-instruct', '--instance-type', 'Standard_NV36ads_A10_v5'];
let sb: TestSandbox;
let reg: RealRegistry;
const kubectl = kubectlFor(() => sb);
const work = mkdtempSync(join(tmpdir(), 'kaito-tune-local-'));

beforeAll(async () => {
  [sb, reg] = await Promise.all([startTestSandbox(), startRegistry({ users: { carol: PASSWORD } })]);
}, 60_000);
afterAll(async () => {
  await reg?.stop();
});

function tags(repo: string): string[] {
  const r = spawnSync('curl', ['-s', '-u', `carol:${PASSWORD}`, `http://${reg.host}/v2/${repo}/tags/list`], { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { tags?: string[] | null }).tags ?? [];
}

describe('kaito tune --dataset ./local-file', () => {
  it('render tune: prints what it would push and the manifests; pushes nothing', async () => {
    const r = await kaito(['render', 'tune', ...PRESET, '--dataset', SAMPLE, '--output-image', `${reg.host}/adapters/phi3:v1`, '--push-secret', 'reg-push', '-o', 'json'], { env: sb.cliEnv });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`would validate ${SAMPLE} and push it as ${reg.host}/adapters/phi3-data:${HEX12}`);
    const ws = (JSON.parse(r.stdout).items as Array<{ kind: string; tuning?: { input: unknown } }>).find((o) => o.kind === 'Workspace')!;
    expect(ws.tuning!.input).toEqual({ image: `${reg.host}/adapters/phi3-data:${HEX12}`, imagePullSecrets: ['reg-push'] });
    expect(tags('adapters/phi3-data')).toEqual([]);
  });

  it('tune pushes the file, then applies a Workspace whose tuning.input.image is the data image (kubectl sees it)', async () => {
    const r = await kaito(['tune', ...PRESET, '--name', 'local-data', '--dataset', SAMPLE, '--output-image', `${reg.host}/adapters/phi3:v1`, '--registry-username', 'carol', '--registry-password-stdin'], { env: sb.cliEnv, input: PASSWORD });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    const image = `${reg.host}/adapters/phi3-data:${HEX12}`;
    expect(r.stderr).toMatch(new RegExp(`pushed ${SAMPLE.replace(/\./g, '\\.')} as ${image.replace(/\./g, '\\.')} \\(sha256:[a-f0-9]{64}\\)`));
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(tags('adapters/phi3-data')).toEqual([HEX12]);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'local-data', '-n', 'default', '-o', 'json'));
    expect(ws.tuning.input).toEqual({ image, imagePullSecrets: ['local-data-push'] });
    const secret = JSON.parse(await kubectl('get', 'secret', 'local-data-push', '-n', 'default', '-o', 'json'));
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    // what Kaito's puller would find in /data
    const data = pullData(image, [`--src-creds=carol:${PASSWORD}`]);
    expect(readFileSync(join(data, 'kaito-ops-messages.jsonl')).equals(readFileSync(SAMPLE))).toBe(true);
  });

  it('--dataset-image names the push target', async () => {
    const r = await kaito(['tune', ...PRESET, '--name', 'local-data-2', '--dataset', SAMPLE, '--dataset-image', `${reg.host}/data/ops:v7`, '--output-image', `${reg.host}/adapters/phi3:v2`, '--registry-username', 'carol', '--registry-password-stdin'], { env: sb.cliEnv, input: PASSWORD });
    expect(r.code).toBe(0);
    expect(tags('data/ops')).toEqual(['v7']);
    const ws = JSON.parse(await kubectl('get', 'workspace', 'local-data-2', '-n', 'default', '-o', 'json'));
    expect(ws.tuning.input.image).toBe(`${reg.host}/data/ops:v7`);
  });

  it('bad local files and missing targets: exit 2, nothing pushed, nothing applied', async () => {
    const bad = join(work, 'bad.jsonl');
    writeFileSync(bad, 'not json at all\n');
    const cases: Array<[string[], RegExp]> = [
      [['--dataset', join(work, 'missing.jsonl'), '--output-image', `${reg.host}/adapters/x:v1`, '--push-secret', 's'], /--dataset .*missing\.jsonl does not exist/],
      [['--dataset', work, '--output-image', `${reg.host}/adapters/x:v1`, '--push-secret', 's'], /is a directory/],
      [['--dataset', SAMPLE, '--output-pvc', 'adapters'], /there is nowhere to push it/],
      [['--dataset', bad, '--output-image', `${reg.host}/adapters/bad:v1`, '--registry-username', 'carol', '--registry-password-stdin'], /bad\.jsonl: /],
    ];
    for (const [args, msg] of cases) {
      const r = await kaito(['tune', ...PRESET, '--name', 'local-bad', ...args], { env: sb.cliEnv, input: PASSWORD });
      expect(r.stderr).toMatch(msg);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    expect(tags('adapters/bad-data')).toEqual([]);
    await expect(kubectl('get', 'workspace', 'local-bad', '-n', 'default')).rejects.toThrow(/NotFound|not found/);
    await expect(kubectl('get', 'secret', 'local-bad-push', '-n', 'default')).rejects.toThrow(/NotFound|not found/);
  });
});
