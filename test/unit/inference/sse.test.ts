import { describe, expect, it } from 'vitest';
import { deltaFromChunk, readChatStream, type ChatDelta } from '../../../src/inference/sse.js';

async function* pieces(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

describe('readChatStream', () => {
  it('delivers each delta as its event completes, across arbitrary chunk boundaries', async () => {
    const seen: ChatDelta[] = [];
    const done = await readChatStream(
      pieces('data: {"model":"m","choices":[{"delta":{"content":"Hel', 'lo"}}]}\n', '\ndata: {"choices":[{"delta":{"content":" wor', 'ld"},"finish_reason":null}]}\r\n\r\n: keep-alive comment\n\n', 'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: {"choices":[],"usage":{"total_tokens":5}}\n\ndata: [DONE]\n\n'),
      (d) => seen.push(d),
    );
    expect(done).toBe(true);
    expect(seen.map((d) => d.content).filter(Boolean).join('')).toBe('Hello world');
    expect(seen.find((d) => d.finish_reason)?.finish_reason).toBe('stop');
    expect(seen.find((d) => d.usage)?.usage).toEqual({ total_tokens: 5 });
    expect(seen[0].model).toBe('m');
  });

  it('splits a multi-byte character across chunks without garbling it', async () => {
    const bytes = new TextEncoder().encode('data: {"choices":[{"delta":{"content":"é✓"}}]}\n\ndata: [DONE]\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    async function* two() {
      yield bytes.slice(0, cut);
      yield bytes.slice(cut);
    }
    let text = '';
    await readChatStream(two(), (d) => (text += d.content ?? ''));
    expect(text).toBe('é✓');
  });

  it('reports a stream cut before [DONE]', async () => {
    const done = await readChatStream(pieces('data: {"choices":[{"delta":{"content":"par"}}]}\n\n'), () => {});
    expect(done).toBe(false);
  });

  it('turns an error event into an OperationError', async () => {
    await expect(readChatStream(pieces('data: {"error":{"message":"CUDA out of memory"}}\n\n'), () => {})).rejects.toThrow(/CUDA out of memory/);
  });

  it('rejects malformed JSON naming the data', async () => {
    await expect(readChatStream(pieces('data: {nope\n\n'), () => {})).rejects.toThrow(/malformed stream event: \{nope/);
  });

  it('stops reading at [DONE]', async () => {
    let n = 0;
    const done = await readChatStream(pieces('data: [DONE]\n\n', 'data: {"choices":[{"delta":{"content":"late"}}]}\n\n'), () => n++);
    expect(done).toBe(true);
    expect(n).toBe(0);
  });
});

describe('deltaFromChunk', () => {
  it('reads legacy completion chunks (text) too', () => {
    expect(deltaFromChunk({ choices: [{ text: 'x', finish_reason: 'length' }] })).toEqual({ content: 'x', finish_reason: 'length' });
  });
  it('ignores unknown shapes', () => {
    expect(deltaFromChunk({ foo: 1 })).toEqual({});
  });
});
