// What every part of the sandbox shares: the object store, the emulated clock, the injected faults,
// the Kaito flavour being emulated, and the request log tests assert on. Each part (kube API, Kaito
// controller, gpu-provisioner, ARM, inference, dataset host) receives one SandboxContext.
import type { PodLogs } from './logs.js';
import type { ObjectStore } from './store.js';

/** The Kaito releases the sandbox emulates (KAITO.md; docs/kaito-compat.md has a column for each). */
export const KAITO_VERSIONS = ['0.6', '0.10', '0.11', '0.12'] as const;
export type KaitoVersion = (typeof KAITO_VERSIONS)[number];
/** What the controller's `--node-provisioner` says (v0.11+); v0.10 has only the BYO gate; v0.6 has neither. */
export const NODE_PROVISIONERS = ['azure-gpu-provisioner', 'karpenter', 'byo'] as const;
export type NodeProvisioner = (typeof NODE_PROVISIONERS)[number];
/** NAP (Kaito provisions GPU nodes: azure-gpu-provisioner or karpenter) or BYO (the user's nodes). */
export type NodeProvisioning = 'nap' | 'byo';

/** true when `v` is `min` or newer (0.6 < 0.10 < 0.11 < 0.12). */
export function versionAtLeast(v: KaitoVersion, min: KaitoVersion): boolean {
  const n = (x: string) => Number(x.split('.')[1]);
  return n(v) >= n(min);
}

/**
 * The provisioner a version can run, from --node-provisioner or the --node-provisioning alias.
 * Throws an Error naming the impossible combination (v0.6: no BYO; karpenter: v0.11+).
 */
export function resolveNodeProvisioner(version: KaitoVersion, provisioner?: NodeProvisioner, provisioning?: NodeProvisioning): NodeProvisioner {
  const p: NodeProvisioner = provisioner ?? (provisioning === 'byo' ? 'byo' : 'azure-gpu-provisioner');
  if (provisioner && provisioning && (provisioning === 'byo') !== (provisioner === 'byo'))
    throw new Error(`--node-provisioner ${provisioner} contradicts --node-provisioning ${provisioning}: give one of them`);
  if (version === '0.6' && p === 'byo') throw new Error('Kaito 0.6 has no BYO mode (no disableNodeAutoProvisioning gate): use --kaito-version 0.10 or newer');
  if (p === 'karpenter' && !versionAtLeast(version, '0.11')) throw new Error(`the karpenter node provisioner needs Kaito 0.11 or newer (not ${version})`);
  return p;
}

export interface Faults {
  /** cut every watch stream after this many (real) seconds */
  watchCutSeconds?: number;
  /** fraction of Kubernetes API requests answered 500/503 */
  api5xx?: number;
  /** fraction of ARM requests answered 429 with Retry-After: 1 */
  arm429?: number;
  /** every tuning job's main container exits 1 after a traceback */
  tuningFail?: boolean;
  /** inference pods stay in ImagePullBackOff */
  imagePull?: boolean;
  /** image-pull=PATTERN: the registry refuses matching images (controller/image-pull.ts) */
  imagePullPatterns?: string[];
  /** regional vCPU quota limit per GPU family, e.g. { standardNCADSA100v4Family: 0 } */
  quota: Record<string, number>;
  /** inference pods restart every this many (real) seconds */
  podRestartSeconds?: number;
  /** every Kubernetes API and ARM response is held back this many (real) milliseconds */
  slowMs?: number;
  /** fraction of Kubernetes API and ARM responses whose connection is destroyed mid-body */
  reset?: number;
  /** the tuning pod's metrics server reports this GPU load (percent) instead of a busy trainer's */
  gpuLoad?: number;
  /** BYO cluster without NVIDIA GPU Feature Discovery: GPU nodes lack the nvidia.com/gpu.* labels (compat N26) */
  noGfd?: boolean;
  /** fraction of Azure Retail Prices API requests answered 429 with Retry-After: 1 (issue 14) */
  prices429?: number;
  /** the Retail Prices API answers 200 with an HTML page instead of JSON (issue 14) */
  pricesGarbage?: boolean;
}

export interface AdapterImage { preset: string; method: string; r: number; alpha: number; targetModules?: string[] }

export interface RequestLogEntry {
  time: number;
  /** 'kube' | 'arm' | 'dataset' | 'inference' */
  api: string;
  method: string;
  path: string;
  status: number;
  userAgent?: string;
}

/** Emulated time: durations are written in real-world terms and divided by `speed`. */
export interface SandboxClock {
  readonly speed: number;
  /** resolves after emulatedMs / speed real milliseconds (never less than 1 ms); rejects when the sandbox stops */
  sleep(emulatedMs: number): Promise<void>;
  /** real ms that an emulated duration takes */
  real(emulatedMs: number): number;
}

export interface SandboxContext {
  readonly store: ObjectStore;
  /** container logs of emulated pods (written by the controller, served by pods/log) */
  readonly podLogs: PodLogs;
  readonly clock: SandboxClock;
  readonly faults: Faults;
  readonly kaitoVersion: KaitoVersion;
  /** which provisioner the emulated controller runs with (docs/kaito-compat.md "provisioning mode") */
  readonly nodeProvisioner: NodeProvisioner;
  /** derived from nodeProvisioner: 'byo' for byo, else 'nap' */
  readonly nodeProvisioning: NodeProvisioning;
  /** Azure facts of the emulated cluster */
  readonly azure: {
    subscriptionId: string;
    resourceGroup: string;
    clusterName: string;
    location: string;
    /** the node resource group (MC_...) */
    nodeResourceGroup: string;
  };
  /** https://127.0.0.1:PORT of the one HTTPS server (kube API, ARM, datasets, by path/host) */
  readonly baseUrl: () => string;
  /** host name (resolves to 127.0.0.1 via KAITO_RESOLVE) under which the sample datasets are served */
  readonly datasetHost: string;
  /** the sandbox CA (PEM) that signs its serving certificate: in-sandbox HTTPS clients trust only it */
  readonly caPem: string;
  readonly requestLog: RequestLogEntry[];
  /**
   * Adapter images the emulated tuning pusher has pushed (image ref -> what training wrote into adapter_config.json);
   * the inference pod itself reads adapter images from ociRegistry (compat G4).
   */
  readonly adapterImages: Map<string, AdapterImage>;
  /** issue 13: the in-memory OCI registry (registry.kaito-sandbox.test) the emulated puller and pusher use */
  ociRegistry?: import('./registry.js').SandboxRegistry;
  /** aborted when the sandbox stops: every timer and loop must end with it */
  readonly signal: AbortSignal;
  log(component: string, message: string): void;
}

const QUOTA_RE = /^quota=([A-Za-z0-9]+):(\d+)$/;

/** Parses --fault specs (SPEC "The sandbox"). Throws an Error naming the bad spec. */
export function parseFaults(specs: string[] = []): Faults {
  const f: Faults = { quota: {} };
  for (const spec of specs) {
    const [k, v] = spec.split('=', 2);
    const num = (lo: number, hi: number) => {
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isFinite(n) || n < lo || n > hi) throw new Error(`bad --fault ${spec}: ${k} takes a number from ${lo} to ${hi}`);
      return n;
    };
    switch (k) {
      case 'watch-cut': f.watchCutSeconds = num(0.05, 86400); break;
      case 'api-5xx': f.api5xx = num(0, 1); break;
      case 'arm-429': f.arm429 = num(0, 1); break;
      case 'tuning-fail': f.tuningFail = true; break;
      case 'no-gfd': f.noGfd = true; break;
      case 'image-pull':
        if (v === undefined) f.imagePull = true;
        else if (v.trim() === '') throw new Error(`bad --fault ${spec}: image-pull=PATTERN needs a pattern, e.g. image-pull=curlimages/*`);
        else (f.imagePullPatterns ??= []).push(v.trim());
        break;
      case 'pod-restart': f.podRestartSeconds = num(0.05, 86400); break;
      case 'slow': f.slowMs = num(0, 60000); break;
      case 'gpu-load': f.gpuLoad = num(0, 100); break;
      case 'reset': f.reset = num(0, 1); break;
      case 'prices-429': f.prices429 = num(0, 1); break;
      case 'prices-garbage': f.pricesGarbage = true; break;
      case 'quota': {
        const m = QUOTA_RE.exec(spec);
        if (!m) throw new Error(`bad --fault ${spec}: use quota=FAMILY:N, e.g. quota=standardNCADSA100v4Family:0`);
        f.quota[m[1]] = Number(m[2]);
        break;
      }
      default:
        throw new Error(`unknown --fault ${spec}: use watch-cut=S, api-5xx=P, arm-429=P, tuning-fail, image-pull, image-pull=PATTERN, quota=FAMILY:N, pod-restart=S, slow=MS, reset=P, gpu-load=PCT, no-gfd, prices-429=P or prices-garbage`);
    }
  }
  return f;
}

export function createClock(speed: number, signal: AbortSignal): SandboxClock {
  const real = (ms: number) => Math.max(1, Math.round(ms / speed));
  return {
    speed,
    real,
    sleep(ms) {
      return new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const t = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, real(ms));
        const onAbort = () => {
          clearTimeout(t);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
