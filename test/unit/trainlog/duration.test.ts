import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['6h', 6 * 3_600_000],
    ['1h30m', 90 * 60_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['2d', 2 * 86_400_000],
    ['1.5h', 90 * 60_000],
    ['30', 30_000],
    [' 10M ', 600_000],
    ['1h0m5s', 3_605_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '10x', 'h', '1h-5m', '-5m', '5 m'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [42_000, '42s'],
    [310_000, '5m10s'],
    [5_400_000, '1h30m'],
    [90_000_000, '1d1h'],
    [0, '0ms'],
  ])('%d -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
