// Flags (+ kaito.yaml defaults) -> typed TuneInput / DeployInput. Used by `kaito render tune|deploy` and by
// `kaito tune|deploy`, so both read flags identically. Every problem is collected and reported together
// in one FlagProblems (the command turns it into a UsageError, exit 2: commands/shared/flag-input.ts), one line
// each naming the flag and the fix. Precedence: flag > kaito.yaml >
// default; a group of alternatives (dataset, output, placement) is taken from flags as a whole when any of
// its flags is given, so a flag never combines with a conflicting file value.
import { fit, type FitResult } from '../fit.js';
import { checkDatasetUrl, datasetFileNameProblem, checkDnsLabel, checkDnsSubdomain, checkImageRef, didYouMean, toDnsLabel } from '../names.js';
import { DEFAULT_KAITO_RELEASE, KAITO_RELEASES, getPreset, getSku, loadPresets, loadSkus, presetAt, type KaitoRelease, type Preset, type TuningMethod } from '../presets.js';
import { modelAccessSecretProblem, parseKaitoRelease, releaseSkuProblem, releasesWithSku, versionProblems } from '../kaito-release.js';
import { applyOverrides, checkTrainingConfig, defaultTrainingConfig, evalSplitProblem, hasOverrides, parseTrainingConfig, type TrainingOverrides } from '../training-config.js';
import { inferenceConfigProblems } from '../validate.js';
import { parseFloatFlag, parseIntFlag } from './numbers.js';
import { parsePlacement, type PlacementFlags } from './placement.js';
import { placementInstanceType } from './common.js';
import {
  DEFAULT_API_VERSION, modelAccessSecretName, pushSecretName,
  type AdapterInput, type ApiVersion, type DeployFileValues, type TuneFileValues, type DatasetSource, type DeployInput, type NodeProvisioning, type OutputTarget, type Placement, type TuneInput, type TuningConfigSource,
} from './types.js';

export interface TuneFlags extends PlacementFlags {
  preset?: string;
  method?: string;
  name?: string;
  dataset?: string[];
  datasetImage?: string;
  datasetPvc?: string;
  datasetPullSecret?: string;
  outputImage?: string;
  pushSecret?: string;
  registryUsername?: string;
  registryPasswordStdin?: boolean;
  outputPvc?: string;
  epochs?: string;
  maxSteps?: string;
  learningRate?: string;
  batchSize?: string;
  loraR?: string;
  loraAlpha?: string;
  loraDropout?: string;
  targetModules?: string;
  evalSplit?: string;
  configFile?: string;
  tuningConfig?: string;
  apiVersion?: string;
  /** the Kaito release to render for (compat R1, R2) */
  kaitoVersion?: string;
  force?: boolean;
}

export interface DeployFlags extends PlacementFlags {
  preset?: string;
  name?: string;
  adapter?: string[];
  adapterPullSecret?: string;
  fromTuning?: string;
  runtime?: string;
  modelAccessSecret?: string;
  hfTokenStdin?: boolean;
  configFile?: string;
  loadBalancer?: boolean;
  apiVersion?: string;
  /** the Kaito release to render for (compat R1, R2) */
  kaitoVersion?: string;
  force?: boolean;
}

export interface FlagContext {
  /** -n / kaito.yaml namespace; omitted from the manifests when undefined */
  namespace?: string;
  /** the mode when --node-provisioning is absent or auto: render passes 'nap', tune/deploy what the cluster runs */
  detectedNodeProvisioning: NodeProvisioning;
  /** the --nodepool's vmSize, looked up by tune/deploy (render takes it from --instance-type) */
  nodepoolVmSize?: string;
  /** true for `kaito render`: no cluster, --instance-type may accompany --nodepool */
  renderOnly?: boolean;
  /** default API version when --api-version is absent (tune/deploy: what the server serves) */
  defaultApiVersion?: ApiVersion;
  /** reads --config-file; throw to report a problem */
  readFile?: (path: string) => string;
  /** the Kaito release the cluster runs (tune/deploy); --kaito-version overrides it, default 0.12 (compat R1) */
  kaitoVersion?: KaitoRelease;
  /** deploy --from-tuning, resolved on the cluster by `kaito deploy` */
  fromTuning?: { workspace: string; preset: string; image: string; pullSecret?: string };
}

export interface Parsed<T> {
  input: T;
  /** non-fatal notes for stderr (e.g. --force overrides, extra dataset URLs) */
  warnings: string[];
}

const FILE_KEYS: Record<string, string> = {
  preset: '--preset', method: '--method', name: '--name', dataset: '--dataset', datasetImage: '--dataset-image', datasetPvc: '--dataset-pvc',
  outputImage: '--output-image', pushSecret: '--push-secret', outputPvc: '--output-pvc', runtime: '--runtime', modelAccessSecret: '--model-access-secret',
};

/** issue 17 item 6: a problem about a value that came from kaito.yaml names its key there, not a flag nobody gave. */
function nameFileValues(problems: string[], opts: object, file: object, section: 'tune' | 'deploy'): string[] {
  const o = opts as Record<string, unknown>;
  const f = file as Record<string, unknown>;
  const fromFile = Object.entries(FILE_KEYS).filter(([k]) => o[k] === undefined && f[k] !== undefined);
  return problems.map((p) => {
    for (const [key, flag] of fromFile) {
      if (p.startsWith(`${flag} `) || p.startsWith(`${flag}:`)) return `${section}.${key} (kaito.yaml)${p.slice(flag.length)}`;
    }
    return p;
  });
}

/** What is wrong with the flags (and kaito.yaml values), all at once: the command reports it as a usage error. */
export class FlagProblems extends Error {
  readonly hint = 'fix the flags (or kaito.yaml values) above and run again (nothing was changed)';
  constructor(
    readonly problems: string[],
    what: string,
  ) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems with the ${what} flags:`);
    this.name = 'FlagProblems';
  }
}

function fail(problems: string[], what: string): never {
  throw new FlagProblems(problems, what);
}

function resolvePreset(name: string | undefined, problems: string[], flag = '--preset'): Preset | undefined {
  if (name === undefined || name === '') {
    problems.push(`${flag} is required: pick one from \`kaito presets list\` (or set it in kaito.yaml)`);
    return undefined;
  }
  const p = getPreset(name);
  if (!p) {
    const near = didYouMean(name, loadPresets().map((x) => x.name));
    problems.push(`${flag} ${name}: no such preset${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; see \`kaito presets list\``);
  }
  return p;
}

function checkSecretName(name: string | undefined, flag: string, problems: string[]): void {
  if (name === undefined) return;
  const why = checkDnsSubdomain(name);
  if (why) problems.push(`${flag} "${name}" ${why}`);
}

function checkImage(ref: string | undefined, flag: string, problems: string[]): void {
  if (ref === undefined) return;
  const why = checkImageRef(ref);
  if (why) problems.push(`${flag} "${ref}" ${why}`);
}

function kaitoRelease(raw: string | undefined, ctx: FlagContext, problems: string[]): KaitoRelease {
  if (raw === undefined) return ctx.kaitoVersion ?? DEFAULT_KAITO_RELEASE;
  const r = parseKaitoRelease(raw);
  if (!r) problems.push(`--kaito-version ${raw}: use one of ${KAITO_RELEASES.join(', ')}`);
  return r ?? DEFAULT_KAITO_RELEASE;
}

function checkApiVersion(v: string | undefined, ctx: FlagContext, problems: string[]): ApiVersion {
  if (v === undefined) return ctx.defaultApiVersion ?? DEFAULT_API_VERSION;
  if (v === 'kaito.sh/v1beta1' || v === 'kaito.sh/v1alpha1') return v;
  problems.push(`--api-version ${v}: use kaito.sh/v1beta1 or kaito.sh/v1alpha1`);
  return DEFAULT_API_VERSION;
}

function workspaceName(explicit: string | undefined, fallback: string, problems: string[]): string {
  if (explicit !== undefined) {
    const why = checkDnsLabel(explicit);
    if (why) problems.push(`--name "${explicit}" ${why} (it becomes a DNS-1123 label)`);
    return explicit;
  }
  const n = toDnsLabel(fallback);
  if (!n) problems.push('cannot derive a workspace name: pass --name WS');
  return n;
}

/** The SKU to estimate against: NAP instanceType, or a BYO pool's vmSize when known. */
function fitSku(p: Placement): string | undefined {
  return placementInstanceType(p) ?? p.nodepoolVmSize;
}

export function misfitLine(preset: Preset, r: FitResult, workload: string, candidates: string[]): string {
  const alt = candidates.length ? ` (e.g. ${candidates.slice(0, 2).join(', ')})` : '';
  const need = r.workload === 'inference' ? `~${r.requiredGiB} GiB of weights plus KV cache, ${r.availableGiB} GiB usable` : `~${r.requiredGiB} GiB per GPU, ${r.availableGiB} GiB available`;
  return `${preset.name} (${workload}) is predicted not to fit ${r.sku}: ${need}; pick a larger SKU${alt} or pass --force`;
}

export function fittingSkus(preset: Preset, workload: 'inference' | TuningMethod, batch = 1): string[] {
  return loadSkus().filter((s) => fit(preset, s, workload, batch).verdict === 'fits').map((s) => s.name);
}

/** First recommended SKU that fits, for when neither --instance-type nor --nodepool is given in NAP mode. */
function defaultSku(preset: Preset, workload: 'inference' | TuningMethod, batch = 1): string | undefined {
  const ok = (n: string) => {
    const s = getSku(n);
    return s !== undefined && fit(preset, s, workload, batch).verdict !== 'does-not-fit';
  };
  return preset.recommendedSkus.find(ok) ?? fittingSkus(preset, workload, batch)[0];
}

function readConfigFile(path: string, ctx: FlagContext, problems: string[]): string | undefined {
  if (!ctx.readFile) {
    problems.push(`--config-file ${path}: cannot read files here`);
    return undefined;
  }
  try {
    return ctx.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push(`--config-file ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return undefined;
  }
}

export function tuneInputFromFlags(opts: TuneFlags, project: TuneFileValues = {}, ctx: FlagContext): Parsed<TuneInput> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const file = project ?? {};

  const release = kaitoRelease(opts.kaitoVersion, ctx, problems);
  const catalogPreset = resolvePreset(opts.preset ?? file.preset, problems);
  // the preset as this Kaito release offers it (compat R1)
  const preset = catalogPreset && presetAt(catalogPreset, release);
  const methodRaw = opts.method ?? file.method ?? 'qlora';
  let method: TuningMethod = 'qlora';
  if (methodRaw === 'lora' || methodRaw === 'qlora') method = methodRaw;
  else problems.push(`--method ${methodRaw}: use lora or qlora`);
  if (catalogPreset && !catalogPreset.methods.length) {
    const tunable = loadPresets().filter((p) => presetAt(p, release)?.tunable).map((p) => p.name);
    problems.push(`--preset ${catalogPreset.name} cannot be tuned (Kaito would accept it and then fail): tunable presets are ${tunable.join(', ')}`);
  } else if (catalogPreset) problems.push(...versionProblems({ workload: 'tune', preset: catalogPreset.name, method: methodRaw === method ? method : undefined }, release));
  if (preset?.gated) problems.push(`--preset ${preset.name} is gated on Hugging Face; tuning gated presets is not supported`);

  const name = workspaceName(opts.name ?? file.name, `${preset?.name ?? opts.preset ?? file.preset ?? ''}-${method}`, problems);
  const apiVersion = checkApiVersion(opts.apiVersion, ctx, problems);

  // data: exactly one of --dataset / --dataset-image / --dataset-pvc
  const dataFromFlags = opts.dataset !== undefined || opts.datasetImage !== undefined || opts.datasetPvc !== undefined;
  const urls = dataFromFlags ? opts.dataset : file.dataset === undefined ? undefined : ([] as string[]).concat(file.dataset);
  const dImage = dataFromFlags ? opts.datasetImage : file.datasetImage;
  const dPvc = dataFromFlags ? opts.datasetPvc : file.datasetPvc;
  const dataGiven = [urls?.length ? '--dataset' : '', dImage ? '--dataset-image' : '', dPvc ? '--dataset-pvc' : ''].filter(Boolean);
  let dataset: DatasetSource = { kind: 'urls', urls: [] };
  if (dataGiven.length === 0) problems.push('a dataset is required: pass --dataset URL, --dataset-image IMAGE or --dataset-pvc CLAIM');
  else if (dataGiven.length > 1) problems.push(`use only one of ${dataGiven.join(', ')} (Kaito takes exactly one dataset source)`);
  if (urls?.length) {
    for (const u of urls) {
      const why = checkDatasetUrl(u, release) ?? datasetFileNameProblem(u, release === '0.6');
      if (why) problems.push(`--dataset ${u} ${why}`);
    }
    if (urls.length > 1) warnings.push(`Kaito trains on the first dataset file only (${urls[0]}); the other ${urls.length - 1} URL(s) are ignored by the trainer`);
    dataset = { kind: 'urls', urls };
  } else if (dImage) {
    checkImage(dImage, '--dataset-image', problems);
    checkSecretName(opts.datasetPullSecret, '--dataset-pull-secret', problems);
    dataset = { kind: 'image', image: dImage, pullSecret: opts.datasetPullSecret };
  } else if (dPvc) {
    const why = checkDnsSubdomain(dPvc);
    if (why) problems.push(`--dataset-pvc "${dPvc}" ${why}`);
    dataset = { kind: 'pvc', claim: dPvc };
  }
  if (opts.datasetPullSecret !== undefined && !dImage) problems.push('--dataset-pull-secret only applies to --dataset-image: drop it');

  // output: exactly one of --output-image (+ push secret or registry credentials) / --output-pvc
  const outFromFlags = opts.outputImage !== undefined || opts.outputPvc !== undefined;
  const oImage = outFromFlags ? opts.outputImage : file.outputImage;
  const oPvc = outFromFlags ? opts.outputPvc : file.outputPvc;
  const pushSecret = opts.pushSecret ?? (opts.registryUsername === undefined ? file.pushSecret : undefined);
  let output: OutputTarget = { kind: 'pvc', claim: '' };
  let createPushSecret: TuneInput['createPushSecret'];
  if (!oImage && !oPvc) problems.push('an output is required: pass --output-image IMAGE (with --push-secret NAME) or --output-pvc CLAIM');
  else if (oImage && oPvc) problems.push('use only one of --output-image and --output-pvc');
  if (opts.registryPasswordStdin && opts.registryUsername === undefined) problems.push('--registry-password-stdin needs --registry-username USER');
  if (opts.registryUsername !== undefined && !opts.registryPasswordStdin) problems.push('--registry-username needs --registry-password-stdin (the password is read from stdin, never from a flag)');
  if (oImage) {
    checkImage(oImage, '--output-image', problems);
    if (opts.pushSecret !== undefined && opts.registryUsername !== undefined) problems.push('use only one of --push-secret and --registry-username/--registry-password-stdin');
    if (pushSecret !== undefined) {
      checkSecretName(pushSecret, '--push-secret', problems);
      output = { kind: 'image', image: oImage, pushSecret };
    } else if (opts.registryUsername !== undefined) {
      const secret = pushSecretName(name);
      createPushSecret = { name: secret, username: opts.registryUsername };
      output = { kind: 'image', image: oImage, pushSecret: secret };
    } else problems.push('--output-image needs a push secret: pass --push-secret NAME (a docker-registry Secret) or --registry-username USER --registry-password-stdin');
  } else if (oPvc) {
    const why = checkDnsSubdomain(oPvc);
    if (why) problems.push(`--output-pvc "${oPvc}" ${why}`);
    if (opts.pushSecret !== undefined || opts.registryUsername !== undefined) problems.push('--push-secret/--registry-username only apply to --output-image: drop them');
    output = { kind: 'pvc', claim: oPvc };
  }

  // training configuration
  const overrides: TrainingOverrides = {
    epochs: parseFloatFlag(opts.epochs, '--epochs', problems, { positive: true }),
    maxSteps: parseIntFlag(opts.maxSteps, '--max-steps', problems),
    learningRate: parseFloatFlag(opts.learningRate, '--learning-rate', problems, { positive: true }),
    batchSize: parseIntFlag(opts.batchSize, '--batch-size', problems),
    loraR: parseIntFlag(opts.loraR, '--lora-r', problems),
    loraAlpha: parseIntFlag(opts.loraAlpha, '--lora-alpha', problems),
    loraDropout: parseFloatFlag(opts.loraDropout, '--lora-dropout', problems, { min: 0, maxExclusive: 1 }),
    targetModules: parseTargetModules(opts.targetModules, problems),
    evalSplit: parseEvalSplit(opts.evalSplit ?? (opts.tuningConfig === undefined ? file.evalSplit : undefined), opts.evalSplit !== undefined ? '--eval-split' : 'kaito.yaml tune.evalSplit', problems),
  };
  const anyOverride = hasOverrides(overrides) || [opts.epochs, opts.maxSteps, opts.learningRate, opts.batchSize, opts.loraR, opts.loraAlpha, opts.loraDropout, opts.targetModules, opts.evalSplit].some((v) => v !== undefined);
  let tuningConfig: TuningConfigSource = { kind: 'default' };
  if (opts.tuningConfig !== undefined) {
    checkSecretName(opts.tuningConfig, '--tuning-config', problems);
    if (opts.configFile !== undefined) problems.push('use only one of --tuning-config and --config-file');
    if (anyOverride) problems.push('--tuning-config names an existing ConfigMap that training flags cannot change: drop them, or use --config-file');
    tuningConfig = { kind: 'existing', configMap: opts.tuningConfig };
    if (file.evalSplit !== undefined && opts.evalSplit === undefined) warnings.push(`kaito.yaml tune.evalSplit ${file.evalSplit} is not applied: --tuning-config ${opts.tuningConfig} is used as it is`);
  } else if (opts.configFile !== undefined) {
    const text = readConfigFile(opts.configFile, ctx, problems);
    const parsed = text === undefined ? null : parseTrainingConfig(text, `--config-file ${opts.configFile}`, problems);
    if (parsed) {
      const cfg = applyOverrides(parsed, overrides);
      problems.push(...checkTrainingConfig(cfg, method, `--config-file ${opts.configFile}`));
      tuningConfig = { kind: 'rendered', config: cfg };
    }
  } else if (anyOverride) {
    const cfg = applyOverrides(defaultTrainingConfig(method), overrides);
    // the one check of a rendered config (render's last gate does not repeat it)
    problems.push(...checkTrainingConfig(cfg, method, 'the training flags'));
    tuningConfig = { kind: 'rendered', config: cfg };
  }
  const batchSize = overrides.batchSize ?? configBatchSize(tuningConfig) ?? 1;

  // placement, SKU table and fit
  const placement = parsePlacement(pickPlacement(opts, file, 'tune'), ctx, problems);
  if (preset?.tunable && placement.nodeProvisioning === 'nap' && !placement.instanceType && !placement.nodepool) {
    const sku = defaultSku(preset, method, batchSize);
    if (sku) {
      placement.instanceType = sku;
      warnings.push(`no --instance-type given: using ${sku}, recommended for ${preset.name} ${method}`);
    } else problems.push('--instance-type is required (Kaito provisions nodes in NAP mode)');
  }
  const skuName = fitSku(placement);
  // compat R2: a size in some Kaito release's table but not this one's; one in none gets the message below
  const releaseSkuLine = placement.instanceType && releasesWithSku(placement.instanceType).length ? releaseSkuProblem(placement.instanceType, release, preset?.name) : null;
  const releaseSku = releaseSkuLine ? [releaseSkuLine] : [];
  problems.push(...releaseSku);
  // a size this release cannot tune on at all: its memory fit is beside the point
  if (skuName && preset?.tunable && !releaseSku.length) {
    const sku = getSku(skuName);
    const where = `${placement.nodepool ? `node pool vmSize` : '--instance-type'} ${skuName}`;
    if (!sku) {
      const known = releasesWithSku(skuName).includes(release);
      problems.push(known
          ? `${where} is in Kaito ${release}'s SKU table but the CLI cannot estimate tuning memory for it: use one of ${loadSkus().map((s) => s.name).join(', ')}`
          : `${where} is not a GPU size Kaito can tune on: use one of ${loadSkus().map((s) => s.name).join(', ')}`);
    } else {
      const r = fit(preset, sku, method, batchSize);
      if (r.verdict === 'does-not-fit') {
        const line = misfitLine(preset, r, method, fittingSkus(preset, method, batchSize));
        if (opts.force) warnings.push(`${line.replace(/ or pass --force$/, '')} (--force: rendering anyway)`);
        else problems.push(line);
      } else if (r.verdict === 'tight') warnings.push(`${preset.name} ${method} on ${sku.name} is tight: ~${r.requiredGiB} of ${r.availableGiB} GiB per GPU; lower --batch-size if it runs out of memory`);
    }
  }

  if (problems.length > 0) fail(nameFileValues(problems, opts, file, 'tune'), 'tune');
  return {
    input: { name, namespace: ctx.namespace, apiVersion, preset: preset!.name, method, dataset, output, createPushSecret, placement, tuningConfig, batchSize, force: Boolean(opts.force), kaitoRelease: release },
    warnings,
  };
}

function parseTargetModules(raw: string | undefined, problems: string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  const mods = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = mods.filter((m) => !/^[A-Za-z0-9_.*-]+$/.test(m));
  if (mods.length === 0) problems.push('--target-modules needs module names, e.g. --target-modules q_proj,v_proj');
  for (const m of bad) problems.push(`--target-modules: "${m}" is not a module name (letters, digits, "_", ".")`);
  return mods;
}

function configBatchSize(src: TuningConfigSource): number | undefined {
  if (src.kind !== 'rendered') return undefined;
  const v = src.config.training_config.TrainingArguments?.per_device_train_batch_size;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

function pickPlacement(opts: PlacementFlags, file: { instanceType?: string; nodepool?: string; labels?: Record<string, string> }, section: 'tune' | 'deploy'): PlacementFlags {
  const fromFlags = opts.instanceType !== undefined || opts.nodepool !== undefined;
  const fileUsed = !fromFlags && (file.instanceType !== undefined || file.nodepool !== undefined);
  return {
    fromFile: fileUsed ? section : undefined,
    labelsFromFile: opts.labels === undefined && file.labels !== undefined ? section : undefined,
    instanceType: fromFlags ? opts.instanceType : file.instanceType,
    nodepool: fromFlags ? opts.nodepool : file.nodepool,
    labels: opts.labels ?? (file.labels ? Object.entries(file.labels).map(([k, v]) => `${k}=${v}`).join(',') : undefined),
    nodeProvisioning: opts.nodeProvisioning,
  };
}

const HF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function deployInputFromFlags(opts: DeployFlags, project: DeployFileValues = {}, ctx: FlagContext): Parsed<DeployInput> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const file = project ?? {};

  if (opts.fromTuning !== undefined && !ctx.fromTuning)
    problems.push(`--from-tuning ${opts.fromTuning} needs the cluster to read the tuning workspace's output image: use \`kaito deploy\`, or pass --adapter NAME=IMAGE here`);
  const release = kaitoRelease(opts.kaitoVersion, ctx, problems);
  const presetName = opts.preset ?? ctx.fromTuning?.preset ?? file.preset;
  let preset: Preset | undefined;
  let huggingFace = false;
  if (presetName && HF_ID.test(presetName) && !getPreset(presetName)) {
    huggingFace = true;
    // compat R1: Hugging Face ids arrived in v0.9
    if (release === '0.6') problems.push(`--preset ${presetName}: Kaito 0.6 serves only its own presets, not Hugging Face ids: pick one from \`kaito presets list\` or upgrade Kaito`);
    else warnings.push(`${presetName} is not in the catalog: Kaito v0.9+ serves Hugging Face ids on a best-effort basis; no fit check`);
  } else {
    const catalogPreset = resolvePreset(presetName, problems);
    // the preset as this Kaito release offers it (compat R1); the runtime is checked below
    if (catalogPreset) problems.push(...versionProblems({ workload: 'deploy', preset: catalogPreset.name }, release));
    preset = catalogPreset && presetAt(catalogPreset, release);
  }
  const displayName = preset?.name ?? presetName ?? '';

  const name = workspaceName(opts.name ?? file.name, huggingFace ? displayName.split('/')[1] : displayName, problems);
  const apiVersion = checkApiVersion(opts.apiVersion, ctx, problems);

  const runtimeRaw = opts.runtime ?? file.runtime;
  let runtime: DeployInput['runtime'];
  if (runtimeRaw !== undefined) {
    if (runtimeRaw !== 'vllm' && runtimeRaw !== 'transformers') problems.push(`--runtime ${runtimeRaw}: use vllm or transformers`);
    else {
      runtime = runtimeRaw;
      const base = preset && getPreset(preset.name);
      if (base && !base.runtimes.includes(runtime)) problems.push(`--runtime ${runtime} is not available for ${base.name} (available: ${base.runtimes.join(', ')})`);
      else if (base) problems.push(...versionProblems({ workload: 'deploy', preset: base.name, runtime }, release));
    }
  }

  // adapters
  const adapters: AdapterInput[] = [];
  for (const raw of opts.adapter ?? []) {
    const a = parseAdapter(raw, problems);
    if (a) adapters.push(a);
  }
  if (ctx.fromTuning) adapters.push({ name: ctx.fromTuning.workspace, image: ctx.fromTuning.image });
  const seen = new Set<string>();
  for (const a of adapters) {
    if (seen.has(a.name)) problems.push(`--adapter: the name "${a.name}" is used twice: adapter names must be unique`);
    seen.add(a.name);
    if (a.strength !== undefined && (runtime ?? 'vllm') === 'vllm')
      problems.push(`--adapter ${a.name}: the vLLM runtime does not accept an adapter strength: drop ",strength=${a.strength}" or add --runtime transformers`);
  }
  if (adapters.length > 10) problems.push(`at most 10 adapters per workspace (got ${adapters.length})`);
  const adapterPullSecret = opts.adapterPullSecret ?? ctx.fromTuning?.pullSecret;
  checkSecretName(opts.adapterPullSecret, '--adapter-pull-secret', problems);
  if (opts.adapterPullSecret !== undefined && adapters.length === 0 && opts.fromTuning === undefined) problems.push('--adapter-pull-secret needs --adapter NAME=IMAGE: drop it or add an adapter');

  // model access (gated presets)
  let modelAccessSecret = opts.modelAccessSecret ?? (opts.hfTokenStdin ? undefined : file.modelAccessSecret);
  let createModelAccessSecret: DeployInput['createModelAccessSecret'];
  if (opts.modelAccessSecret !== undefined && opts.hfTokenStdin) problems.push('use only one of --model-access-secret and --hf-token-stdin');
  checkSecretName(modelAccessSecret, '--model-access-secret', problems);
  if (opts.hfTokenStdin && opts.modelAccessSecret === undefined) {
    modelAccessSecret = modelAccessSecretName(name);
    createModelAccessSecret = { name: modelAccessSecret };
  }
  if (preset && modelAccessSecret) {
    const why = modelAccessSecretProblem(preset.name, release, opts.hfTokenStdin ? '--hf-token-stdin' : '--model-access-secret');
    if (why) problems.push(why);
  }
  if (preset?.gated && !modelAccessSecret)
    problems.push(`--preset ${preset.name} is gated on Hugging Face: pass --model-access-secret NAME (a Secret with key HF_TOKEN) or --hf-token-stdin`);

  let inferenceConfig: string | undefined;
  if (opts.configFile !== undefined) {
    const text = readConfigFile(opts.configFile, ctx, problems);
    if (text !== undefined) {
      const ps = inferenceConfigProblems(text, `--config-file ${opts.configFile}`);
      problems.push(...ps);
      if (ps.length === 0) inferenceConfig = text;
    }
  }

  const placement = parsePlacement(pickPlacement(opts, file, 'deploy'), ctx, problems);
  if (preset && placement.nodeProvisioning === 'nap' && !placement.instanceType && !placement.nodepool) {
    const sku = defaultSku(preset, 'inference');
    if (sku) {
      placement.instanceType = sku;
      warnings.push(`no --instance-type given: using ${sku}, recommended for ${preset.name}`);
    } else problems.push('--instance-type is required (Kaito provisions nodes in NAP mode)');
  } else if (huggingFace && placement.nodeProvisioning === 'nap' && !placement.instanceType && !placement.nodepool)
    problems.push(`--instance-type is required for ${presetName} (not in the catalog, no recommendation)`);
  const skuName = fitSku(placement);
  if (skuName && preset) {
    const sku = getSku(skuName);
    if (!sku) warnings.push(`${skuName} is not in Kaito's GPU table: no fit check, and Kaito may not know how to configure it`);
    else {
      const r = fit(preset, sku, 'inference');
      // compat R8: Kaito 0.10+ in NAP mode sizes vLLM workspaces with its node estimator (count is overridden) and
      // runs a model too big for one VM on several (Ray, pipeline parallel); 0.11 halts above 3 nodes
      const nodes = Math.ceil((r.gpusNeeded ?? 1) / sku.gpus);
      const multiNode = r.verdict === 'does-not-fit' && placement.nodeProvisioning === 'nap' && (runtime ?? 'vllm') === 'vllm' && release !== '0.6' && nodes > 1;
      if (multiNode && release === '0.11' && nodes > 3)
        problems.push(`${preset.name} needs ~${r.gpusNeeded} GPUs: ${nodes} nodes of ${sku.name}, and Kaito 0.11 halts above 3 (guardTargetNodeCount): pick a larger SKU (e.g. ${fittingSkus(preset, 'inference').slice(0, 2).join(', ')})`);
      else if (multiNode)
        warnings.push(`${preset.name} does not fit one ${sku.name} (~${r.gpusNeeded} GPUs): Kaito ${release} runs it on ~${nodes} nodes (multi-node vLLM; its node estimator sets the count), so you pay for ${nodes} VMs`);
      else if (r.verdict === 'does-not-fit') {
        const line = misfitLine(preset, r, 'inference', fittingSkus(preset, 'inference'));
        if (opts.force) warnings.push(`${line.replace(/ or pass --force$/, '')} (--force: rendering anyway)`);
        else problems.push(line);
      } else if (r.verdict === 'tight') warnings.push(`${preset.name} on ${sku.name} is tight: ~${r.kvCachePerGpuGiB} GiB per GPU left for the KV cache (short contexts only)`);
    }
  }

  if (problems.length > 0) fail(nameFileValues(problems, opts, file, 'deploy'), 'deploy');
  return {
    input: {
      name, namespace: ctx.namespace, apiVersion, preset: preset?.name ?? presetName!, placement, adapters, adapterPullSecret, runtime,
      modelAccessSecret, createModelAccessSecret, inferenceConfig, loadBalancer: Boolean(opts.loadBalancer), force: Boolean(opts.force),
    },
    warnings,
  };
}

/** NAME=IMAGE[,strength=F] */
function parseAdapter(raw: string, problems: string[]): AdapterInput | undefined {
  const eq = raw.indexOf('=');
  if (eq <= 0) {
    problems.push(`--adapter "${raw}" is not NAME=IMAGE (e.g. --adapter my-adapter=myacr.azurecr.io/adapter:1)`);
    return undefined;
  }
  const name = raw.slice(0, eq);
  const [image, ...opts] = raw.slice(eq + 1).split(',');
  const a: AdapterInput = { name, image };
  const why = checkDnsLabel(name);
  if (why) problems.push(`--adapter name "${name}" ${why}`);
  checkImage(image, `--adapter ${name}: image`, problems);
  for (const o of opts) {
    const m = /^strength=(.*)$/.exec(o);
    if (!m) problems.push(`--adapter ${name}: unknown option "${o}" (only strength=F)`);
    else {
      const s = Number(m[1]);
      if (m[1] === '' || !Number.isFinite(s) || s < 0 || s > 1) problems.push(`--adapter ${name}: strength must be a number in [0, 1] (got "${m[1]}")`);
      else a.strength = m[1];
    }
  }
  return a;
}

function parseEvalSplit(raw: string | undefined, where: string, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const why = evalSplitProblem(raw);
  if (why) {
    problems.push(`${where} ${why} (got "${raw}")`);
    return undefined;
  }
  return Number(String(raw).trim());
}
