// vitest globalSetup for the in-process command tests (src/**/*.test.ts): one CA made before the test workers
// start, so they start trusting it (NODE_EXTRA_CA_CERTS is read only when a process starts). Every in-process
// sandbox (test/support/inproc.ts startInProcSandbox) signs its certificates with it, so the command's Azure,
// registry, dataset and price requests verify TLS exactly as the CLI does with `kaito sandbox env`.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function setup(): Promise<() => void> {
  const { createCa } = await import('../../src/sandbox/certs.js');
  const dir = mkdtempSync(join(tmpdir(), 'kaito-inproc-ca-'));
  const ca = await createCa();
  writeFileSync(join(dir, 'ca.crt'), ca.certPem);
  writeFileSync(join(dir, 'ca.key'), ca.keyPem, { mode: 0o600 });
  chmodSync(join(dir, 'ca.key'), 0o600);
  // a CA bundle the user's shell already trusts stays trusted
  const theirs = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = join(dir, 'bundle.crt');
  writeFileSync(bundle, (theirs && existsSync(theirs) ? readFileSync(theirs, 'utf8').trimEnd() + '\n' : '') + ca.certPem);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env.KAITO_TEST_CA_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
