// TuneInput -> [ConfigMap <ws>-tuning (when the CLI renders the training config)], Workspace.
import { loadTemplate } from '../templates.js';
import { trainingConfigToYAML } from '../training-config.js';
import { baseMetadata, renderConfigMap, renderResource } from './common.js';
import { assertRenderable, renderedTrainingConfigs } from './check.js';
import { canonical } from './serialize.js';
import { TUNING_CONFIG_KEY, tuningConfigMapName, type KObject, type TuneInput } from './types.js';

export function renderTuning(input: TuneInput): KObject[] {
  const objects: KObject[] = [];
  const ws = loadTemplate('workspace-tuning');
  ws.apiVersion = input.apiVersion;
  baseMetadata(ws, input.name, input.namespace);
  renderResource(ws, input.name, input.placement);

  const tuning: Record<string, unknown> = { preset: { name: input.preset }, method: input.method };
  if (input.tuningConfig.kind === 'existing') tuning.config = input.tuningConfig.configMap;
  if (input.tuningConfig.kind === 'rendered') {
    const cmName = tuningConfigMapName(input.name);
    tuning.config = cmName;
    const text = trainingConfigToYAML(input.tuningConfig.config);
    const cm = renderConfigMap(cmName, input.namespace, TUNING_CONFIG_KEY, text);
    renderedTrainingConfigs.set(cm, input.tuningConfig.config);
    objects.push(cm);
  }
  const d = input.dataset;
  if (d.kind === 'urls') tuning.input = { urls: [...d.urls] };
  else if (d.kind === 'image') tuning.input = d.pullSecret ? { image: d.image, imagePullSecrets: [d.pullSecret] } : { image: d.image };
  else tuning.input = { volumeSource: { persistentVolumeClaim: { claimName: d.claim } } };
  const o = input.output;
  tuning.output = o.kind === 'image' ? { image: o.image, imagePushSecret: o.pushSecret } : { volumeSource: { persistentVolumeClaim: { claimName: o.claim } } };
  ws.tuning = tuning;
  objects.push(canonical(ws));
  return assertRenderable(objects, input.placement.nodeProvisioning);
}
