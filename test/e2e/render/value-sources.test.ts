// Issue 17 item 6: an error about a value that came from kaito.yaml names the kaito.yaml key, not a flag nobody gave.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, kaito } from '../../support/cli.js';

const project = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-src-'));
  writeFileSync(join(dir, 'kaito.yaml'), yaml);
  return dir;
};

describe('errors name where a value came from', () => {
  it('render tune with the nodepool init wrote: "tune.nodepool (kaito.yaml)", not --nodepool', async () => {
    const dir = project('tune:\n  preset: phi-3-mini-128k-instruct\n  dataset: [https://e.com/d.parquet]\n  outputPvc: adapters\n  nodepool: gpua10\n');
    const r = await kaito(['render', 'tune'], { cwd: dir, env: baseEnv({ HOME: dir }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: tune\.nodepool \(kaito\.yaml\) gpua10: in NAP mode instanceType is the pool's vmSize/m);
    expect(r.stderr).not.toMatch(/--nodepool gpua10/);
    expect(r.stderr).toMatch(/fix the flags \(or kaito\.yaml values\) above/);
    // the same value given as a flag is named as the flag
    const f = await kaito(['render', 'tune', '--nodepool', 'gpua10'], { cwd: dir, env: baseEnv({ HOME: dir }) });
    expect(f.stderr).toMatch(/^error: --nodepool gpua10: in NAP mode/m);
  });

  it('a preset from kaito.yaml that this Kaito release lacks: "deploy.preset (kaito.yaml)"', async () => {
    const dir = project('deploy:\n  preset: gemma-3-4b-instruct\n  instanceType: Standard_NC24ads_A100_v4\n');
    const r = await kaito(['render', 'deploy', '--kaito-version', '0.6'], { cwd: dir, env: baseEnv({ HOME: dir }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: deploy\.preset \(kaito\.yaml\) gemma-3-4b-instruct does not exist in Kaito 0\.6/m);
    const f = await kaito(['render', 'deploy', '--kaito-version', '0.6', '--preset', 'gemma-3-4b-instruct'], { cwd: dir, env: baseEnv({ HOME: dir }) });
    expect(f.stderr).toMatch(/^error: --preset gemma-3-4b-instruct does not exist in Kaito 0\.6/m);
  });

  it('a kube context from cluster.kubeContext that the kubeconfig lacks says it came from kaito.yaml', async () => {
    const dir = project('cluster:\n  kubeContext: nope\n');
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: real, context: {cluster: c, user: u}}]\ncurrent-context: real\n');
    const r = await kaito(['list'], { cwd: dir, env: baseEnv({ HOME: dir, KUBECONFIG: kc }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: kube context "nope" (from cluster.kubeContext in ${join(dir, 'kaito.yaml')}) not found in ${kc}\n  use one of: real\n`);
  });
});
