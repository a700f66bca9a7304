// Syntax rules for the names, labels, images and URLs that end up in manifests. Pure string checks:
// hostnames are never resolved (that would make render depend on the network).

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** null when valid, else why not */
export function checkDnsLabel(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return `is ${name.length} characters long (at most 63)`;
  if (!DNS1123_LABEL.test(name)) return 'must be lower-case letters, digits and "-", starting and ending with a letter or digit';
  return null;
}

export function checkDnsSubdomain(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `is ${name.length} characters long (at most 253)`;
  if (!DNS1123_SUBDOMAIN.test(name)) return 'must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  return null;
}

/** Turns anything (a preset name, a Hugging Face id) into a valid DNS-1123 label, or '' when nothing is left. */
export function toDnsLabel(raw: string, max = 63): string {
  let s = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
  s = s.replace(/^-+/, '').slice(0, max).replace(/-+$/, '');
  return s;
}

/** AKS Linux agent pool names (the one rule for --nodepool, kaito.yaml's nodepool and `kaito nodepool add`). */
export function checkAksPoolName(name: string): string | null {
  return /^[a-z][a-z0-9]{0,11}$/.test(name) ? null : 'must be 1-12 lower-case letters and digits, starting with a letter (e.g. gpua100)';
}

export function checkLabelKey(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const p = checkDnsSubdomain(prefix);
    if (p) return `prefix "${prefix}" ${p}`;
  }
  if (name.length === 0 || name.length > 63) return 'name part must be 1-63 characters';
  if (!LABEL_NAME.test(name)) return 'name part must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return null;
}

export function checkLabelValue(value: string): string | null {
  if (value === '') return null;
  if (value.length > 63) return `is ${value.length} characters long (at most 63)`;
  if (!LABEL_NAME.test(value)) return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return null;
}

/** The exact label keys Kaito reserves for itself (compat R3): v0.11+ drops them from a labelSelector and rejects an
 * inference selector made only of them; any other key, even under kaito.sh/, is the user's. */
export const RESERVED_LABEL_KEYS: readonly string[] = [
  'kaito.sh/workspace',
  'kaito.sh/workspacenamespace',
  'kaito.sh/ragengine',
  'kaito.sh/ragenginenamespace',
  'karpenter.kaito.sh/workspace-name',
  'karpenter.kaito.sh/workspace-namespace',
  'karpenter.kaito.sh/inferenceset',
  'karpenter.kaito.sh/inferenceset-namespace',
];

export function isReservedLabelKey(key: string): boolean {
  return RESERVED_LABEL_KEYS.includes(key);
}

/** Words one of which the trainer needs in a dataset file's lower-cased name to pick it (compat R4). */
export const DATASET_NAME_WORDS = ['csv', 'json', 'parquet', 'arrow', 'webdataset'] as const;

/** Why Kaito's trainer would not recognise the file a dataset URL is saved as, or null (compat R4): the data
 * downloader saves it under the URL's basename cut at the first ? or #, and the trainer takes the first file whose
 * lower-cased name contains csv, json, parquet, arrow or webdataset. */
export function datasetFileNameProblem(raw: string, kaito06 = false): string | null {
  // Kaito 0.6 keeps the query in the name, turning ?, = and & into _ (compat R4)
  const cut = (kaito06 ? raw.replace(/[?=&]/g, '_') : raw.split(/[?#]/)[0]).replace(/\/+$/, '');
  const base = cut.slice(cut.lastIndexOf('/') + 1).toLowerCase();
  if (DATASET_NAME_WORDS.some((w) => base.includes(w))) return null;
  return `is saved as "${base}", a file name Kaito's trainer does not recognise as a dataset (it needs csv, json, parquet, arrow or webdataset in the name): serve the file under a name such as data.jsonl or data.parquet`;
}

// registry[:port]/path[:tag][@digest], the grammar of container image references (lower-case path components).
const HOST_PART = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
// the first component is a registry only when it looks like one (a dot, a port, localhost, an IPv6 literal)
const REGISTRY = `(?:${HOST_PART}(?:\\.${HOST_PART})+(?::[0-9]+)?|${HOST_PART}:[0-9]+|localhost|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?)`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REF = new RegExp(
  `^(?:${REGISTRY}\\/)?${PATH_PART}(?:\\/${PATH_PART})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

export function checkImageRef(ref: string): string | null {
  if (ref.length === 0) return 'must not be empty';
  if (ref.length > 255 * 2) return 'is too long';
  if (/\s/.test(ref)) return 'must not contain spaces';
  if (/^[a-z]+:\/\//i.test(ref)) return 'is an image reference, not a URL (drop the scheme)';
  if (!IMAGE_REF.test(ref)) return 'is not a valid image reference (registry/repository[:tag][@digest], lower-case repository)';
  return null;
}

/** Why a dataset URL is refused, or null (compat R7). Every release: http(s) with a host, and not the tuning pod
 *  itself (localhost, loopback, unspecified: nothing serves a file there). Kaito 0.12 only (its webhook
 *  validateDataSourceURL, no DNS lookup): also no private, link-local (incl. 169.254.169.254) or link-local multicast
 *  address literal and no metadata.google[.internal] / instance-data.ec2.internal. Older releases accept those. */
export function checkDatasetUrl(raw: string, release: string = '0.12'): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `uses ${u.protocol.replace(/:$/, '')}: only http and https are allowed`;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return 'has no host';
  const r = hostClass(host);
  if (r?.unreachable) return `points at ${r.what} (${host}), which is the tuning pod itself: serve the file from a host the cluster can reach`;
  if (r && release === '0.12') return `points at ${r.what} (${host}), which Kaito 0.12's webhook refuses: serve the file from a public host, or use --dataset-image / --dataset-pvc`;
  return null;
}

interface HostClass { what: string; unreachable?: boolean }

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.google', 'instance-data.ec2.internal']);

/** What kind of host a URL names, for checkDatasetUrl; null for an ordinary host. */
export function hostClass(host: string): HostClass | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return { what: 'localhost', unreachable: true };
  if (METADATA_HOSTS.has(host)) return { what: 'a cloud metadata service' };
  if (host.startsWith('[')) return ipv6Class(host.slice(1, -1));
  const v4 = parseIPv4(host);
  return v4 ? ipv4Class(v4) : null;
}

function parseIPv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

// The classes Go's net.IP IsLoopback, IsPrivate, IsLinkLocalUnicast, IsLinkLocalMulticast cover (plus unspecified).
function ipv4Class([a, b, c, d]: number[]): HostClass | null {
  if (a === 127) return { what: 'a loopback address', unreachable: true };
  if (a === 0 && b === 0 && c === 0 && d === 0) return { what: 'an unspecified address', unreachable: true };
  if (a === 169 && b === 254 && c === 169 && d === 254) return { what: 'a cloud metadata service' };
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return { what: 'a private address' };
  if (a === 169 && b === 254) return { what: 'a link-local address' };
  if (a === 224 && b === 0 && c === 0) return { what: 'a link-local multicast address' };
  return null;
}

function ipv6Class(addr: string): HostClass | null {
  const a = addr.toLowerCase();
  if (a === '::1') return { what: 'a loopback address', unreachable: true };
  if (a === '::') return { what: 'an unspecified address', unreachable: true };
  // IPv4-mapped (::ffff:a.b.c.d, which URL() normalises to ::ffff:XXXX:XXXX)
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return ipv4Class([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = parseInt(a.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00) return { what: 'a private (unique local) address' };
  if ((first & 0xffc0) === 0xfe80) return { what: 'a link-local address' };
  if ((first & 0xff0f) === 0xff02) return { what: 'a link-local multicast address' };
  return null;
}

/** The closest candidates to a misspelt name, for "did you mean". */
export function didYouMean(input: string, candidates: string[], max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(input.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)) || c.includes(input.toLowerCase()));
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1));
  return scored.slice(0, max).map((s) => s.c);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
