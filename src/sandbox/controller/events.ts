// core/v1 Events for the notable moments (Scheduled, Pulling, Started, Failed, ...), so `kubectl describe`
// and `kubectl get events` tell the same story a real cluster would.
import type { KObject, ObjectStore } from '../store.js';
import { nowIso } from './conditions.js';
import { EVENT_RES, hex, tryCreate } from './objects.js';

export function recordEvent(store: ObjectStore, about: KObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
  const now = nowIso();
  const ns = about.metadata.namespace ?? 'default';
  tryCreate(store, EVENT_RES, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${about.metadata.name}.${hex(16)}`, namespace: ns },
    involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: about.metadata.namespace, uid: about.metadata.uid },
    reason,
    message,
    type,
    source: { component },
    reportingComponent: component,
    reportingInstance: '',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}
