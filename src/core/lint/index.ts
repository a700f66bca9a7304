// `kaito lint` (issue 18): checks Workspace manifests offline for one Kaito release. Every rule here calls the code
// that `render`/`tune`/`deploy` and the sandbox use, so the three agree:
//   API server schema and pruning      core/kaito-crd-schema.ts (the sandbox's CRDs and pruning)
//   Kaito's webhook per release        core/kaito-webhook.ts (the sandbox's admission)
//   presets, runtimes, methods, SKUs   core/kaito-release.ts, core/presets.ts (render/tune/deploy)
//   GPU fit                            core/fit.ts, render/flags.ts misfitLine/fittingSkus
//   dataset URLs                       core/names.ts datasetFileNameProblem/checkDatasetUrl
//   training config                    core/training-config.ts trainingConfigIssues; webhook validateTuningConfigMap
//   inference config                   core/validate.ts inferenceConfigProblems; render/inference.ts VLLM_LORA_RANKS
import type { Document, LineCounter } from 'yaml';
import { typeProblems, prune, workspaceSchema } from '../kaito-crd-schema.js';
import { validateName, validateTuningConfigMap, validateWorkspace, type StatusCause } from '../kaito-webhook.js';
import { PRESETS_OUTSIDE_CATALOG, releaseSkuProblem, versionProblems } from '../kaito-release.js';
import { fit } from '../fit.js';
import { checkDatasetUrl, datasetFileNameProblem, didYouMean } from '../names.js';
import { getPreset, getSku, kaitoSkuTable, loadPresets, type Runtime, type TuningMethod } from '../presets.js';
import { fittingSkus, misfitLine } from '../render/flags.js';
import { VLLM_LORA_RANKS } from '../render/inference.js';
import { INFERENCE_CONFIG_KEY, TUNING_CONFIG_KEY } from '../render/types.js';
import { trainingConfigIssues, type TrainingConfig } from '../training-config.js';
import { inferenceConfigProblems } from '../validate.js';
import { yamlLib } from '../yaml-lib.js';
import { blockScalarOrigin, formatPath, nodeAt, parseFieldPath, spanOf, type Seg, type Span } from './locate.js';
import { RULES, type Finding, type LintOptions, type RuleId, type Severity } from './types.js';

export * from './types.js';

export interface SourceFile {
  /** the name findings carry (as given on the command line, or <stdin>) */
  file: string;
  text: string;
}

/** One parsed YAML document of a linted file. */
export interface ParsedDoc {
  file: string;
  source: string;
  doc: Document;
  lc: LineCounter;
  value: Record<string, unknown>;
  index: number;
}

export interface LintResult {
  findings: Finding[];
  files: number;
  /** Workspaces checked */
  workspaces: number;
  /** ConfigMaps checked because a Workspace references them */
  configMaps: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const SERVED = ['kaito.sh/v1beta1', 'kaito.sh/v1alpha1'];

/** Parses every document of every file (YAML; JSON is YAML). Syntax errors are findings, the rest is returned. */
export function parseSources(files: SourceFile[]): { docs: ParsedDoc[]; findings: Finding[] } {
  const { parseAllDocuments, LineCounter } = yamlLib();
  const docs: ParsedDoc[] = [];
  const findings: Finding[] = [];
  for (const f of files) {
    const lc = new LineCounter();
    const all = parseAllDocuments(f.text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
    const list = Array.isArray(all) ? all : [all];
    list.forEach((doc, index) => {
      if (doc.errors.length) {
        for (const e of doc.errors) {
          const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
          const end = e.linePos?.[1] ?? pos;
          findings.push({
            file: f.file, line: pos.line, column: pos.col, endLine: end.line, endColumn: end.col, rule: 'yaml-syntax', severity: 'error',
            message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), fix: 'correct the YAML syntax at this position', path: '',
          });
        }
        return;
      }
      const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
      if (isObj(value)) docs.push({ file: f.file, source: f.text, doc, lc, value, index });
    });
  }
  return { docs, findings };
}

const isWorkspace = (d: ParsedDoc) => d.value.kind === 'Workspace' && typeof d.value.apiVersion === 'string' && (d.value.apiVersion as string).startsWith('kaito.sh/');
const isConfigMap = (d: ParsedDoc) => d.value.kind === 'ConfigMap' && (d.value.apiVersion === 'v1' || d.value.apiVersion === undefined);
const nameOf = (d: ParsedDoc) => (isObj(d.value.metadata) ? str(d.value.metadata.name) : undefined) ?? '';
const nsOf = (d: ParsedDoc) => (isObj(d.value.metadata) ? str(d.value.metadata.namespace) : undefined);

/** Lints the files: Workspaces (kaito.sh) and the ConfigMaps they reference; every other kind is ignored. */
export function lintSources(files: SourceFile[], opts: LintOptions): LintResult {
  const { docs, findings } = parseSources(files);
  const configMaps = docs.filter(isConfigMap);
  let workspaces = 0;
  const checkedCms = new Set<ParsedDoc>();
  for (const d of docs.filter(isWorkspace)) {
    workspaces++;
    findings.push(...lintWorkspace(d, configMaps, opts, checkedCms));
  }
  findings.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) : files.findIndex((f) => f.file === a.file) - files.findIndex((f) => f.file === b.file)));
  return { findings: dedupe(findings), files: files.length, workspaces, configMaps: checkedCms.size };
}

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter((f) => {
    const k = `${f.file}:${f.line}:${f.column}:${f.rule}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

class Reporter {
  readonly out: Finding[] = [];
  constructor(private readonly d: ParsedDoc, private readonly object: string) {}
  /** a finding at `path` (the deepest part of it that exists in the file) */
  add(rule: RuleId, path: Seg[], message: string, fix: string, severity: Severity = RULES[rule].severity): void {
    const { node } = nodeAt(this.d.doc, path);
    const span = spanOf(node, this.d.lc, this.docStart());
    this.push(rule, span, path, message, fix, severity);
  }
  push(rule: RuleId, span: Span, path: Seg[], message: string, fix: string, severity: Severity = RULES[rule].severity): void {
    this.out.push({ file: this.d.file, ...span, rule, severity, message, fix, path: formatPath(path), object: this.object });
  }
  private docStart(): number {
    return this.d.doc.range?.[0] ?? 0;
  }
}

function lintWorkspace(d: ParsedDoc, configMaps: ParsedDoc[], opts: LintOptions, checkedCms: Set<ParsedDoc>): Finding[] {
  const ws = d.value;
  const name = nameOf(d);
  const r = new Reporter(d, `Workspace/${name || '(no name)'}`);
  const release = opts.release;

  // apiVersion (the CRD serves v1beta1 and v1alpha1, stores v1beta1; KAITO.md §1)
  const apiVersion = String(ws.apiVersion);
  if (!SERVED.includes(apiVersion)) r.add('api-version', ['apiVersion'], `apiVersion ${apiVersion} is not served by the Kaito CRD (served: ${SERVED.join(', ')})`, 'use apiVersion: kaito.sh/v1beta1');
  else if (apiVersion === 'kaito.sh/v1alpha1') r.add('api-version-deprecated', ['apiVersion'], 'kaito.sh/v1alpha1 is served but Kaito stores and documents kaito.sh/v1beta1', 'use apiVersion: kaito.sh/v1beta1 (kaito lint --fix rewrites it)');

  // the API server: unknown fields are pruned silently, then types are checked (core/kaito-crd-schema.ts)
  const clone = structuredClone(ws);
  for (const p of prune(clone, workspaceSchema)) {
    const path = parseFieldPath(p);
    const parent = schemaAt(path.slice(0, -1));
    const known = parent?.properties ? Object.keys(parent.properties) : [];
    const near = didYouMean(String(path[path.length - 1]), known, 1);
    r.add('schema-unknown-field', path, `${formatPath(path)}: unknown field: the API server drops it without an error`, near.length ? `rename it to ${near[0]}` : `remove it (known here: ${known.join(', ') || 'none'})`);
  }
  const typeErrors = typeProblems(clone, workspaceSchema);
  for (const t of typeErrors) {
    const path = parseFieldPath(t.path);
    const last = path[path.length - 1];
    const lower = last === 'method' && typeof getIn(ws, path) === 'string' && ['lora', 'qlora'].includes(String(getIn(ws, path)).toLowerCase());
    r.add('schema-type', path, `${formatPath(path)}: ${t.message}`, lower ? `write it in lower case: ${String(getIn(ws, path)).toLowerCase()} (kaito lint --fix rewrites it)` : 'give it a value of the type the schema asks for');
  }

  // the API server's own name check (the sandbox's registry runs the same validateName)
  const md = isObj(ws.metadata) ? ws.metadata : {};
  if (!str(md.name) && !str(md.generateName))
    for (const c of validateName('Workspace', undefined)) r.add('schema-type', ['metadata'], `${c.field}: ${c.message}: the API server refuses an object without a name`, 'add metadata.name (lower-case letters, digits and -)');

  // deprecated fields of v1beta1 (v0.12 api/v1beta1/workspace_types.go "Deprecated:"; KAITO.md §1 count v0.7+, preferredNodes v0.8+)
  const resource = isObj(ws.resource) ? ws.resource : {};
  // compat L1: resource.partition arrived in v0.12 (api/v1beta1/workspace_types.go PartitionSpec): older API servers prune it
  if (release !== '0.12' && resource.partition !== undefined)
    r.add('schema-unknown-field', ['resource', 'partition'], `resource.partition: unknown field in Kaito ${release}'s CRD (it arrived in 0.12): the API server drops it without an error`, 'remove it, or upgrade Kaito to 0.12');
  // v0.12 api/v1beta1/workspace_validation.go: partitioning only on BYO nodes, and never for tuning
  if (release === '0.12' && isObj(resource.partition)) {
    if (isObj(ws.tuning)) r.add('webhook', ['resource', 'partition'], 'resource.partition: GPU partitioning is not supported for tuning', 'remove resource.partition');
    else if (opts.nodeProvisioning === 'nap') r.add('webhook', ['resource', 'partition'], 'resource.partition: GPU partitioning is only supported with BYO nodes', 'remove resource.partition, or use BYO nodes');
  }
  if (release !== '0.6' && Array.isArray(resource.preferredNodes) && resource.preferredNodes.length)
    r.add('deprecated-field', ['resource', 'preferredNodes'], 'resource.preferredNodes is deprecated and ignored since Kaito 0.8', 'remove it; select nodes with resource.labelSelector');

  for (const spec of ['inference', 'tuning'] as const) {
    const ps = isObj(ws[spec]) && isObj((ws[spec] as Obj).preset) ? ((ws[spec] as Obj).preset as Obj) : undefined;
    if (!ps) continue;
    if (ps.accessMode !== undefined) r.add('deprecated-field', [spec, 'preset', 'accessMode'], `${spec}.preset.accessMode is deprecated in kaito.sh/v1beta1`, 'remove it');
    if (isObj(ps.presetOptions))
      for (const k of ['image', 'imagePullSecrets'])
        if (ps.presetOptions[k] !== undefined) r.add('deprecated-field', [spec, 'preset', 'presetOptions', k], `${spec}.preset.presetOptions.${k} is deprecated in kaito.sh/v1beta1`, 'remove it');
  }
  // v0.12 pkg/workspace/controllers/workspace_controller.go: the Service is a LoadBalancer only when the value is exactly "True"
  const lb = isObj(ws.metadata) && isObj(ws.metadata.annotations) ? ws.metadata.annotations['kaito.sh/enablelb'] : undefined;
  if (lb !== undefined && lb !== 'True')
    r.add('annotation-value', ['metadata', 'annotations', 'kaito.sh/enablelb'], `kaito.sh/enablelb is ${JSON.stringify(lb)}: Kaito makes a LoadBalancer Service only for exactly "True", so it gives a ClusterIP Service`, String(lb).toLowerCase() === 'true' ? 'write "True" (kaito lint --fix rewrites it)' : 'write "True", or remove the annotation');

  // Kaito's webhook for this release (core/kaito-webhook.ts, the sandbox's admission)
  const causes = validateWorkspace(ws as Parameters<typeof validateWorkspace>[0], opts.nodeProvisioning as 'nap' | 'byo', { version: release });
  // the API server refuses a wrong type before the webhook is called: report that once
  const typed = new Set(typeErrors.map((t) => formatPath(parseFieldPath(t.path))));
  for (const c of causes) {
    const path = causePath(c);
    if (typed.has(formatPath(path))) continue;
    r.add('webhook', path, `${c.field ? `${c.field}: ` : ''}${c.message}`, webhookFix(c));
  }

  const inf = isObj(ws.inference) ? ws.inference : undefined;
  const tun = isObj(ws.tuning) ? ws.tuning : undefined;
  const spec = inf ?? tun;
  const section = inf ? 'inference' : 'tuning';
  const presetName = spec && isObj(spec.preset) ? str(spec.preset.name) : undefined;
  const preset = presetName ? getPreset(presetName) : undefined;
  const annotations = isObj(ws.metadata) && isObj(ws.metadata.annotations) ? ws.metadata.annotations : {};
  const runtime = str(annotations['kaito.sh/runtime']) as Runtime | undefined;
  const method = tun ? (str(tun.method) as TuningMethod | undefined) : undefined;
  const instanceType = str(resource.instanceType);

  // presets, methods, runtimes per release (core/kaito-release.ts, as render/tune/deploy)
  if (presetName && spec) {
    const presetPath = [section, 'preset', 'name'];
    if (presetName.includes('/')) {
      if (release === '0.6') r.add('preset', presetPath, `preset ${presetName}: Hugging Face model ids need Kaito 0.9 or newer (Kaito 0.6 rejects "Unsupported ${section} preset name")`, 'use a catalog preset (`kaito presets list`) or upgrade Kaito');
    } else if (!preset && PRESETS_OUTSIDE_CATALOG[presetName]) {
      const at = PRESETS_OUTSIDE_CATALOG[presetName][release];
      const where = Object.keys(PRESETS_OUTSIDE_CATALOG[presetName]).join(', ');
      if (!at) r.add('preset', presetPath, `preset ${presetName} does not exist in Kaito ${release} (it is in Kaito ${where}; Kaito rejects "Unsupported ${section} preset name ${presetName}")`, 'pick another preset (`kaito presets list`) or use the Kaito release that has it');
      else if (tun && !at.tune) r.add('tuning-preset', presetPath, `preset ${presetName} cannot be tuned on Kaito ${release}`, 'tune a preset from `kaito presets list --tunable`');
    } else if (!preset) {
      const near = didYouMean(presetName, loadPresets().map((p) => p.name));
      r.add('preset', presetPath, `preset ${presetName}: no such preset (Kaito rejects "Unsupported ${section} preset name ${presetName}")`, near.length ? `did you mean ${near.join(', ')}? (\`kaito presets list\`)` : 'pick one from `kaito presets list`');
    } else {
      const m = method === 'lora' || method === 'qlora' ? method : undefined;
      for (const p of versionProblems({ workload: tun ? 'tune' : 'deploy', preset: presetName, method: m, runtime: runtime === 'vllm' || runtime === 'transformers' ? runtime : undefined }, release)) {
        const [msg, fix] = splitFix(unflag(p));
        if (p.startsWith('--method')) r.add('tuning-preset', ['tuning', 'method'], msg, fix);
        else if (/cannot be tuned/.test(p)) r.add('tuning-preset', presetPath, msg, fix);
        else if (p.startsWith('--runtime')) r.add('runtime', ['metadata', 'annotations', 'kaito.sh/runtime'], msg, fix);
        else r.add('preset', presetPath, msg, fix);
      }
    }
  }

  // compat L2: instance types per release (KAITO.md §2 "NAP inference: instanceType in SKU table or, on Azure, any Standard_N*/D*";
  // v0.12 api/v1beta1/workspace_validation.go validateCreateWithInference; tuning: core/kaito-release.ts releaseSkuProblem, compat R2)
  const itPath = ['resource', 'instanceType'];
  if (instanceType && opts.nodeProvisioning !== 'byo') {
    if (tun) {
      const p = releaseSkuProblem(instanceType, release, presetName);
      if (p) r.add('sku', itPath, ...splitFix(unflag(p)));
    } else if (inf && !kaitoSkuTable(release).has(instanceType.toLowerCase())) {
      if (/^Standard_[ND]/i.test(instanceType))
        r.add('sku', itPath, `instanceType ${instanceType} is not in Kaito ${release}'s GPU SKU table: Kaito accepts it on Azure but cannot check GPU memory or size the workspace for it`, `pick a size from \`kaito presets show${presetName ? ` ${presetName}` : ''}\``, 'warning');
      else r.add('sku', itPath, `instanceType ${instanceType}: Kaito ${release} rejects it ("Unsupported instance type"): not in its SKU table and not an Azure N- or D-series size`, `pick a size from \`kaito presets show${presetName ? ` ${presetName}` : ''}\``);
    }
  }

  // GPU fit (core/fit.ts, the numbers render/tune/deploy use)
  const sku = instanceType ? getSku(instanceType) : undefined;
  let tuningCm: ParsedDoc | undefined;
  if (tun && str(tun.config)) tuningCm = findConfigMap(configMaps, str(tun.config)!, nsOf(d));
  if (preset && sku) {
    if (inf && preset.versions[release]) {
      const res = fit(preset, sku, 'inference');
      const nodes = Math.ceil((res.gpusNeeded ?? 1) / sku.gpus);
      if (res.verdict === 'does-not-fit') {
        const multi = opts.nodeProvisioning !== 'byo' && (runtime ?? 'vllm') === 'vllm' && release !== '0.6' && nodes > 1;
        r.add('gpu-fit', itPath, multi
          ? `${preset.name} does not fit one ${sku.name} (~${res.gpusNeeded} GPUs): Kaito ${release} runs it on ~${nodes} nodes (multi-node vLLM), so you pay for ${nodes} VMs`
          : misfitLine(preset, res, 'inference', fittingSkus(preset, 'inference')).replace(/ or pass --force$/, ''), `use a larger size, e.g. ${fittingSkus(preset, 'inference').slice(0, 2).join(' or ') || 'see `kaito presets show`'}`);
      }
    } else if (tun && (method === 'lora' || method === 'qlora') && presetAtTunable(preset, release)) {
      const batch = batchSizeOf(tuningCm);
      const res = fit(preset, sku, method, batch);
      if (res.verdict === 'does-not-fit') r.add('gpu-fit', itPath, misfitLine(preset, res, method, fittingSkus(preset, method, batch)).replace(/ or pass --force$/, ''), `use a larger size, e.g. ${fittingSkus(preset, method, batch).slice(0, 2).join(' or ') || 'see `kaito presets show`'}`);
    }
  }

  // gated models (render/flags.ts refuses them without a secret; Kaito 0.11+ accepts, then the download fails: KAITO.md §2)
  if (preset?.gated && inf && preset.versions[release]) {
    const secret = isObj(inf.preset) && isObj(inf.preset.presetOptions) ? str(inf.preset.presetOptions.modelAccessSecret) : undefined;
    if (!secret && !causes.some((c) => /modelAccessSecret/.test(c.message)))
      r.add('gated-model', ['inference', 'preset'], `${preset.name} is gated on Hugging Face and no presetOptions.modelAccessSecret is set: Kaito ${release} accepts the Workspace, then the model download fails`, 'add presetOptions.modelAccessSecret: NAME (a Secret with key HF_TOKEN)');
  }
  if (preset?.gated && tun && preset.versions[release]) r.add('gated-model', ['tuning', 'preset', 'name'], `${preset.name} is gated on Hugging Face; Kaito's tuning job has no way to pass a token`, 'tune a preset that is not gated (`kaito presets list --tunable`)');

  // adapters: vLLM's DisallowLoRA for falcon on 0.6/0.10 (KAITO.md §2 Adapters)
  if (inf && Array.isArray(inf.adapters) && inf.adapters.length && (runtime ?? 'vllm') === 'vllm' && (release === '0.6' || release === '0.10') && /^falcon-7b/.test(presetName ?? ''))
    r.add('adapters', ['inference', 'adapters'], `Kaito ${release} rejects adapters on ${presetName} with the vLLM runtime (DisallowLoRA)`, 'remove the adapters or use the annotation kaito.sh/runtime: transformers');

  // dataset URLs (core/names.ts, compat R4, R7)
  if (tun && isObj(tun.input) && Array.isArray(tun.input.urls))
    tun.input.urls.forEach((u, i) => {
      if (typeof u !== 'string') return;
      const path = ['tuning', 'input', 'urls', i];
      const reach = release === '0.12' ? null : checkDatasetUrl(u, release);
      if (reach) r.add('dataset-url', path, `${u} ${reach}`, 'serve the dataset from a host the cluster can reach');
      else if (release !== '0.12' || !causes.some((c) => c.field === `tuning.input.urls[${i}]`)) {
        const why = datasetFileNameProblem(u, release === '0.6');
        if (why) {
          const [msg, fix] = splitFix(`${u} ${why}`);
          r.add('dataset-url', path, msg, fix);
        }
      }
    });

  // the ConfigMaps it references
  if (tun && str(tun.config) && (method === 'lora' || method === 'qlora')) {
    const cmName = str(tun.config)!;
    if (!tuningCm) r.add('configmap-missing', ['tuning', 'config'], `ConfigMap ${cmName} is not among the linted files: Kaito's webhook rejects the Workspace unless it exists in ${nsOf(d) ? `namespace ${nsOf(d)}` : "the Workspace's namespace"}`, `lint it together with the Workspace (kaito lint -f workspace.yaml -f ${cmName}.yaml)`);
    else {
      checkedCms.add(tuningCm);
      // compat L3 (A30): the webhook GETs the ConfigMap when the Workspace is created; kubectl apply -f goes in file order
      if (tuningCm.file === d.file && tuningCm.index > d.index)
        r.add('configmap-order', ['tuning', 'config'], `ConfigMap ${cmName} comes after the Workspace in this file: \`kubectl apply -f\` creates it after the Workspace, whose creation Kaito's webhook rejects as long as the ConfigMap is missing`, 'move the ConfigMap above the Workspace');
      r.out.push(...lintTuningConfigMap(tuningCm, tun, method, nsOf(d) ?? 'default'));
    }
  }
  if (inf && str(inf.config)) {
    const cmName = str(inf.config)!;
    const cm = findConfigMap(configMaps, cmName, nsOf(d));
    // v0.6-v0.12 api/v1beta1/inference_config_validation.go validateInferenceConfig: the webhook GETs it on create
    if (!cm) r.add('configmap-missing', ['inference', 'config'], `ConfigMap ${cmName} is not among the linted files: Kaito's webhook rejects the Workspace unless it exists in ${nsOf(d) ? `namespace ${nsOf(d)}` : "the Workspace's namespace"}`, `lint it together with the Workspace (kaito lint -f workspace.yaml -f ${cmName}.yaml)`);
    else {
      checkedCms.add(cm);
      if (cm.file === d.file && cm.index > d.index)
        r.add('configmap-order', ['inference', 'config'], `ConfigMap ${cmName} comes after the Workspace in this file: \`kubectl apply -f\` creates it after the Workspace, whose creation Kaito's webhook rejects as long as the ConfigMap is missing`, 'move the ConfigMap above the Workspace');
      const limit = release === '0.12' && (runtime ?? 'vllm') === 'vllm' ? preset?.contextLength : undefined;
      r.out.push(...lintInferenceConfigMap(cm, limit, preset?.name));
    }
  }
  return r.out;
}

function presetAtTunable(p: NonNullable<ReturnType<typeof getPreset>>, release: LintOptions['release']): boolean {
  return Boolean(p.versions[release]?.tune);
}

function findConfigMap(cms: ParsedDoc[], name: string, ns: string | undefined): ParsedDoc | undefined {
  return cms.find((c) => nameOf(c) === name && (nsOf(c) === undefined || ns === undefined || nsOf(c) === ns));
}

function batchSizeOf(cm: ParsedDoc | undefined): number {
  const text = cm && isObj(cm.value.data) ? str(cm.value.data[TUNING_CONFIG_KEY]) : undefined;
  if (!text) return 1;
  try {
    const v = (yamlLib().parse(text) as { training_config?: { TrainingArguments?: { per_device_train_batch_size?: unknown } } })?.training_config?.TrainingArguments?.per_device_train_batch_size;
    return typeof v === 'number' && v >= 1 ? v : 1;
  } catch {
    return 1;
  }
}

/** Positions inside an embedded YAML text (a ConfigMap data value) mapped back to the file. */
class Embedded {
  private readonly inner?: { doc: Document; lc: LineCounter };
  private readonly origin: { line: number; column: number } | null;
  private readonly keySpan: Span;
  readonly parseError?: { message: string; span: Span };
  constructor(private readonly cm: ParsedDoc, private readonly key: string, text: string) {
    const valueNode = cm.doc.getIn(['data', key], true) as Parameters<typeof blockScalarOrigin>[0] | undefined;
    this.keySpan = spanOf(nodeAt(cm.doc, ['data', key]).node, cm.lc);
    this.origin = valueNode ? blockScalarOrigin(valueNode, cm.source, cm.lc) : null;
    const { parseDocument, LineCounter } = yamlLib();
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
    if (doc.errors.length) {
      const e = doc.errors[0];
      const p = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
      this.parseError = { message: e.message.split('\n')[0], span: this.map({ line: p.line, column: p.col, endLine: p.line, endColumn: p.col }) };
    } else this.inner = { doc, lc };
  }
  private map(s: Span): Span {
    if (!this.origin) return this.keySpan;
    return { line: this.origin.line + s.line - 1, column: this.origin.column + s.column - 1, endLine: this.origin.line + s.endLine - 1, endColumn: this.origin.column + s.endColumn - 1 };
  }
  span(path: Seg[]): Span {
    if (!this.inner) return this.keySpan;
    return this.map(spanOf(nodeAt(this.inner.doc, path).node, this.inner.lc));
  }
  get keyPath(): Seg[] {
    return ['data', this.key];
  }
}

function lintTuningConfigMap(cm: ParsedDoc, tun: Obj, method: TuningMethod, ns: string): Finding[] {
  const r = new Reporter(cm, `ConfigMap/${nameOf(cm)}`);
  const text = isObj(cm.value.data) ? str(cm.value.data[TUNING_CONFIG_KEY]) : undefined;
  if (text === undefined) {
    r.add('training-config', ['data'], `ConfigMap ${nameOf(cm)} has no data key ${TUNING_CONFIG_KEY}: Kaito's webhook rejects the Workspace`, `add data.${TUNING_CONFIG_KEY} with a training_config: mapping`);
    return r.out;
  }
  const emb = new Embedded(cm, TUNING_CONFIG_KEY, text);
  if (emb.parseError) {
    r.push('training-config', emb.parseError.span, emb.keyPath, `${TUNING_CONFIG_KEY}: invalid YAML: ${emb.parseError.message}`, 'correct the YAML of the training config');
    return r.out;
  }
  // what Kaito's webhook rejects (the sandbox's validateTuningConfigMap)
  const causes = validateTuningConfigMap(tun, ns, (_n, name) => (name === nameOf(cm) ? (cm.value as never) : undefined));
  for (const c of causes) {
    const path = tuningCausePath(c);
    const rule: RuleId = c.field === 'output_dir' ? 'output-dir' : 'training-config';
    const text = c.message === 'Required value' && c.field?.includes(': ') ? c.field.slice(c.field.indexOf(': ') + 2) : c.message;
    r.push(rule, emb.span(path), [...emb.keyPath, ...path], `${TUNING_CONFIG_KEY}: Kaito's webhook rejects it: ${text}`, tuningFix(c, method));
  }
  // what the CLI's own rules add (core/training-config.ts, as `kaito tune --config-file`)
  let cfg: unknown;
  try {
    cfg = yamlLib().parse(text);
  } catch {
    return r.out;
  }
  if (!isObj(cfg) || !isObj(cfg.training_config)) return r.out;
  for (const i of trainingConfigIssues(cfg as TrainingConfig, method)) {
    if (i.kaitoRejects) continue;
    const rule: RuleId = i.path.includes('output_dir') ? 'output-dir' : 'training-config';
    const [msg, fix] = splitFix(`${TUNING_CONFIG_KEY}: ${i.message}`);
    r.push(rule, emb.span(i.path), [...emb.keyPath, ...i.path], msg, fix === 'see the message' && rule === 'training-config' ? 'correct the value' : fix);
  }
  return r.out;
}

function lintInferenceConfigMap(cm: ParsedDoc, contextLimit?: number, presetName?: string): Finding[] {
  const r = new Reporter(cm, `ConfigMap/${nameOf(cm)}`);
  const text = isObj(cm.value.data) ? str(cm.value.data[INFERENCE_CONFIG_KEY]) : undefined;
  if (text === undefined) {
    r.add('inference-config', ['data'], `ConfigMap ${nameOf(cm)} has no data key ${INFERENCE_CONFIG_KEY}`, `add data.${INFERENCE_CONFIG_KEY}`);
    return r.out;
  }
  const emb = new Embedded(cm, INFERENCE_CONFIG_KEY, text);
  for (const p of inferenceConfigProblems(text, INFERENCE_CONFIG_KEY)) r.push('inference-config', emb.parseError?.span ?? emb.span([]), emb.keyPath, p, 'make it a YAML mapping (e.g. vllm: {max-model-len: 4096})');
  if (emb.parseError) return r.out;
  let doc: unknown;
  try {
    doc = yamlLib().parse(text);
  } catch {
    return r.out;
  }
  const vllm = isObj(doc) && isObj(doc.vllm) ? doc.vllm : undefined;
  // v0.12 api/v1beta1/inference_config_validation.go: vllm.max-model-len above the preset's ModelTokenLimit is rejected
  const mml = vllm?.['max-model-len'];
  if (contextLimit && mml !== undefined && mml !== null && String(mml).trim() !== '') {
    const n = Number(String(mml).trim());
    const path = ['vllm', 'max-model-len'];
    if (!Number.isInteger(n)) r.push('inference-config', emb.span(path), [...emb.keyPath, ...path], `${INFERENCE_CONFIG_KEY}: Kaito's webhook rejects it: max-model-len must be an integer (got ${JSON.stringify(mml)})`, 'write a whole number of tokens');
    else if (n > contextLimit) r.push('inference-config', emb.span(path), [...emb.keyPath, ...path], `${INFERENCE_CONFIG_KEY}: Kaito's webhook rejects it: max-model-len ${n} exceeds ${presetName}'s context window ${contextLimit}`, `use at most ${contextLimit}`);
  }
  const rank = vllm?.['max-lora-rank'];
  // vLLM accepts only these --max-lora-rank values (render/inference.ts VLLM_LORA_RANKS, compat R20a)
  if (rank !== undefined && !(VLLM_LORA_RANKS as readonly unknown[]).includes(rank))
    r.push('inference-config', emb.span(['vllm', 'max-lora-rank']), [...emb.keyPath, 'vllm', 'max-lora-rank'], `${INFERENCE_CONFIG_KEY}: vllm.max-lora-rank ${JSON.stringify(rank)} is not a value vLLM accepts (${VLLM_LORA_RANKS.join(', ')}): the inference server does not start`, `use ${VLLM_LORA_RANKS.find((x) => typeof rank === 'number' && x >= rank) ?? 16}`);
  return r.out;
}

// ---- helpers

function getIn(o: unknown, path: Seg[]): unknown {
  let cur = o;
  for (const s of path) cur = isObj(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[s as string] : undefined;
  return cur;
}

function schemaAt(path: Seg[]) {
  let s: typeof workspaceSchema | undefined = workspaceSchema;
  for (const seg of path) {
    if (!s) return undefined;
    s = typeof seg === 'number' ? s.items : (s.properties?.[seg] ?? s.additionalProperties);
  }
  return s;
}

/** A webhook cause's field as a path in the Workspace ("spec" is the whole object). */
function causePath(c: StatusCause): Seg[] {
  const f = c.field ?? '';
  if (!f || f === 'spec') return [];
  return parseFieldPath(f);
}

function tuningCausePath(c: StatusCause): Seg[] {
  const f = c.field ?? '';
  if (f === 'output_dir') return ['training_config', 'TrainingArguments', 'output_dir'];
  if (f === 'load_in_4bit' || f === 'load_in_8bit') return ['training_config', 'QuantizationConfig', f];
  if (f.startsWith('QuantizationConfig')) return ['training_config', 'QuantizationConfig'];
  const sec = /Unrecognized section: (.+)$/.exec(c.message);
  if (sec) return ['training_config', sec[1]];
  if (/training_config/.test(c.message)) return [];
  return ['training_config'];
}

function tuningFix(c: StatusCause, method: TuningMethod): string {
  if (c.field === 'output_dir') return 'use /mnt/<dir>, e.g. output_dir: /mnt/results';
  if (/Unrecognized section/.test(c.message)) return 'use only ModelConfig, QuantizationConfig, LoraConfig, TrainingArguments, DatasetConfig, DataCollator';
  if (/QuantizationConfig/.test(c.field ?? '') || /load_in/.test(c.field ?? ''))
    return method === 'qlora' ? 'set QuantizationConfig.load_in_4bit: true (and load_in_8bit: false)' : 'set load_in_4bit and load_in_8bit to false (or use method qlora)';
  return 'put a training_config: mapping at the top of the file';
}

/** Render's messages name flags; in a file they are fields. */
function unflag(s: string): string {
  return s.replace(/--preset /g, 'preset ').replace(/--method /g, 'method ').replace(/--runtime /g, 'runtime ').replace(/--instance-type /g, 'instanceType ').replace(/ or upgrade Kaito$/, '; or upgrade Kaito');
}

/** "why: what to do" -> [why, what to do] at the last ": " that starts an instruction. */
function splitFix(s: string): [string, string] {
  const m = /^(.*?):\s+((?:pick|use|serve|drop|set|add|remove|lower|tune)\b.*)$/.exec(s);
  return m ? [m[1], m[2]] : [s, 'see the message'];
}

function webhookFix(c: StatusCause): string {
  const f = c.field ?? '';
  const m = c.message;
  if (f === 'metadata.name') return 'use at most 63 lower-case letters, digits and -, starting and ending with a letter or digit';
  if (f === 'resource.instanceType') return c.reason === 'FieldValueRequired' ? 'set resource.instanceType to a GPU size (see `kaito presets show PRESET`)' : 'remove resource.instanceType (BYO nodes are chosen by resource.labelSelector)';
  if (f.startsWith('resource.labelSelector')) return 'add a label of your own to resource.labelSelector.matchLabels, e.g. app: my-workspace';
  if (f === 'resource.count') return 'set resource.count to 1 or remove it';
  if (f === 'spec') return 'set exactly one of inference and tuning';
  if (/modelAccessSecret/.test(m)) return /does not require/.test(m) ? 'remove presetOptions.modelAccessSecret' : 'add presetOptions.modelAccessSecret: NAME (a Secret with key HF_TOKEN)';
  if (f === 'inference') return 'keep either inference.preset or inference.template';
  if (/strength/.test(f)) return 'remove strength, or use the annotation kaito.sh/runtime: transformers';
  if (/adapters/.test(f)) return 'give each adapter a unique source.name and a source.image; at most 10';
  if (f === 'tuning.input') return 'set exactly one of tuning.input.urls, image and volumeSource';
  if (f.startsWith('tuning.input.urls')) return 'serve the dataset from a public http(s) host, or use tuning.input.image or volumeSource';
  if (f === 'tuning.output') return 'set exactly one of tuning.output.image (with imagePushSecret) and volumeSource';
  if (f === 'tuning.output.imagePushSecret') return 'name a docker-registry Secret in tuning.output.imagePushSecret';
  if (f === 'tuning.method') return 'use lora or qlora (lower case)';
  if (f.endsWith('preset.name')) return 'set preset.name (see `kaito presets list`)';
  return 'see the message';
}
