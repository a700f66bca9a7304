// `kaito dataset push` against the REAL distribution registry (docker-registry), pulled back by REAL skopeo exactly as
// Kaito's puller does (skopeo copy docker://REF dir:..., untar every layer, /data holds the file byte for byte).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../../src/paths.js';
import { baseEnv, kaito } from '../../support/cli.js';
import { pullData, skopeo, startRegistry, type RealRegistry } from '../../support/registry.js';

const SAMPLE = join(datasetsDir(), 'kaito-ops-messages.jsonl');
const PASSWORD = 's3cret-Pa55word-for-tests';
let anon: RealRegistry;
let authed: RealRegistry;
const work = mkdtempSync(join(tmpdir(), 'kaito-push-e2e-'));

beforeAll(async () => {
  [anon, authed] = await Promise.all([startRegistry(), startRegistry({ users: { alice: PASSWORD } })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([anon?.stop(), authed?.stop()]);
});

function catalog(reg: RealRegistry): string[] {
  const r = spawnSync('curl', ['-s', `http://${reg.host}/v2/_catalog`], { encoding: 'utf8' });
  return (JSON.parse(r.stdout || '{"repositories":[]}') as { repositories: string[] }).repositories ?? [];
}

describe('kaito dataset push (real docker-registry + skopeo)', () => {
  it('pushes one file; stdout is the digest reference; skopeo pulls it like Kaito\'s puller, byte for byte', async () => {
    const image = `${anon.host}/team/train-data:v1`;
    const r = await kaito(['dataset', 'push', SAMPLE, image]);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${anon.host.replace(/\./g, '\\.')}/team/train-data@sha256:[a-f0-9]{64}\\n$`));
    expect(r.stderr).toContain('uploaded layer');
    expect(r.stderr).toContain(`pushed ${image}`);
    const data = pullData(image);
    expect(readdirSync(data)).toEqual(['kaito-ops-messages.jsonl']);
    expect(readFileSync(join(data, 'kaito-ops-messages.jsonl')).equals(readFileSync(SAMPLE))).toBe(true);
    // the digest printed is the one the registry serves
    const insp = skopeo(['inspect', '--tls-verify=false', '--format', '{{ .Digest }}', `docker://${image}`]);
    expect(insp.stdout.trim()).toBe(r.stdout.trim().split('@')[1]);
  });

  it('is deterministic: the same bytes give the same digest, and a second push skips the blobs the registry has (-o json)', async () => {
    const env = baseEnv({ KAITO_CACHE_DIR: mkdtempSync(join(tmpdir(), 'kaito-push-cache-')) });
    const a = await kaito(['dataset', 'push', SAMPLE, `${anon.host}/team/det:a`, '-o', 'json'], { env });
    const b = await kaito(['dataset', 'push', SAMPLE, `${anon.host}/team/det:b`, '-o', 'json'], { env });
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const da = JSON.parse(a.stdout);
    const db = JSON.parse(b.stdout);
    expect(da).toMatchObject({ image: `${anon.host}/team/det:a`, reference: `${anon.host}/team/det@${da.digest}`, files: [{ name: 'kaito-ops-messages.jsonl', path: SAMPLE, records: 300, format: 'messages' }] });
    expect(da.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(db.digest).toBe(da.digest);
    expect(da.blobs.map((x: { kind: string; pushed: boolean }) => [x.kind, x.pushed])).toEqual([['layer', true], ['config', true]]);
    expect(db.blobs.map((x: { kind: string; pushed: boolean }) => [x.kind, x.pushed])).toEqual([['layer', false], ['config', false]]);
    expect(b.stderr).toContain('is already in');
    expect(db.blobs.map((x: { how: string }) => x.how)).toEqual(['present', 'present']);
  });

  it('an unchanged file pushed before is neither validated nor packed again: the real registry mounts its layer into a new repository; a changed file is', async () => {
    const env = baseEnv({ KAITO_CACHE_DIR: mkdtempSync(join(tmpdir(), 'kaito-push-cache-')) });
    const file = join(work, 'mount', 'train.jsonl');
    mkdirSync(join(work, 'mount'), { recursive: true });
    writeFileSync(file, readFileSync(SAMPLE));
    const first = await kaito(['dataset', 'push', file, `${anon.host}/mount/first:v1`, '-o', 'json'], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('validated and packed train.jsonl');
    expect(JSON.parse(first.stdout).blobs[0].how).toBe('uploaded');
    const second = await kaito(['dataset', 'push', file, `${anon.host}/mount/second:v1`, '-o', 'json'], { env });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/train\.jsonl \([\d.]+ KiB, 300 records\) unchanged since kaito validated and packed it/);
    expect(second.stderr).not.toContain('validated and packed train.jsonl');
    expect(second.stderr).toContain(`mounted layer ${JSON.parse(first.stdout).blobs[0].digest.slice(7, 19)} from ${anon.host}/mount/first`);
    const s = JSON.parse(second.stdout);
    expect(s.digest).toBe(JSON.parse(first.stdout).digest);
    expect(s.blobs[0]).toMatchObject({ kind: 'layer', pushed: false, how: 'mounted' });
    expect(s.files).toEqual(JSON.parse(first.stdout).files);
    // the registry really has it in the new repository: skopeo pulls it like Kaito's puller
    expect(readFileSync(join(pullData(`${anon.host}/mount/second:v1`), 'train.jsonl')).equals(readFileSync(SAMPLE))).toBe(true);
    // another registry cannot mount it: the layer is rebuilt from the file (not validated again) and uploaded
    const other = await kaito(['dataset', 'push', file, `${authed.host}/mount/other:v1`, '--registry-username', 'alice', '--registry-password-stdin', '-o', 'json'], { env, input: PASSWORD });
    expect(other.code).toBe(0);
    expect(other.stderr).toContain('packed train.jsonl into layer');
    expect(JSON.parse(other.stdout)).toMatchObject({ digest: s.digest, blobs: [{ how: 'uploaded' }, { how: 'uploaded' }] });
    // a changed file (new size and mtime) is validated again, and a broken one refused
    writeFileSync(file, readFileSync(SAMPLE, 'utf8') + '{"messages": [}\n');
    const broken = await kaito(['dataset', 'push', file, `${anon.host}/mount/third:v1`], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/train\.jsonl: /);
    expect(catalog(anon)).not.toContain('mount/third');
  });

  it('several files land side by side in /data', async () => {
    const pc = join(datasetsDir(), 'kaito-ops-prompt-completion.jsonl');
    const image = `${anon.host}/team/multi:v1`;
    const r = await kaito(['dataset', 'push', SAMPLE, pc, image]);
    expect(r.code).toBe(0);
    const data = pullData(image);
    expect(readdirSync(data).sort()).toEqual(['kaito-ops-messages.jsonl', 'kaito-ops-prompt-completion.jsonl']);
    expect(readFileSync(join(data, 'kaito-ops-prompt-completion.jsonl')).equals(readFileSync(pc))).toBe(true);
  });

  describe('with htpasswd auth', () => {
    it('anonymous: exit 4, one clear line naming how to log in, nothing pushed', async () => {
      const r = await kaito(['dataset', 'push', SAMPLE, `${authed.host}/team/secure:v1`], { env: baseEnv({ DOCKER_CONFIG: join(work, 'no-docker-config') }) });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/refused anonymous access for team\/secure \(401\)/);
      expect(r.stderr).toContain('--registry-username');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(r.stdout).toBe('');
    });

    it('--registry-username + --registry-password-stdin: pushed; skopeo with the same credentials pulls it; no secret in --debug output', async () => {
      const image = `${authed.host}/team/secure:v1`;
      const r = await kaito(['dataset', 'push', SAMPLE, image, '--registry-username', 'alice', '--registry-password-stdin', '--debug'], { input: PASSWORD + '\n' });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('debug:');
      for (const s of [PASSWORD, Buffer.from(`alice:${PASSWORD}`).toString('base64')]) {
        expect(r.stdout + r.stderr).not.toContain(s);
      }
      const data = pullData(image, [`--src-creds=alice:${PASSWORD}`]);
      expect(readFileSync(join(data, 'kaito-ops-messages.jsonl')).equals(readFileSync(SAMPLE))).toBe(true);
    });

    it('a wrong password: exit 4 naming the source of the credentials', async () => {
      const r = await kaito(['dataset', 'push', SAMPLE, `${authed.host}/team/secure:v2`, '--registry-username', 'alice', '--registry-password-stdin'], { input: 'wrong-password' });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/refused the credentials from --registry-username/);
      expect(r.stderr).not.toContain('wrong-password');
    });

    it('the docker config: auths (base64 user:password)', async () => {
      const dir = join(work, 'docker-auths');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [authed.host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } }));
      const r = await kaito(['dataset', 'push', SAMPLE, `${authed.host}/team/from-config:v1`, '--debug'], { env: baseEnv({ DOCKER_CONFIG: dir }) });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`credentials from ${join(dir, 'config.json')}`);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });

    it('the docker config: credHelpers runs docker-credential-NAME get with the server on stdin', async () => {
      const dir = join(work, 'docker-helper');
      const bin = join(work, 'helper-bin');
      mkdirSync(dir, { recursive: true });
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [authed.host]: 'kaitotest' } }));
      const log = join(work, 'helper.log');
      writeFileSync(join(bin, 'docker-credential-kaitotest'), `#!/bin/sh\nread server\necho "$1 $server" >> ${log}\nprintf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server"\n`);
      chmodSync(join(bin, 'docker-credential-kaitotest'), 0o755);
      const r = await kaito(['dataset', 'push', SAMPLE, `${authed.host}/team/from-helper:v1`], { env: baseEnv({ DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` }) });
      expect(r.code).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe(`get ${authed.host}\n`);
    });

    it('the docker config: credsStore (the default helper for every registry) when auths has no entry for it', async () => {
      const dir = join(work, 'docker-store');
      const bin = join(work, 'store-bin');
      mkdirSync(dir, { recursive: true });
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'other.example.com': { auth: Buffer.from('x:y').toString('base64') } }, credsStore: 'kaitostore' }));
      const log = join(work, 'store.log');
      writeFileSync(join(bin, 'docker-credential-kaitostore'), `#!/bin/sh\nread server\necho "$1 $server" >> ${log}\nprintf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server"\n`);
      chmodSync(join(bin, 'docker-credential-kaitostore'), 0o755);
      const r = await kaito(['dataset', 'push', SAMPLE, `${authed.host}/team/from-store:v1`, '--debug'], { env: baseEnv({ DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` }) });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe(`get ${authed.host}\n`);
      expect(r.stderr).toContain('running docker-credential-kaitostore get');
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });
  });

  describe('bad input: exit 2, one clear line, nothing pushed', () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ['a missing file', () => [join(work, 'nope.jsonl')], /nope\.jsonl does not exist/],
      ['a directory', () => [work], /is a directory/],
      ['an empty file', () => { const f = join(work, 'empty.jsonl'); writeFileSync(f, ''); return [f]; }, /empty\.jsonl: .*(empty|no records)/i],
      ['a file that is not a dataset', () => { const f = join(work, 'bad.jsonl'); writeFileSync(f, '{"messages": [}\nnot json\n'); return [f]; }, /bad\.jsonl: /],
      ['two files with the same name', () => { mkdirSync(join(work, 'other'), { recursive: true }); const f = join(work, 'other', 'kaito-ops-messages.jsonl'); writeFileSync(f, readFileSync(SAMPLE)); return [SAMPLE, f]; }, /have the same name/],
    ];
    for (const [what, files, msg] of cases) {
      it(what, async () => {
        const repo = `bad-${what.replace(/[^a-z]+/g, '-')}`.replace(/-+$/, '');
        const r = await kaito(['dataset', 'push', ...files(), `${anon.host}/team/${repo}:v1`]);
        expect(r.stderr).toMatch(msg);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
        expect(catalog(anon)).not.toContain(`team/${repo}`);
      });
    }
    it('a bad image reference, only one argument, a digest as target', async () => {
      const bad = await kaito(['dataset', 'push', SAMPLE, `${anon.host}/Team/UPPER:v1`]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/IMAGE: .*repository component "Team"/);
      const one = await kaito(['dataset', 'push', SAMPLE]);
      expect(one.code).toBe(2);
      expect(one.stderr).toMatch(/at least one FILE and the IMAGE/);
      const dg = await kaito(['dataset', 'push', SAMPLE, `${anon.host}/team/x@sha256:${'a'.repeat(64)}`]);
      expect(dg.code).toBe(2);
      expect(dg.stderr).toMatch(/give a tag/);
    });
  });
});
