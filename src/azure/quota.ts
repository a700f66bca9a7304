// Regional vCPU quota for a GPU VM size (Compute usages API), checked before anything is created.
import { OperationError } from '../errors.js';
import { toAzureError } from './errors.js';
import type { AzureSession } from './session.js';
import { findVmSku } from './skus.js';

export const COMPUTE_USAGES_API_VERSION = '2024-07-01';

export interface Usage { family: string; displayName: string; current: number; limit: number }

export interface QuotaCheck {
  family: string;
  location: string;
  needed: number;
  limit: number;
  used: number;
  free: number;
  ok: boolean;
  /** the regional total, when it is what blocks */
  regional?: { limit: number; used: number; free: number; ok: boolean };
  requestUrl: string;
}

export async function getUsages(session: AzureSession, subscription: string, location: string, signal?: AbortSignal): Promise<Usage[]> {
  try {
    const body = await session.get<{ value?: Array<{ currentValue: number; limit: number; name: { value: string; localizedValue?: string } }> }>(
      `/subscriptions/${encodeURIComponent(subscription)}/providers/Microsoft.Compute/locations/${encodeURIComponent(location)}/usages`,
      COMPUTE_USAGES_API_VERSION,
      signal,
    );
    return (body.value ?? []).map((u) => ({ family: u.name.value, displayName: u.name.localizedValue ?? u.name.value, current: Number(u.currentValue), limit: Number(u.limit) }));
  } catch (e) {
    throw toAzureError(e, `reading the vCPU quota of ${location}`, session.cloud.endpoint);
  }
}

export function quotaRequestUrl(portal: string, subscription: string): string {
  return `${portal}/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas?subscriptionId=${subscription}`;
}

/** Whether `count` more VMs of `vmSize` fit the family and regional quota. */
export async function checkQuota(session: AzureSession, subscription: string, location: string, vmSize: string, count: number, signal?: AbortSignal): Promise<QuotaCheck> {
  const sku = findVmSku(vmSize);
  if (!sku) throw new OperationError(`no quota family known for VM size ${vmSize}`);
  const usages = await getUsages(session, subscription, location, signal);
  const needed = sku.vcpus * count;
  const fam = usages.find((u) => u.family.toLowerCase() === sku.quotaFamily.toLowerCase());
  const limit = fam?.limit ?? 0;
  const used = fam?.current ?? 0;
  const free = Math.max(0, limit - used);
  const total = usages.find((u) => u.family === 'cores');
  const regional = total ? { limit: total.limit, used: total.current, free: Math.max(0, total.limit - total.current), ok: total.limit - total.current >= needed } : undefined;
  return { family: sku.quotaFamily, location, needed, limit, used, free, ok: free >= needed && (regional?.ok ?? true), regional, requestUrl: quotaRequestUrl(session.cloud.portal, subscription) };
}

/** "needs 24 vCPUs of standardNCADSA100v4Family in eastus, 0 of 24 free; request an increase at <url>" */
export function describeShortfall(q: QuotaCheck): string {
  if (q.free < q.needed) return `needs ${q.needed} vCPUs of ${q.family} in ${q.location}, ${q.free} of ${q.limit} free; request an increase at ${q.requestUrl}`;
  const r = q.regional!;
  return `needs ${q.needed} vCPUs in ${q.location}, but only ${r.free} of the ${r.limit} total regional vCPUs are free; request an increase at ${q.requestUrl}`;
}
