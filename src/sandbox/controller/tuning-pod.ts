// The emulated kubelet for a tuning Job's pod: init containers (weights, data), the trainer with its
// sidecars, exit codes and logs, all at ctx.clock speed. The Job controller (./jobs.ts) turns the pod's
// end into Job status. Cancelled when the pod is deleted.
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { fetchSandboxDataset, countRecords, fileNameOf, isSandboxDataset } from './dataset.js';
import { recordEvent } from './events.js';
import { WS_LABEL, WS_RES } from './objects.js';
import { container, initialPodStatus, setPodCondition, startContainer, terminateContainer, updatePod, type PodStatus } from './pod-status.js';
import { pullRefusal } from './image-pull.js';
import { presetFacts } from './presets.js';
import { skuInfo } from './skus.js';
import { emuSleep } from './sleep.js';
import { loraSettings, pullDataImage, pushAdapterImage } from './adapter-image.js';
import { trainingShape } from './training-config.js';
import { evalLines, evalLossAt, failureTraceback, lossAt, pusherLines, pyFloat, seeded, tqdmLine, trainerStartLines, weightsDownloadLines } from './tuning-logs.js';
import { viewWorkspace } from './workspace-view.js';

const MAX_PROGRESS_UPDATES = 40;

export async function runTuningPod(ctx: SandboxContext, pod: KObject, signal: AbortSignal): Promise<void> {
  const ns = pod.metadata.namespace!;
  const name = pod.metadata.name;
  const wsName = pod.metadata.labels?.[WS_LABEL] ?? '';
  const ws = ctx.store.get(WS_RES, ns, wsName);
  if (!ws) return;
  const v = viewWorkspace(ws);
  const t = v.tuning;
  if (!t) return;
  const sleep = (ms: number) => emuSleep(ctx, ms, signal);
  const log = (container: string, lines: string | string[]) => ctx.podLogs.append(ns, name, container, Array.isArray(lines) ? lines.join('\n') : lines);
  const update = (m: (s: PodStatus) => void) => {
    if (!updatePod(ctx, ns, name, m)) throw Object.assign(new Error('pod gone'), { name: 'AbortError' });
  };
  const event = (type: 'Normal' | 'Warning', reason: string, msg: string) => {
    const cur = ctx.store.get('/pods', ns, name);
    if (cur) recordEvent(ctx.store, cur, type, reason, msg, 'kubelet');
  };
  const node = (pod.spec as { nodeName?: string }).nodeName ?? '';
  const facts = presetFacts(v.preset);
  const rnd = seeded(`${ns}/${wsName}/${ws.metadata.annotations?.['workspace.kaito.io/revision'] ?? '1'}`);
  const spec = pod.spec as { initContainers?: Array<{ name: string; image: string }>; containers: Array<{ name: string; image: string }> };
  const fail = (s: PodStatus, message: string) => {
    s.phase = 'Failed';
    setPodCondition(s, 'Ready', 'False', 'PodFailed');
    setPodCondition(s, 'ContainersReady', 'False', 'PodFailed');
    s.message = message;
  };

  // scheduling and sandbox creation
  update((s) => Object.assign(s, initialPodStatus(pod)));
  await sleep(2_000);
  update((s) => {
    setPodCondition(s, 'PodScheduled', 'True');
    s.hostIP = '10.224.0.10';
    s.startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  event('Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
  await sleep(3_000);
  update((s) => {
    setPodCondition(s, 'PodReadyToStartContainers', 'True');
    setPodCondition(s, 'Initialized', 'False', 'ContainersNotInitialized', `containers with incomplete status: [${(spec.initContainers ?? []).map((c) => c.name).join(' ')}]`);
    setPodCondition(s, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${spec.containers.map((c) => c.name).join(' ')}]`);
    setPodCondition(s, 'ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${spec.containers.map((c) => c.name).join(' ')}]`);
    s.podIP = `10.244.1.${10 + Math.floor(rnd() * 200)}`;
  });

  // compat T7: `--fault image-pull=PATTERN`: a refused image leaves its container in ErrImagePull, then ImagePullBackOff,
  // and the pod Pending there until it is deleted (the kubelet keeps backing off)
  const refused = async (names: string[]): Promise<boolean> => {
    for (const c of [...(spec.initContainers ?? []), ...spec.containers].filter((x) => names.includes(x.name))) {
      const msg = pullRefusal(ctx.faults.imagePullPatterns, c.image);
      if (!msg) continue;
      event('Normal', 'Pulling', `Pulling image "${c.image}"`);
      update((s) => {
        const cs = container(s, c.name);
        if (cs) cs.state = { waiting: { reason: 'ErrImagePull', message: msg } };
      });
      event('Warning', 'Failed', msg);
      event('Warning', 'Failed', 'Error: ErrImagePull');
      await sleep(10_000);
      update((s) => {
        const cs = container(s, c.name);
        if (cs) cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
      });
      event('Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
      event('Warning', 'Failed', 'Error: ImagePullBackOff');
      return true;
    }
    return false;
  };

  // init: model weights
  if (await refused(['model-weights-downloader'])) return;
  event('Normal', 'Pulling', `Pulling image "${spec.initContainers?.[0]?.image}"`);
  await sleep(15_000);
  update((s) => startContainer(s, 'model-weights-downloader'));
  event('Normal', 'Started', 'Started container model-weights-downloader');
  const wl = weightsDownloadLines(facts.hfId, facts.weightsGiB);
  log('model-weights-downloader', wl.slice(0, 2));
  await sleep(facts.weightsGiB * 4_000);
  log('model-weights-downloader', wl.slice(2));
  update((s) => terminateContainer(s, 'model-weights-downloader', 0));
  ctx.podLogs.end(ns, name, 'model-weights-downloader');

  // an init container that exits 1: the pod fails with it (its log ends, a BackOff event names it)
  const initContainerFailed = (c: string) => {
    update((s) => {
      terminateContainer(s, c, 1);
      fail(s, `init container ${c} failed`);
    });
    ctx.podLogs.end(ns, name, c);
    event('Warning', 'BackOff', `init container ${c} exited with code 1`);
  };

  // init: data
  let records = 0;
  let fileName = 'dataset';
  if (t.input.urls?.length) {
    const c = 'data-downloader';
    if (await refused([c])) return;
    update((s) => startContainer(s, c));
    event('Normal', 'Started', `Started container ${c}`);
    const url = t.input.urls[0];
    fileName = fileNameOf(url);
    log(c, `Downloading ${url} to /mnt/data/${fileName}`);
    if (isSandboxDataset(ctx, url)) {
      let got = await fetchSandboxDataset(ctx, url, signal);
      for (let attempt = 1; got.status !== 200 && attempt < 3; attempt++) {
        log(c, `Failed to download ${url}, HTTP status code: ${got.status || `000 (${got.error ?? 'connection failed'})`}, retrying (${attempt}/3)...`);
        await sleep(2_000);
        got = await fetchSandboxDataset(ctx, url, signal);
      }
      if (got.status !== 200 || !got.body) {
        log(c, [`Failed to download ${url}, HTTP status code: ${got.status || '000'}, retrying (3/3)...`, `Failed to download ${url} after 3 attempts`]);
        initContainerFailed(c);
        return;
      }
      records = countRecords(fileName, got.body);
      log(c, `Successfully downloaded ${url} (${got.body.length} bytes)`);
    } else {
      records = 2000 + Math.floor(rnd() * 8000);
      await sleep(5_000);
      log(c, `Successfully downloaded ${url}`);
    }
    if (t.input.urls.length > 1) log(c, `Ignoring ${t.input.urls.length - 1} more URL(s): only the first file is used for training`);
    update((s) => terminateContainer(s, c, 0));
    ctx.podLogs.end(ns, name, c);
  } else if (t.input.image) {
    const c = 'puller';
    if (await refused([c])) return;
    event('Normal', 'Pulling', `Pulling image "${t.input.image}"`);
    await sleep(10_000);
    update((s) => startContainer(s, c));
    // issue 13 (compat G2): an image on the sandbox registry is really pulled and its /data read
    const pulled = await pullDataImage(ctx, t.input.image);
    if (pulled && 'error' in pulled) {
      log(c, [`+ skopeo copy --dest-decompress docker://${t.input.image} dir:/tmp/layout`, pulled.error]);
      initContainerFailed(c);
      return;
    }
    fileName = pulled ? pulled.fileName : 'train.jsonl';
    log(c, [`Copying dataset from image ${t.input.image}:/data to /mnt/data`, `'/data/${fileName}' -> '/mnt/data/data/${fileName}'`]);
    records = pulled ? countRecords(fileName, pulled.body) : 1000 + Math.floor(rnd() * 4000);
    update((s) => terminateContainer(s, c, 0));
    ctx.podLogs.end(ns, name, c);
  } else {
    records = 1000 + Math.floor(rnd() * 4000);
  }
  records = Math.max(1, records);

  // trainer + sidecars
  update((s) => setPodCondition(s, 'Initialized', 'True'));
  if (await refused(spec.containers.map((c) => c.name))) return;
  update((s) => {
    setPodCondition(s, 'Initialized', 'True');
    for (const c of spec.containers) startContainer(s, c.name);
    for (const cs of s.containerStatuses) cs.ready = true;
    setPodCondition(s, 'Ready', 'True');
    setPodCondition(s, 'ContainersReady', 'True');
    s.phase = 'Running';
  });
  event('Normal', 'Started', `Started container ${v.name}`);
  const main = v.name;
  const shape = trainingShape(ctx, ns, t.config);
  // compat T5: dataset.py split_dataset holds out (1 - train_test_split) of the rows (datasets' train_test_split
  // rounds the test share up); the trainer evaluates on them only when an eval_strategy is set
  const evalRecords = shape.trainShare < 1 && records > 1 ? Math.min(records - 1, Math.max(1, Math.ceil(records * (1 - shape.trainShare)))) : 0;
  records -= evalRecords;
  const perEpoch = Math.max(1, Math.ceil(records / shape.batch));
  const steps = shape.maxSteps ?? Math.max(1, Math.ceil(perEpoch * shape.epochs));
  const epochs = shape.maxSteps ? Math.max(1, Math.ceil(steps / perEpoch)) : shape.epochs;
  const sku = skuInfo(v.instanceType || 'Standard_NC24ads_A100_v4');
  const secPerStep = Math.max(0.15, (facts.params / 1e9) * 0.12) * (t.method === 'qlora' ? 1.3 : 1) * (sku.gpuMemGiB <= 48 ? 2.5 : 1);
  log(main, trainerStartLines(facts.hfId, t.method, facts.params, records, fileName, steps, epochs, shape.batch));
  if (t.output.image) log('pusher', `Waiting for /mnt/results/fine_tuning_completed.txt before pushing to ${t.output.image}`);

  const updates = Math.min(steps, MAX_PROGRESS_UPDATES);
  const failAt = ctx.faults.tuningFail ? Math.max(1, Math.floor(updates * 0.3)) : Infinity;
  const logEvery = Math.max(shape.loggingSteps, Math.ceil(steps / 20));
  // HF TrainingArguments: eval_steps < 1 is a ratio of the total steps (ceil), unset means logging_steps
  const evalEvery = evalRecords > 0 && shape.evalStrategy === 'steps'
    ? Math.max(1, shape.evalSteps === undefined ? logEvery : shape.evalSteps < 1 ? Math.ceil(steps * shape.evalSteps) : Math.floor(shape.evalSteps))
    : evalRecords > 0 && shape.evalStrategy === 'epoch' ? perEpoch : 0;
  let lossSum = 0;
  let lossN = 0;
  for (let u = 1; u <= updates; u++) {
    const step = Math.round((u / updates) * steps);
    const prevStep = Math.round(((u - 1) / updates) * steps);
    await sleep((step - prevStep) * secPerStep * 1000);
    if (u === failAt) {
      log(main, failureTraceback(rnd() < 0.5 ? 'oom' : 'keyerror', sku.gpuMemGiB / sku.gpus));
      if (t.output.image) {
        // compat T4: the pusher only waits for fine_tuning_completed.txt, which a failed trainer never writes:
        // pusher and pause keep running, the pod stays Running and the Job active (Kaito never says Failed)
        update((s) => {
          terminateContainer(s, main, 1);
          const cs = s.containerStatuses.find((c) => c.name === main);
          if (cs) cs.ready = false;
          setPodCondition(s, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${main}]`);
          setPodCondition(s, 'ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${main}]`);
        });
        ctx.podLogs.end(ns, name, main);
        return;
      }
      update((s) => {
        terminateContainer(s, main, 1);
        for (const c of spec.containers) if (c.name !== main) terminateContainer(s, c.name, 137, 'Error');
        fail(s, `container ${main} exited with code 1`);
      });
      for (const c of spec.containers) ctx.podLogs.end(ns, name, c.name);
      event('Warning', 'Failed', `Container ${main} failed with exit code 1`);
      return;
    }
    const lines: string[] = [];
    for (let s = prevStep + 1; s <= step; s++) {
      const p = s / steps;
      const epochAt = Math.round(p * epochs * 100) / 100;
      if (s % logEvery === 0) {
        const loss = lossAt(p, rnd);
        lossSum += loss;
        lossN++;
        lines.push(`{'loss': ${pyFloat(loss)}, 'grad_norm': ${pyFloat(0.25 + rnd() * 1.1)}, 'learning_rate': ${pyFloat(shape.learningRate * (1 - p), 8)}, 'epoch': ${pyFloat(epochAt, 2)}}`);
      }
      if (evalEvery && s % evalEvery === 0) {
        lines.push(tqdmLine(s, steps, s * secPerStep));
        lines.push(...evalLines(evalRecords, shape.evalBatch, secPerStep, evalLossAt(p, epochs, rnd), epochAt));
      }
    }
    lines.push(tqdmLine(step, steps, step * secPerStep));
    log(main, lines);
  }
  const runtime = steps * secPerStep;
  const trainLoss = lossN ? lossSum / lossN : lossAt(0.5, rnd);
  log(main, [
    `{'train_runtime': ${pyFloat(runtime)}, 'train_samples_per_second': ${pyFloat((records * epochs) / runtime, 3)}, 'train_steps_per_second': ${pyFloat(steps / runtime, 3)}, 'train_loss': ${pyFloat(trainLoss)}, 'epoch': ${pyFloat(epochs, 1)}}`,
    `Fine-tuning completed. Saving adapter (adapter_config.json, adapter_model.safetensors) to /mnt/results`,
  ]);
  update((s) => terminateContainer(s, main, 0));
  ctx.podLogs.end(ns, name, main);
  if (t.output.image) {
    await sleep(20_000);
    log('pusher', pusherLines(t.output.image, rnd));
    // issue 13 (compat G3): an output image on the sandbox registry is really pushed, laid out like Kaito's pusher
    const lora = loraSettings(ctx, ns, t.config);
    if (await pushAdapterImage(ctx, t.output.image, v.preset, facts.hfId, lora)) ctx.adapterImages.set(t.output.image, { preset: v.preset, method: t.method, r: lora.r, alpha: lora.alpha, targetModules: lora.targetModules });
    update((s) => {
      terminateContainer(s, 'pusher', 0);
      terminateContainer(s, 'pause', 0);
    });
    ctx.podLogs.end(ns, name, 'pusher');
    ctx.podLogs.end(ns, name, 'pause');
  }
  update((s) => {
    s.phase = 'Succeeded';
    setPodCondition(s, 'Ready', 'False', 'PodCompleted');
    setPodCondition(s, 'ContainersReady', 'False', 'PodCompleted');
  });
}
