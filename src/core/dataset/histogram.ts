// A bounded histogram of non-negative integers for p50/p90/max: exact below EXACT_LIMIT, then buckets of
// ~1/64 relative width. Memory stays fixed however many records the file holds.
const EXACT_LIMIT = 8192;
const SUB_BUCKETS = 64;

export class Histogram {
  private readonly exact = new Float64Array(EXACT_LIMIT);
  // index: (exponent - 13) * SUB_BUCKETS + sub-bucket, for values 2^13 .. 2^53
  private readonly coarse = new Float64Array(41 * SUB_BUCKETS);
  count = 0;
  total = 0;
  max = 0;

  add(v: number): void {
    const n = Math.max(0, Math.floor(v));
    this.count++;
    this.total += n;
    if (n > this.max) this.max = n;
    if (n < EXACT_LIMIT) this.exact[n]++;
    else this.coarse[coarseIndex(n)]++;
  }

  /** the smallest recorded value v with at least q of all values <= v (upper bucket bound above EXACT_LIMIT) */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < EXACT_LIMIT; i++) {
      seen += this.exact[i];
      if (seen >= target) return i;
    }
    for (let i = 0; i < this.coarse.length; i++) {
      seen += this.coarse[i];
      if (seen >= target) return Math.min(this.max, coarseUpper(i));
    }
    return this.max;
  }
}

function coarseIndex(n: number): number {
  const e = Math.floor(Math.log2(n));
  const base = 2 ** e;
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor(((n - base) / base) * SUB_BUCKETS));
  return Math.min((e - 13) * SUB_BUCKETS + sub, 41 * SUB_BUCKETS - 1);
}

function coarseUpper(i: number): number {
  const e = Math.floor(i / SUB_BUCKETS) + 13;
  const sub = i % SUB_BUCKETS;
  const base = 2 ** e;
  return Math.floor(base + ((sub + 1) * base) / SUB_BUCKETS) - 1;
}
