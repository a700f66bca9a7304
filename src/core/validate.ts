// Kaito's admission rules (KAITO.md §1), checked on rendered objects: what the webhook would reject on
// create. The CLI runs them on everything it renders (a failure there is a CLI bug); the sandbox may run
// them to emulate the webhook. The CLI's own, stricter rules (tunable presets, SKUs, fit, secrets) live
// in render/flags.ts because they are about flags and name them.
import { yamlLib } from './yaml-lib.js';
import { checkDatasetUrl, checkDnsLabel, isReservedLabelKey, RESERVED_LABEL_KEYS } from './names.js';
import { checkTrainingConfig, parseTrainingConfig, type TrainingConfig } from './training-config.js';
import type { KubeObject, NodeProvisioning } from './render/types.js';
import { TUNING_CONFIG_KEY } from './render/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

export interface AdmissionOptions {
  /** NAP requires resource.instanceType, BYO forbids it; undefined skips the check */
  nodeProvisioning?: NodeProvisioning;
  /** the Kaito release (only 0.12 checks dataset URLs' hosts, compat R7); undefined: 0.12 */
  kaitoRelease?: string;
}

/** The reasons Kaito's webhook would reject this Workspace on create, one line each. */
export function workspaceAdmissionProblems(ws: KubeObject, opts: AdmissionOptions = {}): string[] {
  const p: string[] = [];
  const name = ws.metadata?.name ?? '';
  const nameProblem = checkDnsLabel(name);
  if (nameProblem) p.push(`metadata.name "${name}" ${nameProblem}`);

  const resource = isObj(ws.resource) ? ws.resource : {};
  const matchLabels = isObj(resource.labelSelector) && isObj(resource.labelSelector.matchLabels) ? resource.labelSelector.matchLabels : {};
  if (!Object.keys(matchLabels).some((k) => !isReservedLabelKey(k)))
    p.push(`resource.labelSelector.matchLabels needs at least one key Kaito does not reserve (reserved: ${RESERVED_LABEL_KEYS.join(', ')}; compat R3)`);
  const instanceType = typeof resource.instanceType === 'string' ? resource.instanceType : '';
  if (opts.nodeProvisioning === 'nap' && !instanceType) p.push('resource.instanceType is required when Kaito provisions nodes (NAP mode)');
  if (opts.nodeProvisioning === 'byo' && instanceType) p.push('resource.instanceType must be empty when node auto-provisioning is disabled (BYO mode)');

  const hasInference = present(ws.inference);
  const hasTuning = present(ws.tuning);
  if (hasInference === hasTuning) p.push('exactly one of inference and tuning must be set');

  if (isObj(ws.inference)) {
    const inf = ws.inference;
    if (present(inf.preset) === present(inf.template)) p.push('inference: exactly one of preset and template must be set');
    const adapters = Array.isArray(inf.adapters) ? inf.adapters : [];
    if (adapters.length > 10) p.push(`inference.adapters: at most 10 adapters (got ${adapters.length})`);
    const seen = new Set<string>();
    const runtime = ws.metadata.annotations?.['kaito.sh/runtime'] ?? 'vllm';
    adapters.forEach((a, i) => {
      const src = isObj(a) && isObj(a.source) ? a.source : {};
      const n = typeof src.name === 'string' ? src.name : '';
      if (!n) p.push(`inference.adapters[${i}].source.name is required`);
      else if (seen.has(n)) p.push(`inference.adapters: duplicate adapter name "${n}"`);
      seen.add(n);
      if (present(src.urls)) p.push(`inference.adapters[${i}]: adapters cannot use urls, only an image`);
      if (isObj(a) && a.strength !== undefined && runtime === 'vllm') p.push(`inference.adapters[${i}].strength is not supported by the vLLM runtime`);
    });
  }

  if (isObj(ws.tuning)) {
    const t = ws.tuning;
    if (t.method !== 'lora' && t.method !== 'qlora') p.push(`tuning.method must be lora or qlora (got ${JSON.stringify(t.method)})`);
    const input = isObj(t.input) ? t.input : {};
    const inputs = ['urls', 'image', 'volumeSource'].filter((k) => present(input[k]));
    if (inputs.length !== 1) p.push(`tuning.input: exactly one of urls, image and volumeSource must be set (got ${inputs.length ? inputs.join(', ') : 'none'})`);
    if (Array.isArray(input.urls))
      for (const u of input.urls) {
        const why = typeof u === 'string' ? checkDatasetUrl(u, opts.kaitoRelease) : 'is not a string';
        if (why) p.push(`tuning.input.urls: ${String(u)} ${why}`);
      }
    const output = isObj(t.output) ? t.output : {};
    const outputs = ['image', 'volumeSource'].filter((k) => present(output[k]));
    if (outputs.length !== 1) p.push(`tuning.output: exactly one of image and volumeSource must be set (got ${outputs.length ? outputs.join(', ') : 'none'})`);
    if (present(output.image) && !present(output.imagePushSecret)) p.push('tuning.output.image requires tuning.output.imagePushSecret');
    if (typeof resource.count === 'number' && resource.count > 1) p.push(`resource.count must be at most 1 for tuning (got ${resource.count})`);
  }
  return p;
}

/**
 * The webhook's checks of a tuning ConfigMap referenced by a Workspace of this method. `rendered`: the
 * config object the ConfigMap's text was just written from (the renderer passes it, so the text need not be
 * parsed back: the emitter writes what the library would, and the library round-trips); it was checked with
 * checkTrainingConfig where the flags made it (core/render/flags.ts), so it is not checked a second time.
 */
export function tuningConfigMapProblems(cm: KubeObject, method: 'lora' | 'qlora', rendered?: TrainingConfig): string[] {
  const data = isObj(cm.data) ? cm.data : {};
  const text = data[TUNING_CONFIG_KEY];
  if (typeof text !== 'string') return [`ConfigMap ${cm.metadata.name}: key ${TUNING_CONFIG_KEY} is missing`];
  const problems: string[] = [];
  const where = `ConfigMap ${cm.metadata.name}`;
  if (rendered) return problems;
  const cfg = parseTrainingConfig(text, where, problems);
  if (cfg) problems.push(...checkTrainingConfig(cfg, method, where));
  return problems;
}

/** inference_config.yaml: Kaito reads it as YAML; the CLI insists that it parses to a mapping. */
export function inferenceConfigProblems(text: string, where: string): string[] {
  const { parse } = yamlLib(); // outside the try: a library that is not loaded is not the user's YAML error
  try {
    const doc = parse(text, { uniqueKeys: true });
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [`${where}: must be a YAML mapping`];
    return [];
  } catch (e) {
    return [`${where}: invalid YAML: ${(e as Error).message.split('\n')[0]}`];
  }
}
