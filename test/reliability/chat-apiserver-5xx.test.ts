// Found by the campaign (api-5xx fault): `kaito chat` gave up on the first 500 that the Kubernetes API
// server itself answered on the service-proxy path, although the request never reached the model.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChatClient } from '../../src/inference/client.js';
import type { Transport, UpstreamResponse } from '../../src/inference/transport.js';

const STATUS_500 = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Internal error occurred', code: 500 });
const MODELS = JSON.stringify({ data: [{ id: 'm' }] });

function transport(replies: Array<{ status: number; body: string }>): Transport & { calls: number } {
  const t = {
    description: 'fake',
    calls: 0,
    async request(): Promise<UpstreamResponse> {
      t.calls++;
      const r = replies.shift()!;
      return { status: r.status, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(r.body)]) as never };
    },
    async close() {},
  };
  return t;
}

const client = (t: Transport) => new ChatClient(t, { sleep: async () => undefined, random: () => 0.5 });

describe('chat client and API-server 5xx', () => {
  it('asks again after a 500 that is a Kubernetes Status', async () => {
    const t = transport([{ status: 500, body: STATUS_500 }, { status: 500, body: STATUS_500 }, { status: 200, body: MODELS }]);
    expect(await client(t).listModels()).toEqual([{ id: 'm' }]);
    expect(t.calls).toBe(3);
  });

  it('a 500 from the model itself goes back at once, with its body', async () => {
    const t = transport([{ status: 500, body: JSON.stringify({ error: { message: 'CUDA out of memory' } }) }]);
    await expect(client(t).listModels()).rejects.toThrow(/500.*CUDA out of memory|CUDA out of memory/);
    expect(t.calls).toBe(1);
  });

  it('gives up after a bounded number of API-server 500s', async () => {
    const t = transport(Array.from({ length: 10 }, () => ({ status: 500, body: STATUS_500 })));
    await expect(client(t).listModels()).rejects.toThrow(/500|Internal error/);
    expect(t.calls).toBeLessThanOrEqual(4);
  });
});
