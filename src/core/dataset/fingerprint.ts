// Duplicate detection in bounded memory: a 53-bit fingerprint of each record's training content (not its
// JSON spelling, so the same record in jsonl and parquet matches) kept in an open-addressing table of
// Float64Array slots, 16 bytes per record. Past MAX_SLOTS/2 records the table stops growing and later
// records are no longer compared (the report says how many were).

/** Streaming 53-bit hash (cyrb53 family) over several strings with separators. */
export class Fingerprint {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  update(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    // a separator that cannot be confused with text: "ab"+"c" differs from "a"+"bc"
    h1 = Math.imul(h1 ^ 0x1f, 2654435761);
    h2 = Math.imul(h2 ^ (s.length & 0xffff), 1597334677);
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  digest(): number {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // +1 keeps 0 free as the empty-slot marker
    return 4294967296 * (2097151 & h2) + (h1 >>> 0) + 1;
  }
}

const MAX_SLOTS = 1 << 23; // 8M slots = 128 MiB at most, for 4M distinct records

export class FingerprintSet {
  private keys = new Float64Array(1 << 12);
  private firsts = new Float64Array(1 << 12);
  private size = 0;
  /** records that could not be compared because the table was full */
  skipped = 0;

  /** Adds a fingerprint; returns the record index it duplicates, or -1 when it is new. */
  add(fp: number, record: number): number {
    if (this.size * 2 >= this.keys.length) {
      if (this.keys.length >= MAX_SLOTS) {
        const found = this.find(fp);
        if (found < 0) this.skipped++;
        return found;
      }
      this.grow();
    }
    const mask = this.keys.length - 1;
    let i = fp % this.keys.length;
    for (;;) {
      const k = this.keys[i];
      if (k === 0) {
        this.keys[i] = fp;
        this.firsts[i] = record;
        this.size++;
        return -1;
      }
      if (k === fp) return this.firsts[i];
      i = (i + 1) & mask;
    }
  }

  private find(fp: number): number {
    const mask = this.keys.length - 1;
    let i = fp % this.keys.length;
    for (let n = 0; n < this.keys.length; n++) {
      const k = this.keys[i];
      if (k === 0) return -1;
      if (k === fp) return this.firsts[i];
      i = (i + 1) & mask;
    }
    return -1;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldFirsts = this.firsts;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.firsts = new Float64Array(oldKeys.length * 2);
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === 0) continue;
      let i = k % this.keys.length;
      while (this.keys[i] !== 0) i = (i + 1) & mask;
      this.keys[i] = k;
      this.firsts[i] = oldFirsts[j];
    }
  }
}
