// The resources the emulated API server serves: one entry per resource, shared by discovery, OpenAPI,
// routing and the garbage collector. `key` is the object store's ResourceKey ("group/plural").
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface ResourceDef {
  group: string;
  /** served versions, the first is the storage (and preferred) version */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  /** subresources: status (own endpoint for .status), log, proxy, portforward */
  subresources: string[];
  key: string;
}

const ALL: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function def(group: string, versions: string[], kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceDef> = {}): ResourceDef {
  return {
    group,
    versions,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: ALL,
    subresources: [],
    key: `${group}/${plural}`,
    ...extra,
  };
}

export const RESOURCES: ResourceDef[] = [
  def('', ['v1'], 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  def('', ['v1'], 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status', 'proxy'] }),
  def('', ['v1'], 'Pod', 'pods', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log', 'proxy', 'portforward'] }),
  def('', ['v1'], 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'] }),
  def('', ['v1'], 'Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  def('', ['v1'], 'Secret', 'secrets', true),
  def('', ['v1'], 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  def('', ['v1'], 'Event', 'events', true, { shortNames: ['ev'] }),
  def('', ['v1'], 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  def('', ['v1'], 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: ['status'] }),
  def('apps', ['v1'], 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status'] }),
  def('apps', ['v1'], 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status'] }),
  def('batch', ['v1'], 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'] }),
  def('kaito.sh', ['v1beta1', 'v1alpha1'], 'Workspace', 'workspaces', true, { shortNames: ['wk', 'wks'], categories: ['all', 'kaito'], subresources: ['status'] }),
  def('karpenter.sh', ['v1'], 'NodeClaim', 'nodeclaims', false, { categories: ['karpenter'], subresources: ['status'] }),
  def('karpenter.sh', ['v1'], 'NodePool', 'nodepools', false, { categories: ['karpenter'], subresources: ['status'] }),
  def('apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], subresources: ['status'] }),
  // a question, not a stored object: POST only, answered by access-review.ts
  def('authorization.k8s.io', ['v1'], 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: ['create'] }),
];

/** Preferred group order in /apis (the core group is served under /api). */
export const GROUPS = ['apps', 'batch', 'apiextensions.k8s.io', 'authorization.k8s.io', 'kaito.sh', 'karpenter.sh'];

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural && r.versions.includes(version));
}

export function byKey(key: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.key === key);
}

export function apiVersionOf(r: ResourceDef, version = r.versions[0]): string {
  return r.group ? `${r.group}/${version}` : version;
}
