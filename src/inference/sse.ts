// Server-sent events of an OpenAI streaming chat completion: `data: {chunk}` lines ending with
// `data: [DONE]`. eventsource-parser does the framing (partial lines, CRLF, comments); this file turns
// events into deltas and notices the two ways a stream can go wrong: an error event and a cut stream.
import { createParser } from 'eventsource-parser';
import { OperationError } from '../errors.js';
import type { Usage } from './types.js';

export interface ChatDelta {
  content?: string;
  finish_reason?: string | null;
  model?: string;
  usage?: Usage | null;
}

/** Extracts what the CLI needs from one chat.completion.chunk (unknown shapes give an empty delta). */
export function deltaFromChunk(chunk: unknown): ChatDelta {
  const c = chunk as {
    model?: string;
    usage?: Usage | null;
    error?: { message?: string } | string;
    choices?: Array<{ delta?: { content?: string | null }; text?: string; finish_reason?: string | null }>;
  };
  if (c && c.error) {
    const msg = typeof c.error === 'string' ? c.error : c.error.message ?? 'unknown error';
    throw new OperationError(`the inference server reported an error mid-stream: ${msg}`);
  }
  const out: ChatDelta = {};
  if (typeof c?.model === 'string') out.model = c.model;
  if (c?.usage) out.usage = c.usage;
  const choice = c?.choices?.[0];
  if (choice) {
    const text = choice.delta?.content ?? choice.text;
    if (typeof text === 'string' && text !== '') out.content = text;
    if (choice.finish_reason) out.finish_reason = choice.finish_reason;
  }
  return out;
}

/**
 * Reads an SSE body and calls onDelta for every chunk as soon as its bytes arrive (no buffering of the
 * answer). Resolves true when `[DONE]` was seen, false when the body ended without it.
 */
export async function readChatStream(body: AsyncIterable<Uint8Array | string>, onDelta: (d: ChatDelta) => void): Promise<boolean> {
  let done = false;
  let failure: unknown;
  const parser = createParser({
    onEvent(ev) {
      if (done || failure) return;
      const data = ev.data.trim();
      if (data === '[DONE]') {
        done = true;
        return;
      }
      if (data === '') return;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        failure = new OperationError(`the inference server sent a malformed stream event: ${data.slice(0, 120)}`);
        return;
      }
      try {
        onDelta(deltaFromChunk(json));
      } catch (e) {
        failure = e;
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
    if (done) break;
  }
  if (!done) {
    parser.feed(decoder.decode());
    parser.reset({ consume: true });
  }
  if (failure) throw failure;
  return done;
}
