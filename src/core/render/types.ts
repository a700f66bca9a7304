// Typed inputs of the renderers. `kaito tune` / `kaito deploy` build them with the same flag parsing
// as `kaito render` (core/render/flags.ts), so what render prints is what tune/deploy apply.
import type { Runtime, TuningMethod } from '../presets.js';
import type { TrainingConfig } from '../training-config.js';

export type ApiVersion = 'kaito.sh/v1beta1' | 'kaito.sh/v1alpha1';
export const DEFAULT_API_VERSION: ApiVersion = 'kaito.sh/v1beta1';
export type NodeProvisioning = 'nap' | 'byo';

export type { KubeObject } from '../kube-object.js';

export interface Placement {
  nodeProvisioning: NodeProvisioning;
  /** --instance-type: the SKU Kaito provisions */
  instanceType?: string;
  /** --nodepool: an existing AKS agent pool (adds matchLabels agentpool=POOL) */
  nodepool?: string;
  /** the pool's vmSize; becomes instanceType in NAP mode, ignored in BYO mode */
  nodepoolVmSize?: string;
  /** extra matchLabels from --labels (app=<ws> is always added unless given) */
  labels: Record<string, string>;
}

export type DatasetSource = { kind: 'urls'; urls: string[] } | { kind: 'image'; image: string; pullSecret?: string } | { kind: 'pvc'; claim: string };
export type OutputTarget = { kind: 'image'; image: string; pushSecret: string } | { kind: 'pvc'; claim: string };
export type TuningConfigSource = { kind: 'default' } | { kind: 'existing'; configMap: string } | { kind: 'rendered'; config: TrainingConfig };

export interface TuneInput {
  name: string;
  namespace?: string;
  apiVersion: ApiVersion;
  preset: string;
  method: TuningMethod;
  dataset: DatasetSource;
  output: OutputTarget;
  /** set when the push Secret is created by the CLI from --registry-username + --registry-password-stdin */
  createPushSecret?: { name: string; username: string };
  placement: Placement;
  tuningConfig: TuningConfigSource;
  /** per-device batch size, for the memory estimate */
  batchSize: number;
  force: boolean;
  /** the Kaito release rendered for (compat R1, R7); undefined: the default release */
  kaitoRelease?: string;
}

export interface AdapterInput {
  name: string;
  image: string;
  /** only the transformers runtime accepts a strength */
  strength?: string;
}

export interface DeployInput {
  name: string;
  namespace?: string;
  apiVersion: ApiVersion;
  /** a catalog preset name, or a Hugging Face id org/model (Kaito v0.9+, best effort) */
  preset: string;
  placement: Placement;
  adapters: AdapterInput[];
  adapterPullSecret?: string;
  runtime?: Runtime;
  modelAccessSecret?: string;
  /** set when the CLI creates the model access Secret from --hf-token-stdin */
  createModelAccessSecret?: { name: string };
  /** text of --config-file (inference_config.yaml), rendered into ConfigMap <ws>-inference */
  inferenceConfig?: string;
  loadBalancer: boolean;
  force: boolean;
}

/** Labels on every object the CLI renders. */
export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'kaito-cli' } as const;
export const TUNING_CONFIG_KEY = 'training_config.yaml';
export const INFERENCE_CONFIG_KEY = 'inference_config.yaml';
/** Content-named: `<ws>-tuning-<first 8 hex of sha256(training_config.yaml)>`, so a changed training config is a new
 *  `tuning.config`, hence a new Kaito revision and a new Job (ConfigMaps are not watched; compat R20). */
export const tuningConfigMapPrefix = (ws: string) => `${ws}-tuning-`;
export const tuningConfigMapName = (ws: string, hash8: string) => `${tuningConfigMapPrefix(ws)}${hash8}`;
/** Label on the rendered tuning ConfigMap naming its workspace, so `kaito tune` finds older ones to delete (compat R20). */
export const WORKSPACE_LABEL = 'kaito.sh/workspace';
export const inferenceConfigMapName = (ws: string) => `${ws}-inference`;
export const pushSecretName = (ws: string) => `${ws}-push`;
export const modelAccessSecretName = (ws: string) => `${ws}-hf-token`;

/** kaito.yaml's `tune:` section (src/config/project.ts loads and checks it): defaults under the flags. */
export interface TuneFileValues {
  preset?: string;
  method?: 'lora' | 'qlora';
  name?: string;
  dataset?: string[];
  datasetImage?: string;
  datasetPvc?: string;
  outputImage?: string;
  pushSecret?: string;
  outputPvc?: string;
  instanceType?: string;
  nodepool?: string;
  labels?: Record<string, string>;
  /** --eval-split: a fraction in (0, 0.5), kept as text like every scalar */
  evalSplit?: string;
  /** --delete-after on `kaito tune --wait` */
  deleteAfter?: 'true' | 'false';
  /** --logs-dir for --delete-after */
  logsDir?: string;
}

/** kaito.yaml's `deploy:` section. */
export interface DeployFileValues {
  preset?: string;
  name?: string;
  instanceType?: string;
  nodepool?: string;
  labels?: Record<string, string>;
  runtime?: 'vllm' | 'transformers';
  modelAccessSecret?: string;
}
