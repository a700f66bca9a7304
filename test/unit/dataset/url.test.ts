// URL validation against the sandbox's dataset handler over real HTTPS on 127.0.0.1, reached by its host
// name through KAITO_RESOLVE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDataset } from '../../../src/dataset/index.js';
import { httpGet } from '../../../src/net/http.js';
import { parseResolve } from '../../../src/net/resolve.js';
import { startDatasetHost, type TestHost } from './support/host.js';

let host: TestHost;
beforeAll(async () => {
  host = await startDatasetHost();
});
afterAll(async () => host?.close());

const opts = () => ({ env: { KAITO_RESOLVE: host.resolve }, http: { ca: host.tls.caPem, timeoutMs: 5000, idleTimeoutMs: 5000, deadlineMs: 20_000 } });

describe('dataset URLs', () => {
  it('validates jsonl over HTTPS and matches the local file', async () => {
    const r = await validateDataset(`${host.base}/kaito-ops-messages.jsonl`, opts());
    expect(r).toMatchObject({ valid: true, fileType: 'jsonl', format: 'messages' });
    expect(r.source).toBe(`${host.base}/kaito-ops-messages.jsonl`);
    expect(r.stats.records).toBe(300);
  });

  it('reads parquet with range requests', async () => {
    const before = host.requestLog.length;
    const r = await validateDataset(`${host.base}/kaito-ops-prompt-completion.parquet`, opts());
    expect(r).toMatchObject({ valid: true, fileType: 'parquet', format: 'prompt-completion' });
    expect(r.stats.records).toBe(300);
    const log = host.requestLog.slice(before);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((e) => e.status === 206 && e.api === 'dataset')).toBe(true);
  });

  it('404 is a usage error', async () => {
    await expect(validateDataset(`${host.base}/missing.jsonl`, opts())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('not found (HTTP 404)') });
    await expect(validateDataset(`${host.base}/missing.parquet`, opts())).rejects.toMatchObject({ exitCode: 2 });
  });

  it('a redirect loop ends with a clear error', async () => {
    await expect(validateDataset(`${host.base}/redirect-loop`, opts())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('redirects in a loop') });
  });

  it('an HTML page is refused', async () => {
    await expect(validateDataset(`${host.base}/html`, opts())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('HTML page') });
  });

  it('a server that dribbles bytes times out', async () => {
    const o = opts();
    await expect(validateDataset(`${host.base}/slow`, { ...o, http: { ...o.http, deadlineMs: 800 } })).rejects.toMatchObject({ exitCode: 5 });
  });

  it('Ctrl-C stops a slow download', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(validateDataset(`${host.base}/slow`, { ...opts(), signal: ac.signal })).rejects.toMatchObject({ exitCode: 130 });
  });

  it('TLS is verified: without the CA the request fails', async () => {
    await expect(validateDataset(`${host.base}/kaito-ops-messages.jsonl`, { env: { KAITO_RESOLVE: host.resolve } })).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('TLS certificate'),
    });
  });

  it('serves HEAD, ranges and 416 like blob storage', async () => {
    const get = (path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
      httpGet(`${host.base}${path}`, { env: { KAITO_RESOLVE: host.resolve }, ca: host.tls.caPem, headers, method });
    const head = await get('/kaito-ops-messages.parquet', {}, 'HEAD');
    const size = Number(head.headers['content-length']);
    expect(head.status).toBe(200);
    expect(head.headers['accept-ranges']).toBe('bytes');
    head.done();
    const tail = await get('/kaito-ops-messages.parquet', { range: 'bytes=-4' });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes ${size - 4}-${size - 1}/${size}`);
    let body = '';
    for await (const c of tail.body) body += c.toString('latin1');
    expect(body).toBe('PAR1');
    tail.done();
    const bad = await get('/kaito-ops-messages.parquet', { range: `bytes=${size + 10}-` });
    expect(bad.status).toBe(416);
    bad.done();
    const trav = await get('/..%2Fpackage.json');
    expect(trav.status).toBe(404);
    trav.done();
  });
});

describe('KAITO_RESOLVE', () => {
  it('parses host=ip pairs and rejects junk with every problem listed', () => {
    expect([...parseResolve('a.test=127.0.0.1, B.test=::1')]).toEqual([['a.test', '127.0.0.1'], ['b.test', '::1']]);
    expect(() => parseResolve('a.test=nothost,b.test')).toThrow(expect.objectContaining({ exitCode: 2, problems: expect.arrayContaining([expect.any(String), expect.any(String)]) }));
  });
});
