// Which Azure Resource Manager to talk to, and the token audience and Entra authority that go with it.
// --arm-endpoint (or KAITO_ARM_ENDPOINT / kaito.yaml cluster.armEndpoint) takes a cloud name or a URL.
import { UsageError } from '../errors.js';

export interface ArmCloud {
  /** AzureCloud, AzureChinaCloud, AzureUSGovernment, or "custom" */
  name: string;
  endpoint: string;
  /** the OAuth scope for ARM tokens */
  scope: string;
  /** Entra authority host for credentials that talk to Entra directly */
  authorityHost: string;
  /** portal base, for "request a quota increase at ..." links */
  portal: string;
}

const CLOUDS: Record<string, Omit<ArmCloud, 'name'>> = {
  azurecloud: { endpoint: 'https://management.azure.com', scope: 'https://management.azure.com/.default', authorityHost: 'https://login.microsoftonline.com', portal: 'https://portal.azure.com' },
  azurechinacloud: { endpoint: 'https://management.chinacloudapi.cn', scope: 'https://management.chinacloudapi.cn/.default', authorityHost: 'https://login.chinacloudapi.cn', portal: 'https://portal.azure.cn' },
  azureusgovernment: { endpoint: 'https://management.usgovcloudapi.net', scope: 'https://management.usgovcloudapi.net/.default', authorityHost: 'https://login.microsoftonline.us', portal: 'https://portal.azure.us' },
};
const NAMES: Record<string, string> = { azurecloud: 'AzureCloud', azurechinacloud: 'AzureChinaCloud', azureusgovernment: 'AzureUSGovernment' };

/** Entra hosts whose metadata MSAL already knows; any other authority host skips instance discovery. */
export const KNOWN_AUTHORITY_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'login.chinacloudapi.cn', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn']);

export function resolveArmCloud(value: string | undefined, env: NodeJS.ProcessEnv = process.env): ArmCloud {
  const v = (value ?? '').trim();
  const named = CLOUDS[(v || 'AzureCloud').toLowerCase()];
  if (named) {
    const name = NAMES[(v || 'AzureCloud').toLowerCase()];
    return { name, ...named, authorityHost: env.AZURE_AUTHORITY_HOST || named.authorityHost };
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UsageError(`--arm-endpoint "${v}" is neither a URL nor a cloud name`, 'use AzureCloud, AzureChinaCloud, AzureUSGovernment or an https:// URL');
  }
  if (url.protocol !== 'https:') throw new UsageError(`--arm-endpoint ${v} must use https (bearer tokens are never sent over plain http)`, 'use an https:// URL');
  const endpoint = url.origin;
  const known = Object.entries(CLOUDS).find(([, c]) => c.endpoint === endpoint);
  if (known) return { name: NAMES[known[0]], ...known[1], authorityHost: env.AZURE_AUTHORITY_HOST || known[1].authorityHost };
  // a private ARM (Azure Stack, the sandbox): its own audience; the authority comes from the environment
  return { name: 'custom', endpoint, scope: `${endpoint}/.default`, authorityHost: env.AZURE_AUTHORITY_HOST || CLOUDS.azurecloud.authorityHost, portal: CLOUDS.azurecloud.portal };
}
