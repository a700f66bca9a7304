// Registry faults during `kaito dataset push`, injected by a proxy in front of the REAL docker-registry: the upload
// resumes from the registry's Range after a 5xx or a connection cut mid-PATCH, 429 honours Retry-After, and what the
// registry finally holds is pulled back by skopeo byte for byte. Persistent failures end in one line with exit 1/4.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetsDir } from '../../../src/paths.js';
import { baseEnv, kaito } from '../../support/cli.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../../support/fault-proxy.js';
import { pullData, startRegistry, type RealRegistry } from '../../support/registry.js';

const SAMPLE = join(datasetsDir(), 'kaito-ops-prompt-completion.jsonl');
let reg: RealRegistry;
const proxies: FaultProxy[] = [];
const work = mkdtempSync(join(tmpdir(), 'kaito-faults-'));
// small chunks, so one layer is several PATCHes and a resume starts in the middle
const env = baseEnv({ KAITO_REGISTRY_CHUNK_BYTES: String(1024), KAITO_REGISTRY_BACKOFF_MS: '20', DOCKER_CONFIG: join(work, 'none') });

beforeAll(async () => {
  reg = await startRegistry();
}, 60_000);
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await reg?.stop();
});

async function proxy(rules: FaultRule[]): Promise<FaultProxy> {
  const p = await startFaultProxy(reg.host, rules);
  proxies.push(p);
  return p;
}

const PATCH = /\/blobs\/uploads\//;

describe('dataset push through registry faults', () => {
  it('a 500 on a PATCH and a connection cut mid-PATCH: the upload resumes where the registry has the bytes', async () => {
    const p = await proxy([
      { method: 'PATCH', path: PATCH, nth: [2], status: 500 },
      { method: 'PATCH', path: PATCH, nth: [5], cutAfterBytes: 600 },
    ]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/resume:v1`, '--debug'], { env });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(p.log.filter((l) => l.includes('FAULT')), p.log.join('\n')).toHaveLength(2);
    // after each fault the client asked the upload's status (GET on its location) before resuming
    const afterFault = p.log.findIndex((l) => l.startsWith('PATCH') && l.includes('FAULT'));
    expect(p.log[afterFault + 1]).toMatch(/^GET \/v2\/team\/resume\/blobs\/uploads\//);
    expect(r.stderr).toMatch(/asking the registry where to resume/);
    const data = pullData(`${reg.host}/team/resume:v1`);
    expect(readFileSync(join(data, 'kaito-ops-prompt-completion.jsonl')).equals(readFileSync(SAMPLE))).toBe(true);
  });

  it('429 with Retry-After on the blob check is retried', async () => {
    const p = await proxy([{ method: 'HEAD', path: /\/blobs\/sha256:/, nth: [1, 2], status: 429, headers: { 'retry-after': '0' } }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/throttled:v1`], { env });
    expect(r.code).toBe(0);
    expect(p.log.filter((l) => l.includes('FAULT'))).toHaveLength(2);
  });

  it('a registry that keeps answering 503: exit 1 after bounded tries, one line', async () => {
    const p = await proxy([{ method: 'POST', path: PATCH, status: 503 }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/down:v1`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered 503 \(5 tries\)/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(p.log.filter((l) => l.includes('FAULT'))).toHaveLength(5);
  });

  it('a registry that keeps answering 429: exit 1 saying it is rate-limited', async () => {
    const p = await proxy([{ method: 'PUT', path: /\/manifests\//, status: 429, headers: { 'retry-after': '0' } }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/limited:v1`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kept answering 429 Too Many Requests/);
  });

  it('403 on the upload: exit 4', async () => {
    const p = await proxy([{ method: 'POST', path: PATCH, status: 403 }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/denied:v1`], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/denied access to team\/denied \(403\)/);
  });

  it('401 without a challenge on a push: exit 4 naming how to log in', async () => {
    const p = await proxy([{ method: 'GET', path: /^\/v2\/$/, status: 401 }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/who:v1`], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/docker login/);
  });

  it('404 on the upload (no such repository namespace): exit 1 with the registry\'s error code', async () => {
    const p = await proxy([{ method: 'POST', path: PATCH, status: 404 }]);
    const r = await kaito(['dataset', 'push', SAMPLE, `${p.host}/team/missing:v1`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/start an upload: not found in .*team\/missing \(404: INJECTED/);
  });
});
