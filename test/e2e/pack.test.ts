// Distribution: the packed tarball installs with `npm i -g` on this Node and runs without the repo's
// node_modules (everything it needs is in the bundle; see scripts/build.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('npm pack + npm i -g', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-pack-'));
  const prefix = join(dir, 'prefix');
  let bin = '';

  beforeAll(() => {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: repo, stdio: 'pipe', timeout: 120_000 });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    execFileSync('npm', ['i', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, tgz)], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
    bin = join(prefix, 'bin', 'kaito');
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });

  it('installs with no dependencies to resolve and runs --help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: kaito');
  });

  it('loads the Kubernetes client (client-node + undici 7) from the bundle on this Node', () => {
    // a command that imports @kubernetes/client-node: with no kubeconfig it must fail cleanly (exit 2), not crash
    const r = spawnSync(bin, ['status', 'x'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });
    expect(r.stderr).not.toMatch(/createZstdDecompress|ERR_MODULE_NOT_FOUND|Cannot find package/);
  });
});
