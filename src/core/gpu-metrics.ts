// GPU use of a running tuning job, from Kaito's metrics server (GET /metrics on the tuning pod's port 5000; shape:
// presets/workspace/tuning/text-generation/metrics/metrics_server.py MetricsResponse, compat T6). Pure: parse one
// answer, draw it, and watch a series of them for a job that starves its GPU or is about to run out of memory.

export interface GpuSample {
  id: string;
  name: string;
  /** percent */
  load?: number;
  /** degrees C */
  temperature?: number;
  /** GiB; undefined when the server reports nothing usable (Kaito prints GPUtil's MiB as GB: "0.00 GB") */
  memoryUsedGiB?: number;
  memoryTotalGiB?: number;
}

const num = (s: unknown, unit: RegExp): number | undefined => {
  if (typeof s === 'number') return Number.isFinite(s) ? s : undefined;
  if (typeof s !== 'string') return undefined;
  const m = new RegExp(`^\\s*(-?[\\d.]+)\\s*${unit.source}\\s*$`, 'i').exec(s);
  return m ? Number(m[1]) : undefined;
};

/** One /metrics answer -> per-GPU samples ([] for a CPU-only answer or a shape we do not know). */
export function parseGpuMetrics(doc: unknown): GpuSample[] {
  const list = (doc as { gpu_info?: unknown } | null)?.gpu_info;
  if (!Array.isArray(list)) return [];
  return list.map((g: Record<string, unknown>, i) => {
    const mem = (g.memory ?? {}) as Record<string, unknown>;
    const used = num(mem.used, /GB/);
    const total = num(mem.total, /GB/);
    // a total below 0.01 GB is no GPU: Kaito's unit slip (MiB / 1024**3), so memory is unknown
    const known = total !== undefined && total >= 0.01 && used !== undefined;
    return {
      id: String(g.id ?? i),
      name: String(g.name ?? 'GPU'),
      load: num(g.load, /%/),
      temperature: num(g.temperature, /C/),
      ...(known ? { memoryUsedGiB: used, memoryTotalGiB: total } : {}),
    };
  });
}

/** "GPU0 93% 71C mem 52/78 GiB" per GPU, joined with " | " */
export function formatGpus(samples: GpuSample[]): string {
  return samples
    .map((g) => {
      const parts = [`GPU${g.id}`];
      if (g.load !== undefined) parts.push(`${Math.round(g.load)}%`);
      if (g.temperature !== undefined) parts.push(`${Math.round(g.temperature)}C`);
      parts.push(g.memoryTotalGiB !== undefined ? `mem ${g.memoryUsedGiB!.toFixed(0)}/${g.memoryTotalGiB.toFixed(0)} GiB` : 'mem n/a');
      return parts.join(' ');
    })
    .join(' | ');
}

export const LOW_LOAD_PCT = 30;
export const MEMORY_FULL_PCT = 95;
/** how long a condition must hold across samples before it is reported */
export const SUSTAINED_MS = 2 * 60_000;

export const lowLoadWarning = (ids: string[], forWhat: string) =>
  `GPU load below ${LOW_LOAD_PCT}% ${forWhat} (${ids.map((i) => `GPU${i}`).join(', ')}): the job is likely data-bound and pays for an idle GPU; raise --batch-size, or use a smaller --instance-type`;
export const memoryFullWarning = (ids: string[], forWhat: string) =>
  `GPU memory above ${MEMORY_FULL_PCT}% ${forWhat} (${ids.map((i) => `GPU${i}`).join(', ')}): the job is close to CUDA out of memory; lower --batch-size, use --method qlora, or a larger --instance-type`;

/** Conditions in one sample (for `kaito status`, which sees a single moment). */
export function sampleWarnings(samples: GpuSample[]): string[] {
  const low = samples.filter((g) => g.load !== undefined && g.load < LOW_LOAD_PCT).map((g) => g.id);
  const full = samples.filter((g) => g.memoryTotalGiB && (g.memoryUsedGiB! / g.memoryTotalGiB) * 100 >= MEMORY_FULL_PCT).map((g) => g.id);
  return [...(low.length ? [lowLoadWarning(low, 'right now')] : []), ...(full.length ? [memoryFullWarning(full, 'right now')] : [])];
}

/**
 * A series of samples (for `kaito logs --progress -f`): a warning once a condition held on every sample for at
 * least SUSTAINED_MS, each kind reported once. Time comes from the caller.
 */
export class GpuWatch {
  private lowSince?: number;
  private fullSince?: number;
  private said = new Set<string>();

  add(samples: GpuSample[], at: number): string[] {
    if (samples.length === 0) return [];
    const out: string[] = [];
    const low = samples.filter((g) => g.load !== undefined && g.load < LOW_LOAD_PCT).map((g) => g.id);
    const full = samples.filter((g) => g.memoryTotalGiB && (g.memoryUsedGiB! / g.memoryTotalGiB) * 100 >= MEMORY_FULL_PCT).map((g) => g.id);
    this.lowSince = low.length ? this.lowSince ?? at : undefined;
    this.fullSince = full.length ? this.fullSince ?? at : undefined;
    const mins = (since: number) => `for ${Math.round((at - since) / 60_000)} min`;
    if (this.lowSince !== undefined && at - this.lowSince >= SUSTAINED_MS && !this.said.has('low')) {
      this.said.add('low');
      out.push(lowLoadWarning(low, mins(this.lowSince)));
    }
    if (this.fullSince !== undefined && at - this.fullSince >= SUSTAINED_MS && !this.said.has('full')) {
      this.said.add('full');
      out.push(memoryFullWarning(full, mins(this.fullSince)));
    }
    return out;
  }
}
