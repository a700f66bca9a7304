// The REPL's commands over plain streams (the real terminal, Ctrl-C and raw mode are covered by the
// tmux e2e test).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ChatClient, ChatRequest } from '../../../src/inference/client.js';
import { runRepl } from '../../../src/inference/repl.js';
import { ChatSession } from '../../../src/inference/session.js';

function setup() {
  const calls: ChatRequest[] = [];
  const fake = {
    async chat(req: ChatRequest) {
      calls.push(req);
      const content = `A${calls.length}`;
      req.onToken?.(content);
      return { model: req.model, content, finish_reason: 'stop', usage: null, ttft_ms: 1, latency_ms: 1 };
    },
  } as unknown as ChatClient;
  const session = new ChatSession(fake, 'm1', undefined, {}, true, [{ id: 'm1' }, { id: 'm2' }]);
  const input = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (d) => (outText += d));
  err.on('data', (d) => (errText += d));
  const ac = new AbortController();
  const done = runRepl(session, { input, out, err, terminal: false }, 'hello', ac.signal);
  const waitErr = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(errText); i++) await new Promise((r) => setTimeout(r, 5));
    expect(errText).toMatch(re);
  };
  return { calls, session, input, done, out: () => outText, err: () => errText, waitErr };
}

describe('REPL commands', () => {
  it('sends history every turn, /set, /model, /system, /clear, /save, /exit', async () => {
    const r = setup();
    const file = join(mkdtempSync(join(tmpdir(), 'repl-')), 'c.json');
    r.input.write('first\n');
    await r.waitErr(/> .*> /s);
    r.input.write('/set temperature 0.7\n/set top_p 2\n/model m2\n/model zz\n/system be short\nsecond\n');
    await r.waitErr(/system prompt set/);
    for (let i = 0; i < 200 && r.calls.length < 2; i++) await new Promise((res) => setTimeout(res, 5));
    expect(r.calls[1]).toMatchObject({ model: 'm2', params: { temperature: 0.7 } });
    expect(r.calls[1].messages).toEqual([
      { role: 'system', content: 'be short' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'second' },
    ]);
    expect(r.err()).toContain('top_p must be greater than 0 and at most 1');
    expect(r.err()).toContain('model "zz" is not served');
    r.input.write(`/save ${file}\n/clear\nthird\n/bogus\n/exit\n`);
    expect(await r.done).toBe(0);
    expect(r.calls[2].messages).toEqual([{ role: 'system', content: 'be short' }, { role: 'user', content: 'third' }]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ model: 'm2', system: 'be short', params: { temperature: 0.7 } });
    expect(r.out()).toBe('A1\nA2\nA3\n');
    expect(r.err()).toContain('unknown command /bogus');
  });

  it('end of input (Ctrl-D) leaves with 0', async () => {
    const r = setup();
    r.input.end();
    expect(await r.done).toBe(0);
  });
});
