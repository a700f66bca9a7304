// The credential behind every ARM call. --auth picks one; "default" is DefaultAzureCredential, which
// honours AZURE_TOKEN_CREDENTIALS (prod, dev or one credential name). Private authority hosts (Azure Stack,
// the sandbox) get instance discovery disabled: otherwise MSAL would ask login.microsoftonline.com about them.
import {
  AzureCliCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { UsageError } from '../errors.js';
import { registerSecret } from '../ui/redact.js';
import { KNOWN_AUTHORITY_HOSTS } from './cloud.js';

export const AUTH_METHODS = ['default', 'cli', 'env', 'workload', 'managed-identity'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export interface CredentialOptions {
  authorityHost: string;
  /** extra trusted CA for Entra requests made by the credential (in-process tests) */
  ca?: string;
}

export function parseAuthMethod(value: string | undefined): AuthMethod {
  const v = value ?? 'default';
  if ((AUTH_METHODS as readonly string[]).includes(v)) return v as AuthMethod;
  throw new UsageError(`unknown --auth "${v}"`, `use one of: ${AUTH_METHODS.join(', ')}`);
}

export function createCredential(method: AuthMethod, env: NodeJS.ProcessEnv, opts: CredentialOptions): TokenCredential {
  registerSecret(env.AZURE_CLIENT_SECRET);
  registerSecret(env.AZURE_CLIENT_CERTIFICATE_PASSWORD);
  const host = new URL(opts.authorityHost).hostname.toLowerCase();
  const common = {
    authorityHost: opts.authorityHost,
    disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(host),
    ...(opts.ca ? { tlsOptions: { ca: opts.ca } } : {}),
  };
  switch (method) {
    case 'cli':
      return new AzureCliCredential(env.AZURE_TENANT_ID ? { tenantId: env.AZURE_TENANT_ID } : {});
    case 'env':
      return new EnvironmentCredential(common);
    case 'workload':
      return new WorkloadIdentityCredential(common);
    case 'managed-identity':
      return env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: env.AZURE_CLIENT_ID }) : new ManagedIdentityCredential();
    case 'default':
    default:
      // DefaultAzureCredential reads AZURE_* (incl. AZURE_TOKEN_CREDENTIALS) from process.env itself
      return new DefaultAzureCredential(common);
  }
}
