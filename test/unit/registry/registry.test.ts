// Pure parts of the registry port: image references (docker's normalisation rules), WWW-Authenticate challenges,
// upload Range headers, tar entry names, and the data image's determinism.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChallenge, parseRange } from '../../../src/registry/client.js';
import { safeEntryName } from '../../../src/registry/extract.js';
import { buildDataImage } from '../../../src/registry/image.js';
import { apiHost, formatRef, isAcrRegistry, isLoopbackRegistry, parseImageRef } from '../../../src/registry/reference.js';

describe('parseImageRef', () => {
  it.each([
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu', tag: 'latest' }],
    ['user/app:1.0', { registry: 'docker.io', repository: 'user/app', tag: '1.0' }],
    ['index.docker.io/user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b:v2', { registry: 'localhost:5000', repository: 'a/b', tag: 'v2' }],
    ['127.0.0.1:41234/team/data:v1', { registry: '127.0.0.1:41234', repository: 'team/data', tag: 'v1' }],
    ['myacr.azurecr.io/adapters/phi-3:v1', { registry: 'myacr.azurecr.io', repository: 'adapters/phi-3', tag: 'v1' }],
    [`ghcr.io/o/r@sha256:${'a'.repeat(64)}`, { registry: 'ghcr.io', repository: 'o/r', tag: undefined, digest: `sha256:${'a'.repeat(64)}` }],
    [`ghcr.io/o/r:t@sha256:${'b'.repeat(64)}`, { registry: 'ghcr.io', repository: 'o/r', tag: 't', digest: `sha256:${'b'.repeat(64)}` }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x', tag: 'latest' }],
  ])('%s', (raw, want) => {
    expect(parseImageRef(raw)).toEqual(want);
  });

  it.each([
    ['', /empty/],
    ['https://ghcr.io/o/r', /is a URL/],
    ['ghcr.io/O/r', /component "O"/],
    ['ghcr.io/o/r:-bad', /tag "-bad"/],
    ['ghcr.io/o/r@sha256:abc', /digest must be sha256/],
    ['ghcr.io/o//r', /component ""/],
  ])('refuses %j', (raw, msg) => {
    expect(() => parseImageRef(raw)).toThrow(msg);
  });

  it('formats, API hosts, loopback and ACR hosts', () => {
    expect(formatRef(parseImageRef('ubuntu'))).toBe('docker.io/library/ubuntu:latest');
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    for (const h of ['localhost', 'localhost:5000', '127.0.0.1:80', '127.1.2.3', '[::1]:5000']) expect(isLoopbackRegistry(h), h).toBe(true);
    for (const h of ['10.0.0.1:5000', 'localhost.example.com', '127.0.0.1.nip.io', 'myacr.azurecr.io']) expect(isLoopbackRegistry(h), h).toBe(false);
    expect(isAcrRegistry('x.azurecr.io')).toBe(true);
    expect(isAcrRegistry('x.azurecr.cn')).toBe(true);
    expect(isAcrRegistry('azurecr.io.evil.com')).toBe(false);
  });
});

describe('parseChallenge / parseRange', () => {
  it('reads Bearer parameters, quoted and bare, with commas inside quotes', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm=kaito')).toEqual({ scheme: 'basic', params: { realm: 'kaito' } });
  });
  it('reads upload ranges', () => {
    expect(parseRange('0-1023')).toBe(1023);
    expect(parseRange('bytes=0-5')).toBe(5);
    expect(parseRange(undefined)).toBeUndefined();
    expect(parseRange('junk')).toBeUndefined();
  });
});

describe('safeEntryName', () => {
  it('normalises harmless names and refuses escapes', () => {
    expect(safeEntryName('./data/adapter_config.json')).toBe('data/adapter_config.json');
    expect(safeEntryName('data/')).toBe('data');
    expect(() => safeEntryName('/etc/passwd')).toThrow(/absolute path/);
    expect(() => safeEntryName('data/../../x')).toThrow(/"\.\."/);
    expect(() => safeEntryName('C:\\x')).toThrow(/absolute path/);
  });
});

describe('buildDataImage', () => {
  it('same bytes -> same digests, whatever the file time or folder; different bytes -> different digests', async () => {
    const a = mkdtempSync(join(tmpdir(), 'kaito-img-a-'));
    const b = mkdtempSync(join(tmpdir(), 'kaito-img-b-'));
    writeFileSync(join(a, 'train.jsonl'), '{"prompt":"a","completion":"b"}\n');
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(b, 'train.jsonl'), '{"prompt":"a","completion":"b"}\n');
    const x = await buildDataImage([join(a, 'train.jsonl')]);
    const y = await buildDataImage([join(b, 'train.jsonl')]);
    try {
      expect(y.manifest.digest).toBe(x.manifest.digest);
      expect(y.layer.digest).toBe(x.layer.digest);
      expect(JSON.parse(x.config.body.toString())).toEqual({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [x.layer.diffId] } });
      writeFileSync(join(b, 'train.jsonl'), '{"prompt":"a","completion":"c"}\n');
      const z = await buildDataImage([join(b, 'train.jsonl')]);
      expect(z.layer.digest).not.toBe(x.layer.digest);
      await z.cleanup();
    } finally {
      await x.cleanup();
      await y.cleanup();
    }
  });
});
