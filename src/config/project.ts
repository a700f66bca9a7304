// kaito.yaml — the project file (SPEC "kaito.yaml"). Read by every command; precedence is
// flag > environment > kaito.yaml > built-in default. It never holds a secret.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML, { LineCounter, isMap, isSeq, type Node } from 'yaml';
import { UsageError } from '../errors.js';

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
  tune?: {
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
  };
  deploy?: {
    preset?: string;
    name?: string;
    instanceType?: string;
    nodepool?: string;
    labels?: Record<string, string>;
    runtime?: 'vllm' | 'transformers';
    modelAccessSecret?: string;
  };
  /** The workspace chat/proxy/status/wait/logs use when none is named. */
  workspace?: string;
}

export const DEFAULT_CONFIG_FILE = 'kaito.yaml';

type FieldKind = 'string' | 'string[]' | 'map' | { enum: string[] };
const SCHEMA: Record<string, Record<string, FieldKind> | FieldKind> = {
  cluster: {
    subscription: 'string',
    resourceGroup: 'string',
    name: 'string',
    kubeContext: 'string',
    namespace: 'string',
    armEndpoint: 'string',
    nodeProvisioning: { enum: ['auto', 'nap', 'byo'] },
  },
  tune: {
    preset: 'string',
    method: { enum: ['lora', 'qlora'] },
    name: 'string',
    dataset: 'string[]',
    datasetImage: 'string',
    datasetPvc: 'string',
    outputImage: 'string',
    pushSecret: 'string',
    outputPvc: 'string',
    instanceType: 'string',
    nodepool: 'string',
    labels: 'map',
  },
  deploy: {
    preset: 'string',
    name: 'string',
    instanceType: 'string',
    nodepool: 'string',
    labels: 'map',
    runtime: { enum: ['vllm', 'transformers'] },
    modelAccessSecret: 'string',
  },
  workspace: 'string',
};

const SECRET_KEYS = /password|token|secretvalue|apikey|api_key|clientsecret/i;

export interface LoadedProject {
  path: string;
  exists: boolean;
  config: ProjectConfig;
}

/** Loads the project file. A missing default file is fine; a missing explicit --config is an error. */
export function loadProjectConfig(configFlag: string | undefined, cwd = process.cwd()): LoadedProject {
  const path = resolve(cwd, configFlag ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (configFlag) throw new UsageError(`config file ${configFlag} not found`, 'run `kaito init` to write one, or drop --config');
    return { path, exists: false, config: {} };
  }
  const text = readFileSync(path, 'utf8');
  return { path, exists: true, config: parseProjectConfig(text, path) };
}

export function parseProjectConfig(text: string, file = DEFAULT_CONFIG_FILE): ProjectConfig {
  const lc = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined) => {
    const off = node?.range?.[0];
    return off === undefined ? '' : `:${lc.linePos(off).line}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new UsageError(`${file}:${e.linePos?.[0].line ?? '?'}: invalid YAML: ${e.message.split('\n')[0]}`, 'fix the syntax or rewrite the file with `kaito init --force`');
  }
  const problems: string[] = [];
  const root = doc.contents;
  if (root === null || root === undefined) return {};
  if (!isMap(root)) throw new UsageError(`${file}:1: the top level must be a mapping`, 'see the kaito.yaml example in the README');
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    const kind = SCHEMA[key];
    const keyNode = pair.key as Node;
    if (kind === undefined) {
      problems.push(`${file}${at(keyNode)}: unknown key "${key}" (known: ${Object.keys(SCHEMA).join(', ')})`);
      continue;
    }
    if (typeof kind === 'object' && !('enum' in kind)) {
      const section = pair.value as Node;
      if (section === null || (section as { value?: unknown }).value === null) continue;
      if (!isMap(section)) {
        problems.push(`${file}${at(section)}: "${key}" must be a mapping`);
        continue;
      }
      for (const inner of section.items) {
        const ik = String((inner.key as { value?: unknown })?.value ?? inner.key);
        const ikind = (kind as Record<string, FieldKind>)[ik];
        if (SECRET_KEYS.test(ik)) {
          problems.push(`${file}${at(inner.key as Node)}: "${key}.${ik}" looks like a secret; kaito.yaml never holds secrets (pass them on stdin)`);
          continue;
        }
        if (ikind === undefined) {
          problems.push(`${file}${at(inner.key as Node)}: unknown key "${key}.${ik}" (known: ${Object.keys(kind).join(', ')})`);
          continue;
        }
        checkValue(`${key}.${ik}`, ikind, inner.value as Node, `${file}${at((inner.value as Node) ?? (inner.key as Node))}`, problems);
      }
    } else {
      checkValue(key, kind as FieldKind, pair.value as Node, `${file}${at((pair.value as Node) ?? keyNode)}`, problems);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.length === 1 ? problems[0] : `${file} has ${problems.length} problems`, 'fix kaito.yaml (see the README) or rewrite it with `kaito init --force`', problems.length === 1 ? [] : problems);
  }
  return doc.toJS() as ProjectConfig;
}

function checkValue(key: string, kind: FieldKind, node: Node | null | undefined, where: string, problems: string[]): void {
  const v = node && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : undefined;
  if (v === null || v === undefined) return;
  if (kind === 'string') {
    if (typeof v !== 'string' && typeof v !== 'number') problems.push(`${where}: "${key}" must be a string`);
  } else if (kind === 'string[]') {
    if (!(isSeq(node) && (v as unknown[]).every((x) => typeof x === 'string')) && typeof v !== 'string')
      problems.push(`${where}: "${key}" must be a list of strings`);
  } else if (kind === 'map') {
    if (!isMap(node) || !Object.values(v as object).every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'))
      problems.push(`${where}: "${key}" must be a mapping of strings`);
  } else if (!kind.enum.includes(String(v))) {
    problems.push(`${where}: "${key}" must be one of ${kind.enum.join(', ')} (got "${String(v)}")`);
  }
}
