// `--fault image-pull=PATTERN` (repeatable): the registry refuses images matching PATTERN (a glob, `*` = any text;
// without `*` a substring of the reference), and the kubelet reports it as it does for a 401: ErrImagePull with
// containerd's "failed to authorize" message, then ImagePullBackOff "Back-off pulling image" (kubelet
// pkg/kubelet/images/image_manager.go EnsureImageExists: ErrImagePull, then ErrImagePullBackOff while backing off;
// the message text is containerd's remotes/docker resolver error as kubelet events show it).

/** docker.io normalization, as containerd resolves a reference: "curlimages/curl" -> docker.io/curlimages/curl:latest */
export function normalizeImage(ref: string): string {
  let r = ref;
  const first = r.split('/')[0];
  const hasRegistry = r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) r = `docker.io/${r.includes('/') ? r : `library/${r}`}`;
  const last = r.split('/').pop() ?? '';
  if (!last.includes(':') && !r.includes('@')) r += ':latest';
  return r;
}

function matches(pattern: string, image: string): boolean {
  if (!pattern.includes('*')) return image.includes(pattern);
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(image);
}

/** The kubelet's ErrImagePull message when the fault refuses this image, else undefined. */
export function pullRefusal(patterns: string[] | undefined, image: string): string | undefined {
  if (!patterns?.length) return undefined;
  const full = normalizeImage(image);
  if (!patterns.some((p) => matches(p, image) || matches(p, full))) return undefined;
  const [host, ...rest] = full.split('/');
  const repo = rest.join('/').replace(/[:@].*$/, '');
  const tokenUrl = host === 'docker.io' ? `https://auth.docker.io/token?scope=repository%3A${encodeURIComponent(repo)}%3Apull&service=registry.docker.io` : `https://${host}/oauth2/token?scope=repository%3A${encodeURIComponent(repo)}%3Apull&service=${host}`;
  return `Failed to pull image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ${tokenUrl}: 401 Unauthorized`;
}
