// One authenticated connection to Azure Resource Manager: the cloud, the credential, the AKS client and a
// plain REST client for the few calls the AKS SDK does not cover (Compute usages, managed cluster lookups
// are in the SDK). Every request is traced with --debug (the bearer token never is).
import { getClient, type Client } from '@azure-rest/core-client';
import type { TokenCredential } from '@azure/identity';
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { resolveArmCloud, type ArmCloud } from './cloud.js';
import { createCredential, parseAuthMethod, type AuthMethod } from './credential.js';
import { brokenConnectionRetryPolicy, retryingCredential } from './transient.js';

export interface AzureSessionOptions {
  cloud: ArmCloud;
  credential: TokenCredential;
  debug?: (msg: string) => void;
  /** extra trusted CA (in-process tests; the CLI relies on NODE_EXTRA_CA_CERTS) */
  ca?: string;
  /** poll interval for long-running operations when ARM sends no Retry-After */
  pollIntervalMs?: number;
  /** retries of 429/5xx (default 6; the SDK's is 3) */
  maxRetries?: number;
}

export class AzureSession {
  readonly cloud: ArmCloud;
  readonly credential: TokenCredential;
  readonly pollIntervalMs: number;
  private readonly clients = new Map<string, ContainerServiceClient>();
  private rest?: Client;
  private readonly clientOptions: Record<string, unknown>;

  constructor(readonly opts: AzureSessionOptions) {
    this.cloud = opts.cloud;
    // a token request cut mid-answer is asked again (see transient.ts)
    this.credential = retryingCredential(opts.credential);
    this.pollIntervalMs = opts.pollIntervalMs ?? 2000;
    const trace: PipelinePolicy = {
      name: 'kaitoDebugTrace',
      async sendRequest(req, next) {
        const started = Date.now();
        try {
          const res = await next(req);
          opts.debug?.(`${req.method} ${req.url} -> ${res.status} (${Date.now() - started} ms)${res.headers.get('x-ms-request-id') ? ` request-id ${res.headers.get('x-ms-request-id')}` : ''}`);
          return res;
        } catch (e) {
          opts.debug?.(`${req.method} ${req.url} failed: ${(e as Error).message}`);
          throw e;
        }
      },
    };
    this.clientOptions = {
      endpoint: this.cloud.endpoint,
      credentials: { scopes: [this.cloud.scope] },
      additionalPolicies: [{ policy: brokenConnectionRetryPolicy(), position: 'perCall' }, ...(opts.debug ? [{ policy: trace, position: 'perRetry' }] : [])],
      // 6, not the SDK's 3: under a throttling storm (the campaign's arm-429=0.3) one command makes 10-20 ARM
      // calls, and 3 retries let ~8 % of `nodepool add` runs fail; Retry-After still paces every retry
      retryOptions: { maxRetries: opts.maxRetries ?? 6 },
      userAgentOptions: { userAgentPrefix: 'kaito-cli' },
      ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
    };
  }

  async containerService(subscriptionId: string): Promise<ContainerServiceClient> {
    let c = this.clients.get(subscriptionId);
    if (!c) {
      const { ContainerServiceClient } = await import('@azure/arm-containerservice');
      c = new ContainerServiceClient(this.credential, subscriptionId, this.clientOptions as never);
      this.clients.set(subscriptionId, c);
    }
    return c;
  }

  /** A GET on ARM through the same pipeline (auth, retries, TLS); non-2xx answers throw a RestError-like error. */
  async get<T>(path: string, apiVersion: string, signal?: AbortSignal): Promise<T> {
    this.rest ??= getClient(this.cloud.endpoint, this.credential, this.clientOptions as never);
    const res = await this.rest.pathUnchecked(path).get({ queryParameters: { 'api-version': apiVersion }, abortSignal: signal });
    const status = Number(res.status);
    if (status >= 400) {
      const { createRestError } = await import('@azure-rest/core-client');
      throw createRestError(res);
    }
    return res.body as T;
  }
}

/** The session a command uses: the ARM endpoint (--arm-endpoint/KAITO_ARM_ENDPOINT/kaito.yaml, resolved by the
 *  caller) and --auth (else KAITO_AZURE_AUTH). Built by the command context's factory (src/cli/factory.ts). */
export function openArmSession(o: { armEndpoint?: string; auth?: string; env: NodeJS.ProcessEnv; debug: (msg: string) => void; maxRetries?: number }): AzureSession {
  const cloud = resolveArmCloud(o.armEndpoint, o.env);
  const method: AuthMethod = parseAuthMethod(o.auth ?? o.env.KAITO_AZURE_AUTH);
  const credential = createCredential(method, o.env, { authorityHost: cloud.authorityHost });
  o.debug(`ARM ${cloud.endpoint} (${cloud.name}), scope ${cloud.scope}, credential ${method}`);
  return new AzureSession({ cloud, credential, debug: o.debug, maxRetries: o.maxRetries });
}
