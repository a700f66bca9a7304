// The sandbox's object store: every Kubernetes object the emulated API server serves lives here.
// One global resourceVersion counter (like etcd's revision), a bounded event history for watches
// (older versions get 410 Gone), generation bumps on spec changes, finalizer-aware deletion.
import { randomUUID } from 'node:crypto';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

/** "group/plural" with "" for the core group, e.g. "/pods", "kaito.sh/workspaces". */
export type ResourceKey = string;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceKey;
  object: KObject;
  rv: number;
}

export class StoreError extends Error {
  constructor(
    readonly status: 404 | 409 | 410 | 422,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Invalid',
    message: string,
  ) {
    super(message);
  }
}

const clone = <T>(o: T): T => structuredClone(o);

/** Fields that are not "spec": changing only these does not bump metadata.generation. */
const NON_SPEC = new Set(['apiVersion', 'kind', 'metadata', 'status']);

export interface StoreOptions {
  /** how many events are kept for watches that resume from an older resourceVersion */
  historySize?: number;
  now?: () => Date;
}

export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<ResourceKey, Map<string, KObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly historySize: number;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly now: () => Date;
  /** oldest resourceVersion a watch may still resume from */
  private compacted = 0;

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 5000;
    this.now = opts.now ?? (() => new Date());
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  static key(namespace: string | undefined, name: string): string {
    return namespace ? `${namespace}/${name}` : name;
  }

  private bucket(res: ResourceKey): Map<string, KObject> {
    let b = this.objects.get(res);
    if (!b) this.objects.set(res, (b = new Map()));
    return b;
  }

  get(res: ResourceKey, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.objects.get(res)?.get(ObjectStore.key(namespace, name));
    return o ? clone(o) : undefined;
  }

  /** All objects of a resource, optionally in one namespace, sorted by namespace then name (like etcd keys). */
  list(res: ResourceKey, namespace?: string, filter?: (o: KObject) => boolean): { items: KObject[]; resourceVersion: string } {
    const items: KObject[] = [];
    for (const o of this.objects.get(res)?.values() ?? []) {
      if (namespace && o.metadata.namespace !== namespace) continue;
      if (filter && !filter(o)) continue;
      items.push(clone(o));
    }
    items.sort((a, b) => ObjectStore.key(a.metadata.namespace, a.metadata.name).localeCompare(ObjectStore.key(b.metadata.namespace, b.metadata.name)));
    return { items, resourceVersion: this.resourceVersion };
  }

  create(res: ResourceKey, obj: KObject, opts: { dryRun?: boolean } = {}): KObject {
    const b = this.bucket(res);
    const k = ObjectStore.key(obj.metadata.namespace, obj.metadata.name);
    if (b.has(k)) throw new StoreError(409, 'AlreadyExists', `${res.split('/')[1]} "${obj.metadata.name}" already exists`);
    const o = clone(obj);
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    o.metadata.generation = 1;
    delete o.metadata.deletionTimestamp;
    if (opts.dryRun) return { ...o, metadata: { ...o.metadata, resourceVersion: this.resourceVersion } };
    o.metadata.resourceVersion = String(++this.rv);
    b.set(k, o);
    this.emit('ADDED', res, o);
    return clone(o);
  }

  /**
   * Replaces an object. With expectRV, a stale resourceVersion is a 409 Conflict.
   * subresource "status" only takes .status; otherwise .status is kept from the stored object
   * when `keepStatus` is set (the main resource endpoint ignores status changes, like the API server).
   */
  update(
    res: ResourceKey,
    obj: KObject,
    opts: { expectRV?: string; subresource?: 'status'; keepStatus?: boolean; dryRun?: boolean } = {},
  ): KObject {
    const b = this.bucket(res);
    const k = ObjectStore.key(obj.metadata.namespace, obj.metadata.name);
    const cur = b.get(k);
    if (!cur) throw new StoreError(404, 'NotFound', `${res.split('/')[1]} "${obj.metadata.name}" not found`);
    if (opts.expectRV && opts.expectRV !== cur.metadata.resourceVersion)
      throw new StoreError(409, 'Conflict', `Operation cannot be fulfilled on ${res.split('/')[1]} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    let next: KObject;
    if (opts.subresource === 'status') {
      next = clone(cur);
      next.status = clone(obj.status);
    } else {
      next = clone(obj);
      // immutable metadata
      next.metadata.uid = cur.metadata.uid;
      next.metadata.creationTimestamp = cur.metadata.creationTimestamp;
      next.metadata.generation = cur.metadata.generation;
      if (cur.metadata.deletionTimestamp) next.metadata.deletionTimestamp = cur.metadata.deletionTimestamp;
      if (opts.keepStatus) {
        if (cur.status === undefined) delete next.status;
        else next.status = clone(cur.status);
      }
      if (specChanged(cur, next)) next.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    if (JSON.stringify(stripRV(next)) === JSON.stringify(stripRV(cur))) return clone(cur); // no-op writes keep the version
    if (opts.dryRun) return next;
    next.metadata.resourceVersion = String(++this.rv);
    // the last finalizer removed from an object being deleted: it goes away
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers?.length)) {
      b.delete(k);
      this.emit('DELETED', res, next);
      return clone(next);
    }
    b.set(k, next);
    this.emit('MODIFIED', res, next);
    return clone(next);
  }

  /** Deletes, or marks for deletion when finalizers remain. Returns the object as it is afterwards. */
  delete(res: ResourceKey, namespace: string | undefined, name: string, opts: { dryRun?: boolean; expectUID?: string } = {}): { object: KObject; gone: boolean } {
    const b = this.bucket(res);
    const k = ObjectStore.key(namespace, name);
    const cur = b.get(k);
    if (!cur) throw new StoreError(404, 'NotFound', `${res.split('/')[1]} "${name}" not found`);
    if (opts.expectUID && cur.metadata.uid !== opts.expectUID) throw new StoreError(409, 'Conflict', `the UID in the precondition does not match ${name}`);
    if (opts.dryRun) return { object: clone(cur), gone: !(cur.metadata.finalizers?.length) };
    if (cur.metadata.finalizers?.length) {
      if (cur.metadata.deletionTimestamp) return { object: clone(cur), gone: false };
      const next = clone(cur);
      next.metadata.deletionTimestamp = this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      next.metadata.resourceVersion = String(++this.rv);
      b.set(k, next);
      this.emit('MODIFIED', res, next);
      return { object: clone(next), gone: false };
    }
    b.delete(k);
    const gone = clone(cur);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', res, gone);
    return { object: clone(gone), gone: true };
  }

  /**
   * Events after `fromRV` for one resource, then live ones. Throws 410 Expired when fromRV is older
   * than the kept history. Returns the function that stops the watch.
   */
  watch(res: ResourceKey, fromRV: number | undefined, onEvent: (e: StoreEvent) => void, namespace?: string): () => void {
    const match = (e: StoreEvent) => e.resource === res && (!namespace || e.object.metadata.namespace === namespace);
    if (fromRV !== undefined && fromRV > 0) {
      if (fromRV < this.compacted) throw new StoreError(410, 'Expired', `too old resource version: ${fromRV} (${this.compacted})`);
      for (const e of this.history) if (e.rv > fromRV && match(e)) onEvent({ ...e, object: clone(e.object) });
    }
    const l = (e: StoreEvent) => {
      if (match(e)) onEvent({ ...e, object: clone(e.object) });
    };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Every change of every resource (the controller's informer). */
  subscribe(onEvent: (e: StoreEvent) => void): () => void {
    const l = (e: StoreEvent) => onEvent({ ...e, object: clone(e.object) });
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Forget history up to now, so any watch from an older version gets 410 (tests and faults). */
  compact(): void {
    this.history.length = 0;
    this.compacted = this.rv;
  }

  private emit(type: WatchEventType, resource: ResourceKey, object: KObject): void {
    const e: StoreEvent = { type, resource, object: clone(object), rv: this.rv };
    this.history.push(e);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.compacted = dropped[dropped.length - 1].rv;
    }
    for (const l of [...this.listeners]) l(e);
  }
}

function stripRV(o: KObject): KObject {
  const c = { ...o, metadata: { ...o.metadata } };
  delete c.metadata.resourceVersion;
  delete c.metadata.managedFields;
  return c;
}

function specChanged(a: KObject, b: KObject): boolean {
  const pick = (o: KObject) => {
    const r: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (!NON_SPEC.has(k)) r[k] = o[k];
    return JSON.stringify(r);
  };
  return pick(a) !== pick(b);
}
