// The emulated kubelet for a plain pod (no owner, not a Kaito workload; e.g. `kaito doctor --images`' pull checks or
// `kubectl run`): scheduled onto a ready node, each container's image pulled (or refused, see image-pull.ts), started,
// and, with restartPolicy Never/OnFailure, run to completion (exit 0) a few emulated seconds later.
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { recordEvent } from './events.js';
import { pullRefusal } from './image-pull.js';
import { isNodeReady, NODE_RES } from './objects.js';
import { initialPodStatus, setPodCondition, startContainer, terminateContainer, updatePod, type PodStatus } from './pod-status.js';
import { emuSleep } from './sleep.js';

export async function runBarePod(ctx: SandboxContext, pod: KObject, signal: AbortSignal): Promise<void> {
  const ns = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name;
  const spec = pod.spec as { nodeName?: string; restartPolicy?: string; containers: Array<{ name: string; image: string }> };
  const sleep = (ms: number) => emuSleep(ctx, ms, signal);
  const update = (m: (s: PodStatus) => void) => {
    if (!updatePod(ctx, ns, name, m)) throw Object.assign(new Error('pod gone'), { name: 'AbortError' });
  };
  const event = (type: 'Normal' | 'Warning', reason: string, msg: string) => {
    const cur = ctx.store.get('/pods', ns, name);
    if (cur) recordEvent(ctx.store, cur, type, reason, msg, 'kubelet');
  };
  update((s) => Object.assign(s, initialPodStatus(pod)));
  // a plain pod without tolerations lands on an untainted ready node (the system pool)
  const node = spec.nodeName ?? ctx.store.list(NODE_RES, undefined, (n) => isNodeReady(n) && !((n.spec as { taints?: unknown[] } | undefined)?.taints?.length)).items[0]?.metadata.name;
  if (!node) {
    update((s) => setPodCondition(s, 'PodScheduled', 'False', 'Unschedulable', '0/0 nodes are available: no untainted ready node.'));
    return;
  }
  await sleep(1_000);
  update((s) => {
    setPodCondition(s, 'PodScheduled', 'True');
    setPodCondition(s, 'PodReadyToStartContainers', 'True');
    setPodCondition(s, 'Initialized', 'True');
    setPodCondition(s, 'Ready', 'False', 'ContainersNotReady', `containers with unready status: [${spec.containers.map((c) => c.name).join(' ')}]`);
    s.hostIP = '10.224.0.4';
    s.podIP = `10.244.0.${20 + Math.floor(Math.random() * 200)}`;
    s.startTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  event('Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
  for (const c of spec.containers) {
    event('Normal', 'Pulling', `Pulling image "${c.image}"`);
    await sleep(5_000);
    const refused = pullRefusal(ctx.faults.imagePullPatterns, c.image);
    if (refused) {
      update((s) => {
        const cs = s.containerStatuses.find((x) => x.name === c.name);
        if (cs) cs.state = { waiting: { reason: 'ErrImagePull', message: refused } };
      });
      event('Warning', 'Failed', refused);
      event('Warning', 'Failed', 'Error: ErrImagePull');
      await sleep(10_000);
      update((s) => {
        const cs = s.containerStatuses.find((x) => x.name === c.name);
        if (cs) cs.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
      });
      event('Normal', 'BackOff', `Back-off pulling image "${c.image}"`);
      event('Warning', 'Failed', 'Error: ImagePullBackOff');
      return; // stays so until the pod is deleted
    }
    event('Normal', 'Pulled', `Successfully pulled image "${c.image}" in 4.8s`);
  }
  update((s) => {
    for (const c of spec.containers) startContainer(s, c.name);
    for (const cs of s.containerStatuses) cs.ready = true;
    setPodCondition(s, 'Ready', 'True');
    setPodCondition(s, 'ContainersReady', 'True');
    s.phase = 'Running';
  });
  for (const c of spec.containers) event('Normal', 'Started', `Started container ${c.name}`);
  if ((spec.restartPolicy ?? 'Always') === 'Always') return;
  await sleep(3_000);
  update((s) => {
    for (const c of spec.containers) terminateContainer(s, c.name, 0);
    setPodCondition(s, 'Ready', 'False', 'PodCompleted');
    setPodCondition(s, 'ContainersReady', 'False', 'PodCompleted');
    s.phase = 'Succeeded';
  });
}
