// Parsing Kaito's /metrics answer, drawing it, and the sustained low-load / memory-full warnings (time given by the test).
import { describe, expect, it } from 'vitest';
import { formatGpus, GpuWatch, parseGpuMetrics, sampleWarnings, SUSTAINED_MS } from '../../../src/core/gpu-metrics.js';

const answer = (load: string, used: string, total: string) => ({ gpu_info: [{ id: '0', name: 'NVIDIA A100 80GB PCIe', load, temperature: '71.0 C', memory: { used, total } }], cpu_info: null });

describe('parseGpuMetrics', () => {
  it('reads load, temperature and memory in GB', () => {
    expect(parseGpuMetrics(answer('93.50%', '52.25 GB', '78.00 GB'))).toEqual([{ id: '0', name: 'NVIDIA A100 80GB PCIe', load: 93.5, temperature: 71, memoryUsedGiB: 52.25, memoryTotalGiB: 78 }]);
  });
  it('treats Kaito\'s "0.00 GB" (GPUtil MiB divided by 1024**3) as unknown memory', () => {
    expect(parseGpuMetrics(answer('25.00%', '0.00 GB', '0.00 GB'))[0]).toEqual({ id: '0', name: 'NVIDIA A100 80GB PCIe', load: 25, temperature: 71 });
  });
  it('a CPU-only or unknown answer has no GPUs', () => {
    expect(parseGpuMetrics({ gpu_info: null, cpu_info: { load_percentage: 20 } })).toEqual([]);
    expect(parseGpuMetrics('nope')).toEqual([]);
  });
  it('draws one segment per GPU', () => {
    expect(formatGpus(parseGpuMetrics(answer('93.50%', '52.25 GB', '78.00 GB')))).toBe('GPU0 94% 71C mem 52/78 GiB');
    expect(formatGpus(parseGpuMetrics(answer('9%', '0.00 GB', '0.00 GB')))).toBe('GPU0 9% 71C mem n/a');
  });
});

describe('warnings', () => {
  const low = parseGpuMetrics(answer('12.00%', '10 GB', '78 GB'));
  const busy = parseGpuMetrics(answer('95.00%', '10 GB', '78 GB'));
  const full = parseGpuMetrics(answer('95.00%', '76 GB', '78 GB'));

  it('one sample: low load and near-full memory right now', () => {
    expect(sampleWarnings(low)).toEqual([expect.stringMatching(/^GPU load below 30% right now \(GPU0\)/)]);
    expect(sampleWarnings(full)).toEqual([expect.stringMatching(/^GPU memory above 95% right now \(GPU0\): the job is close to CUDA out of memory/)]);
    expect(sampleWarnings(busy)).toEqual([]);
  });

  it('a series warns only when the condition held for the whole window, once', () => {
    const w = new GpuWatch();
    expect(w.add(low, 0)).toEqual([]);
    expect(w.add(low, SUSTAINED_MS - 1)).toEqual([]);
    expect(w.add(low, SUSTAINED_MS)).toEqual([expect.stringMatching(/^GPU load below 30% for 2 min \(GPU0\)/)]);
    expect(w.add(low, SUSTAINED_MS * 2)).toEqual([]);
  });

  it('a busy sample in between restarts the window', () => {
    const w = new GpuWatch();
    w.add(full, 0);
    w.add(busy, 60_000);
    expect(w.add(full, 120_000)).toEqual([]);
    expect(w.add(full, 120_000 + SUSTAINED_MS)).toEqual([expect.stringMatching(/^GPU memory above 95% for 2 min/)]);
  });
});
