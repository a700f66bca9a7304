// What one Kaito release cannot do with a given preset / method / runtime / instance type, as one line per
// problem (why + what to do). Pure (reads only the cached catalog), so `kaito render --kaito-version` and
// `kaito tune|deploy` (with the release detected on the cluster) can share it.
import { DEFAULT_KAITO_RELEASE, KAITO_RELEASES, getPreset, kaitoSkuTable, loadPresets, presetAt, type KaitoRelease, type Runtime, type TuningMethod } from './presets.js';

export interface ReleaseCheckInput {
  workload: 'tune' | 'deploy';
  /** catalog preset name; a name the catalog lacks (e.g. a Hugging Face id) is not checked here */
  preset: string;
  method?: TuningMethod;
  runtime?: Runtime;
  /** NAP instance type (tuning only: Kaito v0.8+ needs it in its SKU table to give the Job GPUs) */
  instanceType?: string;
}

/** '0.12' etc. from a flag value; accepts a leading v and a patch number (v0.10.2 -> 0.10). */
export function parseKaitoRelease(raw: string): KaitoRelease | undefined {
  const m = /^v?(0\.\d+)(?:\.\d+)?$/.exec(raw.trim());
  return m && KAITO_RELEASES.includes(m[1] as KaitoRelease) ? (m[1] as KaitoRelease) : undefined;
}

/** The catalog release whose rules apply to a running controller's version (compat R6): its own release when
 *  catalogued, else the newest catalogued release not newer than it (0.7-0.9 -> 0.6, 0.13+ -> 0.12); undefined
 *  when the version is unknown or unparsable (the default release's rules apply). */
export function releaseForVersion(version: string | undefined): KaitoRelease | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version?.trim() ?? '');
  if (!m) return undefined;
  const key = (major: number, minor: number) => major * 1000 + minor;
  const v = key(Number(m[1]), Number(m[2]));
  const at = KAITO_RELEASES.filter((r) => { const [a, b] = r.split('.').map(Number); return key(a, b) <= v; });
  return at.length ? at[at.length - 1] : KAITO_RELEASES[0];
}

function releasesWhere(ok: (r: KaitoRelease) => boolean): string {
  const rs = KAITO_RELEASES.filter(ok);
  return rs.length ? `Kaito ${rs.join(', ')}` : 'no Kaito release';
}

/** compat R9: catalog presets whose weights Kaito downloads at run time on 0.6 and 0.10 (supported_models.yaml
 *  downloadAtRuntime at v0.6.0 / v0.10.0); there the webhook rejects a model access secret for any other preset.
 *  0.11+ accepts one for every catalog preset. */
const RUNTIME_DOWNLOAD: Partial<Record<KaitoRelease, readonly string[]>> = {
  '0.6': ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct'],
  '0.10': ['llama-3.1-8b-instruct', 'llama-3.3-70b-instruct', 'ministral-3-3b-instruct', 'ministral-3-8b-instruct', 'ministral-3-14b-instruct', 'gemma-3-4b-instruct', 'gemma-3-27b-instruct', 'gpt-oss-120b'],
};

/** Why Kaito of this release refuses a model access secret for this preset, or null. */
export function modelAccessSecretProblem(preset: string, release: KaitoRelease, flag: string): string | null {
  const downloads = RUNTIME_DOWNLOAD[release];
  if (!downloads || downloads.includes(preset)) return null;
  return `${flag}: Kaito ${release} rejects a model access secret for ${preset} ("This preset does not require a modelAccessSecret"; its weights ship in the image): drop ${flag}`;
}

export function versionProblems(input: ReleaseCheckInput, release: KaitoRelease = DEFAULT_KAITO_RELEASE): string[] {
  const problems: string[] = [];
  const base = getPreset(input.preset);
  if (base) {
    const at = presetAt(base, release);
    if (!at) {
      // compat R1: gemma-3, gpt-oss, ministral-3 arrived in 0.10
      problems.push(`--preset ${base.name} does not exist in Kaito ${release} (it is in ${releasesWhere((r) => Boolean(base.versions[r]))}): pick another preset (\`kaito presets list\`) or upgrade Kaito`);
    } else if (input.workload === 'tune') {
      if (!at.tunable) {
        // compat R1: e.g. mistral-7b's tuning is broken from 0.11 (MustGet panics), a never-tunable preset nil-dereferences
        const tunable = loadPresets().filter((p) => presetAt(p, release)?.tunable).map((p) => p.name);
        const where = base.methods.length ? ` (tuned only in ${releasesWhere((r) => Boolean(base.versions[r]?.tune))})` : '';
        problems.push(`--preset ${base.name} cannot be tuned on Kaito ${release}${where}: pick a preset it tunes: ${tunable.join(', ')}`);
      } else if (input.method && !at.methods.includes(input.method)) problems.push(`--method ${input.method} is not supported for ${base.name} (supported: ${at.methods.join(', ')})`);
    } else if (input.runtime && !at.runtimes.includes(input.runtime)) {
      // compat R1: phi-4-mini-instruct and ministral-3 lost the transformers runtime in 0.11
      const other = releasesWhere((r) => Boolean(base.versions[r]?.runtimes.includes(input.runtime!)));
      problems.push(`--runtime ${input.runtime} is not available for ${base.name} on Kaito ${release} (available there: ${at.runtimes.join(', ') || 'none'}; ${input.runtime} in ${other}): use --runtime ${at.runtimes[0] ?? 'vllm'}`);
    }
  }
  if (input.workload === 'tune' && input.instanceType) {
    const p = releaseSkuProblem(input.instanceType, release, input.preset);
    if (p) problems.push(p);
  }
  return problems;
}

/** Kaito releases whose own GPU SKU table lists this size (compat R2). */
export function releasesWithSku(instanceType: string): KaitoRelease[] {
  return KAITO_RELEASES.filter((r) => kaitoSkuTable(r).has(instanceType.toLowerCase()));
}

/** Why a tuning Job on this NAP instance type gets no GPUs on this release, or null (compat R2). */
export function releaseSkuProblem(instanceType: string, release: KaitoRelease, preset?: string): string | null {
  // v0.6 falls back to the node's GPU count, so only v0.8+ needs the size in its table
  if (release === '0.6' || kaitoSkuTable(release).has(instanceType.toLowerCase())) return null;
  const where = releasesWithSku(instanceType);
  return `--instance-type ${instanceType} is not in Kaito ${release}'s GPU SKU table (${where.length ? `it is in Kaito ${where.join(', ')}` : 'nor any release\'s'}), so the tuning Job would get no GPUs: pick a size from \`kaito presets show${preset ? ` ${preset}` : ''}\``;
}

/** compat L4: presets Kaito registers that the CLI's catalog does not carry (no sizes, so no fit check), with the releases that
 *  have them and whether they tune there (KAITO.md §9; v0.6/v0.10 presets/workspace/models/supported_models.yaml).
 *  `kaito lint` accepts them on those releases instead of calling them unknown. */
export const PRESETS_OUTSIDE_CATALOG: Record<string, Partial<Record<KaitoRelease, { tune: boolean }>>> = {
  'falcon-7b': { '0.6': { tune: true }, '0.10': { tune: true } },
  'falcon-7b-instruct': { '0.6': { tune: false }, '0.10': { tune: false } },
  'falcon-40b': { '0.6': { tune: true }, '0.10': { tune: true } },
  'falcon-40b-instruct': { '0.6': { tune: false }, '0.10': { tune: false } },
  'phi-2': { '0.6': { tune: true } },
  'deepseek-r1-0528': { '0.6': { tune: false }, '0.10': { tune: false }, '0.11': { tune: false }, '0.12': { tune: false } },
  'deepseek-v3-0324': { '0.6': { tune: false }, '0.10': { tune: false }, '0.11': { tune: false }, '0.12': { tune: false } },
  'mistral-large-3-675b-instruct': { '0.10': { tune: false }, '0.11': { tune: false }, '0.12': { tune: false } },
};
