// DeployInput -> [ConfigMap <ws>-inference (with --config-file)], Workspace.
import { yamlLib } from '../yaml-lib.js';
import { loadTemplate } from '../templates.js';
import { baseMetadata, renderConfigMap, renderResource } from './common.js';
import { assertRenderable } from './check.js';
import { canonical } from './serialize.js';
import { INFERENCE_CONFIG_KEY, inferenceConfigMapName, type DeployInput, type KubeObject } from './types.js';

export function renderInference(input: DeployInput): KubeObject[] {
  const objects: KubeObject[] = [];
  const ws = loadTemplate('workspace-inference');
  ws.apiVersion = input.apiVersion;
  baseMetadata(ws, input.name, input.namespace);
  const annotations: Record<string, string> = {};
  if (input.runtime) annotations['kaito.sh/runtime'] = input.runtime;
  if (input.loadBalancer) annotations['kaito.sh/enablelb'] = 'True';
  if (Object.keys(annotations).length > 0) ws.metadata.annotations = annotations;
  renderResource(ws, input.name, input.placement);

  const preset: Record<string, unknown> = { name: input.preset };
  if (input.modelAccessSecret) preset.presetOptions = { modelAccessSecret: input.modelAccessSecret };
  const inference: Record<string, unknown> = { preset };
  if (input.inferenceConfig !== undefined) {
    const cmName = inferenceConfigMapName(input.name);
    inference.config = cmName;
    objects.push(renderConfigMap(cmName, input.namespace, INFERENCE_CONFIG_KEY, input.inferenceConfig));
  }
  if (input.adapters.length > 0) {
    inference.adapters = input.adapters.map((a) => {
      const source: Record<string, unknown> = { name: a.name, image: a.image };
      if (input.adapterPullSecret) source.imagePullSecrets = [input.adapterPullSecret];
      return a.strength !== undefined ? { source, strength: a.strength } : { source };
    });
  }
  ws.inference = inference;
  objects.push(canonical(ws));
  return assertRenderable(objects, input.placement.nodeProvisioning);
}

/** vLLM's allowed --max-lora-rank values; its default is 16. */
export const VLLM_LORA_RANKS = [8, 16, 32, 64, 128, 256] as const;

/** compat R20a: Kaito never passes --max-lora-rank, so an adapter trained with r > 16 needs `vllm: {max-lora-rank}` in
 *  the inference config (KAITO.md §6 Adapters). Returns the config text to use (merged into `text` when given), or
 *  `text` unchanged when r <= 16 or it already allows r. */
export function withMaxLoraRank(text: string | undefined, r: number | undefined): string | undefined {
  if (r === undefined || r <= 16) return text;
  const rank = VLLM_LORA_RANKS.find((x) => x >= r) ?? 256;
  const doc = (text ? yamlLib().parse(text) : {}) as Record<string, unknown> | null;
  const root = doc && typeof doc === 'object' ? doc : {};
  const vllm = (root.vllm && typeof root.vllm === 'object' ? root.vllm : {}) as Record<string, unknown>;
  if (typeof vllm['max-lora-rank'] === 'number' && vllm['max-lora-rank'] >= r) return text;
  root.vllm = { ...vllm, 'max-lora-rank': rank };
  return yamlLib().stringify(root);
}
