// Which HTTP proxy a request goes through, the way curl and kubectl read the environment (issue 17 item 3):
// HTTPS_PROXY / https_proxy for https URLs, HTTP_PROXY / http_proxy for http ones (lower case first), unless
// NO_PROXY / no_proxy names the host: `*`, a host name (it and its subdomains; a leading dot is optional), an IP
// address or an IPv4 CIDR range, each optionally with `:port`. Used by the Kubernetes client (as the kubeconfig's
// proxy-url, which wins when set), the dataset downloader and `--endpoint` inference; the Azure SDK reads the same
// variables itself.

export function proxyFor(target: string | URL, env: NodeJS.ProcessEnv): string | undefined {
  let u: URL;
  try {
    u = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return undefined;
  }
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== '')?.trim();
  const proxy = u.protocol === 'https:' ? pick('https_proxy', 'HTTPS_PROXY') : u.protocol === 'http:' ? pick('http_proxy', 'HTTP_PROXY') : undefined;
  if (!proxy) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (noProxyMatches(host, port, pick('no_proxy', 'NO_PROXY') ?? '')) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

export function noProxyMatches(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (raw === '*') return true;
    let entry = raw;
    let entryPort: string | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    const bare = entry.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [net, bitsRaw] = cidr.split('/');
  const toInt = (ip: string) => {
    const p = ip.split('.').map(Number);
    return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0 : undefined;
  };
  const a = toInt(host);
  const b = toInt(net);
  const bits = Number(bitsRaw);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}
