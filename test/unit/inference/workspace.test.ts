// Which workspaces chat/proxy accept (compat W20) and which pod --via port-forward targets (compat I5).
import { describe, expect, it } from 'vitest';
import { isInferenceReady } from '../../../src/inference/workspace.js';
import { inferencePod } from '../../../src/inference/connect.js';
import type { KubeClient, KubeObject } from '../../../src/kube/client.js';

const ws = (state: string | undefined, inferenceReady: string | undefined): KubeObject =>
  ({ apiVersion: 'kaito.sh/v1beta1', kind: 'Workspace', metadata: { name: 'w' }, status: { ...(state ? { state } : {}), conditions: inferenceReady ? [{ type: 'InferenceReady', status: inferenceReady }] : [] } }) as KubeObject;

describe('isInferenceReady goes by the InferenceReady condition only (compat W20)', () => {
  it('state NotReady with InferenceReady True (v0.10+ failed benchmark) is ready', () => {
    expect(isInferenceReady(ws('NotReady', 'True'))).toBe(true);
  });
  it('state Ready without InferenceReady True is not', () => {
    expect(isInferenceReady(ws('Ready', 'False'))).toBe(false);
    expect(isInferenceReady(ws('Ready', undefined))).toBe(false);
  });
  it('no state at all (Kaito 0.6) with InferenceReady True is ready', () => {
    expect(isInferenceReady(ws(undefined, 'True'))).toBe(true);
  });
});

function fakeKube(pods: Array<{ name: string; ready: boolean; deleting?: boolean }>) {
  const paths: string[] = [];
  const kube = {
    async get(path: string) {
      paths.push(path);
      return { items: pods.map((p) => ({ metadata: { name: p.name, ...(p.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) }, status: { conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False' }] } })) };
    },
    error: (e: unknown) => e,
  } as unknown as KubeClient;
  return { kube, paths };
}

describe('inferencePod (compat I5)', () => {
  it('StatefulSet (0.8+): pod <ws>-0', async () => {
    const { kube, paths } = fakeKube([{ name: 'w-1', ready: true }, { name: 'w-0', ready: false }]);
    expect(await inferencePod(kube, 'default', 'w', undefined)).toBe('w-0');
    expect(paths[0]).toBe('/api/v1/namespaces/default/pods?labelSelector=kaito.sh%2Fworkspace%3Dw');
  });
  it('Deployment (0.6): the first ready pod by name, skipping ones being deleted', async () => {
    const { kube } = fakeKube([{ name: 'w-6c9d8f7b5d-zzzzz', ready: true }, { name: 'w-6c9d8f7b5d-aaaaa', ready: true, deleting: true }, { name: 'w-6c9d8f7b5d-bbbbb', ready: false }, { name: 'w-6c9d8f7b5d-ccccc', ready: true }]);
    expect(await inferencePod(kube, 'default', 'w', undefined)).toBe('w-6c9d8f7b5d-ccccc');
  });
  it('no pods: <ws>-0, so the port-forward error names it', async () => {
    const { kube } = fakeKube([]);
    expect(await inferencePod(kube, 'default', 'w', undefined)).toBe('w-0');
  });
});
