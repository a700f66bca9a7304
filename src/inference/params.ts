// Sampling parameters from flags and from the REPL's /set, validated the same way.
import { UsageError } from '../errors.js';
import type { SamplingParams } from './types.js';

type Key = keyof SamplingParams;

/** Accepted spellings (flags use dashes, the API underscores). */
const KEYS: Record<string, Key> = {
  temperature: 'temperature',
  max_tokens: 'max_tokens',
  'max-tokens': 'max_tokens',
  top_p: 'top_p',
  'top-p': 'top_p',
};

export const PARAM_NAMES = ['temperature', 'max_tokens', 'top_p'];

export function paramKey(name: string): Key | undefined {
  return KEYS[name.toLowerCase()];
}

/** Checks one value; returns the number or a problem line. */
export function parseParam(key: Key, raw: string): number | string {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) return `${key} must be a number (got "${raw}")`;
  switch (key) {
    case 'temperature':
      return n >= 0 && n <= 2 ? n : `temperature must be between 0 and 2 (got ${raw})`;
    case 'top_p':
      return n > 0 && n <= 1 ? n : `top_p must be greater than 0 and at most 1 (got ${raw})`;
    case 'max_tokens':
      return Number.isInteger(n) && n >= 1 ? n : `max_tokens must be a whole number >= 1 (got ${raw})`;
  }
}

/** Parses --temperature / --max-tokens / --top-p, reporting every bad value at once. */
export function paramsFromFlags(flags: { temperature?: string; maxTokens?: string; topP?: string }): SamplingParams {
  const out: SamplingParams = {};
  const problems: string[] = [];
  const take = (key: Key, flag: string, raw: string | undefined) => {
    if (raw === undefined) return;
    const v = parseParam(key, raw);
    if (typeof v === 'string') problems.push(`${flag}: ${v}`);
    else out[key] = v;
  };
  take('temperature', '--temperature', flags.temperature);
  take('max_tokens', '--max-tokens', flags.maxTokens);
  take('top_p', '--top-p', flags.topP);
  if (problems.length === 1) throw new UsageError(problems[0], 'fix the value and run again');
  if (problems.length > 1) throw new UsageError(`${problems.length} invalid sampling flags`, 'fix the values and run again', problems);
  return out;
}
