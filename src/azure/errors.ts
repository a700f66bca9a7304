// ARM and credential failures -> one line with the ARM code and the right exit code.
import { AuthError, InterruptedError, isKaitoError, OperationError, type KaitoError } from '../errors.js';
import { isBrokenConnection } from './transient.js';

interface RestLike { name?: string; code?: string; statusCode?: number; message?: string; details?: unknown; cause?: unknown }

const AUTH_CODES = new Set(['AuthorizationFailed', 'AuthenticationFailed', 'InvalidAuthenticationToken', 'ExpiredAuthenticationToken', 'InvalidAuthenticationTokenAudience', 'InvalidAuthenticationTokenTenant', 'LinkedAuthorizationFailed']);
const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);

function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

/** The ARM code and message of a RestError (the SDK keeps the body's error.code / error.message). */
export function armCode(e: unknown): { code?: string; status?: number; message: string } {
  const r = e as RestLike;
  let code = r?.code;
  let message = r?.message ?? String(e);
  const body = (r?.details as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (body?.code) code = body.code;
  if (body?.message) message = body.message;
  return { code, status: r?.statusCode, message };
}

export function toAzureError(e: unknown, what: string, endpoint?: string): KaitoError {
  if (isKaitoError(e)) return e;
  const r = e as RestLike;
  if (r?.name === 'AbortError') return new InterruptedError();
  // a connection that kept breaking is a network problem, not a sign-in problem (exit 1, not 4)
  if (r?.name && CREDENTIAL_ERRORS.has(r.name) && isBrokenConnection(e))
    return new OperationError(`${what}: could not get a token: the connection to Entra ID was refused or broke, again and again`, 'check the network and the proxy settings, then run the command again', { cause: e });
  if (r?.name && CREDENTIAL_ERRORS.has(r.name)) {
    // a chain only says "ChainedTokenCredential authentication failed."; the reason is in its inner errors
    const inner = ((r as { errors?: Array<{ message?: string }> }).errors ?? []).map((x) => firstLine(x?.message)).find(Boolean);
    // Entra wraps its one useful sentence ("AADSTS700211: No matching federated identity ...") in trace ids
    const aadsts = /AADSTS\d+: [^.]*\./.exec(inner ?? '')?.[0];
    return new AuthError(
      `${what}: no Azure credential worked: ${(aadsts ?? inner ?? firstLine(r.message)).replace(/^[A-Za-z]+Credential: /, '')}`,
      'sign in with `az login` (then --auth cli), or set AZURE_CLIENT_ID/AZURE_TENANT_ID with a secret, certificate or federated token (--auth env|workload)',
      { cause: e },
    );
  }
  const { code, status, message } = armCode(e);
  const msg = firstLine(message);
  if (status === 401 || status === 403 || (code && AUTH_CODES.has(code))) {
    return new AuthError(
      `${what}: ${code ?? `HTTP ${status}`}: ${msg}`,
      status === 403 || code === 'AuthorizationFailed' ? 'ask for a role such as "Azure Kubernetes Service Contributor" on the cluster, or pick another subscription' : 'sign in again (`az login`) or check the AZURE_* credential variables',
      { cause: e },
    );
  }
  if (status === 429 || code === 'TooManyRequests')
    return new OperationError(`${what}: Azure Resource Manager kept throttling the requests (${code ?? '429'}) after retrying`, 'wait a minute and run the command again', { cause: e });
  // a socket error code (ECONNREFUSED, ...) gets the more precise "cannot reach" line below
  if (isBrokenConnection(e) && !(code && /^E[A-Z]+$/.test(code))) return new OperationError(`${what}: the connection to Azure Resource Manager${endpoint ? ` at ${endpoint}` : ''} was refused or broke, again and again`, 'check the network and the proxy settings, then run the command again', { cause: e });
  if (status !== undefined || code) {
    const net = code && /^E[A-Z]+$/.test(code);
    if (net) return new OperationError(`${what}: cannot reach Azure Resource Manager${endpoint ? ` at ${endpoint}` : ''} (${code})`, 'check the network, --arm-endpoint and the proxy settings', { cause: e });
    return new OperationError(`${what}: ${code ? `${code}: ` : ''}${msg}`, undefined, { cause: e });
  }
  const cause = (r?.cause as { code?: string } | undefined)?.code;
  if (cause) return new OperationError(`${what}: cannot reach Azure Resource Manager${endpoint ? ` at ${endpoint}` : ''} (${cause})`, 'check the network, --arm-endpoint and the proxy settings', { cause: e });
  // a failed long-running operation arrives as a plain Error carrying ARM's message
  return new OperationError(`${what}: ${msg}`, undefined, { cause: e });
}
