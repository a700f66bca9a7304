// Pieces shared by the tuning and inference renderers.
import { loadTemplate } from '../templates.js';
import { canonical } from './serialize.js';
import { MANAGED_BY, type KubeObject, type Placement } from './types.js';

export function baseMetadata(obj: KubeObject, name: string, namespace: string | undefined): void {
  obj.metadata.name = name;
  if (namespace) obj.metadata.namespace = namespace;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [MANAGED_BY.key]: MANAGED_BY.value };
}

/**
 * resource: instanceType by placement; matchLabels app=<ws>, or agentpool=POOL with --nodepool (+ --labels).
 * On a pool, every matchLabel must be a label its nodes already carry: Kaito (NAP) reuses a node only when
 * all matchLabels and the instance type match, and otherwise provisions a new one; BYO never schedules.
 */
export function renderResource(ws: KubeObject, name: string, p: Placement): void {
  const matchLabels: Record<string, string> = p.nodepool ? { agentpool: p.nodepool } : { app: name };
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

export function renderConfigMap(name: string, namespace: string | undefined, key: string, text: string): KubeObject {
  const cm = loadTemplate('configmap');
  baseMetadata(cm, name, namespace);
  cm.data = { [key]: text };
  return canonical(cm);
}
