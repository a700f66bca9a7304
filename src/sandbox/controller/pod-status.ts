// Pod status bookkeeping shared by the emulated kubelet runs: container states, pod conditions, phase.
import type { SandboxContext } from '../context.js';
import type { KObject } from '../store.js';
import { nowIso } from './conditions.js';
import { hex, patchStatus, POD_RES } from './objects.js';

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt?: string; finishedAt: string; containerID?: string } };

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: Record<string, unknown>;
}

export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime: string; lastProbeTime: null }>;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  qosClass: string;
  reason?: string;
  message?: string;
}

type Spec = { initContainers?: Array<{ name: string; image: string }>; containers: Array<{ name: string; image: string }> };

export function initialPodStatus(pod: KObject): PodStatus {
  const spec = pod.spec as Spec;
  const waiting = (c: { name: string; image: string }, reason: string): ContainerStatus => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason } }, lastState: {} });
  const hasInit = !!spec.initContainers?.length;
  return {
    phase: 'Pending',
    conditions: [],
    qosClass: 'Burstable',
    ...(hasInit ? { initContainerStatuses: spec.initContainers!.map((c) => waiting(c, 'PodInitializing')) } : {}),
    containerStatuses: spec.containers.map((c) => waiting(c, hasInit ? 'PodInitializing' : 'ContainerCreating')),
  };
}

export function setPodCondition(s: PodStatus, type: string, status: 'True' | 'False', reason?: string, message?: string): void {
  const i = s.conditions.findIndex((c) => c.type === type);
  const prev = s.conditions[i];
  const c = { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastProbeTime: null, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : nowIso() };
  if (i >= 0) s.conditions[i] = c;
  else s.conditions.push(c);
}

export function container(s: PodStatus, name: string): ContainerStatus | undefined {
  return s.containerStatuses.find((c) => c.name === name) ?? s.initContainerStatuses?.find((c) => c.name === name);
}

export function startContainer(s: PodStatus, name: string): void {
  const c = container(s, name);
  if (!c) return;
  c.containerID = `containerd://${hex(64)}`;
  c.imageID = `${c.image.split(':')[0]}@sha256:${hex(64)}`;
  c.state = { running: { startedAt: nowIso() } };
  c.started = true;
}

export function terminateContainer(s: PodStatus, name: string, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): void {
  const c = container(s, name);
  if (!c) return;
  const startedAt = 'running' in c.state ? c.state.running.startedAt : nowIso();
  c.state = { terminated: { exitCode, reason, startedAt, finishedAt: nowIso(), containerID: c.containerID } };
  c.ready = false;
  c.started = false;
}

/** Read-modify-write of a pod's status; returns false when the pod is gone (its run should stop). */
export function updatePod(ctx: SandboxContext, ns: string, name: string, mutate: (s: PodStatus, pod: KObject) => void): boolean {
  return !!patchStatus(ctx.store, POD_RES, ns, name, (raw, pod) => mutate(raw as unknown as PodStatus, pod));
}
