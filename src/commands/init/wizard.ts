// The `kaito init` conversation. It asks only what the flags did not give, offers lists where the cluster
// or Azure can provide them, checks each answer as it is typed, and without a prompter (--no-input, CI,
// no terminal) takes flags + environment + the existing kaito.yaml and names every flag still missing.
import { UsageError } from '../../errors.js';
import { DEFAULT_KAITO_RELEASE, getPreset, getSku, loadPresets, loadSkus, type Preset, type Sku, type TuningMethod } from '../../core/presets.js';
import { releaseSkuProblem } from '../../core/kaito-release.js';
import { trainingEstimate, trainingFit } from '../../core/fit.js';
import { validateStoredDatasetUrl } from '../../config/project.js';
import { validateKubeContext } from '../../config/validators.js';
import type { Choice, Prompter } from '../../ui/prompts.js';
import { CHECKS, FLAG_OF, checkGivenAnswers, type AnswerKey, type InitAnswers } from './answers.js';
import { bestEffort, napIgnoresPools, type AksClusterRef, type AzureLookups, type DatasetVerdict, type FamilyQuota, type InitSources, type KubeContexts } from './sources.js';

export interface WizardInput {
  /** values given as flags: never asked */
  flags: InitAnswers;
  /** values from the environment or an existing kaito.yaml: offered as defaults, taken as-is without a prompter */
  defaults: InitAnswers;
  /** where each default came from, e.g. AZURE_SUBSCRIPTION_ID or kaito.yaml */
  defaultSource?: Partial<Record<AnswerKey, string>>;
  /** undefined: no questions may be asked */
  prompter?: Prompter;
  /** why there is no prompter, for the error message */
  noPromptReason?: string;
  sources: InitSources;
  info(line: string): void;
  warn(line: string): void;
  debug(line: string): void;
  /** lookup deadlines (ms); tests shorten them */
  timeouts?: { azure?: number; kube?: number; dataset?: number };
}

export interface WizardResult {
  answers: InitAnswers;
  /** the push Secret was not found in the namespace (the next steps say how to create it) */
  pushSecretMissing: boolean;
  /** the node pool does not exist yet: `kaito nodepool add` comes first */
  nodepoolIsNew: boolean;
  /** a VM size to suggest for a new node pool */
  suggestedSku?: string;
  /** the cluster is BYO: a new pool is the only way to GPU nodes (next steps say so) */
  byo?: boolean;
  /** the namespace written to kaito.yaml does not exist (issue 17 item 4: warned, and next steps create it) */
  namespaceMissing?: boolean;
  /** issue 14: the picked AKS cluster's region and the checked dataset's size, for the estimate */
  location?: string;
  datasetSize?: { tokens: number; records: number; bytes: number };
}

const TYPE_IT = '\u0000type'; // sentinel choice value: "none of these, let me type it"

/** Which group of answers each key belongs to: a flag for one member drops defaults for the others. */
const GROUPS: AnswerKey[][] = [
  ['dataset', 'datasetImage', 'datasetPvc'],
  ['outputImage', 'pushSecret', 'outputPvc'],
  ['instanceType', 'nodepool'],
];

export async function runWizard(input: WizardInput): Promise<WizardResult> {
  const { flags, prompter, sources } = input;
  const defaults = mergeDefaults(flags, input.defaults);
  const flagSource = (k: AnswerKey) => (flags[k] !== undefined ? FLAG_OF[k] : `${k} (from ${input.defaultSource?.[k] ?? 'kaito.yaml'})`);

  // 1. Bad flags fail before the first question. Without a prompter the defaults are answers: check them too.
  const given: InitAnswers = prompter ? flags : { ...defaults, ...flags };
  const problems = checkGivenAnswers(given, flagSource);
  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? problems[0] : `${problems.length} invalid values`, 'fix the values and run `kaito init` again', problems.length === 1 ? [] : problems);
  }
  // without a prompter the contexts only serve to check --context: skip loading the kubeconfig otherwise
  const wantContexts = sources.kubeContexts && (prompter || flags.context);
  const kube = wantContexts ? await bestEffort('kube contexts', 10_000, () => sources.kubeContexts!(), input.debug) : undefined;
  if (flags.context && kube && !kube.names.includes(flags.context)) {
    throw new UsageError(`--context "${flags.context}" is not a context of ${kube.source}`, kube.names.length ? `use one of: ${kube.names.join(', ')}` : 'the kubeconfig has no contexts');
  }

  if (!prompter) return collectWithoutPrompts(given, input.noPromptReason ?? '--no-input');

  const a: InitAnswers = { ...flags };
  const t = input.timeouts ?? {};
  const ask = new Asker(prompter, defaults);
  const result: WizardResult = { answers: a, pushSecretMissing: false, nodepoolIsNew: false };

  // 2. Cluster target
  input.info('Cluster target');
  a.subscription ??= await ask.text('subscription', 'Azure subscription ID');
  let azure: AzureLookups | undefined;
  if (sources.azure && (!a.resourceGroup || !a.cluster || (!a.instanceType && !a.nodepool))) {
    input.info('  (looking for an Azure credential to list your clusters ...)');
    azure = await bestEffort('Azure credentials', t.azure ?? 20_000, () => sources.azure!(a.subscription!), input.debug);
    if (!azure) input.info('  (Azure is not reachable with the current credentials: type the names; `az login` enables the lists)');
  }
  if (!a.resourceGroup || !a.cluster) {
    const clusters = azure ? await bestEffort('AKS clusters', t.azure ?? 20_000, () => azure!.clusters(a.subscription!), input.debug) : undefined;
    const pick = clusters ? await pickCluster(ask, clusters, a, defaults) : undefined;
    if (pick) {
      a.resourceGroup = pick.resourceGroup;
      a.cluster = pick.name;
      result.location = pick.location;
    }
    a.resourceGroup ??= await ask.text('resourceGroup', 'Resource group of the AKS cluster');
    a.cluster ??= await ask.text('cluster', 'AKS cluster name');
  }
  if (!a.context) a.context = await pickContext(ask, kube, a.cluster, defaults, input);
  if (!a.namespace) {
    const fromContext = a.context && kube ? kube.namespaceOf(a.context) : undefined;
    a.namespace = await ask.text('namespace', 'Namespace for the workspaces', defaults.namespace ?? fromContext ?? 'default');
  }
  if (a.namespace && sources.namespaceExists) {
    const exists = await bestEffort('namespace', t.kube ?? 10_000, () => sources.namespaceExists!(a.context, a.namespace!), input.debug);
    if (exists === false) {
      result.namespaceMissing = true;
      input.warn(`namespace ${a.namespace} does not exist yet: create it with \`kubectl create namespace ${a.namespace}\` (the next steps include it)`);
    }
  }

  // 3. What to tune, on what data, where the adapter goes
  input.info('Tuning');
  a.preset ??= await ask.select('preset', 'Model preset to tune', presetChoices(), defaults.preset ?? 'phi-3-mini-128k-instruct');
  const preset = getPreset(a.preset)!;
  a.method ??= (await ask.select('method', 'Tuning method', methodChoices(preset), defaults.method && preset.methods.includes(defaults.method) ? defaults.method : preset.methods.includes('qlora') ? 'qlora' : preset.methods[0])) as TuningMethod;
  if (!a.dataset?.length && !a.datasetImage && !a.datasetPvc) {
    const checkOnline = sources.checkDataset;
    // the check runs while the prompt is drawn: its note is printed once the answer is in
    const notes = new Map<string, string | undefined>();
    const sizes = new Map<string, DatasetVerdict['size']>();
    const url = await ask.text('dataset', 'Dataset URL (parquet, jsonl, json or csv; Kaito trains on this one file)', defaults.dataset?.[0], async (v) => {
      const syntax = validateStoredDatasetUrl(v);
      if (syntax || !checkOnline) return syntax;
      const verdict = await checkOnline(v, preset.name);
      notes.set(v, verdict.note);
      sizes.set(v, verdict.size);
      return verdict.problem;
    });
    if (notes.get(url)) input.info(`  ${notes.get(url)}`);
    result.datasetSize = sizes.get(url);
    a.dataset = [url];
  }
  if (!a.outputPvc) {
    a.outputImage ??= await ask.text('outputImage', 'Image to push the adapter to (e.g. myacr.azurecr.io/adapters/phi-3:v1)');
    if (!a.pushSecret) {
      const ns = a.namespace;
      const secrets = sources.pushSecrets ? await bestEffort('docker-registry Secrets', t.kube ?? 10_000, () => sources.pushSecrets!(a.context, ns), input.debug) : undefined;
      a.pushSecret = await pickPushSecret(ask, secrets, defaults, a.outputImage);
      result.pushSecretMissing = secrets !== undefined && !secrets.includes(a.pushSecret);
    }
  }

  // 4. Placement: what the cluster's Kaito can do decides the question (docs/kaito-compat.md C rows; KAITO.md §7):
  // NAP on 0.11+ provisions its own node (a pool would idle), BYO needs a labelled pool, else ask.
  if (!a.instanceType && !a.nodepool) {
    input.info('Placement');
    const facts = sources.kaito ? await bestEffort('Kaito controller', t.kube ?? 10_000, () => sources.kaito!(a.context, a.namespace ?? 'default'), input.debug) : undefined;
    result.byo = facts?.mode === 'byo';
    let mode: 'instanceType' | 'nodepool';
    if (facts?.mode === 'byo') {
      input.info('  this cluster brings its own GPU nodes (Kaito BYO mode): the job runs on a node pool you name');
      mode = 'nodepool';
    } else if (napIgnoresPools(facts)) {
      input.info(`  Kaito ${facts!.version} provisions a GPU node for each workspace (node auto-provisioning): pick its VM size`);
      mode = 'instanceType';
    } else
      mode = await prompter.select<'instanceType' | 'nodepool'>({
        message: 'Where should the tuning job run?',
        choices: [
          { value: 'instanceType', short: 'a node Kaito creates', name: 'a GPU node Kaito creates (pick a VM size)', description: 'node auto-provisioning: Kaito asks AKS for a node of this size and removes it with the workspace' },
          { value: 'nodepool', short: 'an AKS node pool', name: 'an AKS node pool (existing, or one `kaito nodepool add` creates)', description: 'BYO clusters, and NAP clusters up to Kaito 0.10: the job runs on the pool you name (Kaito 0.11+ in NAP mode ignores pools)' },
        ],
        default: defaults.nodepool ? 'nodepool' : 'instanceType',
      });
    const quotas = azure?.quotas ? await bestEffort('GPU quota', t.azure ?? 20_000, () => azure!.quotas!(a.subscription!, a.resourceGroup!, a.cluster!, [...new Set(loadSkus().map((s) => s.quotaFamily))]), input.debug) : undefined;
    if (mode === 'instanceType') {
      a.instanceType = await ask.select('instanceType', 'GPU VM size', skuChoices(preset, a.method, quotas), defaults.instanceType ?? firstFitting(preset, a.method));
    } else {
      const pools = azure?.agentPools ? await bestEffort('node pools', t.azure ?? 20_000, () => azure!.agentPools!(a.subscription!, a.resourceGroup!, a.cluster!), input.debug) : undefined;
      const choices: Choice<string>[] = (pools ?? []).map((p) => {
        const sku = p.vmSize ? getSku(p.vmSize) : undefined;
        const verdict = sku ? trainingFit(preset, sku, a.method!).verdict : undefined;
        return {
          value: p.name,
          short: p.name,
          name: `${p.name}  (${p.vmSize ?? 'unknown size'}${verdict ? `, ${verdict}` : ''})`,
          // issue 17 item 11: a pool Kaito provisioned for a workspace disappears with it
          disabled: p.kaitoWorkspace ? `provisioned by Kaito for ${p.kaitoWorkspace}: it goes away with that workspace` : !sku ? 'not a GPU size Kaito supports' : verdict === 'does-not-fit' ? `${preset.name} does not fit ${p.vmSize}` : false,
        };
      });
      let pool: string | undefined;
      if (choices.length > 0) {
        choices.push({ value: TYPE_IT, name: 'a new node pool (type its name)' });
        pool = await ask.select('nodepool', 'Node pool', choices, defaults.nodepool && choices.some((c) => c.value === defaults.nodepool) ? defaults.nodepool : undefined);
        if (pool === TYPE_IT) pool = undefined;
      }
      a.nodepool = pool ?? (await ask.text('nodepool', 'Node pool name (1-12 lower-case letters and digits)', defaults.nodepool ?? 'gpu'));
      result.nodepoolIsNew = pools === undefined || !pools.some((p) => p.name === a.nodepool);
      result.suggestedSku = firstFitting(preset, a.method);
    }
  } else if (a.instanceType) {
    warnIfNoFit(input, getPreset(a.preset)!, a.method, a.instanceType);
  }
  a.workspace ??= defaults.workspace;
  return result;
}

/** flags > defaults, except that a flag for one member of a group (data, output, placement) replaces the others. */
function mergeDefaults(flags: InitAnswers, defaults: InitAnswers): InitAnswers {
  const d: InitAnswers = { ...defaults };
  for (const group of GROUPS) if (group.some((k) => flags[k] !== undefined)) for (const k of group) delete d[k];
  return d;
}

function collectWithoutPrompts(a: InitAnswers, reason: string): WizardResult {
  const missing: Array<[string, string]> = [];
  if (!a.subscription) missing.push(['--subscription ID', 'the Azure subscription of the AKS cluster (or AZURE_SUBSCRIPTION_ID)']);
  if (!a.resourceGroup) missing.push(['--resource-group RG', 'its resource group']);
  if (!a.cluster) missing.push(['--cluster NAME', 'the AKS cluster']);
  if (!a.preset) missing.push(['--preset NAME', 'a tunable preset (`kaito presets list --tunable`)']);
  if (!a.dataset?.length && !a.datasetImage && !a.datasetPvc) missing.push(['--dataset URL', 'the training data (or --dataset-image / --dataset-pvc)']);
  if (!a.outputImage && !a.outputPvc) missing.push(['--output-image IMAGE', 'where the adapter is pushed (or --output-pvc)']);
  if (a.outputImage && !a.pushSecret) missing.push(['--push-secret NAME', 'the docker-registry Secret that can push --output-image']);
  if (!a.instanceType && !a.nodepool) missing.push(['--instance-type SKU', 'the GPU VM size (or --nodepool POOL)']);
  if (missing.length > 0) {
    const width = Math.max(...missing.map(([f]) => f.length));
    throw new UsageError(
      `kaito init cannot ask (${reason}); pass ${missing.map(([f]) => f.split(' ')[0]).join(', ')}`,
      'or run `kaito init` in a terminal to be asked',
      missing.map(([f, why]) => `${f.padEnd(width)}  ${why}`),
    );
  }
  const preset = getPreset(a.preset!)!;
  a.method ??= preset.methods.includes('qlora') ? 'qlora' : preset.methods[0];
  return { answers: a, pushSecretMissing: false, nodepoolIsNew: false, suggestedSku: a.nodepool ? firstFitting(preset, a.method) : undefined };
}

/** Questions with a default and the same validator as the flag. */
class Asker {
  constructor(
    private readonly prompter: Prompter,
    private readonly defaults: InitAnswers,
  ) {}

  text(key: AnswerKey, message: string, fallback?: string, check?: (v: string) => string | undefined | Promise<string | undefined>): Promise<string> {
    const d = this.defaults[key];
    const def = typeof d === 'string' ? d : fallback;
    const validate = check ?? CHECKS[key] ?? ((v: string) => (v === '' ? 'must not be empty' : undefined));
    return this.prompter.input({ message, default: def, validate: (v) => (v === '' ? 'an answer is needed' : validate(v)) });
  }

  select<T extends string>(_key: AnswerKey, message: string, choices: Choice<T>[], def?: T): Promise<T> {
    const usable = def !== undefined && choices.some((c) => c.value === def && !c.disabled) ? def : choices.find((c) => !c.disabled)?.value;
    return this.prompter.select<T>({ message, choices, default: usable });
  }
}

async function pickCluster(ask: Asker, clusters: AksClusterRef[], a: InitAnswers, d: InitAnswers): Promise<AksClusterRef | undefined> {
  const list = clusters
    .filter((c) => (!a.resourceGroup || c.resourceGroup.toLowerCase() === a.resourceGroup.toLowerCase()) && (!a.cluster || c.name === a.cluster))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  if (list.length === 0) return undefined;
  const key = (c: AksClusterRef) => `${c.resourceGroup}/${c.name}`;
  const choices: Choice<string>[] = list.map((c) => ({ value: key(c), short: `${c.name} (${c.resourceGroup})`, name: `${c.name}  (resource group ${c.resourceGroup}${c.location ? `, ${c.location}` : ''})` }));
  choices.push({ value: TYPE_IT, name: 'another cluster (type its name)' });
  const def = list.find((c) => c.name === d.cluster && (!d.resourceGroup || c.resourceGroup === d.resourceGroup));
  const picked = await ask.select('cluster', 'AKS cluster', choices, def ? key(def) : undefined);
  return list.find((c) => key(c) === picked);
}

async function pickContext(ask: Asker, kube: KubeContexts | undefined, cluster: string | undefined, d: InitAnswers, input: WizardInput): Promise<string | undefined> {
  if (!kube || kube.names.length === 0) {
    input.info('  (no kubeconfig found: kubeContext stays unset; run `az aks get-credentials -g RG -n CLUSTER`, then the current context is used)');
    return undefined;
  }
  // az aks get-credentials names the context after the cluster
  const def = d.context && kube.names.includes(d.context) ? d.context : cluster && kube.names.includes(cluster) ? cluster : kube.current;
  const choices: Choice<string>[] = kube.names.map((n) => ({ value: n, short: n, name: n + (n === kube.current ? '  (current)' : '') }));
  const picked = await ask.select('context', `Kube context (from ${kube.source})`, choices, def);
  return validateKubeContext(picked) ? undefined : picked;
}

async function pickPushSecret(ask: Asker, secrets: string[] | undefined, d: InitAnswers, image: string | undefined): Promise<string> {
  if (secrets && secrets.length > 0) {
    const choices: Choice<string>[] = [...secrets].sort().map((s) => ({ value: s, name: s }));
    choices.push({ value: TYPE_IT, name: 'another Secret (create it before tuning)' });
    const picked = await ask.select('pushSecret', 'docker-registry Secret that can push the image', choices, d.pushSecret);
    if (picked !== TYPE_IT) return picked;
  }
  const registry = image?.includes('/') ? image.split('/')[0].split('.')[0].toLowerCase().replace(/[^a-z0-9-]/g, '') : '';
  return ask.text('pushSecret', 'Name of the docker-registry Secret that can push the image', registry ? `${registry}-push` : 'registry-push');
}

function presetChoices(): Choice<string>[] {
  return loadPresets()
    .filter((p) => p.tunable)
    .map((p) => {
      const method: TuningMethod = p.methods.includes('qlora') ? 'qlora' : p.methods[0];
      const est = trainingEstimate(p, method);
      const sku = firstFitting(p, method);
      const gpu = sku ? getSku(sku) : undefined;
      return {
        value: p.name,
        short: p.name,
        name: `${p.name.padEnd(28)} ${`${p.parametersB}B`.padStart(5)}  ${`${p.weightsGiB} GiB`.padStart(8)}  ${method} ~${est.totalGiB} GiB${gpu ? `, fits ${gpu.gpuModel} ${gpu.gpuMemoryGiB / gpu.gpus} GiB` : ''}`,
        description: `${p.huggingFaceId}; recommended: ${p.recommendedSkus.join(', ')}${p.gated ? '; gated (needs a Hugging Face token)' : ''}`,
      };
    });
}

function methodChoices(p: Preset): Choice<string>[] {
  const order: TuningMethod[] = ['qlora', 'lora'];
  return order
    .filter((m) => p.methods.includes(m))
    .map((m) => {
      const est = trainingEstimate(p, m);
      const sku = firstFitting(p, m);
      const what = m === 'qlora' ? '4-bit quantized base, smallest GPUs' : 'bf16 base, more memory, a little better quality';
      return { value: m, short: m, name: `${m.padEnd(5)}  ${what}`, description: `needs ~${est.totalGiB} GiB on one GPU${sku ? `; smallest fitting size ${sku}` : ''}` };
    });
}

function skuChoices(p: Preset, method: TuningMethod, quotas: FamilyQuota[] | undefined): Choice<string>[] {
  const skus = [...loadSkus()].sort((x, y) => x.gpuMemoryGiB / x.gpus - y.gpuMemoryGiB / y.gpus || x.gpus - y.gpus);
  return skus.map((s) => {
    const fit = trainingFit(p, s, method);
    const q = quotas?.find((x) => x.family.toLowerCase() === s.quotaFamily.toLowerCase());
    const free = q ? q.limit - q.used : undefined;
    const quota = q ? `  quota ${free}/${q.limit} vCPUs free${free! < s.vcpus ? ' (too little: request more)' : ''}` : '';
    const rec = p.recommendedSkus.includes(s.name) ? '  recommended' : '';
    return {
      value: s.name,
      short: s.name,
      name: `${s.name.padEnd(26)} ${s.gpus}x ${s.gpuModel} ${s.gpuMemoryGiB / s.gpus} GiB  ${fit.verdict}${rec}${quota}`,
      description: `${p.name} with ${method} needs ~${fit.requiredGiB} GiB on one GPU; ${s.vcpus} vCPUs (${s.quotaFamily})`,
      disabled: fit.verdict === 'does-not-fit'
        ? `needs ~${fit.requiredGiB} GiB per GPU, has ${fit.availableGiB}`
        : releaseSkuProblem(s.name, DEFAULT_KAITO_RELEASE) ? `not in Kaito ${DEFAULT_KAITO_RELEASE}'s tuning SKU table` : false,
    };
  });
}

/** The smallest SKU the preset fits for this method, among those Kaito can tune on (the default release's table):
 *  the same verdict as `kaito presets show` (issue 17 item 12: one fit function, one answer). */
export function firstFitting(p: Preset, method: TuningMethod): string | undefined {
  const bySize = (x: Sku, y: Sku) => x.gpuMemoryGiB / x.gpus - y.gpuMemoryGiB / y.gpus || x.gpus - y.gpus;
  const fits = (s: Sku) => trainingFit(p, s, method).verdict === 'fits' && releaseSkuProblem(s.name, DEFAULT_KAITO_RELEASE) === null;
  return [...loadSkus()].filter(fits).sort(bySize)[0]?.name;
}

function warnIfNoFit(input: WizardInput, p: Preset, method: TuningMethod | undefined, sku: string): void {
  const s = getSku(sku);
  if (!s || !method) return;
  const fit = trainingFit(p, s, method);
  if (fit.verdict === 'does-not-fit') input.warn(`${p.name} with ${method} needs ~${fit.requiredGiB} GiB per GPU; ${sku} has ${fit.availableGiB} GiB (tune will refuse without --force)`);
}
