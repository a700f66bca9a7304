// Numeric flag parsing: strict (no "12abc"), each failure one problem line naming the flag.

export function parseIntFlag(raw: string | undefined, flag: string, problems: string[], min = 1): number | undefined {
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  if (!/^\d+$/.test(s) || Number(s) < min || !Number.isSafeInteger(Number(s))) {
    problems.push(`${flag} must be a whole number >= ${min} (got "${raw}")`);
    return undefined;
  }
  return Number(s);
}

export function parseFloatFlag(raw: string | undefined, flag: string, problems: string[], opts: { min?: number; maxExclusive?: number; positive?: boolean } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  const n = Number(s);
  const ok =
    s !== '' && /^[0-9.eE+-]+$/.test(s) && Number.isFinite(n) &&
    (opts.positive ? n > 0 : true) && (opts.min === undefined || n >= opts.min) && (opts.maxExclusive === undefined || n < opts.maxExclusive);
  if (!ok) {
    const range = opts.positive ? '> 0' : `in [${opts.min ?? '-inf'}, ${opts.maxExclusive ?? 'inf'})`;
    problems.push(`${flag} must be a number ${range} (got "${raw}")`);
    return undefined;
  }
  return n;
}
