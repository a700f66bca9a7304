// Found by the campaign (api-5xx fault): `kaito proxy` passed a 500 that the Kubernetes API server itself
// answered (a Status: the request never reached the model) straight to the OpenAI client.
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../../src/inference/proxy-server.js';
import type { Transport, UpstreamResponse } from '../../src/inference/transport.js';

const STATUS_500 = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Internal error occurred', code: 500 });

function transport(replies: Array<{ status: number; body: string }>): Transport & { calls: number } {
  const t = {
    description: 'fake',
    calls: 0,
    async request(): Promise<UpstreamResponse> {
      t.calls++;
      const r = replies.shift()!;
      return { status: r.status, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(r.body)) }, body: Readable.from([Buffer.from(r.body)]) as never };
    },
    async close() {},
  };
  return t;
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('proxy and API-server 5xx', () => {
  it('sends the request again after a 500 that is a Kubernetes Status, and relays the real answer', async () => {
    const t = transport([{ status: 500, body: STATUS_500 }, { status: 200, body: '{"data":[{"id":"m"}]}' }]);
    const p = await startProxy({ transport: t, port: 0, retry: { maxAttempts: 4, baseMs: 1, maxDelayMs: 5, budgetMs: 5000 } });
    close = p.close;
    const res = await fetch(`${p.url}/models`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [{ id: 'm' }] });
    expect(t.calls).toBe(2);
  });

  it('relays a 500 of the model itself at once, body intact', async () => {
    const body = JSON.stringify({ error: { message: 'CUDA out of memory' } });
    const t = transport([{ status: 500, body }]);
    const p = await startProxy({ transport: t, port: 0, retry: { maxAttempts: 4, baseMs: 1, maxDelayMs: 5, budgetMs: 5000 } });
    close = p.close;
    const res = await fetch(`${p.url}/models`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe(body);
    expect(t.calls).toBe(1);
  });
});
