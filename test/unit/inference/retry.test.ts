import { describe, expect, it } from 'vitest';
import { CHAT_RETRY, isRetryableStatus, nextRetryDelay, parseRetryAfter, type RetryPolicy } from '../../../src/inference/retry.js';

const policy: RetryPolicy = { maxAttempts: 4, baseMs: 100, maxDelayMs: 1000, budgetMs: 5000 };

describe('retry policy', () => {
  it('retries 429 and 503 only', () => {
    expect([429, 503].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 404, 500, 502].some(isRetryableStatus)).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(['3'])).toBe(3000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:04 GMT', now)).toBe(4000);
    expect(parseRetryAfter('Wed, 01 Jan 2024 00:00:04 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('honours Retry-After plus bounded jitter', () => {
    expect(nextRetryDelay(0, 500, 0, policy, () => 0)).toBe(500);
    expect(nextRetryDelay(0, 500, 0, policy, () => 1)).toBe(600);
  });

  it('caps a huge Retry-After at maxDelayMs', () => {
    expect(nextRetryDelay(0, 60_000, 0, policy, () => 0)).toBe(1000);
  });

  it('backs off exponentially without Retry-After', () => {
    const d = [0, 1, 2].map((a) => nextRetryDelay(a, undefined, 0, policy, () => 0.5));
    expect(d).toEqual([100, 200, 400]);
  });

  it('gives up after maxAttempts and when the budget is spent', () => {
    expect(nextRetryDelay(3, undefined, 0, policy, () => 0.5)).toBeUndefined();
    expect(nextRetryDelay(1, 1000, 4500, policy, () => 0)).toBeUndefined();
  });

  it('the chat policy fits a 429 storm of Retry-After: 1 within a minute', () => {
    let elapsed = 0;
    let attempts = 0;
    for (let a = 0; ; a++) {
      const d = nextRetryDelay(a, 1000, elapsed, CHAT_RETRY, () => 1);
      if (d === undefined) break;
      elapsed += d;
      attempts++;
    }
    expect(attempts).toBe(CHAT_RETRY.maxAttempts - 1);
    expect(elapsed).toBeLessThanOrEqual(CHAT_RETRY.budgetMs);
  });
});
