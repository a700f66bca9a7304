// The preset catalog and GPU SKU table, from the package's presets/ folder (data only, one YAML per model),
// whose files come through the catalog source (core/catalog-source.ts; src/catalog/files.ts reads them). The
// results are cached, so every other core module stays a pure function of its inputs.
import { join } from 'node:path';
import { catalogSource } from './catalog-source.js';
import { snapshotDoc } from './snapshot.js';
import { yamlLib } from './yaml-lib.js';

export type TuningMethod = 'lora' | 'qlora';
export type Runtime = 'vllm' | 'transformers';

/** The Kaito releases the catalog records support for (same values as the sandbox's KaitoVersion). */
export type KaitoRelease = '0.6' | '0.10' | '0.11' | '0.12';
export const KAITO_RELEASES: readonly KaitoRelease[] = ['0.6', '0.10', '0.11', '0.12'];
export const DEFAULT_KAITO_RELEASE: KaitoRelease = '0.12';

/** What one Kaito release offers for a preset (compat R1): a preset there at all can be served. */
export interface ReleaseSupport {
  serve: boolean;
  tune: boolean;
  runtimes: Runtime[];
}

export interface Preset {
  name: string;
  huggingFaceId: string;
  /** billions of parameters (drives the training memory estimate) */
  parametersB: number;
  /** size of the served checkpoint (drives the inference estimate) */
  weightsGiB: number;
  tunable: boolean;
  methods: TuningMethod[];
  runtimes: Runtime[];
  gated: boolean;
  contextLength?: number;
  recommendedSkus: string[];
  /** per Kaito release (compat R1); a release missing here has no such preset. `tunable` and `methods` above
   * describe the default release (0.12); `methods` lists the methods of any release that tunes it. */
  versions: Partial<Record<KaitoRelease, ReleaseSupport>>;
}

export interface Sku {
  name: string;
  gpuModel: string;
  gpus: number;
  /** total over all GPUs of one VM */
  gpuMemoryGiB: number;
  vcpus: number;
  /** Compute usage API family name, e.g. standardNCADSA100v4Family */
  quotaFamily: string;
}

let presetCache: Preset[] | undefined;
let skuCache: Sku[] | undefined;
let skuTableCache: Partial<Record<KaitoRelease, Set<string>>> | undefined;

/** The preset as one Kaito release offers it (compat R1): tunable/methods/runtimes narrowed to that release,
 * undefined when the release has no such preset. */
export function presetAt(p: Preset, release: KaitoRelease): Preset | undefined {
  const s = p.versions[release];
  if (!s) return undefined;
  return { ...p, tunable: s.tune, methods: s.tune ? p.methods : [], runtimes: p.runtimes.filter((r) => s.runtimes.includes(r)) };
}

/** Lower-cased names of the GPU sizes in one Kaito release's own SKU table (compat R2). */
export function kaitoSkuTable(release: KaitoRelease, dir = catalogSource().presetsDir()): Set<string> {
  if (skuTableCache && dir === catalogSource().presetsDir()) return skuTableCache[release] ?? new Set();
  const doc = parseYaml(catalogSource().read(join(dir, 'skus.yaml')), 'skus.yaml', dir === catalogSource().presetsDir()) as { kaitoSkuTables?: Record<string, unknown> };
  const tables: Partial<Record<KaitoRelease, Set<string>>> = {};
  for (const r of KAITO_RELEASES) {
    const list = doc?.kaitoSkuTables?.[r];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) fail('skus.yaml', `kaitoSkuTables."${r}" must be a list of names`);
    tables[r] = new Set((list as string[]).map((x) => x.toLowerCase()));
  }
  if (dir === catalogSource().presetsDir()) skuTableCache = tables;
  return tables[release] ?? new Set();
}

/** All presets, sorted by name. Throws (a packaging bug, not a user error) when a file is malformed. */
export function loadPresets(dir = catalogSource().presetsDir()): Preset[] {
  if (presetCache && dir === catalogSource().presetsDir()) return presetCache;
  const files = catalogSource().list(dir).filter((f) => f.endsWith('.yaml') && f !== 'skus.yaml').sort();
  const own = dir === catalogSource().presetsDir();
  const presets = files.map((f) => parsePreset(catalogSource().read(join(dir, f)), f, own));
  presets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (dir === catalogSource().presetsDir()) presetCache = presets;
  return presets;
}

const single = new Map<string, Preset | null>();

/** Reads only presets/<name>.yaml (render needs one preset; parsing the whole catalog costs start-up time). */
export function getPreset(name: string): Preset | undefined {
  if (presetCache) return presetCache.find((p) => p.name === name);
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) return undefined;
  if (!single.has(name)) {
    const file = `${name}.yaml`;
    const path = join(catalogSource().presetsDir(), file);
    single.set(name, catalogSource().exists(path) && name !== 'skus' ? parsePreset(catalogSource().read(path), file, true) : null);
  }
  return single.get(name) ?? undefined;
}

export function loadSkus(dir = catalogSource().presetsDir()): Sku[] {
  if (skuCache && dir === catalogSource().presetsDir()) return skuCache;
  const own = dir === catalogSource().presetsDir();
  const doc = parseYaml(catalogSource().read(join(dir, 'skus.yaml')), 'skus.yaml', own) as { skus?: unknown[] };
  const skus = (doc?.skus ?? []).map((s, i) => parseSku(s, `skus.yaml#${i}`));
  if (dir === catalogSource().presetsDir()) skuCache = skus;
  return skus;
}

/** Case-insensitive: Azure itself treats VM size names that way. */
export function getSku(name: string): Sku | undefined {
  const n = name.toLowerCase();
  return loadSkus().find((s) => s.name.toLowerCase() === n);
}

function fail(file: string, what: string): never {
  throw new Error(`presets/${file}: ${what}`);
}

/** YAML.parse, or the build-time snapshot's document for exactly this text of one of the package's own files. */
function parseYaml(text: string, file: string, own: boolean): unknown {
  const hit = own ? snapshotDoc(`presets/${file}`, text) : null;
  return hit ? hit.doc : yamlLib().parse(text);
}

/** `own`: the file is one of the package's presets/ (its parse may come from the build-time snapshot). */
export function parsePreset(text: string, file: string, own = false): Preset {
  const d = parseYaml(text, file, own) as Record<string, unknown>;
  if (!d || typeof d !== 'object') fail(file, 'not a mapping');
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : fail(file, `${k} must be a non-empty string`));
  const num = (k: string) => (typeof d[k] === 'number' && (d[k] as number) > 0 ? (d[k] as number) : fail(file, `${k} must be a positive number`));
  const bool = (k: string) => (typeof d[k] === 'boolean' ? (d[k] as boolean) : fail(file, `${k} must be true or false`));
  const list = <T extends string>(k: string, allowed?: readonly T[]): T[] => {
    const v = d[k];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(file, `${k} must be a list of strings`);
    if (allowed) for (const x of v) if (!allowed.includes(x as T)) fail(file, `${k}: unknown value ${x}`);
    return v as T[];
  };
  const p: Preset = {
    name: str('name'),
    huggingFaceId: str('huggingFaceId'),
    parametersB: num('parametersB'),
    weightsGiB: num('weightsGiB'),
    tunable: bool('tunable'),
    methods: list<TuningMethod>('methods', ['lora', 'qlora']),
    runtimes: list<Runtime>('runtimes', ['vllm', 'transformers']),
    gated: bool('gated'),
    recommendedSkus: list('recommendedSkus'),
    versions: {},
  };
  if (d.contextLength !== undefined) p.contextLength = num('contextLength');
  const v = d.versions as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(file, 'versions must map Kaito releases to what they offer');
  for (const [rel, caps] of Object.entries(v)) {
    if (!KAITO_RELEASES.includes(rel as KaitoRelease)) fail(file, `versions: unknown Kaito release ${rel} (known: ${KAITO_RELEASES.join(', ')})`);
    if (!Array.isArray(caps) || !caps.every((c) => ['serve', 'tune', 'vllm', 'transformers'].includes(c as string)))
      fail(file, `versions."${rel}" must list serve, tune, vllm, transformers`);
    p.versions[rel as KaitoRelease] = { serve: caps.includes('serve'), tune: caps.includes('tune'), runtimes: (['vllm', 'transformers'] as Runtime[]).filter((r) => caps.includes(r)) };
  }
  const anyTune = Object.values(p.versions).some((s) => s?.tune);
  if (anyTune !== p.methods.length > 0) fail(file, 'a preset some release tunes lists its methods, an inference-only one none');
  if (p.tunable !== Boolean(p.versions[DEFAULT_KAITO_RELEASE]?.tune)) fail(file, `tunable must say whether Kaito ${DEFAULT_KAITO_RELEASE} tunes it (versions)`);
  if (`${p.name}.yaml` !== file) fail(file, `name ${p.name} does not match the file name`);
  return p;
}

function parseSku(v: unknown, where: string): Sku {
  const d = v as Record<string, unknown>;
  for (const k of ['name', 'gpuModel', 'quotaFamily']) if (typeof d?.[k] !== 'string') fail(where, `${k} must be a string`);
  for (const k of ['gpus', 'gpuMemoryGiB', 'vcpus']) if (typeof d?.[k] !== 'number' || (d[k] as number) <= 0) fail(where, `${k} must be a positive number`);
  return {
    name: d.name as string,
    gpuModel: d.gpuModel as string,
    gpus: d.gpus as number,
    gpuMemoryGiB: d.gpuMemoryGiB as number,
    vcpus: d.vcpus as number,
    quotaFamily: d.quotaFamily as string,
  };
}
