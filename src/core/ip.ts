// IP address literals as WHATWG URL writes a host (dotted IPv4, compressed lower-case IPv6 without brackets),
// parsed without node:net so core/ stays free of I/O modules. test/unit/core/ip.test.ts checks the answers
// against node:net's isIP/BlockList.

/** The four bytes of a dotted IPv4 literal, or undefined. */
export function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x, i) => x > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return b;
}

/** The eight 16-bit groups of an IPv6 literal (with "::" and an optional dotted IPv4 tail), or undefined. */
export function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(s) || s.split('::').length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-f]{1,4}$/i.test(it)) out.push(parseInt(it, 16));
      else return undefined;
    }
    return out;
  };
  const [head, tail] = s.split('::');
  const a = groups(head);
  const b = tail === undefined ? [] : groups(tail);
  if (!a || !b) return undefined;
  if (tail === undefined) return a.length === 8 ? a : undefined;
  if (a.length + b.length > 7) return undefined;
  return [...a, ...Array(8 - a.length - b.length).fill(0), ...b];
}

/** 4, 6 or 0, like node:net isIP. */
export function ipFamily(s: string): 4 | 6 | 0 {
  return parseIPv4(s) ? 4 : parseIPv6(s) ? 6 : 0;
}
