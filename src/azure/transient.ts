// Connections that break in the middle of an answer (a reset, a proxy dying, "aborted" while the body is
// read) are not retried by the Azure SDK's own retry policy, which only sees complete answers and a few
// socket errors. ARM calls are idempotent (GET, PUT of a whole resource, DELETE), and so is asking Entra ID
// for a token, so such failures are retried here a few times before they surface.
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

const BROKEN = /\baborted\b|ECONNRESET|EPIPE|socket hang up|other side closed|\bterminated\b|UND_ERR_SOCKET|network_error|endpoints_resolution_error|ECONNREFUSED/i;

/** Is this (or anything it wraps) a broken or refused connection rather than an answer? */
export function isBrokenConnection(e: unknown, depth = 0): boolean {
  if (!e || depth > 5) return false;
  const x = e as { message?: unknown; code?: unknown; cause?: unknown; errors?: unknown; errorCode?: unknown; statusCode?: unknown };
  // an HTTP answer is an answer, whatever its text says
  if (typeof x.statusCode === 'number' && x.statusCode > 0) return false;
  if ((typeof x.message === 'string' && BROKEN.test(x.message)) || (typeof x.code === 'string' && BROKEN.test(x.code)) || (typeof x.errorCode === 'string' && BROKEN.test(x.errorCode))) return true;
  if (Array.isArray(x.errors) && x.errors.some((i) => isBrokenConnection(i, depth + 1))) return true;
  return isBrokenConnection(x.cause, depth + 1);
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const pause = (ms: number, signal?: { addEventListener(t: "abort", f: () => void, o?: { once: boolean }): void }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export function brokenConnectionRetryPolicy(attempts = 4): PipelinePolicy {
  return {
    name: 'kaitoBrokenConnectionRetry',
    async sendRequest(req, next) {
      for (let i = 1; ; i++) {
        try {
          return await next(req);
        } catch (e) {
          if (i >= attempts || !IDEMPOTENT.has(req.method) || req.abortSignal?.aborted || !isBrokenConnection(e)) throw e;
          await pause(100 * 2 ** i, req.abortSignal);
        }
      }
    },
  };
}

export function retryingCredential(inner: TokenCredential, attempts = 4): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      for (let i = 1; ; i++) {
        try {
          return await inner.getToken(scopes, options);
        } catch (e) {
          if (i >= attempts || options?.abortSignal?.aborted || !isBrokenConnection(e)) throw e;
          await pause(100 * 2 ** i, options?.abortSignal);
        }
      }
    },
  };
}
