// Per-record checks: what a record must look like for Kaito's trainer to use it (KAITO.md §7). Pure: a
// record in, findings out. Values come from JSON, CSV or parquet, so anything may show up anywhere.
import { Fingerprint } from './fingerprint.js';
import { estimateTokens, TOKENS_PER_MESSAGE, TOKENS_PER_PROMPT_COMPLETION } from './tokens.js';
import type { ProblemKind, RecordFormat } from './types.js';

export const ROLES = ['system', 'user', 'assistant'] as const;

export interface Finding {
  kind: ProblemKind;
  message: string;
}

export interface RecordResult {
  /** the shape the record has, null when it has neither */
  format: RecordFormat | null;
  findings: Finding[];
  /** messages in the record (messages format) */
  turns: number;
  tokens: number;
  /** fingerprint of the training content, 0 when the record is not well-formed */
  fingerprint: number;
}

const present = (v: unknown) => v !== undefined && v !== null;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** The format a record is written in: a `messages` field wins over prompt/completion. */
export function recordFormat(rec: Record<string, unknown>): RecordFormat | null {
  if (present(rec.messages)) return 'messages';
  if (present(rec.prompt) || present(rec.completion)) return 'prompt-completion';
  return null;
}

export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary';
  if (typeof v === 'bigint') return 'a number';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function keysOf(rec: Record<string, unknown>): string {
  const keys = Object.keys(rec);
  if (keys.length === 0) return 'no fields';
  const shown = keys.slice(0, 5).map((k) => JSON.stringify(k.length > 40 ? k.slice(0, 40) + '…' : k));
  return `fields ${shown.join(', ')}${keys.length > 5 ? ', …' : ''}`;
}

/** Checks one record as `expected` (or as whatever it looks like when expected is null). */
export function checkRecord(value: unknown, expected: RecordFormat | null): RecordResult {
  if (!isPlainObject(value)) {
    return { format: null, findings: [{ kind: 'not-an-object', message: `record is ${describe(value)}, not an object` }], turns: 0, tokens: 0, fingerprint: 0 };
  }
  const format = recordFormat(value);
  if (format === null) {
    return {
      format,
      findings: [{ kind: 'unknown-format', message: `neither "messages" nor "prompt"/"completion" found (${keysOf(value)})` }],
      turns: 0,
      tokens: 0,
      fingerprint: 0,
    };
  }
  if (expected !== null && format !== expected) {
    return { format, findings: [], turns: 0, tokens: 0, fingerprint: 0 };
  }
  return format === 'messages' ? checkMessages(value.messages) : checkPromptCompletion(value);
}

function checkMessages(messages: unknown): RecordResult {
  const findings: Finding[] = [];
  const result: RecordResult = { format: 'messages', findings, turns: 0, tokens: 0, fingerprint: 0 };
  if (!Array.isArray(messages)) {
    const hint = typeof messages === 'string' ? ' (a JSON string? store it as a list of {role, content})' : '';
    findings.push({ kind: 'messages-type', message: `"messages" is ${describe(messages)}, not a list${hint}` });
    return result;
  }
  result.turns = messages.length;
  const fp = new Fingerprint();
  let users = 0;
  let assistants = 0;
  let lastRole: string | undefined;
  let wellFormed = true;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isPlainObject(m)) {
      findings.push({ kind: 'message-type', message: `messages[${i}] is ${describe(m)}, not an object with role and content` });
      wellFormed = false;
      lastRole = undefined;
      continue;
    }
    const role = m.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      const shown = typeof role === 'string' ? JSON.stringify(role.slice(0, 40)) : describe(role);
      findings.push({ kind: 'bad-role', message: `messages[${i}].role is ${shown}; use system, user or assistant` });
      wellFormed = false;
    } else {
      if (role === 'user') users++;
      if (role === 'assistant') assistants++;
      if (role === 'system' && i > 0) findings.push({ kind: 'system-not-first', message: `messages[${i}] is a system message; only the first message may be one` });
      if (role === lastRole && role !== 'system') {
        findings.push({ kind: 'not-alternating', message: `messages[${i - 1}] and messages[${i}] are both ${role} turns; many chat templates require user and assistant to alternate` });
      }
    }
    lastRole = typeof role === 'string' ? role : undefined;
    const content = m.content;
    if (typeof content !== 'string') {
      const hint = Array.isArray(content) ? ' (content parts are not supported: use plain text)' : '';
      findings.push({ kind: 'content-type', message: `messages[${i}].content is ${describe(content)}, not a string${hint}` });
      wellFormed = false;
    } else {
      if (content.trim() === '') findings.push({ kind: 'empty-content', message: `messages[${i}].content is empty` });
      result.tokens += estimateTokens(content) + TOKENS_PER_MESSAGE;
      fp.update(typeof role === 'string' ? role : '').update(content);
    }
  }
  if (users === 0) findings.push({ kind: 'no-user', message: 'no user turn: a conversation needs at least one' });
  if (assistants === 0) findings.push({ kind: 'no-assistant', message: 'no assistant turn: there is nothing to learn from' });
  else if (messages.length > 0 && lastRole !== 'assistant') {
    findings.push({ kind: 'last-not-assistant', message: `the conversation ends on ${lastRole ? `a ${lastRole}` : 'a malformed'} turn; it must end on an assistant turn` });
  }
  if (wellFormed) result.fingerprint = fp.digest();
  return result;
}

function checkPromptCompletion(rec: Record<string, unknown>): RecordResult {
  const findings: Finding[] = [];
  const result: RecordResult = { format: 'prompt-completion', findings, turns: 0, tokens: TOKENS_PER_PROMPT_COMPLETION, fingerprint: 0 };
  const fp = new Fingerprint();
  let wellFormed = true;
  for (const field of ['prompt', 'completion'] as const) {
    const v = rec[field];
    if (typeof v !== 'string') {
      findings.push({ kind: field === 'prompt' ? 'prompt-type' : 'completion-type', message: `"${field}" is ${describe(v)}, not a string` });
      wellFormed = false;
      continue;
    }
    if (v.trim() === '') findings.push({ kind: field === 'prompt' ? 'empty-prompt' : 'empty-completion', message: `"${field}" is empty` });
    result.tokens += estimateTokens(v);
    fp.update(v);
  }
  if (wellFormed) result.fingerprint = fp.digest();
  return result;
}
