// Image references, parsed by the rules docker and the distribution reference library use: the first path
// component is a registry when it holds a "." or ":" or is "localhost"; otherwise the image is on Docker Hub and a
// one-component name gets "library/". Tag defaults to "latest" only when there is no digest.
// (distribution/reference normalize.go ParseNormalizedNamed, SplitDockerDomain; regexp.go)

export interface ImageRef {
  /** host[:port] as written ("docker.io" for Docker Hub) */
  registry: string;
  /** repository path inside the registry, e.g. "library/ubuntu" */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;

export class ReferenceError extends Error {}

export function parseImageRef(raw: string): ImageRef {
  const s = raw.trim();
  if (!s) throw new ReferenceError('the image reference is empty');
  if (/^[a-z]+:\/\//i.test(s)) throw new ReferenceError(`"${raw}" is a URL; write an image reference without the scheme, e.g. myregistry.azurecr.io/data/train:v1`);
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(`"${raw}": the digest must be sha256: followed by 64 lower-case hex digits`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ReferenceError(`"${raw}": tag "${tag}" is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")`);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost' || parts[0]!.startsWith('['))) {
    registry = parts.shift()!;
    if (!HOST.test(registry)) throw new ReferenceError(`"${raw}": "${registry}" is not a valid registry host`);
  }
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  for (const p of parts) {
    if (!COMPONENT.test(p)) throw new ReferenceError(`"${raw}": repository component "${p}" must be lower-case letters and digits separated by ".", "_", "__" or "-"`);
  }
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > 255) throw new ReferenceError(`"${raw}": the repository name is longer than 255 characters`);
  if (!tag && !digest) tag = 'latest';
  return { registry, repository, tag, digest };
}

/** registry/repository[:tag][@digest], the normalised form. */
export function formatRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** registry/repository@digest */
export function digestRef(r: ImageRef, digest: string): string {
  return `${r.registry}/${r.repository}@${digest}`;
}

/** Loopback registries may speak plain HTTP (as docker allows for 127.0.0.0/8 and localhost). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = hostOf(registry);
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function hostOf(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  return registry.replace(/:\d+$/, '');
}

/** The host the API is served on: Docker Hub's API is registry-1.docker.io. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

const ACR_SUFFIXES = ['.azurecr.io', '.azurecr.cn', '.azurecr.us', '.azurecr.de'];
/** ACR hosts get the Entra token exchange; KAITO_ACR_HOSTS (comma-separated) adds hosts that answer like ACR (the sandbox's). */
export function isAcrRegistry(registry: string, extraHosts?: string): boolean {
  const h = hostOf(registry).toLowerCase();
  const extra = (extraHosts ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  return ACR_SUFFIXES.some((s) => h.endsWith(s)) || extra.includes(h);
}
