// The answers `kaito init` collects, where each can come from, and the checks a flag value must pass
// before any question is asked (a bad flag is a usage error, nothing is written).
import { getPreset, getSku, loadPresets } from '../../core/presets.js';
import { validateStoredDatasetUrl, type ProjectConfig } from '../../config/project.js';
import {
  validateArmEndpoint,
  validateClusterName,
  validateImageReference,
  validateNamespace,
  validateNodepoolName,
  validateObjectName,
  validateResourceGroup,
  validateSubscriptionId,
  validateWorkspaceName,
  type Validator,
} from '../../config/validators.js';

type TuneDefaults = NonNullable<ProjectConfig['tune']>;

/** Cluster target answers, plus the kaito.yaml tune defaults init asks for, plus the current workspace. */
export type InitAnswers = {
  subscription?: string;
  resourceGroup?: string;
  cluster?: string;
  context?: string;
  namespace?: string;
  armEndpoint?: string;
  workspace?: string;
} & Pick<TuneDefaults, 'preset' | 'method' | 'dataset' | 'datasetImage' | 'datasetPvc' | 'outputImage' | 'pushSecret' | 'outputPvc' | 'instanceType' | 'nodepool'>;

export type AnswerKey = keyof InitAnswers;

/** The flag that gives each answer, as the user types it. */
export const FLAG_OF: Record<AnswerKey, string> = {
  subscription: '--subscription',
  resourceGroup: '--resource-group',
  cluster: '--cluster',
  context: '--context',
  namespace: '--namespace',
  armEndpoint: '--arm-endpoint',
  preset: '--preset',
  method: '--method',
  dataset: '--dataset',
  datasetImage: '--dataset-image',
  datasetPvc: '--dataset-pvc',
  outputImage: '--output-image',
  pushSecret: '--push-secret',
  outputPvc: '--output-pvc',
  instanceType: '--instance-type',
  nodepool: '--nodepool',
  workspace: '--workspace',
};

export const CHECKS: Partial<Record<AnswerKey, Validator>> = {
  subscription: validateSubscriptionId,
  resourceGroup: validateResourceGroup,
  cluster: validateClusterName,
  namespace: validateNamespace,
  armEndpoint: validateArmEndpoint,
  preset: checkTunablePreset,
  datasetImage: validateImageReference,
  datasetPvc: validateObjectName,
  outputImage: validateImageReference,
  pushSecret: validateObjectName,
  outputPvc: validateObjectName,
  instanceType: checkKaitoSku,
  nodepool: validateNodepoolName,
  workspace: validateWorkspaceName,
};

export function checkTunablePreset(name: string): string | undefined {
  const p = getPreset(name);
  const tunable = loadPresets().filter((x) => x.tunable).map((x) => x.name);
  if (!p) return `is not a preset Kaito knows; tunable presets: ${tunable.join(', ')}`;
  if (!p.tunable) return `cannot be tuned (inference only); tunable presets: ${tunable.join(', ')}`;
  return undefined;
}

export function checkKaitoSku(name: string): string | undefined {
  return getSku(name) ? undefined : 'is not a GPU size Kaito supports for tuning (see `kaito presets show PRESET`)';
}

export function checkMethod(method: string, preset: string | undefined): string | undefined {
  if (method !== 'lora' && method !== 'qlora') return 'must be lora or qlora';
  const p = preset ? getPreset(preset) : undefined;
  if (p?.tunable && !p.methods.includes(method)) return `is not supported by ${p.name} (use ${p.methods.join(' or ')})`;
  return undefined;
}

/** Every problem with the values given as flags (or taken from env / kaito.yaml), worded for the user. */
export function checkGivenAnswers(a: InitAnswers, sourceOf: (k: AnswerKey) => string): string[] {
  const problems: string[] = [];
  const say = (k: AnswerKey, value: string, problem: string) => problems.push(`${sourceOf(k)} "${value}" ${problem}`);
  for (const [k, check] of Object.entries(CHECKS) as Array<[AnswerKey, Validator]>) {
    const v = a[k];
    if (typeof v !== 'string') continue;
    const p = check(v);
    if (p) say(k, v, p);
  }
  for (const url of a.dataset ?? []) {
    const p = validateStoredDatasetUrl(url);
    if (p) say('dataset', url, p);
  }
  if (a.method !== undefined) {
    const p = checkMethod(a.method, a.preset);
    if (p) say('method', a.method, p);
  }
  const exclusive = (keys: AnswerKey[], what: string) => {
    const set = keys.filter((k) => a[k] !== undefined && (!Array.isArray(a[k]) || (a[k] as unknown[]).length > 0));
    if (set.length > 1) problems.push(`${set.map((k) => sourceOf(k)).join(' and ')} both give ${what}: pass only one`);
  };
  exclusive(['dataset', 'datasetImage', 'datasetPvc'], 'the training data');
  exclusive(['outputImage', 'outputPvc'], 'the adapter output');
  exclusive(['pushSecret', 'outputPvc'], 'the adapter output');
  exclusive(['instanceType', 'nodepool'], 'the placement');
  return problems;
}
