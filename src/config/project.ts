// kaito.yaml — the project file (SPEC "kaito.yaml"). Read by every command; precedence is
// flag > environment > kaito.yaml > built-in default. It never holds a secret.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Node } from 'yaml';
import { yamlLib } from '../core/yaml-lib.js';
import { evalSplitProblem } from '../core/training-config.js';
import { UsageError } from '../errors.js';
import type { DeployFileValues, TuneFileValues } from '../core/render/types.js';
import {
  validateArmEndpoint,
  validateClusterName,
  validateDatasetUrl,
  validateImageReference,
  validateKubeContext,
  validateLabelKey,
  validateLabelValue,
  validateNamespace,
  validateNodepoolName,
  validateObjectName,
  validateResourceGroup,
  validateSubscriptionId,
  validateWorkspaceName,
  type Validator,
} from './validators.js';

export interface ProjectConfig {
  cluster?: {
    subscription?: string;
    resourceGroup?: string;
    name?: string;
    kubeContext?: string;
    namespace?: string;
    armEndpoint?: string;
    nodeProvisioning?: 'auto' | 'nap' | 'byo';
  };
  tune?: TuneFileValues;
  deploy?: DeployFileValues;
  /** The workspace chat/proxy/status/wait/logs use when none is named. */
  workspace?: string;
}

export const DEFAULT_CONFIG_FILE = 'kaito.yaml';

export type FieldKind =
  | { type: 'string'; check?: Validator }
  | { type: 'string[]'; check?: Validator }
  | { type: 'map' }
  | { type: 'enum'; values: readonly string[] };

const str = (check?: Validator): FieldKind => ({ type: 'string', check });
const oneOf = (...values: string[]): FieldKind => ({ type: 'enum', values });

/** Keys in the order the writer emits them; the loader refuses anything else. */
export const PROJECT_SCHEMA = {
  cluster: {
    subscription: str(validateSubscriptionId),
    resourceGroup: str(validateResourceGroup),
    name: str(validateClusterName),
    kubeContext: str(validateKubeContext),
    namespace: str(validateNamespace),
    armEndpoint: str(validateArmEndpoint),
    nodeProvisioning: oneOf('auto', 'nap', 'byo'),
  },
  tune: {
    preset: str(),
    method: oneOf('lora', 'qlora'),
    name: str(validateWorkspaceName),
    dataset: { type: 'string[]', check: validateStoredDatasetUrl } as FieldKind,
    datasetImage: str(validateImageReference),
    datasetPvc: str(validateObjectName),
    outputImage: str(validateImageReference),
    pushSecret: str(validateObjectName),
    outputPvc: str(validateObjectName),
    instanceType: str(),
    nodepool: str(validateNodepoolName),
    labels: { type: 'map' } as FieldKind,
    evalSplit: str((v) => evalSplitProblem(v) ?? undefined),
    deleteAfter: oneOf('true', 'false'),
    logsDir: str(),
  },
  deploy: {
    preset: str(),
    name: str(validateWorkspaceName),
    instanceType: str(),
    nodepool: str(validateNodepoolName),
    labels: { type: 'map' } as FieldKind,
    runtime: oneOf('vllm', 'transformers'),
    modelAccessSecret: str(validateObjectName),
  },
  workspace: str(validateWorkspaceName),
} as const satisfies Record<string, Record<string, FieldKind> | FieldKind>;

export type SectionName = 'cluster' | 'tune' | 'deploy';

// Keys that name a secret are refused outright, whatever section they are in: the point is that a
// misplaced password never lands in a file that gets committed.
const SECRET_KEYS = /password|passwd|token|secretvalue|apikey|api_key|api-key|clientsecret|client_secret|credential|privatekey/i;

/** A dataset URL stored in kaito.yaml must also not carry a credential (SAS signature, user:password@). */
export function validateStoredDatasetUrl(v: string): string | undefined {
  const base = validateDatasetUrl(v);
  if (base) return base;
  const u = new URL(v);
  if (u.password) return 'carries a password; kaito.yaml never holds secrets (pass the URL with `kaito tune --dataset`)';
  if (/[?&](sig|signature|x-amz-signature|token|access_token)=/i.test(u.search))
    return 'carries a signature/token in its query; kaito.yaml never holds secrets (pass the URL with `kaito tune --dataset`)';
  return undefined;
}

export interface LoadedProject {
  path: string;
  exists: boolean;
  config: ProjectConfig;
}

/** --config, else KAITO_CONFIG, else ./kaito.yaml — resolved against cwd. */
export function projectConfigPath(configFlag: string | undefined, cwd = process.cwd()): string {
  return resolve(cwd, configFlag ?? DEFAULT_CONFIG_FILE);
}

/** Loads the project file. A missing default file is fine; a missing explicit --config is an error. */
export function loadProjectConfig(configFlag: string | undefined, cwd = process.cwd()): LoadedProject {
  const path = projectConfigPath(configFlag, cwd);
  if (!existsSync(path)) {
    if (configFlag) throw new UsageError(`config file ${configFlag} not found`, 'run `kaito init` to write one, or drop --config');
    return { path, exists: false, config: {} };
  }
  const text = readFileSync(path, 'utf8');
  return { path, exists: true, config: parseProjectConfig(text, path) };
}

export function parseProjectConfig(text: string, file = DEFAULT_CONFIG_FILE): ProjectConfig {
  // the library is loaded only when there is a kaito.yaml (the harness preloads it then)
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined) => {
    const off = node?.range?.[0];
    return off === undefined ? '' : `:${lc.linePos(off).line}`;
  };
  const hint = 'fix kaito.yaml (see the README) or rewrite it with `kaito init --force`';
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => `${file}:${lc.linePos(e.pos[0]).line}: ${describeYamlError(e.code, e.message)}`);
    throw new UsageError(problems.length === 1 ? problems[0] : `${file} is not valid YAML (${problems.length} problems)`, hint, problems.length === 1 ? [] : problems);
  }
  const problems: string[] = [];
  const root = doc.contents;
  if (root === null || root === undefined || (isScalar(root) && root.value === null)) return {};
  if (!isMap(root)) throw new UsageError(`${file}:1: the top level must be a mapping of cluster, tune, deploy and workspace`, hint);
  const out: Record<string, unknown> = {};
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = keyText(keyNode);
    const where = (n: Node | null | undefined) => `${file}${at(n ?? keyNode)}`;
    if (SECRET_KEYS.test(key)) {
      problems.push(`${where(keyNode)}: "${key}" looks like a secret; kaito.yaml never holds secrets (pass them on stdin)`);
      continue;
    }
    const kind = (PROJECT_SCHEMA as Record<string, Record<string, FieldKind> | FieldKind>)[key];
    if (kind === undefined) {
      problems.push(`${where(keyNode)}: unknown key "${key}" (known: ${Object.keys(PROJECT_SCHEMA).join(', ')})`);
      continue;
    }
    if (!('type' in kind)) {
      const section = pair.value as Node | null;
      if (section === null || (isScalar(section) && section.value === null)) continue;
      if (!isMap(section)) {
        problems.push(`${where(section)}: "${key}" must be a mapping (keys: ${Object.keys(kind).join(', ')})`);
        continue;
      }
      const sectionOut: Record<string, unknown> = {};
      for (const inner of section.items) {
        const innerKey = inner.key as Node;
        const ik = keyText(innerKey);
        if (SECRET_KEYS.test(ik)) {
          problems.push(`${where(innerKey)}: "${key}.${ik}" looks like a secret; kaito.yaml never holds secrets (pass them on stdin)`);
          continue;
        }
        const ikind = (kind as Record<string, FieldKind>)[ik];
        if (ikind === undefined) {
          problems.push(`${where(innerKey)}: unknown key "${key}.${ik}" (known: ${Object.keys(kind).join(', ')})`);
          continue;
        }
        const v = checkValue(`${key}.${ik}`, ikind, inner.value as Node | null, (n) => where(n ?? (inner.value as Node) ?? innerKey), problems);
        if (v !== undefined) sectionOut[ik] = v;
      }
      out[key] = sectionOut;
    } else {
      const v = checkValue(key, kind as FieldKind, pair.value as Node | null, (n) => where(n ?? (pair.value as Node) ?? keyNode), problems);
      if (v !== undefined) out[key] = v;
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? problems[0] : `${file} has ${problems.length} problems`, hint, problems.length === 1 ? [] : problems);
  }
  return out as ProjectConfig;
}

function keyText(node: Node | null | undefined): string {
  if (node && yamlLib().isScalar(node)) return String(node.value);
  return String(node);
}

function describeYamlError(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${message.split('\n')[0]}`;
  return `invalid YAML: ${message.split('\n')[0]}`;
}

/** Checks one value against its kind and returns it normalised (numbers as strings, one dataset as a list). */
function checkValue(key: string, kind: FieldKind, node: Node | null, where: (n?: Node) => string, problems: string[]): unknown {
  const { isMap, isScalar, isSeq } = yamlLib();
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return undefined;
  const scalarString = (n: Node): string | undefined => {
    if (!isScalar(n)) return undefined;
    const v = n.value;
    // YAML turns `namespace: 2024` into a number; the user meant the text
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  switch (kind.type) {
    case 'string': {
      const s = scalarString(node);
      if (s === undefined) {
        problems.push(`${where()}: "${key}" must be a string`);
        return undefined;
      }
      const bad = kind.check?.(s);
      if (bad) problems.push(`${where()}: "${key}" ${bad} (got "${s}")`);
      return s;
    }
    case 'string[]': {
      const items = isSeq(node) ? (node.items as Node[]) : [node];
      const list: string[] = [];
      for (const item of items) {
        const s = scalarString(item);
        if (s === undefined) {
          problems.push(`${where(item)}: "${key}" must be a list of strings`);
          continue;
        }
        const bad = kind.check?.(s);
        if (bad) problems.push(`${where(item)}: "${key}" ${bad} (got "${s}")`);
        list.push(s);
      }
      return list;
    }
    case 'map': {
      if (!isMap(node)) {
        problems.push(`${where()}: "${key}" must be a mapping of strings, e.g. {team: nlp}`);
        return undefined;
      }
      const map: Record<string, string> = {};
      for (const p of node.items) {
        const k = keyText(p.key as Node);
        const vNode = p.value as Node | null;
        const v = vNode && isScalar(vNode) && ['string', 'number', 'boolean'].includes(typeof vNode.value) ? String(vNode.value) : undefined;
        if (v === undefined) {
          problems.push(`${where((vNode ?? p.key) as Node)}: "${key}.${k}" must be a string`);
          continue;
        }
        const bad = validateLabelKey(k) ?? validateLabelValue(v);
        if (bad) problems.push(`${where(p.key as Node)}: "${key}" ${bad}`);
        map[k] = v;
      }
      return map;
    }
    case 'enum': {
      const s = scalarString(node) ?? (isScalar(node) ? String(node.value) : undefined);
      if (s === undefined || !kind.values.includes(s)) {
        problems.push(`${where()}: "${key}" must be one of ${kind.values.join(', ')}${s === undefined ? '' : ` (got "${s}")`}`);
        return undefined;
      }
      return s;
    }
  }
}
