// Reads Kaito's tuning metrics server through the API server's pod proxy (no port to open):
// GET /api/v1/namespaces/NS/pods/NAME:5000/proxy/metrics (compat T6).
import { parseGpuMetrics, type GpuSample } from '../core/gpu-metrics.js';
import type { KubeClient } from './client.js';

export const TUNING_METRICS_PORT = 5000;

/** Per-GPU samples, or undefined when the endpoint cannot be reached (trainer not running, proxy forbidden). */
export async function readGpuMetrics(kube: KubeClient, namespace: string, pod: string, signal?: AbortSignal): Promise<GpuSample[] | undefined> {
  try {
    const doc = await kube.request<unknown>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${TUNING_METRICS_PORT}/proxy/metrics`, { signal, retry: false });
    const samples = parseGpuMetrics(doc);
    return samples.length ? samples : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the trainer container of a tuning pod is running (only then does the metrics server answer). */
export function trainerRunning(pod: object, container: string): boolean {
  const cs = ((pod as { status?: unknown }).status as { containerStatuses?: Array<{ name: string; state?: { running?: object } }> } | undefined)?.containerStatuses ?? [];
  return Boolean(cs.find((c) => c.name === container)?.state?.running);
}
