// Reads the fields the controller acts on from a stored Workspace (kaito.sh/v1beta1, spec fields at the top level).
import type { KObject } from '../store.js';
import type { WorkspaceView } from './types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function viewWorkspace(ws: KObject): WorkspaceView {
  const resource = obj(ws.resource);
  const inference = ws.inference ? obj(ws.inference) : undefined;
  const tuning = ws.tuning ? obj(ws.tuning) : undefined;
  const matchLabels = obj(obj(resource.labelSelector).matchLabels) as Record<string, string>;
  const runtime = ws.metadata.annotations?.['kaito.sh/runtime'] === 'transformers' ? 'transformers' : 'vllm';
  const preset = str(obj((inference ?? tuning ?? {}).preset).name);
  const adapters = Array.isArray(inference?.adapters)
    ? (inference.adapters as unknown[]).map((a) => ({ name: str(obj(obj(a).source).name), image: str(obj(obj(a).source).image) || undefined })).filter((a) => a.name)
    : [];
  const countRaw = Number(resource.count ?? 1);
  const view: WorkspaceView = {
    name: ws.metadata.name,
    namespace: ws.metadata.namespace ?? 'default',
    uid: ws.metadata.uid ?? '',
    generation: ws.metadata.generation ?? 1,
    instanceType: str(resource.instanceType),
    count: tuning ? 1 : Number.isFinite(countRaw) && countRaw > 0 ? Math.floor(countRaw) : 1,
    matchLabels,
    runtime,
    kind: tuning ? 'tuning' : 'inference',
    preset,
    adapters,
  };
  if (tuning) {
    const input = obj(tuning.input);
    const output = obj(tuning.output);
    view.tuning = {
      method: str(tuning.method) || 'qlora',
      config: str(tuning.config) || undefined,
      input: {
        urls: Array.isArray(input.urls) ? (input.urls as unknown[]).map(str).filter(Boolean) : undefined,
        image: str(input.image) || undefined,
        volumeSource: input.volumeSource,
      },
      output: { image: str(output.image) || undefined, imagePushSecret: str(output.imagePushSecret) || undefined, volumeSource: output.volumeSource },
    };
  }
  return view;
}
