// `kaito lint` (issue 18): the shape of a finding and the catalogue of rules. Pure data.
import type { KaitoRelease } from '../presets.js';
import type { NodeProvisioning } from '../render/types.js';

export type Severity = 'error' | 'warning';

/** One problem in one file. line/column are 1-based (the yaml parser's ranges through a LineCounter). */
export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: RuleId;
  severity: Severity;
  message: string;
  fix: string;
  /** the field the finding is about, e.g. tuning.input.urls[0] (empty for the whole document) */
  path: string;
  /** "Workspace/name" or "ConfigMap/name" */
  object?: string;
}

export interface LintOptions {
  release: KaitoRelease;
  /** NAP or BYO when known (detected from a cluster); undefined skips the instanceType-per-mode rules */
  nodeProvisioning?: NodeProvisioning;
}

export interface RuleInfo {
  severity: Severity;
  summary: string;
}

/** Every rule `kaito lint` has. error: Kaito or the API server would reject the object or lose part of it;
 *  warning: it would run, but badly or at a higher cost. */
export const RULES = {
  'yaml-syntax': { severity: 'error', summary: 'the file is not valid YAML/JSON' },
  'api-version': { severity: 'error', summary: 'apiVersion is not one the Kaito CRD serves' },
  'api-version-deprecated': { severity: 'warning', summary: 'kaito.sh/v1alpha1 is served but not stored; use kaito.sh/v1beta1' },
  'schema-unknown-field': { severity: 'error', summary: 'a field the CRD schema does not know: the API server silently drops it' },
  'schema-type': { severity: 'error', summary: 'a value of the wrong type or outside its enum: the API server rejects it' },
  'deprecated-field': { severity: 'warning', summary: 'a field Kaito v1beta1 deprecates (ignored or soon removed)' },
  'annotation-value': { severity: 'warning', summary: 'an annotation value Kaito compares exactly and would ignore (kaito.sh/enablelb must be "True")' },
  'webhook': { severity: 'error', summary: "Kaito's admission webhook for the chosen release rejects it" },
  'sku': { severity: 'error', summary: 'an instance type Kaito of this release does not know' },
  'gpu-fit': { severity: 'warning', summary: 'the model is predicted not to fit the GPUs of the instance type' },
  'preset': { severity: 'error', summary: 'a preset Kaito of this release does not have (or cannot tune)' },
  'runtime': { severity: 'error', summary: 'a runtime the preset does not have on this release' },
  'tuning-preset': { severity: 'error', summary: 'a preset this Kaito release cannot tune, or a method the preset does not support' },
  'dataset-url': { severity: 'warning', summary: "a dataset URL whose saved file name Kaito's trainer does not recognise, or that cannot be reached" },
  'output-dir': { severity: 'error', summary: 'TrainingArguments.output_dir outside the results volume: the adapter is lost' },
  'training-config': { severity: 'error', summary: "training_config.yaml sections and types" },
  'inference-config': { severity: 'error', summary: 'inference_config.yaml must be a YAML mapping; vLLM limits' },
  'configmap-missing': { severity: 'warning', summary: 'a ConfigMap the Workspace references is not among the linted files' },
  'configmap-order': { severity: 'warning', summary: 'the tuning ConfigMap comes after its Workspace in one file: kubectl apply creates it too late for the webhook' },
  'gated-model': { severity: 'error', summary: 'a gated model without presetOptions.modelAccessSecret: the download fails' },
  'adapters': { severity: 'error', summary: 'adapters the runtime cannot load' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];
