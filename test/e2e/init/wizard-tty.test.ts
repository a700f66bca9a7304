// `kaito init` in a real terminal (tmux): arrow keys, typed answers, a refused answer re-asked with the
// validator's message, and a kaito.yaml the loader accepts. No network: the kubeconfig points at a closed
// port (the Secret lookup fails fast and the name is typed), Azure has no credential (names are flags).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../../src/config/project.js';
import { KAITO_BIN } from '../../support/cli.js';
import { TmuxSession } from './tmux.js';

const SUB = '11111111-2222-3333-4444-555555555555';
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: aks-gpu
  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}
- name: kind
  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: not-a-real-token}
contexts:
- name: kind-local
  context: {cluster: kind, user: u}
- name: aks-gpu
  context: {cluster: aks-gpu, user: u, namespace: ml}
current-context: kind-local
`;

let session: TmuxSession | undefined;
let dir: string | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A project folder with an isolated HOME and the kubeconfig; `files` are written before kaito starts. */
function start(args: string, files: Record<string, string> = {}): TmuxSession {
  dir = mkdtempSync(join(tmpdir(), 'kaito-tty-'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG, { mode: 0o600 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const env = `env -i PATH='${process.env.PATH}' HOME='${dir}/home' TERM=xterm-256color KAITO_AZURE_AUTH=env`;
  // the trailing echo leaves the exit code on the screen
  return (session = new TmuxSession(`cd '${dir}' && ${env} '${process.execPath}' '${KAITO_BIN}' init --kubeconfig '${dir}/kubeconfig' ${args}; echo "EXIT=$?"`));
}

describe('kaito init in a terminal', () => {
  it('walks through the questions and writes a valid kaito.yaml', async () => {
    const t = start(`--subscription ${SUB} --resource-group rg-ml --cluster aks-gpu --skip-dataset-check`);
    // the context named after the AKS cluster is preselected
    await t.waitFor(/\? Kube context \(from .*kubeconfig\)[\s\S]*❯ aks-gpu/);
    expect(t.screen()).toMatch(/Azure is not reachable/);
    t.send('Enter');
    await t.waitFor(/\? Namespace for the workspaces \(ml\)/);
    t.type('tuning');
    t.send('Enter');
    await t.waitFor(/\? Model preset to tune[\s\S]*❯ phi-3-mini-128k-instruct\s+3\.8B\s+7\.1 GiB\s+qlora ~[\d.]+ GiB, fits A10 24 GiB/);
    t.send('Enter');
    await t.waitFor(/\? Tuning method[\s\S]*❯ qlora/);
    t.send('Down', 'Enter'); // lora
    await t.waitFor(/\? Dataset URL/);
    t.type('ftp://example.com/d.parquet');
    t.send('Enter');
    await t.waitFor(/> uses ftp: only http and https are allowed/);
    for (let i = 0; i < 'ftp://example.com/d.parquet'.length; i++) t.send('BSpace');
    t.type('https://example.com/data/train.parquet');
    t.send('Enter');
    await t.waitFor(/\? Image to push the adapter to/);
    t.type('myacr.azurecr.io/adapters/phi3:v1');
    t.send('Enter');
    // the cluster cannot be reached: the Secret name is typed, with a default derived from the registry
    await t.waitFor(/\? Name of the docker-registry Secret that can push the image \(myacr-push\)/);
    t.send('Enter');
    await t.waitFor(/\? Where should the tuning job run\?[\s\S]*❯ a GPU node Kaito creates/);
    t.send('Enter');
    await t.waitFor(/\? GPU VM size[\s\S]*❯ Standard_NV36ads_A10_v5\s+1x A10 24 GiB\s+fits\s+recommended/);
    t.send('Down', 'Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/✔ GPU VM size Standard_NV72ads_A10_v5/);
    expect(done).toMatch(/✓ wrote kaito\.yaml/);
    expect(done).toMatch(/Next steps:[\s\S]*kaito doctor[\s\S]*kaito tune --wait[\s\S]*kaito deploy --from-tuning phi-3-mini-128k-instruct-lora --wait/);
    expect(done).toMatch(/EXIT=0/);
    const config = parseProjectConfig(readFileSync(join(dir!, 'kaito.yaml'), 'utf8'));
    expect(config).toEqual({
      cluster: { subscription: SUB, resourceGroup: 'rg-ml', name: 'aks-gpu', kubeContext: 'aks-gpu', namespace: 'tuning' },
      tune: {
        preset: 'phi-3-mini-128k-instruct',
        method: 'lora',
        dataset: ['https://example.com/data/train.parquet'],
        outputImage: 'myacr.azurecr.io/adapters/phi3:v1',
        pushSecret: 'myacr-push',
        instanceType: 'Standard_NV72ads_A10_v5',
      },
    });
  });

  it('asks before overwriting an existing kaito.yaml; answering no keeps it', async () => {
    const t = start(`--subscription ${SUB}`, { 'kaito.yaml': 'workspace: keep-me\n' });
    await t.waitFor(/\? kaito\.yaml already exists\. Overwrite it\? \(y\/N\)/);
    t.send('Enter');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/kept kaito\.yaml; nothing was changed/);
    expect(done).toMatch(/EXIT=0/);
    expect(readFileSync(join(dir!, 'kaito.yaml'), 'utf8')).toBe('workspace: keep-me\n');
  });

  it('Ctrl-C in the middle exits 130 and writes nothing', async () => {
    const t = start(`--subscription ${SUB} --resource-group rg-ml --cluster aks-gpu`);
    await t.waitFor(/\? Kube context/);
    t.send('Enter');
    await t.waitFor(/\? Namespace for the workspaces/);
    t.send('C-c');
    const done = await t.waitFor(/EXIT=\d+/);
    expect(done).toMatch(/EXIT=130/);
    expect(done).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir!, 'kaito.yaml'))).toBe(false);
  });
});
