// Format checks shared by kaito.yaml validation, the `kaito init` wizard (each answer is checked as it is
// typed) and the flags that fill the same fields. Each returns the problem in a few words, or undefined
// when the value is fine; callers add the key, line or flag name.
import { checkAksPoolName, checkDatasetUrl, checkDnsLabel, checkDnsSubdomain, checkImageRef, checkLabelKey, checkLabelValue } from '../core/names.js';

export type Validator = (value: string) => string | undefined;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

// Kubernetes names, images, dataset URLs and labels: the same rules `kaito tune` / `kaito render` apply
// (src/core/names.ts), so an answer init accepts is one tune accepts.
const fromCore = (check: (v: string) => string | null): Validator => (v) => check(v) ?? undefined;

export const validateDnsLabel: Validator = fromCore(checkDnsLabel);
export const validateNamespace: Validator = validateDnsLabel;
export const validateWorkspaceName: Validator = validateDnsLabel;
/** Secret, ConfigMap and PersistentVolumeClaim names. */
export const validateObjectName: Validator = fromCore(checkDnsSubdomain);
export const validateImageReference: Validator = fromCore(checkImageRef);
/** An http(s) URL Kaito's admission webhook accepts: not localhost, loopback, private, link-local or metadata. */
export const validateDatasetUrl: Validator = fromCore(checkDatasetUrl);
export const validateLabelKey: Validator = (k) => {
  const p = checkLabelKey(k);
  return p ? `label key "${k}": ${p}` : undefined;
};
export const validateLabelValue: Validator = (v) => {
  const p = checkLabelValue(v);
  return p ? `label value "${v}" ${p}` : undefined;
};

// AKS Linux agent pools: lower-case alphanumeric, starting with a letter, at most 12 characters.
export const validateNodepoolName: Validator = (v) => checkAksPoolName(v) ?? undefined;

export const validateKubeContext: Validator = (v) => (v.trim() === '' ? 'must not be empty' : undefined);

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
