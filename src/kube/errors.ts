// Turns what client-node and fetch throw into the CLI's typed errors: one line, the right exit code.
import { AuthError, isKaitoError, KaitoError, OperationError, UsageError } from '../errors.js';

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

/** An HTTP error answered by the API server. */
export class KubeApiError extends Error {
  constructor(readonly code: number, readonly status: KubeStatus, readonly retryAfter?: number) {
    super(status.message ?? `HTTP ${code}`);
  }
}

export function parseStatus(body: unknown): KubeStatus {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as KubeStatus;
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  return (body ?? {}) as KubeStatus;
}

/** Code and Status of anything a Kubernetes call threw, or undefined for network errors. */
export function statusOf(e: unknown): { code: number; status: KubeStatus } | undefined {
  if (e instanceof KubeApiError) return { code: e.code, status: e.status };
  const x = e as { code?: unknown; body?: unknown };
  if (e instanceof Error && typeof x.code === 'number' && x.code >= 100 && x.code < 600) return { code: x.code, status: parseStatus(x.body) };
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  return statusOf(e)?.code === 404;
}

export function isConflict(e: unknown): boolean {
  return statusOf(e)?.code === 409;
}

export function isRetryable(e: unknown): boolean {
  const s = statusOf(e);
  if (s) return s.code === 429 || s.code >= 500;
  const code = networkCode(e);
  // an untrusted certificate does not fix itself between attempts
  return code !== undefined && !TLS_TRUST.test(code);
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function networkCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What a user sees when a Kubernetes call fails. `what` says what we were doing: "create workspace x". */
export function toKaitoError(e: unknown, what: string, server?: string): KaitoError {
  if (isKaitoError(e)) return e;
  const s = statusOf(e);
  if (s) {
    const msg = s.status.message ?? `HTTP ${s.code}`;
    if (s.code === 401) return new AuthError(`${what}: the API server says Unauthorized`, 'your credentials are missing or expired: refresh them (e.g. `az aks get-credentials`, `kubelogin`) or check --context');
    if (s.code === 403) return new AuthError(`${what}: forbidden: ${msg}`, 'ask for RBAC permissions on this namespace/resource, or use another --context');
    if (s.code === 422 || s.code === 400) {
      const causes = (s.status.details?.causes ?? []).map((c) => `${c.field ? c.field + ': ' : ''}${c.message ?? c.reason ?? ''}`);
      return new UsageError(`${what}: rejected by the API server: ${msg}`, 'fix the flags or manifest; nothing was changed', causes.length > 1 ? causes : []);
    }
    if (s.code === 404) return new OperationError(`${what}: not found: ${msg}`);
    return new OperationError(`${what}: ${msg} (HTTP ${s.code})`);
  }
  const code = networkCode(e);
  const where = server ? ` at ${server}` : '';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new OperationError(`${what}: cannot reach the API server${where} (${code})`, 'check the cluster is running and the kube context is right (`kubectl cluster-info`)', { cause: e });
  if (code && TLS_TRUST.test(code))
    return new OperationError(`${what}: the API server's TLS certificate is not trusted${where} (${code})`, 'the kubeconfig needs the cluster CA (certificate-authority-data); for the sandbox run `eval "$(kaito sandbox env)"`', { cause: e });
  const m = (e as Error)?.message ?? String(e);
  // fetch refuses some ports outright (the WHATWG "bad port" list: 1, 6000, 6665-6669, ...); say so in the one line
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  if (cause === 'bad port') {
    const port = server ? new URL(server).port : '';
    return new OperationError(`${what}: the API server${where} is on port ${port || '?'}, which Node's HTTP client refuses ("bad port", a port browsers block)`, 'expose the API server on another port (e.g. 6443) and update the kubeconfig', { cause: e });
  }
  return new OperationError(`${what}: ${m.split('\n')[0]}${cause && m === 'fetch failed' ? `: ${cause}` : ''}`, undefined, { cause: e });
}
