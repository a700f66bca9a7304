// Pieces shared by the tuning and inference renderers.
import { loadTemplate } from '../templates.js';
import { canonical } from './serialize.js';
import { MANAGED_BY, type KObject, type Placement } from './types.js';

export function baseMetadata(obj: KObject, name: string, namespace: string | undefined): void {
  obj.metadata.name = name;
  if (namespace) obj.metadata.namespace = namespace;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [MANAGED_BY.key]: MANAGED_BY.value };
}

/** resource: instanceType by placement, matchLabels app=<ws> (+ agentpool=POOL, + --labels). */
export function renderResource(ws: KObject, name: string, p: Placement): void {
  const matchLabels: Record<string, string> = { app: name };
  if (p.nodepool) matchLabels.agentpool = p.nodepool;
  Object.assign(matchLabels, p.labels);
  const resource: Record<string, unknown> = { labelSelector: { matchLabels } };
  const instanceType = placementInstanceType(p);
  if (instanceType) resource.instanceType = instanceType;
  ws.resource = resource;
}

/** NAP: --instance-type, or the node pool's vmSize. BYO: always empty (the webhook insists). */
export function placementInstanceType(p: Placement): string | undefined {
  if (p.nodeProvisioning === 'byo') return undefined;
  return p.instanceType ?? p.nodepoolVmSize;
}

export function renderConfigMap(name: string, namespace: string | undefined, key: string, text: string): KObject {
  const cm = loadTemplate('configmap');
  baseMetadata(cm, name, namespace);
  cm.data = { [key]: text };
  return canonical(cm);
}
