// DeployInput -> [ConfigMap <ws>-inference (with --config-file)], Workspace.
import { loadTemplate } from '../templates.js';
import { baseMetadata, renderConfigMap, renderResource } from './common.js';
import { assertRenderable } from './check.js';
import { canonical } from './serialize.js';
import { INFERENCE_CONFIG_KEY, inferenceConfigMapName, type DeployInput, type KObject } from './types.js';

export function renderInference(input: DeployInput): KObject[] {
  const objects: KObject[] = [];
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
