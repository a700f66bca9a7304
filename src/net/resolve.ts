// KAITO_RESOLVE="host=ip,host2=ip2" pins host names to addresses, like curl --resolve: the sandbox serves
// datasets under a name (datasets.kaito-sandbox.test) that no DNS knows. The TLS name stays the host name,
// so certificates are still verified against it.
import { isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';
import { UsageError } from '../errors.js';

export function parseResolve(spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!spec) return map;
  const problems: string[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    const host = item.slice(0, eq).trim().toLowerCase();
    const ip = item.slice(eq + 1).trim().replace(/^\[|\]$/g, '');
    if (eq <= 0 || !isIP(ip)) problems.push(`"${item}" is not host=ip`);
    else map.set(host, ip);
  }
  if (problems.length) throw new UsageError('KAITO_RESOLVE is malformed', 'write it as host=ip[,host=ip...], e.g. datasets.kaito-sandbox.test=127.0.0.1', problems);
  return map;
}

/** A net.connect lookup that answers pinned names itself and asks DNS for the rest. */
export function pinnedLookup(pins: Map<string, string>): LookupFunction | undefined {
  if (pins.size === 0) return undefined;
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const ip = pins.get(hostname.toLowerCase());
    if (ip === undefined) return dnsLookup(hostname, options as never, callback as never);
    const family = isIP(ip);
    // with autoSelectFamily (Node 20's default) net asks for all addresses
    if (options?.all) callback(null, [{ address: ip, family }]);
    else callback(null, ip, family);
  }) as LookupFunction;
}
