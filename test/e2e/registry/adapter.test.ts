// `kaito adapter pull|inspect` against images pushed by REAL skopeo to the REAL docker-registry, laid out like Kaito's
// pusher makes them; and hostile images: path traversal, absolute paths, links outside DIR, layer bombs, digest
// mismatches, images without the adapter files. Nothing is ever written outside DIR, nothing half-written inside.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterConfig, ociLayout, pusherEntries, safetensors, skopeoPush, tarOf, type TarEntry } from '../../support/adapter-image.js';
import { baseEnv, kaito } from '../../support/cli.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { skopeo, startRegistry, type RealRegistry } from '../../support/registry.js';

const PASSWORD = 'adapter-Pa55-for-tests';
let reg: RealRegistry;
let authed: RealRegistry;
const proxies: FaultProxy[] = [];
const work = mkdtempSync(join(tmpdir(), 'kaito-adapter-e2e-'));
const env = baseEnv({ DOCKER_CONFIG: join(work, 'no-docker-config') });
const CFG = adapterConfig(16, 32, ['q_proj', 'k_proj', 'v_proj', 'o_proj']);
const MODEL = safetensors(3);

beforeAll(async () => {
  [reg, authed] = await Promise.all([startRegistry(), startRegistry({ users: { bob: PASSWORD } })]);
  skopeoPush(ociLayout([await tarOf(pusherEntries(CFG, MODEL))], { annotations: { 'sh.kaito.model.name': 'phi-3-mini-4k-instruct' } }), `${reg.host}/adapters/phi3:v1`);
}, 120_000);
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all([reg?.stop(), authed?.stop()]);
});

function newDir(): string {
  return mkdtempSync(join(work, 'out-'));
}

describe('kaito adapter pull / inspect (images pushed by skopeo)', () => {
  it('pull writes both files byte for byte; digests verified; one line per file on stderr', async () => {
    const dir = join(newDir(), 'adapter');
    const r = await kaito(['adapter', 'pull', `${reg.host}/adapters/phi3:v1`, dir], { env });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(readFileSync(join(dir, 'adapter_config.json'), 'utf8')).toBe(CFG);
    expect(readFileSync(join(dir, 'adapter_model.safetensors')).equals(MODEL)).toBe(true);
    expect(r.stderr).toContain(`wrote ${join(dir, 'adapter_model.safetensors')} (${MODEL.length} bytes)`);
    expect(r.stderr).toMatch(/pulled .*adapters\/phi3@sha256:[a-f0-9]{64} \(adapter for phi-3-mini-4k-instruct\)/);
  });

  it('pull -o json', async () => {
    const dir = newDir();
    const r = await kaito(['adapter', 'pull', `${reg.host}/adapters/phi3:v1`, dir, '-o', 'json'], { env });
    expect(r.code).toBe(0);
    const digest = skopeo(['inspect', '--tls-verify=false', '--format', '{{ .Digest }}', `docker://${reg.host}/adapters/phi3:v1`]).stdout.trim();
    expect(JSON.parse(r.stdout)).toEqual({
      image: `${reg.host}/adapters/phi3:v1`, digest, reference: `${reg.host}/adapters/phi3@${digest}`, dir,
      files: [{ name: 'adapter_config.json', path: join(dir, 'adapter_config.json'), bytes: Buffer.byteLength(CFG) }, { name: 'adapter_model.safetensors', path: join(dir, 'adapter_model.safetensors'), bytes: MODEL.length }],
      baseModel: 'phi-3-mini-4k-instruct', lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    });
  });

  it('inspect: base model from the annotation, LoRA settings, size and digest (text and -o json)', async () => {
    const t = await kaito(['adapter', 'inspect', `${reg.host}/adapters/phi3:v1`], { env });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^Base model: +phi-3-mini-4k-instruct$/m);
    expect(t.stdout).toMatch(/^LoRA r: +16$/m);
    expect(t.stdout).toMatch(/^LoRA alpha: +32$/m);
    expect(t.stdout).toMatch(/^Targets: +q_proj, k_proj, v_proj, o_proj$/m);
    expect(t.stdout).toMatch(/^Digest: +sha256:[a-f0-9]{64}$/m);
    const j = await kaito(['adapter', 'inspect', `${reg.host}/adapters/phi3:v1`, '-o', 'json'], { env });
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ baseModel: 'phi-3-mini-4k-instruct', peftType: 'LORA', baseModelNameOrPath: 'microsoft/Phi-3-mini-4k-instruct', platform: null, size: { files: { 'adapter_config.json': Buffer.byteLength(CFG), 'adapter_model.safetensors': MODEL.length } } });
    expect(doc.layers).toHaveLength(1);
    expect(doc.size.compressed).toBe(doc.layers[0].size);
    // by digest too
    const byDigest = await kaito(['adapter', 'inspect', doc.reference, '-o', 'json'], { env });
    expect(byDigest.code).toBe(0);
    expect(JSON.parse(byDigest.stdout).digest).toBe(doc.digest);
  });

  it('a multi-arch OCI index resolves to linux/amd64; a Docker v2 manifest and plain tar layers work too', async () => {
    skopeoPush(ociLayout([await tarOf(pusherEntries(CFG, MODEL))], { index: true, annotations: { 'sh.kaito.model.name': 'phi-3-mini-4k-instruct' } }), `${reg.host}/adapters/multi:v1`, ['--all']);
    const m = await kaito(['adapter', 'inspect', `${reg.host}/adapters/multi:v1`, '-o', 'json'], { env });
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ platform: 'linux/amd64', lora: { r: 16 } });
    skopeoPush(ociLayout([await tarOf(pusherEntries(CFG, MODEL))]), `${reg.host}/adapters/docker:v1`, ['--format', 'v2s2']);
    const dir = newDir();
    const d = await kaito(['adapter', 'pull', `${reg.host}/adapters/docker:v1`, dir], { env });
    expect(d.code).toBe(0);
    expect(readFileSync(join(dir, 'adapter_model.safetensors')).equals(MODEL)).toBe(true);
    skopeoPush(ociLayout([await tarOf(pusherEntries(CFG, MODEL))], { plainTar: true }), `${reg.host}/adapters/plain:v1`);
    const p = await kaito(['adapter', 'pull', `${reg.host}/adapters/plain:v1`, newDir()], { env });
    expect(p.code).toBe(0);
  });

  it('with htpasswd auth: refused anonymously (exit 4), pulled with --registry-username', async () => {
    skopeoPush(ociLayout([await tarOf(pusherEntries(CFG, MODEL))]), `${authed.host}/adapters/private:v1`, [`--dest-creds=bob:${PASSWORD}`]);
    const anon = await kaito(['adapter', 'inspect', `${authed.host}/adapters/private:v1`], { env });
    expect(anon.code).toBe(4);
    expect(anon.stderr).toMatch(/refused anonymous access for adapters\/private \(401\)/);
    const dir = newDir();
    const ok = await kaito(['adapter', 'pull', `${authed.host}/adapters/private:v1`, dir, '--registry-username', 'bob', '--registry-password-stdin', '--debug'], { env, input: PASSWORD });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(PASSWORD);
    expect(readFileSync(join(dir, 'adapter_model.safetensors')).equals(MODEL)).toBe(true);
  });
});

describe('hostile adapter images are refused; nothing is written outside DIR, nothing half-written inside', () => {
  const outside = join(work, 'outside');
  const hostile: Array<[string, () => Promise<Buffer[]>, RegExp, string[]?]> = [
    ['an entry with ".."', async () => [await tarOf([...pusherEntries(), { name: 'data/../../outside/evil.txt', body: 'x' }])], /entry with "\.\."/],
    ['an absolute path', async () => [await tarOf([...pusherEntries(), { name: '/tmp/kaito-abs-evil.txt', body: 'x' }])], /absolute path/],
    ['a symlink pointing outside', async () => [await tarOf([{ name: 'data/', type: 'directory' }, { name: 'data/adapter_config.json', body: CFG }, { name: 'data/adapter_model.safetensors', type: 'symlink', linkname: '../../../etc/passwd' }])], /link .* pointing outside/],
    ['an absolute symlink', async () => [await tarOf([...pusherEntries(), { name: 'data/x', type: 'symlink', linkname: '/etc/shadow' }])], /link .* pointing outside/],
    ['an adapter file that is a link inside the image', async () => [await tarOf([{ name: 'data/', type: 'directory' }, { name: 'data/real', body: 'x' }, { name: 'data/adapter_config.json', body: CFG }, { name: 'data/adapter_model.safetensors', type: 'symlink', linkname: 'real' }])], /is a symlink, not a regular file/],
    ['a layer bomb (over --max-size)', async () => [await tarOf([{ name: 'data/', type: 'directory' }, { name: 'data/adapter_config.json', body: CFG }, { name: 'data/adapter_model.safetensors', body: Buffer.alloc(8 * 1024 * 1024) }])], /expands to more than 1048576 bytes/, ['--max-size', '1M']],
    ['an image without the adapter files', async () => [await tarOf([{ name: 'data/', type: 'directory' }, { name: 'data/readme.txt', body: 'hello' }])], /no \/data\/adapter_config\.json and \/data\/adapter_model\.safetensors; it is not a Kaito adapter image/],
    ['an image without the weights', async () => [await tarOf([{ name: 'data/', type: 'directory' }, { name: 'data/adapter_config.json', body: CFG }])], /no \/data\/adapter_model\.safetensors/],
  ];
  for (const [what, layers, msg, extra] of hostile) {
    it(what, async () => {
      const repo = `hostile/${what.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`;
      skopeoPush(ociLayout(await layers()), `${reg.host}/${repo}:v1`);
      const parent = newDir();
      const dir = join(parent, 'adapter');
      mkdirSync(dir);
      writeFileSync(join(dir, 'keep.txt'), 'mine');
      const r = await kaito(['adapter', 'pull', `${reg.host}/${repo}:v1`, dir, ...(extra ?? [])], { env });
      expect(r.stderr).toMatch(msg);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(readdirSync(dir)).toEqual(['keep.txt']);
      expect(readdirSync(parent)).toEqual(['adapter']);
      expect(existsSync(outside)).toBe(false);
      expect(existsSync('/tmp/kaito-abs-evil.txt')).toBe(false);
    });
  }

  it('a blob whose bytes do not match its digest (altered on the way): refused, nothing written', async () => {
    const dir = newDir();
    // kaito fetches only the layers (never the config), so every blob GET is a layer: alter them all
    const q = await startFaultProxy(reg.host, [{ method: 'GET', path: /\/blobs\/sha256:/, replyBody: Buffer.from('not the layer') }]);
    proxies.push(q);
    const r = await kaito(['adapter', 'pull', `${q.host}/adapters/phi3:v1`, dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not match its digest .*refusing the image/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a manifest that does not match the digest asked for: refused', async () => {
    const digest = skopeo(['inspect', '--tls-verify=false', '--format', '{{ .Digest }}', `docker://${reg.host}/adapters/phi3:v1`]).stdout.trim();
    const altered = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: 2 }, layers: [] }));
    const p = await startFaultProxy(reg.host, [{ method: 'GET', path: /\/manifests\//, replyBody: altered, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }]);
    proxies.push(p);
    const r = await kaito(['adapter', 'inspect', `${p.host}/adapters/phi3@${digest}`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has digest sha256:[a-f0-9]{64}; refusing it/);
  });

  it('an image that does not exist: exit 1 naming it; bad arguments: exit 2', async () => {
    const r = await kaito(['adapter', 'inspect', `${reg.host}/adapters/nope:v9`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/adapters\/nope:v9: not found .*\(404/);
    const bad = await kaito(['adapter', 'pull', 'UPPER/Case', newDir()], { env });
    expect(bad.code).toBe(2);
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const notDir = await kaito(['adapter', 'pull', `${reg.host}/adapters/phi3:v1`, file], { env });
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/exists and is not a directory/);
    const size = await kaito(['adapter', 'pull', `${reg.host}/adapters/phi3:v1`, newDir(), '--max-size', 'lots'], { env });
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/--max-size "lots" is not a size/);
  });
});
