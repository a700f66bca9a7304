// Deterministic, clearly-labelled answers: the same conversation to the same model always gets the same
// text, built from a hash of both, so tests and demos are reproducible and nobody mistakes it for a model.
import { createHash } from 'node:crypto';

const WORDS = (
  'the workspace node adapter model cluster tokens answer request sandbox emulated kaito inference gpu preset ' +
  'deterministic reply latency stream prompt context weights runtime service pod ready quota training dataset ' +
  'epoch loss result example value simple local test output batch signal schedule replica endpoint'
).split(' ');

export interface Generated { tokens: string[]; naturalLength: number }

/** Tokens of the answer (words with their leading space); `naturalLength` is where it would stop on its own. */
export function generate(model: string, conversation: unknown, maxTokens?: number): Generated {
  const h = createHash('sha256').update(model).update('\0').update(JSON.stringify(conversation ?? '')).digest();
  const tag = h.toString('hex').slice(0, 8);
  const head = `[emulated] This is the Kaito sandbox answering as ${model} (no GPU, no real model; reply ${tag}).`;
  const tokens = head.split(' ').map((w, i) => (i ? ` ${w}` : w));
  const extra = 12 + (h[0] % 28);
  for (let i = 0; i < extra; i++) tokens.push(` ${WORDS[h[(i + 1) % h.length] % WORDS.length]}`);
  tokens[tokens.length - 1] += '.';
  const naturalLength = tokens.length;
  const limit = maxTokens !== undefined && maxTokens > 0 ? Math.floor(maxTokens) : naturalLength;
  return { tokens: tokens.slice(0, Math.min(limit, naturalLength)), naturalLength };
}

/** Rough token count of a prompt, the way usage numbers look (about 1.3 tokens per word). */
export function countTokens(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.ceil(words * 1.3));
}
