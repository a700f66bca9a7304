// TuneInput -> [ConfigMap <ws>-tuning-<hash8> (when the CLI renders the training config)], Workspace.
import { createHash } from 'node:crypto';
import { loadTemplate } from '../templates.js';
import { trainingConfigToYAML } from '../training-config.js';
import { baseMetadata, renderConfigMap, renderResource } from './common.js';
import { assertRenderable } from './check.js';
import { canonical } from './serialize.js';
import { TUNING_CONFIG_KEY, WORKSPACE_LABEL, tuningConfigMapName, type KubeObject, type TuneInput } from './types.js';

export function renderTuning(input: TuneInput): KubeObject[] {
  const objects: KubeObject[] = [];
  const ws = loadTemplate('workspace-tuning');
  ws.apiVersion = input.apiVersion;
  baseMetadata(ws, input.name, input.namespace);
  renderResource(ws, input.name, input.placement);

  const tuning: Record<string, unknown> = { preset: { name: input.preset }, method: input.method };
  if (input.tuningConfig.kind === 'existing') tuning.config = input.tuningConfig.configMap;
  if (input.tuningConfig.kind === 'rendered') {
    const text = trainingConfigToYAML(input.tuningConfig.config);
    // compat R20: the name carries the content hash, so new training flags = new tuning spec = Kaito re-runs
    const cmName = tuningConfigMapName(input.name, createHash('sha256').update(text).digest('hex').slice(0, 8));
    tuning.config = cmName;
    const raw = renderConfigMap(cmName, input.namespace, TUNING_CONFIG_KEY, text);
    (raw.metadata as { labels?: Record<string, string> }).labels = { ...(raw.metadata.labels ?? {}), [WORKSPACE_LABEL]: input.name };
    objects.push(canonical(raw));
  }
  const d = input.dataset;
  if (d.kind === 'urls') tuning.input = { urls: [...d.urls] };
  else if (d.kind === 'image') tuning.input = d.pullSecret ? { image: d.image, imagePullSecrets: [d.pullSecret] } : { image: d.image };
  else tuning.input = { volumeSource: { persistentVolumeClaim: { claimName: d.claim } } };
  const o = input.output;
  tuning.output = o.kind === 'image' ? { image: o.image, imagePushSecret: o.pushSecret } : { volumeSource: { persistentVolumeClaim: { claimName: o.claim } } };
  ws.tuning = tuning;
  objects.push(canonical(ws));
  return assertRenderable(objects, input.placement.nodeProvisioning, input.kaitoRelease, input.tuningConfig.kind === 'rendered' ? input.tuningConfig.config : undefined);
}
