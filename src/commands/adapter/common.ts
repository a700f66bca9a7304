import { UsageError } from '../../errors.js';

/** "20G", "512M", "1048576" -> bytes */
export function parseSize(raw: string | undefined, flag = '--max-size'): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(raw.trim());
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a size`, 'give bytes, or a number with K, M, G or T (powers of 1024), e.g. 20G');
  const mult: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  const n = Math.floor(Number(m[1]) * mult[(m[2] ?? '').toLowerCase().charAt(0)]!);
  if (n <= 0) throw new UsageError(`${flag} must be more than 0`);
  return n;
}
