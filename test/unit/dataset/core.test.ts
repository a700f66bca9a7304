// The pure pieces behind the report: token estimate, bounded histogram, fingerprints.
import { describe, expect, it } from 'vitest';
import { Fingerprint, FingerprintSet } from '../../../src/core/dataset/fingerprint.js';
import { Histogram } from '../../../src/core/dataset/histogram.js';
import { estimateTokens } from '../../../src/core/dataset/tokens.js';
import { checkRecord } from '../../../src/core/dataset/checks.js';

describe('estimateTokens', () => {
  it('counts four ASCII characters per token, rounding up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
  });
  it('counts each non-ASCII character as a token, surrogate pairs once', () => {
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('ok 🙂')).toBe(1 + 1);
  });
});

describe('Histogram', () => {
  it('gives exact quantiles for small values', () => {
    const h = new Histogram();
    for (let i = 1; i <= 100; i++) h.add(i);
    expect([h.quantile(0.5), h.quantile(0.9), h.max, h.total]).toEqual([50, 90, 100, 5050]);
  });
  it('stays within 2 % for large values', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.add(i * 1000);
    expect(Math.abs(h.quantile(0.5) - 500_000) / 500_000).toBeLessThan(0.02);
    expect(h.max).toBe(1_000_000);
  });
  it('is zero when empty', () => {
    expect(new Histogram().quantile(0.5)).toBe(0);
  });
});

describe('fingerprints', () => {
  const fp = (...s: string[]) => s.reduce((f, x) => f.update(x), new Fingerprint()).digest();
  it('separates field boundaries', () => {
    expect(fp('ab', 'c')).not.toBe(fp('a', 'bc'));
    expect(fp('user', 'hi')).toBe(fp('user', 'hi'));
  });
  it('finds the first record of a duplicate across table growth', () => {
    const set = new FingerprintSet();
    for (let i = 0; i < 20_000; i++) expect(set.add(fp(`r${i}`), i)).toBe(-1);
    expect(set.add(fp('r123'), 20_000)).toBe(123);
    expect(set.add(fp('r19999'), 20_001)).toBe(19_999);
  });
  it('is the same for the same content however the record was spelt', () => {
    const a = checkRecord({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }, null);
    const b = checkRecord({ messages: [{ content: 'q', role: 'user', extra: 1 }, { content: 'a', role: 'assistant' }] }, null);
    expect(a.fingerprint).not.toBe(0);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});
