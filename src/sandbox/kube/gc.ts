// The garbage collector and namespace finalizer of the emulated control plane: dependents (by
// ownerReferences) of a deleted owner are deleted (Background), deleted first (Foreground, the owner
// keeps a foregroundDeletion finalizer until they are gone) or released (Orphan); a namespace being
// deleted loses all its content before it goes. Work is deferred with setImmediate so listeners of
// the store see events in order.
import type { SandboxContext } from '../context.js';
import type { KObject, StoreEvent } from '../store.js';
import { RESOURCES } from './resources.js';

export function startGarbageCollector(ctx: SandboxContext): () => void {
  const { store } = ctx;
  let queued = false;
  const pending: StoreEvent[] = [];

  const dependentsOf = (uid: string): Array<{ key: string; o: KObject }> => {
    const out: Array<{ key: string; o: KObject }> = [];
    for (const r of RESOURCES) for (const o of store.list(r.key).items) if (o.metadata.ownerReferences?.some((ref) => ref.uid === uid)) out.push({ key: r.key, o });
    return out;
  };

  const removeFinalizer = (key: string, o: KObject, f: string) => {
    const cur = store.get(key, o.metadata.namespace, o.metadata.name);
    if (!cur?.metadata.finalizers?.includes(f)) return;
    cur.metadata.finalizers = cur.metadata.finalizers.filter((x) => x !== f);
    store.update(key, cur, {});
  };

  const safeDelete = (key: string, o: KObject) => {
    try {
      const cur = store.get(key, o.metadata.namespace, o.metadata.name);
      if (cur && !cur.metadata.deletionTimestamp) store.delete(key, o.metadata.namespace, o.metadata.name);
    } catch {
      /* already gone */
    }
  };

  const settleOwner = (key: string, o: KObject) => {
    const fins = o.metadata.finalizers ?? [];
    if (!o.metadata.deletionTimestamp) return;
    if (fins.includes('orphan')) {
      for (const d of dependentsOf(o.metadata.uid!)) {
        const cur = store.get(d.key, d.o.metadata.namespace, d.o.metadata.name);
        if (!cur) continue;
        cur.metadata.ownerReferences = cur.metadata.ownerReferences?.filter((ref) => ref.uid !== o.metadata.uid);
        if (!cur.metadata.ownerReferences?.length) delete cur.metadata.ownerReferences;
        store.update(d.key, cur, {});
      }
      removeFinalizer(key, o, 'orphan');
    }
    if (fins.includes('foregroundDeletion')) {
      const deps = dependentsOf(o.metadata.uid!);
      for (const d of deps) safeDelete(d.key, d.o);
      if (!deps.length) removeFinalizer(key, o, 'foregroundDeletion');
    }
    if (key === '/namespaces' && fins.includes('kubernetes')) {
      let left = 0;
      for (const r of RESOURCES) {
        if (!r.namespaced) continue;
        for (const x of store.list(r.key, o.metadata.name).items) {
          left++;
          safeDelete(r.key, x);
        }
      }
      if (!left) removeFinalizer(key, o, 'kubernetes');
      else if ((o.status as { phase?: string } | undefined)?.phase !== 'Terminating') {
        const cur = store.get(key, undefined, o.metadata.name);
        if (cur) store.update(key, { ...cur, status: { phase: 'Terminating' } }, { subresource: 'status' });
      }
    }
  };

  const work = () => {
    queued = false;
    const batch = pending.splice(0);
    for (const e of batch) {
      const o = e.object;
      if (e.type === 'DELETED') {
        if (e.resource === '/pods') ctx.podLogs.removePod(o.metadata.namespace ?? '', o.metadata.name);
        for (const d of dependentsOf(o.metadata.uid!)) safeDelete(d.key, d.o);
        // owners waiting in the foreground for this dependent, and namespaces waiting for their content
        for (const ref of o.metadata.ownerReferences ?? []) {
          for (const r of RESOURCES) {
            if (r.kind !== ref.kind) continue;
            const owner = store.get(r.key, r.namespaced ? o.metadata.namespace : undefined, ref.name);
            if (owner?.metadata.uid === ref.uid) settleOwner(r.key, owner);
          }
        }
        if (o.metadata.namespace) {
          const ns = store.get('/namespaces', undefined, o.metadata.namespace);
          if (ns?.metadata.deletionTimestamp) settleOwner('/namespaces', ns);
        }
      } else if (o.metadata.deletionTimestamp) {
        const cur = store.get(e.resource, o.metadata.namespace, o.metadata.name);
        if (cur) settleOwner(e.resource, cur);
      }
    }
  };

  const unsubscribe = store.subscribe((e) => {
    if (e.type !== 'DELETED' && !e.object.metadata.deletionTimestamp) return;
    pending.push(e);
    if (!queued) {
      queued = true;
      setImmediate(work);
    }
  });
  return unsubscribe;
}
