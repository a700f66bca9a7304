// The real CNCF distribution registry (Debian package docker-registry) and skopeo, for interoperability tests.
// Both must be installed (scripts/test-packages.sh does it); under CI=true a missing one FAILS the test, never skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export function skopeoPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v skopeo'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Throws with the install command when a tool is missing (the tests call it in beforeAll: a failure, not a skip). */
export function requireRegistryTools(): void {
  const missing = [existsSync(REGISTRY_BIN) ? '' : 'docker-registry', skopeoPath() ? '' : 'skopeo'].filter(Boolean);
  if (missing.length) throw new Error(`missing ${missing.join(' and ')}: run scripts/test-packages.sh (as root) or: apt-get install -y docker-registry skopeo`);
}

export interface RealRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  dir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts docker-registry on a free loopback port (plain HTTP), optionally with htpasswd (bcrypt) auth. */
export async function startRegistry(opts: { users?: Record<string, string> } = {}): Promise<RealRegistry> {
  requireRegistryTools();
  const dir = mkdtempSync(join(tmpdir(), 'kaito-registry-'));
  let auth = '';
  if (opts.users) {
    const { default: bcrypt } = await import('bcryptjs');
    const lines = Object.entries(opts.users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 5).replace(/^\$2b\$/, '$2y$')}`);
    writeFileSync(join(dir, 'htpasswd'), lines.join('\n') + '\n');
    auth = `auth:\n  htpasswd:\n    realm: kaito-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n  secret: kaito-test-secret\n${auth}`);
  const proc = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const host = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`docker-registry did not start in 20 s:\n${log}`));
    }, 20_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        proc.stderr!.off('data', onData);
        proc.stdout!.off('data', onData);
        proc.stderr!.resume();
        proc.stdout!.resume();
        resolve(m[1]!);
      }
    };
    proc.stderr!.on('data', onData);
    proc.stdout!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited (${code}):\n${log}`));
    });
  });
  return {
    host,
    dir,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** skopeo with an accept-anything policy file of its own (the machine's /etc/containers may be absent). */
export function skopeo(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kaito-skopeo-'));
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const r = spawnSync(skopeoPath() ?? 'skopeo', ['--policy', policy, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * What Kaito's puller.sh does (v0.12.0 pkg/workspace/image/puller.sh): skopeo copy --dest-decompress docker://REF
 * dir:LAYOUT, untar every layer in order into a rootfs; returns rootfs/data. Throws with skopeo's/tar's output.
 */
export function pullData(ref: string, extraArgs: string[] = []): string {
  const base = mkdtempSync(join(tmpdir(), 'kaito-puller-'));
  const layout = join(base, 'layout');
  const rootfs = join(base, 'rootfs');
  mkdirSync(rootfs);
  const copy = skopeo(['copy', '--dest-decompress', '--src-tls-verify=false', ...extraArgs, `docker://${ref}`, `dir:${layout}`]);
  if (copy.code !== 0) throw new Error(`skopeo copy failed (${copy.code}): ${copy.stderr}`);
  const inspect = skopeo(['inspect', '--format', '{{ range .Layers }}{{ slice . 7 }} {{ end }}', `dir:${layout}`]);
  if (inspect.code !== 0) throw new Error(`skopeo inspect failed: ${inspect.stderr}`);
  const layers = inspect.stdout.trim().split(/\s+/).filter(Boolean);
  if (!layers.length) throw new Error('skopeo inspect listed no layers');
  for (const l of layers) {
    const t = spawnSync('tar', ['x', '-f', join(layout, l), '-C', rootfs], { encoding: 'utf8' });
    if (t.status !== 0 || t.stderr) throw new Error(`tar x failed: ${t.stderr}`);
  }
  return join(rootfs, 'data');
}
