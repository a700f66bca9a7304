// Issue 17 item 9: bash completion driven for real (bash sources `kaito completion bash` and calls its function with
// COMP_WORDS as readline would): subcommands before global flags, file names where a file is expected, preset
// names, and values from the kubeconfig and the cluster (the sandbox) with a short deadline.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, KAITO_BIN } from '../support/cli.js';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.js';
import { kaito } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kaito-compl-'));
const bin = join(dir, 'bin');
mkdirSync(bin);
// `kaito` on PATH, as an installed CLI would be (the script calls the binary the user typed)
writeFileSync(join(bin, 'kaito'), `#!/bin/sh\nexec '${process.execPath}' '${KAITO_BIN}' "$@"\n`);
chmodSync(join(bin, 'kaito'), 0o755);

/** The words readline would pass, the last being the one under the cursor. */
function complete(words: string[], env: NodeJS.ProcessEnv = baseEnv(), cwd = dir): Promise<string[]> {
  const script = `source <(kaito completion bash)
COMP_WORDS=(kaito ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}
_kaito_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((resolve, reject) => {
    execFile('/bin/bash', ['-c', script], { cwd, env: { ...env, PATH: `${bin}:${env.PATH ?? ''}` }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.split('\n').filter(Boolean));
    });
  });
}

describe('bash completion', () => {
  it('kaito <TAB>: the subcommands, not the ~20 global flags', async () => {
    const c = await complete(['']);
    expect(c).toContain('tune');
    expect(c).toContain('nodepool');
    expect(c.some((w) => w.startsWith('-'))).toBe(false);
    expect(c).not.toContain('__complete');
    expect(await complete(['--kube'])).toEqual(['--kubeconfig']);
  });

  it('preset names after --preset, and flags of the command first', async () => {
    expect((await complete(['tune', '--preset', 'phi-4'])).sort()).toEqual(['phi-4', 'phi-4-mini-instruct']);
    expect((await complete(['presets', 'show', 'gemma'])).sort()).toEqual(['gemma-3-27b-instruct', 'gemma-3-4b-instruct']);
    expect(await complete(['deploy', '--runtime', ''])).toEqual(['vllm', 'transformers']);
    expect((await complete(['tune', '--lora']))).toEqual(['--lora-r', '--lora-alpha', '--lora-dropout']);
  });

  it('file names where a file is expected', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kaito-compl-files-'));
    writeFileSync(join(work, 'tw1.jsonl'), '{}\n');
    writeFileSync(join(work, 'tw2.parquet'), '');
    expect((await complete(['dataset', 'validate', './tw'], baseEnv(), work)).sort()).toEqual(['./tw1.jsonl', './tw2.parquet']);
    expect((await complete(['tune', '--config-file', 'tw'], baseEnv(), work)).sort()).toEqual(['tw1.jsonl', 'tw2.parquet']);
  });

  describe('values from the kubeconfig and the cluster', () => {
    let sb: TestSandbox;
    beforeAll(async () => {
      sb = await startTestSandbox();
      const d = await kaito(['deploy', '--preset', 'phi-4-mini-instruct', '--name', 'served1', '--instance-type', 'Standard_NC24ads_A100_v4'], { env: sb.cliEnv });
      expect(d.code, d.stderr).toBe(0);
    });

    it('workspaces, contexts and namespaces', async () => {
      expect(await complete(['wait', ''], sb.cliEnv)).toEqual(['served1']);
      expect(await complete(['chat', '--workspace', 's'], sb.cliEnv)).toEqual(['served1']);
      expect(await complete(['list', '--context', ''], sb.cliEnv)).toEqual(['kaito-sandbox', 'kaito-sandbox-cert', 'kaito-sandbox-exec']);
      expect(await complete(['list', '-n', 'kube-s'], sb.cliEnv)).toEqual(['kube-system']);
      // another namespace named on the line is the one asked
      expect(await complete(['wait', '-n', 'kube-system', ''], sb.cliEnv)).toEqual([]);
    });

    it('no kubeconfig: nothing offered and nothing printed (a cluster that does not answer is given 1.5 s)', async () => {
      const env = { ...sb.cliEnv, KUBECONFIG: join(dir, 'missing-kubeconfig') };
      expect(await complete(['wait', ''], env)).toEqual([]);
    });
  });
});
