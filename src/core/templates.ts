// Loads the base manifests from the package's templates/ folder (valid YAML, patched by core/render).
// Cached; callers get a deep copy they may mutate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { templatesDir } from '../paths.js';
import type { KObject } from './render/types.js';

export type TemplateName = 'workspace-tuning' | 'workspace-inference' | 'configmap';
const cache = new Map<TemplateName, KObject>();

export function loadTemplate(name: TemplateName): KObject {
  let t = cache.get(name);
  if (!t) {
    t = YAML.parse(readFileSync(join(templatesDir(), `${name}.yaml`), 'utf8')) as KObject;
    cache.set(name, t);
  }
  return structuredClone(t);
}
