// Shared by the lifecycle e2e tests. kubectl runs asynchronously: the sandbox lives in this process,
// so a synchronous child would block the very server it talks to.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestSandbox } from '../../support/sandbox.js';

export function kubectlFor(sb: () => TestSandbox) {
  return (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile('/usr/bin/kubectl', ['--kubeconfig', sb().kubeconfigPath, ...args], { encoding: 'utf8', env: { ...process.env, ...sb().env }, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
        else resolve(stdout);
      });
    });
}

export const datasetUrl = (sb: TestSandbox, file = 'kaito-ops-messages.parquet') => `https://datasets.kaito-sandbox.test:${sb.port}/${file}`;

/** `kubectl apply -f` of YAML text: 'applied', or kubectl's error (the webhook's refusal) as text. */
export async function kubectlApply(kubectl: ReturnType<typeof kubectlFor>, yaml: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'kaito-apply-')), 'objects.yaml');
  writeFileSync(file, yaml);
  return kubectl('apply', '-f', file).then(() => 'applied', (e: Error) => e.message);
}
