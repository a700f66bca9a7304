// Distribution: the packed tarball installs with `npm i -g` on this Node and runs without the repo's
// node_modules (everything it needs is in the bundle; see scripts/build.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
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
    // issue 17 item 2: pack from a copy without dist/ (a fresh clone): prepack must build it
    const clone = join(dir, 'clone');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', repo, clone], { stdio: 'pipe', timeout: 60_000 });
    if (existsSync(join(clone, 'dist'))) throw new Error('a fresh clone has no dist/');
    symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: clone, stdio: 'pipe', timeout: 120_000 });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    execFileSync('npm', ['i', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(dir, tgz)], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
    bin = join(prefix, 'bin', 'kaito');
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[]) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });

  it('the tarball holds the built bundle and no source maps', () => {
    const files = execFileSync('tar', ['-tzf', join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!)], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/main.js');
    expect(files).toContain('package/bin/kaito.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('installs with no dependencies to resolve and runs --help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: kaito');
    const v = run(['--version']);
    expect(v.status, v.stderr).toBe(0);
  });

  it('loads the Kubernetes client (client-node + undici 7) from the bundle on this Node', () => {
    // a command that imports @kubernetes/client-node: with no kubeconfig it must fail cleanly (exit 2), not crash
    const r = spawnSync(bin, ['status', 'x'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 60_000 });
    expect(r.stderr).not.toMatch(/createZstdDecompress|ERR_MODULE_NOT_FOUND|Cannot find package/);
  });
});
