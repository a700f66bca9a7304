// Found by the campaign (reset fault): ARM answers cut mid-body and Entra ID metadata cut mid-body were not
// retried, and the latter surfaced as "no Azure credential worked" (exit 4) instead of a network failure.
import { describe, expect, it } from 'vitest';
import { brokenConnectionRetryPolicy, isBrokenConnection, retryingCredential } from '../../src/azure/transient.js';
import { toAzureError } from '../../src/azure/errors.js';

const aborted = Object.assign(new Error('Error reading response as text: aborted'), { code: 'PARSE_ERROR' });

describe('broken connections on the Azure path', () => {
  it('recognises broken connections, also wrapped, but not HTTP answers', () => {
    expect(isBrokenConnection(aborted)).toBe(true);
    expect(isBrokenConnection({ message: 'ChainedTokenCredential authentication failed.', errors: [{ message: 'endpoints_resolution_error: see ...' }] })).toBe(true);
    expect(isBrokenConnection(new Error('x', { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isBrokenConnection({ message: 'aborted', statusCode: 500 })).toBe(false);
    expect(isBrokenConnection(new Error('AuthorizationFailed'))).toBe(false);
  });

  it('retries idempotent requests whose connection broke, never a POST, and gives up after the attempts', async () => {
    const policy = brokenConnectionRetryPolicy(3);
    let calls = 0;
    const res = await policy.sendRequest({ method: 'GET' } as never, async () => {
      if (++calls < 3) throw aborted;
      return { status: 200 } as never;
    });
    expect(res).toEqual({ status: 200 });
    expect(calls).toBe(3);
    calls = 0;
    await expect(policy.sendRequest({ method: 'POST' } as never, async () => (calls++, Promise.reject(aborted)))).rejects.toBe(aborted);
    expect(calls).toBe(1);
    calls = 0;
    await expect(policy.sendRequest({ method: 'PUT' } as never, async () => (calls++, Promise.reject(aborted)))).rejects.toBe(aborted);
    expect(calls).toBe(3);
  });

  it('asks for a token again when the connection broke, not when sign-in failed', async () => {
    let calls = 0;
    const flaky = retryingCredential({ getToken: async () => (++calls < 2 ? Promise.reject({ name: 'AggregateAuthenticationError', message: 'endpoints_resolution_error' }) : { token: 't', expiresOnTimestamp: 1 }) });
    expect(await flaky.getToken('s')).toEqual({ token: 't', expiresOnTimestamp: 1 });
    calls = 0;
    const denied = retryingCredential({ getToken: async () => (calls++, Promise.reject({ name: 'AuthenticationError', message: 'AADSTS700016: application not found' })) });
    await expect(denied.getToken('s')).rejects.toMatchObject({ name: 'AuthenticationError' });
    expect(calls).toBe(1);
  });

  it('an ARM answer cut mid-body is a network failure (exit 1); a refused connection keeps its precise line', () => {
    const cut = toAzureError(aborted, 'reading node pool p');
    expect(cut.exitCode).toBe(1);
    expect(cut.message).toMatch(/refused or broke/);
    const refused = toAzureError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'reading node pool p', 'https://127.0.0.1:1');
    expect(refused.message).toMatch(/cannot reach Azure Resource Manager at https:\/\/127.0.0.1:1 \(ECONNREFUSED\)/);
  });

  it('a credential failure caused by a broken connection is exit 1, a real one exit 4', () => {
    expect(toAzureError({ name: 'AggregateAuthenticationError', message: 'ChainedTokenCredential authentication failed.', errors: [{ message: 'endpoints_resolution_error' }] }, 'reading AKS cluster').exitCode).toBe(1);
    expect(toAzureError({ name: 'AggregateAuthenticationError', message: 'ChainedTokenCredential authentication failed.', errors: [{ message: 'AADSTS7000215: invalid client secret' }] }, 'reading AKS cluster').exitCode).toBe(4);
  });
});
