// Format checks shared by kaito.yaml validation, the `kaito init` wizard (each answer is checked as it is
// typed) and the flags that fill the same fields. Each returns the problem in a few words, or undefined
// when the value is fine; callers add the key, line or flag name.
import { isIP } from 'node:net';

export type Validator = (value: string) => string | undefined;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const validateSubscriptionId: Validator = (v) =>
  GUID.test(v) ? undefined : 'must be a subscription ID (a GUID like 00000000-0000-0000-0000-000000000000)';

// Azure: 1-90 characters, letters, digits, '-', '_', '.', '(' and ')', not ending in '.'.
export const validateResourceGroup: Validator = (v) => {
  if (v.length < 1 || v.length > 90) return 'must be 1-90 characters';
  if (!/^[-\w.()]+$/u.test(v)) return "may contain only letters, digits, '-', '_', '.', '(' and ')'";
  if (v.endsWith('.')) return "must not end with '.'";
  return undefined;
};

// AKS: 1-63 characters, letters, digits, '-' and '_', starting and ending with a letter or digit.
export const validateClusterName: Validator = (v) => {
  if (v.length < 1 || v.length > 63) return 'must be 1-63 characters';
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/.test(v)) return "may contain only letters, digits, '-' and '_', and must start and end with a letter or digit";
  return undefined;
};

export const validateDnsLabel: Validator = (v) => {
  if (v.length < 1 || v.length > 63) return 'must be 1-63 characters';
  if (!DNS_LABEL.test(v)) return "must be lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
};

export const validateNamespace: Validator = validateDnsLabel;
export const validateWorkspaceName: Validator = validateDnsLabel;

/** Secret and ConfigMap names. */
export const validateObjectName: Validator = (v) => {
  if (v.length < 1 || v.length > 253) return 'must be 1-253 characters';
  if (!DNS_SUBDOMAIN.test(v)) return "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  return undefined;
};

// AKS Linux agent pools: lower-case alphanumeric, starting with a letter, at most 12 characters.
export const validateNodepoolName: Validator = (v) =>
  /^[a-z][a-z0-9]{0,11}$/.test(v) ? undefined : 'must be 1-12 lower-case letters and digits, starting with a letter';

export const validateKubeContext: Validator = (v) => (v.trim() === '' ? 'must not be empty' : undefined);

/** [registry[:port]/]path[:tag][@sha256:digest] with a lower-case path, as a container runtime accepts it. */
export const validateImageReference: Validator = (v) => {
  const m = /^(?:([a-zA-Z0-9.-]+(?::[0-9]+)?)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(v);
  if (!m) return 'must be an image reference such as myregistry.azurecr.io/adapters/phi-3:v1 (lower-case repository path)';
  if (m[2].length > 255) return 'has a repository path longer than 255 characters';
  return undefined;
};

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com']);

/** An http(s) URL Kaito's admission webhook accepts: not localhost, loopback, private, link-local or metadata. */
export const validateDatasetUrl: Validator = (v) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'must be an http:// or https:// URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL';
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || METADATA_HOSTS.has(host)) return 'must not point at localhost or a cloud metadata service (the tuning pod downloads it)';
  if (isIP(host) && isNonPublicAddress(host)) return 'must not point at a loopback, private, link-local or metadata address (Kaito rejects those)';
  return undefined;
};

function isNonPublicAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1' || v6 === '::') return true;
  if (v6.startsWith('fe8') || v6.startsWith('fe9') || v6.startsWith('fea') || v6.startsWith('feb')) return true; // fe80::/10
  if (v6.startsWith('fc') || v6.startsWith('fd')) return true; // unique local fc00::/7
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  return mapped ? isNonPublicAddress(mapped[1]) : false;
}

export const CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;

export const validateArmEndpoint: Validator = (v) => {
  if ((CLOUD_NAMES as readonly string[]).includes(v)) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol === 'https:') return undefined;
  } catch {
    /* fall through */
  }
  return `must be an https:// URL or one of ${CLOUD_NAMES.join(', ')}`;
};

/** k=v pairs: Kubernetes label keys (optional prefix) and values. */
export const validateLabelKey: Validator = (k) => {
  const [prefix, name] = k.includes('/') ? [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] : [undefined, k];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `label key "${k}" has an invalid prefix`;
  if (!/^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/.test(name)) return `label key "${k}" is not a valid label name`;
  return undefined;
};

export const validateLabelValue: Validator = (v) =>
  v === '' || /^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/.test(v) ? undefined : `label value "${v}" is not valid (63 characters: letters, digits, '-', '_', '.')`;
