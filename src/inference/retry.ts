// When to retry an inference request and how long to wait. Kaito's servers answer 429 when their queue
// is full and 503 while a pod (re)starts; both are worth a bounded wait. Pure: the clock and the dice
// are parameters so the policy is tested without sleeping.

export interface RetryPolicy {
  /** attempts in total, the first one included */
  maxAttempts: number;
  /** first backoff step without Retry-After */
  baseMs: number;
  /** no single wait is longer than this (a huge Retry-After is capped) */
  maxDelayMs: number;
  /** give up when the next wait would end later than this after the first attempt */
  budgetMs: number;
}

/** `kaito chat`: patient enough for a 429 storm, bounded so a dead server fails within a minute. */
export const CHAT_RETRY: RetryPolicy = { maxAttempts: 10, baseMs: 250, maxDelayMs: 8_000, budgetMs: 60_000 };

/** `kaito proxy`: clients (the openai SDK) retry themselves; the proxy only bridges a pod restart. */
export const PROXY_RETRY: RetryPolicy = { maxAttempts: 8, baseMs: 200, maxDelayMs: 2_000, budgetMs: 15_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | null | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/**
 * How long to wait before attempt number `attempt + 1` (attempt counts from 0), or undefined to give up.
 * With Retry-After the server's wish is honoured plus a little jitter (so a storm of clients does not
 * come back in lock-step); without it, exponential backoff with jitter.
 */
export function nextRetryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  elapsedMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (attempt + 1 >= policy.maxAttempts) return undefined;
  let delay: number;
  if (retryAfterMs !== undefined) delay = retryAfterMs + random() * Math.min(1000, policy.baseMs * (attempt + 1));
  else delay = policy.baseMs * 2 ** attempt * (0.5 + random());
  delay = Math.min(policy.maxDelayMs, Math.round(delay));
  if (elapsedMs + delay > policy.budgetMs) return undefined;
  return delay;
}

/** Sleeps, waking early (and rejecting with the signal's reason) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
