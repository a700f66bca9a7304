// compat T6: the tuning container's metrics server (`python3 metrics_server.py &` before `accelerate launch`, port
// 5000 + LOCAL_RANK): GET /metrics -> {gpu_info: [{id, name, load: "93.00%", temperature: "71.0 C", memory: {used,
// total}}], cpu_info: null} (v0.6.0 / v0.12.0 presets/workspace/tuning/text-generation/metrics/metrics_server.py
// get_metrics; the command: v0.12.0 presets/workspace/models/transformer_runtime_tuning_parameters.go
// defaultTuningBaseCommand). The values come from GPUtil, whose memoryUsed/memoryTotal are MiB (nvidia-smi
// --format=csv,nounits); Kaito divides them by 1024**3 and prints "GB", so a real endpoint reads "0.00 GB": so does
// this one. Other paths answer FastAPI's 404 {"detail":"Not Found"}. Reached through the API server's pod proxy.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { seeded } from './tuning-logs.js';
import { skuInfo } from './skus.js';
import { WS_RES, WS_LABEL } from './objects.js';
import { viewWorkspace } from './workspace-view.js';

export const METRICS_PORT = '5000';

export function isTuningPod(pod: KObject): boolean {
  return Boolean(pod.metadata.labels?.['job-name']);
}

/** GPUtil's `name` (nvidia-smi name.gpu) for the GPU of an Azure size. */
function gpuName(vmSize: string): string {
  if (/H200/i.test(vmSize)) return 'NVIDIA H200';
  if (/H100/i.test(vmSize)) return 'NVIDIA H100 NVL';
  if (/A100/i.test(vmSize)) return 'NVIDIA A100 80GB PCIe';
  if (/A10_/i.test(vmSize)) return 'NVIDIA A10';
  if (/T4/i.test(vmSize)) return 'Tesla T4';
  return 'NVIDIA GPU';
}

type Status = { containerStatuses?: Array<{ name: string; state?: { running?: object } }> };

/** The body the metrics server returns now, or undefined when nothing listens on the port (trainer not running). */
export function tuningMetrics(ctx: SandboxContext, pod: KObject, now = Date.now()): Record<string, unknown> | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const wsName = pod.metadata.labels?.[WS_LABEL] ?? '';
  const spec = pod.spec as { containers?: Array<{ name: string; resources?: { limits?: Record<string, string> } }> };
  const main = spec.containers?.find((c) => c.name === wsName) ?? spec.containers?.[0];
  const running = (pod.status as Status | undefined)?.containerStatuses?.find((c) => c.name === main?.name)?.state?.running;
  if (!main || !running) return undefined;
  const ws = ctx.store.get(WS_RES, ns, wsName);
  const vmSize = ws ? viewWorkspace(ws).instanceType : '';
  const sku = skuInfo(vmSize || 'Standard_NC24ads_A100_v4');
  // GPUtil lists the GPUs the container sees: its nvidia.com/gpu limit
  const gpus = Math.max(1, Number(main.resources?.limits?.['nvidia.com/gpu'] ?? 1) || 1);
  // a new reading every 10 emulated seconds, deterministic per pod
  const tick = Math.floor((now * ctx.clock.speed) / 10_000);
  const gpuInfo = Array.from({ length: gpus }, (_, i) => {
    const rnd = seeded(`${ns}/${pod.metadata.name}/${i}/${tick}`);
    const load = ctx.faults.gpuLoad !== undefined ? ctx.faults.gpuLoad / 100 : 0.88 + rnd() * 0.09;
    const memTotalMiB = Math.round((sku.gpuMemGiB / sku.gpus) * 1024 * 0.98);
    const memUsedMiB = Math.round(memTotalMiB * (0.55 + rnd() * 0.2));
    const temperature = Math.round(55 + load * 20 + rnd() * 4);
    return {
      id: String(i),
      name: gpuName(vmSize),
      load: `${(load * 100).toFixed(2)}%`,
      temperature: `${temperature.toFixed(1)} C`,
      // Kaito's unit slip, kept: MiB / 1024**3 printed as GB
      memory: { used: `${(memUsedMiB / 1024 ** 3).toFixed(2)} GB`, total: `${(memTotalMiB / 1024 ** 3).toFixed(2)} GB` },
    };
  });
  return { gpu_info: gpuInfo, cpu_info: null };
}

/** Answers a pod-proxy request to a tuning pod like the API server dialing the metrics server would. */
export function serveTuningMetrics(ctx: SandboxContext, pod: KObject, port: string | undefined, path: string, method: string, res: ServerResponse): void {
  const body = port === METRICS_PORT ? tuningMetrics(ctx, pod) : undefined;
  const send = (status: number, doc: unknown, type = 'application/json') => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (!body) {
    // the API server could not connect: a Status, as kube-apiserver's proxy error responder writes it
    const ip = (pod.status as { podIP?: string } | undefined)?.podIP ?? '10.244.0.1';
    return send(503, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: dial tcp ${ip}:${port ?? '80'}: connect: connection refused`, reason: 'ServiceUnavailable', code: 503 });
  }
  const p = path.split('?')[0];
  if (p !== '/metrics' || method !== 'GET') return send(p === '/metrics' ? 405 : 404, { detail: p === '/metrics' ? 'Method Not Allowed' : 'Not Found' });
  send(200, body);
}
