// The emulated kubelet for an inference pod (<ws>-N): image pull (or ImagePullBackOff under the
// image-pull fault), the runtime's start-up logs, readiness on /health, adapters loaded, and the
// pod-restart fault (restartCount++, a moment not ready, logs rotated to `previous`).
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { pullAdapterImage, type LoadedAdapter } from './adapter-image.js';
import { recordEvent } from './events.js';
import { PULLER_IMAGE } from './inference-manifests.js';
import { WS_LABEL, WS_RES } from './objects.js';
import { container, initialPodStatus, setPodCondition, startContainer, terminateContainer, updatePod, type PodStatus } from './pod-status.js';
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

function startupLines(v: WorkspaceView, version: string, weightsGiB: number, hfId: string, rnd: () => number, loaded: Map<string, LoadedAdapter>): string[] {
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
    ...v.adapters.flatMap((a) => {
      const l = loaded.get(a.name);
      // vLLM logs only the name and path; the r/alpha line is the sandbox's note of what the adapter image held
      const note = l && (l.r !== undefined || l.alpha !== undefined) ? [`[kaito-sandbox] adapter '${a.name}' from ${a.image}: adapter_config.json r=${l.r ?? '?'} lora_alpha=${l.alpha ?? '?'}${l.baseModel ? ` base_model_name_or_path=${l.baseModel}` : ''}`] : [];
      return [i('serving_models.py:176', `Loaded new LoRA adapter: name '${a.name}', path '/mnt/adapter/${a.name}'`), ...note];
    }),
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

  const pullers = ((pod.spec as { initContainers?: Array<{ name: string }> }).initContainers ?? []).map((c) => c.name);
  update((s) => Object.assign(s, initialPodStatus(pod)));
  await sleep(2_000);
  update((s) => {
    setPodCondition(s, 'PodScheduled', 'True');
    setPodCondition(s, 'PodReadyToStartContainers', 'True');
    if (pullers.length) setPodCondition(s, 'Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: [${pullers.join(' ')}]`);
    else setPodCondition(s, 'Initialized', 'True');
    notReady(s);
    s.hostIP = '10.224.0.10';
    s.podIP = `10.244.2.${10 + Math.floor(rnd() * 200)}`;
    s.startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  event('Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${(pod.spec as { nodeName?: string }).nodeName ?? ''}`);
  const loaded = await runAdapterPullers(ctx, pod, v, pullers, sleep, update, event);
  if (pullers.length) update((s) => setPodCondition(s, 'Initialized', 'True'));
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
    const lines = startupLines(v, ctx.kaitoVersion, facts.weightsGiB, facts.hfId, rnd, loaded);
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

/**
 * compat G4: the adapter pullers run in order before the server starts. An image on the sandbox registry is read for
 * real; when it cannot be pulled, puller.sh exits 1 (`set -e`, skopeo's fatal line in its log) and the kubelet restarts
 * the init container with back-off (CrashLoopBackOff, 10s doubling to 5m), re-pulling each time, so the pod stays in
 * Init and the workspace never becomes InferenceReady until the image exists (kubelet pkg/kubelet/kuberuntime
 * computePodActions for init containers; restartPolicy Always of StatefulSet pods). Images elsewhere are assumed pulled.
 */
async function runAdapterPullers(
  ctx: SandboxContext,
  pod: KObject,
  v: WorkspaceView,
  pullers: string[],
  sleep: (ms: number) => Promise<void>,
  update: (m: (s: PodStatus) => void) => void,
  event: (type: 'Normal' | 'Warning', reason: string, msg: string) => void,
): Promise<Map<string, LoadedAdapter>> {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const loaded = new Map<string, LoadedAdapter>();
  for (const a of v.adapters) {
    const c = `puller-${a.name}`;
    if (!a.image || !pullers.includes(c)) continue;
    event('Normal', 'Pulled', `Container image "${PULLER_IMAGE}" already present on machine`);
    for (let attempt = 0; ; attempt++) {
      event('Normal', 'Created', `Created container ${c}`);
      event('Normal', 'Started', `Started container ${c}`);
      update((s) => startContainer(s, c));
      ctx.podLogs.append(ns, name, c, `+ skopeo copy --dest-decompress docker://${a.image} dir:/tmp/tmp.kaito/layout`);
      await sleep(5_000);
      const got = await pullAdapterImage(ctx, a.image);
      if (got && 'error' in got) {
        ctx.podLogs.append(ns, name, c, [got.error, "+ [ '' = 1 ]"].join('\n'));
        update((s) => terminateContainer(s, c, 1));
        ctx.podLogs.end(ns, name, c);
        const backoff = Math.min(10 * 2 ** attempt, 300);
        update((s) => {
          const cs = container(s, c);
          if (!cs) return;
          cs.lastState = { terminated: (cs.state as { terminated: unknown }).terminated };
          cs.restartCount += 1;
          cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff}s restarting failed container=${c} pod=${name}_${ns}(${pod.metadata.uid ?? ''})` } };
        });
        ctx.podLogs.restart(ns, name, c);
        event('Warning', 'BackOff', `Back-off restarting failed container ${c} in pod ${name}_${ns}(${pod.metadata.uid ?? ''})`);
        await sleep(backoff * 1000);
        continue;
      }
      ctx.podLogs.append(ns, name, c, [`+ tar x -f /tmp/tmp.kaito/layout/<layer> -C /tmp/tmp.kaito/rootfs`, `+ mv -f /tmp/tmp.kaito/rootfs/data /mnt/adapter/${a.name}`].join('\n'));
      update((s) => terminateContainer(s, c, 0));
      ctx.podLogs.end(ns, name, c);
      loaded.set(a.name, got ?? {});
      break;
    }
  }
  return loaded;
}
