// A SandboxContext for driving the controller with the store directly (no HTTP), plus bounded waits.
import { createClock, type Faults, type KaitoVersion, type NodeProvisioner, type NodeProvisioning, type SandboxContext } from '../../../../src/sandbox/context.js';
import { PodLogs } from '../../../../src/sandbox/logs.js';
import { ObjectStore, type KObject } from '../../../../src/sandbox/store.js';

export interface TestSandbox { ctx: SandboxContext; abort: AbortController; logs: string[] }

export function testContext(opts: { version?: KaitoVersion; provisioning?: NodeProvisioning; provisioner?: NodeProvisioner; faults?: Partial<Faults>; speed?: number; baseUrl?: string; datasetHost?: string; caPem?: string } = {}): TestSandbox {
  const abort = new AbortController();
  const logs: string[] = [];
  const ctx: SandboxContext = {
    store: new ObjectStore(),
    podLogs: new PodLogs(),
    clock: createClock(opts.speed ?? 3000, abort.signal),
    faults: { quota: {}, ...opts.faults },
    kaitoVersion: opts.version ?? '0.12',
    nodeProvisioner: opts.provisioner ?? (opts.provisioning === 'byo' ? 'byo' : 'azure-gpu-provisioner'),
    nodeProvisioning: opts.provisioner ? (opts.provisioner === 'byo' ? 'byo' : 'nap') : (opts.provisioning ?? 'nap'),
    azure: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-kaito', clusterName: 'aks-kaito', location: 'eastus', nodeResourceGroup: 'MC_rg-kaito_aks-kaito_eastus' },
    baseUrl: () => opts.baseUrl ?? 'https://127.0.0.1:1',
    datasetHost: opts.datasetHost ?? 'datasets.kaito.sandbox',
    requestLog: [],
    adapterImages: new Map(),
    signal: abort.signal,
    log: (c, m) => void logs.push(`${c}: ${m}`),
    caPem: opts.caPem ?? '',
  };
  return { ctx, abort, logs };
}

/** Resolves with the first truthy value of probe(), re-checked on every store change; rejects after timeoutMs. */
export function waitFor<T>(ctx: SandboxContext, probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      let v: T | undefined | false;
      try {
        v = probe();
      } catch (e) {
        done();
        reject(e);
        return;
      }
      if (v) {
        done();
        resolve(v);
      }
    };
    const unsub = ctx.store.subscribe(() => queueMicrotask(check));
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const done = () => {
      unsub();
      clearTimeout(timer);
    };
    check();
  });
}

export function cond(o: KObject | undefined, type: string): { status: string; reason: string; message: string; observedGeneration?: number } | undefined {
  return ((o?.status as { conditions?: Array<{ type: string; status: string; reason: string; message: string; observedGeneration?: number }> } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

export function inferenceWorkspace(name: string, extra: Partial<{ instanceType: string; labels: Record<string, string>; adapters: string[]; runtime: string; preset: string }> = {}): KObject {
  return {
    apiVersion: 'kaito.sh/v1beta1',
    kind: 'Workspace',
    metadata: { name, namespace: 'default', ...(extra.runtime ? { annotations: { 'kaito.sh/runtime': extra.runtime } } : {}) },
    resource: { ...(extra.instanceType === '' ? {} : { instanceType: extra.instanceType ?? 'Standard_NC24ads_A100_v4' }), labelSelector: { matchLabels: extra.labels ?? { app: name } } },
    inference: { preset: { name: extra.preset ?? 'phi-4-mini-instruct' }, ...(extra.adapters ? { adapters: extra.adapters.map((a) => ({ source: { name: a, image: `myacr.azurecr.io/${a}:1` } })) } : {}) },
  };
}

export function tuningWorkspace(name: string, extra: Partial<{ urls: string[]; image: string; instanceType: string; config: string }> = {}): KObject {
  return {
    apiVersion: 'kaito.sh/v1beta1',
    kind: 'Workspace',
    metadata: { name, namespace: 'default' },
    resource: { instanceType: extra.instanceType ?? 'Standard_NC24ads_A100_v4', labelSelector: { matchLabels: { app: name } } },
    tuning: {
      preset: { name: 'phi-3-mini-128k-instruct' },
      method: 'qlora',
      ...(extra.config ? { config: extra.config } : {}),
      input: extra.image ? { image: extra.image } : { urls: extra.urls ?? ['https://example.com/data/train.jsonl'] },
      output: { image: 'myacr.azurecr.io/adapter:1', imagePushSecret: 'push-secret' },
    },
  };
}
