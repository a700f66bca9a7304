// The two faults the campaign added to the sandbox: slow=MS holds every Kubernetes/ARM response back,
// reset=P destroys the connection in the middle of the body. Plus the open-connection counter.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/sandbox/context.js';
import { startCampaignSandbox, type CampaignSandbox } from './sandbox.js';

function get(sb: CampaignSandbox, path: string, timeoutMs = 10_000): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(`${sb.url}${path}`, { ca: sb.caPem, headers: { authorization: `Bearer ${sb.token}` }, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ status: res.statusCode, body, error: e.message }));
      res.on('aborted', () => resolve({ status: res.statusCode, body, error: 'aborted' }));
    });
    req.on('error', (e) => resolve({ body: '', error: e.message }));
    req.end();
  });
}

describe('sandbox faults slow= and reset=', () => {
  let sb: CampaignSandbox;
  beforeAll(async () => {
    sb = await startCampaignSandbox();
  });
  afterAll(async () => {
    await sb?.dispose();
  });

  it('parses slow=MS and reset=P and refuses bad values', () => {
    expect(parseFaults(['slow=250', 'reset=0.1'])).toMatchObject({ slowMs: 250, reset: 0.1 });
    expect(() => parseFaults(['reset=2'])).toThrow(/reset takes a number from 0 to 1/);
    expect(() => parseFaults(['slow=-1'])).toThrow(/slow/);
    expect(() => parseFaults(['slow'])).toThrow(/slow/);
  });

  it('reset=1 cuts every answer mid-body: the client sees a truncated body or a broken connection', async () => {
    sb.ctx.faults.reset = 1;
    try {
      for (const path of ['/api/v1/namespaces', '/apis/kaito.sh/v1beta1/workspaces']) {
        const r = await get(sb, path);
        const complete = r.status === 200 && !r.error && (() => { try { JSON.parse(r.body); return true; } catch { return false; } })();
        expect(complete, `${path}: ${JSON.stringify(r).slice(0, 200)}`).toBe(false);
      }
    } finally {
      sb.ctx.faults.reset = 0;
    }
    const ok = await get(sb, '/api/v1/namespaces');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).kind).toBe('NamespaceList');
  });

  it('slow=MS holds the answer back (a client that gives up earlier gets nothing) and the answer is intact', async () => {
    sb.ctx.faults.slowMs = 3000;
    try {
      const early = await get(sb, '/api/v1/namespaces', 300);
      expect(early.status).toBeUndefined();
      expect(early.error).toBeDefined();
    } finally {
      sb.ctx.faults.slowMs = 0;
    }
    sb.ctx.faults.slowMs = 50;
    try {
      const r = await get(sb, '/api/v1/namespaces');
      expect(JSON.parse(r.body).kind).toBe('NamespaceList');
    } finally {
      sb.ctx.faults.slowMs = 0;
    }
  });

  it('counts open connections and drops back when clients close', async () => {
    const base = sb.connections();
    await get(sb, '/api/v1/namespaces');
    const until = Date.now() + 5000;
    while (sb.connections() > base && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(sb.connections()).toBe(base);
  });
});
