// Small, synchronous helpers over the ObjectStore for the emulated controllers. The store is in-process
// and synchronous, so read-modify-write inside one call cannot race with another writer.
import { randomBytes } from 'node:crypto';
import { StoreError, type KObject, type ObjectStore, type ResourceKey } from '../store.js';

export const WS_RES = 'kaito.sh/workspaces';
export const NODECLAIM_RES = 'karpenter.sh/nodeclaims';
export const NODEPOOL_RES = 'karpenter.sh/nodepools';
export const CRD_RES = 'apiextensions.k8s.io/customresourcedefinitions';
export const NODE_RES = '/nodes';
export const POD_RES = '/pods';
export const JOB_RES = 'batch/jobs';
export const STS_RES = 'apps/statefulsets';
export const SVC_RES = '/services';
export const CM_RES = '/configmaps';
export const EVENT_RES = '/events';

export const WS_LABEL = 'kaito.sh/workspace';
export const WS_NS_LABEL = 'kaito.sh/workspacenamespace';

export function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** A pod-name suffix the way ReplicaSets and Jobs make them (consonants and digits, no vowels). */
export function podSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export function ownerRef(owner: KObject) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function tryCreate(store: ObjectStore, res: ResourceKey, obj: KObject): KObject | undefined {
  try {
    return store.create(res, obj);
  } catch (e) {
    if (e instanceof StoreError && e.status === 409) return undefined;
    throw e;
  }
}

export function tryDelete(store: ObjectStore, res: ResourceKey, ns: string | undefined, name: string): void {
  try {
    store.delete(res, ns, name);
  } catch (e) {
    if (!(e instanceof StoreError && e.status === 404)) throw e;
  }
}

/** Mutates .status of the current object and writes it through the status subresource; no-op when gone. */
export function patchStatus(store: ObjectStore, res: ResourceKey, ns: string | undefined, name: string, mutate: (status: Record<string, unknown>, obj: KObject) => void): KObject | undefined {
  const cur = store.get(res, ns, name);
  if (!cur) return undefined;
  const status = structuredClone((cur.status as Record<string, unknown> | undefined) ?? {});
  mutate(status, cur);
  cur.status = status;
  return store.update(res, cur, { subresource: 'status' });
}

/** Mutates the object (not status) and writes it; no-op when gone. */
export function patchObject(store: ObjectStore, res: ResourceKey, ns: string | undefined, name: string, mutate: (obj: KObject) => void): KObject | undefined {
  const cur = store.get(res, ns, name);
  if (!cur) return undefined;
  mutate(cur);
  return store.update(res, cur, { keepStatus: true, expectRV: cur.metadata.resourceVersion });
}

export function labelsMatch(labels: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels?.[k] === v);
}

export function isNodeReady(node: KObject): boolean {
  if (node.metadata.deletionTimestamp) return false;
  const conds = (node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions;
  return conds?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
