// A tiny Microsoft Entra ID for the sandbox: the OpenID metadata and v2.0 token endpoint that MSAL (inside
// @azure/identity) talks to, so the CLI reaches the sandbox through the same credential classes it uses
// against Azure. It knows one tenant and one app registration, accepts the app's client secret or a
// federated token it signed itself (workload identity), and issues HS256-signed access tokens that the
// ARM emulator verifies. Nothing here is a real security boundary: the key lives in memory for the
// lifetime of the sandbox.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ArmError } from './types.js';

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  appid?: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  [k: string]: unknown;
}

export interface OAuthError { status: number; body: { error: string; error_description: string; error_codes: number[]; timestamp: string; trace_id: string } }

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');
export const FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A GUID-shaped id derived from a seed, so the sandbox's tenant/app ids are stable across restarts. */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class EntraEmulator {
  readonly tenantId: string;
  readonly clientId: string;
  /** the app's object id, which holds the Contributor role on the subscription */
  readonly principalId: string;
  /** the app registration's client secret (for ClientSecretCredential); register it as a secret wherever it travels */
  readonly clientSecret: string;
  private readonly key = randomBytes(32);
  /** principals allowed to manage the subscription (the app, and "the signed-in user" of a fake az) */
  private readonly authorized = new Set<string>();

  constructor(seed: string) {
    this.tenantId = stableGuid(`tenant:${seed}`);
    this.clientId = stableGuid(`client:${seed}`);
    this.principalId = stableGuid(`sp:${seed}`);
    this.clientSecret = `kss~${randomBytes(24).toString('base64url')}`;
    this.authorized.add(this.principalId);
  }

  sign(payload: Record<string, unknown>): string {
    const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'kaito-sandbox' }));
    const body = b64u(JSON.stringify(payload));
    const sig = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** Verifies our own signature and returns the claims, or undefined for anything else. */
  verify(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const want = createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2], 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    try {
      return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  /**
   * An access token for ARM. `authorized: false` gives a principal without any role assignment (ARM then
   * answers 403 AuthorizationFailed); `ttlSeconds` <= 0 gives an expired token.
   */
  issueAccessToken(opts: { audience: string; principalId?: string; authorized?: boolean; ttlSeconds?: number; appid?: string }): { token: string; expiresOn: number } {
    const now = Math.floor(Date.now() / 1000);
    const oid = opts.principalId ?? (opts.authorized === false ? stableGuid(`nobody:${randomUUID()}`) : this.principalId);
    if (opts.authorized !== false) this.authorized.add(oid);
    const exp = now + (opts.ttlSeconds ?? 3600);
    const claims: AccessTokenClaims = {
      aud: opts.audience,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      tid: this.tenantId,
      oid,
      sub: oid,
      appid: opts.appid,
      iat: now,
      nbf: now - 300,
      exp,
    };
    return { token: this.sign(claims), expiresOn: exp };
  }

  /** A projected service-account-style token that the app's federated credential trusts. */
  issueFederatedToken(issuer: string, ttlSeconds = 7 * 24 * 3600): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({ iss: issuer, aud: FEDERATED_AUDIENCE, sub: 'system:serviceaccount:kaito:kaito-cli', iat: now, nbf: now, exp: now + ttlSeconds });
  }

  isAuthorized(oid: string): boolean {
    return this.authorized.has(oid);
  }

  openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
    const t = tenant === 'common' || tenant === 'organizations' ? '{tenantid}' : tenant;
    return {
      issuer: `${base}/${t}/v2.0`,
      token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'kaito-sandbox',
    };
  }

  /** The client-credentials grant (secret or federated assertion). Returns the OAuth JSON answer. */
  token(tenant: string, form: URLSearchParams): { status: number; body: Record<string, unknown> } {
    const fail = (status: number, error: string, code: number, text: string) => ({
      status,
      body: { error, error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID() },
    });
    if (tenant !== this.tenantId) return fail(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`);
    if (form.get('grant_type') !== 'client_credentials') return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const clientId = form.get('client_id') ?? '';
    if (clientId !== this.clientId) return fail(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
    const scope = (form.get('scope') ?? '').split(' ').find((s) => s.endsWith('/.default'));
    if (!scope) return fail(400, 'invalid_scope', 1002012, 'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.');
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      const a = Buffer.from(secret);
      const b = Buffer.from(this.clientSecret);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return fail(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    } else if (assertion !== null) {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) return fail(400, 'invalid_request', 50027, 'Invalid client_assertion_type.');
      const claims = this.verify(assertion);
      if (!claims) return fail(400, 'invalid_client', 700211, 'No matching federated identity record found for presented assertion issuer.');
      if (claims.aud !== FEDERATED_AUDIENCE) return fail(400, 'invalid_client', 700212, `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`);
      if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) return fail(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    } else {
      return fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    const audience = scope.slice(0, -'/.default'.length);
    const { token } = this.issueAccessToken({ audience, appid: this.clientId });
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  }
}
