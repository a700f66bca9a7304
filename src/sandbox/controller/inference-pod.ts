// The emulated kubelet for an inference pod (<ws>-N): image pull (or ImagePullBackOff under the
// image-pull fault), the runtime's start-up logs, readiness on /health, adapters loaded, and the
// pod-restart fault (restartCount++, a moment not ready, logs rotated to `previous`).
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { recordEvent } from './events.js';
import { WS_LABEL, WS_RES } from './objects.js';
import { initialPodStatus, setPodCondition, startContainer, terminateContainer, updatePod, type PodStatus } from './pod-status.js';
import { presetFacts } from './presets.js';
import { emuSleep, realSleep } from './sleep.js';
import { seeded } from './tuning-logs.js';
import type { WorkspaceView } from './types.js';
import { viewWorkspace } from './workspace-view.js';

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function startupLines(v: WorkspaceView, version: string, weightsGiB: number, hfId: string, rnd: () => number): string[] {
  if (v.runtime === 'transformers') {
    return [
      `Loading model ${hfId} with the transformers runtime (pipeline=text-generation, torch_dtype=bfloat16)`,
      'Loading checkpoint shards: 100%|██████████| 2/2 [00:09<00:00,  4.61s/it]',
      'INFO:     Started server process [1]',
      'INFO:     Waiting for application startup.',
      'INFO:     Application startup complete.',
      'INFO:     Uvicorn running on http://0.0.0.0:5000 (Press CTRL+C to quit)',
      ...(version === '0.6' ? ['Routes: POST /chat, GET /health, GET /metrics'] : ['Routes: POST /v1/chat/completions, GET /v1/models, GET /health']),
    ];
  }
  const i = (file: string, msg: string) => `INFO ${stamp()} [${file}] ${msg}`;
  const blocks = Math.floor(8000 + rnd() * 20000);
  return [
    i('api_server.py:1287', 'vLLM API server version 0.10.1'),
    i('api_server.py:1288', `args: model='/workspace/weights', served_model_name=['${v.preset}'], port=5000, enable_lora=${v.adapters.length > 0}, max_loras=${Math.max(1, v.adapters.length)}, dtype='bfloat16'`),
    i('config.py:1604', 'Using max model len 4096'),
    i('gpu_model_runner.py:1892', 'Starting to load model /workspace/weights...'),
    i('default_loader.py:262', `Loading weights took ${(weightsGiB * 0.9).toFixed(2)} seconds`),
    i('gpu_model_runner.py:1917', `Model loading took ${weightsGiB.toFixed(4)} GiB and ${(weightsGiB * 1.1).toFixed(6)} seconds`),
    i('kv_cache_utils.py:833', `GPU KV cache size: ${blocks * 16} tokens`),
    i('core.py:199', 'init engine (profile, create kv cache, warmup model) took 21.73 seconds'),
    ...v.adapters.map((a) => i('serving_models.py:176', `Loaded new LoRA adapter: name '${a.name}', path '/mnt/adapter/${a.name}'`)),
    i('api_server.py:1582', 'Starting vLLM API server 0 on http://0.0.0.0:5000'),
    i('launcher.py:29', 'Available routes are:'),
    ...['/health', '/v1/models', '/v1/chat/completions', '/v1/completions', '/metrics'].map((r) => i('launcher.py:37', `Route: ${r}, Methods: ${r.startsWith('/v1/c') ? 'POST' : 'GET'}`)),
    'INFO:     Started server process [1]',
    'INFO:     Waiting for application startup.',
    'INFO:     Application startup complete.',
  ];
}

export async function runInferencePod(ctx: SandboxContext, pod: KObject, signal: AbortSignal): Promise<void> {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const ws = ctx.store.get(WS_RES, ns, pod.metadata.labels?.[WS_LABEL] ?? '');
  if (!ws) return;
  const v = viewWorkspace(ws);
  const facts = presetFacts(v.preset);
  const main = (pod.spec as { containers: Array<{ name: string; image: string }> }).containers[0];
  const rnd = seeded(`${ns}/${name}`);
  const sleep = (ms: number) => emuSleep(ctx, ms, signal);
  const update = (m: (s: PodStatus) => void) => {
    if (!updatePod(ctx, ns, name, m)) throw Object.assign(new Error('pod gone'), { name: 'AbortError' });
  };
  const event = (type: 'Normal' | 'Warning', reason: string, msg: string) => {
    const cur = ctx.store.get('/pods', ns, name);
    if (cur) recordEvent(ctx.store, cur, type, reason, msg, 'kubelet');
  };
  const notReady = (s: PodStatus) => {
    setPodCondition(s, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${main.name}]`);
    setPodCondition(s, 'ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${main.name}]`);
  };

  update((s) => Object.assign(s, initialPodStatus(pod)));
  await sleep(2_000);
  update((s) => {
    setPodCondition(s, 'PodScheduled', 'True');
    setPodCondition(s, 'PodReadyToStartContainers', 'True');
    setPodCondition(s, 'Initialized', 'True');
    notReady(s);
    s.hostIP = '10.224.0.10';
    s.podIP = `10.244.2.${10 + Math.floor(rnd() * 200)}`;
    s.startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  event('Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${(pod.spec as { nodeName?: string }).nodeName ?? ''}`);
  event('Normal', 'Pulling', `Pulling image "${main.image}"`);
  await sleep(90_000);

  if (ctx.faults.imagePull) {
    const msg = `Failed to pull image "${main.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${main.image}": failed to resolve reference "${main.image}": ${main.image}: not found`;
    update((s) => {
      const cs = s.containerStatuses[0];
      cs.state = { waiting: { reason: 'ErrImagePull', message: msg } };
    });
    event('Warning', 'Failed', msg);
    event('Warning', 'Failed', 'Error: ErrImagePull');
    await sleep(10_000);
    update((s) => {
      s.containerStatuses[0].state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${main.image}"` } };
    });
    event('Normal', 'BackOff', `Back-off pulling image "${main.image}"`);
    event('Warning', 'Failed', 'Error: ImagePullBackOff');
    return; // stays there until the pod is deleted
  }

  event('Normal', 'Pulled', `Successfully pulled image "${main.image}" in 1m29.6s`);
  event('Normal', 'Created', `Created container ${main.name}`);
  event('Normal', 'Started', `Started container ${main.name}`);
  const boot = async (loadMs: number) => {
    update((s) => {
      startContainer(s, main.name);
      s.phase = 'Running';
      notReady(s);
    });
    const lines = startupLines(v, ctx.kaitoVersion, facts.weightsGiB, facts.hfId, rnd);
    const half = Math.ceil(lines.length / 2);
    ctx.podLogs.append(ns, name, main.name, lines.slice(0, half).join('\n'));
    await sleep(loadMs);
    ctx.podLogs.append(ns, name, main.name, lines.slice(half).join('\n'));
    update((s) => {
      s.containerStatuses[0].ready = true;
      setPodCondition(s, 'Ready', 'True');
      setPodCondition(s, 'ContainersReady', 'True');
    });
  };
  await boot(60_000 + facts.weightsGiB * 10_000);

  if (!ctx.faults.podRestartSeconds) return;
  // pod-restart fault: real seconds, independent of --speed
  for (;;) {
    await realSleep(ctx.faults.podRestartSeconds * 1000, ctx.signal, signal);
    ctx.podLogs.append(ns, name, main.name, 'ERROR: engine core process died unexpectedly (exit code -9); shutting down API server');
    update((s) => {
      const cs = s.containerStatuses[0];
      terminateContainer(s, main.name, 137, 'Error');
      cs.lastState = { terminated: (cs.state as { terminated: unknown }).terminated };
      cs.restartCount += 1;
      cs.state = { waiting: { reason: 'ContainerCreating' } };
      notReady(s);
    });
    ctx.podLogs.end(ns, name, main.name);
    ctx.podLogs.restart(ns, name, main.name);
    event('Warning', 'BackOff', `Back-off restarting failed container ${main.name} in pod ${name}`);
    await sleep(1_000);
    event('Normal', 'Started', `Started container ${main.name}`);
    await boot(30_000);
  }
}
